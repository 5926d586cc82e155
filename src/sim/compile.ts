// Turns a checked Deployment into the engine's Announcement against one AS graph: each site's origin and
// neighbors are looked up, the class the receiving AS gives the route is derived from the relationship
// (a provider of the origin hears a customer route, a peer a peer route, a customer a provider route), and each
// site gets a location (given, else its country's centroid, else its origin AS's country). Errors are
// ConfigError(file, key, reason), like the schema checks.
import { ConfigError } from '../util/errors.js';
import { CUSTOMER, PEER, PROVIDER, makeAnnouncement, type Announcement, type SeedSpec } from './announce.js';
import type { AsInfo, Centroid } from './asinfo.js';
import { indexOfAsn, neighbors, relationshipOf, type AsGraph } from './graph.js';
import type { Deployment, NeighborRel, SiteSpec } from './deployment.js';

export interface SiteInfo {
  index: number;
  id: string;
  origin: number;
  /** Graph index of the origin AS, -1 when it is not in the graph (then only its listed neighbors hear it). */
  originIndex: number;
  lat: number;
  lon: number;
  location: 'given' | 'country' | 'origin-as' | 'unknown';
  country: string;
  town: string;
  noExport: boolean;
  capacity?: number;
  /** How many ASes hear the site's announcement directly. */
  neighborCount: number;
}

export interface Compiled {
  name: string;
  file: string;
  ann: Announcement;
  sites: SiteInfo[];
  siteIndex: Map<string, number>;
}

export interface LocateContext {
  info: AsInfo;
  centroids: Map<string, Centroid>;
}

const classFor: Record<NeighborRel, SeedSpec['cls']> = { provider: CUSTOMER, peer: PEER, customer: PROVIDER };

export function locateSite(s: SiteSpec, ctx?: LocateContext): Pick<SiteInfo, 'lat' | 'lon' | 'location' | 'country'> {
  if (s.location !== undefined) {
    return { lat: s.location.lat, lon: s.location.lon, location: 'given', country: s.country ?? '' };
  }
  const cc = s.country ?? ctx?.info.country.get(s.origin);
  const p = cc === undefined ? undefined : ctx?.centroids.get(cc);
  if (p !== undefined) return { lat: p.lat, lon: p.lon, location: s.country !== undefined ? 'country' : 'origin-as', country: cc! };
  return { lat: NaN, lon: NaN, location: 'unknown', country: cc ?? '' };
}

export function compileDeployment(g: AsGraph, d: Deployment, ctx?: LocateContext): Compiled {
  const seeds: SeedSpec[] = [];
  const origins: Array<{ site: number; node: number }> = [];
  const sites: SiteInfo[] = [];
  d.sites.forEach((s, i) => {
    const key = `sites[${i}]`;
    const oi = indexOfAsn(g, s.origin);
    let count = 0;
    if (oi >= 0) origins.push({ site: i, node: oi });
    if (s.neighbors === undefined) {
      if (oi < 0) {
        throw new ConfigError(d.file, `${key}.origin`,
          `AS${s.origin} is not in the AS graph: list the site's neighbors (with their relationship) explicitly`);
      }
      for (const [j, rel] of neighbors(g, oi)) {
        seeds.push({ site: i, node: j, cls: classFor[rel], prepend: s.prepend, noExport: s.noExport, originAsn: s.origin });
        count++;
      }
    } else {
      s.neighbors.forEach((nb, k) => {
        const nk = `${key}.neighbors[${k}]`;
        const j = indexOfAsn(g, nb.asn);
        if (j < 0) throw new ConfigError(d.file, `${nk}.asn`, `AS${nb.asn} is not in the AS graph`);
        let rel = nb.relationship;
        if (rel === undefined) {
          rel = oi >= 0 ? relationshipOf(g, oi, j) : undefined;
          if (rel === undefined) {
            throw new ConfigError(d.file, `${nk}.relationship`,
              `AS${nb.asn} and AS${s.origin} are not linked in the AS graph: give the relationship`);
          }
        }
        seeds.push({ site: i, node: j, cls: classFor[rel], prepend: nb.prepend ?? s.prepend, noExport: s.noExport,
          originAsn: s.origin });
        count++;
      });
    }
    sites.push({
      index: i, id: s.id, origin: s.origin, originIndex: oi, ...locateSite(s, ctx),
      town: s.town ?? '', noExport: s.noExport, ...(s.capacity !== undefined ? { capacity: s.capacity } : {}),
      neighborCount: count,
    });
  });
  return {
    name: d.name, file: d.file,
    ann: makeAnnouncement(d.sites.length, seeds, origins),
    sites, siteIndex: new Map(sites.map((s) => [s.id, s.index])),
  };
}
