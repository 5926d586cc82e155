// A DNS root letter as a ready deployment, from root-servers.org site data (data/root-servers/root_X.json).
// The data says where each site is (town, country, coordinates) and whether it is Global or Local, but not which
// network hosts it, so each site is placed in a host AS by this heuristic (reproducible: `anycast sim root X`):
//   1. a Global site goes to a best-connected transit AS of its country: the ASes of the AS graph registered
//      there (asn-names), ranked by number of customers, then degree, then lowest ASN;
//   2. a Local site goes to a network that serves only itself: the country's ASes without customers, ranked by
//      degree then lowest ASN (a local node at a transit AS would, under NO_EXPORT, leave that AS's customers
//      without any route, since BGP advertises only the best route); a country without such an AS uses rule 1;
//   3. the sites of one country, in the order (town, site ID), take the first ranked AS that hosts no other site
//      of the letter (one AS is one point in the model: two sites in one AS would hide one of them), and only
//      when every candidate is taken, round-robin over them;
//   4. a country with no AS in the graph borrows the candidates of the nearest country (centroid distance);
//   5. every site is originated by the letter's operator ASN and announced to its host only, the host being its
//      provider (so a Global site reaches the whole internet through the host); a Local site carries NO_EXPORT;
//   6. decommissioned sites are left out.
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
  const rankTransit = (list: number[]) => list.sort((a, b) =>
    customerCount(g, b) - customerCount(g, a) || degree(g, b) - degree(g, a) || g.asn[a]! - g.asn[b]!);
  const rankStub = (list: number[]) => {
    const stubs = list.filter((i) => customerCount(g, i) === 0)
      .sort((a, b) => degree(g, b) - degree(g, a) || g.asn[a]! - g.asn[b]!);
    return stubs.length > 0 ? stubs : rankTransit(list);
  };
  const ranked = new Map<string, number[]>();
  const candidatesFor = (cc: string, local: boolean): number[] => {
    const key = `${cc}/${local ? 'L' : 'G'}`;
    let r = ranked.get(key);
    if (r !== undefined) return r;
    const own = byCountry.get(cc);
    if (own !== undefined && own.length > 0) r = local ? rankStub([...own]) : rankTransit([...own]);
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
      r = best === '' ? [] : candidatesFor(best, local);
    }
    ranked.set(key, r);
    return r;
  };
  const sites = j.Sites
    .filter((s) => s.Status !== 'decommissioned')
    .map((s, k) => ({ s, k }))
    .sort((a, b) => (a.s.Country ?? '').localeCompare(b.s.Country ?? '') ||
      (a.s.Town ?? '').localeCompare(b.s.Town ?? '') || (a.s.ID ?? '').localeCompare(b.s.ID ?? '', 'en', { numeric: true }) ||
      a.k - b.k);
  const hosting = new Set<number>();
  const rr = new Map<string, number>();
  const ids = new Set<string>();
  const out: SiteSpec[] = [];
  const operator = j.ASN;
  for (const { s } of sites) {
    const cc = (s.Country ?? '').toUpperCase();
    const local = s.Type === 'Local';
    const cand = candidatesFor(cc, local).filter((i) => g.asn[i] !== operator);
    if (cand.length === 0) continue;
    let host = cand.find((i) => !hosting.has(i));
    if (host === undefined) {
      const key = `${cc}/${local}`;
      const k = rr.get(key) ?? 0;
      rr.set(key, k + 1);
      host = cand[k % cand.length]!;
    }
    hosting.add(host);
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
