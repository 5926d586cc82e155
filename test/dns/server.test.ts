// The server's sockets: TCP with several pipelined queries per connection, idle timeout, the connection bound,
// stop() releasing the ports, reload, RRL over real UDP (a flood from one /24 limited while another /24 is
// answered), and the client helper (NSID, retry over TCP after TC, timeout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { queryDns, DnsTimeoutError } from '../../src/dns/client.js';
import { createDnsServer } from '../../src/dns/server.js';
import { frame, nextFrame } from '../../src/dns/tcp-framing.js';
import { zoneFromText } from '../../src/dns/zone/load.js';
import { backends, decode, exampleZone, identity, query, startServer } from './helpers.js';

function tcpExchange(port: number, msgs: Buffer[], expect: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const got: Buffer[] = [];
    let pending: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`only ${got.length} of ${expect} replies`)); }, 5000);
    s.on('connect', () => {
      // All queries in one write, and the last one split across two writes.
      const all = Buffer.concat(msgs.map(frame));
      s.write(all.subarray(0, all.length - 3));
      setTimeout(() => s.write(all.subarray(all.length - 3)), 20);
    });
    s.on('data', (c: Buffer) => {
      pending = Buffer.concat([pending, c]);
      for (let f = nextFrame(pending); f.kind === 'frame'; f = nextFrame(pending)) {
        got.push(Buffer.from(f.bytes));
        pending = f.rest;
      }
      if (got.length === expect) { clearTimeout(timer); s.destroy(); resolve(got); }
    });
    s.on('error', reject);
  });
}

test('TCP: several pipelined queries on one connection are all answered, in order', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.stop());
  const names = ['www.example.com', 'nope.example.com', 'mail.example.com', 'big.example.com'];
  const replies = await tcpExchange(port, names.map((n, i) => query(n, n.startsWith('big') ? 'TXT' : 'A', { id: 100 + i })), 4);
  assert.deepEqual(replies.map((r) => decode(r).id), [100, 101, 102, 103]);
  assert.deepEqual(replies.map((r) => decode(r).rcode), ['NOERROR', 'NXDOMAIN', 'NOERROR', 'NOERROR']);
  assert.equal(decode(replies[3]!).answers!.length, 8, 'TCP is not truncated at 512');
  assert.equal(server.stats().tcp.accepted, 1);
});

test('TCP: an idle connection is closed after the idle timeout; connections beyond the bound are refused', async (t) => {
  const { server, port } = await startServer({ tcp: { idleTimeoutMs: 600, maxConnections: 2 } });
  t.after(() => server.stop());
  const open = () => new Promise<net.Socket>((res, rej) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => res(s));
    s.on('error', rej);
  });
  const closed = (s: net.Socket) => new Promise<number>((res) => {
    const t0 = Date.now();
    if (s.destroyed) res(0);
    s.on('close', () => res(Date.now() - t0));
  });
  const a = await open();
  const b = await open();
  const c = await open();
  const cClosed = await closed(c);
  assert.ok(cClosed < 450, `third connection closed at once (${cClosed} ms), not by the idle timer`);
  const aAfter = await closed(a);
  assert.ok(aAfter >= 300 && aAfter < 3000, `idle close after ${aAfter} ms`);
  await closed(b);
  await sleep(20);
  const s = server.stats().tcp;
  assert.equal(s.rejected, 1);
  assert.equal(s.idleClosed, 2);
  assert.equal(s.active, 0);
});

for (const b of backends) {
  test(`stop() releases the sockets: the same port can be bound again at once [udp ${b.name}]`, { skip: b.skip }, async () => {
    const { server, port } = await startServer({ udpBackend: b.name });
    await server.stop();
    const again = createDnsServer({ udpBackend: b.name, zones: [exampleZone()], identity, listen: [{ address: '127.0.0.1', port }] });
    await again.start();
    const r = await queryDns({ server: '127.0.0.1', port, name: 'www.example.com', timeoutMs: 2000 });
    assert.equal(r.answers.length, 2);
    await again.stop();
    // And it is really gone: the port is closed, and the client hears so from the kernel (ICMP port unreachable
    // on its connected socket) instead of waiting for its timeout.
    await assert.rejects(queryDns({ server: '127.0.0.1', port, name: 'www.example.com', timeoutMs: 5000 }),
      (e: Error) => !(e instanceof DnsTimeoutError) && /refused/.test(e.message));
  });
}

for (const b of backends) {
  test(`a second start() is refused; binding a used port fails with a clear error [udp ${b.name}]`, { skip: b.skip }, async (t) => {
    const { server, port } = await startServer({ udpBackend: b.name });
    t.after(() => server.stop());
    await assert.rejects(server.start(), /already started/);
    const other = createDnsServer({ udpBackend: b.name, zones: [], identity: {}, listen: [{ address: '127.0.0.1', port }] });
    await assert.rejects(other.start(), (e: Error & { code?: string }) => e.code === 'ERR_DNS_LISTEN' && /127\.0\.0\.1 port/.test(e.message));
  });
}

for (const b of backends) {
  test(`reload() changes answers for the next query [udp ${b.name}]`, { skip: b.skip }, async (t) => {
    const { server, port } = await startServer({ udpBackend: b.name });
    t.after(() => server.stop());
    const z = zoneFromText('$TTL 5\n@ SOA ns h 7 1 1 1 1\n@ NS ns\nns A 192.0.2.1\nwww A 203.0.113.7\n', 'r.zone', 'example.com.');
    server.reload([z.zone], { ...identity, nsid: Buffer.from('after-reload') });
    const r = await queryDns({ server: '127.0.0.1', port, name: 'www.example.com', nsid: true });
    assert.deepEqual(r.answers.map((a) => a.data), ['203.0.113.7']);
    assert.equal(r.nsid?.text, 'after-reload');
  });
}

for (const b of backends) {
  test(`client: NSID and CHAOS, retry over TCP after TC, timeout on a silent port [udp ${b.name}]`, { skip: b.skip }, async (t) => {
    const { server, port } = await startServer({ udpBackend: b.name });
    t.after(() => server.stop());
    const r = await queryDns({ server: '127.0.0.1', port, name: 'hostname.bind', type: 'TXT', class: 'CH', nsid: true });
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers.map((a) => `${a.class} ${a.data}`), ['CH "site-a.test"']);
    assert.deepEqual(r.nsid, { text: 'nsid-a', hex: Buffer.from('nsid-a').toString('hex') });
    const big = await queryDns({ server: '127.0.0.1', port, name: 'big.example.com', type: 'TXT', edns: false });
    assert.equal(big.transport, 'tcp');
    assert.equal(big.retriedOverTcp, true);
    assert.equal(big.answers.length, 8);
    const nx = await queryDns({ server: '::1', port: server.addresses().find((a) => a.family === 'IPv6')!.port, name: 'no.example.com' });
    assert.equal(nx.rcode, 'NXDOMAIN');
    assert.equal(nx.authorities[0]!.type, 'SOA');
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((res) => silent.bind(0, '127.0.0.1', res));
    t.after(() => silent.close());
    const t0 = Date.now();
    await assert.rejects(queryDns({ server: '127.0.0.1', port: silent.address().port, name: 'x.', timeoutMs: 200 }), DnsTimeoutError);
    assert.ok(Date.now() - t0 < 1500);
  });
}

for (const b of backends) {
  test(`RRL over real UDP: a flood from 127.0.0.0/24 is dropped/slipped while 127.0.1.0/24 is answered [udp ${b.name}]`, { skip: b.skip }, async (t) => {
    const { server, port } = await startServer({ udpBackend: b.name, rrl: { responsesPerSecond: 10, slip: 2, window: 5 } });
    t.after(() => server.stop());
    const flood = dgram.createSocket('udp4');
    await new Promise<void>((res) => flood.bind(0, '127.0.0.1', res));
    t.after(() => flood.close());
    const got: Buffer[] = [];
    flood.on('message', (m) => got.push(m));
    const q = query('www.example.com', 'A');
    for (let i = 0; i < 200; i++) flood.send(q, port, '127.0.0.1');
    await sleep(300);
    const full = got.filter((m) => !decode(m).tc).length;
    const slipped = got.filter((m) => decode(m).tc).length;
    // 10 tokens of burst, plus what refills (10/s) while the burst is processed.
    assert.ok(full >= 10 && full <= 20, `full answers to the flood: ${full}`);
    assert.ok(slipped >= 70 && slipped <= 100, `slipped: ${slipped}`);
    // Every 2nd limited reply slips (the count restarts when a refilled token lets one through).
    assert.ok(Math.abs(slipped - (200 - full) / 2) <= 3, 'every 2nd limited reply slipped');
    // Meanwhile a client in another /24 gets its answer.
    const other = await queryDns({ server: '127.0.0.1', port, name: 'www.example.com', localAddress: '127.0.1.1', timeoutMs: 1000 });
    assert.equal(other.answers.length, 2);
    assert.equal(other.flags.tc, false);
    // And a real client in the flooded prefix gets a slipped TC reply and completes over TCP.
    // Limited replies alternate drop / slip (slip 2), so within two tries one is slipped and retried over TCP.
    let victim: Awaited<ReturnType<typeof queryDns>> | undefined;
    for (let i = 0; i < 2 && !victim; i++) {
      victim = await queryDns({ server: '127.0.0.1', port, name: 'www.example.com', timeoutMs: 300, localAddress: '127.0.0.2' })
        .catch(() => undefined);
    }
    assert.ok(victim, 'the flooded-prefix client got through');
    assert.equal(victim.retriedOverTcp, true);
    assert.equal(victim.answers.length, 2);
    const s = server.stats();
    assert.ok(s.dropped.rrl >= 70, `dropped ${s.dropped.rrl}`);
    assert.ok(s.rrlSlipped >= 70);
  });
}

for (const b of backends) {
  test(`metrics: /metrics in Prometheus text and /stats in JSON reflect the queries served [udp ${b.name}]`, { skip: b.skip }, async (t) => {
    const { startMetricsServer } = await import('../../src/dns/metrics.js');
    const { server, port } = await startServer({ udpBackend: b.name, rrl: { responsesPerSecond: 1, slip: 0 } });
    t.after(() => server.stop());
    const m = await startMetricsServer('127.0.0.1', 0, () => ({ stats: server.stats(), hostname: 'site-a.test' }));
    t.after(() => new Promise<void>((r) => m.server.close(() => r())));
    await queryDns({ server: '127.0.0.1', port, name: 'www.example.com' });
    await queryDns({ server: '127.0.0.1', port, name: 'nope.example.com' });
    await assert.rejects(queryDns({ server: '127.0.0.1', port, name: 'www.example.com', timeoutMs: 200 })); // limited
    const text = await (await fetch(`http://127.0.0.1:${m.port}/metrics`)).text();
    assert.match(text, /^anycast_dns_queries_total\{transport="udp"\} 3$/m);
    assert.match(text, /^anycast_dns_responses_total\{rcode="NXDOMAIN"\} 1$/m);
    assert.match(text, /^anycast_dns_dropped_total\{reason="rrl"\} 1$/m);
    assert.match(text, /^anycast_dns_zone_serial\{zone="example\.com\."\} 2024060101$/m);
    assert.match(text, /^anycast_dns_info\{hostname="site-a\.test"\} 1$/m);
    assert.match(text, new RegExp(`^anycast_dns_udp_backend\\{backend="${b.name}"\\} 1$`, 'm'));
    assert.match(text, /^anycast_dns_udp_datagrams_total 3$/m);
    const json = await (await fetch(`http://127.0.0.1:${m.port}/stats`)).json() as { rcodes: Record<string, number> };
    assert.deepEqual(json.rcodes, { NOERROR: 1, NXDOMAIN: 1 });
    assert.equal((await fetch(`http://127.0.0.1:${m.port}/nope`)).status, 404);
  });
}

test('CLI `anycast dns query` prints the answer and NSID, or JSON with --json', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.stop());
  const { execFile } = await import('node:child_process');
  const { repoRoot } = await import('./helpers.js');
  const run = (args: string[]) => new Promise<{ code: number; out: string }>((res) => {
    execFile(process.execPath, [`${repoRoot}/dist/src/cli/main.js`, 'dns', 'query', ...args], (e, out) =>
      res({ code: e ? (e as { code?: number }).code ?? 1 : 0, out }));
  });
  const text = await run(['127.0.0.1', 'www.example.com', 'A', '--port', String(port), '--nsid']);
  assert.equal(text.code, 0);
  assert.match(text.out, /^;; NOERROR, flags: aa; from 127\.0\.0\.1#\d+ over udp/m);
  assert.match(text.out, /^;; NSID: 6e7369642d61 \("nsid-a"\)$/m);
  assert.match(text.out, /^www\.example\.com\.\t300\tIN\tA\t192\.0\.2\.10$/m);
  const json = await run(['127.0.0.1', 'hostname.bind', 'TXT', '--class', 'CH', '--port', String(port), '--json']);
  assert.equal(JSON.parse(json.out).answers[0].data, '"site-a.test"');
  // A server that keeps silent: a timeout. A closed port: refused at once (the client's socket is connected).
  const dgram = await import('node:dgram');
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((res) => silent.bind(0, '127.0.0.1', () => res()));
  const silentPort = silent.address().port;
  const timeout = await run(['127.0.0.1', 'x.example.com', '--port', String(silentPort), '--timeout', '200', '--json']);
  assert.equal(timeout.code, 1);
  assert.equal(JSON.parse(timeout.out).error.code, 'ERR_DNS_TIMEOUT');
  await new Promise<void>((res) => silent.close(() => res()));
  const refused = await run(['127.0.0.1', 'x.example.com', '--port', String(silentPort), '--timeout', '5000', '--json']);
  assert.equal(refused.code, 1);
  assert.match(JSON.parse(refused.out).error.message, /refused/);
});

test('createDnsService: built from a config; reload applies zones/identity, refuses a broken zone, flags restarts', async (t) => {
  const { createDnsService } = await import('../../src/dns/service.js');
  const { validateDnsConfig } = await import('../../src/dns/config.js');
  const { mkdtempSync, writeFileSync, rmSync, copyFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { exampleZoneFile } = await import('./helpers.js');
  const dir = mkdtempSync(join(tmpdir(), 'acd-svc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(exampleZoneFile, join(dir, 'a.zone'));
  const cfg = validateDnsConfig({ identity: { hostname: 'one' }, listen: ['127.0.0.1:0'], zones: ['a.zone'] },
    join(dir, 'dns.yaml'), '1.0');
  const svc = createDnsService(cfg);
  const [bound] = await svc.server.start();
  t.after(() => svc.server.stop());
  const port = bound!.port;
  const hn = async () => (await queryDns({ server: '127.0.0.1', port, name: 'hostname.bind', type: 'TXT', class: 'CH' })).answers[0]?.data;
  assert.equal(await hn(), '"one"');
  writeFileSync(join(dir, 'b.zone'), '$TTL 1\n@ SOA ns h 1 2 3 4 5\nwww A 300.1.1.1\n');
  const bad = svc.reload(validateDnsConfig({ identity: { hostname: 'two' }, listen: ['127.0.0.1:0'],
    zones: [{ file: 'b.zone', origin: 'example.org' }] }, join(dir, 'dns.yaml'), '1.0'));
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error : '', /b\.zone:3: A: '300\.1\.1\.1' is not an IPv4 address/);
  assert.equal(await hn(), '"one"', 'identity and zones unchanged after a refused reload');
  const good = svc.reload(validateDnsConfig({ identity: { hostname: 'two' }, listen: ['127.0.0.1:53'], zones: ['a.zone'],
    rrl: { 'responses-per-second': 5 } }, join(dir, 'dns.yaml'), '1.0'));
  assert.deepEqual(good, { ok: true, needsRestart: ['listen', 'rrl'] });
  assert.equal(await hn(), '"two"');
});
