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
import type { Scratch } from './scratch.js';

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

/** Seeds of one class that are enabled, sorted by path length (then index): injected level by level. */
function seedsByLevel(ann: Announcement, klass: number, on: (s: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let k = 0; k < ann.seedCount; k++) if (ann.seedCls[k] === klass && on(ann.seedSite[k]!)) out.push(k);
  out.sort((a, b) => ann.seedLen[a]! - ann.seedLen[b]! || a - b);
  return Int32Array.from(out);
}

/** `scratch`: reuse these arrays (sweeps); the result is then valid only until the next call with it. */
export function propagate(g: AsGraph, ann: Announcement, mode: TieMode = 'lowest-asn',
  enabled?: Uint8Array, scratch?: Scratch): Routes {
  const n = g.n;
  const asn = g.asn;
  const tied = mode === 'all';
  const sc = scratch;
  const cls = sc ? sc.u8('cls', n) : new Uint8Array(n);
  const len = sc ? sc.u16('len', n) : new Uint16Array(n);
  const next = sc ? sc.i32('next', n, -1) : new Int32Array(n).fill(-1);
  const seed = sc ? sc.i32('seed', n, -1) : new Int32Array(n).fill(-1);
  const site = sc ? sc.i32('site', n, -1) : new Int32Array(n).fill(-1);
  const noExp = sc ? sc.u8('noExp', n) : new Uint8Array(n);
  const order = sc ? sc.i32('order', n) : new Int32Array(n);
  let reached = 0;
  // The pending offer per AS: its path length and candidate (>= 0 neighbor, < 0 seed -(k+1)). Every AS that
  // gets an offer is settled in the same phase, so offers never need resetting.
  const offLen = sc ? sc.u16('offLen', n, INF) : new Uint16Array(n).fill(INF);
  const offC = sc ? sc.i32('offC', n) : new Int32Array(n);
  const { seedKey, seedSite, seedNoExport, seedNode, seedLen } = ann;
  const on = (s: number) => enabled === undefined || enabled[s] === 1;

  // Tie lists ('all' mode only).
  const grow = (tag: string, old: Int32Array, need: number): Int32Array => {
    const a = sc ? sc.i32cap(tag, need) : new Int32Array(Math.max(need, old.length * 2));
    if (a !== old) a.set(old.subarray(0, Math.min(old.length, a.length)));
    return a;
  };
  let tHead: Int32Array = new Int32Array(0);
  let tNext: Int32Array = tied ? grow('tNext', new Int32Array(0), 1024) : new Int32Array(0);
  let tVal: Int32Array = tied ? grow('tVal', new Int32Array(0), 1024) : new Int32Array(0);
  let tCount = 0;
  if (tied) tHead = sc ? sc.i32('tHead', n, -1) : new Int32Array(n).fill(-1);
  const addTie = (v: number, c: number, fresh: boolean) => {
    if (tCount === tVal.length) {
      tNext = grow('tNext', tNext, tCount * 2);
      tVal = grow('tVal', tVal, tCount * 2);
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

  // Offer lists: the ASes offered a route at the level being built (each listed once, on its first offer).
  let list = sc ? sc.i32('listA', n) : new Int32Array(n);
  const listB = sc ? sc.i32('listB', n) : new Int32Array(n);
  let listN = 0;
  /** Offers v a route of length L from candidate c; all pending offers in a phase have the same length. */
  const offer = (v: number, L: number, c: number) => {
    if (cls[v] !== NONE) return;
    if (offLen[v] === INF) {
      offLen[v] = L;
      offC[v] = c;
      list[listN++] = v;
      if (tied) addTie(v, c, true);
    } else {
      if (tied) addTie(v, c, false);
      if (beats(c, offC[v]!)) offC[v] = c;
    }
  };

  /** offer() for every edge of v, inlined for the common case (the hot loop of the engine). */
  const relax = (v: number, L: number, off: Int32Array, edges: Int32Array) => {
    for (let e = off[v]!, end = off[v + 1]!; e < end; e++) {
      const u = edges[e]!;
      if (cls[u] !== NONE) continue;
      if (offLen[u] === INF) {
        offLen[u] = L;
        offC[u] = v;
        list[listN++] = u;
        if (tied) addTie(u, v, true);
      } else {
        if (tied) addTie(u, v, false);
        const d = offC[u]!;
        // Two graph neighbors: indices follow ASNs, so the lower index is the lower ASN.
        if (d >= 0 ? v < d : beats(v, d)) offC[u] = v;
      }
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

  /**
   * Phases 1 and 3: level by level. At level L the seeds of length L are offered, every AS offered a route of
   * length L is settled, and then the ASes settled at L — plus the `sources` of length L (phase 3: the customer
   * and peer routes of phases 1-2) — offer L + 1 along `off/edges` (to providers in phase 1, to customers in 3).
   */
  const levels = (klass: number, seeds: Int32Array, off: Int32Array, edges: Int32Array, sources: Int32Array) => {
    let si = 0;
    let oi = 0;
    let settledFrom = reached;
    listN = 0;
    let L = Math.min(si < seeds.length ? seedLen[seeds[0]!]! : INF, oi < sources.length ? len[sources[0]!]! : INF);
    let nextList = list === listB ? (sc ? sc.i32('listA', n) : new Int32Array(n)) : listB;
    while (L < INF) {
      while (si < seeds.length && seedLen[seeds[si]!] === L) { const k = seeds[si++]!; offer(seedNode[k]!, L, -(k + 1)); }
      settledFrom = reached;
      for (let i = 0; i < listN; i++) settle(list[i]!, klass);
      // Relax at L into a fresh list for L + 1.
      const cur = list;
      list = nextList;
      nextList = cur;
      listN = 0;
      for (let t = settledFrom; t < reached; t++) {
        const v = order[t]!;
        if (noExp[v] === 0) relax(v, L + 1, off, edges);
      }
      while (oi < sources.length && len[sources[oi]!] === L) relax(sources[oi++]!, L + 1, off, edges);
      if (listN > 0) L++;
      else L = Math.min(si < seeds.length ? seedLen[seeds[si]!]! : INF, oi < sources.length ? len[sources[oi]!]! : INF);
    }
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
  levels(CUSTOMER, seedsByLevel(ann, CUSTOMER, on), provOff, prov, new Int32Array(0));

  // Phase 2: one hop across peer links.
  const afterPhase1 = reached;
  listN = 0;
  for (let t = 0; t < afterPhase1; t++) {
    const v = order[t]!;
    if (cls[v] !== CUSTOMER || noExp[v] === 1) continue;
    const L = len[v]! + 1;
    for (let e = peerOff[v]!, end = peerOff[v + 1]!; e < end; e++) {
      // Offers of different lengths: keep the shortest (then the tie-break).
      const u = peer[e]!;
      if (cls[u] !== NONE) continue;
      if (offLen[u] === INF || L < offLen[u]!) {
        if (offLen[u] === INF) list[listN++] = u;
        offLen[u] = L; offC[u] = v;
        if (tied) addTie(u, v, true);
      } else if (L === offLen[u]) {
        if (tied) addTie(u, v, false);
        if (beats(v, offC[u]!)) offC[u] = v;
      }
    }
  }
  const peerSeeds = seedsByLevel(ann, PEER, on);
  for (const k of peerSeeds) {
    const u = seedNode[k]!;
    const L = seedLen[k]!;
    const c = -(k + 1);
    if (cls[u] !== NONE) continue;
    if (offLen[u] === INF || L < offLen[u]!) {
      if (offLen[u] === INF) list[listN++] = u;
      offLen[u] = L; offC[u] = c;
      if (tied) addTie(u, c, true);
    } else if (L === offLen[u]) {
      if (tied) addTie(u, c, false);
      if (beats(c, offC[u]!)) offC[u] = c;
    }
  }
  // Settle in ascending AS order, so that `order` does not depend on the order of the work above.
  list.subarray(0, listN).sort();
  for (let i = 0; i < listN; i++) settle(list[i]!, PEER);
  listN = 0;

  // Phase 3: provider routes, downwards. Sources: every exportable customer or peer route, by length.
  const src: number[] = [];
  for (let t = 0; t < reached; t++) {
    const v = order[t]!;
    const c = cls[v]!;
    if ((c === CUSTOMER || c === PEER) && noExp[v] === 0) src.push(v);
  }
  src.sort((a, b) => len[a]! - len[b]! || a - b);
  levels(PROVIDER, seedsByLevel(ann, PROVIDER, on), custOff, cust, Int32Array.from(src));

  const routes: Routes = { mode, n, siteCount: ann.siteCount, cls, len, next, seed, site, noExport: noExp,
    order, reached, uncertain: 0 };
  if (tied) {
    routes.ties = { head: tHead, next: tNext, val: tVal };
    const d = distributions(routes, ann, originExtra, sc);
    routes.dist = d.dist;
    routes.uncertain = d.uncertain;
  }
  return routes;
}

/** 'all' mode: each AS's site distribution, the mean of its tied candidates' (exported) distributions. An AS with
 *  a single candidate shares that candidate's entries (no copy): most ASes, so memory stays near O(n). */
function distributions(r: Routes, ann: Announcement, originExtra: Array<[number, number]>, sc?: Scratch):
  { dist: SiteDist; uncertain: number } {
  const { n, order, reached, cls, site } = r;
  const { head, next: tn, val } = r.ties!;
  const start = sc ? sc.i32('d.start', n) : new Int32Array(n);
  const count = sc ? sc.i32('d.count', n) : new Int32Array(n);
  // Export distributions that differ from the own one (mixed NO_EXPORT ties): their own start/count.
  const exStart = sc ? sc.i32('d.exStart', n, -1) : new Int32Array(n).fill(-1);
  const exCount = sc ? sc.i32('d.exCount', n) : new Int32Array(n);
  let ps = sc ? sc.i32cap('d.site', Math.max(1024, reached * 2)) : new Int32Array(Math.max(1024, reached * 2));
  let pp = sc ? sc.f64cap('d.prob', ps.length) : new Float64Array(ps.length);
  let cap = Math.min(ps.length, pp.length);
  let used = 0;
  const acc = new Float64Array(r.siteCount);
  const hit = new Int32Array(r.siteCount);
  let nHit = 0;
  const add = (s: number, p: number) => { if (acc[s] === 0) hit[nHit++] = s; acc[s]! += p; };
  /** Writes the accumulated distribution to the pool; returns its start. */
  const flush = (): number => {
    hit.subarray(0, nHit).sort();
    if (used + nHit > cap) {
      const need = Math.max(cap * 2, used + nHit);
      const a = sc ? sc.i32cap('d.site', need) : new Int32Array(need);
      if (a !== ps) { a.set(ps.subarray(0, used)); ps = a; }
      const b = sc ? sc.f64cap('d.prob', need) : new Float64Array(need);
      if (b !== pp) { b.set(pp.subarray(0, used)); pp = b; }
      cap = Math.min(ps.length, pp.length);
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
