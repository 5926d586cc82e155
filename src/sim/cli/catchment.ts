// `anycast sim catchment`: which site each AS reaches, per-site load and latency, path inflation.
import { UsageError } from '../../util/errors.js';
import { className, NONE, ORIGIN } from '../announce.js';
import { forEachSite, perAsGeo, summarize, type CatchmentSummary } from '../catchment.js';
import type { Compiled } from '../compile.js';
import { csv, json, pct, table, type Cell } from '../format.js';
import { indexOfAsn } from '../graph.js';
import type { World } from '../load.js';
import { chosenPath, propagate, type Routes } from '../propagate.js';
import { asName, commonHelp, compile, limitOf, outputKind, parse, tieMode, weights, world, write } from './common.js';

const HELP = `usage: anycast sim catchment [options]
  Per site: ASes, traffic share, mean AS-path length, mean estimated RTT; path inflation vs the nearest site.
  --ases              one row per AS (site or sites with probabilities, path length, RTT, nearest site)
  --as ASN            one AS in detail: its route, AS path and alternatives
  --limit N           the table shows the N largest sites only
${commonHelp}`;

export function header(w: World, c: Compiled, r: Routes, s: CatchmentSummary, weighted: boolean): string {
  const l = [`${c.name}: ${c.sites.length} sites; AS graph ${w.graph.n} ASes (${w.source.graph.split('/').pop()}); ` +
    `tie-break ${r.mode}`];
  l.push(`routed ${s.routed} ASes, no route ${s.unreached}` + (r.mode === 'all' ? `, uncertain (more than one possible site) ${s.uncertain}` : ''));
  l.push(`estimated RTT${weighted ? ' (weighted)' : ''}: mean ${s.latency.meanMs.toFixed(1)} ms, median ${s.latency.medianMs.toFixed(1)} ms, ` +
    `p90 ${s.latency.p90Ms.toFixed(1)} ms`);
  l.push(`path inflation: ${pct(s.inflation.inflatedShare)} of ${weighted ? 'weight' : 'ASes'} not at their geographically nearest site, ` +
    `+${Math.round(s.inflation.meanExtraKmInflated)} km farther on average when not (+${Math.round(s.inflation.meanExtraKm)} km over all)`);
  return l.join('\n');
}

export function siteRows(s: CatchmentSummary, c: Compiled): Cell[][] {
  return s.sites
    .map((x, i) => [x.id, `AS${x.origin}`, x.town, c.sites[i]!.noExport ? 'local' : 'global', x.ases, x.share, x.meanPathLen, x.meanRttMs] as Cell[])
    .sort((a, b) => (b[4] as number) - (a[4] as number) || String(a[0]).localeCompare(String(b[0])));
}

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, { ases: { type: 'boolean', default: false }, as: { type: 'string' }, limit: { type: 'string' } });
  const limit = limitOf(v);
  if (v.help) { write(HELP); return 0; }
  const out = outputKind(v);
  const mode = tieMode(v);
  const w = await world(v);
  const c = compile(v, w);
  const wt = weights(v, w);
  const r = propagate(w.graph, c.ann, mode);
  const geo = perAsGeo(w.graph, w.geo, c, r);
  const s = summarize(w.graph, c, r, geo, wt?.w);
  const g = w.graph;

  if (v.as !== undefined) {
    const asn = Number(String(v.as).replace(/^AS/i, ''));
    const i = indexOfAsn(g, asn);
    if (i < 0) throw new UsageError(`AS${v.as} is not in the AS graph`);
    const path = chosenPath(r, i).map((u) => g.asn[u]!);
    const siteIdx = r.site[i]!;
    const last = chosenPath(r, i).pop();
    const seedK = last !== undefined ? r.seed[last]! : -1;
    const originAsn = siteIdx >= 0 ? c.sites[siteIdx]!.origin : 0;
    const prepends = seedK >= 0 ? c.ann.seedLen[seedK]! - 1 : 0;
    const fullPath = r.cls[i] === ORIGIN ? [asn] : [...path, ...Array(prepends + 1).fill(originAsn)];
    const dist: Array<{ site: string; p: number }> = [];
    forEachSite(r, i, (x, p) => dist.push({ site: c.sites[x]!.id, p }));
    const detail = {
      asn, name: asName(w, asn), country: w.geo.cc[i], route: className[r.cls[i]!], site: siteIdx >= 0 ? c.sites[siteIdx]!.id : null,
      sites: dist, pathLength: r.len[i], asPath: r.cls[i] === NONE ? [] : fullPath,
      rttMs: geo.rtt[i], pathKm: geo.km[i], nearestSite: geo.nearest[i]! >= 0 ? c.sites[geo.nearest[i]!]!.id : null,
      nearestKm: geo.nearestKm[i], siteKm: geo.directKm[i],
    };
    if (out === 'json') write(json(detail));
    else {
      write([`AS${asn} ${detail.name} (${detail.country || 'country unknown'})`,
        `  route      ${detail.route}${detail.site ? ` to site ${detail.site}` : ''}`,
        `  AS path    ${detail.asPath.join(' ') || '-'}  (length ${detail.pathLength})`,
        ...(mode === 'all' ? [`  sites      ${dist.map((d) => `${d.site} ${pct(d.p)}`).join(', ')}`] : []),
        `  est. RTT   ${Number.isNaN(detail.rttMs) ? '-' : detail.rttMs.toFixed(1) + ' ms'} (path ${Math.round(detail.pathKm)} km)`,
        `  nearest    ${detail.nearestSite ?? '-'} at ${Math.round(detail.nearestKm)} km (catchment site at ${Math.round(detail.siteKm)} km)`].join('\n'));
    }
    return 0;
  }

  if (v.ases) {
    const rows: Cell[][] = [];
    for (let i = 0; i < g.n; i++) {
      const parts: string[] = [];
      forEachSite(r, i, (x, p) => parts.push(mode === 'all' ? `${c.sites[x]!.id}:${p.toFixed(3)}` : c.sites[x]!.id));
      rows.push([g.asn[i]!, asName(w, g.asn[i]!), w.geo.cc[i]!, parts.join(' ') || null, className[r.cls[i]!],
        r.cls[i] === NONE ? null : r.len[i]!, geo.rtt[i]!, geo.nearest[i]! >= 0 ? c.sites[geo.nearest[i]!]!.id : null]);
    }
    const head = ['asn', 'name', 'cc', mode === 'all' ? 'sites' : 'site', 'route', 'path_len', 'rtt_ms', 'nearest_site'];
    if (out === 'csv') write(csv(head, rows));
    else if (out === 'json') write(json({ deployment: c.name, mode, ases: rows.map((x) => Object.fromEntries(head.map((h, k) => [h, x[k]]))) }));
    else write(table(head.map((t) => ({ title: t })), rows));
    return 0;
  }

  const rows = siteRows(s, c);
  if (out === 'json') {
    write(json({ deployment: c.name, file: c.file, mode, graph: { ases: g.n, file: w.source.graph },
      weights: wt ? { listed: wt.listed, notInGraph: wt.missing, weightNotInGraph: wt.missingWeight } : null, ...s }));
  } else if (out === 'csv') {
    write(csv(['site', 'origin', 'town', 'scope', 'ases', 'share', 'mean_path_len', 'mean_rtt_ms'], rows));
  } else {
    write(header(w, c, r, s, wt !== undefined) + '\n');
    write(table([{ title: 'site' }, { title: 'origin' }, { title: 'town' }, { title: 'scope' }, { title: 'ASes', digits: mode === 'all' ? 1 : 0 },
      { title: 'share', align: 'right' }, { title: 'path-len', digits: 2 }, { title: 'RTT-ms', digits: 1 }],
    rows.slice(0, limit).map((x) => [x[0], x[1], x[2], x[3], x[4], pct(x[5] as number), x[6], x[7]])));
    if (rows.length > limit) write(`… ${rows.length - limit} more sites (--limit)`);
    if (wt && wt.missing > 0) write(`note: ${wt.missing} ASes of the weight file are not in the graph (weight ${wt.missingWeight} not counted)`);
  }
  return 0;
}
