// Policy evaluation with caching. A policy is an ordered list of terms; the first term whose conditions hold and
// whose action is accept or reject decides; `next` terms apply their `set` and continue, and later terms match
// against the attributes as changed; when no term decides, the policy's default does (RFC 4271 §9.1.1 / §9.1.3
// leave the semantics to the implementation; these are Junos's, and BIRD's filters behave alike).
//
// Cost. Routes of one UPDATE share an attribute set, and the RIB handles them one after the other, so a binding
// keeps a small direct-mapped cache keyed by attribute-set identity (256 slots: no per-set memory, which matters
// with a million routes and ~10^5 sets). Per slot: the prefix-free conditions of every term (evaluated once),
// the attributes after each `set` along the way, and the final result per sequence of matched terms. So only
// the prefix conditions (trie lookups) run per route, and when no term looks at the prefix the walk is a few
// boolean tests. A policy that looks at the source peer (route-type, neighbor) caches per source.

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

/** The state after the `set` of the matched terms so far: attributes, flags, prefix-free matches on them. */
interface Step {
  readonly attrs: Attrs;
  readonly flags: SetFlags;
  readonly attrOk: boolean[];
}

class CacheEntry {
  readonly attrs: Attrs;
  /** Source peer index the entry is valid for (-1: any). */
  readonly src: number;
  /** Prefix-free condition results per term, on the input attributes. */
  attrOk: boolean[] | null = null;
  /** Intermediate states after `next` terms changed the attributes, by matched-terms key. */
  readonly steps = new Map<number | string, Step>();
  /** Final result by matched-terms key (number bitmask, or a string for long policies). */
  readonly results = new Map<number | string, PolicyResult>();
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

  private attrOk(r: RouteView, attrs: Attrs): boolean[] {
    const view: RouteView = { afi: r.afi, prefix: r.prefix, attrs, source: r.source };
    return this.policy.terms.map((t) => t.attrMatchers.every((m) => m.test(view)));
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
    // Walk the terms: which ones match this route, up to the first that decides. Later terms see the
    // attributes as earlier `next` terms left them (as in Junos and BIRD).
    let cur: Step = { attrs: r.attrs, flags: NO_FLAGS, attrOk: e.attrOk ??= this.attrOk(r, r.attrs) };
    let mask = 0;
    let skey = '';
    let decided = -1;
    for (let i = 0; i < p.terms.length; i++) {
      if (!cur.attrOk[i]) continue;
      const t = p.terms[i]!;
      if (t.prefixMatchers.length > 0) {
        const view: RouteView = cur.attrs === r.attrs ? r : { afi: r.afi, prefix: r.prefix, attrs: cur.attrs, source: r.source };
        if (!t.prefixMatchers.every((m) => m.test(view))) continue;
      }
      if (this.wide) skey += `${i},`;
      else mask |= 1 << i;
      const k = this.wide ? skey : mask;
      if (t.set !== null && t.action !== 'reject') {
        let st = e.steps.get(k);
        if (st === undefined || !st.attrs.live) {
          const flags = { ...cur.flags };
          const attrs = t.set(cur.attrs, this.env, flags);
          st = { attrs, flags, attrOk: attrs === cur.attrs ? cur.attrOk : this.attrOk(r, attrs) };
          e.steps.set(k, st);
        }
        cur = st;
      }
      if (t.action !== 'next') { decided = i; break; }
    }
    const k = this.wide ? skey : mask;
    let res = e.results.get(k);
    // A cached result whose attribute set has been freed since is recomputed (interning gives a live one).
    if (res === undefined || !res.attrs.live) {
      const d = decided < 0 ? null : p.terms[decided]!;
      res = {
        accept: d === null ? p.defaultAccept : d.action === 'accept',
        attrs: cur.attrs,
        term: d === null ? null : d.name,
        nextHopSelf: cur.flags.nextHopSelf,
        medSet: cur.flags.medSet,
      };
      e.results.set(k, res);
    }
    return res;
  }
}

const NO_FLAGS: SetFlags = Object.freeze({ nextHopSelf: false, medSet: false });
