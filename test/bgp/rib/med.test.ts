// MED (RFC 4271 §9.1.2.2 c): compared only between routes from the same neighbor AS unless always-compare;
// a missing MED counts 0 (BIRD's default) or the worst value; the RFC's elimination (deterministic, our default)
// against the pairwise arrival-order comparison (BIRD's and Cisco's default) on the classic MED cycle.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRoutes } from '../../../src/bgp/rib/decision/rules.js';
import { select } from '../../../src/bgp/rib/decision/select.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { announceSpec, cands, ctx, permutations, ribWith, Spec } from './helpers.js';

const P = parsePrefix('203.0.113.0/24')!.key as number;

test('MED is not compared between different neighbor ASes (default)', () => {
  const c = cands([
    { asPath: '64601 64500', med: 100, routerId: '10.0.0.1' },
    { asPath: '64602 64500', med: 1, routerId: '10.0.0.2' },
  ]);
  const r = compareRoutes(c[0]!, c[1]!, ctx());
  assert.equal(r.result, -1);
  assert.equal(r.rule?.name, 'router-id');
});

test('MED between neighbor ASes beyond 2^31 - 1: compared for the same AS only', () => {
  const same = cands([
    { asPath: '4200000001 64500', med: 100, routerId: '10.0.0.1' },
    { asPath: '4200000001 64501', med: 1, routerId: '10.0.0.2' },
  ]);
  assert.equal(compareRoutes(same[0]!, same[1]!, ctx()).rule?.name, 'med');
  assert.equal(compareRoutes(same[0]!, same[1]!, ctx()).result, 1);
  const other = cands([
    { asPath: '4200000001 64500', med: 100, routerId: '10.0.0.1' },
    { asPath: '4200000002 64500', med: 1, routerId: '10.0.0.2' },
  ]);
  assert.equal(compareRoutes(other[0]!, other[1]!, ctx()).rule?.name, 'router-id');
  // AS 4294967295 (int32 -1) is not "no neighbor AS" (which counts as the local AS).
  const edge = cands([
    { asPath: '4294967295 64500', med: 100, routerId: '10.0.0.1' },
    { asPath: '{64500} 64501', med: 1, routerId: '10.0.0.2' },
  ]);
  assert.equal(compareRoutes(edge[0]!, edge[1]!, ctx()).rule?.name, 'router-id');
});

test('always-compare-med compares MED across neighbor ASes', () => {
  const c = cands([
    { asPath: '64601 64500', med: 100, routerId: '10.0.0.1' },
    { asPath: '64602 64500', med: 1, routerId: '10.0.0.2' },
  ]);
  const r = compareRoutes(c[1]!, c[0]!, ctx({ alwaysCompareMed: true }));
  assert.equal(r.result, -1);
  assert.equal(r.rule?.name, 'med');
});

test('missing MED is 0 by default and the worst value with missingMedWorst', () => {
  const c = cands([
    { asPath: '64601 64500', routerId: '10.0.0.9' },
    { asPath: '64601 64500', med: 5, routerId: '10.0.0.1' },
  ]);
  assert.deepEqual([compareRoutes(c[0]!, c[1]!, ctx()).result, compareRoutes(c[0]!, c[1]!, ctx()).rule?.name], [-1, 'med']);
  assert.deepEqual([compareRoutes(c[1]!, c[0]!, ctx({ missingMedWorst: true })).result,
    compareRoutes(c[1]!, c[0]!, ctx({ missingMedWorst: true })).rule?.name], [-1, 'med']);
});

test('routes with an empty AS path or a leading AS_SET count as from the local AS for MED', () => {
  const c = cands([
    { kind: 'ibgp', asPath: '', med: 50, routerId: '10.0.0.1' },
    { kind: 'ibgp', asPath: '{64700,64701}', med: 10, routerId: '10.0.0.2' },
  ]);
  // Both count as from the local AS: MED decides (the AS path lengths are 0 and 1, so force equal lengths).
  const r = compareRoutes(c[1]!, c[0]!, ctx({ compareAsPathLength: false }));
  assert.equal(r.rule?.name, 'med');
  assert.equal(r.result, -1);
});

// The MED cycle: r1 and r2 share neighbor AS 64600 (r2 has the lower MED but is iBGP), r3 is from 64700.
//   r2 beats r1 (MED), r3 beats r2 (eBGP over iBGP), r1 beats r3 (router id): no total order.
const CYCLE: Spec[] = [
  { asn: 64600, asPath: '64600 64500', med: 20, routerId: '10.0.0.1', addr: '192.0.2.1' },
  { kind: 'ibgp', asPath: '64600 64500', med: 10, routerId: '10.0.0.2', addr: '192.0.2.2', localPref: 100 },
  { asn: 64700, asPath: '64700 64500', routerId: '10.0.0.3', addr: '192.0.2.3' },
];

test('the MED cycle really is a cycle pairwise', () => {
  const [r1, r2, r3] = cands(CYCLE);
  assert.equal(compareRoutes(r2!, r1!, ctx()).result, -1);
  assert.equal(compareRoutes(r3!, r2!, ctx()).result, -1);
  assert.equal(compareRoutes(r1!, r3!, ctx()).result, -1);
});

test('deterministic MED (default): the RFC elimination picks r3 in every order', () => {
  const c = cands(CYCLE);
  for (const order of permutations([0, 1, 2])) {
    const sel = select(order.map((i) => c[i]!), 3, ctx());
    assert.equal(order[sel.best], 2, `order ${order}`);
  }
  for (const order of permutations([0, 1, 2])) {
    const { rib, peers } = ribWith(CYCLE);
    for (const i of order) announceSpec(rib, peers, CYCLE, i, P);
    rib.flush();
    assert.equal(rib.lookup('ipv4', P)!.best?.peer, peers[2], `order ${order}`);
  }
});

test('arrival-order MED (deterministicMed: false) depends on the order, as in BIRD and Cisco by default', () => {
  const winners = new Set<string>();
  for (const order of permutations([0, 1, 2])) {
    const { rib, peers } = ribWith(CYCLE, { decision: { deterministicMed: false } });
    for (const i of order) announceSpec(rib, peers, CYCLE, i, P);
    rib.flush();
    const best = rib.lookup('ipv4', P)!.best!.peer;
    winners.add(best.name);
    // The fold keeps the better of (current best, next arrival).
    const c = cands(CYCLE);
    let b = order[0]!;
    for (const i of order.slice(1)) if (compareRoutes(c[i]!, c[b]!, ctx()).result < 0) b = i;
    assert.equal(best, peers[b], `order ${order}`);
  }
  assert.ok(winners.size > 1, 'some orders give different winners');
  const { rib, peers } = ribWith(CYCLE, { decision: { deterministicMed: false } });
  for (const i of [0, 2, 1]) announceSpec(rib, peers, CYCLE, i, P);
  rib.flush();
  const e = rib.explain('ipv4', P)!;
  assert.ok(e.fold && e.fold.length === 2);
  assert.equal(e.candidates[e.best! - 1]!.peer, 'p2');
});
