// Decision process (RFC 4271 §9.1.2.2 and extensions): one fixture per rule. For each: cmp(a,b) and cmp(b,a)
// name the rule and disagree in sign, and every insertion order of the fixture's candidates — through select()
// and through a whole RIB — picks the same winner, decided by that rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRoutes, preference, RULES, RuleName } from '../../../src/bgp/rib/decision/rules.js';
import { select } from '../../../src/bgp/rib/decision/select.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { announceSpec, cands, ctx, permutations, ribWith, Spec } from './helpers.js';

interface Fixture {
  rule: RuleName;
  /** Winner first, then a candidate that loses exactly at `rule`, then possibly more losers. */
  specs: Spec[];
}

const P = parsePrefix('198.51.100.0/24')!.key as number;

const FIXTURES: Fixture[] = [
  { rule: 'local-pref', specs: [
    { kind: 'ibgp', localPref: 200, asPath: '65201 65202 65203' },
    { kind: 'ibgp', localPref: 100, asPath: '65201' },
    { kind: 'ibgp', asPath: '65201' }, // missing LOCAL_PREF counts as 100
  ] },
  { rule: 'as-path-length', specs: [
    { asPath: '65101 64500' },
    { asPath: '65102 64501 64500' },
    { asPath: '65103 {64500,64501,64502} 64500' }, // an AS_SET counts 1: length 3
  ] },
  { rule: 'as-path-length', specs: [
    { kind: 'ibgp', asPath: '(65010 65011) 65101 64500' }, // confederation segments count 0: length 2
    { kind: 'ibgp', asPath: '65102 64501 64500' },
  ] },
  { rule: 'origin', specs: [
    { asPath: '65101 64500', origin: 'igp' },
    { asPath: '65102 64500', origin: 'egp' },
    { asPath: '65103 64500', origin: 'incomplete' },
  ] },
  { rule: 'med', specs: [
    { asn: 64600, addr: '192.0.2.30', asPath: '64600 64500', med: 10 },
    { asn: 64600, addr: '192.0.2.20', asPath: '64600 64500', med: 20 },
    { asn: 64600, addr: '192.0.2.10', asPath: '64600 64500', med: 30 },
  ] },
  { rule: 'ebgp-over-ibgp', specs: [
    { addr: '192.0.2.200', routerId: '10.0.0.200', asPath: '65101' },
    { kind: 'ibgp', asPath: '65102', localPref: 100 },
  ] },
  { rule: 'igp-cost', specs: [
    { kind: 'ibgp', asPath: '65101', nextHop: '203.0.113.1', igp: 5, routerId: '10.0.0.99' },
    { kind: 'ibgp', asPath: '65102', nextHop: '203.0.113.2', igp: 10 },
    { kind: 'ibgp', asPath: '65103', nextHop: '203.0.113.3', igp: 20 },
  ] },
  { rule: 'router-id', specs: [
    { kind: 'ibgp', asPath: '65101', routerId: '10.0.0.9', addr: '192.0.2.99' },
    { kind: 'ibgp', asPath: '65102', routerId: '10.0.0.20' },
  ] },
  { rule: 'router-id', specs: [
    // ORIGINATOR_ID replaces the router id (RFC 4456 §9): the neighbor with the higher id wins.
    { kind: 'ibgp', asPath: '65101', routerId: '10.0.0.50', originatorId: '10.0.0.1', clusterList: ['10.9.9.9'] },
    { kind: 'ibgp', asPath: '65102', routerId: '10.0.0.2', originatorId: '10.0.0.3', clusterList: ['10.9.9.8'] },
  ] },
  { rule: 'cluster-list', specs: [
    { kind: 'ibgp', asPath: '65101', originatorId: '10.1.1.1', clusterList: ['10.9.9.9'], addr: '192.0.2.99' },
    { kind: 'ibgp', asPath: '65102', originatorId: '10.1.1.1', clusterList: ['10.9.9.8', '10.9.9.7'] },
  ] },
  { rule: 'neighbor-address', specs: [
    { kind: 'ibgp', asPath: '65101', routerId: '10.0.0.7', addr: '192.0.2.5' },
    { kind: 'ibgp', asPath: '65102', routerId: '10.0.0.7', addr: '192.0.2.6' },
    { kind: 'ibgp', asPath: '65103', routerId: '10.0.0.7', addr: '2001:db8::1', nextHop: '192.0.2.7' }, // IPv4 sorts first
  ] },
];

for (const f of FIXTURES) {
  const label = `${f.rule}: ${f.specs.map((s) => s.asPath ?? '').join(' | ')}`;

  test(`rule ${label}: cmp(a,b) and cmp(b,a)`, () => {
    const c = cands(f.specs);
    const ab = compareRoutes(c[0]!, c[1]!, ctx());
    const ba = compareRoutes(c[1]!, c[0]!, ctx());
    assert.equal(ab.result, -1);
    assert.equal(ab.rule?.name, f.rule);
    assert.equal(ba.result, 1);
    assert.equal(ba.rule?.name, f.rule);
  });

  test(`rule ${label}: select() picks the same winner in every order`, () => {
    const c = cands(f.specs);
    for (const order of permutations(c.map((_, i) => i))) {
      const ordered = order.map((i) => c[i]!);
      const sel = select(ordered, ordered.length, ctx());
      assert.equal(order[sel.best], 0, `order ${order.join(',')}`);
      assert.equal(sel.decidedBy?.name, f.rule, `order ${order.join(',')}`);
    }
  });

  test(`rule ${label}: the RIB picks the same winner whatever the arrival order`, () => {
    for (const order of permutations(f.specs.map((_, i) => i))) {
      const { rib, peers } = ribWith(f.specs);
      for (const i of order) announceSpec(rib, peers, f.specs, i, P);
      const ch = rib.flush();
      assert.equal(ch.loc.length, 1);
      assert.equal(ch.loc[0]!.best?.peer, peers[0], `order ${order.join(',')}`);
      assert.equal(rib.explain('ipv4', P)?.decidedBy?.name, f.rule);
    }
  });
}

test('rule local-origin: a locally originated route beats a higher LOCAL_PREF', () => {
  const specs: Spec[] = [{ kind: 'ibgp', localPref: 500, asPath: '' }];
  for (const originateFirst of [true, false]) {
    const { rib, peers } = ribWith(specs);
    if (originateFirst) rib.originate('ipv4', P, { localPref: 50 });
    announceSpec(rib, peers, specs, 0, P);
    if (!originateFirst) rib.originate('ipv4', P, { localPref: 50 });
    rib.flush();
    const best = rib.lookup('ipv4', P)!.best!;
    assert.equal(best.peer.kind, 'local');
    assert.equal(rib.explain('ipv4', P)?.decidedBy?.name, 'local-origin');
  }
  const c = cands([{ kind: 'local' }, { localPref: 500 }]);
  assert.deepEqual([compareRoutes(c[0]!, c[1]!, ctx()).result, compareRoutes(c[1]!, c[0]!, ctx()).result], [-1, 1]);
  assert.equal(compareRoutes(c[0]!, c[1]!, ctx({ preferLocal: false })).rule?.name, 'local-pref');
});

test('rule path-id: two add-path paths from one neighbor, lowest path id wins in either order', () => {
  for (const order of [[1, 2], [2, 1]]) {
    const { rib, peers } = ribWith([{ kind: 'ibgp', pathId: 1 }]);
    for (const id of order) {
      rib.announce(peers[0]!, 'ipv4', rib.store.intern({ asPath: '65101', nextHop: '192.0.2.1' }), [P], [id]);
    }
    rib.flush();
    const l = rib.lookup('ipv4', P)!;
    assert.equal(l.candidates.length, 2);
    assert.equal(l.best?.pathId, 1);
    assert.equal(rib.explain('ipv4', P)?.decidedBy?.name, 'path-id');
  }
});

test('rules are listed in RFC 4271 order with their section numbers', () => {
  assert.deepEqual(RULES.map((r) => `${r.id} ${r.name}`), [
    '0 local-origin', '9.1.2 local-pref', '9.1.2.2(a) as-path-length', '9.1.2.2(b) origin', '9.1.2.2(c) med',
    '9.1.2.2(d) ebgp-over-ibgp', '9.1.2.2(e) igp-cost', '9.1.2.2(f) router-id', 'RFC4456§9 cluster-list',
    '9.1.2.2(g) neighbor-address', 'RFC7911 path-id',
  ]);
});

test('preference() (the rules written out) is the loop over RULES, for every pair, option set and last rule', () => {
  // Every fixture's candidates together, plus a local route and a second path of one neighbor: pairs that differ
  // at each rule and pairs that tie up to any rule.
  const specs: Spec[] = [...FIXTURES.flatMap((f) => f.specs), { kind: 'local' }, { kind: 'local', localPref: 300 },
    { asn: 64600, addr: '192.0.2.30', asPath: '64600 64500', med: 10, pathId: 7 }];
  const c = cands(specs);
  const optionSets = [{}, { preferLocal: false }, { compareAsPathLength: false }, { alwaysCompareMed: true },
    { igpMetric: false }, { missingMedWorst: true, defaultLocalPref: 50 }];
  let compared = 0, decidedLate = 0;
  for (const o of optionSets) {
    const x = ctx(o);
    for (const a of c) {
      for (const b of c) {
        for (let upTo = 0; upTo < RULES.length; upTo++) {
          let want = 0;
          for (let i = 0; i <= upTo && want === 0; i++) want = RULES[i]!.compare(a, b, x);
          assert.equal(preference(a, b, x, upTo), want, `${JSON.stringify(o)} upTo ${upTo}`);
          compared++;
          if (upTo === RULES.length - 1 && want !== 0 && RULES.slice(0, 7).every((r) => r.compare(a, b, x) === 0)) decidedLate++;
        }
        assert.equal(preference(a, b, x), preference(a, b, x, RULES.length - 1));
      }
    }
  }
  assert.ok(compared > 10_000 && decidedLate > 0, `${compared} comparisons, ${decidedLate} decided after the IGP cost`);
});

test('options: as-path length and IGP cost comparisons can be switched off (BIRD path metric / igp metric)', () => {
  const c = cands([{ asPath: '65101 1 2', routerId: '10.0.0.1' }, { asPath: '65102', routerId: '10.0.0.2' }]);
  assert.equal(compareRoutes(c[1]!, c[0]!, ctx()).rule?.name, 'as-path-length');
  assert.equal(compareRoutes(c[0]!, c[1]!, ctx({ compareAsPathLength: false })).rule?.name, 'router-id');
  const d = cands([{ kind: 'ibgp', igp: 50, routerId: '10.0.0.1' }, { kind: 'ibgp', igp: 5, routerId: '10.0.0.2' }]);
  assert.equal(compareRoutes(d[1]!, d[0]!, ctx()).rule?.name, 'igp-cost');
  assert.equal(compareRoutes(d[0]!, d[1]!, ctx({ igpMetric: false })).rule?.name, 'router-id');
});

test('defaultLocalPref changes how a route without LOCAL_PREF ranks', () => {
  const c = cands([{ kind: 'ibgp' }, { kind: 'ibgp', localPref: 150 }]);
  assert.equal(compareRoutes(c[1]!, c[0]!, ctx()).result, -1);
  assert.equal(compareRoutes(c[0]!, c[1]!, ctx({ defaultLocalPref: 200 })).result, -1);
});

test('an unreachable next hop makes a route ineligible (RFC 4271 §9.1.2.1), even the otherwise best one', () => {
  const specs: Spec[] = [
    { asPath: '65101', nextHop: '203.0.113.1' },
    { asPath: '65102 64500 64501', nextHop: '203.0.113.2' },
  ];
  const { rib, peers } = ribWith(specs, {
    resolver: { resolve: (nh) => ({ reachable: nh.address !== '203.0.113.1', igpCost: 0 }) },
  });
  announceSpec(rib, peers, specs, 0, P);
  announceSpec(rib, peers, specs, 1, P);
  rib.flush();
  assert.equal(rib.lookup('ipv4', P)!.best?.peer, peers[1]);
  const e = rib.explain('ipv4', P)!;
  assert.equal(e.candidates[0]!.eligible, false);
  assert.match(e.candidates[0]!.ineligible!, /unreachable/);
  assert.equal(e.decidedBy, null); // the only eligible candidate
});
