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
 * The table is open addressing with linear probing over one array, at most half full: about 16-32 bytes per
 * object, against ~40 for a Map entry. With 10^5..10^6 interned objects that matters (see docs/rib.md).
 */
export class Interner<T extends Internable> {
  private slots: (T | typeof TOMB | undefined)[] = new Array(64).fill(undefined);
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
    const h = candidate.hash;
    let i = h & this.mask;
    let free = -1;
    for (;;) {
      const s = this.slots[i];
      if (s === undefined) break;
      if (s === TOMB) { if (free < 0) free = i; }
      else if (s.hash === h && this.equals(s as T, candidate)) return s as T;
      i = (i + 1) & this.mask;
    }
    if (free < 0) { free = i; this.used++; }
    this.slots[free] = candidate;
    this.count++;
    this.maybeDead.push(candidate);
    if (this.used * 2 > this.slots.length) this.resize(this.count * 4 > this.slots.length ? this.slots.length * 2 : this.slots.length);
    return candidate;
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
    let i = t.hash & this.mask;
    for (;;) {
      const s = this.slots[i];
      if (s === undefined) return;
      if (s === t) break;
      i = (i + 1) & this.mask;
    }
    this.slots[i] = TOMB;
    this.count--;
    if (this.slots.length > 64 && this.count * 8 < this.slots.length) this.resize(this.slots.length / 2);
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.slots = new Array(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.used = this.count;
    for (const s of old) {
      if (s === undefined || s === TOMB) continue;
      let i = s.hash & this.mask;
      while (this.slots[i] !== undefined) i = (i + 1) & this.mask;
      this.slots[i] = s;
    }
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
