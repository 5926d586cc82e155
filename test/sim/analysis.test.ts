// The analyses on hand-built graphs: catchment summary and inflation, ddos split and overload, compare,
// weights parsing, the site-selection searches, and the root-letter placement heuristic.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AsGeo, AsInfo, Centroid } from '../../src/sim/asinfo.js';
import { perAsGeo, summarize } from '../../src/sim/catchment.js';
import { compare, parseMeasured } from '../../src/sim/compare.js';
import { generateSources, outcome, split } from '../../src/sim/ddos.js';
import { binomial, selectSites } from '../../src/sim/optimize.js';
import { propagate } from '../../src/sim/propagate.js';
import { rng } from '../../src/util/rng.js';
import { rootDeployment } from '../../src/sim/root.js';
import { parseWeights } from '../../src/sim/weights.js';
import { graphFromLinks } from '../../src/sim/graph.js';
import { run, site, type Link } from './helpers.js';

// 10 (provider of 11, 12) — sites W at 11 (located west, lon 0) and E at 12 (lon 90); 13 and 14 are customers
// of 10 located at lon 80 and lon 5.
const LINKS: Link[] = [[10, 11, -1], [10, 12, -1], [10, 13, -1], [10, 14, -1]];
function geoFor(g: ReturnType<typeof graphFromLinks>): AsGeo {
  const lon: Record<number, number> = { 10: 40, 11: 0, 12: 90, 13: 80, 14: 5 };
  return { lat: new Float64Array(g.n).fill(0), lon: Float64Array.from(g.asn, (a) => lon[a]!), cc: [] };
}

test('catchment summary: per-site ASes, path length, inflation against the nearest site', () => {
  const x = run(LINKS, [site('W', 11, { location: { lat: 0, lon: 0 } }), site('E', 12, { location: { lat: 0, lon: 90 } })]);
  const geo = geoFor(x.g);
  const p = perAsGeo(x.g, geo, x.c, x.r);
  const s = summarize(x.g, x.c, x.r, p);
  // 10 ties between 11 and 12 and takes 11 (W); 13 and 14 follow 10; 11 and 12 are origins.
  assert.deepEqual(s.sites.map((y) => y.ases), [4, 1]);
  assert.equal(s.routed, 5);
  // Nearest: 10 (lon 40) -> W; 13 (lon 80) -> E but routed to W: inflated; 14 -> W. Origins at 0 km.
  assert.equal(s.inflation.considered, 5);
  assert.ok(Math.abs(s.inflation.inflatedShare - 1 / 5) < 1e-9);
  const km = 111.195 * 80 - 111.195 * 10; // 13 is 80° from W and 10° from E along the equator
  assert.ok(Math.abs(s.inflation.meanExtraKmInflated - km) < 1, `${s.inflation.meanExtraKmInflated}`);
  // Path of 13: 13 -> 10 (lon 40) -> W (lon 0): 80° of equator = 8895.6 km; RTT = 2*km/200 + 2 hops.
  const i13 = x.g.asn.indexOf(13);
  assert.ok(Math.abs(p.km[i13]! - 111.195 * 80) < 1);
  assert.ok(Math.abs(p.rtt[i13]! - (2 * p.km[i13]! / 200 + 2)) < 1e-9);
});

test('weights change the per-site shares', () => {
  const x = run(LINKS, [site('W', 11), site('E', 12)]);
  const wt = parseWeights('asn,users\n13 100\n# comment\nAS12,50\n99 7\n', 'w.csv', x.g);
  assert.equal(wt.listed, 3);
  assert.equal(wt.missing, 1);
  const s = summarize(x.g, x.c, x.r, perAsGeo(x.g, geoFor(x.g), x.c, x.r), wt.w);
  assert.deepEqual(s.sites.map((y) => y.weight), [100, 50]);
  assert.throws(() => parseWeights('1 -3\n', 'w', x.g), /w: line 1: weight must be a number >= 0/);
  assert.deepEqual([...parseWeights('{"13": 2}', 'w.json', x.g).w].filter((v) => v > 0), [2]);
});

test('ddos: the attack follows the catchments; absorbing vs withdrawing under capacities', () => {
  const x = run(LINKS, [site('W', 11), site('E', 12)]);
  const attack = new Float64Array(x.g.n);
  attack[x.g.asn.indexOf(13)] = 10;
  attack[x.g.asn.indexOf(12)] = 4;
  const a = split(x.g, 2, x.r, attack);
  assert.deepEqual(a.sites, [{ attack: 10, legit: 4 }, { attack: 4, legit: 1 }]);
  const o = outcome(a, [12, 12]);
  assert.deepEqual(o.overloaded, [0]);
  assert.ok(Math.abs(o.legitServed - 1 / 5) < 1e-9);
  // W withdraws: everything moves to E, which overloads; nobody is served.
  const r1 = propagate(x.g, x.c.ann, 'lowest-asn', new Uint8Array([0, 1]));
  const b = split(x.g, 2, r1, attack);
  assert.deepEqual(b.sites, [{ attack: 0, legit: 0 }, { attack: 14, legit: 5 }]);
  assert.deepEqual(outcome(b, [12, 12], new Set([0])).overloaded, [1]);
  // Seeded sources: reproducible, distinct, stubs only.
  const s1 = generateSources(x.g, 2, rng(7));
  assert.deepEqual(s1, generateSources(x.g, 2, rng(7)));
  assert.equal(s1.reduce((p, q) => p + q, 0), 2);
  assert.equal(s1[x.g.asn.indexOf(10)], 0, 'AS10 has customers: not a stub');
});

test('compare: agreement share, in-set agreement in all-tied mode, unknowns counted', () => {
  const m = parseMeasured('{"10": ["E"], "13": ["W"], "14": "W", "99": ["W"], "11": ["X"]}', 'm.json');
  const det = run(LINKS, [site('W', 11), site('E', 12)]);
  const a = compare(det.g, det.c, det.r, m);
  assert.equal(a.compared, 3);
  assert.equal(a.notInGraph, 1);
  assert.equal(a.unknownSite, 1);
  assert.equal(a.agree, 2, '10 is predicted W (lowest ASN) but measured at E');
  const all = run(LINKS, [site('W', 11), site('E', 12)], 'all');
  const b = compare(all.g, all.c, all.r, m);
  assert.equal(b.agree, 3, 'in all-tied mode E is in 10\'s predicted set');
  assert.ok(Math.abs(b.meanProbability - 0.5) < 1e-9, `${b.meanProbability}`);
  assert.throws(() => parseMeasured('{"x": ["a"]}', 'm.json'), /m.json: x: key must be an AS number/);
});

test('site selection: greedy gains, swap beats a greedy trap, exhaustive when affordable', async () => {
  // Objective on sets of candidate ids 0..3: the best pair is {1, 2}, but greedy takes 0 first.
  const table: Record<string, number> = { '': 100, '0': 50, '1': 60, '2': 60, '3': 90, '0,1': 45, '0,2': 45, '0,3': 48, '1,2': 30, '1,3': 55, '2,3': 55 };
  const f = async (sets: number[][]) => sets.map((s) => table[[...s].sort().join(',')]!);
  const greedy = await selectSites([], [0, 1, 2, 3], 2, f, { swap: false, budget: 0 });
  assert.deepEqual(greedy.chosen, [0, 1]);
  assert.equal(greedy.greedy[0]!.gainMs, NaN);
  assert.equal(greedy.greedy[1]!.gainMs, 5);
  const swapped = await selectSites([], [0, 1, 2, 3], 2, f, { budget: 100, exhaustive: false });
  assert.equal(swapped.method, 'greedy+swap');
  assert.deepEqual([...swapped.chosen].sort(), [1, 2]);
  assert.equal(swapped.meanRttMs, 30);
  assert.ok(swapped.localOptimum);
  assert.deepEqual(swapped.swaps.map((x) => [x.removed, x.site, x.gainMs]), [[0, 2, 15]]);
  const capped = await selectSites([], [0, 1, 2, 3], 2, f, { budget: 5, exhaustive: false });
  assert.equal(capped.meanRttMs, 30);
  assert.equal(capped.localOptimum, false, 'the budget ran out before the second round could confirm it');
  const ex = await selectSites([], [0, 1, 2, 3], 2, f, { budget: 100 });
  assert.equal(ex.method, 'exhaustive');
  assert.equal(ex.meanRttMs, 30);
  assert.equal(binomial(125, 3), 317750);
});

test('root placement: Global at transit ASes, Local (NO_EXPORT) at stub ASes, one site per AS, then round-robin', () => {
  // Country AA: 1 (3 customers), 2 (1 customer), 10 (none); BB has no AS and borrows from its nearest neighbor AA.
  const g = graphFromLinks([[1, 10, -1], [1, 11, -1], [1, 12, -1], [2, 13, -1], [3, 14, -1]]);
  const info: AsInfo = { name: new Map(), country: new Map([[1, 'AA'], [2, 'AA'], [10, 'AA'], [3, 'CC']]) };
  const centroids = new Map<string, Centroid>([['AA', { name: 'A', lat: 0, lon: 0 }], ['BB', { name: 'B', lat: 0, lon: 1 }],
    ['CC', { name: 'C', lat: 50, lon: 50 }]]);
  const json = { ASN: 64500, Operator: 'Op', Sites: [
    { Country: 'AA', Town: 'Xa', ID: '1', Latitude: 0, Longitude: 0, Type: 'Global', Status: 'operational' },
    { Country: 'AA', Town: 'Ya', ID: '2', Latitude: 0, Longitude: 0, Type: 'Local', Status: 'operational' },
    { Country: 'AA', Town: 'Za', ID: '3', Latitude: 0, Longitude: 0, Type: 'Global', Status: 'operational' },
    { Country: 'BB', Town: 'Bb', ID: '4', Latitude: 0, Longitude: 1, Type: 'Global', Status: 'operational' },
    { Country: 'AA', Town: 'Old', ID: '5', Latitude: 0, Longitude: 0, Type: 'Global', Status: 'decommissioned' },
  ] };
  const d = rootDeployment(json, 'x', 'root_x.json', g, info, centroids);
  // Xa (Global) -> 1, the AS with most customers; Ya (Local) -> 10, AA's only AS without customers; Za (Global)
  // -> 2, the best transit AS not yet hosting; Bb borrows AA's candidates, all taken: round-robin from the top.
  assert.deepEqual(d.sites.map((s) => [s.id, s.neighbors![0]!.asn, s.noExport]),
    [['aa-xa', 1, false], ['aa-ya', 10, true], ['aa-za', 2, false], ['bb-bb', 1, false]]);
  assert.ok(d.sites.every((s) => s.origin === 64500 && s.neighbors![0]!.relationship === 'provider'));
});
