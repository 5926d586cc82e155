// Incremental best-path updates: when one candidate is added to (or removed from) a prefix whose best path B is
// known, the new best can often be told from B and that candidate alone, without running the decision over every
// candidate again. The answers here are exactly what select.ts would give; when they cannot be, the caller runs
// the full decision.
//
// Deterministic MED (the elimination of select.ts). Every rule but MED is a total preorder; MED only orders routes
// from the same neighbor AS. Adding a candidate X to a set S whose best is B:
//   1. X differs from B before the MED step: at the first rule where they differ, every candidate still standing
//      had B's value, so X is either the only one left (X better: X is best) or is removed there without
//      changing what anyone else is compared with (X worse: B stays best).
//   2. X ties B up to MED, and no other candidate that also ties B up to MED has X's neighbor AS: X neither
//      removes nor is removed at the MED step, so the remaining rules (all total) choose between B and X.
//   3. Otherwise (MED may remove something because of X): full decision.
// With MED compared between all neighbor ASes (always-compare-med) every rule is total and case 2 always holds.
// Removing a candidate Z that is not the best is the same argument backwards: B stays best when Z is worse than B
// before the MED step, or when no other candidate that ties B up to MED shares Z's neighbor AS.
//
// Arrival order (deterministicMed false): the best is the pairwise fold in arrival order, so appending X gives
// the better of (B, X); a removal changes the fold's sequence and needs the full decision (unless Z was not
// eligible, so never part of the fold).
//
// Multipath: the set depends on all candidates; always the full decision.

import type { Candidate, DecisionContext } from './rules.js';
import { MED, RULES, preference } from './rules.js';

/** Index in RULES of the last rule before MED. */
const BEFORE_MED = RULES.indexOf(MED) - 1;

/** First difference between a and b on the rules before MED (< 0: a preferred), 0 when they tie there. */
export function comparePreMed(a: Candidate, b: Candidate, ctx: DecisionContext): number {
  return preference(a, b, ctx, BEFORE_MED);
}

/** Whether incremental updates apply at all under these options. */
export function incrementalPossible(ctx: DecisionContext): boolean {
  return !ctx.opts.multipath.enabled;
}

/** Whether MED orders every pair of routes (then the deterministic elimination is a plain lexicographic order). */
export function medIsTotal(ctx: DecisionContext): boolean {
  return MED.total(ctx);
}
