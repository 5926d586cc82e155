// The site service on loopback (no root needed): it says which site it is (hostname.bind, id.server, NSID,
// HTTP), answers DNS over TCP on long-lived connections, counts queries per source, drops what exceeds its
// modeled capacity, and writes its counters to the stats file the lab reads.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import dgram from 'node:dgram';
import { queryDns } from '../../src/dns/index.js';
import { identityOf, identityQuery } from '../../src/lab/probe/dnswire.js';
import { startService } from '../../src/lab/service/service.js';

const port = () => 20000 + Math.floor(Math.random() * 30000);

test('identity over UDP, TCP and HTTP; counters and stats file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'acl-svc-'));
  const dnsPort = port();
  const httpPort = port();
  const svc = await startService({ site: 'tokyo', city: 'Tokyo', lab: 'w', addresses: ['127.0.0.1', '::1'], dnsPort, httpPort, statsFile: join(dir, 'stats.json') });
  t.after(async () => {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const hb = await queryDns({ server: '127.0.0.1', port: dnsPort, name: 'hostname.bind', type: 'TXT', class: 'CH', nsid: true });
  assert.equal(hb.answers[0]!.data, '"tokyo"');
  assert.equal(hb.nsid?.text, 'tokyo');
  const id6 = await queryDns({ server: '::1', port: dnsPort, name: 'id.server', type: 'TXT', class: 'CH', tcp: true });
  assert.equal(id6.transport, 'tcp');
  assert.equal(id6.answers[0]!.data, '"tokyo"');
  const who = await queryDns({ server: '127.0.0.1', port: dnsPort, name: 'whoami.w.anycast.lab', type: 'TXT' });
  assert.equal(who.rcode, 'NOERROR');
  assert.equal(who.answers[0]!.data, '"tokyo"');
  const body = await new Promise<string>((res, rej) => http.get({ host: '127.0.0.1', port: httpPort, path: '/' }, (r) => {
    let b = '';
    r.on('data', (c: Buffer) => (b += c));
    r.on('end', () => res(b));
  }).on('error', rej));
  assert.deepEqual(JSON.parse(body).site, 'tokyo');
  const st = svc.stats();
  assert.equal(st.udp.received, 2);
  assert.equal(st.bySource['127.0.0.1']!.answered, 2);
  assert.equal(st.tcpQueries, 1);
  assert.equal(st.http, 1);
  await new Promise((r) => setTimeout(r, 300));
  const file = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8'));
  assert.equal(file.site, 'tokyo');
  assert.equal(file.udp.received, 2);
});

test('a modeled capacity drops what exceeds it, and says so per source', async (t) => {
  const dnsPort = port();
  const svc = await startService({ site: 'small', lab: 'w', addresses: ['127.0.0.1'], dnsPort, httpPort: 0, capacityQps: 50 });
  t.after(() => svc.stop());
  const s = dgram.createSocket('udp4');
  let answers = 0;
  s.on('message', (m) => {
    if (identityOf(m)?.site === 'small') answers++;
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  for (let i = 0; i < 400; i++) s.send(identityQuery(i), dnsPort, '127.0.0.1');
  await new Promise((r) => setTimeout(r, 500));
  s.close();
  const st = svc.stats();
  assert.equal(st.udp.received, 400);
  // One second of burst (50) plus what refills meanwhile; far below 400.
  assert.ok(st.udp.answered >= 50 && st.udp.answered < 120, `answered ${st.udp.answered}`);
  assert.equal(st.udp.dropped, 400 - st.udp.answered);
  assert.equal(st.bySource['127.0.0.1']!.dropped, st.udp.dropped);
  assert.equal(answers, st.udp.answered);
});
