// `lab run catchment`: which site each client reaches, for each family. Every client asks `hostname.bind CH
// TXT` (RFC 4892) on the anycast address and fetches the HTTP "which site am I" page; the lab reads the
// forwarding path the packets took from the FIBs, both ways (client → site, site → client), and reports per
// client: the site that answered, the AS path and router hops crossed, modeled latency (sum of link delays over
// both paths: the round trip), measured RTT, the site the topology predicts (Gao-Rexford preference, then AS-path
// length; several when paths tie), and the geographically nearest site (routing is not geography).

import { expectedCatchment } from '../predict.js';
import { distanceKm, nearest } from '../geo.js';
import { km, ms, table } from '../format.js';
import type { LabRuntime } from '../runtime/types.js';
import { asPathOf, clientAddress, clients as clientNames, header, routerHops, serviceTargets, siteOf, type FamilyName, type ResultHeader } from './common.js';

export interface CatchmentRow {
  client: string;
  city: string | null;
  asn: number;
  family: FamilyName;
  target: string;
  /** Site that answered the DNS query (hostname.bind), null if none did. */
  site: string | null;
  /** Site that served the HTTP probe (null if not probed or failed). */
  httpSite: string | null;
  /** Where the forwarding path ends (a site, normally the one that answered). */
  pathSite: string | null;
  path: string[];
  returnPath: string[];
  asPath: number[];
  routerHops: number;
  /** Sum of link delays client → site and site → client. */
  modeledRttMs: number | null;
  measuredRttMs: number | null;
  /** Sites the topology predicts (more than one when paths tie). */
  expected: string[];
  matchesPrediction: boolean;
  nearest: string | null;
  nearestKm: number | null;
  siteKm: number | null;
  /** The DNS answer, the HTTP answer and the forwarding path agree. */
  consistent: boolean;
  error?: string;
}

export interface CatchmentResult extends ResultHeader {
  announcing: string[];
  rows: CatchmentRow[];
  /** Clients per site and family. */
  bySite: Record<string, { ipv4: number; ipv6: number }>;
  summary: { probes: number; answered: number; matchPrediction: number; nearest: number; inconsistent: number };
  /** IPv4 catchment by client AS, in the simulator's measured-catchment format ({"ASN": ["site", …]}). */
  byAs: Record<string, string[]>;
}

export interface CatchmentOptions {
  families?: FamilyName[];
  http?: boolean;
  clients?: string[];
}

export async function runCatchment(rt: LabRuntime, o: CatchmentOptions = {}): Promise<CatchmentResult> {
  const m = rt.model;
  const fams = o.families ?? ['ipv4', 'ipv6'];
  const targets = serviceTargets(m, fams);
  const who = o.clients ?? clientNames(m);
  const http = o.http ?? true;
  const run = await rt.probe(who, { kind: 'once', targets, http, timeoutMs: 1000, attempts: 3 });
  const lines = await run.done();
  const announcing = rt.announcing();
  const fwd = await rt.paths(who.flatMap((c) => targets.map((t) => ({ from: c, src: clientAddress(m, c, t.family), dst: t.address }))));
  const back = await rt.paths(fwd.map((p) => p.reached && siteOf(m, p.reached)
    ? { from: p.reached, src: p.query.dst, dst: p.query.src } : { from: p.query.from, src: p.query.src, dst: p.query.src }));
  const expectations = new Map<string, ReturnType<typeof expectedCatchment>>();
  for (const t of targets) {
    const s = m.topology.sites.find((x) => (t.family === 'ipv4' ? x.service.ipv4 : x.service.ipv6) === t.address)!;
    const prefix = t.family === 'ipv4' ? s.prefixes.ipv4 : s.prefixes.ipv6;
    expectations.set(t.address, expectedCatchment(rt.routingModel(), prefix, announcing));
  }
  const rows: CatchmentRow[] = [];
  const sites = m.topology.sites.filter((s) => announcing.includes(s.name));
  for (const c of who) {
    const cdef = m.topology.clients.find((x) => x.name === c)!;
    const node = m.nodes.find((n) => n.name === c)!;
    const ls = lines.get(c) ?? [];
    targets.forEach((t, i) => {
      const once = ls.find((l) => l.k === 'once' && l.i === i);
      const dns = once?.k === 'once' ? once.dns : undefined;
      const httpRes = once?.k === 'once' ? once.http : undefined;
      const f = fwd.find((p) => p.query.from === c && p.query.dst === t.address)!;
      const b = back[fwd.indexOf(f)]!;
      const pathSite = siteOf(m, f.reached);
      const site = dns?.site ?? null;
      const exp = expectations.get(t.address)!.find((e) => e.client === c)!;
      const near = nearest(cdef.coords, sites);
      const sdef = m.topology.sites.find((s) => s.name === site);
      const row: CatchmentRow = {
        client: c, city: cdef.city ?? null, asn: node.asn!, family: t.family, target: t.address,
        site, httpSite: httpRes?.site ?? null, pathSite, path: f.hops, returnPath: pathSite ? b.hops : [],
        asPath: asPathOf(m, f.hops), routerHops: routerHops(m, f.hops),
        modeledRttMs: pathSite && b.reached === c ? Math.round((f.delayMs + b.delayMs) * 100) / 100 : null,
        measuredRttMs: dns?.rttMs ?? null,
        expected: exp.sites, matchesPrediction: site !== null && exp.sites.includes(site),
        nearest: near?.item.name ?? null, nearestKm: near ? Math.round(near.km) : null,
        siteKm: sdef?.coords && cdef.coords ? Math.round(distanceKm(cdef.coords, sdef.coords)) : null,
        consistent: site !== null && site === pathSite && (!http || httpRes?.site === site),
      };
      const err = [dns?.error && `dns: ${dns.error}`, http && httpRes?.error && `http: ${httpRes.error}`, f.error && `path: ${f.error}`].filter(Boolean).join('; ');
      if (err) row.error = err;
      rows.push(row);
    });
  }
  const bySite: CatchmentResult['bySite'] = {};
  for (const r of rows) {
    if (!r.site) continue;
    bySite[r.site] ??= { ipv4: 0, ipv6: 0 };
    bySite[r.site]![r.family]++;
  }
  const byAs: Record<string, string[]> = {};
  for (const r of rows) {
    if (r.family !== 'ipv4' || !r.site) continue;
    const k = String(r.asn);
    byAs[k] = [...new Set([...(byAs[k] ?? []), r.site])].sort();
  }
  return {
    ...header(rt, 'catchment'), announcing, rows, bySite, byAs,
    summary: {
      probes: rows.length, answered: rows.filter((r) => r.site).length, matchPrediction: rows.filter((r) => r.matchesPrediction).length,
      nearest: rows.filter((r) => r.site && r.site === r.nearest).length, inconsistent: rows.filter((r) => r.site && !r.consistent).length,
    },
  };
}

export function formatCatchment(r: CatchmentResult): string {
  const out: string[] = [];
  for (const fam of ['ipv4', 'ipv6'] as const) {
    const rows = r.rows.filter((x) => x.family === fam);
    if (rows.length === 0) continue;
    out.push(`${fam === 'ipv4' ? 'IPv4' : 'IPv6'} ${rows[0]!.target}`);
    out.push(table(
      ['client', 'site', 'expected', 'AS path', 'hops', 'modeled RTT', r.runtime === 'inproc' ? 'probe RTT (modeled)' : 'measured RTT', 'nearest site', 'note'],
      rows.map((x) => [
        x.client, x.site ?? 'NO ANSWER', x.expected.join('|') || '(none)', x.asPath.join(' '), x.routerHops,
        ms(x.modeledRttMs), ms(x.measuredRttMs),
        x.nearest ? `${x.nearest}${x.nearest === x.site || !x.site ? '' : ` (${km(x.nearestKm)} vs ${km(x.siteKm)})`}` : '-',
        [!x.matchesPrediction && x.site ? 'not predicted' : '', x.site && !x.consistent ? `inconsistent: path→${x.pathSite ?? 'none'}, http→${x.httpSite ?? 'none'}` : '', x.error ?? ''].filter(Boolean).join('; '),
      ]),
      ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'l', 'l'],
    ));
    out.push('');
  }
  const s = r.summary;
  out.push(`${s.answered}/${s.probes} probes answered; ${s.matchPrediction} at the predicted site; ${s.nearest} at the geographically nearest site; ${s.inconsistent} inconsistent.`);
  out.push(`Clients per site: ${Object.entries(r.bySite).sort().map(([k, v]) => `${k} ${v.ipv4}/${v.ipv6}`).join(', ')} (IPv4/IPv6).`);
  return out.join('\n');
}
