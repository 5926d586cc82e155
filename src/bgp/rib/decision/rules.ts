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
/**
 * The neighbor AS the MED step compares (RFC 4271 §9.1.2.2 c; the local AS for a path without one), as an int32
 * key (`asn | 0`): equal keys are equal ASes.
 */
export function neighborKey(a: Attrs, ctx: DecisionContext): number {
  const n = a.pathNbr;
  return n !== null ? n : ctx.localAs | 0;
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
  return ctx.opts.compareAsPathLength ? c.attrs.pathLength : 0;
}
function cmpAsPathLength(a: Candidate, b: Candidate, ctx: DecisionContext): number {
  return asPathLengthOf(a, ctx) - asPathLengthOf(b, ctx);
}
function cmpOrigin(a: Candidate, b: Candidate): number {
  return a.attrs.origin - b.attrs.origin;
}
function cmpMed(a: Candidate, b: Candidate, ctx: DecisionContext): number {
  if (!ctx.opts.alwaysCompareMed && neighborKey(a.attrs, ctx) !== neighborKey(b.attrs, ctx)) return 0;
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

function rule(name: RuleName, id: string, title: string, value: Rule['value'], compare: Rule['compare'],
  total: Rule['total'] = always): Rule {
  return { id, name, title, value, compare, total };
}

export const LOCAL_ORIGIN = rule('local-origin', '0', 'prefer locally originated', localOriginOf, cmpLocalOrigin);
export const LOCAL_PREF = rule('local-pref', '9.1.2', 'highest LOCAL_PREF',
  (c, ctx) => effectiveLocalPref(c.attrs, ctx), cmpLocalPref);
export const AS_PATH_LENGTH = rule('as-path-length', '9.1.2.2(a)', 'shortest AS path', asPathLengthOf,
  cmpAsPathLength);
export const ORIGIN = rule('origin', '9.1.2.2(b)', 'lowest origin', (c) => c.attrs.origin, cmpOrigin);
export const MED = rule('med', '9.1.2.2(c)', 'lowest MED (same neighbor AS)', (c, ctx) => effectiveMed(c.attrs, ctx),
  cmpMed, (ctx) => ctx.opts.alwaysCompareMed);
export const EBGP_OVER_IBGP = rule('ebgp-over-ibgp', '9.1.2.2(d)', 'eBGP over iBGP', interiorOf, cmpEbgpOverIbgp);
export const IGP_COST = rule('igp-cost', '9.1.2.2(e)', 'lowest IGP cost to next hop', igpCostOf, cmpIgpCost);
export const ROUTER_ID = rule('router-id', '9.1.2.2(f)', 'lowest router id (ORIGINATOR_ID if present)', routerIdOf,
  cmpRouterId);
export const CLUSTER_LIST = rule('cluster-list', 'RFC4456§9', 'shortest cluster list', clusterLengthOf,
  cmpClusterList);
export const NEIGHBOR_ADDRESS = rule('neighbor-address', '9.1.2.2(g)', 'lowest neighbor address', (c) => c.peer.address,
  cmpNeighborAddress);
export const PATH_ID = rule('path-id', 'RFC7911', 'lowest path id', (c) => c.pathId, cmpPathId);

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
  for (let i = 0; i <= upTo; i++) {
    const rule = RULES[i]!;
    const r = rule.compare(a, b, ctx);
    if (r !== 0) return { result: r < 0 ? -1 : 1, rule };
  }
  return { result: 0, rule: null };
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
