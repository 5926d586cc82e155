// Longest-prefix match: a path-compressed binary trie (PATRICIA-style, as in the BSD radix tree and the
// kernel's fib_trie minus the level compression) over address words, one trie per family. Shared by the
// in-memory FIB (forwarding lookups in the in-process lab) and the next-hop resolver (kernel routes). Pure:
// no I/O, no timers. Insert, delete and lookup cost O(depth) word compares; depth <= 32 (IPv4) or 128 (IPv6)
// and in practice near log2(n). Every node carries its prefix masked, so a lookup checks one node with one
// masked compare and never backtracks.

import { bitAt, commonBits, maskWords, parseAddress, parsePrefix, samePrefix, type Family, type Words } from './addr.js';

class Node<V> {
  c0: Node<V> | null = null;
  c1: Node<V> | null = null;
  has = false;
  value: V | undefined = undefined;
  text = '';
  constructor(readonly words: Words, readonly len: number) {}
}

export interface LpmMatch<V> {
  /** The matching prefix, canonical text. */
  prefix: string;
  len: number;
  value: V;
}

/** One family's trie. Keys are (words, len) with the host bits cleared; `text` is kept for the answers. */
export class PrefixTrie<V> {
  private root: Node<V> | null = null;
  private count = 0;
  constructor(readonly family: Family) {}

  get size(): number {
    return this.count;
  }

  private static child<V>(n: Node<V>, b: number): Node<V> | null {
    return b ? n.c1 : n.c0;
  }
  private static setChild<V>(n: Node<V>, b: number, c: Node<V> | null): void {
    if (b) n.c1 = c;
    else n.c0 = c;
  }

  /** Inserts or replaces; returns true if the prefix was new. */
  set(words: Words, len: number, text: string, value: V): boolean {
    const leaf = () => {
      const n = new Node<V>(maskWords(words, len), len);
      n.has = true;
      n.value = value;
      n.text = text;
      this.count++;
      return n;
    };
    if (!this.root) {
      this.root = leaf();
      return true;
    }
    let parent: Node<V> | null = null;
    let dir = 0;
    let node: Node<V> = this.root;
    for (;;) {
      const cb = commonBits(node.words, words, Math.min(node.len, len));
      if (cb < node.len) {
        // The key leaves this node's path at bit cb: a new node goes between parent and node.
        let up: Node<V>;
        if (cb === len) {
          up = leaf();
          PrefixTrie.setChild(up, bitAt(node.words, len), node);
        } else {
          up = new Node<V>(maskWords(words, cb), cb);
          PrefixTrie.setChild(up, bitAt(node.words, cb), node);
          PrefixTrie.setChild(up, bitAt(words, cb), leaf());
        }
        if (parent) PrefixTrie.setChild(parent, dir, up);
        else this.root = up;
        return true;
      }
      if (node.len === len) {
        const isNew = !node.has;
        if (isNew) this.count++;
        node.has = true;
        node.value = value;
        node.text = text;
        return isNew;
      }
      const b = bitAt(words, node.len);
      const next = PrefixTrie.child(node, b);
      if (!next) {
        PrefixTrie.setChild(node, b, leaf());
        return true;
      }
      parent = node;
      dir = b;
      node = next;
    }
  }

  private findExact(words: Words, len: number): { node: Node<V>; parent: Node<V> | null; dir: number; gp: Node<V> | null; gdir: number } | null {
    let gp: Node<V> | null = null;
    let gdir = 0;
    let parent: Node<V> | null = null;
    let dir = 0;
    let node = this.root;
    while (node && node.len <= len) {
      if (!samePrefix(node.words, words, node.len)) return null;
      if (node.len === len) return node.has ? { node, parent, dir, gp, gdir } : null;
      gp = parent;
      gdir = dir;
      parent = node;
      dir = bitAt(words, node.len);
      node = PrefixTrie.child(node, dir);
    }
    return null;
  }

  get(words: Words, len: number): V | undefined {
    return this.findExact(words, len)?.node.value;
  }

  /** Removes the prefix; returns true if it was there. Internal nodes left with one child are spliced out. */
  delete(words: Words, len: number): boolean {
    const f = this.findExact(words, len);
    if (!f) return false;
    const { node, parent, dir, gp, gdir } = f;
    this.count--;
    node.has = false;
    node.value = undefined;
    node.text = '';
    const replace = (p: Node<V> | null, d: number, c: Node<V> | null) => {
      if (p) PrefixTrie.setChild(p, d, c);
      else this.root = c;
    };
    if (node.c0 && node.c1) return true; // still a branching point
    const only = node.c0 ?? node.c1;
    replace(parent, dir, only);
    // A valueless parent left with a single child is no longer needed either.
    if (!only && parent && !parent.has) {
      const other = dir ? parent.c0 : parent.c1;
      replace(gp, gdir, other);
    }
    return true;
  }

  /** The longest prefix containing the address, or undefined. */
  lookup(addr: Words): LpmMatch<V> | undefined {
    let best: Node<V> | null = null;
    let node = this.root;
    const max = this.family === 4 ? 32 : 128;
    while (node) {
      if (!samePrefix(node.words, addr, node.len)) break;
      if (node.has) best = node;
      if (node.len >= max) break;
      node = bitAt(addr, node.len) ? node.c1 : node.c0;
    }
    return best ? { prefix: best.text, len: best.len, value: best.value as V } : undefined;
  }

  /** Every entry, in prefix order (a shorter prefix before the ones it covers). */
  *entries(): IterableIterator<LpmMatch<V>> {
    const stack: Node<V>[] = this.root ? [this.root] : [];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.has) yield { prefix: n.text, len: n.len, value: n.value as V };
      if (n.c1) stack.push(n.c1);
      if (n.c0) stack.push(n.c0);
    }
  }

  clear(): void {
    this.root = null;
    this.count = 0;
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
