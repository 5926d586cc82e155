// The route-propagation engine: one anycast prefix, announced by the sites of an Announcement, spread over the AS
// graph under Gao-Rexford policies, computed in the classic three phases:
//   1. customer routes climb to providers (customer routes are exported to everyone),
//   2. one hop across peer links (a peer learns routes its peer got from customers),
//   3. provider routes descend to customers (everything is exported to customers),
// each AS preferring origin > customer > peer > provider, then the shortest AS path (prepends counted), then a
// tie-break. Within phases 1 and 3 the work is a bucket queue on path length (a Dijkstra with unit weights plus
// the origins' prepends), so any prepending is exact and provider-customer cycles cannot loop. NO_EXPORT
// (RFC 1997) makes the receiving AS keep the route for itself.
//
// Tie-break modes:
//   'lowest-asn'  the route from the neighbor with the lowest ASN (BGPy's default); for two sites of the same
//                 origin ASN seen through the same neighbor, the site listed first.
//   'all'         every equally preferred route is kept; each AS picks one of them with equal probability and
//                 its catchment is the resulting distribution over sites. An AS whose tied routes mix NO_EXPORT
//                 and exportable ones advertises only the exportable ones (its neighbors see the distribution of
//                 those). Distributions are taken as independent across ASes: an approximation, said so in docs.
//
// Pure and allocation-light: typed arrays indexed by AS, no per-route objects. No I/O.
import { CUSTOMER, NONE, ORIGIN, PEER, PROVIDER, type Announcement } from './announce.js';
import type { AsGraph } from './graph.js';

export type TieMode = 'lowest-asn' | 'all';

export interface SiteDist {
  /** Node v's entries are [start[v], start[v] + count[v]) of site/prob (ASes with one candidate share entries). */
  start: Int32Array;
  count: Int32Array;
  site: Int32Array;
  prob: Float64Array;
}

export interface Routes {
  mode: TieMode;
  n: number;
  siteCount: number;
  /** Route class per AS (announce.ts: NONE, ORIGIN, CUSTOMER, PEER, PROVIDER). */
  cls: Uint8Array;
  /** AS-path length from this AS to the origin, prepends included (0 at an origin). */
  len: Uint16Array;
  /** The next-hop AS of the chosen route (lowest-ASN choice in both modes), -1 when none or the route is a seed. */
  next: Int32Array;
  /** The seed (announcement entry) of the chosen route when it came straight from a site, else -1. */
  seed: Int32Array;
  /** Catchment site ('lowest-asn'), or the most probable one ('all'; lowest index on equal probability); -1: none. */
  site: Int32Array;
  /** The route is not re-advertised (NO_EXPORT). */
  noExport: Uint8Array;
  /** ASes in the order they were settled (each after all its next hops); `reached` of them. */
  order: Int32Array;
  reached: number;
  /** 'all' mode: every tied candidate per AS (linked lists; value >= 0 neighbor index, < 0 seed -(k+1)). */
  ties?: { head: Int32Array; next: Int32Array; val: Int32Array };
  /** 'all' mode: the catchment distribution per AS. */
  dist?: SiteDist;
  /** 'all' mode: ASes whose catchment has more than one possible site. */
  uncertain: number;
}

const INF = 0xffff;

export function propagate(g: AsGraph, ann: Announcement, mode: TieMode = 'lowest-asn',
  enabled?: Uint8Array): Routes {
  const n = g.n;
  const asn = g.asn;
  const tied = mode === 'all';
  const cls = new Uint8Array(n);
  const len = new Uint16Array(n);
  const next = new Int32Array(n).fill(-1);
  const seed = new Int32Array(n).fill(-1);
  const site = new Int32Array(n).fill(-1);
  const noExp = new Uint8Array(n);
  const order = new Int32Array(n);
  let reached = 0;
  const offLen = new Uint16Array(n).fill(INF);
  const offC = new Int32Array(n);
  let touched: number[] = [];
  const { seedKey, seedSite, seedNoExport, seedNode, seedCls, seedLen } = ann;
  const on = (s: number) => enabled === undefined || enabled[s] === 1;

  // Tie lists ('all' mode only).
  let tHead = new Int32Array(0);
  let tNext = new Int32Array(tied ? 1024 : 0);
  let tVal = new Int32Array(tied ? 1024 : 0);
  let tCount = 0;
  if (tied) tHead = new Int32Array(n).fill(-1);
  const addTie = (v: number, c: number, fresh: boolean) => {
    if (tCount === tVal.length) {
      const nn = new Int32Array(tCount * 2); nn.set(tNext); tNext = nn;
      const nv = new Int32Array(tCount * 2); nv.set(tVal); tVal = nv;
    }
    tVal[tCount] = c;
    tNext[tCount] = fresh ? -1 : tHead[v]!;
    tHead[v] = tCount++;
  };

  /** Does candidate c win the tie-break against d (lower neighbor ASN; seeds of one ASN by seed order)? */
  const beats = (c: number, d: number): boolean => {
    const kc = c >= 0 ? asn[c]! : seedKey[-c - 1]!;
    const kd = d >= 0 ? asn[d]! : seedKey[-d - 1]!;
    if (kc !== kd) return kc < kd;
    return c < 0 && d < 0 ? -c < -d : c < d;
  };

  let levels: number[][] = [];
  const offer = (v: number, L: number, c: number, queue: boolean) => {
    if (cls[v] !== NONE) return;
    const cur = offLen[v]!;
    if (L < cur) {
      if (cur === INF) touched.push(v);
      offLen[v] = L;
      offC[v] = c;
      if (tied) addTie(v, c, true);
      if (queue) (levels[L] ??= []).push(v);
    } else if (L === cur) {
      if (tied) addTie(v, c, false);
      if (beats(c, offC[v]!)) offC[v] = c;
    }
  };

  const settle = (v: number, klass: number) => {
    cls[v] = klass;
    len[v] = offLen[v]!;
    const c = offC[v]!;
    if (c >= 0) {
      next[v] = c;
      site[v] = site[c]!;
    } else {
      const k = -c - 1;
      seed[v] = k;
      site[v] = seedSite[k]!;
      noExp[v] = seedNoExport[k]!;
    }
    if (tied && noExp[v] === 1) {
      // Exportable if any tied candidate is.
      for (let t = tHead[v]!; t >= 0; t = tNext[t]!) {
        const x = tVal[t]!;
        if (x >= 0 || seedNoExport[-x - 1] === 0) { noExp[v] = 0; break; }
      }
    }
    order[reached++] = v;
  };

  const resetOffers = () => {
    for (const v of touched) offLen[v] = INF;
    touched = [];
  };

  const runLevels = (klass: number, relax: (v: number, L: number) => void) => {
    for (let L = 0; L < levels.length; L++) {
      const cand = levels[L];
      if (cand === undefined) continue;
      const settled: number[] = [];
      for (const v of cand) {
        if (cls[v] === NONE && offLen[v] === L) { settle(v, klass); settled.push(v); }
      }
      for (const v of settled) if (noExp[v] === 0) relax(v, L + 1);
    }
    levels = [];
  };

  // Origins.
  const originExtra: Array<[number, number]> = [];
  for (let k = 0; k < ann.originNode.length; k++) {
    const s = ann.originSite[k]!;
    if (!on(s)) continue;
    const v = ann.originNode[k]!;
    if (cls[v] === NONE) {
      cls[v] = ORIGIN; len[v] = 0; site[v] = s; order[reached++] = v;
    } else originExtra.push([v, s]);
  }

  // Phase 1: customer routes, upwards.
  const { provOff, prov, custOff, cust, peerOff, peer } = g;
  for (let k = 0; k < ann.seedCount; k++) {
    if (seedCls[k] === CUSTOMER && on(seedSite[k]!)) offer(seedNode[k]!, seedLen[k]!, -(k + 1), true);
  }
  runLevels(CUSTOMER, (v, L) => {
    for (let e = provOff[v]!, end = provOff[v + 1]!; e < end; e++) offer(prov[e]!, L, v, true);
  });
  resetOffers();

  // Phase 2: one hop across peer links.
  const afterPhase1 = reached;
  for (let t = 0; t < afterPhase1; t++) {
    const v = order[t]!;
    if (cls[v] !== CUSTOMER || noExp[v] === 1) continue;
    const L = len[v]! + 1;
    for (let e = peerOff[v]!, end = peerOff[v + 1]!; e < end; e++) offer(peer[e]!, L, v, false);
  }
  for (let k = 0; k < ann.seedCount; k++) {
    if (seedCls[k] === PEER && on(seedSite[k]!)) offer(seedNode[k]!, seedLen[k]!, -(k + 1), false);
  }
  for (const v of touched) if (cls[v] === NONE) settle(v, PEER);
  resetOffers();

  // Phase 3: provider routes, downwards.
  const afterPhase2 = reached;
  for (let t = 0; t < afterPhase2; t++) {
    const v = order[t]!;
    const c = cls[v]!;
    if ((c !== CUSTOMER && c !== PEER) || noExp[v] === 1) continue;
    const L = len[v]! + 1;
    for (let e = custOff[v]!, end = custOff[v + 1]!; e < end; e++) offer(cust[e]!, L, v, true);
  }
  for (let k = 0; k < ann.seedCount; k++) {
    if (seedCls[k] === PROVIDER && on(seedSite[k]!)) offer(seedNode[k]!, seedLen[k]!, -(k + 1), true);
  }
  runLevels(PROVIDER, (v, L) => {
    for (let e = custOff[v]!, end = custOff[v + 1]!; e < end; e++) offer(cust[e]!, L, v, true);
  });
  resetOffers();

  const routes: Routes = { mode, n, siteCount: ann.siteCount, cls, len, next, seed, site, noExport: noExp,
    order, reached, uncertain: 0 };
  if (tied) {
    routes.ties = { head: tHead, next: tNext, val: tVal };
    const d = distributions(routes, ann, originExtra);
    routes.dist = d.dist;
    routes.uncertain = d.uncertain;
  }
  return routes;
}

/** 'all' mode: each AS's site distribution, the mean of its tied candidates' (exported) distributions. An AS with
 *  a single candidate shares that candidate's entries (no copy): most ASes, so memory stays near O(n). */
function distributions(r: Routes, ann: Announcement, originExtra: Array<[number, number]>):
  { dist: SiteDist; uncertain: number } {
  const { n, order, reached, cls, site } = r;
  const { head, next: tn, val } = r.ties!;
  const start = new Int32Array(n);
  const count = new Int32Array(n);
  // Export distributions that differ from the own one (mixed NO_EXPORT ties): their own start/count.
  const exStart = new Int32Array(n).fill(-1);
  const exCount = new Int32Array(n);
  let cap = Math.max(1024, reached * 2);
  let ps = new Int32Array(cap);
  let pp = new Float64Array(cap);
  let used = 0;
  const acc = new Float64Array(r.siteCount);
  const hit = new Int32Array(r.siteCount);
  let nHit = 0;
  const add = (s: number, p: number) => { if (acc[s] === 0) hit[nHit++] = s; acc[s]! += p; };
  /** Writes the accumulated distribution to the pool; returns its start. */
  const flush = (): number => {
    hit.subarray(0, nHit).sort();
    if (used + nHit > cap) {
      cap = Math.max(cap * 2, used + nHit);
      const a = new Int32Array(cap); a.set(ps); ps = a;
      const b = new Float64Array(cap); b.set(pp); pp = b;
    }
    const at = used;
    for (let h = 0; h < nHit; h++) { const s = hit[h]!; ps[used] = s; pp[used++] = acc[s]!; acc[s] = 0; }
    nHit = 0;
    return at;
  };
  const extraSites = new Map<number, number[]>();
  for (const [v, s] of originExtra) (extraSites.get(v) ?? extraSites.set(v, []).get(v)!).push(s);
  const addExported = (c: number, w: number) => {
    const st = exStart[c]! >= 0 ? exStart[c]! : start[c]!;
    const ct = exStart[c]! >= 0 ? exCount[c]! : count[c]!;
    for (let e = st, end = st + ct; e < end; e++) add(ps[e]!, pp[e]! * w);
  };
  const seedNoExport = ann.seedNoExport;
  const seedSite = ann.seedSite;
  let uncertain = 0;
  for (let t = 0; t < reached; t++) {
    const v = order[t]!;
    if (cls[v] === ORIGIN) {
      const sites = [site[v]!, ...(extraSites.get(v) ?? [])];
      for (const s of sites) add(s, 1 / sites.length);
      count[v] = nHit;
      start[v] = flush();
    } else {
      let k = 0;
      let mixed = false;
      for (let e = head[v]!; e >= 0; e = tn[e]!) {
        k++;
        const c = val[e]!;
        if (c < 0 && seedNoExport[-c - 1] === 1) mixed = true;
      }
      const only = val[head[v]!]!;
      if (k === 1 && only >= 0) {
        // Share the single candidate's exported distribution.
        start[v] = exStart[only]! >= 0 ? exStart[only]! : start[only]!;
        count[v] = exStart[only]! >= 0 ? exCount[only]! : count[only]!;
      } else {
        for (let e = head[v]!; e >= 0; e = tn[e]!) {
          const c = val[e]!;
          if (c < 0) add(seedSite[-c - 1]!, 1 / k);
          else addExported(c, 1 / k);
        }
        count[v] = nHit;
        start[v] = flush();
        if (mixed && r.noExport[v] === 0) {
          // What v advertises: only its exportable candidates.
          let ke = 0;
          for (let e = head[v]!; e >= 0; e = tn[e]!) { const c = val[e]!; if (c >= 0 || seedNoExport[-c - 1] === 0) ke++; }
          for (let e = head[v]!; e >= 0; e = tn[e]!) {
            const c = val[e]!;
            if (c < 0) { if (seedNoExport[-c - 1] === 0) add(seedSite[-c - 1]!, 1 / ke); }
            else addExported(c, 1 / ke);
          }
          exCount[v] = nHit;
          exStart[v] = flush();
        }
      }
    }
    if (count[v]! > 1) uncertain++;
    // Most probable site (lowest index on equal probability: entries are sorted by site).
    let best = -1;
    let bp = -1;
    for (let e = start[v]!, end = e + count[v]!; e < end; e++) if (pp[e]! > bp + 1e-12) { best = ps[e]!; bp = pp[e]!; }
    site[v] = best;
  }
  return { dist: { start, count, site: ps.subarray(0, used), prob: pp.subarray(0, used) }, uncertain };
}

/** The AS path (graph indices, this AS first) of v's chosen route, ending at the AS that got the site's seed;
 *  the origin (with its prepends) is not included: see `pathAsns`. */
export function chosenPath(r: Routes, v: number): number[] {
  const out: number[] = [];
  let u = v;
  while (u >= 0 && r.cls[u] !== NONE) {
    out.push(u);
    if (r.cls[u] === ORIGIN || r.seed[u] >= 0) break;
    u = r.next[u]!;
  }
  return out;
}
