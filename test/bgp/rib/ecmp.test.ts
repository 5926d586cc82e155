// Multipath (ECMP): routes equal through the IGP-cost step form the set, best first; the AS-path relax option
// ('same-length' as BIRD, or 'identical'); maxPaths; a change of the set is a Loc-RIB delta for the FIB.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { announceSpec, ribWith, Spec } from './helpers.js';

const P = parsePrefix('198.51.100.0/24')!.key as number;
const MP = { decision: { multipath: { enabled: true } } };

const EQUAL: Spec[] = [
  { asn: 64600, asPath: '64600 64500', routerId: '10.0.0.3' },
  { asn: 64601, asPath: '64601 64500', routerId: '10.0.0.1' },
  { asn: 64602, asPath: '64602 64500', routerId: '10.0.0.2' },
  { asn: 64603, asPath: '64603 64501 64500', routerId: '10.0.0.0' }, // longer: not in the set
];

test('multipath set: equal up to IGP cost, best first then by the remaining tie-breaks', () => {
  const { rib, peers } = ribWith(EQUAL, MP);
  for (let i = 0; i < EQUAL.length; i++) announceSpec(rib, peers, EQUAL, i, P);
  const ch = rib.flush();
  const l = ch.loc[0]!;
  assert.equal(l.best?.peer, peers[1]); // lowest router id among the equal ones
  assert.deepEqual(l.multipath.map((r) => r.peer.name), ['p2', 'p3', 'p1']);
  assert.deepEqual(rib.explain('ipv4', P)!.multipath, [2, 3, 1]);
});

test('multipath off: the set is the best alone', () => {
  const { rib, peers } = ribWith(EQUAL);
  for (let i = 0; i < EQUAL.length; i++) announceSpec(rib, peers, EQUAL, i, P);
  assert.deepEqual(rib.flush().loc[0]!.multipath.map((r) => r.peer.name), ['p2']);
});

test('asPathRelax identical: only routes with the very same AS path join', () => {
  const specs: Spec[] = [
    { asn: 64600, addr: '192.0.2.1', asPath: '64600 64500', routerId: '10.0.0.1' },
    { asn: 64600, addr: '192.0.2.2', asPath: '64600 64500', routerId: '10.0.0.2' },
    { asn: 64601, asPath: '64601 64500', routerId: '10.0.0.3' },
  ];
  const { rib, peers } = ribWith(specs, { decision: { multipath: { enabled: true, asPathRelax: 'identical' } } });
  for (let i = 0; i < specs.length; i++) announceSpec(rib, peers, specs, i, P);
  assert.deepEqual(rib.flush().loc[0]!.multipath.map((r) => r.peer.name), ['p1', 'p2']);
});

test('routes differing in IGP cost or eBGP/iBGP are not in the set; maxPaths caps it', () => {
  const specs: Spec[] = [
    { kind: 'ibgp', asPath: '64600', nextHop: '203.0.113.1', igp: 10, routerId: '10.0.0.1' },
    { kind: 'ibgp', asPath: '64601', nextHop: '203.0.113.2', igp: 10, routerId: '10.0.0.2' },
    { kind: 'ibgp', asPath: '64602', nextHop: '203.0.113.3', igp: 10, routerId: '10.0.0.3' },
    { kind: 'ibgp', asPath: '64603', nextHop: '203.0.113.4', igp: 20, routerId: '10.0.0.0' },
  ];
  const { rib, peers } = ribWith(specs, { decision: { multipath: { enabled: true, maxPaths: 2 } } });
  for (let i = 0; i < specs.length; i++) announceSpec(rib, peers, specs, i, P);
  assert.deepEqual(rib.flush().loc[0]!.multipath.map((r) => r.peer.name), ['p1', 'p2']);
});

test('a change of the multipath set alone is reported as a Loc-RIB change', () => {
  const { rib, peers } = ribWith(EQUAL, MP);
  announceSpec(rib, peers, EQUAL, 1, P);
  announceSpec(rib, peers, EQUAL, 2, P);
  rib.flush();
  announceSpec(rib, peers, EQUAL, 0, P); // joins the set, does not become best
  const ch = rib.flush();
  assert.equal(ch.loc.length, 1);
  assert.equal(ch.loc[0]!.best?.peer, peers[1]);
  assert.equal(ch.loc[0]!.previous?.peer, peers[1]);
  assert.deepEqual(ch.loc[0]!.multipath.map((r) => r.peer.name), ['p2', 'p3', 'p1']);
  rib.withdraw(peers[2]!, 'ipv4', [P]);
  assert.deepEqual(rib.flush().loc[0]!.multipath.map((r) => r.peer.name), ['p2', 'p1']);
  // A route outside the set changing is no Loc-RIB change.
  announceSpec(rib, peers, EQUAL, 3, P);
  assert.equal(rib.flush().loc.length, 0);
});

test('arrival-order mode builds the same multipath set', () => {
  const { rib, peers } = ribWith(EQUAL, { decision: { multipath: { enabled: true }, deterministicMed: false } });
  for (let i = EQUAL.length - 1; i >= 0; i--) announceSpec(rib, peers, EQUAL, i, P);
  assert.deepEqual(rib.flush().loc[0]!.multipath.map((r) => r.peer.name), ['p2', 'p3', 'p1']);
});
