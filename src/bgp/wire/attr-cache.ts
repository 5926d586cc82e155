// Interning of received attribute sets (RFC 4271 §4.3 path attributes less the RFC 4760 MP NLRI): one
// PackedAttrSet per distinct normalised section (attr-scan.ts), so UPDATEs with equal attributes give the same
// object and a set is decoded once. One cache per session and direction: decoding depends on the context.
//
// Layout, chosen for a full table of 10^5..10^6 distinct sets (few allocations, nothing per set but the set):
//  - an open-addressing table (linear probing, at most half full) in an Int32Array: per slot the 32-bit hash of
//    the normalised bytes and the set's index in a dense array of the sets (so growing rehashes integers only);
//    equal hashes are confirmed by comparing the bytes, so a hash collision costs a comparison, never a wrong set
//    (test/bgp/wire/packed.test.ts forces collisions);
//  - the sets' header words and bytes in slabs of 64 KiB (one ArrayBuffer each, filled in order): a slab is freed
//    when the last set in it is unreachable. The hashing pass of a lookup also copies the section to where a new
//    set would go, so a miss (nearly every UPDATE of a table with many distinct sets) does not copy it again.
// Bounded: when `maxEntries` sets are held the cache is emptied (sets already handed out stay valid).
import { type AttrSet } from './messages.js';
import type { PathAttribute } from './attributes.js';
import { headerFromList, PackedAttrSet, SetSource } from './attr-set.js';
import { HEADER_WORDS, HOT, hashBytes, hashCopyBytes, LITTLE_ENDIAN, normFromKey, SCANNED } from './attr-scan.js';
import type { MrtFamily } from './attr-values.js';
import type { CodecContext } from './context.js';
import { NO_ERRORS, type WireError } from './errors.js';

export interface AttrCacheOptions {
  /**
   * Hash of a normalised section b[from, from + octets). The default is MurmurHash3's mixing; tests pass a weak
   * one to force collisions.
   */
  readonly hash?: (b: Uint8Array, from: number, octets: number) => number;
}

const SLAB_WORDS = 16384;
/** Sections up to this size are copied into the slab while they are hashed (see lookup()). */
const COPY_AHEAD_OCTETS = 4096;
const INITIAL_SLOTS = 1024;

export class AttrCache {
  readonly maxEntries: number;
  hits = 0;
  misses = 0;
  private readonly hash: (b: Uint8Array, from: number, octets: number) => number;
  // Per slot two int32: the hash with its low bit set (0 = empty slot) and the set's index in `sets`. Probing
  // reads only this array; a set is touched only when its hash matched. `sets` is dense, in insertion order, so
  // growing the table rehashes the Int32Array alone.
  private slots = new Int32Array(2 * INITIAL_SLOTS);
  private sets: PackedAttrSet[] = [];
  private mask = INITIAL_SLOTS - 1;
  private slab32 = new Uint32Array(0);
  private slab8 = new Uint8Array(0);
  private top = 0;
  /** The source of the sets placed last (current slab, context, MRT family); replaced when any of them changes. */
  private source: SetSource | null = null;
  /**
   * The dense index of the set the last lookup() found or the last add made (-1: none): 0, 1, 2, ... in insertion
   * order, so a consumer can keep per-set data in an array instead of a Map keyed by the set. Indices restart
   * when the cache empties itself; `generation` counts those restarts.
   */
  lastIndex = -1;
  generation = 0;
  /** The hash the last lookup() computed, and the slot of its hit (or of the free slot it stopped at). */
  private lastTag = 0;
  private lastSlot = 0;
  /** Where the last lookup() already copied the section: that slab and header word index (null: not copied). */
  private copiedSlab: Uint32Array | null = null;
  private copiedAt = 0;

  constructor(maxEntries = 1_000_000, opts: AttrCacheOptions = {}) {
    this.maxEntries = maxEntries;
    this.hash = opts.hash ?? hashBytes;
  }

  get size(): number {
    return this.sets.length;
  }

  /** The dense index of `set` when it is the set the last lookup() found or the last add made; else -1. */
  indexOf(set: object): number {
    const i = this.lastIndex;
    return i >= 0 && this.sets[i] === set ? i : -1;
  }

  /** The set whose normalised section is the one of the last scan (attr-scan.ts SCANNED), or undefined. */
  lookup(): PackedAttrSet | undefined {
    const src = SCANNED.src, from = SCANNED.from, octets = SCANNED.len;
    let tag: number;
    if (this.hash === hashBytes && LITTLE_ENDIAN && octets <= COPY_AHEAD_OCTETS) {
      // Most lookups of a full table miss, and a miss copies the section into the slab: done here in the hashing
      // pass, word by word, to where place() will put it (past the slab's top, so a hit leaves nothing behind).
      const at = this.room(HEADER_WORDS + ((octets + 3) >> 2));
      tag = hashCopyBytes(src, from, octets, this.slab32, at + HEADER_WORDS) | 1;
      this.copiedSlab = this.slab32;
      this.copiedAt = at;
    } else {
      tag = this.hash(src, from, octets) | 1;
      this.copiedSlab = null;
    }
    this.lastTag = tag;
    const slots = this.slots, mask = this.mask;
    for (let i = tag & mask; ; i = (i + 1) & mask) {
      const t = slots[2 * i]!;
      if (t === 0) { this.lastSlot = i; this.lastIndex = -1; return undefined; }
      if (t !== tag) continue;
      const s = this.sets[slots[2 * i + 1]!]!, at = s.at, bytes = s.src;
      if (bytes.u32[at] === octets && sameBytes(bytes.u8, (at + HEADER_WORDS) << 2, src, from, octets)) {
        this.lastSlot = i;
        this.lastIndex = slots[2 * i + 1]!;
        return s;
      }
    }
  }

  /** Intern the section of the last lookup() (a miss) as a set whose list is decoded on first use. */
  addLazy(ctx: CodecContext, mrt: MrtFamily | undefined): PackedAttrSet {
    const at = this.place();
    const w = this.slab32;
    for (let i = 0; i < HEADER_WORDS; i++) w[at + i] = HOT[i]!;
    return this.insert(new PackedAttrSet(this.sourceFor(ctx, mrt), at, null, NO_ERRORS));
  }

  /** Intern the section of the last lookup() (a miss) with its already decoded list and errors. */
  addDecoded(list: readonly PathAttribute[], errors: readonly WireError[], ctx: CodecContext | null,
    mrt: MrtFamily | undefined): PackedAttrSet {
    const at = this.place();
    headerFromList(list, SCANNED.len, this.slab32, at);
    return this.insert(new PackedAttrSet(this.sourceFor(ctx, mrt), at, list, errors));
  }

  /** The interned set with this scanAttrs() key, or undefined. */
  get(key: string): AttrSet | undefined {
    // The key leaves out the MP attribute lengths; the two readings of MP_REACH_NLRI (full, or RFC 6396
    // abbreviated) are both tried, and the set's own key confirms the match.
    for (const abbreviated of [false, true]) {
      if (!normFromKey(key, abbreviated)) continue;
      const s = this.lookup();
      if (s !== undefined && s.key === key) return s;
    }
    return undefined;
  }

  /**
   * Intern a set built elsewhere: decoding an equal section afterwards returns the interned copy (same list and
   * errors). A set whose key is not a well-formed section is not kept (decoding never caches those either).
   */
  set(set: AttrSet): void {
    const abbreviated = set.list.some((a) => a.name === 'MP_REACH_NLRI' && a.mrt === true);
    if (!normFromKey(set.key, abbreviated)) return;
    if (this.lookup() !== undefined) {
      // Replace the entry (its bytes are equal; the new set's list and errors are what later lookups get).
      const j = this.slots[2 * this.lastSlot + 1]!, old = this.sets[j]!;
      this.sets[j] = new PackedAttrSet(new SetSource(old.src.u8, old.src.u32, null, undefined), old.at, set.list,
        set.errors);
      return;
    }
    this.addDecoded(set.list, set.errors, null, undefined);
  }

  clear(): void {
    this.generation++;
    this.lastIndex = -1;
    this.slots = new Int32Array(2 * INITIAL_SLOTS);
    this.sets = [];
    this.mask = INITIAL_SLOTS - 1;
    // Fresh slabs: the old ones go when the sets handed out from them do.
    this.slab32 = new Uint32Array(0);
    this.slab8 = new Uint8Array(0);
    this.top = 0;
    this.source = null;
    this.copiedSlab = null;
  }

  /** The source for a set placed in the current slab under this context and MRT family. */
  private sourceFor(ctx: CodecContext | null, mrt: MrtFamily | undefined): SetSource {
    const s = this.source;
    if (s !== null && s.u8 === this.slab8 && s.ctx === ctx && sameFamily(s.mrt, mrt)) return s;
    return this.source = new SetSource(this.slab8, this.slab32, ctx, mrt);
  }

  /** Make room for one more set and copy the scanned section into a slab; returns its header's word index. */
  private place(): number {
    // Bounded: a peer sending endless distinct sets must not grow memory without limit.
    if (this.sets.length >= this.maxEntries) {
      this.clear();
      this.lastSlot = this.lastTag & this.mask;
    }
    const octets = SCANNED.len;
    const need = HEADER_WORDS + ((octets + 3) >> 2);
    const at = this.room(need);
    this.top = at + need;
    // Copied already by lookup() unless the slab changed since (a new slab, or the cache was emptied).
    if (this.copiedSlab === this.slab32 && this.copiedAt === at) return at;
    const o = (at + HEADER_WORDS) << 2, src = SCANNED.src, from = SCANNED.from;
    // A plain loop for the usual sizes: set() would need a subarray view of the source, one more object per set.
    const dst = this.slab8;
    if (octets <= 512) for (let i = 0; i < octets; i++) dst[o + i] = src[from + i]!;
    else dst.set(src.subarray(from, from + octets), o);
    return at;
  }

  /** The word index where a set of `need` words goes in the current slab (a new slab when it does not fit). */
  private room(need: number): number {
    if (this.top + need > this.slab32.length) {
      // A set larger than a slab (possible with RFC 8654 extended messages) gets a slab of its own.
      const buf = new ArrayBuffer(Math.max(SLAB_WORDS, need) * 4);
      this.slab32 = new Uint32Array(buf);
      this.slab8 = new Uint8Array(buf);
      this.top = 0;
    }
    return this.top;
  }

  /** Put a new set in the free slot the last lookup() stopped at. */
  private insert(s: PackedAttrSet): PackedAttrSet {
    const i = this.lastSlot;
    this.slots[2 * i] = this.lastTag;
    this.slots[2 * i + 1] = this.lastIndex = this.sets.length;
    this.sets.push(s);
    if (this.sets.length * 2 > this.mask + 1) this.grow();
    return s;
  }

  private grow(): void {
    const old = this.slots;
    const cap = 2 * (this.mask + 1);
    const slots = this.slots = new Int32Array(2 * cap);
    const mask = this.mask = cap - 1;
    for (let j = 0; j < old.length; j += 2) {
      const tag = old[j]!;
      if (tag === 0) continue;
      let i = tag & mask;
      while (slots[2 * i] !== 0) i = (i + 1) & mask;
      slots[2 * i] = tag;
      slots[2 * i + 1] = old[j + 1]!;
    }
  }
}

/**
 * Data a consumer keeps per set of one AttrCache, `width` values per set, found by the set's dense index (an
 * array read, where a Map keyed by the set costs a hash lookup per UPDATE and, with a full table's distinct sets,
 * an entry and a rehash per set). Each index remembers its set: a value is returned only for the very set it was
 * stored for, so indices the cache reuses after emptying itself (or a set it has replaced) find nothing. Holds at
 * most as many sets as the cache has indices.
 */
export class PerSet<T> {
  private readonly sets: (object | undefined)[] = [];
  private readonly values: (T | undefined)[] = [];

  constructor(private readonly width = 1) {}

  /** Value `k` stored for `set` at `index`, or undefined. */
  get(set: object, index: number, k = 0): T | undefined {
    return this.sets[index] === set ? this.values[index * this.width + k] : undefined;
  }

  /** Store value `k` for `set` at `index` (the set's other values are dropped when the index held another set). */
  put(set: object, index: number, k: number, value: T): void {
    const w = this.width;
    if (this.sets[index] !== set) {
      // Filled in order, so the arrays stay dense (a hole far past the end would turn them into dictionaries).
      while (this.sets.length <= index) this.sets.push(undefined);
      while (this.values.length < (index + 1) * w) this.values.push(undefined);
      this.sets[index] = set;
      for (let j = 0; j < w; j++) this.values[index * w + j] = undefined;
    }
    this.values[index * w + k] = value;
  }

  clear(): void {
    this.sets.length = 0;
    this.values.length = 0;
  }
}

function sameFamily(a: MrtFamily | undefined, b: MrtFamily | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.afi === b.afi && a.safi === b.safi);
}

function sameBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}
