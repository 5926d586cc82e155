// The engine on small hand-built graphs, each with its expected catchments worked out by hand in the comments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dist, run, site, view, type Link } from './helpers.js';

test('customer routes climb, provider routes descend, peers one hop (hand-worked example)', () => {
  //        1 ─peer─ 2
  //       / \        \
  //      3   4        5 (site B)
  //      |    \      /
  //  (A) 6     └─ 7 ─┘      7 is a customer of both 4 and 5
  const links: Link[] = [[1, 3, -1], [1, 4, -1], [2, 5, -1], [1, 2, 0], [4, 7, -1], [5, 7, -1], [3, 6, -1]];
  const x = run(links, [site('A', 6), site('B', 5)]);
  assert.deepEqual(view(x), {
    1: 'A customer 2', // via 3 (customer) beats B via peer 2
    2: 'B customer 1',
    3: 'A customer 1',
    4: 'A provider 3', // from 1
    5: 'B origin 0',
    6: 'A origin 0',
    7: 'B provider 1', // straight from B's origin (its provider 5): length 1 beats 4's length 4
  });
});

test('a peer route beats a shorter provider route; a customer route beats a shorter peer route', () => {
  // 11 is 10's provider and hosts site Y; 12 is 10's peer with site X below it (13).
  const base: Link[] = [[11, 10, -1], [10, 12, 0], [12, 13, -1]];
  let x = run(base, [site('X', 13), site('Y', 11)]);
  assert.equal(view(x)[10], 'X peer 2');
  // Now give 10 a customer chain to site Z, two hops long: customer (length 2) beats peer (length 2, and better class).
  const more: Link[] = [...base, [10, 14, -1], [14, 15, -1], [14, 16, -1], [16, 17, -1]];
  x = run(more, [site('X', 13), site('Y', 11), site('Z', 17)]);
  assert.equal(view(x)[10], 'Z customer 3');
  assert.equal(view(x)[14], 'Z customer 2');
  assert.equal(view(x)[15], 'Z provider 3', '15 is a customer of 14 (which is 2 from Z)');
});

test('valley-free export: peer and provider routes go to customers only', () => {
  //   24        26
  //    |         |
  //   21 ─peer─ 22           20 ─peer─ 21 as well
  //    |
  //   25 (customer of 21; 26 is a provider of 25)
  // site at 23, a customer of 20.
  const links: Link[] = [[20, 23, -1], [20, 21, 0], [21, 22, 0], [24, 21, -1], [21, 25, -1], [26, 25, -1], [26, 22, 0]];
  const x = run(links, [site('S', 23)]);
  const v = view(x);
  assert.equal(v[20], 'S customer 1');
  assert.equal(v[21], 'S peer 2');
  assert.equal(v[22], '-', 'a peer route must not be passed to another peer');
  assert.equal(v[24], '-', 'a peer route must not be passed to a provider');
  assert.equal(v[25], 'S provider 3');
  assert.equal(v[26], '-', 'a provider route must not be passed to a provider');
});

test('prepending lengthens the path; without it the tie goes to the lowest neighbor ASN', () => {
  // 30 is the provider of sites A (31) and B (32); 33 is a customer of 30.
  const links: Link[] = [[30, 31, -1], [30, 32, -1], [30, 33, -1]];
  let x = run(links, [site('A', 31), site('B', 32)]);
  assert.equal(view(x)[30], 'A customer 1', 'tie: neighbor AS31 < AS32');
  assert.equal(view(x)[33], 'A provider 2');
  x = run(links, [site('A', 31, { prepend: 2 }), site('B', 32)]);
  assert.equal(view(x)[30], 'B customer 1');
  // Per-neighbor prepending: A prepends 3 towards 30 only; it stays at 0 towards its other provider 34.
  const l2: Link[] = [...links, [34, 31, -1], [35, 34, -1], [35, 30, -1]];
  x = run(l2, [site('A', 31, { neighbors: [{ asn: 30, prepend: 3 }, { asn: 34 }] }), site('B', 32)]);
  assert.equal(view(x)[30], 'B customer 1');
  assert.equal(view(x)[34], 'A customer 1');
  assert.equal(view(x)[35], 'B customer 2', 'tie of length 2 between 30 (B) and 34 (A): lowest ASN 30');
  x = run(l2, [site('A', 31, { neighbors: [{ asn: 30, prepend: 3 }, { asn: 34 }] }), site('B', 32, { prepend: 1 })]);
  assert.equal(view(x)[35], 'A customer 2');
  assert.equal(view(x)[30], 'B customer 2', '30 hears B with one prepend (length 2) and A with 3 (length 4)');
});

test('NO_EXPORT: a local site is used by its direct neighbor only', () => {
  //        44
  //       /  \
  //     40    43
  //     | \    |
  //  L 41  45  42 G        45 is a customer of 40 (and, in the second case, of 44 too)
  const links: Link[] = [[44, 40, -1], [44, 43, -1], [40, 41, -1], [43, 42, -1], [40, 45, -1]];
  let x = run(links, [site('L', 41, { noExport: true }), site('G', 42)]);
  let v = view(x);
  assert.equal(v[40], 'L customer 1');
  assert.equal(v[44], 'G customer 2', 'without NO_EXPORT 44 would tie and pick 40 (L)');
  assert.equal(v[45], '-', '40 keeps the NO_EXPORT route as best and so advertises nothing to 45');
  x = run([...links, [44, 45, -1]], [site('L', 41, { noExport: true }), site('G', 42)]);
  v = view(x);
  assert.equal(v[45], 'G provider 3');
  x = run(links, [site('L', 41), site('G', 42)]);
  assert.equal(view(x)[44], 'L customer 2', 'the same graph without NO_EXPORT');
});

test('an explicit neighbor list and relationship override the graph; origins outside the graph need them', () => {
  // The operator AS 64500 is not in the graph; its two sites hang below 50 and 51 (as customers),
  // and 52 is a peer of site b only.
  const links: Link[] = [[50, 53, -1], [51, 53, -1], [52, 54, -1]];
  const x = run(links, [
    site('a', 64500, { neighbors: [{ asn: 50, relationship: 'provider' }] }),
    site('b', 64500, { neighbors: [{ asn: 51, relationship: 'provider' }, { asn: 52, relationship: 'peer' }] }),
  ]);
  const v = view(x);
  assert.equal(v[50], 'a customer 1');
  assert.equal(v[51], 'b customer 1');
  assert.equal(v[53], 'a provider 2', 'tie between providers 50 and 51: lowest ASN');
  assert.equal(v[52], 'b peer 1');
  assert.equal(v[54], 'b provider 2');
  assert.throws(() => run(links, [site('c', 64501)]), /not in the AS graph: list the site's neighbors/);
  assert.throws(() => run(links, [site('c', 50, { neighbors: [{ asn: 52 }] })]), /not linked.*give the relationship/);
});

test('an origin AS keeps its own site and never takes another site\'s route', () => {
  const links: Link[] = [[60, 61, -1], [60, 62, -1], [61, 62, 0]];
  const x = run(links, [site('A', 61), site('B', 62)]);
  const v = view(x);
  assert.equal(v[61], 'A origin 0');
  assert.equal(v[62], 'B origin 0');
  assert.equal(v[60], 'A customer 1');
});

test('all-tied mode: catchments as distributions; uncertain ASes counted', () => {
  //   51   52   55
  //    \   /    |
  //     50 ─────┘? no: 54 is a customer of 50 and of 55
  //   A below 51, B below 52, A also below 55.
  const links: Link[] = [[51, 50, -1], [52, 50, -1], [51, 56, -1], [52, 57, -1], [50, 54, -1], [55, 54, -1], [55, 58, -1]];
  const sites = [site('A', 56), site('B', 57), site('A2', 58)];
  const x = run(links, sites, 'all');
  assert.deepEqual(dist(x, 50), { A: 0.5, B: 0.5 });
  // 54: tied between 50 (length 3) and 55 (length 2)? 55 is nearer, so no tie:
  assert.deepEqual(dist(x, 54), { A2: 1 });
  assert.equal(x.r.uncertain, 1);
  // Make the lengths equal by prepending at A2: now 54 ties 50 (A .5 / B .5) with 55 (A2) -> A .25 B .25 A2 .5.
  const y = run(links, [site('A', 56), site('B', 57), site('A2', 58, { prepend: 1 })], 'all');
  assert.deepEqual(dist(y, 54), { A: 0.25, B: 0.25, A2: 0.5 });
  assert.equal(y.r.uncertain, 2);
  const det = run(links, [site('A', 56), site('B', 57), site('A2', 58, { prepend: 1 })]);
  assert.equal(view(det)[54], 'A provider 3', 'lowest-asn mode: 50 < 55, and 50 picks 51 (A) over 52');
});

test('all-tied mode: a NO_EXPORT route tied with an exportable one is not advertised', () => {
  // 70 hears local site L (from 71) and global site G (from 72), both customers: a tie at length 1.
  // 73, a customer of 70, can only be given G.
  const links: Link[] = [[70, 71, -1], [70, 72, -1], [70, 73, -1]];
  const x = run(links, [site('L', 71, { noExport: true }), site('G', 72)], 'all');
  assert.deepEqual(dist(x, 70), { L: 0.5, G: 0.5 });
  assert.deepEqual(dist(x, 73), { G: 1 });
  const det = run(links, [site('L', 71, { noExport: true }), site('G', 72)]);
  assert.equal(view(det)[70], 'L customer 1');
  assert.equal(view(det)[73], '-', 'lowest-asn picks the NO_EXPORT route at 70, which then advertises nothing');
});

test('disabled sites are not announced (failover input)', async () => {
  const { propagate } = await import('../../src/sim/propagate.js');
  const links: Link[] = [[30, 31, -1], [30, 32, -1], [30, 33, -1]];
  const x = run(links, [site('A', 31), site('B', 32)]);
  const r = propagate(x.g, x.c.ann, 'lowest-asn', new Uint8Array([0, 1]));
  // Index order AS30 AS31 AS32 AS33. With A down, AS31 is an ordinary AS and reaches B through its provider 30.
  assert.deepEqual([...r.site], [1, 1, 1, 1]);
  assert.deepEqual([...r.cls], [2, 4, 1, 4]);
  const none = propagate(x.g, x.c.ann, 'lowest-asn', new Uint8Array([0, 0]));
  assert.equal(none.reached, 0);
});
