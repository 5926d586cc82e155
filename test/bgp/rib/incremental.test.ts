// The incremental decision (decision/incremental.ts): a change whose new best follows from the one changed
// candidate is settled without a full decision; the changes where MED makes that impossible fall back to it.
// The property test in properties.test.ts compares with a full decision after every change; these are the
// named cases.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Rib } from '../../../src/bgp/rib/rib.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { announceSpec, ribWith, Spec } from './helpers.js';

const P = parsePrefix('203.0.113.0/24')!.key as number;

// Three eBGP routes that tie up to the MED step. W and Z share neighbor AS 64601 (Z has the lower MED), B is
// from 64602. All three: the MED step removes W, then B beats Z on router id, so B is best; without Z, W beats
// B on router id. In arrival order W, Z, B the pairwise fold also ends with B.
const W = 0, Z = 1, B = 2;
const SPECS: Spec[] = [
  { asn: 64601, asPath: '64601 64500', med: 20, routerId: '10.0.0.1' },
  { asn: 64601, asPath: '64601 64500', med: 10, routerId: '10.0.0.3' },
  { asn: 64602, asPath: '64602 64500', routerId: '10.0.0.2' },
];

function best(rib: Rib): string {
  const b = rib.lookup('ipv4', P)!.best;
  const e = rib.explain('ipv4', P)!;
  // The kept best is what a full decision over the candidates gives.
  assert.equal(b?.peer.name ?? null, e.best === null ? null : e.candidates[e.best - 1]!.peer);
  return b?.peer.name ?? 'none';
}

for (const deterministicMed of [true, false]) {
  const mode = deterministicMed ? 'deterministic MED' : 'arrival order';

  test(`${mode}: removing a route that is not the best can change the best (MED removed another route)`, () => {
    const { rib, peers } = ribWith(SPECS, { decision: { deterministicMed } });
    for (const i of [W, Z, B]) announceSpec(rib, peers, SPECS, i, P);
    rib.flush();
    assert.equal(best(rib), 'p3');
    rib.withdraw(peers[Z]!, 'ipv4', [P]);
    assert.equal(best(rib), 'p1');
  });

  test(`${mode}: replacing a route that is not the best can change the best`, () => {
    const { rib, peers } = ribWith(SPECS, { decision: { deterministicMed } });
    for (const i of [W, Z, B]) announceSpec(rib, peers, SPECS, i, P);
    rib.flush();
    // Z comes again with a MED above W's: W is no longer removed and beats B.
    rib.announce(peers[Z]!, 'ipv4', rib.store.intern({ asPath: '64601 64500', med: 30, nextHop: '192.0.2.2' }), [P]);
    assert.equal(best(rib), 'p1');
  });
}

test('deterministic MED: a route that is not better than the best can still change it (it removes the best by MED)', () => {
  const { rib, peers } = ribWith(SPECS);
  for (const i of [W, B]) announceSpec(rib, peers, SPECS, i, P);
  rib.flush();
  assert.equal(best(rib), 'p1');
  announceSpec(rib, peers, SPECS, Z, P);
  assert.equal(best(rib), 'p3');
});

test('deterministic MED: a route replaced by one of another neighbor AS is a MED rival of later arrivals', () => {
  // Each prefix keeps a mask of its candidates' neighbor ASes, so that a new route with no other candidate of its
  // neighbor AS is settled without reading the others. Z first comes from AS 64603, then from 64601 with MED 10;
  // W then arrives from 64601 with MED 20: the MED step removes W (Z has the lower MED), and B stays best.
  const { rib, peers } = ribWith(SPECS);
  rib.announce(peers[Z]!, 'ipv4', rib.store.intern({ asPath: '64603 64500', nextHop: '192.0.2.2' }), [P]);
  announceSpec(rib, peers, SPECS, B, P);
  rib.flush();
  assert.equal(best(rib), 'p3');
  rib.announce(peers[Z]!, 'ipv4', rib.store.intern({ asPath: '64601 64500', med: 10, nextHop: '192.0.2.2' }), [P]);
  assert.equal(best(rib), 'p3');
  rib.flush();
  announceSpec(rib, peers, SPECS, W, P);
  assert.equal(best(rib), 'p3'); // without Z's MED, W would win on router id
});

test('arrival order: a new route is compared with the best only', () => {
  const { rib, peers } = ribWith(SPECS, { decision: { deterministicMed: false } });
  for (const i of [W, B]) announceSpec(rib, peers, SPECS, i, P);
  rib.flush();
  assert.equal(best(rib), 'p1');
  announceSpec(rib, peers, SPECS, Z, P);
  assert.equal(best(rib), 'p2'); // Z beats W on MED; B, already beaten by W, is not looked at again
});

test('arrival order: removing a route whose neighbor AS is unique can still change the best (the MED cycle)', () => {
  // r2 beats r1 (MED, same neighbor AS), r3 beats r2 (eBGP over iBGP), r1 beats r3 (router id).
  const cycle: Spec[] = [
    { asn: 64600, asPath: '64600 64500', med: 20, routerId: '10.0.0.1', addr: '192.0.2.1' },
    { kind: 'ibgp', asPath: '64600 64500', med: 10, routerId: '10.0.0.2', addr: '192.0.2.2', localPref: 100 },
    { asn: 64700, asPath: '64700 64500', routerId: '10.0.0.3', addr: '192.0.2.3' },
  ];
  const { rib, peers } = ribWith(cycle, { decision: { deterministicMed: false } });
  for (const i of [1, 2, 0]) announceSpec(rib, peers, cycle, i, P);
  rib.flush();
  assert.equal(best(rib), 'p1'); // r2 vs r3: r3; r3 vs r1: r1
  rib.withdraw(peers[2]!, 'ipv4', [P]);
  assert.equal(best(rib), 'p2'); // r2 vs r1: r2
});

test('changes decided before the MED step, or with no other route of the neighbor AS, need no full decision', () => {
  const specs: Spec[] = [
    { asPath: '64601 64500', routerId: '10.0.0.1' },
    { asPath: '64602 64510 64500', routerId: '10.0.0.2' }, // longer path: loses before MED
    { asPath: '64603 64500', med: 5, routerId: '10.0.0.3' }, // ties up to MED, alone in its AS: router id
    { asPath: '64604', routerId: '10.0.0.4' }, // shorter path: wins before MED
  ];
  const { rib, peers } = ribWith(specs);
  const before = rib.stats().bestPath;
  const seen: string[] = [];
  for (let i = 0; i < specs.length; i++) { announceSpec(rib, peers, specs, i, P); seen.push(best(rib)); }
  rib.withdraw(peers[1]!, 'ipv4', [P]);
  seen.push(best(rib));
  rib.withdraw(peers[3]!, 'ipv4', [P]); // the best goes: only a full decision can tell the next
  seen.push(best(rib));
  assert.deepEqual(seen, ['p1', 'p1', 'p1', 'p4', 'p4', 'p1']);
  const after = rib.stats().bestPath;
  assert.deepEqual([after.incremental - before.incremental, after.full - before.full], [5, 1]);
});

test('multipath: every change runs the full decision', () => {
  const { rib, peers } = ribWith(SPECS, { decision: { multipath: { enabled: true } } });
  const before = rib.stats().bestPath;
  for (const i of [W, Z, B]) { announceSpec(rib, peers, SPECS, i, P); best(rib); }
  const after = rib.stats().bestPath;
  assert.deepEqual([after.incremental - before.incremental, after.full - before.full], [0, 3]);
});

test('a neighbor back from a graceful restart with another router id has its prefixes decided again', () => {
  const specs: Spec[] = [
    { asn: 64601, asPath: '64601 64500', routerId: '10.0.0.1' },
    { asn: 64602, asPath: '64602 64500', routerId: '10.0.0.2' },
    { asn: 64603, asPath: '64603 64500', routerId: '10.0.0.3' },
  ];
  const { rib, peers } = ribWith(specs);
  for (const i of [0, 1]) announceSpec(rib, peers, specs, i, P);
  rib.flush();
  assert.equal(best(rib), 'p1'); // router id .1 beats .2
  rib.peerDown(peers[0]!, { graceful: true });
  rib.peerUp(peers[0]!, { routerId: '10.0.0.9' });
  announceSpec(rib, peers, specs, 0, P); // the same route again: only its stale mark goes
  rib.sweepStale(peers[0]!);
  rib.flush();
  assert.equal(best(rib), 'p2'); // .2 now beats .9
  announceSpec(rib, peers, specs, 2, P);
  assert.equal(best(rib), 'p2'); // .2 beats .3 and .9
});
