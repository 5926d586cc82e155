// Two speakers hosted in this one process, each in its own network namespace (root): the BGP sockets are made
// inside the namespaces (transport/netns.ts over the native addon), so the sessions run over the veth between
// them, IPv4 and IPv6; each speaker's kernel routes land in its own namespace's table (netlink socket opened
// there) and nowhere else; the listeners and connections are seen by `ss` inside the namespaces, not here.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { createTopology, nsExec, ResourceRegistry, uniqueNsName } from '../../src/netns/index.js';
import { startDaemon, type DaemonHandle } from '../../src/bgp/speaker/daemon.js';
import { NetnsTcpTransport } from '../../src/bgp/transport/netns.js';
import { runCommand } from '../../src/netns/run.js';
import { loadRtnl } from '../../src/fib/netlink.js';

const root = process.getuid?.() === 0;
const skip = !root ? 'needs root for network namespaces' : loadRtnl() === null ? 'the native addon is not built' : false;
const A = uniqueNsName('acx', 'ta');
const B = uniqueNsName('acx', 'tb');
const dir = mkdtempSync(join(tmpdir(), 'acx-transport-'));
let registry: ResourceRegistry | null = null;
const daemons: DaemonHandle[] = [];

after(async () => {
  for (const d of daemons) await d.stop().catch(() => {});
  await registry?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function topology(): Promise<void> {
  registry = new ResourceRegistry({ label: 'acx-transport' });
  await createTopology({
    namespaces: [{ name: A }, { name: B }],
    links: [{ a: { ns: A, ifname: 'xa0', addrs: ['10.66.0.1/30', 'fd00:66::1/64'] }, b: { ns: B, ifname: 'xb0', addrs: ['10.66.0.2/30', 'fd00:66::2/64'] } }],
  }, registry);
}

function config(name: string, as: number, peerAs: number, me4: string, me6: string, peer4: string, peer6: string, nets: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `router-id: ${me4}
local-as: ${as}
listen: ["[::]:179"]
fib: kernel
control: { socket: ${join(dir, `${name}.sock`)} }
log: { level: warn }
networks: [${nets.map((n) => `"${n}"`).join(', ')}]
neighbors:
  - { name: v4, address: "${peer4}", remote-as: ${peerAs}, local-address: "${me4}", idle-hold-time: 1, connect-retry-time: 1, import: accept, export: accept }
  - { name: v6, address: "${peer6}", remote-as: ${peerAs}, local-address: "${me6}", idle-hold-time: 1, connect-retry-time: 1, import: accept, export: accept }
`);
  return file;
}

async function until<T>(what: string, ms: number, f: () => Promise<T | null>): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== null) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Row = { dst: string; gateway?: string; protocol?: string; dev?: string };
async function ours(ns: string | null, fam: 4 | 6): Promise<Row[]> {
  const argv = ['ip', '-j', `-${fam}`, 'route', 'show', 'proto', '172'];
  const out = ns === null ? (await runCommand(argv)).stdout : (await nsExec(ns, argv)).stdout;
  return (JSON.parse(out || '[]') as Row[]).map((r) => ({ dst: r.dst, gateway: r.gateway, dev: r.dev }));
}

test('a listener and a connection made inside a namespace (IPv4 and IPv6) carry bytes; ss sees them there', { skip }, async () => {
  await topology();
  const ta = new NetnsTcpTransport(A);
  const tb = new NetnsTcpTransport(B);
  for (const [addr, remote] of [['0.0.0.0', '10.66.0.1'], ['::', 'fd00:66::1']] as const) {
    const got = new Promise<string>((resolve) => {
      void ta.listen({ address: addr, port: 0, ipv6Only: addr === '::' }, (c) => {
        c.attach({ data: (d) => { resolve(`${Buffer.from(d).toString()} from ${c.remote.address} to ${c.local.address}`); c.end(); }, close: () => {}, drain: () => {} });
      }).then((l) => {
        listeners.push(l);
        port = l.local.port;
        tb.connect({ remote: { address: remote, port }, timeoutMs: 3000 }, (err, c) => {
          assert.equal(err, null);
          c!.attach({ data: () => {}, close: () => {}, drain: () => {} });
          c!.write(Buffer.from('hi'));
        });
      });
    });
    const listeners: Array<{ close(): Promise<void> }> = [];
    let port = 0;
    const peer = remote === '10.66.0.1' ? '10.66.0.2' : 'fd00:66::2';
    assert.equal(await got, `hi from ${peer} to ${remote}`);
    // The listener is in A: ss inside A lists it, ss here (the test's own namespace) does not.
    const inA = (await nsExec(A, ['ss', '-Hltn', `sport = :${port}`])).stdout;
    assert.match(inA, new RegExp(`:${port}\\b`));
    const here = (await runCommand(['ss', '-Hltn', `sport = :${port}`])).stdout;
    assert.doesNotMatch(here, new RegExp(`(${remote.replace(/\./g, '\\.')}|\\*|0\\.0\\.0\\.0|\\[::\\]):${port}\\b`));
    for (const l of listeners) await l.close();
  }
  // An outgoing connection from A to an address only B has, never leaves A when nothing listens: refused.
  const refused = await new Promise<string | null>((r) => ta.connect({ remote: { address: '10.66.0.2', port: 1 }, timeoutMs: 3000 }, (e) => r(e)));
  assert.equal(refused, 'ECONNREFUSED');
  // A namespace that does not exist is an error at once, not a socket in the wrong place.
  const t = new NetnsTcpTransport(`${A}-nothere`);
  const bad = await new Promise<string | null>((r) => t.connect({ remote: { address: '10.66.0.2', port: 179 } }, (e) => r(e)));
  assert.match(String(bad), /No such file or directory|ERR_NETNS_SOCKET/);
  await assert.rejects(t.listen({ address: '0.0.0.0', port: 0 }, () => {}), /No such file or directory/);
  void net;
});

test('two speakers in one process, one per namespace: IPv4 and IPv6 sessions over the veth, kernel routes in each namespace only', { skip }, async () => {
  if (registry === null) await topology();
  const a = await startDaemon(config('a', 65001, 65002, '10.66.0.1', 'fd00:66::1', '10.66.0.2', 'fd00:66::2', ['192.0.2.0/24', '2001:db8:a::/48']), { ns: A, signals: false, write: () => {} });
  daemons.push(a);
  const b = await startDaemon(config('b', 65002, 65001, '10.66.0.2', 'fd00:66::2', '10.66.0.1', 'fd00:66::1', ['198.51.100.0/24', '2001:db8:b::/48']), { ns: B, signals: false, write: () => {} });
  daemons.push(b);
  // Routes, each in the right namespace and with the peer's address on the veth as gateway.
  const inB = await until('A\'s routes in B\'s kernel table', 20_000, async () => {
    const r = [...await ours(B, 4), ...await ours(B, 6)];
    return r.length === 2 ? r : null;
  });
  assert.deepEqual(inB, [{ dst: '192.0.2.0/24', gateway: '10.66.0.1', dev: 'xb0' }, { dst: '2001:db8:a::/48', gateway: 'fd00:66::1', dev: 'xb0' }]);
  const inA = await until('B\'s routes in A\'s kernel table', 20_000, async () => {
    const r = [...await ours(A, 4), ...await ours(A, 6)];
    return r.length === 2 ? r : null;
  });
  assert.deepEqual(inA, [{ dst: '198.51.100.0/24', gateway: '10.66.0.2', dev: 'xa0' }, { dst: '2001:db8:b::/48', gateway: 'fd00:66::2', dev: 'xa0' }]);
  // Nothing of theirs in this process's own namespace.
  const here = [...await ours(null, 4), ...await ours(null, 6)].map((r) => r.dst);
  for (const p of ['192.0.2.0/24', '198.51.100.0/24', '2001:db8:a::/48', '2001:db8:b::/48']) assert.ok(!here.includes(p), `${p} leaked into the host namespace`);
  // Both sessions established, on port 179 inside the namespaces.
  const states = [...a.speaker.neighbors.values()].map((n) => `${n.name}=${n.peer.status().state}`).sort();
  assert.deepEqual(states, ['v4=Established', 'v6=Established']);
  const est = (await nsExec(A, ['ss', '-Htn', 'state', 'established'])).stdout;
  assert.match(est, /(::ffff:)?10\.66\.0\.[12]\]?:179\b/);
  assert.match(est, /\[fd00:66::[12]\]:179\b/);
  // B stops (Cease, routes withdrawn): A's table loses B's routes; B's own namespace is left clean.
  await b.stop();
  await until('B\'s routes gone from A', 10_000, async () => ((await ours(A, 4)).length + (await ours(A, 6)).length === 0 ? true : null));
  assert.deepEqual([...await ours(B, 4), ...await ours(B, 6)], []);
});
