// Communities as the RIB keeps them: RFC 1997 communities, RFC 4360 extended communities, RFC 8092 large
// communities, and the well-known values of the IANA registry (RFC 1997 §2, RFC 7999, RFC 8326, RFC 9494).
//
// Each list is an interned NumList of uint32 values, in canonical order (sorted, no duplicates): the order of
// communities carries no meaning (RFC 1997 §3, RFC 8092 §5 treat them as sets), and a canonical order lets equal
// sets share one object. Layout per kind:
//   standard  [c0, c1, ...]                   c = asn << 16 | value
//   extended  [hi0, lo0, hi1, lo1, ...]       the 8 octets as two uint32 (hi = type, sub-type, 2 value octets)
//   large     [g0, a0, b0, g1, a1, b1, ...]   global administrator, local data 1, local data 2
// The same NumList class (unsorted) holds CLUSTER_LIST, whose order matters (RFC 4456 §8).

import { u32 } from '../wire/octets.js';
import { HASH_SEED, Internable, mix, newNumbers, sameNumbers, type WireSpan } from './intern.js';
import { formatIPv4, parseIPv4 } from './prefix.js';

export class NumList implements Internable {
  declare readonly values: readonly number[];
  declare readonly hash: number;
  declare refs: number;
  get live(): boolean {
    return this.refs >= 0;
  }

  private constructor() {}

  /** The hash a list of these values has (what make() stores). */
  static hashOf(values: readonly number[]): number {
    let h = HASH_SEED;
    for (let i = 0; i < values.length; i++) h = mix(h, values[i]!);
    return mix(h, values.length);
  }

  /** hashOf() of the big-endian 32-bit words b[from, to) (a received list), without the array made. */
  static hashOfWords(b: Uint8Array, from: number, to: number): number {
    let h = HASH_SEED;
    for (let q = from; q < to; q += 4) h = mix(h, u32(b, q));
    return mix(h, (to - from) >> 2);
  }

  /** Whether this list holds the big-endian 32-bit words of `w` (for Interner.find). */
  static hasWords(l: NumList, w: WireSpan): boolean {
    const v = l.values, b = w.b;
    if (v.length !== (w.to - w.from) >> 2) return false;
    for (let i = 0, q = w.from; i < v.length; i++, q += 4) if (v[i] !== u32(b, q)) return false;
    return true;
  }

  /**
   * A new (not yet interned) list over `values` (kept as given). An object literal with this class's prototype,
   * not `new`, so that V8 may allocate it straight into the old generation (see Attrs.make).
   */
  static make(values: readonly number[], hash = NumList.hashOf(values)): NumList {
    return { __proto__: NUM_LIST_PROTO, values, hash, refs: 0 } as unknown as NumList;
  }

  static equals(a: NumList, b: NumList): boolean {
    return sameNumbers(a.values, b.values);
  }
  /** Whether this list holds `values` (for Interner.find). */
  static hasValues(l: NumList, values: readonly number[]): boolean {
    return sameNumbers(l.values, values);
  }
}

const NUM_LIST_PROTO: object = NumList.prototype;

// ---------------------------------------------------------------------------------------------------------------
// Standard communities (RFC 1997)

export const NO_EXPORT = 0xffffff01;
export const NO_ADVERTISE = 0xffffff02;
export const NO_EXPORT_SUBCONFED = 0xffffff03;
export const NO_PEER = 0xffffff04; // RFC 3765
export const GRACEFUL_SHUTDOWN = 0xffff0000; // RFC 8326
export const ACCEPT_OWN = 0xffff0001; // RFC 7611
export const LLGR_STALE = 0xffff0006; // RFC 9494
export const NO_LLGR = 0xffff0007; // RFC 9494
export const BLACKHOLE = 0xffff029a; // RFC 7999

export const WELL_KNOWN_COMMUNITIES: Readonly<Record<string, number>> = {
  'no-export': NO_EXPORT,
  'no-advertise': NO_ADVERTISE,
  'no-export-subconfed': NO_EXPORT_SUBCONFED,
  'no-peer': NO_PEER,
  'graceful-shutdown': GRACEFUL_SHUTDOWN,
  'accept-own': ACCEPT_OWN,
  'llgr-stale': LLGR_STALE,
  'no-llgr': NO_LLGR,
  blackhole: BLACKHOLE,
};
const WELL_KNOWN_NAMES = new Map<number, string>(Object.entries(WELL_KNOWN_COMMUNITIES).map(([k, v]) => [v, k]));

/** "65000:100" or a well-known name ("no-export"); null when malformed. */
export function parseCommunity(text: string): number | null {
  const t = text.trim().toLowerCase();
  const wk = WELL_KNOWN_COMMUNITIES[t];
  if (wk !== undefined) return wk;
  const m = /^(\d+):(\d+)$/.exec(t);
  if (m === null) return null;
  const a = Number(m[1]), b = Number(m[2]);
  if (a > 0xffff || b > 0xffff) return null;
  return a * 65536 + b;
}

export function formatCommunity(c: number, names = true): string {
  if (names) {
    const n = WELL_KNOWN_NAMES.get(c);
    if (n !== undefined) return n;
  }
  return `${Math.floor(c / 65536)}:${c % 65536}`;
}

/**
 * Standard community values in canonical order (sorted, unique): `values` itself when it already is (as decoded
 * lists usually are), else a sorted copy. The store keeps its own copy of a list it interns.
 */
export function canonicalCommunities(values: readonly number[]): readonly number[] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`bad community value ${v}`);
  }
  // Usually already sorted and unique (as decoded): check first, sort only when needed.
  let sorted = true;
  for (let i = 1; i < values.length; i++) if (values[i]! <= values[i - 1]!) { sorted = false; break; }
  if (sorted) return values;
  const s = values.slice();
  // A list of a few communities is sorted in place by insertion (Array sort would allocate a work copy per call,
  // once per received attribute set); long lists by Array sort.
  if (s.length <= 32) {
    for (let i = 1; i < s.length; i++) {
      const v = s[i]!;
      let j = i - 1;
      for (; j >= 0 && s[j]! > v; j--) s[j + 1] = s[j]!;
      s[j + 1] = v;
    }
  } else s.sort((a, b) => a - b);
  let n = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[n - 1]) s[n++] = s[i]!;
  s.length = n;
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Large communities (RFC 8092): "global:local1:local2"

export function parseLargeCommunity(text: string): [number, number, number] | null {
  const m = /^(\d+):(\d+):(\d+)$/.exec(text.trim());
  if (m === null) return null;
  const v: [number, number, number] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return v.every((x) => x <= 0xffffffff) ? v : null;
}

export function formatLargeCommunity(g: number, a: number, b: number): string {
  return `${g}:${a}:${b}`;
}

/**
 * Large communities as flat [g,a,b,...] in canonical order (sorted by (g, a, b), duplicates removed): `flat` itself
 * when it already is (most lists hold one or two), else a sorted copy. The store keeps its own copy of a list it
 * interns.
 */
export function canonicalTriples(flat: readonly number[]): readonly number[] {
  if (flat.length % 3 !== 0) throw new RangeError('large community list length must be a multiple of 3');
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`bad value ${v}`);
  }
  const cmp = (a: number, b: number) => flat[a]! - flat[b]! || flat[a + 1]! - flat[b + 1]! || flat[a + 2]! - flat[b + 2]!;
  let sorted = true;
  for (let i = 3; i < flat.length; i += 3) if (cmp(i - 3, i) >= 0) { sorted = false; break; }
  if (sorted) return flat;
  // Sorted by the offsets of the triples.
  const at: number[] = [];
  for (let i = 0; i < flat.length; i += 3) at.push(i);
  at.sort(cmp);
  const out: number[] = [];
  for (let k = 0; k < at.length; k++) {
    const i = at[k]!;
    if (k > 0 && cmp(at[k - 1]!, i) === 0) continue;
    out.push(flat[i]!, flat[i + 1]!, flat[i + 2]!);
  }
  return out;
}

/** Canonical flat [hi,lo,...] from pairs, sorted, duplicates removed. */
export function canonicalPairs(flat: readonly number[]): number[] {
  if (flat.length % 2 !== 0) throw new RangeError('extended community list length must be even');
  const items: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const t: [number, number] = [flat[i]!, flat[i + 1]!];
    for (const v of t) if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`bad value ${v}`);
    items.push(t);
  }
  items.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const t = items[i]!, p = items[i - 1];
    if (p && p[0] === t[0] && p[1] === t[1]) continue;
    out.push(t[0], t[1]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Extended communities (RFC 4360, RFC 5668 4-octet AS specific, RFC 7153 registry)
//
// Text forms: "rt:65000:100", "ro:65000:100" (route target / route origin, sub-types 0x02 / 0x03) with a
// 2-octet AS (type 0x00), a 4-octet AS (type 0x02, chosen when the AS does not fit 16 bits, or written "65000L"),
// or an IPv4 address (type 0x01) as administrator; "0x0002fde800000064" for any other value.

const EXT_KINDS: Record<string, number> = { rt: 0x02, ro: 0x03, soo: 0x03 };
const EXT_KIND_NAMES: Record<number, string> = { 0x02: 'rt', 0x03: 'ro' };

export function parseExtCommunity(text: string): [number, number] | null {
  const t = text.trim().toLowerCase();
  const hex = /^0x([0-9a-f]{16})$/.exec(t);
  if (hex !== null) return [parseInt(hex[1]!.slice(0, 8), 16), parseInt(hex[1]!.slice(8), 16)];
  const m = /^(rt|ro|soo):([^:]+):(\d+)$/.exec(t);
  if (m === null) return null;
  const sub = EXT_KINDS[m[1]!]!;
  const admin = m[2]!, local = Number(m[3]);
  const v4 = parseIPv4(admin);
  if (v4 !== null) {
    if (local > 0xffff) return null;
    return [((0x01 << 24) | (sub << 16) | (v4 >>> 16)) >>> 0, (((v4 & 0xffff) << 16) | local) >>> 0];
  }
  const am = /^(\d+)(l?)$/.exec(admin);
  if (am === null) return null;
  const asn = Number(am[1]);
  if (asn > 0xffffffff) return null;
  if (asn <= 0xffff && am[2] === '') {
    if (local > 0xffffffff) return null;
    return [((0x00 << 24) | (sub << 16) | asn) >>> 0, local >>> 0];
  }
  if (local > 0xffff) return null;
  return [((0x02 << 24) | (sub << 16) | (asn >>> 16)) >>> 0, (((asn & 0xffff) << 16) | local) >>> 0];
}

export function formatExtCommunity(hi: number, lo: number): string {
  const type = hi >>> 24, sub = (hi >>> 16) & 0xff;
  const kind = EXT_KIND_NAMES[sub];
  if (kind !== undefined) {
    if (type === 0x00) return `${kind}:${hi & 0xffff}:${lo >>> 0}`;
    if (type === 0x01) return `${kind}:${formatIPv4((((hi & 0xffff) << 16) | (lo >>> 16)) >>> 0)}:${lo & 0xffff}`;
    if (type === 0x02) return `${kind}:${((((hi & 0xffff) << 16) | (lo >>> 16)) >>> 0)}L:${lo & 0xffff}`;
  }
  return `0x${(hi >>> 0).toString(16).padStart(8, '0')}${(lo >>> 0).toString(16).padStart(8, '0')}`;
}

/** RFC 4360 §2: the Transitive bit is the second-highest bit of the type octet (0 = transitive). */
export function extCommunityIsTransitive(hi: number): boolean {
  return ((hi >>> 24) & 0x40) === 0;
}

/**
 * Whether the big-endian 32-bit words b[from, to), taken `width` at a time (1: standard communities, 3: large
 * ones), are in canonical order already (ascending, no duplicates), as a list received from a speaker that sorts
 * its lists usually is; then they are interned as they are, with no array made to sort them.
 */
export function canonicalWords(b: Uint8Array, from: number, to: number, width: 1 | 3): boolean {
  const step = 4 * width;
  for (let q = from + step; q < to; q += step) {
    let c = 0;
    for (let k = 0; k < step && c === 0; k += 4) c = u32(b, q - step + k) - u32(b, q + k);
    if (c >= 0) return false;
  }
  return true;
}

/**
 * The big-endian 32-bit words b[from, to), into `out`: by default an array to keep (intern.ts newNumbers); a caller
 * that only reads them passes its own.
 */
export function wordsOf(b: Uint8Array, from: number, to: number, out = newNumbers((to - from) >> 2)): number[] {
  for (let q = from, i = 0; q < to; q += 4) out[i++] = u32(b, q);
  return out;
}
