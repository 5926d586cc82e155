// The convergence experiment: from a stable state of every other site, one site announces, the network settles,
// then it withdraws and the network settles again. For each phase: time to converge, UPDATEs, path exploration
// (ASes whose best route changed more than once) and the transient loss of reachability (ASes briefly without a
// route). Each end state is checked against the static engine (same ranking, so the same unique stable state).
import { NONE } from '../announce.js';
import type { Compiled } from '../compile.js';
import { greatCircleKm } from '../geo.js';
import type { AsGraph } from '../graph.js';
import { propagate } from '../propagate.js';
import { rng } from '../../util/rng.js';
import type { AsGeo } from '../asinfo.js';
import { BgpSim, type PhaseStats, type TimingModel } from './bgp.js';

export interface PhaseSummary {
  phase: string;
  convergenceS: number;
  lastChangeS: number;
  updates: number;
  announcements: number;
  withdrawals: number;
  asesChanged: number;
  pathExploration: number;
  maxChanges: number;
  transientNoRoute: number;
  noRouteAsSeconds: number;
  peakNoRoute: number;
  endNoRoute: number;
  /** UPDATEs sent per bucket of `bucketS` seconds from the phase start. */
  timeline: number[];
  bucketS: number;
  events: number;
  matchesStatic: boolean;
  mismatches: number;
}

export interface ConvergeResult {
  site: string;
  timing: Omit<TimingModel, 'linkDelayMs'> & { linkDelay: string };
  seed: number;
  phases: PhaseSummary[];
  wallMs: number;
}

/** Link delay from the ASes' coarse locations: distance / 200 km/ms + 1 ms, 10 ms when a location is unknown. */
export function geoLinkDelay(geo: AsGeo): (a: number, b: number) => number {
  return (a, b) => {
    const la = geo.lat[a]!;
    const lb = geo.lat[b]!;
    if (Number.isNaN(la) || Number.isNaN(lb)) return 10;
    return 1 + greatCircleKm(la, geo.lon[a]!, lb, geo.lon[b]!) / 200;
  };
}

function summarize(sim: BgpSim, s: PhaseStats, phase: string, g: AsGraph, c: Compiled, bucketMs: number): PhaseSummary {
  let changed = 0;
  let explore = 0;
  let maxC = 0;
  let transient = 0;
  let noRoute = 0;
  let endNoRoute = 0;
  for (let v = 0; v < sim.n; v++) {
    const k = s.changes[v]!;
    if (k > 0) changed++;
    if (k > 1) explore++;
    if (k > maxC) maxC = k;
    noRoute += s.noRouteMs[v]!;
    if (sim.bestSlot[v] === -1) endNoRoute++;
    else if (s.lostRoute[v]) transient++;
  }
  // Static check.
  const r = propagate(g, c.ann, 'lowest-asn', sim.enabled);
  let mismatches = 0;
  for (let v = 0; v < sim.n; v++) {
    const has = sim.bestSlot[v] !== -1;
    if (has !== (r.cls[v] !== NONE) || (has && (sim.bestSite[v] !== r.site[v] || sim.bestCls[v] !== r.cls[v] || sim.bestLen[v] !== r.len[v]))) mismatches++;
  }
  return {
    phase, convergenceS: (s.lastUpdateAt - s.start) / 1000, lastChangeS: (s.lastChangeAt - s.start) / 1000,
    updates: s.announcements + s.withdrawals, announcements: s.announcements, withdrawals: s.withdrawals,
    asesChanged: changed, pathExploration: explore, maxChanges: maxC, transientNoRoute: transient,
    noRouteAsSeconds: noRoute / 1000, peakNoRoute: s.peakNoRoute, endNoRoute, timeline: s.timeline, bucketS: bucketMs / 1000,
    events: s.events, matchesStatic: mismatches === 0, mismatches,
  };
}

export interface ScenarioOptions {
  site: number;
  timing: TimingModel;
  seed: number;
  bucketMs?: number;
  onProgress?: (phase: string, simSeconds: number, events: number) => void;
}

export function runScenario(g: AsGraph, c: Compiled, o: ScenarioOptions): ConvergeResult {
  const t0 = performance.now();
  const bucketMs = o.bucketMs ?? 5000;
  const sim = new BgpSim(g, c.ann, o.timing, rng(o.seed), bucketMs);
  const phases: PhaseSummary[] = [];
  const phase = (name: string, act: () => void) => {
    sim.beginPhase();
    act();
    sim.run(Infinity, (now, ev) => o.onProgress?.(name, (now - sim.stats!.start) / 1000, ev));
    phases.push(summarize(sim, sim.endPhase(), name, g, c, bucketMs));
    // Let every MRAI timer run out before the next event.
    sim.now += Math.max(o.timing.mraiMs, 1000) * 2;
  };
  const others = c.sites.map((s) => s.index).filter((i) => i !== o.site);
  phase(`cold start of ${others.length} site${others.length === 1 ? '' : 's'}`, () => { for (const i of others) sim.setSite(i, true); });
  phase(`announce ${c.sites[o.site]!.id}`, () => sim.setSite(o.site, true));
  phase(`withdraw ${c.sites[o.site]!.id}`, () => sim.setSite(o.site, false));
  const { linkDelayMs: _l, ...rest } = o.timing;
  void _l;
  return { site: c.sites[o.site]!.id, timing: { ...rest, linkDelay: 'model' }, seed: o.seed, phases, wallMs: performance.now() - t0 };
}
