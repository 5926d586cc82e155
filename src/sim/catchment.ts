// Catchment analysis of one propagation result: per AS its site (or distribution), AS-path length and estimated
// latency; per site the ASes and traffic weight it draws; path inflation against the geographically nearest
// site. Pure: takes the graph, per-AS coordinates, the compiled deployment and the routes.
import { NONE, ORIGIN } from './announce.js';
import type { AsGeo } from './asinfo.js';
import type { Compiled } from './compile.js';
import { greatCircleKm, rttMs } from './geo.js';
import type { AsGraph } from './graph.js';
import type { Routes } from './propagate.js';
import type { Scratch } from './scratch.js';

export interface PerAs {
  /** Path distance (km) along the chosen route to the site; NaN when the AS's location is unknown. */
  km: Float64Array;
  /** Estimated RTT (ms); NaN when unknown or unrouted. */
  rtt: Float64Array;
  /** Distance to the catchment site as the crow flies, and to the nearest usable site (km; NaN unknown). */
  directKm: Float64Array;
  nearestKm: Float64Array;
  nearest: Int32Array;
  /** The AS coordinates these were computed from. */
  geo: AsGeo;
}

export interface SiteSummary {
  id: string;
  origin: number;
  town: string;
  country: string;
  ases: number;
  weight: number;
  share: number;
  meanPathLen: number;
  meanRttMs: number;
}

export interface CatchmentSummary {
  ases: number;
  routed: number;
  unreached: number;
  uncertain: number;
  totalWeight: number;
  sites: SiteSummary[];
  latency: { meanMs: number; medianMs: number; p90Ms: number; known: number };
  inflation: { considered: number; inflatedShare: number; meanExtraKm: number; meanExtraKmInflated: number };
}

/** Per-AS distances and latency (chosen / lowest-ASN route in both modes). */
export function perAsGeo(g: AsGraph, geo: AsGeo, c: Compiled, r: Routes, enabled?: Uint8Array): PerAs {
  const n = g.n;
  const effLat = new Float64Array(n).fill(NaN);
  const effLon = new Float64Array(n).fill(NaN);
  const km = new Float64Array(n).fill(NaN);
  const rtt = new Float64Array(n).fill(NaN);
  const directKm = new Float64Array(n).fill(NaN);
  const nearestKm = new Float64Array(n).fill(NaN);
  const nearest = new Int32Array(n).fill(-1);
  const sites = c.sites;
  for (let t = 0; t < r.reached; t++) {
    const v = r.order[t]!;
    const s = r.site[v]!;
    const site = sites[s]!;
    let dLat: number;
    let dLon: number;
    let dKm: number;
    if (r.cls[v] === ORIGIN || r.seed[v]! >= 0) {
      dLat = site.lat; dLon = site.lon; dKm = 0;
    } else {
      const u = r.next[v]!;
      dLat = effLat[u]!; dLon = effLon[u]!; dKm = km[u]!;
    }
    const hasOwn = !Number.isNaN(geo.lat[v]!);
    if (r.cls[v] === ORIGIN) { effLat[v] = site.lat; effLon[v] = site.lon; km[v] = 0; }
    else if (hasOwn) {
      effLat[v] = geo.lat[v]!; effLon[v] = geo.lon[v]!;
      km[v] = Number.isNaN(dLat) ? NaN : greatCircleKm(geo.lat[v]!, geo.lon[v]!, dLat, dLon) + dKm;
    } else { effLat[v] = dLat; effLon[v] = dLon; km[v] = dKm; }
  }
  // Nearest usable site: global sites for everyone, a NO_EXPORT site only for the ASes that hear it directly.
  const globals: number[] = [];
  for (const s of sites) if (!s.noExport && (enabled === undefined || enabled[s.index] === 1) && !Number.isNaN(s.lat)) globals.push(s.index);
  const localFor = new Map<number, number[]>();
  for (let k = 0; k < c.ann.seedCount; k++) {
    const s = c.ann.seedSite[k]!;
    if (!sites[s]!.noExport || (enabled !== undefined && enabled[s] !== 1) || Number.isNaN(sites[s]!.lat)) continue;
    const v = c.ann.seedNode[k]!;
    (localFor.get(v) ?? localFor.set(v, []).get(v)!).push(s);
  }
  const cache = new Map<string, [number, number]>();
  for (let v = 0; v < n; v++) {
    const la = geo.lat[v]!;
    const lo = geo.lon[v]!;
    if (r.cls[v] !== NONE) {
      const s = sites[r.site[v]!]!;
      if (r.cls[v] === ORIGIN) { km[v] = 0; rtt[v] = 0; }
      else if (!Number.isNaN(km[v]!) && hasLoc(la)) rtt[v] = rttMs(km[v]!, r.len[v]!);
      if (r.cls[v] === ORIGIN) directKm[v] = 0;
      else if (hasLoc(la) && !Number.isNaN(s.lat)) directKm[v] = greatCircleKm(la, lo, s.lat, s.lon);
    }
    if (!hasLoc(la)) continue;
    const key = `${la},${lo}`;
    let best = cache.get(key);
    if (best === undefined) {
      best = [-1, Infinity];
      for (const i of globals) {
        const d = greatCircleKm(la, lo, sites[i]!.lat, sites[i]!.lon);
        if (d < best[1] - 1e-9) best = [i, d];
      }
      cache.set(key, best);
    }
    let [bi, bd] = best;
    for (const i of localFor.get(v) ?? []) {
      const d = greatCircleKm(la, lo, sites[i]!.lat, sites[i]!.lon);
      if (d < bd - 1e-9) { bi = i; bd = d; }
    }
    if (bi >= 0) { nearest[v] = bi; nearestKm[v] = bd; }
  }
  return { km, rtt, directKm, nearestKm, nearest, geo };
}

function hasLoc(x: number): boolean {
  return !Number.isNaN(x);
}

/** Objective for optimize/add-site: weighted mean estimated RTT over ASes with a known location; an AS with no
 *  route at all counts as NO_ROUTE_MS, so that reach matters. Also the per-site weights (fractional in 'all' mode). */
export const NO_ROUTE_MS = 1000;
export interface Evaluation {
  /** The objective: weighted mean RTT, an AS without a route counting NO_ROUTE_MS. */
  objectiveMs: number;
  /** Weighted mean RTT over the ASes with a route (as `sim catchment` reports it). */
  meanRttMs: number;
  unreached: number;
  siteWeight: Float64Array;
  siteAses: Float64Array;
}
export function evaluate(g: AsGraph, geo: AsGeo, c: Compiled, r: Routes, weight?: Float64Array, scratch?: Scratch): Evaluation {
  const p = perAsRtt(g, geo, c, r, scratch);
  let sum = 0;
  let wsum = 0;
  let rsum = 0;
  let rw = 0;
  let unreached = 0;
  const siteWeight = new Float64Array(c.sites.length);
  const siteAses = new Float64Array(c.sites.length);
  for (let v = 0; v < g.n; v++) {
    const w = weight === undefined ? 1 : weight[v]!;
    if (r.cls[v] === NONE) {
      unreached++;
      if (!Number.isNaN(geo.lat[v]!)) { sum += w * NO_ROUTE_MS; wsum += w; }
      continue;
    }
    forEachSite(r, v, (s, q) => { siteWeight[s]! += q * w; siteAses[s]! += q; });
    if (!Number.isNaN(p[v]!)) { sum += w * p[v]!; wsum += w; rsum += w * p[v]!; rw += w; }
  }
  return { objectiveMs: wsum > 0 ? sum / wsum : NaN, meanRttMs: rw > 0 ? rsum / rw : NaN, unreached, siteWeight, siteAses };
}

/** Distinct locations (AS country centroids and sites) and the distances between them, so that the per-AS RTT
 *  pass is table look-ups rather than trigonometry. Location -1 is unknown. */
export interface LocationIndex { asLoc: Int32Array; siteLoc: Int32Array; count: number; km: Float64Array }

const locCache = new WeakMap<Compiled, WeakMap<AsGeo, LocationIndex>>();

export function locationIndex(geo: AsGeo, c: Compiled): LocationIndex {
  let byGeo = locCache.get(c);
  const hit = byGeo?.get(geo);
  if (hit !== undefined) return hit;
  const ids = new Map<string, number>();
  const lats: number[] = [];
  const lons: number[] = [];
  const id = (la: number, lo: number) => {
    if (Number.isNaN(la)) return -1;
    const k = `${la},${lo}`;
    let i = ids.get(k);
    if (i === undefined) { i = lats.length; ids.set(k, i); lats.push(la); lons.push(lo); }
    return i;
  };
  const asLoc = new Int32Array(geo.lat.length);
  for (let v = 0; v < geo.lat.length; v++) asLoc[v] = id(geo.lat[v]!, geo.lon[v]!);
  const siteLoc = new Int32Array(c.sites.length);
  c.sites.forEach((s, i) => { siteLoc[i] = id(s.lat, s.lon); });
  const L = lats.length;
  const km = new Float64Array(L * L);
  for (let a = 0; a < L; a++) for (let b = a + 1; b < L; b++) {
    const d = greatCircleKm(lats[a]!, lons[a]!, lats[b]!, lons[b]!);
    km[a * L + b] = d;
    km[b * L + a] = d;
  }
  const out = { asLoc, siteLoc, count: L, km };
  if (byGeo === undefined) { byGeo = new WeakMap(); locCache.set(c, byGeo); }
  byGeo.set(geo, out);
  return out;
}

/** Estimated RTT per AS (NaN unknown), without the nearest-site work of perAsGeo. Same model as perAsGeo. */
export function perAsRtt(g: AsGraph, geo: AsGeo, c: Compiled, r: Routes, scratch?: Scratch): Float64Array {
  const n = g.n;
  const { asLoc, siteLoc, count: L, km: table } = locationIndex(geo, c);
  const eff = scratch ? scratch.i32('rtt.eff', n) : new Int32Array(n);
  const km = scratch ? scratch.f64('rtt.km', n) : new Float64Array(n);
  const rtt = scratch ? scratch.f64('rtt.rtt', n, NaN) : new Float64Array(n).fill(NaN);
  const { order, site, cls, seed, next, len } = r;
  for (let t = 0; t < r.reached; t++) {
    const v = order[t]!;
    const sl = siteLoc[site[v]!]!;
    if (cls[v] === ORIGIN) { eff[v] = sl; km[v] = sl < 0 ? NaN : 0; rtt[v] = 0; continue; }
    let d: number; let dKm: number;
    if (seed[v]! >= 0) { d = sl; dKm = 0; } else { const u = next[v]!; d = eff[u]!; dKm = km[u]!; }
    const own = asLoc[v]!;
    if (own < 0) { eff[v] = d; km[v] = dKm; continue; }
    eff[v] = own;
    const k = d < 0 ? NaN : table[own * L + d]! + dKm;
    km[v] = k;
    if (!Number.isNaN(k)) rtt[v] = rttMs(k, len[v]!);
  }
  return rtt;
}

/** Visits the catchment of v: (site, probability). One call per site for 'all' mode, one for 'lowest-asn'. */
export function forEachSite(r: Routes, v: number, f: (site: number, p: number) => void): void {
  if (r.cls[v] === NONE) return;
  if (r.dist === undefined) { f(r.site[v]!, 1); return; }
  const { start, count, site, prob } = r.dist;
  for (let e = start[v]!, end = e + count[v]!; e < end; e++) f(site[e]!, prob[e]!);
}

function weightedQuantile(values: number[], weights: number[], q: number): number {
  if (values.length === 0) return NaN;
  const idx = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (const i of idx) {
    acc += weights[i]!;
    if (acc >= q * total - 1e-9) return values[i]!;
  }
  return values[idx[idx.length - 1]!]!;
}

export function summarize(g: AsGraph, c: Compiled, r: Routes, geoAs: PerAs, weight?: Float64Array): CatchmentSummary {
  const nS = c.sites.length;
  const ases = new Float64Array(nS);
  const wsum = new Float64Array(nS);
  const lenSum = new Float64Array(nS);
  const rttSum = new Float64Array(nS);
  const rttW = new Float64Array(nS);
  let routed = 0;
  let totalWeight = 0;
  const lat: number[] = [];
  const latW: number[] = [];
  let considered = 0;
  let inflatedW = 0;
  let extraW = 0;
  let consideredW = 0;
  for (let v = 0; v < g.n; v++) {
    const w = weight === undefined ? 1 : weight[v]!;
    if (r.cls[v] === NONE) continue;
    routed++;
    totalWeight += w;
    const rt = geoAs.rtt[v]!;
    forEachSite(r, v, (s, p) => {
      ases[s]! += p;
      wsum[s]! += p * w;
      lenSum[s]! += p * w * r.len[v]!;
      if (!Number.isNaN(rt)) { rttSum[s]! += p * w * rt; rttW[s]! += p * w; }
    });
    if (!Number.isNaN(rt) && w > 0) { lat.push(rt); latW.push(w); }
    // Inflation: the share of the catchment that is not the nearest usable site, and by how much farther.
    const nk = geoAs.nearestKm[v]!;
    if (Number.isNaN(nk) || w === 0) continue;
    let infl = 0;
    let extra = 0;
    let ok = true;
    forEachSite(r, v, (s, p) => {
      const site = c.sites[s]!;
      if (Number.isNaN(site.lat)) { ok = false; return; }
      const dd = r.cls[v] === ORIGIN ? 0 : s === r.site[v] ? geoAs.directKm[v]!
        : greatCircleKm(geoAs.geo.lat[v]!, geoAs.geo.lon[v]!, site.lat, site.lon);
      if (dd > nk + 1) { infl += p; extra += p * (dd - nk); }
    });
    if (!ok) continue;
    considered++;
    consideredW += w;
    inflatedW += infl * w;
    extraW += extra * w;
  }
  const sites: SiteSummary[] = c.sites.map((s, i) => ({
    id: s.id, origin: s.origin, town: s.town, country: s.country,
    ases: ases[i]!, weight: wsum[i]!, share: totalWeight > 0 ? wsum[i]! / totalWeight : 0,
    meanPathLen: wsum[i]! > 0 ? lenSum[i]! / wsum[i]! : NaN,
    meanRttMs: rttW[i]! > 0 ? rttSum[i]! / rttW[i]! : NaN,
  }));
  const meanMs = latW.length ? lat.reduce((a, x, i) => a + x * latW[i]!, 0) / latW.reduce((a, b) => a + b, 0) : NaN;
  return {
    ases: g.n, routed, unreached: g.n - routed, uncertain: r.uncertain, totalWeight, sites,
    latency: { meanMs, medianMs: weightedQuantile(lat, latW, 0.5), p90Ms: weightedQuantile(lat, latW, 0.9), known: lat.length },
    inflation: {
      considered,
      inflatedShare: consideredW > 0 ? inflatedW / consideredW : 0,
      meanExtraKm: consideredW > 0 ? extraW / consideredW : 0,
      meanExtraKmInflated: inflatedW > 0 ? extraW / inflatedW : 0,
    },
  };
}

