// An anycast announcement compiled for the engine: where each site's route enters the graph ("seeds"), with the
// class the receiving AS gives it, its AS-path length (1 + prepends), NO_EXPORT, and the tie-break key (the origin
// ASN). Pure data in typed arrays; built by compile.ts from a deployment, or by hand in tests.

/** Route classes, best first (Gao-Rexford local preference): the origin's own, customer, peer, provider. */
export const NONE = 0;
export const ORIGIN = 1;
export const CUSTOMER = 2;
export const PEER = 3;
export const PROVIDER = 4;
export type RouteClass = typeof NONE | typeof ORIGIN | typeof CUSTOMER | typeof PEER | typeof PROVIDER;
export const className = ['none', 'origin', 'customer', 'peer', 'provider'] as const;

export interface Announcement {
  siteCount: number;
  /** Seeds: site `site[k]` announces to the AS at graph index `node[k]`. Sorted by site. */
  seedCount: number;
  seedNode: Int32Array;
  seedSite: Int32Array;
  seedCls: Uint8Array;
  seedLen: Uint16Array;
  seedNoExport: Uint8Array;
  /** Origin ASN of the seed's site: the "neighbor ASN" the receiver sees, for the lowest-ASN tie-break. */
  seedKey: Float64Array;
  /** Origin ASes that are in the graph: they use their own site and take no route from elsewhere. */
  originNode: Int32Array;
  originSite: Int32Array;
}

export interface SeedSpec {
  site: number;
  node: number;
  cls: typeof CUSTOMER | typeof PEER | typeof PROVIDER;
  prepend?: number;
  noExport?: boolean;
  originAsn: number;
}

/** Builds the typed arrays from readable seeds (sorted by site, then node, for determinism). */
export function makeAnnouncement(siteCount: number, seeds: SeedSpec[],
  origins: Array<{ site: number; node: number }>): Announcement {
  const s = [...seeds].sort((x, y) => x.site - y.site || x.node - y.node);
  const m = s.length;
  const a: Announcement = {
    siteCount, seedCount: m,
    seedNode: new Int32Array(m), seedSite: new Int32Array(m), seedCls: new Uint8Array(m),
    seedLen: new Uint16Array(m), seedNoExport: new Uint8Array(m), seedKey: new Float64Array(m),
    originNode: new Int32Array(origins.length), originSite: new Int32Array(origins.length),
  };
  s.forEach((x, k) => {
    a.seedNode[k] = x.node; a.seedSite[k] = x.site; a.seedCls[k] = x.cls;
    a.seedLen[k] = 1 + (x.prepend ?? 0); a.seedNoExport[k] = x.noExport ? 1 : 0; a.seedKey[k] = x.originAsn;
  });
  const o = [...origins].sort((x, y) => x.site - y.site || x.node - y.node);
  o.forEach((x, k) => { a.originNode[k] = x.node; a.originSite[k] = x.site; });
  return a;
}
