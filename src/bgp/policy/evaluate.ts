// Policy evaluation with caching. A policy is an ordered list of terms; the first term whose conditions hold and
// whose action is accept or reject decides; `next` terms apply their `set` and continue; when no term decides,
// the policy's default does (RFC 4271 §9.1.1 / §9.1.3 leave the semantics to the implementation; these are
// Junos's).
//
// Cost. Routes of one UPDATE share an attribute set, and the RIB handles them one after the other, so a binding
// keeps a small direct-mapped cache keyed by attribute-set identity (256 slots: no per-set memory, which matters
// with a million routes and ~10^5 sets); per slot it holds:
//   - when no term looks at the prefix, the final result;
//   - otherwise the result of every term's prefix-free conditions, and the result for each distinct sequence of
//     matched terms (the prefix conditions are the only thing evaluated per route).
// A policy that looks at the source peer (route-type, neighbor) keeps a cache entry per source.

import type { Attrs } from '../rib/attrs.js';
import type { SetFlags, SetOp } from './actions.js';
import type { Matcher } from './matchers.js';
import type { BoundPolicy, Policy, PolicyEnv, PolicyResult, RouteView, TermAction } from './types.js';

export interface CompiledTerm {
  readonly name: string;
  /** Conditions that only look at the attributes (and the source peer). */
  readonly attrMatchers: readonly Matcher[];
  /** Conditions that look at the prefix. */
  readonly prefixMatchers: readonly Matcher[];
  readonly set: SetOp | null;
  readonly action: TermAction;
}

class CacheEntry {
  readonly attrs: Attrs;
  /** Source peer index the entry is valid for (-1: any). */
  readonly src: number;
  /** Prefix-free condition result per term. */
  attrOk: boolean[] | null = null;
  /** Result per matched-term sequence (number bitmask, or a string for long policies). */
  results = new Map<number | string, PolicyResult>();
  constructor(attrs: Attrs, src: number) {
    this.attrs = attrs;
    this.src = src;
  }
}

const SLOTS = 256;

export class CompiledPolicy implements Policy {
  readonly dependsOnPrefix: boolean;
  readonly dependsOnSource: boolean;
  constructor(
    readonly name: string,
    readonly terms: readonly CompiledTerm[],
    readonly defaultAccept: boolean,
  ) {
    this.dependsOnPrefix = terms.some((t) => t.prefixMatchers.length > 0);
    this.dependsOnSource = terms.some((t) => [...t.attrMatchers, ...t.prefixMatchers].some((m) => m.usesSource));
  }
  get termCount(): number {
    return this.terms.length;
  }
  get constant(): boolean | null {
    return this.terms.length === 0 ? this.defaultAccept : null;
  }
  bind(env: PolicyEnv): BoundPolicy {
    return new Binding(this, env);
  }
}

class Binding implements BoundPolicy {
  private readonly cache: (CacheEntry | undefined)[] = new Array(SLOTS);
  private readonly wide: boolean;
  constructor(readonly policy: CompiledPolicy, readonly env: PolicyEnv) {
    this.wide = policy.terms.length > 30;
  }

  evaluate(r: RouteView): PolicyResult {
    const p = this.policy;
    const src = p.dependsOnSource ? r.source.index : -1;
    const slot = r.attrs.hash & (SLOTS - 1);
    let e = this.cache[slot];
    if (e === undefined || e.attrs !== r.attrs || e.src !== src) {
      e = new CacheEntry(r.attrs, src);
      this.cache[slot] = e;
    }
    const attrOk = e.attrOk ??= p.terms.map((t) => t.attrMatchers.every((m) => m.test(r)));
    // Walk the terms: which ones match this route, up to the first that decides.
    let mask = 0;
    let skey = '';
    let decided = false;
    for (let i = 0; i < p.terms.length; i++) {
      if (!attrOk[i]) continue;
      const t = p.terms[i]!;
      if (t.prefixMatchers.length > 0 && !t.prefixMatchers.every((m) => m.test(r))) continue;
      if (this.wide) skey += `${i},`;
      else mask |= 1 << i;
      if (t.action !== 'next') { decided = true; break; }
    }
    const k = this.wide ? skey : mask;
    let res = e.results.get(k);
    // A cached result whose attribute set has been freed since is recomputed (interning gives a live one).
    if (res === undefined || !res.attrs.live) {
      res = this.apply(r.attrs, k, decided);
      e.results.set(k, res);
    }
    return res;
  }

  private apply(attrs: Attrs, k: number | string, decided: boolean): PolicyResult {
    const terms = this.policy.terms;
    const matched: number[] = typeof k === 'number'
      ? terms.map((_, i) => i).filter((i) => (k & (1 << i)) !== 0)
      : k.split(',').filter((s) => s !== '').map(Number);
    const flags: SetFlags = { nextHopSelf: false, medSet: false };
    let a = attrs;
    for (const i of matched) {
      const t = terms[i]!;
      if (t.set !== null && t.action !== 'reject') a = t.set(a, this.env, flags);
    }
    if (!decided) {
      return { accept: this.policy.defaultAccept, attrs: a, term: null, nextHopSelf: flags.nextHopSelf, medSet: flags.medSet };
    }
    const last = terms[matched[matched.length - 1]!]!;
    return { accept: last.action === 'accept', attrs: a, term: last.name, nextHopSelf: flags.nextHopSelf, medSet: flags.medSet };
  }
}
