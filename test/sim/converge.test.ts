// The event-driven BGP simulator on small graphs, with every UPDATE and its time worked out by hand
// (fixed 10 ms links except where said, 1 ms processing, MRAI 30 s, jitter off unless seeded).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileDeployment } from '../../src/sim/compile.js';
import { BgpSim, type TimingModel } from '../../src/sim/converge/bgp.js';
import { runScenario } from '../../src/sim/converge/scenario.js';
import { graphFromLinks, indexOfAsn } from '../../src/sim/graph.js';
import { rng } from '../../src/util/rng.js';
import { site, type Link } from './helpers.js';

function timing(slow: Array<[number, number, number]> = [], extra: Partial<TimingModel> = {}) {
  return (g: ReturnType<typeof graphFromLinks>): TimingModel => ({
    mraiMs: 30_000, jitterMin: 1, wrate: false, procMinMs: 1, procMaxMs: 1,
    linkDelayMs: (a, b) => {
      for (const [x, y, ms] of slow) {
        const ia = indexOfAsn(g, x); const ib = indexOfAsn(g, y);
        if ((a === ia && b === ib) || (a === ib && b === ia)) return ms;
      }
      return 10;
    },
    ...extra,
  });
}

function setup(links: Link[], t: ReturnType<typeof timing>, seed = 1) {
  const g = graphFromLinks(links);
  const c = compileDeployment(g, { name: 't', file: 't', sites: [site('S', 1)] });
  return { g, c, sim: new BgpSim(g, c.ann, t(g), rng(seed)) };
}

test('a chain: announcement and withdrawal, two UPDATEs each, 22 ms', () => {
  const { g, sim } = setup([[2, 1, -1], [3, 2, -1]], timing());
  sim.beginPhase();
  sim.setSite(0, true);
  sim.run();
  let s = sim.endPhase();
  assert.equal(s.announcements, 2, 'the site to AS2, AS2 to AS3 (nothing back towards ASes on the path)');
  assert.equal(s.withdrawals, 0);
  assert.equal(s.lastUpdateAt, 22, 'seed 10 ms + 1 ms, then 10 + 1 ms');
  assert.equal(sim.bestLen[indexOfAsn(g, 3)], 2);
  sim.now = 100_000;
  sim.beginPhase();
  sim.setSite(0, false);
  sim.run();
  s = sim.endPhase();
  assert.equal(s.withdrawals, 2);
  assert.equal(s.announcements, 0);
  assert.equal(s.lastUpdateAt - 100_000, 22, 'withdrawals are not held by MRAI');
  assert.equal(sim.bestSlot[indexOfAsn(g, 3)], -1);
});

// Origin AS1 with providers 2 (over a slow 1000 ms link) and 6; 6 -> 3 -> 4 is the long way up, 4 is a provider of
// both 2 and 3, and 7 is 4's provider.
const DIAMOND: Link[] = [[2, 1, -1], [6, 1, -1], [3, 6, -1], [4, 3, -1], [4, 2, -1], [7, 4, -1]];

test('announcement: AS4 learns the long path first; its better path reaches AS7 only when MRAI expires', () => {
  const { g, sim } = setup(DIAMOND, timing([[1, 2, 1000]]));
  sim.beginPhase();
  sim.setSite(0, true);
  sim.run();
  const s = sim.endPhase();
  // Sends: seeds to 2 and 6; 6->3 (t=11); 3->4 (22); 4->7 and 4->2 (33); 2->4 (1001); at 1012 AS4 switches to
  // [2 1]: a withdrawal to 2 (the path now holds 2), an advertisement to its customer 3, and 4->7 waits for
  // MRAI (started at 33) until 30033.
  assert.equal(s.announcements, 9);
  assert.equal(s.withdrawals, 1);
  assert.equal(s.lastUpdateAt, 30_044);
  assert.equal(s.lastChangeAt, 30_044);
  const ch = (asn: number) => s.changes[indexOfAsn(g, asn)];
  assert.deepEqual([1, 2, 3, 4, 6, 7].map(ch), [1, 2, 1, 2, 1, 2], 'path exploration at 2, 4 and 7');
  assert.equal(sim.bestLen[indexOfAsn(g, 7)], 3, '7 ends on [4 2 1]');
});

test('withdrawal: path exploration through ever longer paths, then no route anywhere (Tdown)', () => {
  const { g, sim } = setup(DIAMOND, timing([[1, 2, 1000]]));
  sim.setSite(0, true);
  sim.run();
  sim.now = 100_000;
  sim.beginPhase();
  sim.setSite(0, false);
  sim.run();
  const s = sim.endPhase();
  // AS6 loses its route (T+11) and withdraws to 3; 3 falls back to [4 2 1] (T+22) and passes it down to 6
  // (T+33) — 6 cannot pass [6 3 4 2 1] to AS1, whose ASN is in it; the slow seed withdrawal reaches 2 at
  // T+1001, and the withdrawals sweep 2 -> 4 -> {7, 3} -> 6 until T+1034.
  assert.equal(s.announcements, 1);
  assert.equal(s.withdrawals, 8);
  assert.equal(s.lastUpdateAt - 100_000, 1034);
  const ch = (asn: number) => s.changes[indexOfAsn(g, asn)];
  assert.deepEqual([1, 2, 3, 4, 6, 7].map(ch), [1, 1, 2, 1, 3, 1]);
  for (const asn of [1, 2, 3, 4, 6, 7]) assert.equal(sim.bestSlot[indexOfAsn(g, asn)], -1);
});

test('MRAI jitter is seeded: the same seed gives the same run, the delayed UPDATE lands in [0.75, 1] x 30 s', () => {
  const times = [1, 1, 2, 3].map((seed) => {
    const { sim } = setup(DIAMOND, timing([[1, 2, 1000]], { jitterMin: 0.75 }), seed);
    sim.beginPhase();
    sim.setSite(0, true);
    sim.run();
    return sim.endPhase().lastUpdateAt;
  });
  assert.equal(times[0], times[1]);
  assert.ok(new Set(times.slice(1)).size > 1, `different seeds, different timings: ${times}`);
  for (const t of times) assert.ok(t >= 33 + 22_500 + 11 && t <= 30_044, `${t}`);
});

test('WRATE holds withdrawals for MRAI too', () => {
  const { sim } = setup([[2, 1, -1], [3, 2, -1]], timing([], { wrate: true }));
  sim.setSite(0, true);
  sim.run();
  sim.now = 5_000; // 2->3 advertised at t=11: its MRAI runs until 30011
  sim.beginPhase();
  sim.setSite(0, false);
  sim.run();
  const s = sim.endPhase();
  assert.equal(s.lastUpdateAt, 30_022, 'AS2 withdraws to AS3 at MRAI expiry (30011), processed at 30022');
});

test('scenario: end states equal the static engine, transient no-route counted', () => {
  // A multihomed stub 5 (customers of 2 and 4): when site A (below 2) withdraws, 2 loses its only route and
  // withdraws at once; 5 keeps B through 4. 6, single-homed below 2, is without a route until 2 hears B from 3.
  const links: Link[] = [[2, 1, -1], [3, 2, -1], [3, 4, -1], [4, 8, -1], [2, 5, -1], [4, 5, -1], [2, 6, -1]];
  const g = graphFromLinks(links);
  const c = compileDeployment(g, { name: 't', file: 't', sites: [site('A', 1), site('B', 8)] });
  const res = runScenario(g, c, { site: 0, seed: 1, timing: timing()(g) });
  assert.equal(res.phases.length, 3);
  for (const p of res.phases) assert.ok(p.matchesStatic, `${p.phase}: ${p.mismatches} mismatches`);
  // Withdraw A at T: AS1 (no longer an origin) has nothing (2 never sent it paths holding AS1); the seed
  // withdrawal reaches 2 at T+11, which has no alternative (3's best went through 2) and withdraws to 3, 5, 6
  // (T+22); 3 falls back to [4 8] and sends it to 2 (T+33); 2 passes [2 3 4 8] to 1, 5 and 6 (T+44).
  // No route: AS1 T..T+44, AS2 T+11..T+33, AS6 T+22..T+44: 88 ms in all, all three at once at T+22.
  const wd = res.phases[2]!;
  assert.equal(wd.endNoRoute, 0);
  assert.equal(wd.transientNoRoute, 3);
  assert.equal(Math.round(wd.noRouteAsSeconds * 1000), 88);
  assert.equal(wd.peakNoRoute, 3);
  assert.equal(Math.round(wd.convergenceS * 1000), 44);
  assert.equal(res.phases[1]!.transientNoRoute, 0, 'announcing loses no route');
});
