// The native UDP backend (recvmmsg/sendmmsg batches through native/udpbatch) on loopback sockets: it is the
// backend in use and says so; a burst larger than the batch ring is answered completely in full batches;
// datagrams larger than a receive slot are dropped (never answered from their first part) while a 65,000-octet
// datagram is taken whole with the default slot; empty and short datagrams are dropped; IPv6 with the rate
// limiter (which sees the client's IPv6 address); stop() closes the fd and frees the port at once. The fallback
// (addon missing) and `--udp-backend native` without the addon are exercised through the CLI in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { queryDns } from '../../src/dns/client.js';
import { createDnsServer } from '../../src/dns/server.js';
import { memoryLogger } from '../../src/util/log.js';
import { exampleZone, exampleZoneFile, decode, identity, noNative, query, repoRoot, startServer } from './helpers.js';

const skip = { skip: noNative };

/** A client socket that collects replies by ID. */
async function client(family: 'udp4' | 'udp6' = 'udp4') {
  const s = dgram.createSocket(family);
  await new Promise<void>((r) => s.bind(0, family === 'udp4' ? '127.0.0.1' : '::1', r));
  s.setRecvBufferSize(4 << 20); // a burst of replies arrives while this process is busy sending
  const got = new Map<number, Buffer[]>();
  s.on('message', (m) => {
    const id = m.readUInt16BE(0);
    got.set(id, [...(got.get(id) ?? []), m]);
  });
  const waitFor = async (n: number, ms = 5000) => {
    for (const t0 = Date.now(); Date.now() - t0 < ms;) {
      if ([...got.values()].reduce((a, l) => a + l.length, 0) >= n) return;
      await sleep(10);
    }
  };
  return { s, got, waitFor, close: () => new Promise<void>((r) => s.close(() => r())) };
}

test('the native backend is in use when built, and the log line and stats say so', skip, async (t) => {
  const log = memoryLogger();
  const server = createDnsServer({ zones: [exampleZone()], identity, listen: [{ address: '127.0.0.1', port: 0 }],
    logger: log });
  await server.start();
  t.after(() => server.stop());
  const line = log.records.find((r) => r.msg === 'dns server listening');
  assert.equal(line?.udpBackend, 'native');
  assert.equal(line?.udpBatch, 64);
  assert.ok(!log.records.some((r) => r.level === 'warn'), 'no fallback warning');
  const port = server.addresses()[0]!.port;
  const r = await queryDns({ server: '127.0.0.1', port, name: 'www.example.com' });
  assert.equal(r.answers.length, 2);
  const s = server.stats().udp;
  assert.equal(s.backend, 'native');
  assert.equal(s.batchSize, 64);
  assert.equal(s.datagrams, 1);
  assert.equal(s.fallbackReason, undefined);
});

test('a burst larger than the batch ring: every query answered once with its own ID, in batches of at most N', skip, async (t) => {
  const { server, port } = await startServer({ udpBackend: 'native', udpBatch: 8 });
  t.after(() => server.stop());
  const c = await client();
  t.after(() => c.close());
  // Chunks of 50 queries, each queued up in the server's socket before it runs and taken in batches of 8; the
  // chunks keep the replies waiting for this (same, busy) process within the client's socket buffer.
  const N = 500;
  for (let k = 0; k < N; k += 50) {
    for (let id = k; id < k + 50; id++) {
      c.s.send(query(id % 3 === 0 ? 'nope.example.com' : 'www.example.com', 'A', { id, edns: 1232 }), port, '127.0.0.1');
    }
    await new Promise((r) => setImmediate(r));
  }
  await c.waitFor(N);
  assert.equal(c.got.size, N, `replies for ${c.got.size} of ${N} IDs`);
  for (const [id, replies] of c.got) {
    assert.equal(replies.length, 1, `ID ${id} answered once`);
    const d = decode(replies[0]!);
    assert.equal(d.rcode, id % 3 === 0 ? 'NXDOMAIN' : 'NOERROR');
  }
  const s = server.stats();
  assert.equal(s.udp.datagrams, N);
  assert.equal(s.udp.sendErrors, 0);
  assert.equal(s.udp.maxBatch, 8, 'the ring was filled (the burst queued up in the socket)');
  assert.ok(s.udp.batches >= Math.ceil(N / 8), `${s.udp.batches} batches`);
  assert.equal(s.cache.hits, N - 2, 'after one miss per question, every reply came from the cache');
  assert.equal(s.internalErrors, 0);
});

test('replies larger than the send buffer expects are all sent (the buffer is flushed mid-batch)', skip, async (t) => {
  // 12 TXT records of 250 octets: a reply of about 3 KB. The send buffer holds batch × 1232 + 65535 octets, so
  // 64 such replies (192 KB) in one batch of 64 cannot all fit: the listener must send part of them mid-batch.
  const txt = Array.from({ length: 12 }, (_, i) => `fat TXT "${String.fromCharCode(97 + i).repeat(250)}"`).join('\n');
  const { zoneFromText } = await import('../../src/dns/zone/load.js');
  const z = zoneFromText(`$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n${txt}\n`, 'fat.zone', 'example.com.').zone;
  const { server, port } = await startServer({ udpBackend: 'native', zones: [z], udpPayload: 4096 });
  t.after(() => server.stop());
  const c = await client();
  t.after(() => c.close());
  for (let id = 0; id < 64; id++) c.s.send(query('fat.example.com', 'TXT', { id, edns: 4096 }), port, '127.0.0.1');
  await c.waitFor(64);
  assert.equal(c.got.size, 64);
  for (const [, [r]] of c.got) {
    assert.ok(r!.length > 3000, `reply of ${r!.length} octets`);
    assert.equal(decode(r!).answers!.length, 12);
  }
  assert.ok(server.stats().udp.maxBatch > 40, `batch of ${server.stats().udp.maxBatch}: the replies shared a batch`);
});

test('a datagram larger than the receive slot is dropped, not answered from its first part', skip, async (t) => {
  const small = await startServer({ udpBackend: 'native', udpSlotSize: 512, listen: [{ address: '127.0.0.1', port: 0 }] });
  t.after(() => small.server.stop());
  const whole = await startServer({ udpBackend: 'native', listen: [{ address: '127.0.0.1', port: 0 }] });
  t.after(() => whole.server.stop());
  const c = await client();
  t.after(() => c.close());
  // A valid query followed by padding: a whole datagram is answered (octets after the last record are ignored).
  const padded = (id: number, size: number) => {
    const q = query('www.example.com', 'A', { id });
    return Buffer.concat([q, Buffer.alloc(size - q.length)]);
  };
  c.s.send(padded(1, 600), small.port, '127.0.0.1');
  c.s.send(query('www.example.com', 'A', { id: 2 }), small.port, '127.0.0.1');
  c.s.send(padded(3, 512), small.port, '127.0.0.1'); // exactly a slot: whole, answered
  c.s.send(padded(4, 600), whole.port, '127.0.0.1');
  c.s.send(padded(5, 65000), whole.port, '127.0.0.1');
  await c.waitFor(4);
  await sleep(100);
  assert.deepEqual([...c.got.keys()].sort((a, b) => a - b), [2, 3, 4, 5]);
  assert.equal(decode(c.got.get(5)![0]!).answers!.length, 2);
  assert.equal(small.server.stats().udp.oversize, 1);
  assert.equal(small.server.stats().queries.udp, 2, 'the oversize datagram never reached the responder');
  assert.equal(whole.server.stats().udp.oversize, 0);
});

test('empty and short datagrams are dropped without a reply; the server keeps answering', skip, async (t) => {
  const { server, port } = await startServer({ udpBackend: 'native', udpBatch: 4 });
  t.after(() => server.stop());
  const c = await client();
  t.after(() => c.close());
  for (let len = 0; len < 12; len++) c.s.send(Buffer.alloc(len, 0x11), port, '127.0.0.1');
  c.s.send(query('www.example.com', 'A', { id: 0x4242 }), port, '127.0.0.1');
  await c.waitFor(1);
  await sleep(100);
  assert.deepEqual([...c.got.keys()], [0x4242]);
  const s = server.stats();
  assert.equal(s.dropped.short, 12);
  assert.equal(s.udp.datagrams, 13);
});

test('IPv6: answered over ::1, and the rate limiter accounts the client by its IPv6 /56', skip, async (t) => {
  const log = memoryLogger();
  const { server } = await startServer({ udpBackend: 'native', listen: [{ address: '::1', port: 0 }], logger: log,
    rrl: { responsesPerSecond: 2, slip: 0, window: 5 } });
  t.after(() => server.stop());
  const port = server.addresses().find((a) => a.transport === 'udp')!.port;
  const one = await queryDns({ server: '::1', port, name: 'www.example.com', type: 'AAAA' });
  assert.deepEqual(one.answers.map((a) => a.data), ['2001:db8::10']);
  const c = await client('udp6');
  t.after(() => c.close());
  for (let id = 0; id < 30; id++) c.s.send(query('www.example.com', 'AAAA', { id }), port, '::1');
  await sleep(400);
  const answered = c.got.size;
  assert.ok(answered >= 1 && answered <= 4, `answered ${answered} of 30 (2/s with one second of burst)`);
  assert.ok(server.stats().dropped.rrl >= 26);
  const limited = log.records.find((r) => r.msg === 'rate limiting replies');
  assert.equal(limited?.prefix, '::/56', 'the limiter saw ::1');
});

test('stop() closes the socket: fd released, port free at once, stats kept', skip, async () => {
  const fds = () => readdirSync('/proc/self/fd').length;
  const before = fds();
  const server = createDnsServer({ udpBackend: 'native', zones: [exampleZone()], identity,
    listen: [{ address: '127.0.0.1', port: 0, tcp: false }] });
  const [b] = await server.start();
  assert.equal(fds(), before + 1, 'one fd: the UDP socket');
  await queryDns({ server: '127.0.0.1', port: b!.port, name: 'www.example.com' });
  await server.stop();
  assert.equal(fds(), before, 'the fd is closed when stop() resolves');
  assert.equal(server.stats().udp.datagrams, 1, 'counters survive stop()');
  const again = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    again.once('error', reject);
    again.bind(b!.port, '127.0.0.1', resolve);
  });
  await new Promise<void>((r) => again.close(() => r()));
});

test('property: arbitrary datagrams through the native path never crash it; replies are well-formed', skip, async (t) => {
  const { server, port } = await startServer({ udpBackend: 'native', udpBatch: 7, udpSlotSize: 512 });
  t.after(() => server.stop());
  const c = await client();
  t.after(() => c.close());
  const seeds = [query('www.example.com'), query('big.example.com', 'TXT', { edns: 4096, do: true }),
    query('hostname.bind', 'TXT', { class: 'CH', nsid: true }), query('nope.example.com', 'MX', { edns: 512 })];
  const samples = fc.sample(fc.oneof(
    fc.uint8Array({ maxLength: 700 }).map((u) => Buffer.from(u)),
    fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat()).map(([q, flips, cut]) => {
      const b = Buffer.from(q);
      for (const [at, v] of flips) b[at % b.length] = v;
      return b.subarray(0, cut % 4 === 0 ? cut % (b.length + 1) : b.length);
    })), 1500);
  for (let i = 0; i < samples.length; i += 50) {
    for (const m of samples.slice(i, i + 50)) c.s.send(m, port, '127.0.0.1');
    await new Promise((r) => setImmediate(r));
  }
  await sleep(300);
  const replies = [...c.got.values()].flat();
  for (const r of replies) {
    assert.ok(r[2]! & 0x80, 'QR set');
    assert.ok(r.length <= 4096);
    dnsPacket.decode(r); // throws if malformed
  }
  const s = server.stats();
  assert.equal(s.internalErrors, 0);
  assert.equal(s.udp.datagrams, samples.length);
  assert.equal(s.udp.oversize, samples.filter((m) => m.length > 512).length);
  assert.ok(replies.length <= samples.length);
  const ok = await queryDns({ server: '127.0.0.1', port, name: 'www.example.com' });
  assert.equal(ok.answers.length, 2, 'still answering');
});

/** Runs the CLI; a server is sent SIGTERM once it logs that it listens (or after 20 s in any case). */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [`${repoRoot}/dist/src/cli/main.js`, ...args], { env: { ...process.env, ...env } },
      (e, out, err) => {
        clearTimeout(timer);
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, out, err });
      });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let err = '';
    let sent = false;
    child.stderr!.on('data', (d) => {
      err += d;
      if (!sent && err.includes('"dns server listening"')) sent = child.kill('SIGTERM');
    });
  });
}

test('without the addon the CLI says so once and serves over node:dgram; --udp-backend native then fails', async () => {
  const env = { ANYCAST_UDPBATCH_PATH: '/nonexistent/udpbatch.node' };
  const args = ['dns', '--zone', exampleZoneFile, '--listen', '127.0.0.1:0', '--hostname', 'fb', '--json'];
  const r = await cli(args, env);
  assert.equal(r.code, 0, r.err);
  const lines = r.err.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const warns = lines.filter((l) => l.msg === 'native UDP batching not available; using node:dgram (one system call per datagram)');
  assert.equal(warns.length, 1);
  assert.match(String(warns[0]!.reason), /\/nonexistent\/udpbatch\.node is not built/);
  const listening = lines.find((l) => l.msg === 'dns server listening');
  assert.equal(listening?.udpBackend, 'dgram');
  const stopped = lines.find((l) => l.msg === 'stopped') as { stats?: { udp?: { backend?: string } } } | undefined;
  assert.equal(stopped?.stats?.udp?.backend, 'dgram');
  const forced = await cli([...args, '--udp-backend', 'native'], env);
  assert.equal(forced.code, 1);
  assert.equal(JSON.parse(forced.out).error.code, 'ERR_DNS_UDP_BACKEND');
});

test('`anycast dns --check --json` reports the UDP backend this machine will use', async () => {
  const r = await cli(['dns', '--zone', exampleZoneFile, '--listen', '127.0.0.1:5353', '--check', '--json'], {});
  const rep = JSON.parse(r.out) as { udp: { backend: string; batch: number; fallbackReason?: string } };
  assert.equal(rep.udp.backend, noNative ? 'dgram' : 'native');
  assert.equal(rep.udp.batch, 64);
  const fb = await cli(['dns', '--zone', exampleZoneFile, '--listen', '127.0.0.1:5353', '--check', '--json'],
    { ANYCAST_UDPBATCH_PATH: '/nonexistent/x.node' });
  assert.equal(JSON.parse(fb.out).udp.backend, 'dgram');
});
