// Compilation of a term's `match` block into matchers. Each matcher says whether it looks at the prefix (so the
// evaluator can cache the prefix-free part per attribute set) or at the source peer (so cached results are only
// reused for the same source). Conditions of one block are ANDed; list values within a condition are ORed.

import { ORIGIN_NAMES } from '../rib/attrs.js';
import { PrefixKey, addressKey, prefixLength } from '../rib/prefix.js';
import { compileAsPathRegex } from './aspath-regex.js';
import { CommunityPattern, ExtCommunityPattern, LargeCommunityPattern } from './community-match.js';
import { PrefixSet, parsePrefixEntry } from './prefix-list.js';
import {
  asAsnRanges, asEnum, asList, asObject, asRange, asString, at, fail,
} from './read.js';
import type { PrefixEntryDef, RouteView } from './types.js';

export interface Matcher {
  readonly what: string;
  readonly usesPrefix: boolean;
  readonly usesSource: boolean;
  test(r: RouteView): boolean;
}

const MATCH_KEYS = [
  'prefix-list', 'prefix', 'prefix-length', 'as-path', 'as-path-length', 'origin-as', 'neighbor-as',
  'as-path-contains', 'community', 'community-all', 'large-community', 'ext-community', 'next-hop', 'route-type',
  'neighbor', 'origin', 'local-pref', 'med', 'not', 'any',
] as const;

function m(what: string, usesPrefix: boolean, usesSource: boolean, test: (r: RouteView) => boolean): Matcher {
  return { what, usesPrefix, usesSource, test };
}

function inRanges(v: number, ranges: readonly [number, number][]): boolean {
  for (const [a, b] of ranges) if (v >= a && v <= b) return true;
  return false;
}

/** Compile a `match` mapping into the list of matchers that must all hold. */
export function compileMatch(raw: unknown, key: string, lists: ReadonlyMap<string, PrefixSet>): Matcher[] {
  const o = asObject(raw, key, MATCH_KEYS);
  const out: Matcher[] = [];
  for (const k of Object.keys(o) as (typeof MATCH_KEYS)[number][]) {
    const v = o[k];
    const kk = at(key, k);
    switch (k) {
      case 'prefix-list': {
        const set = new PrefixSet();
        const names: string[] = [];
        for (const { value, key: ik } of asList(v, kk)) {
          const name = asString(value, ik);
          const l = lists.get(name);
          if (l === undefined) fail(ik, `no prefix list named "${name}"`);
          set.addAll(l);
          names.push(name);
        }
        out.push(m(`prefix-list ${names.join(',')}`, true, false, (r) => set.matches(r.prefix)));
        break;
      }
      case 'prefix': {
        const set = new PrefixSet();
        for (const { value, key: ik } of asList(v, kk)) {
          const e = parsePrefixEntry(value as PrefixEntryDef);
          if (typeof e === 'string') fail(ik, e);
          set.add(e);
        }
        out.push(m('prefix', true, false, (r) => set.matches(r.prefix)));
        break;
      }
      case 'prefix-length': {
        const [a, b] = asRange(v, kk, 0, 128);
        out.push(m(`prefix-length ${a}-${b}`, true, false, (r) => {
          const l = prefixLength(r.prefix);
          return l >= a && l <= b;
        }));
        break;
      }
      case 'as-path': {
        const res = asList(v, kk).map(({ value, key: ik }) => {
          const p = asString(value, ik);
          try { return compileAsPathRegex(p); } catch (e) {
            // The engine's message quotes the translated pattern; keep only its reason.
            const why = (e as Error).message.split(': ').pop();
            return fail(ik, `bad regular expression "${p}": ${why}`);
          }
        });
        out.push(m('as-path', false, false, (r) => {
          const t = r.attrs.asPath.text();
          for (const re of res) if (re.test(t)) return true;
          return false;
        }));
        break;
      }
      case 'as-path-length': {
        const [a, b] = asRange(v, kk, 0, 0xffff);
        out.push(m('as-path-length', false, false, (r) => r.attrs.asPath.length >= a && r.attrs.asPath.length <= b));
        break;
      }
      case 'origin-as': {
        const rg = asAsnRanges(v, kk);
        out.push(m('origin-as', false, false, (r) => r.attrs.asPath.originAs >= 0 && inRanges(r.attrs.asPath.originAs, rg)));
        break;
      }
      case 'neighbor-as': {
        const rg = asAsnRanges(v, kk);
        out.push(m('neighbor-as', false, false, (r) => r.attrs.asPath.neighborAs >= 0 && inRanges(r.attrs.asPath.neighborAs, rg)));
        break;
      }
      case 'as-path-contains': {
        const rg = asAsnRanges(v, kk);
        out.push(m('as-path-contains', false, false, (r) => {
          const d = r.attrs.asPath.data;
          for (let i = 0; i < d.length;) {
            const n = d[i + 1]!;
            for (let j = 0; j < n; j++) if (inRanges(d[i + 2 + j]!, rg)) return true;
            i += 2 + n;
          }
          return false;
        }));
        break;
      }
      case 'community':
      case 'community-all': {
        const pats = asList(v, kk).map(({ value, key: ik }) => {
          const p = CommunityPattern.parse(asString(value, ik));
          return p ?? fail(ik, `bad community pattern "${String(value)}" (e.g. "64500:100", "64500:*", "no-export")`);
        });
        const all = k === 'community-all';
        out.push(m(k, false, false, (r) => {
          const vals = r.attrs.communities?.values;
          return all ? pats.every((p) => p.any(vals)) : pats.some((p) => p.any(vals));
        }));
        break;
      }
      case 'large-community': {
        const pats = asList(v, kk).map(({ value, key: ik }) => LargeCommunityPattern.parse(asString(value, ik))
          ?? fail(ik, `bad large community pattern "${String(value)}" (e.g. "64500:1:2", "64500:*:*")`));
        out.push(m(k, false, false, (r) => pats.some((p) => p.any(r.attrs.largeCommunities?.values))));
        break;
      }
      case 'ext-community': {
        const pats = asList(v, kk).map(({ value, key: ik }) => ExtCommunityPattern.parse(asString(value, ik))
          ?? fail(ik, `bad extended community pattern "${String(value)}" (e.g. "rt:64500:100", "rt:64500:*")`));
        out.push(m(k, false, false, (r) => pats.some((p) => p.any(r.attrs.extCommunities?.values))));
        break;
      }
      case 'next-hop': {
        const set = new PrefixSet();
        for (const { value, key: ik } of asList(v, kk)) {
          const s = asString(value, ik);
          // An address matches itself; a prefix matches every address inside it.
          const e = parsePrefixEntry(s.includes('/') ? `${s}+` : `${s}/${s.includes(':') ? 128 : 32}`);
          if (typeof e === 'string') fail(ik, `"${s}" is not an address or prefix`);
          set.add(e);
        }
        const keyOf = new WeakMap<object, PrefixKey | null>();
        out.push(m('next-hop', false, false, (r) => {
          const nh = r.attrs.nextHop;
          if (nh === null) return false;
          let k2 = keyOf.get(nh);
          if (k2 === undefined) { k2 = addressKey(nh.address); keyOf.set(nh, k2); }
          return k2 !== null && set.matches(k2);
        }));
        break;
      }
      case 'route-type': {
        const types = asList(v, kk).map(({ value, key: ik }) => asEnum(value, ik, ['ebgp', 'ibgp', 'local'] as const));
        out.push(m('route-type', false, true, (r) => types.includes(r.source.routeType)));
        break;
      }
      case 'neighbor': {
        const names = asList(v, kk).map(({ value, key: ik }) => asString(value, ik));
        out.push(m('neighbor', false, true, (r) => names.includes(r.source.name) || names.includes(r.source.address)));
        break;
      }
      case 'origin': {
        const vals = asList(v, kk).map(({ value, key: ik }) => ORIGIN_NAMES.indexOf(asEnum(value, ik, ORIGIN_NAMES)));
        out.push(m('origin', false, false, (r) => vals.includes(r.attrs.origin)));
        break;
      }
      case 'local-pref': {
        const [a, b] = asRange(v, kk, 0, 0xffffffff);
        out.push(m('local-pref', false, false, (r) => r.attrs.localPref !== null && r.attrs.localPref >= a && r.attrs.localPref <= b));
        break;
      }
      case 'med': {
        const [a, b] = asRange(v, kk, 0, 0xffffffff);
        out.push(m('med', false, false, (r) => r.attrs.med !== null && r.attrs.med >= a && r.attrs.med <= b));
        break;
      }
      case 'not': {
        const inner = compileMatch(v, kk, lists);
        out.push(m('not', inner.some((x) => x.usesPrefix), inner.some((x) => x.usesSource),
          (r) => !inner.every((x) => x.test(r))));
        break;
      }
      case 'any': {
        if (!Array.isArray(v) || v.length === 0) fail(kk, 'expected a non-empty list of match blocks');
        const alts = v.map((x, i) => compileMatch(x, at(kk, i), lists));
        const flat = alts.flat();
        out.push(m('any', flat.some((x) => x.usesPrefix), flat.some((x) => x.usesSource),
          (r) => alts.some((a) => a.every((x) => x.test(r)))));
        break;
      }
    }
  }
  return out;
}
