// Reference-counted interning: one shared object per distinct value, so that the RIB compares attribute sets by
// identity and stores each distinct set once (the technique of BIRD's rta cache and GoBGP's path attribute
// dedup). No RFC; this is the memory model behind "path attributes interned".
//
// Life cycle. intern() returns the canonical object with whatever reference count it has; holders (RIB entries,
// Adj-RIB-Out entries, attribute sets holding components) call retain()/release(). An object whose count is zero
// stays findable until the next collect(), which the RIB calls at the end of every flush. So an object obtained
// from intern() may be used freely until then, and whatever nobody retained is freed — deterministically, with
// no dependence on the garbage collector.

export interface Internable {
  /** 32-bit structural hash, fixed at construction. */
  readonly hash: number;
  /** Holders, maintained by the interner only; -1 once collected (then it must not be retained). */
  refs: number;
  /** refs >= 0: the object is (still) the canonical one. */
  readonly live: boolean;
}

/** Marks a deleted slot of the open-addressing table. */
const TOMB = { hash: 0, refs: -1, live: false } as const;

/**
 * The table is open addressing with linear probing, at most half full: an array of objects and, beside it, an
 * Int32Array of their hashes, so that probing and growing read the hashes from one flat array and touch an object
 * only when its hash matches (with 10^5 objects scattered over the heap, reading each probed object's own hash
 * was a cache miss per probe, and growing the table one per object). About 24-48 bytes per object, against ~40
 * for a Map entry and its key; with 10^5..10^6 interned objects that matters (see docs/rib.md).
 */
export class Interner<T extends Internable> {
  private slots: (T | typeof TOMB | undefined)[] = new Array(64).fill(undefined);
  private hashes = new Int32Array(64);
  private mask = 63;
  private count = 0;
  private used = 0; // live entries + tombstones
  /** Objects that may have no holders: new ones, and ones released to zero. Checked by collect(). */
  private maybeDead: T[] = [];

  constructor(
    private readonly equals: (a: T, b: T) => boolean,
    private readonly onFree?: (t: T) => void,
  ) {}

  get size(): number {
    return this.count;
  }

  /** The canonical object equal to `candidate` (which becomes canonical when there is none yet). */
  intern(candidate: T): T {
    const h = candidate.hash | 0;
    const slots = this.slots, hashes = this.hashes, mask = this.mask;
    let i = h & mask;
    let free = -1;
    for (;;) {
      const s = slots[i];
      if (s === undefined) break;
      if (s === TOMB) { if (free < 0) free = i; }
      else if (hashes[i] === h && this.equals(s as T, candidate)) return s as T;
      i = (i + 1) & mask;
    }
    if (free < 0) { free = i; this.used++; }
    slots[free] = candidate;
    hashes[free] = h;
    this.count++;
    this.maybeDead.push(candidate);
    if (this.used * 2 > slots.length) this.resize(this.count * 4 > slots.length ? slots.length * 2 : slots.length);
    return candidate;
  }

  /**
   * The canonical object with hash `hash` that `same(object, key)` accepts, or undefined: a lookup that needs no
   * candidate object (interning one that turns out to exist already would only make garbage).
   */
  find<K>(hash: number, key: K, same: (t: T, key: K) => boolean): T | undefined {
    const h = hash | 0, slots = this.slots, hashes = this.hashes, mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = slots[i];
      if (s === undefined) return undefined;
      if (s !== TOMB && hashes[i] === h && same(s as T, key)) return s as T;
    }
  }

  retain(t: T): void {
    if (t.refs < 0) throw new Error('retain of a collected interned object');
    t.refs++;
  }

  release(t: T): void {
    if (t.refs <= 0) throw new Error('release of an interned object with no holders');
    if (--t.refs === 0) this.maybeDead.push(t);
  }

  /** Free every object with no holders. Returns how many were freed. */
  collect(): number {
    if (this.maybeDead.length === 0) return 0;
    const list = this.maybeDead;
    this.maybeDead = [];
    let freed = 0;
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      if (t.refs !== 0) continue;
      this.remove(t);
      t.refs = -1;
      freed++;
      this.onFree?.(t);
    }
    return freed;
  }

  *values(): IterableIterator<T> {
    for (const s of this.slots) if (s !== undefined && s !== TOMB) yield s as T;
  }

  private remove(t: T): void {
    const h = t.hash | 0;
    let i = h & this.mask;
    for (;;) {
      const s = this.slots[i];
      if (s === undefined) return;
      if (this.hashes[i] === h && s === t) break;
      i = (i + 1) & this.mask;
    }
    this.slots[i] = TOMB;
    this.count--;
    if (this.slots.length > 64 && this.count * 8 < this.slots.length) this.resize(this.slots.length / 2);
  }

  private resize(capacity: number): void {
    const old = this.slots, oldHashes = this.hashes;
    const slots: (T | typeof TOMB | undefined)[] = new Array(capacity).fill(undefined);
    const hashes = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let k = 0; k < old.length; k++) {
      const s = old[k];
      if (s === undefined || s === TOMB) continue;
      const h = oldHashes[k]!;
      let i = h & mask;
      while (slots[i] !== undefined) i = (i + 1) & mask;
      slots[i] = s;
      hashes[i] = h;
    }
    this.slots = slots;
    this.hashes = hashes;
    this.mask = mask;
    this.used = this.count;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Hashing helpers (32-bit, FNV-1a style mixing of whole numbers)

export const HASH_SEED = 0x811c9dc5 | 0;

/** Mix one number (any uint32, or -1 / small negative sentinels) into a running hash. */
export function mix(h: number, v: number): number {
  // Numbers above 2^32 (none are expected) would lose their high bits; values are uint32 or sentinels.
  h = Math.imul(h ^ (v | 0), 0x01000193);
  return (h ^ (h >>> 15)) | 0;
}

export function mixArray(h: number, a: ArrayLike<number>): number {
  h = mix(h, a.length);
  for (let i = 0; i < a.length; i++) h = mix(h, a[i]!);
  return h;
}

export function mixString(h: number, s: string): number {
  h = mix(h, s.length);
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

export function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A new array of `n` numbers (zeros) for an interned object to keep. Arrays of up to 16 numbers are made from one
 * array literal per length: V8 allocates the arrays of a literal straight into the old generation once it sees
 * that most of them outlive the young one (see table.ts newDest), which arrays made by slice() or `new Array(n)`
 * never are. Only kept arrays come from here, so that the literals' arrays do outlive the young generation.
 */
export function newNumbers(n: number): number[] {
  switch (n) {
    case 0: return [];
    case 1: return [0];
    case 2: return [0, 0];
    case 3: return [0, 0, 0];
    case 4: return [0, 0, 0, 0];
    case 5: return [0, 0, 0, 0, 0];
    case 6: return [0, 0, 0, 0, 0, 0];
    case 7: return [0, 0, 0, 0, 0, 0, 0];
    case 8: return [0, 0, 0, 0, 0, 0, 0, 0];
    case 9: return [0, 0, 0, 0, 0, 0, 0, 0, 0];
    case 10: return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    case 11: return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    case 12: return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    case 13: return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    case 14: return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    case 15: return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    case 16: return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    default: return new Array<number>(n).fill(0);
  }
}

/** A copy of `src` for an interned object to keep (see newNumbers). */
export function keepNumbers(src: readonly number[]): number[] {
  if (src.length > 16) return src.slice();
  const out = newNumbers(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]!;
  return out;
}

/**
 * Numbers read from bytes as they arrived: big-endian 32-bit words (and, for AS paths, the octets of the segment
 * headers) in b[from, to). A lookup key for the interning tables, so that a received value already interned is
 * found without an array made for it; one scratch instance is reused by each caller (WIRE).
 */
export interface WireSpan {
  b: Uint8Array;
  from: number;
  to: number;
}
export const WIRE: WireSpan = { b: new Uint8Array(0), from: 0, to: 0 };
