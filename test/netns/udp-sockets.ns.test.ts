// UDP sockets of other namespaces from this one process (netns/sockets.ts over the native addon's inNetns):
// namespaces A and B share a veth and nothing else, so a datagram from A's address to B's only arrives if
// the sockets really live there; the calling thread is back in its own namespace after each call, also when
// the bind fails. Then the lab's prober with one stream job for a client in A, started from here: its
// probes are answered by a responder in B, which the root namespace cannot even reach.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type dgram from 'node:dgram';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { createTopology, ResourceRegistry, uniqueNsName } from '../../src/netns/index.js';
import { udpSocketIn } from '../../src/netns/sockets.js';
import { loadRtnl } from '../../src/fib/netlink.js';
import { parseProbeLines, type ProbeJob } from '../../src/lab/probe/jobs.js';

const root = process.getuid?.() === 0;
const skip = !root ? 'needs root for network namespaces' : loadRtnl() === null ? 'the native addon is not built' : false;
const A = uniqueNsName('acu', 'ua');
const B = uniqueNsName('acu', 'ub');
const dir = mkdtempSync(join(tmpdir(), 'acu-udp-'));
const ownNs = () => readlinkSync('/proc/thread-self/ns/net');
let registry: ResourceRegistry | null = null;
const open: dgram.Socket[] = [];

before(async () => {
  if (skip) return;
  registry = new ResourceRegistry({ label: 'acu-udp' });
  await createTopology({
    namespaces: [{ name: A }, { name: B }],
    links: [{ a: { ns: A, ifname: 'ua0', addrs: ['10.67.0.1/30', 'fd00:67::1/64'] }, b: { ns: B, ifname: 'ub0', addrs: ['10.67.0.2/30', 'fd00:67::2/64'] } }],
  }, registry);
});

after(async () => {
  for (const s of open) s.close();
  await registry?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function keep(s: dgram.Socket): dgram.Socket {
  open.push(s);
  return s;
}

for (const [fam, a, b] of [[4, '10.67.0.1', '10.67.0.2'], [6, 'fd00:67::1', 'fd00:67::2']] as const) {
  test(`IPv${fam}: a socket made in A talks to one made in B over their veth`, { skip }, async () => {
    const me = ownNs();
    const server = keep(udpSocketIn(B, fam, { address: b }));
    const client = keep(udpSocketIn(A, fam, { address: a }));
    assert.equal(ownNs(), me, 'back in our own namespace');
    server.on('message', (m, r) => server.send(Buffer.concat([m, Buffer.from(` via ${r.address}`)]), r.port, r.address));
    const reply = new Promise<string>((res) => client.once('message', (m) => res(m.toString())));
    client.send('hello', server.address().port, b);
    assert.equal(await reply, `hello via ${a}`);
  });
}

test('an address of another namespace: a clear error, and this thread is back home', { skip }, () => {
  const me = ownNs();
  assert.throws(() => udpSocketIn(B, 4, { address: '10.67.0.1' }), (e: Error & { code?: string }) =>
    e.code === 'ERR_NETNS_SOCKET' && e.message.includes(B) && e.message.includes('EADDRNOTAVAIL'));
  assert.equal(ownNs(), me);
  assert.throws(() => udpSocketIn('acu-no-such-ns', 4), /acu-no-such-ns/);
  assert.equal(ownNs(), me);
});

test('the prober probes for a client in A from outside it, its lines in the client\'s file', { skip, timeout: 20_000 }, async () => {
  // B's service: answers hostname.bind CH TXT with "site-b" on port 53.
  const dns = keep(udpSocketIn(B, 4, { address: '10.67.0.2', port: 53 }));
  dns.on('message', (m, r) => {
    const q = dnsPacket.decode(m);
    dns.send(dnsPacket.encode({
      type: 'response', id: q.id, flags: 0, questions: q.questions,
      answers: [{ type: 'TXT', class: 'CH', name: 'hostname.bind', ttl: 0, data: 'site-b' } as dnsPacket.Answer],
    }), r.port, r.address);
  });
  const log = join(dir, 'a.jsonl');
  const job: ProbeJob = {
    kind: 'stream', targets: [{ label: 'v4', address: '10.67.0.2' }], intervalMs: 10, durationMs: 1000, timeoutMs: 500,
    clients: [{ name: 'a', ns: A, log }],
  };
  const main = fileURLToPath(new URL('../../src/lab/probe/main.js', import.meta.url));
  const p = spawn(process.execPath, [main, JSON.stringify(job)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  const code = await new Promise<number | null>((res) => p.on('exit', res));
  assert.equal(code, 0, err);
  const lines = parseProbeLines(readFileSync(log, 'utf8'));
  const samples = lines.filter((l) => l.k === 's');
  assert.ok(samples.length >= 50, `${samples.length} probes in 1 s at 10 ms`);
  assert.deepEqual([...new Set(samples.map((l) => l.k === 's' && l.s))], ['site-b'], 'every probe answered by B');
  assert.equal(lines[lines.length - 1]!.k, 'end');
});
