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
  /** Holders. Maintained by the interner only. */
  refs: number;
  /** False once collected: the object is no longer the canonical one and must not be retained. */
  live: boolean;
}

export class Interner<T extends Internable> {
  private readonly buckets = new Map<number, T | T[]>();
  /** Objects that may have no holders: new ones, and ones released to zero. Checked by collect(). */
  private maybeDead: T[] = [];
  private count = 0;

  constructor(
    private readonly equals: (a: T, b: T) => boolean,
    private readonly onFree?: (t: T) => void,
  ) {}

  get size(): number {
    return this.count;
  }

  /** The canonical object equal to `candidate` (which becomes canonical when there is none yet). */
  intern(candidate: T): T {
    const slot = this.buckets.get(candidate.hash);
    if (slot === undefined) {
      this.buckets.set(candidate.hash, candidate);
    } else if (Array.isArray(slot)) {
      for (const t of slot) if (this.equals(t, candidate)) return t;
      slot.push(candidate);
    } else {
      if (this.equals(slot, candidate)) return slot;
      this.buckets.set(candidate.hash, [slot, candidate]);
    }
    this.count++;
    this.maybeDead.push(candidate);
    return candidate;
  }

  retain(t: T): void {
    if (!t.live) throw new Error('retain of a collected interned object');
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
    for (const t of list) {
      if (t.refs !== 0 || !t.live) continue;
      this.remove(t);
      t.live = false;
      freed++;
      this.onFree?.(t);
    }
    return freed;
  }

  *values(): IterableIterator<T> {
    for (const slot of this.buckets.values()) {
      if (Array.isArray(slot)) yield* slot;
      else yield slot;
    }
  }

  private remove(t: T): void {
    const slot = this.buckets.get(t.hash);
    if (slot === t) {
      this.buckets.delete(t.hash);
    } else if (Array.isArray(slot)) {
      const i = slot.indexOf(t);
      if (i < 0) return;
      slot.splice(i, 1);
      if (slot.length === 1) this.buckets.set(t.hash, slot[0]!);
    } else return;
    this.count--;
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
