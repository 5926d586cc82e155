// Compilation of a term's `set` block into one function from attributes to attributes (RFC 4271 §5.1.4 MED,
// §5.1.5 LOCAL_PREF, §5.1.2 AS_PATH prepending, RFC 1997 / RFC 8092 / RFC 4360 community edits, §5.1.3 NEXT_HOP).
//
// Within one block the edits apply in a fixed order, whatever the key order in the file: local-pref, med,
// origin, communities (clear or set, then remove, then add; standard, large, extended), prepend, next-hop.
// `next-hop: self` cannot be resolved here (it is the session's local address): it is returned as a flag.

import { Attrs, AttrsPatch, ORIGIN_NAMES } from '../rib/attrs.js';
import { prependData } from '../rib/aspath.js';
import { parseCommunity, parseExtCommunity, parseLargeCommunity } from '../rib/communities.js';
import { canonicalAddress } from '../rib/prefix.js';
import { CommunityPattern, ExtCommunityPattern, LargeCommunityPattern } from './community-match.js';
import { asEnum, asInt, asList, asObject, asString, at, fail } from './read.js';
import type { PolicyEnv } from './types.js';

export interface SetFlags {
  nextHopSelf: boolean;
  medSet: boolean;
}

export type SetOp = (a: Attrs, env: PolicyEnv, flags: SetFlags) => Attrs;

interface Edit<P> {
  clear: boolean;
  set: number[] | null;
  remove: P[];
  add: number[];
}

function readEdit<P>(raw: unknown, key: string, parseValue: (s: string) => number[] | null,
  parsePattern: (s: string) => P | null, example: string): Edit<P> {
  const o = asObject(raw, key, ['add', 'remove', 'clear', 'set']);
  const vals = (k: string): number[] => {
    if (o[k] === undefined) return [];
    const out: number[] = [];
    for (const { value, key: ik } of asList(o[k], at(key, k))) {
      const v = parseValue(asString(value, ik));
      if (v === null) fail(ik, `bad value "${String(value)}" (e.g. ${example})`);
      out.push(...v);
    }
    return out;
  };
  if (o.clear !== undefined && typeof o.clear !== 'boolean') fail(at(key, 'clear'), 'expected true or false');
  if (o.set !== undefined && (o.clear || o.remove !== undefined)) fail(key, '`set` replaces the list: do not combine it with clear/remove');
  const remove = o.remove === undefined ? [] : asList(o.remove, at(key, 'remove')).map(({ value, key: ik }) =>
    parsePattern(asString(value, ik)) ?? fail(ik, `bad pattern "${String(value)}"`));
  return { clear: o.clear === true, set: o.set === undefined ? null : vals('set'), remove, add: vals('add') };
}

/** Apply an edit to a flat list of `width`-number items. */
function applyEdit<P>(cur: readonly number[] | undefined, e: Edit<P>, width: number,
  removes: (p: P, flat: readonly number[], i: number) => boolean): number[] {
  let base: number[] = e.clear ? [] : e.set !== null ? e.set.slice() : (cur ?? []).slice();
  if (e.remove.length > 0) {
    const kept: number[] = [];
    for (let i = 0; i < base.length; i += width) {
      if (e.remove.some((p) => removes(p, base, i))) continue;
      for (let k = 0; k < width; k++) kept.push(base[i + k]!);
    }
    base = kept;
  }
  base.push(...e.add);
  return base;
}

const SET_KEYS = ['local-pref', 'med', 'origin', 'prepend', 'community', 'large-community', 'ext-community', 'next-hop'];

export function compileSet(raw: unknown, key: string): SetOp {
  const o = asObject(raw, key, SET_KEYS);
  if (Object.keys(o).length === 0) fail(key, 'empty set block');
  const lp = o['local-pref'] === undefined ? null : asInt(o['local-pref'], at(key, 'local-pref'), 0, 0xffffffff);
  let med: number | 'remove' | null = null;
  if (o.med !== undefined) med = o.med === 'remove' ? 'remove' : asInt(o.med, at(key, 'med'), 0, 0xffffffff);
  const origin = o.origin === undefined ? null : ORIGIN_NAMES.indexOf(asEnum(o.origin, at(key, 'origin'), ORIGIN_NAMES));
  let prepend: { as: number | null; count: number } | null = null;
  if (o.prepend !== undefined) {
    const pk = at(key, 'prepend');
    if (typeof o.prepend === 'number') prepend = { as: null, count: asInt(o.prepend, pk, 1, 32) };
    else {
      const p = asObject(o.prepend, pk, ['as', 'count']);
      prepend = {
        as: p.as === undefined ? null : asInt(p.as, at(pk, 'as'), 1, 0xffffffff),
        count: p.count === undefined ? 1 : asInt(p.count, at(pk, 'count'), 1, 32),
      };
    }
  }
  const comm = o.community === undefined ? null : readEdit(o.community, at(key, 'community'),
    (s) => { const v = parseCommunity(s); return v === null ? null : [v]; }, CommunityPattern.parse, '"64500:100"');
  const large = o['large-community'] === undefined ? null : readEdit(o['large-community'], at(key, 'large-community'),
    parseLargeCommunity, LargeCommunityPattern.parse, '"64500:1:2"');
  const ext = o['ext-community'] === undefined ? null : readEdit(o['ext-community'], at(key, 'ext-community'),
    parseExtCommunity, ExtCommunityPattern.parse, '"rt:64500:100"');
  let nh: 'self' | string | null = null;
  if (o['next-hop'] !== undefined) {
    const s = asString(o['next-hop'], at(key, 'next-hop'));
    if (s === 'self') nh = 'self';
    else {
      nh = canonicalAddress(s);
      if (nh === null) fail(at(key, 'next-hop'), `"${s}" is neither "self" nor an address`);
    }
  }

  return (a, env, flags) => {
    const store = env.store;
    const patch: AttrsPatch = {};
    if (lp !== null) patch.localPref = lp;
    if (med !== null) { patch.med = med === 'remove' ? null : med; flags.medSet = true; }
    if (origin !== null) patch.origin = origin;
    if (comm) patch.communities = store.communities(applyEdit(a.communities?.values, comm, 1, (p, f, i) => p.test(f[i]!)));
    if (large) {
      patch.largeCommunities = store.largeCommunities(
        applyEdit(a.largeCommunities?.values, large, 3, (p, f, i) => p.testAt(f, i)));
    }
    if (ext) patch.extCommunities = store.extCommunities(applyEdit(a.extCommunities?.values, ext, 2, (p, f, i) => p.testAt(f, i)));
    if (prepend) patch.asPath = store.asPath(prependData(a.asPath, prepend.as ?? env.ownAs, prepend.count));
    if (nh === 'self') flags.nextHopSelf = true;
    else if (nh !== null) { patch.nextHop = store.nextHop(nh); flags.nextHopSelf = false; }
    return store.derive(a, patch);
  };
}
