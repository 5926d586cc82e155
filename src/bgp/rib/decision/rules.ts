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

function byNumber(name: RuleName, id: string, title: string, key: (c: Candidate, ctx: DecisionContext) => number): Rule {
  return {
    id, name, title,
    value: key,
    compare: (a, b, ctx) => key(a, ctx) - key(b, ctx),
    total: () => true,
  };
}

export const LOCAL_ORIGIN = byNumber('local-origin', '0', 'prefer locally originated', (c, ctx) =>
  ctx.opts.preferLocal && c.peer.kind === 'local' ? 0 : 1);

export const LOCAL_PREF: Rule = {
  id: '9.1.2', name: 'local-pref', title: 'highest LOCAL_PREF',
  value: (c, ctx) => effectiveLocalPref(c.attrs, ctx),
  compare: (a, b, ctx) => effectiveLocalPref(b.attrs, ctx) - effectiveLocalPref(a.attrs, ctx),
  total: () => true,
};

export const AS_PATH_LENGTH = byNumber('as-path-length', '9.1.2.2(a)', 'shortest AS path', (c, ctx) =>
  ctx.opts.compareAsPathLength ? c.attrs.asPath.length : 0);

export const ORIGIN = byNumber('origin', '9.1.2.2(b)', 'lowest origin', (c) => c.attrs.origin);

export const MED: Rule = {
  id: '9.1.2.2(c)', name: 'med', title: 'lowest MED (same neighbor AS)',
  value: (c, ctx) => effectiveMed(c.attrs, ctx),
  compare: (a, b, ctx) => {
    if (!ctx.opts.alwaysCompareMed && neighborAs(a.attrs, ctx) !== neighborAs(b.attrs, ctx)) return 0;
    return effectiveMed(a.attrs, ctx) - effectiveMed(b.attrs, ctx);
  },
  total: (ctx) => ctx.opts.alwaysCompareMed,
};

export const EBGP_OVER_IBGP = byNumber('ebgp-over-ibgp', '9.1.2.2(d)', 'eBGP over iBGP', (c) =>
  c.peer.isInterior ? 1 : 0);

export const IGP_COST = byNumber('igp-cost', '9.1.2.2(e)', 'lowest IGP cost to next hop', (c, ctx) =>
  ctx.opts.igpMetric ? c.igpCost : 0);

export const ROUTER_ID = byNumber('router-id', '9.1.2.2(f)', 'lowest router id (ORIGINATOR_ID if present)', (c) =>
  c.attrs.originatorId ?? c.peer.routerId);

export const CLUSTER_LIST = byNumber('cluster-list', 'RFC4456§9', 'shortest cluster list', (c) =>
  c.attrs.clusterList?.values.length ?? 0);

export const NEIGHBOR_ADDRESS: Rule = {
  id: '9.1.2.2(g)', name: 'neighbor-address', title: 'lowest neighbor address',
  value: (c) => c.peer.address,
  compare: (a, b) => (a.peer.addressKey < b.peer.addressKey ? -1 : a.peer.addressKey > b.peer.addressKey ? 1 : 0),
  total: () => true,
};

export const PATH_ID = byNumber('path-id', 'RFC7911', 'lowest path id', (c) => c.pathId);

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

/** compareRoutes() as a number alone (< 0: a preferred, > 0: b, 0: equal up to `upTo`), with no result object. */
export function preference(a: Candidate, b: Candidate, ctx: DecisionContext, upTo = RULES.length - 1): number {
  const i = decidingRule(a, b, ctx, upTo);
  return i < 0 ? 0 : RULES[i]!.compare(a, b, ctx);
}

/** Index in RULES of the first rule, up to `upTo`, on which a and b differ; -1 when they tie on all of them. */
function decidingRule(a: Candidate, b: Candidate, ctx: DecisionContext, upTo: number): number {
  for (let i = 0; i <= upTo; i++) if (RULES[i]!.compare(a, b, ctx) !== 0) return i;
  return -1;
}
