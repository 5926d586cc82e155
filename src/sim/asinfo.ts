// AS names, registration countries and coarse locations (pure parsers; the I/O is in load.ts).
//   asn-names:  `ASN:NAME, CC`   (the name may itself hold ':' and ','; the country is after the last ', ')
//   centroids:  `CC:Country name:lat:lon`
// An AS's location is its country's centroid: coarse on purpose and said so wherever latency is shown.
import type { AsGraph } from './graph.js';
import { indexOfAsn } from './graph.js';

export interface AsInfo {
  name: Map<number, string>;
  country: Map<number, string>;
}

export interface Centroid { name: string; lat: number; lon: number }

export function parseAsNames(text: string): AsInfo {
  const name = new Map<number, string>();
  const country = new Map<number, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const asn = Number(line.slice(0, colon));
    if (!Number.isInteger(asn)) continue;
    const rest = line.slice(colon + 1).trimEnd();
    const comma = rest.lastIndexOf(', ');
    if (comma >= 0 && /^[A-Z]{2}$/.test(rest.slice(comma + 2))) {
      name.set(asn, rest.slice(0, comma));
      country.set(asn, rest.slice(comma + 2));
    } else {
      name.set(asn, rest);
    }
  }
  return { name, country };
}

export function parseCentroids(text: string): Map<string, Centroid> {
  const out = new Map<string, Centroid>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(':');
    if (f.length < 4) continue;
    const lat = Number(f[f.length - 2]);
    const lon = Number(f[f.length - 1]);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
    out.set(f[0]!, { name: f.slice(1, f.length - 2).join(':'), lat, lon });
  }
  return out;
}

/** Per-AS coarse coordinates (NaN where the country is unknown), indexed like the graph. */
export interface AsGeo {
  lat: Float64Array;
  lon: Float64Array;
  /** Country code per index ('' when unknown). */
  cc: string[];
}

export function asGeo(g: AsGraph, info: AsInfo, centroids: Map<string, Centroid>): AsGeo {
  const lat = new Float64Array(g.n).fill(NaN);
  const lon = new Float64Array(g.n).fill(NaN);
  const cc: string[] = new Array(g.n).fill('');
  for (let i = 0; i < g.n; i++) {
    const c = info.country.get(g.asn[i]!);
    if (c === undefined) continue;
    cc[i] = c;
    const p = centroids.get(c);
    if (p !== undefined) { lat[i] = p.lat; lon[i] = p.lon; }
  }
  return { lat, lon, cc };
}

/** Where an ASN (in the graph or not) is, by its country; undefined when unknown. */
export function asnLocation(asn: number, g: AsGraph, geo: AsGeo, info: AsInfo, centroids: Map<string, Centroid>):
  { lat: number; lon: number } | undefined {
  const i = indexOfAsn(g, asn);
  if (i >= 0 && !Number.isNaN(geo.lat[i]!)) return { lat: geo.lat[i]!, lon: geo.lon[i]! };
  const c = info.country.get(asn);
  const p = c === undefined ? undefined : centroids.get(c);
  return p === undefined ? undefined : { lat: p.lat, lon: p.lon };
}
