// Route reflection (RFC 4456 §6, §8) and loop detection on input (RFC 4271 §9.1.2 AS path loops with
// allowas-in, RFC 4456 §8 ORIGINATOR_ID / CLUSTER_LIST, RFC 5065 confederation id), and iBGP split horizon.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCEPT_ALL } from '../../../src/bgp/policy/compile.js';
import { formatIPv4, parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { Rib } from '../../../src/bgp/rib/rib.js';
import { LOCAL_AS } from './helpers.js';

const P = parsePrefix('198.51.100.0/24')!.key as number;

function rrRib(opts: { clusterId?: string } = {}) {
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254', ...opts });
  const mk = (name: string, address: string, asn: number, rrClient: boolean, routerId: string) => {
    const p = rib.addPeer({ name, address, asn, rrClient, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL,
      localAddress: { ipv4: '192.0.2.254' } });
    rib.peerUp(p, { routerId });
    return p;
  };
  const peers = {
    c1: mk('c1', '192.0.2.11', LOCAL_AS, true, '10.0.0.11'),
    c2: mk('c2', '192.0.2.12', LOCAL_AS, true, '10.0.0.12'),
    n1: mk('n1', '192.0.2.21', LOCAL_AS, false, '10.0.0.21'),
    n2: mk('n2', '192.0.2.22', LOCAL_AS, false, '10.0.0.22'),
    e1: mk('e1', '192.0.2.31', 64600, false, '10.0.0.31'),
  };
  rib.flush();
  return { rib, peers };
}

function sentTo(changes: ReturnType<Rib['flush']>) {
  return Object.fromEntries(changes.out.map((o) => [o.peer.name, o.attrs]));
}

test('a route from a client is reflected to clients and non-clients with ORIGINATOR_ID and CLUSTER_LIST', () => {
  const { rib, peers } = rrRib();
  rib.announce(peers.c1, 'ipv4', rib.store.intern({ asPath: '64500', nextHop: '192.0.2.11', localPref: 120 }), [P]);
  const out = sentTo(rib.flush());
  assert.deepEqual(Object.keys(out).sort(), ['c2', 'e1', 'n1', 'n2']);
  for (const n of ['c2', 'n1', 'n2']) {
    const a = out[n]!;
    assert.equal(formatIPv4(a.originatorId!), '10.0.0.11');
    assert.deepEqual(a.clusterList!.values.map(formatIPv4), ['10.255.255.254']);
    assert.equal(a.nextHop?.address, '192.0.2.11'); // iBGP keeps the next hop
    assert.equal(a.localPref, 120);
  }
  assert.equal(out.e1!.originatorId, null);
  assert.equal(out.e1!.clusterList, null);
  assert.equal(out.e1!.asPath.text(), '65000 64500');
  assert.equal(rib.explainExport(peers.c1, 'ipv4', P).blocked, 'source-peer');
});

test('a route from a non-client goes to clients only; never to another non-client', () => {
  const { rib, peers } = rrRib();
  rib.announce(peers.n1, 'ipv4', rib.store.intern({ asPath: '64500', nextHop: '192.0.2.21' }), [P]);
  const out = sentTo(rib.flush());
  assert.deepEqual(Object.keys(out).sort(), ['c1', 'c2', 'e1']);
  assert.equal(rib.explainExport(peers.n2, 'ipv4', P).blocked, 'ibgp-split-horizon');
});

test('an eBGP route goes to every iBGP neighbor, without reflection attributes', () => {
  const { rib, peers } = rrRib();
  rib.announce(peers.e1, 'ipv4', rib.store.intern({ asPath: '64600 64500', nextHop: '192.0.2.31', med: 7 }), [P]);
  const out = sentTo(rib.flush());
  assert.deepEqual(Object.keys(out).sort(), ['c1', 'c2', 'n1', 'n2']);
  for (const a of Object.values(out)) {
    assert.equal(a!.originatorId, null);
    assert.equal(a!.clusterList, null);
    assert.equal(a!.localPref, 100); // attached on iBGP export
    assert.equal(a!.med, 7);
  }
});

test('reflection keeps an existing ORIGINATOR_ID and prepends to an existing CLUSTER_LIST', () => {
  const { rib, peers } = rrRib({ clusterId: '10.1.1.1' });
  rib.announce(peers.c1, 'ipv4', rib.store.intern({
    asPath: '64500', nextHop: '192.0.2.11', originatorId: '10.9.9.9', clusterList: ['10.2.2.2'],
  }), [P]);
  const a = sentTo(rib.flush()).c2!;
  assert.equal(formatIPv4(a.originatorId!), '10.9.9.9');
  assert.deepEqual(a.clusterList!.values.map(formatIPv4), ['10.1.1.1', '10.2.2.2']);
});

test('without route-reflector clients, iBGP routes are not passed to other iBGP neighbors (split horizon)', () => {
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254' });
  const a = rib.addPeer({ name: 'a', address: '192.0.2.1', asn: LOCAL_AS });
  const b = rib.addPeer({ name: 'b', address: '192.0.2.2', asn: LOCAL_AS });
  rib.peerUp(a, { routerId: '10.0.0.1' });
  rib.peerUp(b, { routerId: '10.0.0.2' });
  rib.flush();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64500', nextHop: '192.0.2.1' }), [P]);
  const ch = rib.flush();
  assert.equal(ch.loc.length, 1); // iBGP without policy accepts (RFC 8212 is for eBGP)
  assert.equal(ch.out.length, 0);
  assert.throws(() => rib.addPeer({ name: 'x', address: '192.0.2.9', asn: 64999, rrClient: true }), /only iBGP/);
});

test('ORIGINATOR_ID equal to our router id, or our cluster id in CLUSTER_LIST, makes a route ineligible', () => {
  const { rib, peers } = rrRib();
  rib.announce(peers.n1, 'ipv4', rib.store.intern({ asPath: '64500', nextHop: '192.0.2.21', originatorId: '10.255.255.254' }), [P]);
  rib.announce(peers.n2, 'ipv4', rib.store.intern({ asPath: '64500', nextHop: '192.0.2.22', clusterList: ['10.3.3.3', '10.255.255.254'] }), [P]);
  const ch = rib.flush();
  assert.equal(ch.loc.length, 0);
  const e = rib.explain('ipv4', P)!;
  assert.deepEqual(e.candidates.map((c) => c.eligible), [false, false]);
  assert.match(e.candidates[0]!.ineligible!, /ORIGINATOR_ID/);
  assert.match(e.candidates[1]!.ineligible!, /CLUSTER_LIST/);
  assert.deepEqual(ch.notices.filter((n) => n.kind === 'ineligible').map((n) => n.peer).sort(), ['n1', 'n2']);
});

test('AS path loop: own AS makes an eBGP route ineligible; allowas-in tolerates that many occurrences', () => {
  for (const [allow, path, eligible] of [
    [0, '64600 65000 64500', false], [1, '64600 65000 64500', true], [1, '64600 65000 65000 64500', false],
    [2, '64600 {65000,1} 65000', true], [0, '64600 64500', true],
  ] as const) {
    const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254' });
    const e = rib.addPeer({ name: 'e', address: '192.0.2.1', asn: 64600, importPolicy: ACCEPT_ALL, allowAsIn: allow });
    rib.peerUp(e, { routerId: '10.0.0.1' });
    rib.announce(e, 'ipv4', rib.store.intern({ asPath: path, nextHop: '192.0.2.1' }), [P]);
    const ch = rib.flush();
    assert.equal(ch.loc.length, eligible ? 1 : 0, `${allow} ${path}`);
    assert.equal(rib.lookup('ipv4', P)!.candidates[0]!.eligible, eligible);
  }
});

test('a loop report replaces the neighbor\'s earlier route for the prefix (treat as withdraw)', () => {
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254' });
  const e = rib.addPeer({ name: 'e', address: '192.0.2.1', asn: 64600, importPolicy: ACCEPT_ALL });
  rib.peerUp(e, { routerId: '10.0.0.1' });
  rib.announce(e, 'ipv4', rib.store.intern({ asPath: '64600 64500', nextHop: '192.0.2.1' }), [P]);
  assert.equal(rib.flush().loc[0]!.best?.peer, e);
  rib.announce(e, 'ipv4', rib.store.intern({ asPath: '64600 65000', nextHop: '192.0.2.1' }), [P]);
  const ch = rib.flush();
  assert.equal(ch.loc[0]!.best, null);
  assert.equal(ch.loc[0]!.previous?.peer, e);
});

test('confederation: our confederation id in the path is a loop; member ASes are confederation eBGP', () => {
  const rib = new Rib({ localAs: 65001, routerId: '10.255.255.254', confederation: { id: 64900, members: [65001, 65002] } });
  const m = rib.addPeer({ name: 'm', address: '192.0.2.2', asn: 65002, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
  const x = rib.addPeer({ name: 'x', address: '192.0.2.3', asn: 64600, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL,
    localAddress: { ipv4: '192.0.2.254' } });
  assert.equal(m.kind, 'confed-ebgp');
  assert.equal(x.kind, 'ebgp');
  rib.peerUp(m, { routerId: '10.0.0.2' });
  rib.peerUp(x, { routerId: '10.0.0.3' });
  rib.announce(x, 'ipv4', rib.store.intern({ asPath: '64600 64900 64500', nextHop: '192.0.2.3' }), [P]);
  assert.equal(rib.flush().loc.length, 0);
  // A route from a member AS: to the external neighbor, confederation segments go and the id is prepended.
  rib.announce(m, 'ipv4', rib.store.intern({ asPath: '(65002) 64500', nextHop: '192.0.2.2', localPref: 300 }), [P]);
  const out = sentTo(rib.flush());
  assert.equal(out.x!.asPath.text(), '64900 64500');
  assert.equal(out.x!.localPref, null);
  assert.equal(rib.lookup('ipv4', P)!.best!.attrs.localPref, 300); // LOCAL_PREF crosses confederation eBGP
  // A route from outside: to the member AS our AS goes in front as a confederation sequence, LOCAL_PREF kept.
  const Q = parsePrefix('198.51.101.0/24')!.key as number;
  rib.announce(x, 'ipv4', rib.store.intern({ asPath: '64600 64500', nextHop: '192.0.2.3', med: 4 }), [Q]);
  const toM = rib.flush().out.find((o) => o.peer === m)!.attrs!;
  assert.equal(toM.asPath.text(), '(65001) 64600 64500');
  assert.equal(toM.localPref, 100);
  assert.equal(toM.med, 4);
  assert.equal(toM.nextHop?.address, '192.0.2.3');
});
