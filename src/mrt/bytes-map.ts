// A bounded map keyed by octet strings, without building string keys: a 32-bit FNV-1a hash, then an exact
// comparison. Two generations of at most maxEntries each: when the current one fills up it becomes the old one (the
// previous old one is dropped) and a hit in the old one moves to the current one — a cheap approximation of LRU.
// Used to reuse work per distinct attribute section (a full table has a few hundred thousand, each reused across
// prefixes and peers) while keeping memory flat however long the file.

interface Node<V> {
  /** The key octets as a latin1 string: about half the memory of a small Uint8Array of its own. */
  readonly key: string;
  readonly value: V;
  next: Node<V> | null;
}

export function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 ^ (e - s);
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function find<V>(x: Node<V> | null | undefined, b: Uint8Array, s: number, e: number): Node<V> | null {
  const n = e - s;
  for (; x !== null && x !== undefined; x = x.next) {
    const k = x.key;
    if (k.length !== n) continue;
    let i = 0;
    while (i < n && k.charCodeAt(i) === b[s + i]) i++;
    if (i === n) return x;
  }
  return null;
}

export class BytesMap<V> {
  private cur = new Map<number, Node<V>>();
  private old = new Map<number, Node<V>>();
  private n = 0;
  hits = 0;
  misses = 0;
  constructor(readonly maxEntries: number) {}

  /** The value stored for b[s, e), or undefined. */
  get(h: number, b: Uint8Array, s: number, e: number): V | undefined {
    const c = find(this.cur.get(h), b, s, e);
    if (c !== null) { this.hits++; return c.value; }
    const o = find(this.old.get(h), b, s, e);
    if (o !== null) {
      this.hits++;
      this.insert(h, o.key, o.value);
      return o.value;
    }
    this.misses++;
    return undefined;
  }

  /** Store a value for b[s, e) (the key octets are copied). */
  set(h: number, b: Uint8Array, s: number, e: number, v: V): void {
    let key = '';
    for (let i = s; i < e; i += 4096) key += String.fromCharCode.apply(null, b.subarray(i, Math.min(e, i + 4096)) as unknown as number[]);
    this.insert(h, key, v);
  }

  private insert(h: number, key: string, value: V): void {
    if (this.n >= this.maxEntries) {
      this.old = this.cur;
      this.cur = new Map();
      this.n = 0;
    }
    this.cur.set(h, { key, value, next: this.cur.get(h) ?? null });
    this.n++;
  }
}
