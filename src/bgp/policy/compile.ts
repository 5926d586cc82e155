// Compiles the policy section of the configuration (types.ts describes the format) into Policy objects: prefix
// lists become tries, AS-path regexes RegExps, community patterns bounds, `set` blocks functions. Every error is a
// PolicyError naming the dotted key, e.g. `policies.from-upstream.terms[1].match.community[0]`.

import { compileSet } from './actions.js';
import { CompiledPolicy, CompiledTerm } from './evaluate.js';
import { compileMatch } from './matchers.js';
import { PrefixSet, parsePrefixEntry } from './prefix-list.js';
import { asEnum, asObject, asString, at, describe, fail } from './read.js';
import type { Policy, PrefixEntryDef } from './types.js';

export interface CompiledPolicyConfig {
  readonly prefixLists: ReadonlyMap<string, PrefixSet>;
  readonly policies: ReadonlyMap<string, Policy>;
}

const NAME_RE = /^[A-Za-z0-9_.:-]+$/;

export function compilePrefixList(raw: unknown, key: string): PrefixSet {
  if (!Array.isArray(raw)) fail(key, `expected a list of prefix entries, got ${describe(raw)}`);
  const set = new PrefixSet();
  raw.forEach((entry, i) => {
    if (typeof entry !== 'string') asObject(entry, at(key, i), ['prefix', 'ge', 'le']);
    const r = parsePrefixEntry(entry as PrefixEntryDef);
    if (typeof r === 'string') fail(at(key, i), r);
    set.add(r);
  });
  return set;
}

/**
 * Compile one policy. `def` is a mapping with `terms` and `default`, or the shorthand "accept" / "reject".
 */
export function compilePolicy(name: string, def: unknown, lists: ReadonlyMap<string, PrefixSet>, key = name): Policy {
  if (def === 'accept' || def === 'reject') return new CompiledPolicy(name, [], def === 'accept');
  const o = asObject(def, key, ['terms', 'default']);
  const dflt = o.default === undefined ? 'reject' : asEnum(o.default, at(key, 'default'), ['accept', 'reject'] as const);
  const termsRaw = o.terms ?? [];
  if (!Array.isArray(termsRaw)) fail(at(key, 'terms'), `expected a list of terms, got ${describe(termsRaw)}`);
  const names = new Set<string>();
  const terms: CompiledTerm[] = termsRaw.map((t, i) => {
    const tk = at(at(key, 'terms'), i);
    const to = asObject(t, tk, ['name', 'match', 'set', 'action']);
    const tname = to.name === undefined ? `#${i + 1}` : asString(to.name, at(tk, 'name'));
    if (names.has(tname)) fail(at(tk, 'name'), `duplicate term name "${tname}"`);
    names.add(tname);
    const matchers = to.match === undefined ? [] : compileMatch(to.match, at(tk, 'match'), lists);
    const set = to.set === undefined ? null : compileSet(to.set, at(tk, 'set'));
    if (to.action === undefined && set === null) fail(tk, 'a term needs an `action` (accept, reject, next) or a `set` block');
    const action = to.action === undefined ? 'next' : asEnum(to.action, at(tk, 'action'), ['accept', 'reject', 'next'] as const);
    // A rejected route is gone: changes to it could never be seen, so a `set` there is a mistake, not a no-op.
    if (action === 'reject' && set !== null) fail(at(tk, 'set'), 'has no effect: the term rejects the route');
    return {
      name: tname,
      attrMatchers: matchers.filter((m) => !m.usesPrefix),
      prefixMatchers: matchers.filter((m) => m.usesPrefix),
      set,
      action,
    };
  });
  return new CompiledPolicy(name, terms, dflt === 'accept');
}

/** Compile a `{ prefix-lists, policies }` section. */
export function compilePolicyConfig(raw: unknown, key = ''): CompiledPolicyConfig {
  const o = raw === undefined || raw === null ? {} : asObject(raw, key, ['prefix-lists', 'policies']);
  const lists = new Map<string, PrefixSet>();
  if (o['prefix-lists'] !== undefined) {
    const lk = at(key, 'prefix-lists');
    const lo = asObject(o['prefix-lists'], lk, Object.keys(o['prefix-lists'] as object));
    for (const [n, v] of Object.entries(lo)) {
      if (!NAME_RE.test(n)) fail(at(lk, n), 'names may use letters, digits and _ . : -');
      lists.set(n, compilePrefixList(v, at(lk, n)));
    }
  }
  const policies = new Map<string, Policy>();
  if (o.policies !== undefined) {
    const pk = at(key, 'policies');
    const po = asObject(o.policies, pk, Object.keys(o.policies as object));
    for (const [n, v] of Object.entries(po)) {
      if (!NAME_RE.test(n)) fail(at(pk, n), 'names may use letters, digits and _ . : -');
      policies.set(n, compilePolicy(n, v, lists, at(pk, n)));
    }
  }
  return { prefixLists: lists, policies };
}

/** Exchange everything (what "import all" / "export all" mean in BIRD). */
export const ACCEPT_ALL: Policy = new CompiledPolicy('accept', [], true);
/** Exchange nothing, explicitly (not an RFC 8212 notice). */
export const REJECT_ALL: Policy = new CompiledPolicy('reject', [], false);
