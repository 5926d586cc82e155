// Longest-prefix match: a path-compressed binary trie (PATRICIA-style, as in the BSD radix tree and the
// kernel's fib_trie minus the level compression) over address words, one trie per family. Shared by the
// in-memory FIB (forwarding lookups in the in-process lab) and the next-hop resolver (kernel routes). Pure:
// no I/O, no timers. Insert, delete and lookup cost O(depth) word compares; depth <= 32 (IPv4) or 128 (IPv6)
// and in practice near log2(n). Every node carries its prefix masked, so a lookup checks one node with one
// masked compare and never backtracks. Prefix lengths fit a byte (at most 128), hence len | has << 8.

import { parseAddress, parsePrefix, type Family, type Words } from './addr.js';

export interface LpmMatch<V> {
  /** The matching prefix, canonical text. */
  prefix: string;
  len: number;
  value: V;
}

/**
 * One family's trie. Nodes live in one flat Uint32Array, S = W + 3 words each — the key's W words (masked),
 * then len | has << 8, then the two children (index + 1; 0 = none) — so a full table costs no object per node
 * for the garbage collector to trace, and a lookup touches one cache line per level.
 * Keys are (words, len) with the host bits cleared; `text` is kept for the answers.
 */
export class PrefixTrie<V> {
  private readonly W: number;
  private readonly S: number;
  private readonly maxLen: number;
  private cap = 0;
  private nodes = new Uint32Array(0);
  private values: Array<V | undefined> = [];
  private texts: string[] = [];
  private free: number[] = [];
  private used = 0;
  private root = -1;
  private count = 0;

  constructor(readonly family: Family) {
    this.W = family === 4 ? 1 : 4;
    this.S = this.W + 3;
    this.maxLen = family === 4 ? 32 : 128;
    this.grow(64);
  }

  get size(): number {
    return this.count;
  }

  private grow(cap: number): void {
    const a = new Uint32Array(cap * this.S);
    a.set(this.nodes);
    this.nodes = a;
    this.cap = cap;
  }

  private len(n: number): number {
    return this.nodes[n * this.S + this.W]! & 0xff;
  }
  private hasValue(n: number): boolean {
    return (this.nodes[n * this.S + this.W]! & 0x100) !== 0;
  }
  private child(n: number, b: number): number {
    return this.nodes[n * this.S + this.W + 1 + b]! - 1;
  }

  private alloc(words: Words, len: number): number {
    const n = this.free.length ? this.free.pop()! : this.used++;
    if (n >= this.cap) this.grow(this.cap * 2);
    const W = this.W;
    const base = n * this.S;
    for (let i = 0; i < W; i++) {
      const bits = len - i * 32;
      this.nodes[base + i] = bits >= 32 ? words[i]! : bits <= 0 ? 0 : (words[i]! & (0xffffffff << (32 - bits))) >>> 0;
    }
    this.nodes[base + W] = len;
    this.nodes[base + W + 1] = 0;
    this.nodes[base + W + 2] = 0;
    this.values[n] = undefined;
    this.texts[n] = '';
    return n;
  }

  private release(n: number): void {
    this.values[n] = undefined;
    this.texts[n] = '';
    this.free.push(n);
  }

  /** Common leading bits of node n's key and `words`, at most `max`. */
  private common(n: number, words: Words, max: number): number {
    const base = n * this.S;
    let c = 0;
    for (let i = 0; i < this.W && c < max; i++) {
      const x = (this.nodes[base + i]! ^ words[i]!) >>> 0;
      if (x === 0) { c += 32; continue; }
      c += Math.clz32(x);
      break;
    }
    return c < max ? c : max;
  }

  /** Whether node n's prefix contains `words`. */
  private matches(n: number, words: Words): boolean {
    const base = n * this.S;
    let len = this.nodes[base + this.W]! & 0xff;
    let i = 0;
    for (; len >= 32; len -= 32, i++) if (this.nodes[base + i] !== words[i]) return false;
    return len === 0 || ((this.nodes[base + i]! ^ words[i]!) & (0xffffffff << (32 - len))) === 0;
  }

  private bit(words: Words, i: number): number {
    return (words[i >>> 5]! >>> (31 - (i & 31))) & 1;
  }

  private keyBit(n: number, i: number): number {
    return (this.nodes[n * this.S + (i >>> 5)]! >>> (31 - (i & 31))) & 1;
  }

  private setChild(p: number, b: number, c: number): void {
    if (p < 0) this.root = c;
    else this.nodes[p * this.S + this.W + 1 + b] = c + 1;
  }

  private setValue(n: number, text: string, value: V): boolean {
    const at = n * this.S + this.W;
    const isNew = (this.nodes[at]! & 0x100) === 0;
    if (isNew) this.count++;
    this.nodes[at] = this.nodes[at]! | 0x100;
    this.values[n] = value;
    this.texts[n] = text;
    return isNew;
  }

  /** Inserts or replaces; returns true if the prefix was new. */
  set(words: Words, len: number, text: string, value: V): boolean {
    if (this.root < 0) {
      this.root = this.alloc(words, len);
      return this.setValue(this.root, text, value);
    }
    let parent = -1;
    let dir = 0;
    let n = this.root;
    for (;;) {
      const nlen = this.len(n);
      const cb = this.common(n, words, nlen < len ? nlen : len);
      if (cb < nlen) {
        // The key leaves this node's path at bit cb: a new node goes between parent and n.
        let up: number;
        if (cb === len) {
          up = this.alloc(words, len);
          this.setValue(up, text, value);
          this.setChild(up, this.keyBit(n, len), n);
        } else {
          up = this.alloc(words, cb);
          const leaf = this.alloc(words, len);
          this.setValue(leaf, text, value);
          const b = this.keyBit(n, cb);
          this.setChild(up, b, n);
          this.setChild(up, 1 - b, leaf);
        }
        this.setChild(parent, dir, up);
        return true;
      }
      if (nlen === len) return this.setValue(n, text, value);
      const b = this.bit(words, nlen);
      const next = this.child(n, b);
      if (next < 0) {
        const leaf = this.alloc(words, len);
        this.setChild(n, b, leaf);
        return this.setValue(leaf, text, value);
      }
      parent = n;
      dir = b;
      n = next;
    }
  }

  /** The node holding exactly (words, len), with its parent and grandparent (and directions); null if absent. */
  private findExact(words: Words, len: number): [number, number, number, number, number] | null {
    let gp = -1;
    let gdir = 0;
    let parent = -1;
    let dir = 0;
    let n = this.root;
    while (n >= 0 && this.len(n) <= len) {
      if (!this.matches(n, words)) return null;
      if (this.len(n) === len) return this.hasValue(n) ? [n, parent, dir, gp, gdir] : null;
      gp = parent;
      gdir = dir;
      parent = n;
      dir = this.bit(words, this.len(n));
      n = this.child(n, dir);
    }
    return null;
  }

  get(words: Words, len: number): V | undefined {
    const f = this.findExact(words, len);
    return f ? this.values[f[0]] : undefined;
  }

  /** Removes the prefix; returns true if it was there. Nodes left without a value and with one child go. */
  delete(words: Words, len: number): boolean {
    const f = this.findExact(words, len);
    if (!f) return false;
    const [n, parent, dir, gp, gdir] = f;
    this.count--;
    this.nodes[n * this.S + this.W] = len; // value flag off
    this.values[n] = undefined;
    this.texts[n] = '';
    const a = this.child(n, 0);
    const b = this.child(n, 1);
    if (a >= 0 && b >= 0) return true; // still a branching point
    const only = a >= 0 ? a : b;
    this.setChild(parent, dir, only);
    this.release(n);
    // A valueless parent left with a single child is no longer needed either.
    if (only < 0 && parent >= 0 && !this.hasValue(parent)) {
      this.setChild(gp, gdir, this.child(parent, 1 - dir));
      this.release(parent);
    }
    return true;
  }

  /** The longest prefix containing the address, or undefined. */
  lookup(addr: Words): LpmMatch<V> | undefined {
    const n = this.lookupIndex(addr);
    return n < 0 ? undefined : { prefix: this.texts[n]!, len: this.len(n), value: this.values[n] as V };
  }

  /** The value of the longest prefix containing the address (no result object: the forwarding fast path). */
  lookupValue(addr: Words): V | undefined {
    const n = this.lookupIndex(addr);
    return n < 0 ? undefined : this.values[n];
  }

  private lookupIndex(addr: Words): number {
    let best = -1;
    let n = this.root;
    const nodes = this.nodes;
    if (this.W === 1) {
      // IPv4: [key, len|has, c0+1, c1+1] per node.
      const a = addr[0]!;
      while (n >= 0) {
        const base = n << 2;
        const lh = nodes[base + 1]!;
        const len = lh & 0xff;
        if (len !== 0 && ((a ^ nodes[base]!) & (0xffffffff << (32 - len))) !== 0) break;
        if (lh & 0x100) best = n;
        if (len >= 32) break;
        n = nodes[base + 2 + ((a >>> (31 - len)) & 1)]! - 1;
      }
      return best;
    }
    const max = this.maxLen;
    while (n >= 0) {
      if (!this.matches(n, addr)) break;
      const lh = nodes[n * this.S + this.W]!;
      if (lh & 0x100) best = n;
      const len = lh & 0xff;
      if (len >= max) break;
      n = this.child(n, this.bit(addr, len));
    }
    return best;
  }

  /** Every entry, in prefix order (a shorter prefix before the ones it covers). */
  *entries(): IterableIterator<LpmMatch<V>> {
    const stack: number[] = this.root >= 0 ? [this.root] : [];
    while (stack.length) {
      const n = stack.pop()!;
      if (this.hasValue(n)) yield { prefix: this.texts[n]!, len: this.len(n), value: this.values[n] as V };
      if (this.child(n, 1) >= 0) stack.push(this.child(n, 1));
      if (this.child(n, 0) >= 0) stack.push(this.child(n, 0));
    }
  }

  clear(): void {
    this.root = -1;
    this.count = 0;
    this.used = 0;
    this.free = [];
    this.values = [];
    this.texts = [];
    this.nodes = new Uint32Array(0);
    this.grow(64);
  }
}

/** Both families behind prefix and address text: what the FIB and the resolver use. */
export class Lpm<V> {
  readonly v4 = new PrefixTrie<V>(4);
  readonly v6 = new PrefixTrie<V>(6);

  get size(): number {
    return this.v4.size + this.v6.size;
  }

  private static parse(prefix: string) {
    const p = parsePrefix(prefix, { strict: false });
    if ('error' in p) throw new RangeError(p.error);
    return p;
  }

  /** Inserts or replaces (host bits are cleared); returns true if the prefix was new. Throws on a bad prefix. */
  set(prefix: string, value: V): boolean {
    const p = Lpm.parse(prefix);
    return (p.family === 4 ? this.v4 : this.v6).set(p.words, p.len, p.text, value);
  }

  get(prefix: string): V | undefined {
    const p = Lpm.parse(prefix);
    return (p.family === 4 ? this.v4 : this.v6).get(p.words, p.len);
  }

  delete(prefix: string): boolean {
    const p = Lpm.parse(prefix);
    return (p.family === 4 ? this.v4 : this.v6).delete(p.words, p.len);
  }

  /** Longest match for an address given as text; undefined if none (or if `address` is not an address). */
  lookup(address: string): LpmMatch<V> | undefined {
    const a = parseAddress(address);
    if (!a) return undefined;
    return (a.family === 4 ? this.v4 : this.v6).lookup(a.words);
  }

  lookupWords(family: Family, words: Words): LpmMatch<V> | undefined {
    return (family === 4 ? this.v4 : this.v6).lookup(words);
  }

  *entries(): IterableIterator<LpmMatch<V>> {
    yield* this.v4.entries();
    yield* this.v6.entries();
  }

  clear(): void {
    this.v4.clear();
    this.v6.clear();
  }
}
