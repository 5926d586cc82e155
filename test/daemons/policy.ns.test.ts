// Gao-Rexford policies as generated for each routing daemon, proved with real routes in namespaces, plus
// kernel route export and hold-timer expiry of a frozen (SIGSTOP) neighbor.
//
//                 P (provider of every M, AS65030)
//                 │
//   Q (peer) ──── M_bird / M_frr / M_gobgp / M_openbgpd (each AS6510x) ──── C (customer, AS65010)
//
// C, P and Q are BIRD routers with one session to each M. Expectations at the edges, for every M:
// the customer's route reaches P and Q; the provider's route reaches C but not Q; the peer's route reaches C but
// not P; M's own route reaches all three; M's relationship tags never leave M; inside M, local-pref ranks the
// customer above the provider.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDaemon, pollUntil, type Daemon, type DaemonKind, type NeighborSpec, type RouterSpec } from '../../src/daemons/index.js';
import { createTopology, listNamespaces, makeTempDir, nsExec, ResourceRegistry } from '../../src/netns/index.js';

const root = process.getuid?.() === 0;
const skip = root ? false : 'needs root for network namespaces';
const P = `acp-${process.pid}`;
const Ms: DaemonKind[] = ['bird', 'frr', 'gobgp', 'openbgpd'];
const EDGES = ['c', 'p', 'q'] as const;
const EDGE_AS = { c: 65010, p: 65030, q: 65040 };
const ROLE_OF_EDGE = { c: 'customer', p: 'provider', q: 'peer' } as const; // as seen from M
const ROLE_OF_M = { c: 'provider', p: 'customer', q: 'peer' } as const; // as seen from the edge
const PREFIX = { c: '192.0.2.0/24', p: '198.51.100.0/24', q: '203.0.113.0/24' };
const mAs = (i: number) => 65101 + i;
const mPrefix = (i: number) => `203.0.113.${128 + i * 16}/28`;
const addr = (i: number, e: number, side: 1 | 2) => `10.80.${i * 10 + e + 1}.${side}`; // side 1 = M

let registry: ResourceRegistry;
const m: Daemon[] = [];
const edge: Record<string, Daemon> = {};

before(async () => {
  if (!root) return;
  registry = new ResourceRegistry({ label: 'acp-policy' });
  await createTopology({
    namespaces: [...Ms.map((k) => ({ name: `${P}-m${k}` })), ...EDGES.map((e) => ({ name: `${P}-${e}` }))],
    links: Ms.flatMap((k, i) => EDGES.map((e, j) => ({
      a: { ns: `${P}-m${k}`, ifname: `to${e}`, addrs: [`${addr(i, j, 1)}/24`] },
      b: { ns: `${P}-${e}`, ifname: `m${i}`, addrs: [`${addr(i, j, 2)}/24`] },
    }))),
  }, registry);
  Ms.forEach((k, i) => {
    const spec: RouterSpec = {
      name: `m${k}`, routerId: `10.81.0.${i + 1}`, localAs: mAs(i), kernelExport: true,
      neighbors: EDGES.map((e, j): NeighborSpec => ({
        name: e, address: addr(i, j, 2), localAddress: addr(i, j, 1), remoteAs: EDGE_AS[e],
        import: 'gao-rexford', export: 'gao-rexford', role: ROLE_OF_EDGE[e], holdTime: e === 'c' ? 3 : 9,
      })),
      originate: [{ prefix: mPrefix(i), communities: [`${mAs(i) % 65536}:1`] }],
    };
    m.push(createDaemon(k, spec, { ns: `${P}-m${k}`, dir: makeTempDir(registry, `acp-m${k}`), registry }));
  });
  EDGES.forEach((e, j) => {
    const spec: RouterSpec = {
      name: e, routerId: `10.82.0.${j + 1}`, localAs: EDGE_AS[e],
      neighbors: Ms.map((_, i): NeighborSpec => ({
        name: `m${i}`, address: addr(i, j, 1), localAddress: addr(i, j, 2), remoteAs: mAs(i),
        import: 'gao-rexford', export: 'gao-rexford', role: ROLE_OF_M[e], holdTime: e === 'c' ? 3 : 9,
      })),
      originate: [{ prefix: PREFIX[e] }],
    };
    edge[e] = createDaemon('bird', spec, { ns: `${P}-${e}`, dir: makeTempDir(registry, `acp-${e}`), registry });
  });
  const all = [...m, ...Object.values(edge)];
  await Promise.all(all.map((d) => d.start()));
  await Promise.all(all.map((d) => d.waitForSessions(undefined, 30_000)));
});

after(() => {
  if (root) assert.deepEqual(registry.cleanup().errors, []);
});

/** Paths for `prefix` at edge `e` that came from M number i. */
async function viaM(e: string, prefix: string, i: number) {
  const j = EDGES.indexOf(e as never);
  return (await edge[e]!.routes('ipv4')).filter((r) => r.prefix === prefix && r.from === addr(i, j, 1));
}

for (const [i, k] of Ms.entries()) {
  test(`${k}: customer route to provider and peer, provider/peer routes only to the customer`, { skip }, async () => {
    const toP = (await edge.p!.waitForRoute(PREFIX.c, (r) => r.from === addr(i, 1, 1))).find((r) => r.from === addr(i, 1, 1));
    assert.deepEqual(toP!.asPath, [mAs(i), 65010]);
    await edge.q!.waitForRoute(PREFIX.c, (r) => r.from === addr(i, 2, 1));
    await edge.c!.waitForRoute(PREFIX.p, (r) => r.from === addr(i, 0, 1));
    await edge.c!.waitForRoute(PREFIX.q, (r) => r.from === addr(i, 0, 1));
    for (const e of EDGES) await edge[e]!.waitForRoute(mPrefix(i), (r) => r.from === addr(i, EDGES.indexOf(e), 1));
    // Negative checks after the positive ones have converged (same M, same sessions).
    assert.deepEqual(await viaM('q', PREFIX.p, i), [], 'provider route must not go to a peer');
    assert.deepEqual(await viaM('p', PREFIX.q, i), [], 'peer route must not go to a provider');
    assert.deepEqual(await viaM('p', PREFIX.p, i), [], 'nor back to where it came from');
    for (const e of EDGES) {
      for (const r of (await edge[e]!.routes('ipv4')).filter((x) => x.from === addr(i, EDGES.indexOf(e), 1))) {
        assert.ok(!r.largeCommunities.some((c) => c.startsWith(`${mAs(i)}:990:`)), `${k} leaked a tag to ${e}: ${r.largeCommunities}`);
      }
    }
  });

  test(`${k}: local-pref by relationship inside M (customer 200, peer 100, provider 50) and the tag`, { skip }, async () => {
    const rs = await m[i]!.routes('ipv4');
    // The path learned directly from the edge that originated the prefix.
    const lp = (e: 'c' | 'p' | 'q') => rs.find((r) => r.prefix === PREFIX[e] && r.from === addr(i, EDGES.indexOf(e), 2))!;
    assert.equal(lp('c').localPref, 200);
    assert.equal(lp('q').localPref, 100);
    assert.equal(lp('p').localPref, 50);
    assert.ok(lp('c').largeCommunities.includes(`${mAs(i)}:990:1`));
    assert.ok(lp('p').largeCommunities.includes(`${mAs(i)}:990:3`));
    assert.equal(rs.find((r) => r.prefix === PREFIX.c && r.best)!.from, addr(i, 0, 2), 'the customer path wins');
  });
}

test('kernel export: BIRD, FRR (zebra), GoBGP and OpenBGPD (syncer) install its best BGP route (the customer\'s) in its namespace', { skip }, async () => {
  for (const [i, k] of Ms.entries()) {
    if (!m[i]!.spec.kernelExport) continue;
    const out = await pollUntil(`${k} kernel route`, 10_000, async () => {
      const o = (await nsExec(`${P}-m${k}`, ['ip', 'route', 'show', PREFIX.c])).stdout;
      return o.trim() ? { done: true, value: o } : { done: false, seen: 'no kernel route' };
    });
    assert.match(out, new RegExp(`^192\\.0\\.2\\.0/24 (nhid \\d+ )?via ${addr(i, 0, 2).replace(/\./g, '\\.')} dev toc proto \\w+`, 'm'), `${k}: ${out}`);
  }
  // The edges run without kernel export: nothing of BGP in their tables.
  assert.equal((await nsExec(`${P}-q`, ['ip', 'route', 'show', PREFIX.c])).stdout.trim(), '');
});

test('hold timer expiry: freezing the customer (SIGSTOP) drops it at every M within the 3 s hold time', { skip }, async () => {
  edge.c!.freeze();
  try {
    const t0 = Date.now();
    await Promise.all(m.map((d, i) => d.waitForNoRoute(PREFIX.c, 8000).then(async () => {
      const st = (await d.neighbors()).find((n) => n.address === addr(i, 0, 2))!;
      assert.notEqual(st.state, 'established', `${Ms[i]} still established with a frozen peer`);
    })));
    assert.ok(Date.now() - t0 < 8000);
  } finally {
    edge.c!.thaw();
  }
  // Thawed, the customer comes back everywhere.
  await Promise.all(m.map((d) => d.waitForRoute(PREFIX.c, () => true, 20_000)));
});

test('teardown leaves no namespace', { skip }, async () => {
  assert.deepEqual(registry.cleanup().errors, []);
  assert.deepEqual(await listNamespaces(P), []);
});
