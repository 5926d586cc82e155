// Real daemons talking to each other in namespaces, driven only through the harness's neutral API:
//
//            gobgp (AS65002) ── openbgpd (AS65004)
//              │
//   frr ──── bird (AS65001) ──── exabgp (AS65005)
//  (AS65003)
//
// Every link carries one IPv4 and one IPv6 session. Proves: sessions come up for all five daemons, originated
// routes arrive with their attributes (communities, large communities, MED, AS path, origin) through every
// query parser, transit through BIRD, run-time announce and withdrawal, and that teardown leaves nothing.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDaemon, type Daemon, type DaemonKind, type RouterSpec } from '../../src/daemons/index.js';
import { cleanup, createTopology, listNamespaces, makeTempDir, namespaceExists, ResourceRegistry, isAlive } from '../../src/netns/index.js';

const root = process.getuid?.() === 0;
const P = `acp-${process.pid}`;
const ns = (t: string) => `${P}-${t}`;

interface Link { a: string; b: string; net: number }
const links: Link[] = [
  { a: 'bird', b: 'gobgp', net: 1 },
  { a: 'bird', b: 'frr', net: 2 },
  { a: 'bird', b: 'exa', net: 3 },
  { a: 'gobgp', b: 'obgp', net: 4 },
];
const AS: Record<string, number> = { bird: 65001, gobgp: 65002, frr: 65003, obgp: 65004, exa: 65005 };
const KIND: Record<string, DaemonKind> = { bird: 'bird', gobgp: 'gobgp', frr: 'frr', obgp: 'openbgpd', exa: 'exabgp' };
const v4 = (net: number, side: 1 | 2) => `10.77.${net}.${side}`;
const v6 = (net: number, side: 1 | 2) => `fd77:${net}::${side}`;

function spec(r: string): RouterSpec {
  const neighbors = links.flatMap((l) => {
    if (l.a !== r && l.b !== r) return [];
    const me: 1 | 2 = l.a === r ? 1 : 2;
    const other = l.a === r ? l.b : l.a;
    const you: 1 | 2 = me === 1 ? 2 : 1;
    return [
      { address: v4(l.net, you), localAddress: v4(l.net, me), remoteAs: AS[other]!, name: `${other}4` },
      { address: v6(l.net, you), localAddress: v6(l.net, me), remoteAs: AS[other]!, name: `${other}6` },
    ];
  });
  const base: RouterSpec = { name: r, routerId: `10.255.0.${Object.keys(AS).indexOf(r) + 1}`, localAs: AS[r]!, neighbors };
  switch (r) {
    case 'bird':
      base.originate = [{ prefix: '192.0.2.0/24', communities: ['65001:100'], largeCommunities: ['65001:1:2'], med: 50, prepend: 1 }];
      break;
    case 'frr':
      base.originate = [{ prefix: '203.0.113.0/24', communities: ['65003:9'], med: 33, asPath: [64999] },
        { prefix: '2001:db8:3::/48', largeCommunities: ['65003:0:6'] }];
      break;
    case 'obgp':
      base.originate = [{ prefix: '203.0.113.128/25', communities: ['65004:4'], largeCommunities: ['65004:0:4'], med: 44 },
        { prefix: '2001:db8:4::/48', communities: ['65004:6'] }];
      // ExaBGP is the passive side of its sessions, everything else active.
      break;
    case 'exa':
      base.originate = [{ prefix: '198.51.100.128/25', communities: ['65005:5', '65535:65281'], largeCommunities: ['65005:0:5'], med: 55, asPath: [65110], origin: 'egp' }];
      base.neighbors = base.neighbors.map((n) => ({ ...n, passive: true }));
      break;
  }
  return base;
}

let registry: ResourceRegistry;
const d: Record<string, Daemon> = {};

before(async () => {
  if (!root) return;
  registry = new ResourceRegistry({ label: 'acp-interop' });
  const names = Object.keys(AS);
  await createTopology({
    namespaces: names.map((n) => ({ name: ns(n) })),
    links: links.map((l) => ({
      a: { ns: ns(l.a), ifname: `v${l.net}${l.a}`.slice(0, 15), addrs: [`${v4(l.net, 1)}/24`, `${v6(l.net, 1)}/64`] },
      b: { ns: ns(l.b), ifname: `v${l.net}${l.b}`.slice(0, 15), addrs: [`${v4(l.net, 2)}/24`, `${v6(l.net, 2)}/64`] },
    })),
  }, registry);
  for (const n of names) d[n] = createDaemon(KIND[n]!, spec(n), { ns: ns(n), dir: makeTempDir(registry, `acp-${n}`), registry });
  await Promise.all(Object.values(d).map((x) => x.start()));
  await Promise.all(Object.values(d).map((x) => x.waitForSessions(undefined, 30_000)));
});

after(() => {
  if (!root) return;
  const rep = registry.cleanup();
  assert.deepEqual(rep.errors, []);
});

const skip = root ? false : 'needs root for network namespaces';

test('all five daemons establish IPv4 and IPv6 sessions', { skip }, async () => {
  for (const [name, dm] of Object.entries(d)) {
    const st = await dm.neighbors();
    assert.ok(st.length >= 2, `${name} reports its neighbors`);
    for (const n of st) assert.equal(n.state, 'established', `${name}: ${n.address}`);
  }
});

test('BIRD sees GoBGP-originated IPv4 and IPv6 routes with their attributes (GoBGP → BIRD)', { skip }, async () => {
  await d.gobgp!.announce({ prefix: '198.51.100.0/24', communities: ['65002:7', '65002:8'], largeCommunities: ['65002:1:1'], med: 20, asPath: [65100, 65101], origin: 'egp' });
  await d.gobgp!.announce({ prefix: '2001:db8:2::/48', communities: ['65002:9'], med: 5 });
  const [r] = await d.bird!.waitForRoute('198.51.100.0/24', (x) => x.from === v4(1, 2));
  assert.deepEqual(r!.asPath, [65002, 65100, 65101]);
  assert.deepEqual(r!.communities, ['65002:7', '65002:8']);
  assert.deepEqual(r!.largeCommunities, ['65002:1:1']);
  assert.equal(r!.med, 20);
  assert.equal(r!.origin, 'egp');
  assert.equal(r!.nextHop, v4(1, 2));
  const [r6] = await d.bird!.waitForRoute('2001:db8:2::/48');
  assert.deepEqual(r6!.asPath, [65002]);
  assert.deepEqual(r6!.communities, ['65002:9']);
  assert.equal(r6!.nextHop, v6(1, 2));
});

test('GoBGP sees BIRD-originated route with prepend, MED and communities (BIRD → GoBGP)', { skip }, async () => {
  const rs = await d.gobgp!.waitForRoute('192.0.2.0/24');
  const r = rs.find((x) => x.from === v4(1, 1))!;
  assert.deepEqual(r.asPath, [65001, 65001]);
  assert.equal(r.med, 50);
  assert.deepEqual(r.communities, ['65001:100']);
  assert.deepEqual(r.largeCommunities, ['65001:1:2']);
  assert.equal(r.best, true);
});

test('FRR and BIRD exchange routes both ways, transit through BIRD included (FRR ↔ BIRD)', { skip }, async () => {
  const [r] = await d.bird!.waitForRoute('203.0.113.0/24');
  assert.deepEqual(r!.asPath, [65003, 64999]);
  assert.equal(r!.med, 33);
  assert.deepEqual(r!.communities, ['65003:9']);
  const [r6] = await d.bird!.waitForRoute('2001:db8:3::/48');
  assert.deepEqual(r6!.largeCommunities, ['65003:0:6']);
  // FRR learns GoBGP's route through BIRD: path BIRD GoBGP …, MED not passed on by BIRD to another AS.
  const [t] = await d.frr!.waitForRoute('198.51.100.0/24', (x) => x.from === v4(2, 1));
  assert.deepEqual(t!.asPath, [65001, 65002, 65100, 65101]);
  assert.deepEqual(t!.communities, ['65002:7', '65002:8']);
  assert.equal(t!.best, true);
});

test('OpenBGPD and GoBGP exchange routes both ways (OpenBGPD ↔ GoBGP)', { skip }, async () => {
  const rs = await d.gobgp!.waitForRoute('203.0.113.128/25');
  assert.deepEqual(rs[0]!.asPath, [65004]);
  assert.equal(rs[0]!.med, 44);
  assert.deepEqual(rs[0]!.communities, ['65004:4']);
  assert.deepEqual(rs[0]!.largeCommunities, ['65004:0:4']);
  const [r6] = await d.gobgp!.waitForRoute('2001:db8:4::/48');
  assert.deepEqual(r6!.communities, ['65004:6']);
  const [b] = await d.obgp!.waitForRoute('192.0.2.0/24');
  assert.deepEqual(b!.asPath, [65002, 65001, 65001]);
  const [l] = await d.obgp!.waitForRoute('203.0.113.128/25');
  assert.equal(l!.from, 'local');
});

test('ExaBGP injects into BIRD and receives BIRD\'s routes through its API (ExaBGP → BIRD)', { skip }, async () => {
  const [r] = await d.bird!.waitForRoute('198.51.100.128/25');
  assert.deepEqual(r!.asPath, [65005, 65110]);
  assert.equal(r!.origin, 'egp');
  assert.equal(r!.med, 55);
  assert.deepEqual(r!.communities, ['65005:5', '65535:65281']);
  assert.deepEqual(r!.largeCommunities, ['65005:0:5']);
  const got = await d.exa!.waitForRoute('192.0.2.0/24', (x) => x.from === v4(3, 1));
  assert.deepEqual(got.find((x) => x.from === v4(3, 1))!.communities, ['65001:100']);
  await d.exa!.announce({ prefix: '2001:db8:5::/48', largeCommunities: ['65005:1:1'] });
  const [r6] = await d.bird!.waitForRoute('2001:db8:5::/48');
  assert.deepEqual(r6!.asPath, [65005]);
  assert.deepEqual(r6!.largeCommunities, ['65005:1:1']);
});

test('withdrawals propagate: GoBGP, ExaBGP and a run-time BIRD announcement', { skip }, async () => {
  await d.gobgp!.withdraw('198.51.100.0/24');
  await d.bird!.waitForNoRoute('198.51.100.0/24');
  await d.frr!.waitForNoRoute('198.51.100.0/24');
  await d.exa!.withdraw('2001:db8:5::/48');
  await d.bird!.waitForNoRoute('2001:db8:5::/48');
  await d.bird!.announce({ prefix: '198.51.100.64/26', communities: ['65001:64'], med: 7 });
  const [r] = await d.gobgp!.waitForRoute('198.51.100.64/26');
  assert.deepEqual(r!.communities, ['65001:64']);
  assert.equal(r!.med, 7);
  await d.bird!.withdraw('198.51.100.64/26');
  await d.gobgp!.waitForNoRoute('198.51.100.64/26');
  // BIRD's reconfiguration did not reset the sessions.
  for (const n of await d.bird!.neighbors()) assert.equal(n.state, 'established');
});

test('FRR and OpenBGPD run-time announce and withdraw', { skip }, async () => {
  await d.frr!.announce({ prefix: '203.0.113.64/26', communities: ['65003:64'], med: 3 });
  const [r] = await d.bird!.waitForRoute('203.0.113.64/26');
  assert.deepEqual(r!.communities, ['65003:64']);
  await d.obgp!.announce({ prefix: '203.0.113.32/27', largeCommunities: ['65004:32:1'], prepend: 2 });
  const [o] = await d.gobgp!.waitForRoute('203.0.113.32/27');
  assert.deepEqual(o!.asPath, [65004, 65004, 65004]);
  assert.deepEqual(o!.largeCommunities, ['65004:32:1']);
  await d.frr!.withdraw('203.0.113.64/26');
  await d.obgp!.withdraw('203.0.113.32/27');
  await d.bird!.waitForNoRoute('203.0.113.64/26');
  await d.gobgp!.waitForNoRoute('203.0.113.32/27');
});

test('stopping the daemons and cleaning up leaves no namespace and no process', { skip }, async () => {
  const pids = Object.values(d).flatMap((x) => x.pids());
  assert.ok(pids.length >= 5);
  await Promise.all(Object.values(d).map((x) => x.stop()));
  for (const p of pids) assert.equal(isAlive(p), false, `pid ${p} gone`);
  const rep = cleanup(registry.stateFile);
  assert.deepEqual(rep.errors, []);
  assert.deepEqual(await listNamespaces(P), []);
  for (const n of Object.keys(AS)) assert.equal(namespaceExists(ns(n)), false);
});
