// Best-path selection over the eligible candidates of one prefix (RFC 4271 §9.1.2).
//
// Default (deterministicMed): the elimination procedure of §9.1.2.2 as written. Rule by rule, every candidate
// that some surviving candidate beats is removed; for total rules that means "keep those with the best value",
// for MED "remove a route when a route from the same neighbor AS has a lower MED". The result does not depend on
// the order candidates arrived in. It is the same as BIRD's `deterministic med` (best of each neighbor-AS group,
// then best of the group winners), since MED is only compared within a group.
//
// Arrival-order mode (deterministicMed false): BIRD's and Cisco's default — walk the candidates in arrival order
// keeping the better of (current best, next) by pairwise comparison. MED is not transitive, so this can depend
// on order; it exists for operators who want that behaviour bit for bit.
//
// Multipath (ECMP): the candidates still standing after the IGP-cost step (e), filtered by the AS-path relax
// option, best first then in the order of the remaining tie-breaks, at most maxPaths.
//
// The fast path allocates nothing when multipath is off and no trace is asked for.

import type { DecisionContext, Candidate, Rule } from './rules.js';
import { MULTIPATH_LAST_RULE, RULES, compareRoutes } from './rules.js';

export interface Selection {
  /** Index of the best candidate, -1 when there is none. */
  best: number;
  /** Indices of the multipath set, best first; [best] when multipath is off; [] when no best. */
  multipath: number[];
  /** The rule at which the best was decided; null when it was the only eligible candidate. */
  decidedBy: Rule | null;
}

/** The allocation-free form used by the RIB: `multipath` is null when it would be just [best]. */
export interface SelectionOut {
  best: number;
  multipath: number[] | null;
  decidedBy: Rule | null;
}

export interface TraceStep {
  readonly rule: Rule;
  /** Candidates this rule removed. */
  readonly eliminated: number[];
  /** Candidates still standing after it. */
  readonly survivors: number[];
}

export interface FoldStep {
  /** The candidate that was best before this comparison, and the one compared with it. */
  readonly incumbent: number;
  readonly challenger: number;
  readonly winner: number;
  readonly rule: Rule | null;
}

export interface Trace {
  steps: TraceStep[];
  fold: FoldStep[];
}

let scratch = new Int32Array(64);
let marks = new Uint8Array(64);

function ensure(n: number): void {
  if (scratch.length < n) {
    scratch = new Int32Array(n * 2);
    marks = new Uint8Array(n * 2);
  }
}

export function select(c: readonly Candidate[], n: number, ctx: DecisionContext, trace?: Trace): Selection {
  const out: SelectionOut = { best: -1, multipath: null, decidedBy: null };
  selectInto(c, n, ctx, out, trace);
  return { best: out.best, multipath: out.multipath ?? (out.best < 0 ? [] : [out.best]), decidedBy: out.decidedBy };
}

/** Select into `out` (reused by the caller). */
export function selectInto(c: readonly Candidate[], n: number, ctx: DecisionContext, out: SelectionOut, trace?: Trace): void {
  out.multipath = null;
  out.decidedBy = null;
  if (n === 0) {
    if (trace) for (const rule of RULES) trace.steps.push({ rule, eliminated: [], survivors: [] });
    out.best = -1;
    return;
  }
  if (ctx.opts.deterministicMed) eliminate(c, n, ctx, out, trace);
  else fold(c, n, ctx, out, trace);
}

function eliminate(c: readonly Candidate[], n: number, ctx: DecisionContext, out: SelectionOut, trace?: Trace): void {
  ensure(n);
  const surv = scratch;
  for (let i = 0; i < n; i++) surv[i] = i;
  let m = n;
  let decided: Rule | null = null;
  const mp = ctx.opts.multipath.enabled;
  let multi: number[] | null = null;
  for (let ri = 0; ri < RULES.length; ri++) {
    const rule = RULES[ri]!;
    const eliminated: number[] | null = trace ? [] : null;
    if (m > 1) {
      let k = 0;
      if (rule.total(ctx)) {
        let b = surv[0]!;
        for (let j = 1; j < m; j++) if (rule.compare(c[surv[j]!]!, c[b]!, ctx) < 0) b = surv[j]!;
        for (let j = 0; j < m; j++) {
          const s = surv[j]!;
          if (rule.compare(c[s]!, c[b]!, ctx) === 0) surv[k++] = s;
          else eliminated?.push(s);
        }
      } else {
        for (let j = 0; j < m; j++) {
          marks[j] = 0;
          for (let q = 0; q < m; q++) {
            if (q !== j && rule.compare(c[surv[q]!]!, c[surv[j]!]!, ctx) < 0) { marks[j] = 1; break; }
          }
        }
        for (let j = 0; j < m; j++) {
          if (marks[j] === 0) surv[k++] = surv[j]!;
          else eliminated?.push(surv[j]!);
        }
      }
      if (k === 1 && decided === null) decided = rule;
      m = k;
    }
    if (trace) trace.steps.push({ rule, eliminated: eliminated!, survivors: Array.from(surv.subarray(0, m)) });
    if (mp && ri === MULTIPATH_LAST_RULE) multi = Array.from(surv.subarray(0, m));
    if (m === 1 && !trace && (!mp || ri >= MULTIPATH_LAST_RULE)) break;
  }
  const best = surv[0]!;
  out.best = best;
  out.decidedBy = decided;
  out.multipath = mp && multi !== null && multi.length > 1 ? multipathSet(c, best, multi, ctx) : null;
}

function fold(c: readonly Candidate[], n: number, ctx: DecisionContext, out: SelectionOut, trace?: Trace): void {
  let best = 0;
  for (let i = 1; i < n; i++) {
    const cmp = compareRoutes(c[i]!, c[best]!, ctx);
    const winner = cmp.result < 0 ? i : best;
    trace?.fold.push({ incumbent: best, challenger: i, winner, rule: cmp.rule });
    best = winner;
  }
  // The deciding rule: the deepest one the best needed against any other candidate it beats.
  let decided: Rule | null = null;
  let depth = -1;
  for (let i = 0; i < n; i++) {
    if (i === best) continue;
    const cmp = compareRoutes(c[best]!, c[i]!, ctx);
    if (cmp.result < 0 && cmp.rule !== null) {
      const d = RULES.indexOf(cmp.rule);
      if (d > depth) { depth = d; decided = cmp.rule; }
    }
  }
  if (trace) {
    // For display, also show the per-rule elimination (which here is informative only).
    const t: Trace = { steps: [], fold: [] };
    eliminate(c, n, { ...ctx, opts: { ...ctx.opts, deterministicMed: true } }, { best: -1, multipath: null, decidedBy: null }, t);
    trace.steps.push(...t.steps);
  }
  out.best = best;
  out.decidedBy = decided;
  out.multipath = null;
  if (ctx.opts.multipath.enabled) {
    const multi: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i === best || compareRoutes(c[i]!, c[best]!, ctx, MULTIPATH_LAST_RULE).result === 0) multi.push(i);
    }
    if (multi.length > 1) out.multipath = multipathSet(c, best, multi, ctx);
  }
}

function multipathSet(c: readonly Candidate[], best: number, members: number[], ctx: DecisionContext): number[] {
  const o = ctx.opts.multipath;
  const b = c[best]!;
  const others = members.filter((i) => i !== best && (o.asPathRelax === 'same-length' || c[i]!.attrs.asPath === b.attrs.asPath));
  others.sort((x, y) => compareRoutes(c[x]!, c[y]!, ctx).result);
  const set = [best, ...others];
  if (set.length > o.maxPaths) set.length = o.maxPaths;
  return set;
}
