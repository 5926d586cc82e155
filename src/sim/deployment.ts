// Anycast deployments as data (YAML or JSON), checked strictly up front: unknown keys are rejected, every error
// names the file, the key (a dotted path such as `sites[3].neighbors[0].prepend`) and the reason. Defaults live
// here and nowhere else. Pure: takes the text, returns a Deployment or throws ConfigError. The checks against the
// AS graph (origins and neighbors that exist) are in compile.ts.
//
//   name: K-root                 # required
//   description: …               # optional
//   operator-asn: 25152          # optional, informational
//   sites:                       # required, at least one
//     - id: ams                  # required, unique
//       origin: 3333             # required: the AS that originates the prefix at this site
//       town: Amsterdam          # optional label
//       country: NL              # optional ISO code; gives the location when `location` is absent
//       location: {lat: 52.37, lon: 4.89}
//       neighbors:               # optional: default = every neighbor of `origin` in the AS graph
//         - asn: 1200
//           relationship: provider   # what the neighbor is to the origin: provider | peer | customer
//           prepend: 2               # optional, overrides the site's prepend for this neighbor
//       prepend: 0               # optional, default 0 (0..30)
//       no-export: false         # optional: a local site, used only by its direct neighbors (RFC 1997)
//       capacity: 100            # optional, traffic units a site can serve (used by `sim ddos`)
import { parseDocument } from 'yaml';
import { ConfigError } from '../util/errors.js';

export type NeighborRel = 'provider' | 'peer' | 'customer';

export interface NeighborSpec {
  asn: number;
  relationship?: NeighborRel;
  prepend?: number;
}

export interface SiteSpec {
  id: string;
  origin: number;
  town?: string;
  country?: string;
  location?: { lat: number; lon: number };
  neighbors?: NeighborSpec[];
  prepend: number;
  noExport: boolean;
  capacity?: number;
}

export interface Deployment {
  name: string;
  description?: string;
  operatorAsn?: number;
  sites: SiteSpec[];
  /** Where it came from, for error messages. */
  file: string;
}

export const MAX_PREPEND = 30;

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export class Checker {
  constructor(readonly file: string) {}
  fail(key: string, reason: string): never {
    throw new ConfigError(this.file, key, reason);
  }
  keys(o: Obj, key: string, allowed: string[], required: string[] = []): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(key === '' ? k : `${key}.${k}`, `unknown key (allowed: ${allowed.join(', ')})`);
    }
    for (const k of required) if (!(k in o)) this.fail(key === '' ? k : `${key}.${k}`, 'required key is missing');
  }
  asn(x: unknown, key: string): number {
    if (typeof x === 'string' && /^(AS)?\d+$/i.test(x)) x = Number(x.replace(/^AS/i, ''));
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > 4294967295) {
      this.fail(key, `must be an AS number 1..4294967295, got ${JSON.stringify(x)}`);
    }
    return x;
  }
  int(x: unknown, key: string, lo: number, hi: number): number {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < lo || x > hi) {
      this.fail(key, `must be an integer ${lo}..${hi}, got ${JSON.stringify(x)}`);
    }
    return x;
  }
  num(x: unknown, key: string, lo: number, hi: number, unit = ''): number {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi) {
      this.fail(key, `must be a number ${lo}..${hi}${unit}, got ${JSON.stringify(x)}`);
    }
    return x;
  }
  str(x: unknown, key: string, pattern?: RegExp, what?: string): string {
    if (typeof x !== 'string' || x.length === 0) this.fail(key, `must be a non-empty string, got ${JSON.stringify(x)}`);
    if (pattern !== undefined && !pattern.test(x)) this.fail(key, `must be ${what ?? pattern.source}, got '${x}'`);
    return x;
  }
  bool(x: unknown, key: string): boolean {
    if (typeof x !== 'boolean') this.fail(key, `must be true or false, got ${JSON.stringify(x)}`);
    return x;
  }
}

/** Parses YAML (a superset of JSON) and reports syntax errors with their line. */
export function parseDataText(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0]?.line ?? (e.pos?.[0] !== undefined ? text.slice(0, e.pos[0]).split('\n').length : undefined);
    const where = at !== undefined ? `line ${at}` : '';
    throw new ConfigError(file, where, e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
  }
  return doc.toJS();
}

const SITE_KEYS = ['id', 'origin', 'town', 'country', 'location', 'neighbors', 'prepend', 'no-export', 'capacity'];

export function checkSite(c: Checker, x: unknown, key: string): SiteSpec {
  if (!isObj(x)) c.fail(key, 'must be a mapping');
  c.keys(x, key, SITE_KEYS, ['id', 'origin']);
  const id = typeof x.id === 'number' ? String(x.id) : c.str(x.id, `${key}.id`, /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
    'letters, digits and . _ : - (starting with a letter or digit)');
  const site: SiteSpec = { id, origin: c.asn(x.origin, `${key}.origin`), prepend: 0, noExport: false };
  if (x.town !== undefined) site.town = c.str(x.town, `${key}.town`);
  if (x.country !== undefined) site.country = c.str(x.country, `${key}.country`, /^[A-Z]{2}$/, 'a two-letter ISO country code');
  if (x.location !== undefined) {
    const l = x.location;
    if (!isObj(l)) c.fail(`${key}.location`, 'must be a mapping {lat, lon}');
    c.keys(l, `${key}.location`, ['lat', 'lon'], ['lat', 'lon']);
    site.location = { lat: c.num(l.lat, `${key}.location.lat`, -90, 90, '°'), lon: c.num(l.lon, `${key}.location.lon`, -180, 180, '°') };
  }
  if (x.prepend !== undefined) site.prepend = c.int(x.prepend, `${key}.prepend`, 0, MAX_PREPEND);
  if (x['no-export'] !== undefined) site.noExport = c.bool(x['no-export'], `${key}.no-export`);
  if (x.capacity !== undefined) site.capacity = c.num(x.capacity, `${key}.capacity`, 0, Number.MAX_SAFE_INTEGER);
  if (x.neighbors !== undefined) {
    if (!Array.isArray(x.neighbors) || x.neighbors.length === 0) c.fail(`${key}.neighbors`, 'must be a non-empty list');
    const seen = new Set<number>();
    site.neighbors = x.neighbors.map((nb: unknown, j: number) => {
      const nk = `${key}.neighbors[${j}]`;
      if (typeof nb === 'number' || typeof nb === 'string') nb = { asn: nb };
      if (!isObj(nb)) c.fail(nk, 'must be an AS number or a mapping {asn, relationship, prepend}');
      c.keys(nb, nk, ['asn', 'relationship', 'prepend'], ['asn']);
      const spec: NeighborSpec = { asn: c.asn(nb.asn, `${nk}.asn`) };
      if (spec.asn === site.origin) c.fail(`${nk}.asn`, 'a site cannot announce to its own origin AS');
      if (seen.has(spec.asn)) c.fail(`${nk}.asn`, `AS${spec.asn} is listed twice`);
      seen.add(spec.asn);
      if (nb.relationship !== undefined) {
        if (nb.relationship !== 'provider' && nb.relationship !== 'peer' && nb.relationship !== 'customer') {
          c.fail(`${nk}.relationship`, `must be provider, peer or customer, got ${JSON.stringify(nb.relationship)}`);
        }
        spec.relationship = nb.relationship;
      }
      if (nb.prepend !== undefined) spec.prepend = c.int(nb.prepend, `${nk}.prepend`, 0, MAX_PREPEND);
      return spec;
    });
  }
  return site;
}

/** Checks a parsed value as a deployment. */
export function checkDeployment(x: unknown, file: string): Deployment {
  const c: Checker = new Checker(file);
  if (!isObj(x)) c.fail('', 'a deployment must be a mapping with name and sites');
  c.keys(x, '', ['name', 'description', 'operator-asn', 'sites'], ['name', 'sites']);
  const d: Deployment = { name: c.str(x.name, 'name'), sites: [], file };
  if (x.description !== undefined) d.description = c.str(x.description, 'description');
  if (x['operator-asn'] !== undefined) d.operatorAsn = c.asn(x['operator-asn'], 'operator-asn');
  if (!Array.isArray(x.sites) || x.sites.length === 0) c.fail('sites', 'must be a non-empty list');
  const ids = new Set<string>();
  x.sites.forEach((s: unknown, i: number) => {
    const site = checkSite(c, s, `sites[${i}]`);
    if (ids.has(site.id)) c.fail(`sites[${i}].id`, `site id '${site.id}' is used twice`);
    ids.add(site.id);
    d.sites.push(site);
  });
  return d;
}

export function parseDeployment(text: string, file: string): Deployment {
  return checkDeployment(parseDataText(text, file), file);
}

/** The deployment as data again (for `sim root` and round trips), in the documented key order. */
export function deploymentToData(d: Deployment): Record<string, unknown> {
  const out: Record<string, unknown> = { name: d.name };
  if (d.description !== undefined) out.description = d.description;
  if (d.operatorAsn !== undefined) out['operator-asn'] = d.operatorAsn;
  out.sites = d.sites.map((s) => {
    const o: Record<string, unknown> = { id: s.id, origin: s.origin };
    if (s.town !== undefined) o.town = s.town;
    if (s.country !== undefined) o.country = s.country;
    if (s.location !== undefined) o.location = { lat: s.location.lat, lon: s.location.lon };
    if (s.neighbors !== undefined) {
      o.neighbors = s.neighbors.map((n) => {
        const no: Record<string, unknown> = { asn: n.asn };
        if (n.relationship !== undefined) no.relationship = n.relationship;
        if (n.prepend !== undefined) no.prepend = n.prepend;
        return no;
      });
    }
    if (s.prepend !== 0) o.prepend = s.prepend;
    if (s.noExport) o['no-export'] = true;
    if (s.capacity !== undefined) o.capacity = s.capacity;
    return o;
  });
  return out;
}
