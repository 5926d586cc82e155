// The BGP decision process as an ordered list of small comparators, each naming itself and numbered as in
// RFC 4271 §9.1 (with RFC 4456 §9 and RFC 7911 where they insert a step):
//
//   0           local-origin      prefer locally originated routes (BIRD: protocol preference; Cisco: weight)
//   9.1.2       local-pref        highest degree of preference = LOCAL_PREF (§9.1.1), default 100 when absent
//   9.1.2.2(a)  as-path-length    shortest AS_PATH (AS_SET counts 1, confederation segments 0)
//   9.1.2.2(b)  origin            lowest ORIGIN (IGP < EGP < INCOMPLETE)
//   9.1.2.2(c)  med               lowest MED among routes from the same neighbor AS (missing MED = 0)
//   9.1.2.2(d)  ebgp-over-ibgp    routes learned over eBGP before iBGP (confederation eBGP counts as internal)
//   9.1.2.2(e)  igp-cost          lowest cost to the NEXT_HOP (from the injected resolver)
//   9.1.2.2(f)  router-id         lowest BGP identifier, the ORIGINATOR_ID when present (RFC 4456 §9)
//   RFC4456§9   cluster-list      shortest CLUSTER_LIST
//   9.1.2.2(g)  neighbor-address  lowest neighbor address (IPv4 sorts as ::ffff:a.b.c.d, as in BIRD)
//   RFC7911     path-id           lowest received path identifier (several add-path paths from one neighbor)
//
// RFC 4271 §9.1.2.1 (unresolvable next hop) and the loop / route-leak checks make a route ineligible before
// these rules run. compare() returns < 0 when a is preferred, > 0 when b is, 0 when equal *or not comparable*
// (MED of routes from different neighbor ASes): the MED rule alone is not a total order, which is why the
// selection eliminates per rule (select.ts) rather than sorting.

import type { Attrs } from '../attrs.js';
import type { PeerInfo } from '../peer.js';
import type { DecisionOptions } from './options.js';

export interface Candidate {
  attrs: Attrs;
  peer: PeerInfo;
  pathId: number;
  /** From the next-hop resolver (0 when the route has no next hop, i.e. is local). */
  igpCost: number;
}

export interface DecisionContext {
  readonly opts: DecisionOptions;
  /** The AS a route with no neighbor AS (empty path, or one starting with an AS_SET) counts as from (BIRD). */
  readonly localAs: number;
}

export type RuleName =
  | 'local-origin' | 'local-pref' | 'as-path-length' | 'origin' | 'med' | 'ebgp-over-ibgp' | 'igp-cost'
  | 'router-id' | 'cluster-list' | 'neighbor-address' | 'path-id';

export interface Rule {
  /** Section number, as printed by explain. */
  readonly id: string;
  readonly name: RuleName;
  /** What the rule prefers, in words. */
  readonly title: string;
  /** The value the rule compares (for explain). */
  value(c: Candidate, ctx: DecisionContext): number | string;
  compare(a: Candidate, b: Candidate, ctx: DecisionContext): number;
  /** True when compare() is a total preorder under these options (every rule but MED without always-compare). */
  total(ctx: DecisionContext): boolean;
}

const MED_MAX = 0xffffffff;

export function effectiveLocalPref(a: Attrs, ctx: DecisionContext): number {
  return a.localPref ?? ctx.opts.defaultLocalPref;
}
export function effectiveMed(a: Attrs, ctx: DecisionContext): number {
  return a.med ?? (ctx.opts.missingMedWorst ? MED_MAX : 0);
}
export function neighborAs(a: Attrs, ctx: DecisionContext): number {
  const n = a.asPath.neighborAs;
  return n >= 0 ? n : ctx.localAs;
}

// Each rule's comparison is a plain function of its own, so that preference() below can call them one after the
// other from one place (direct calls the compiler inlines) instead of through the rule objects (one call site
// reaching eleven different functions, which it cannot).

function localOriginOf(c: Candidate, ctx: DecisionContext): number {
  return ctx.opts.preferLocal && c.peer.kind === 'local' ? 0 : 1;
}
function cmpLocalOrigin(a: Candidate, b: Candidate, ctx: DecisionContext): number {
  return localOriginOf(a, ctx) - localOriginOf(b, ctx);
}
function cmpLocalPref(a: Candidate, b: Candidate, ctx: DecisionContext): number {
  return effectiveLocalPref(b.attrs, ctx) - effectiveLocalPref(a.attrs, ctx);
}
function asPathLengthOf(c: Candidate, ctx: DecisionContext): number {
  return ctx.opts.compareAsPathLength ? c.attrs.asPath.length : 0;
}
function cmpAsPathLength(a: Candidate, b: Candidate, ctx: DecisionContext): number {
  return asPathLengthOf(a, ctx) - asPathLengthOf(b, ctx);
}
function cmpOrigin(a: Candidate, b: Candidate): number {
  return a.attrs.origin - b.attrs.origin;
}
function cmpMed(a: Candidate, b: Candidate, ctx: DecisionContext): number {
  if (!ctx.opts.alwaysCompareMed && neighborAs(a.attrs, ctx) !== neighborAs(b.attrs, ctx)) return 0;
  return effectiveMed(a.attrs, ctx) - effectiveMed(b.attrs, ctx);
}
function interiorOf(c: Candidate): number {
  return c.peer.isInterior ? 1 : 0;
}
function cmpEbgpOverIbgp(a: Candidate, b: Candidate): number {
  return interiorOf(a) - interiorOf(b);
}
function igpCostOf(c: Candidate, ctx: DecisionContext): number {
  return ctx.opts.igpMetric ? c.igpCost : 0;
}
function cmpIgpCost(a: Candidate, b: Candidate, ctx: DecisionContext): number {
  return igpCostOf(a, ctx) - igpCostOf(b, ctx);
}
function routerIdOf(c: Candidate): number {
  return c.attrs.originatorId ?? c.peer.routerId;
}
function cmpRouterId(a: Candidate, b: Candidate): number {
  return routerIdOf(a) - routerIdOf(b);
}
function clusterLengthOf(c: Candidate): number {
  return c.attrs.clusterList?.values.length ?? 0;
}
function cmpClusterList(a: Candidate, b: Candidate): number {
  return clusterLengthOf(a) - clusterLengthOf(b);
}
function cmpNeighborAddress(a: Candidate, b: Candidate): number {
  return a.peer.addressKey < b.peer.addressKey ? -1 : a.peer.addressKey > b.peer.addressKey ? 1 : 0;
}
function cmpPathId(a: Candidate, b: Candidate): number {
  return a.pathId - b.pathId;
}

const always = () => true;

export const LOCAL_ORIGIN: Rule = {
  id: '0', name: 'local-origin', title: 'prefer locally originated',
  value: localOriginOf,
  compare: cmpLocalOrigin, total: always,
};

export const LOCAL_PREF: Rule = {
  id: '9.1.2', name: 'local-pref', title: 'highest LOCAL_PREF',
  value: (c, ctx) => effectiveLocalPref(c.attrs, ctx),
  compare: cmpLocalPref, total: always,
};

export const AS_PATH_LENGTH: Rule = {
  id: '9.1.2.2(a)', name: 'as-path-length', title: 'shortest AS path',
  value: asPathLengthOf,
  compare: cmpAsPathLength, total: always,
};

export const ORIGIN: Rule = {
  id: '9.1.2.2(b)', name: 'origin', title: 'lowest origin',
  value: (c) => c.attrs.origin,
  compare: cmpOrigin, total: always,
};

export const MED: Rule = {
  id: '9.1.2.2(c)', name: 'med', title: 'lowest MED (same neighbor AS)',
  value: (c, ctx) => effectiveMed(c.attrs, ctx),
  compare: cmpMed,
  total: (ctx) => ctx.opts.alwaysCompareMed,
};

export const EBGP_OVER_IBGP: Rule = {
  id: '9.1.2.2(d)', name: 'ebgp-over-ibgp', title: 'eBGP over iBGP',
  value: interiorOf,
  compare: cmpEbgpOverIbgp, total: always,
};

export const IGP_COST: Rule = {
  id: '9.1.2.2(e)', name: 'igp-cost', title: 'lowest IGP cost to next hop',
  value: igpCostOf,
  compare: cmpIgpCost, total: always,
};

export const ROUTER_ID: Rule = {
  id: '9.1.2.2(f)', name: 'router-id', title: 'lowest router id (ORIGINATOR_ID if present)',
  value: routerIdOf,
  compare: cmpRouterId, total: always,
};

export const CLUSTER_LIST: Rule = {
  id: 'RFC4456§9', name: 'cluster-list', title: 'shortest cluster list',
  value: clusterLengthOf,
  compare: cmpClusterList, total: always,
};

export const NEIGHBOR_ADDRESS: Rule = {
  id: '9.1.2.2(g)', name: 'neighbor-address', title: 'lowest neighbor address',
  value: (c) => c.peer.address,
  compare: cmpNeighborAddress, total: always,
};

export const PATH_ID: Rule = {
  id: 'RFC7911', name: 'path-id', title: 'lowest path id',
  value: (c) => c.pathId,
  compare: cmpPathId, total: always,
};

/** The rules in order. */
export const RULES: readonly Rule[] = [
  LOCAL_ORIGIN, LOCAL_PREF, AS_PATH_LENGTH, ORIGIN, MED, EBGP_OVER_IBGP, IGP_COST, ROUTER_ID, CLUSTER_LIST,
  NEIGHBOR_ADDRESS, PATH_ID,
];

/** Index in RULES of the last rule that multipath members must tie on (the IGP cost step). */
export const MULTIPATH_LAST_RULE = RULES.indexOf(IGP_COST);

export interface Comparison {
  /** < 0: a preferred; > 0: b preferred; 0: equal on every rule. */
  readonly result: number;
  /** The rule that decided, or null when equal. */
  readonly rule: Rule | null;
}

/**
 * Pairwise comparison, rule by rule (MED only between routes it can compare). This is the order used by the
 * arrival-order mode (deterministicMed: false) and by tests; the default selection eliminates per rule.
 */
export function compareRoutes(a: Candidate, b: Candidate, ctx: DecisionContext, upTo = RULES.length - 1): Comparison {
  const i = decidingRule(a, b, ctx, upTo);
  if (i < 0) return { result: 0, rule: null };
  const rule = RULES[i]!;
  return { result: rule.compare(a, b, ctx) < 0 ? -1 : 1, rule };
}

/**
 * compareRoutes() as a number alone (< 0: a preferred, > 0: b, 0: equal up to rule index `upTo`), with no result
 * object. The rules' comparisons in RULES order, written out (the incremental decision runs this once or twice
 * per received route); a test holds it to the loop over RULES for every `upTo`.
 */
export function preference(a: Candidate, b: Candidate, ctx: DecisionContext, upTo = RULES.length - 1): number {
  let r = cmpLocalOrigin(a, b, ctx);
  if (r !== 0 || upTo === 0) return r;
  if ((r = cmpLocalPref(a, b, ctx)) !== 0 || upTo === 1) return r;
  if ((r = cmpAsPathLength(a, b, ctx)) !== 0 || upTo === 2) return r;
  if ((r = cmpOrigin(a, b)) !== 0 || upTo === 3) return r;
  if ((r = cmpMed(a, b, ctx)) !== 0 || upTo === 4) return r;
  if ((r = cmpEbgpOverIbgp(a, b)) !== 0 || upTo === 5) return r;
  if ((r = cmpIgpCost(a, b, ctx)) !== 0 || upTo === 6) return r;
  if ((r = cmpRouterId(a, b)) !== 0 || upTo === 7) return r;
  if ((r = cmpClusterList(a, b)) !== 0 || upTo === 8) return r;
  if ((r = cmpNeighborAddress(a, b)) !== 0 || upTo === 9) return r;
  return cmpPathId(a, b);
}

/** Index in RULES of the first rule, up to `upTo`, on which a and b differ; -1 when they tie on all of them. */
function decidingRule(a: Candidate, b: Candidate, ctx: DecisionContext, upTo: number): number {
  for (let i = 0; i <= upTo; i++) if (RULES[i]!.compare(a, b, ctx) !== 0) return i;
  return -1;
}
