// Test helpers: small hand-built graphs and deployments, and readable views of the engine's results.
import { className } from '../../src/sim/announce.js';
import { forEachSite } from '../../src/sim/catchment.js';
import { compileDeployment, type Compiled } from '../../src/sim/compile.js';
import type { SiteSpec } from '../../src/sim/deployment.js';
import { graphFromLinks, indexOfAsn, type AsGraph } from '../../src/sim/graph.js';
import { propagate, type Routes, type TieMode } from '../../src/sim/propagate.js';

export type Link = readonly [number, number, -1 | 0];

export function site(id: string, origin: number, extra: Partial<SiteSpec> = {}): SiteSpec {
  return { id, origin, prepend: 0, noExport: false, ...extra };
}

export function run(links: Link[], sites: SiteSpec[], mode: TieMode = 'lowest-asn'):
  { g: AsGraph; c: Compiled; r: Routes } {
  const g = graphFromLinks(links);
  const c = compileDeployment(g, { name: 'test', file: 'test.yaml', sites });
  return { g, c, r: propagate(g, c.ann, mode) };
}

/** { ASN: "site class len" } for every AS ("-" when it has no route). */
export function view(x: { g: AsGraph; c: Compiled; r: Routes }): Record<number, string> {
  const out: Record<number, string> = {};
  for (let i = 0; i < x.g.n; i++) {
    out[x.g.asn[i]!] = x.r.site[i]! < 0 ? '-' : `${x.c.sites[x.r.site[i]!]!.id} ${className[x.r.cls[i]!]} ${x.r.len[i]}`;
  }
  return out;
}

/** { ASN: {site: probability} } in 'all' mode. */
export function dist(x: { g: AsGraph; c: Compiled; r: Routes }, asn: number): Record<string, number> {
  const out: Record<string, number> = {};
  forEachSite(x.r, indexOfAsn(x.g, asn), (s, p) => { out[x.c.sites[s]!.id] = Math.round(p * 1e6) / 1e6; });
  return out;
}

import { CUSTOMER, NONE, ORIGIN, PEER, PROVIDER } from '../../src/sim/announce.js';
import { relationshipOf } from '../../src/sim/graph.js';
import { chosenPath } from '../../src/sim/propagate.js';

/** Checks v's chosen route: loop-free, valley-free (provider* peer? customer* walking from v to the origin),
 *  and consistent with the recorded class and length. Returns a reason, or '' when fine. */
export function checkRoute(g: AsGraph, c: Compiled, r: Routes, v: number, checkNoExport = true): string {
  if (r.cls[v] === NONE || r.cls[v] === ORIGIN) return '';
  const path = chosenPath(r, v);
  if (new Set(path).size !== path.length) return `loop in ${path.map((u) => g.asn[u]).join(' ')}`;
  const last = path[path.length - 1]!;
  const k = r.seed[last]!;
  if (k < 0) return 'path does not end at a seed';
  const originAsn = c.sites[c.ann.seedSite[k]!]!.origin;
  if (path.some((u) => g.asn[u] === originAsn)) return 'path passes through the origin AS';
  // Phase of each hop as seen walking from v: 3 provider, 2 peer, 1 customer; must be non-increasing, one peer at most.
  const hops: number[] = [];
  for (let t = 0; t + 1 < path.length; t++) {
    const rel = relationshipOf(g, path[t]!, path[t + 1]!);
    if (rel === undefined) return 'consecutive ASes not linked';
    hops.push(rel === 'provider' ? PROVIDER : rel === 'peer' ? PEER : CUSTOMER);
  }
  hops.push(c.ann.seedCls[k]!);
  if (hops[0] !== r.cls[v]) return `class ${r.cls[v]} but first hop ${hops[0]}`;
  for (let t = 1; t < hops.length; t++) {
    if (hops[t]! > hops[t - 1]!) return `valley at hop ${t}: ${hops.join(',')}`;
    if (hops[t] === PEER && hops[t - 1] === PEER) return 'two peer hops';
  }
  if (r.len[v] !== path.length - 1 + c.ann.seedLen[k]!) return `length ${r.len[v]} but path gives ${path.length - 1 + c.ann.seedLen[k]!}`;
  // No AS on the path forwards a NO_EXPORT route further.
  // ('all' mode: the representative path of an AS behind a receiver whose tied routes mix NO_EXPORT and exportable
  // ones may show the NO_EXPORT one; the catchment distribution is right, the path is the lowest-ASN one.)
  if (checkNoExport && path.length > 1 && c.ann.seedNoExport[k] === 1) return 'NO_EXPORT route passed on';
  return '';
}

/** ASes with a valley-free path from an enabled site (not through an origin AS, not past a NO_EXPORT receiver). */
export function valleyFreeReachable(g: AsGraph, c: Compiled, enabled?: Uint8Array): Uint8Array {
  const up = new Uint8Array(g.n);
  const down = new Uint8Array(g.n);
  const isOrigin = new Uint8Array(g.n);
  for (let k = 0; k < c.ann.originNode.length; k++) if (!enabled || enabled[c.ann.originSite[k]!]) isOrigin[c.ann.originNode[k]!] = 1;
  const reached = new Uint8Array(g.n);
  const qUp: number[] = [];
  const qDown: number[] = [];
  const push = (v: number, isUp: boolean, relay: boolean) => {
    if (isOrigin[v]) return;
    reached[v] = 1;
    if (!relay) return;
    if (isUp && !up[v]) { up[v] = 1; qUp.push(v); }
    if (!isUp && !down[v]) { down[v] = 1; qDown.push(v); }
  };
  for (let k = 0; k < c.ann.seedCount; k++) {
    if (enabled && !enabled[c.ann.seedSite[k]!]) continue;
    push(c.ann.seedNode[k]!, c.ann.seedCls[k] === CUSTOMER, c.ann.seedNoExport[k] === 0);
  }
  while (qUp.length > 0) {
    const u = qUp.pop()!;
    for (let e = g.provOff[u]!; e < g.provOff[u + 1]!; e++) push(g.prov[e]!, true, true);
    for (let e = g.peerOff[u]!; e < g.peerOff[u + 1]!; e++) push(g.peer[e]!, false, true);
    for (let e = g.custOff[u]!; e < g.custOff[u + 1]!; e++) push(g.cust[e]!, false, true);
  }
  while (qDown.length > 0) {
    const u = qDown.pop()!;
    for (let e = g.custOff[u]!; e < g.custOff[u + 1]!; e++) push(g.cust[e]!, false, true);
  }
  for (let k = 0; k < c.ann.originNode.length; k++) if (!enabled || enabled[c.ann.originSite[k]!]) reached[c.ann.originNode[k]!] = 1;
  return reached;
}
