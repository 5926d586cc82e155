// A DNS root letter as a ready deployment, from root-servers.org site data (data/root-servers/root_X.json).
// The data says where each site is (town, country, coordinates) and whether it is Global or Local, but not which
// network hosts it, so each site is placed in a host AS by this heuristic (reproducible: `anycast sim root X`):
//   1. the candidates are the ASes of the AS graph registered in the site's country (asn-names), ranked by
//      number of customers, then degree, then lowest ASN — the best-connected transit ASes of the country;
//      a country with no AS in the graph borrows the candidates of the nearest country (centroid distance) that
//      has some;
//   2. the sites of one country, taken in the order (town, site ID), go to the country's candidates in rank
//      order, one site per AS while there are ASes (then round-robin): sites sharing a host AS would hide all but
//      one of them, since one AS is one point in the model;
//   3. every site is originated by the letter's operator ASN and announced to its host only, the host being its
//      provider (so a Global site reaches the whole internet through the host); a Local site carries NO_EXPORT,
//      so only the host uses it;
//   4. decommissioned sites are left out.
// Pure: the JSON, the graph and the AS/country data in; a Deployment out.
import { ConfigError } from '../util/errors.js';
import type { AsInfo, Centroid } from './asinfo.js';
import type { Deployment, SiteSpec } from './deployment.js';
import { greatCircleKm } from './geo.js';
import { customerCount, degree, indexOfAsn, type AsGraph } from './graph.js';

interface RootSite {
  Country?: string;
  Town?: string;
  ID?: string;
  Latitude?: number;
  Longitude?: number;
  Type?: string;
  Status?: string;
}

export function rootDeployment(json: unknown, letter: string, file: string, g: AsGraph, info: AsInfo,
  centroids: Map<string, Centroid>): Deployment {
  const j = json as { ASN?: number; Operator?: string; Sites?: RootSite[] };
  if (typeof j !== 'object' || j === null || !Array.isArray(j.Sites) || typeof j.ASN !== 'number') {
    throw new ConfigError(file, '', 'not a root-server site file (needs ASN and Sites)');
  }
  // Candidates per country.
  const byCountry = new Map<string, number[]>();
  for (let i = 0; i < g.n; i++) {
    const cc = info.country.get(g.asn[i]!);
    if (cc === undefined) continue;
    (byCountry.get(cc) ?? byCountry.set(cc, []).get(cc)!).push(i);
  }
  const rank = (list: number[]) => list.sort((a, b) =>
    customerCount(g, b) - customerCount(g, a) || degree(g, b) - degree(g, a) || g.asn[a]! - g.asn[b]!);
  const ranked = new Map<string, number[]>();
  const candidatesFor = (cc: string): number[] => {
    let r = ranked.get(cc);
    if (r !== undefined) return r;
    const own = byCountry.get(cc);
    if (own !== undefined && own.length > 0) r = rank([...own]);
    else {
      const here = centroids.get(cc);
      let best = '';
      let bd = Infinity;
      if (here !== undefined) {
        for (const [other, p] of centroids) {
          if (!(byCountry.get(other)?.length)) continue;
          const d = greatCircleKm(here.lat, here.lon, p.lat, p.lon);
          if (d < bd) { bd = d; best = other; }
        }
      }
      r = best === '' ? [] : candidatesFor(best);
    }
    ranked.set(cc, r);
    return r;
  };
  const sites = j.Sites
    .filter((s) => s.Status !== 'decommissioned')
    .map((s, k) => ({ s, k }))
    .sort((a, b) => (a.s.Country ?? '').localeCompare(b.s.Country ?? '') ||
      (a.s.Town ?? '').localeCompare(b.s.Town ?? '') || (a.s.ID ?? '').localeCompare(b.s.ID ?? '', 'en', { numeric: true }) ||
      a.k - b.k);
  const used = new Map<string, number>();
  const ids = new Set<string>();
  const out: SiteSpec[] = [];
  const operator = j.ASN;
  for (const { s } of sites) {
    const cc = (s.Country ?? '').toUpperCase();
    const cand = candidatesFor(cc);
    if (cand.length === 0) continue;
    const k = used.get(cc) ?? 0;
    used.set(cc, k + 1);
    let host = cand[k % cand.length]!;
    if (g.asn[host] === operator) host = cand[(k + 1) % cand.length]!;
    if (g.asn[host] === operator) continue;
    const slug = `${cc.toLowerCase()}-${(s.Town ?? 'site').toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
    let id = slug;
    for (let d = 2; ids.has(id); d++) id = `${slug}-${d}`;
    ids.add(id);
    const site: SiteSpec = {
      id, origin: operator, town: s.Town ?? '', prepend: 0, noExport: s.Type === 'Local',
      neighbors: [{ asn: g.asn[host]!, relationship: 'provider' }],
    };
    if (/^[A-Z]{2}$/.test(cc)) site.country = cc;
    if (typeof s.Latitude === 'number' && typeof s.Longitude === 'number') {
      site.location = { lat: Math.round(s.Latitude * 1e4) / 1e4, lon: Math.round(s.Longitude * 1e4) / 1e4 };
    }
    out.push(site);
  }
  if (indexOfAsn(g, operator) < 0 && out.length === 0) throw new ConfigError(file, 'Sites', 'no site could be placed');
  return {
    name: `${letter.toUpperCase()}-root`,
    description: `${j.Operator ?? ''} ${letter.toUpperCase()}-root, ${out.length} sites from root-servers.org, ` +
      `placed in host ASes by the documented heuristic (anycast sim root ${letter.toLowerCase()})`.trim(),
    operatorAsn: operator, sites: out, file,
  };
}
