// Decision-process options and their defaults, in one place. The defaults reproduce BIRD 2's behaviour (the
// speaker is tested differentially against BIRD); the one deliberate difference is deterministicMed (see
// docs/rib.md "Decision process").

export type AsPathRelax = 'same-length' | 'identical';

export interface MultipathOptions {
  /** Install several equal routes (ECMP). BIRD: `merge paths` on the kernel protocol, default off. */
  enabled: boolean;
  /** Most paths in one multipath set. */
  maxPaths: number;
  /**
   * How alike the AS paths of multipath members must be: 'same-length' (BIRD: routes equal up to the IGP cost
   * step, whatever their ASes — "multipath-relax"), or 'identical' (the same AS path, Cisco's default).
   */
  asPathRelax: AsPathRelax;
}

export interface DecisionOptions {
  /**
   * Prefer locally originated routes before anything else. BIRD does this through protocol preference (static
   * 200 > BGP 100), Cisco through weight; it is not in RFC 4271 but every router behaves so.
   */
  preferLocal: boolean;
  /** LOCAL_PREF assumed for routes without one (eBGP routes never carry it). BIRD `default bgp_local_pref`: 100. */
  defaultLocalPref: number;
  /** RFC 4271 §9.1.2.2 a. BIRD `path metric`: on. */
  compareAsPathLength: boolean;
  /** Compare MED between routes from different neighbor ASes. BIRD `med metric`: off. */
  alwaysCompareMed: boolean;
  /**
   * true (our default): RFC 4271 §9.1.2.2 c as written — a route is removed when a route from the same neighbor
   * AS has a lower MED — which is independent of arrival order (BIRD and Cisco call this `deterministic med`).
   * false: routes are compared pairwise in arrival order, as BIRD does by default, which can depend on order.
   */
  deterministicMed: boolean;
  /** A missing MED counts as the worst value (2^32-1) instead of 0. BIRD `default bgp_med`: 0. */
  missingMedWorst: boolean;
  /** RFC 4271 §9.1.2.2 e. BIRD `igp metric`: on. */
  igpMetric: boolean;
  multipath: MultipathOptions;
}

export const DECISION_DEFAULTS: DecisionOptions = Object.freeze({
  preferLocal: true,
  defaultLocalPref: 100,
  compareAsPathLength: true,
  alwaysCompareMed: false,
  deterministicMed: true,
  missingMedWorst: false,
  igpMetric: true,
  multipath: Object.freeze({ enabled: false, maxPaths: 16, asPathRelax: 'same-length' as AsPathRelax }),
}) as DecisionOptions;

export function resolveDecisionOptions(o: Partial<Omit<DecisionOptions, 'multipath'>> & {
  multipath?: Partial<MultipathOptions>;
} = {}): DecisionOptions {
  const out: DecisionOptions = {
    ...DECISION_DEFAULTS,
    ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
    multipath: { ...DECISION_DEFAULTS.multipath, ...Object.fromEntries(Object.entries(o.multipath ?? {}).filter(([, v]) => v !== undefined)) },
  } as DecisionOptions;
  if (!Number.isInteger(out.defaultLocalPref) || out.defaultLocalPref < 0 || out.defaultLocalPref > 0xffffffff) {
    throw new RangeError(`defaultLocalPref ${out.defaultLocalPref} is not a uint32`);
  }
  if (!Number.isInteger(out.multipath.maxPaths) || out.multipath.maxPaths < 1) {
    throw new RangeError(`multipath.maxPaths ${out.multipath.maxPaths} must be a positive integer`);
  }
  return out;
}
