// Prefix lists with ge/le ranges, compiled to a binary trie per address family (the structure of BIRD's trie
// filters and of Cisco prefix-list lookups), so that a match costs at most one step per prefix bit regardless
// of the list's size.
//
// Entry semantics (Cisco `ip prefix-list`, Junos `route-filter ... upto`, BIRD `prefix{ge,le}`): an entry P/l
// with range [ge, le] matches a route R/r when the first l bits of R equal P's and ge <= r <= le. Forms:
//   "192.0.2.0/24"              exact (ge = le = 24)
//   "192.0.2.0/24 le 32"        24..32          "192.0.2.0/24 ge 26"   26..32 (up to the family maximum)
//   "192.0.2.0/24 ge 26 le 28"  26..28          "192.0.2.0/24+"         24..max ("or longer")
//   "192.0.2.0/24{26,28}"       26..28 (BIRD notation)
//   { prefix: "192.0.2.0/24", ge: 26, le: 28 }

import { PrefixKey, parsePrefix, prefixBit, prefixLength, v4Key } from '../rib/prefix.js';
import type { PrefixEntryDef } from './types.js';

interface Node {
  /** Pairs [ge, le] of entries ending at this node. */
  ranges: number[] | null;
  zero: Node | null;
  one: Node | null;
}

const newNode = (): Node => ({ ranges: null, zero: null, one: null });

export interface PrefixRange {
  readonly key: PrefixKey;
  readonly ge: number;
  readonly le: number;
}

/** Parse one entry; returns an error text instead of throwing, for the compiler to attach a key. */
export function parsePrefixEntry(def: PrefixEntryDef): PrefixRange | string {
  let text: string, ge: number | undefined, le: number | undefined;
  if (typeof def === 'string') {
    let t = def.trim();
    let plus = false;
    const brace = /^(\S+)\{(\d+),(\d+)\}$/.exec(t);
    if (brace) { t = brace[1]!; ge = Number(brace[2]); le = Number(brace[3]); }
    else {
      const m = /^(\S+?)(\+)?(?:\s+ge\s+(\d+))?(?:\s+le\s+(\d+))?$/.exec(t);
      if (m === null) return `cannot read prefix entry "${def}" (expected "P/len [ge N] [le N]")`;
      t = m[1]!;
      plus = m[2] === '+';
      if (m[3] !== undefined) ge = Number(m[3]);
      if (m[4] !== undefined) le = Number(m[4]);
      if (plus && (ge !== undefined || le !== undefined)) return `"${def}": "+" cannot be combined with ge/le`;
    }
    text = t;
    if (plus) ge = -1; // marker: len..max
  } else {
    text = def.prefix;
    ge = def.ge;
    le = def.le;
  }
  if (!text.includes('/')) return `"${text}" is not a prefix (missing /length)`;
  const p = parsePrefix(text);
  if (p === null) return `"${text}" is not a valid prefix`;
  const len = prefixLength(p.key);
  const max = p.afi === 'ipv4' ? 32 : 128;
  let lo: number, hi: number;
  if (ge === -1) { lo = len; hi = max; }
  else if (ge === undefined && le === undefined) { lo = len; hi = len; }
  else { lo = ge ?? len; hi = le ?? max; }
  for (const [n, v] of [['ge', lo], ['le', hi]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > max) return `${n} ${v} is outside 0..${max}`;
  }
  if (lo < len) return `ge ${lo} is shorter than the prefix length ${len}`;
  if (lo > hi) return `ge ${lo} is greater than le ${hi}`;
  return { key: p.key, ge: lo, le: hi };
}

export class PrefixSet {
  private readonly v4 = newNode();
  private readonly v6 = newNode();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(r: PrefixRange): void {
    let node = typeof r.key === 'number' ? this.v4 : this.v6;
    const len = prefixLength(r.key);
    for (let i = 0; i < len; i++) {
      if (prefixBit(r.key, i) === 0) node = node.zero ??= newNode();
      else node = node.one ??= newNode();
    }
    (node.ranges ??= []).push(r.ge, r.le);
    this.count++;
  }

  addAll(other: PrefixSet): void {
    for (const r of other.entries()) this.add(r);
  }

  /** True when some entry matches the prefix. */
  matches(key: PrefixKey): boolean {
    let node: Node | null = typeof key === 'number' ? this.v4 : this.v6;
    const len = prefixLength(key);
    for (let depth = 0; node !== null; depth++) {
      const rg = node.ranges;
      if (rg !== null) for (let i = 0; i < rg.length; i += 2) if (len >= rg[i]! && len <= rg[i + 1]!) return true;
      if (depth === len) return false;
      node = prefixBit(key, depth) === 0 ? node.zero : node.one;
    }
    return false;
  }

  /** Every entry (for display and merging). */
  *entries(): IterableIterator<PrefixRange> {
    yield* walk(this.v4, 'ipv4', [], 0);
    yield* walk(this.v6, 'ipv6', [], 0);
  }
}

function* walk(node: Node, afi: 'ipv4' | 'ipv6', bits: number[], depth: number): IterableIterator<PrefixRange> {
  if (node.ranges !== null) {
    const key = keyFromBits(afi, bits, depth);
    for (let i = 0; i < node.ranges.length; i += 2) yield { key, ge: node.ranges[i]!, le: node.ranges[i + 1]! };
  }
  if (node.zero) { bits[depth] = 0; yield* walk(node.zero, afi, bits, depth + 1); }
  if (node.one) { bits[depth] = 1; yield* walk(node.one, afi, bits, depth + 1); }
}

function keyFromBits(afi: 'ipv4' | 'ipv6', bits: number[], len: number): PrefixKey {
  if (afi === 'ipv4') {
    let a = 0;
    for (let i = 0; i < 32; i++) a = a * 2 + (i < len ? bits[i]! : 0);
    return v4Key(a, len);
  }
  const units = [len];
  for (let g = 0; g < (len + 15) >>> 4; g++) {
    let v = 0;
    for (let i = 0; i < 16; i++) v = v * 2 + (g * 16 + i < len ? bits[g * 16 + i]! : 0);
    units.push(v);
  }
  return String.fromCharCode(...units);
}
