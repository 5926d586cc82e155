// Agreement between a predicted catchment and a measured one (e.g. from RIPE Atlas or Verfploeter), given as
// JSON {"ASN": ["site", …]}: the share of ASes whose measured site is the predicted one or in the predicted set,
// the probability the 'all' mode gave to what was measured, and per measured site how well it was predicted.
// Pure: parsed measurement and routes in.
import { ConfigError } from '../util/errors.js';
import { forEachSite } from './catchment.js';
import type { Compiled } from './compile.js';
import { indexOfAsn, type AsGraph } from './graph.js';
import type { Routes } from './propagate.js';

export type Measured = Map<number, string[]>;

export function parseMeasured(text: string, file: string): Measured {
  let obj: unknown;
  try { obj = JSON.parse(text); } catch (e) { throw new ConfigError(file, '', `invalid JSON: ${(e as Error).message}`); }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new ConfigError(file, '', 'must be an object {"ASN": ["site", …]}');
  const out: Measured = new Map();
  for (const [k, v] of Object.entries(obj)) {
    const asn = Number(k.replace(/^AS/i, ''));
    if (!Number.isInteger(asn) || asn < 0 || asn > 4294967295) throw new ConfigError(file, k, 'key must be an AS number');
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string')) {
      throw new ConfigError(file, k, 'must be a site name or a non-empty list of site names');
    }
    out.set(asn, list as string[]);
  }
  return out;
}

export interface Agreement {
  measured: number;
  notInGraph: number;
  unknownSite: number;
  noRoute: number;
  compared: number;
  /** Measured site is the predicted one (or in the predicted set). */
  agree: number;
  agreeShare: number;
  /** 'lowest-asn': the same as agree; 'all': the predicted set is exactly one site and it was measured. */
  exact: number;
  /** Mean probability the prediction gave to the measured site(s). */
  meanProbability: number;
  perSite: Array<{ site: string; measured: number; agree: number; predictedElsewhere: Record<string, number> }>;
  /** Example disagreements (ASN, measured, predicted) for a look at the paths. */
  examples: Array<{ asn: number; measured: string[]; predicted: string[] }>;
}

export function compare(g: AsGraph, c: Compiled, r: Routes, m: Measured): Agreement {
  const a: Agreement = { measured: m.size, notInGraph: 0, unknownSite: 0, noRoute: 0, compared: 0, agree: 0, agreeShare: 0,
    exact: 0, meanProbability: 0, perSite: [], examples: [] };
  const per = new Map<string, { measured: number; agree: number; elsewhere: Map<string, number> }>();
  let probSum = 0;
  for (const [asn, sites] of [...m].sort((x, y) => x[0] - y[0])) {
    const i = indexOfAsn(g, asn);
    if (i < 0) { a.notInGraph++; continue; }
    const known = sites.filter((s) => c.siteIndex.has(s));
    if (known.length === 0) { a.unknownSite++; continue; }
    const pred = new Map<string, number>();
    forEachSite(r, i, (s, p) => pred.set(c.sites[s]!.id, p));
    if (pred.size === 0) { a.noRoute++; continue; }
    a.compared++;
    const ok = known.some((s) => pred.has(s));
    if (ok) a.agree++;
    if (ok && pred.size === 1) a.exact++;
    probSum += Math.min(1, known.reduce((x, s) => x + (pred.get(s) ?? 0), 0));
    for (const s of known) {
      const e = per.get(s) ?? per.set(s, { measured: 0, agree: 0, elsewhere: new Map() }).get(s)!;
      e.measured++;
      if (pred.has(s)) e.agree++;
      else for (const p of pred.keys()) e.elsewhere.set(p, (e.elsewhere.get(p) ?? 0) + 1);
    }
    if (!ok && a.examples.length < 20) a.examples.push({ asn, measured: known, predicted: [...pred.keys()] });
  }
  a.agreeShare = a.compared > 0 ? a.agree / a.compared : 0;
  a.meanProbability = a.compared > 0 ? probSum / a.compared : 0;
  a.perSite = [...per].map(([site, e]) => ({ site, measured: e.measured, agree: e.agree,
    predictedElsewhere: Object.fromEntries([...e.elsewhere].sort((x, y) => y[1] - x[1]).slice(0, 5)) }))
    .sort((x, y) => y.measured - x.measured || x.site.localeCompare(y.site));
  return a;
}
