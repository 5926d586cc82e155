// One address family's table: per prefix, the candidate paths (the post-policy Adj-RIB-In of every peer, RFC 4271
// §3.2) and the selected route(s) (the Loc-RIB), with change tracking for incremental decisions.
//
// Memory layout (a full table is ~1M candidates, so no object per candidate):
//   Map<PrefixKey, Dest>; a Dest is one array, a header and then the candidates interleaved as
//   [..., attrs0, meta0, attrs1, meta1, ...] in arrival order (see Dest below), where meta packs the source into
//   one number:
//     meta = pathId * 2^20 + flags * 2^16 + peerIndex      (peer < 65536, flags < 16, exact in a double)
//   flags: bits 0-2 an ineligibility reason (loop, route leak), bit 3 "stale" (graceful restart, RFC 4724).
//   Candidates of peers without add-path have pathId 0, so their meta is a small integer (an unboxed Smi).
// A candidate is identified by (peer, pathId) — meta without the flags.
//
// Incremental decisions: any change to a prefix's candidates snapshots its selected route(s) (once per batch).
// When the prefix's best is known, the decider is asked whether the one candidate added or removed settles the
// new best by itself (decision/incremental.ts); otherwise the prefix is marked undecided and the RIB re-runs the
// decision for it at the next flush (or lookup). The flush compares with the snapshot to report the Loc-RIB delta.

import type { AttrStore, Attrs } from './attrs.js';
import type { Afi, PrefixKey } from './prefix.js';

export const FLAG_UNIT = 65536;
export const PATH_UNIT = 1048576;
export const STALE = 8;
export const REASON_MASK = 7;

/** Why a stored candidate cannot be selected (checked on receipt; an unreachable next hop is checked live). */
export const INELIGIBLE = {
  NONE: 0,
  AS_LOOP: 1,
  ORIGINATOR_LOOP: 2,
  CLUSTER_LOOP: 3,
  OTC_LEAK: 4,
} as const;

export const INELIGIBLE_TEXT: Record<number, string> = {
  1: 'AS path loop (own AS in AS_PATH)',
  2: 'ORIGINATOR_ID is our router id (RFC 4456 §8)',
  3: 'CLUSTER_LIST contains our cluster id (RFC 4456 §8)',
  4: 'route leak: ONLY_TO_CUSTOMER (RFC 9234 §5)',
};

export function makeMeta(peer: number, pathId: number, flags: number): number {
  return pathId * PATH_UNIT + flags * FLAG_UNIT + peer;
}
export function metaPeer(meta: number): number {
  return meta % FLAG_UNIT;
}
export function metaFlags(meta: number): number {
  return Math.floor(meta / FLAG_UNIT) % 16;
}
export function metaPathId(meta: number): number {
  return Math.floor(meta / PATH_UNIT);
}
/** (peer, pathId) identity: the meta without its flags. */
export function metaId(meta: number): number {
  return meta - (Math.floor(meta / FLAG_UNIT) % 16) * FLAG_UNIT;
}

export const UNDECIDED = -2;

// A prefix's entry (Dest) is one array: a header, then its candidates.
//   [n, best, multi, dirty, order, nbr, attrs0, meta0, attrs1, meta1, ...]
//   n      number of candidates
//   best   slot (array index) of the selected route; -1 none; UNDECIDED after a change not settled incrementally
//   multi  slots of the multipath set, best first; null when it is just the best
//   dirty  index of the prefix in its table's DirtyList (changed since the last flush), or -1
//   order  index of the prefix in its table's arrival order (see Table)
//   nbr    a 32-bit mask with a bit for the neighbor AS of each candidate (Decider.neighborBit), set when the
//          candidate arrives and not cleared when it goes: every candidate's bit is in it (a removed one's may be
//          too), so a clear bit says that no candidate has that neighbor AS without reading any candidate's
//          attributes (the MED step compares only routes of one neighbor AS)
// A candidate's slot is the index of its attributes; its meta follows. The first candidate is at slot FIRST.
// One array instead of an object holding an array: every received route looks its prefix up, and the object was
// one more dependent memory access (and one more object per prefix for the collector).
//
// Candidates are changed in place within the array's capacity; the unused tail holds `undefined`. When the
// capacity changes the array is replaced, so only the Table (which knows the prefix's key and DirtyList slot)
// grows or shrinks one (Table.rehome). During a full-table load every prefix gains its candidates one at a time,
// seconds apart, so each array outlives the young generation: rebuilding it at its exact size on every arrival
// (10 arrays for 10 peers, ~1 KB per prefix) filled the old generation with dead arrays, which is what set the
// process's peak memory. So a prefix's array holds one candidate, then two, and at the third as many as there are
// neighbors that may send the family (at most MAX_PRESIZE); beyond that it grows in steps of 4. A prefix with
// three paths is usually announced by every full feed, while one with two may be the common case of two transits
// beside many exchange peers, whose prefixes must not all get room for every neighbor. push() is not used: V8
// grows a pushed array to 1.5x + 16 slots.
export type Dest = (Attrs | number | number[] | null | undefined)[];

const H_N = 0, H_BEST = 1, H_MULTI = 2, H_DIRTY = 3, H_ORDER = 4, H_NBR = 5;
/** Slot of a prefix's first candidate. */
export const FIRST = 6;
const STEP = 4;
const MAX_PRESIZE = 16;

function capacityFor(pairs: number): number {
  return pairs <= 2 ? pairs : Math.ceil(pairs / STEP) * STEP;
}

/**
 * A prefix entry with room for `pairs` candidates and none yet (decided, with no best). One array literal per
 * size: V8 allocates the arrays of a literal (an "allocation site") straight into the old generation once it sees
 * that most of them outlive the young one, as a table's entries do, and spares the collector copying each of them
 * twice on its way there; arrays made by `new Array(n)` never get that treatment. (Measured on 300k retained
 * arrays: 4 MB instead of 62 MB copied by the young-generation collector.)
 */
export function newDest(pairs = 1): Dest {
  const u = undefined;
  switch (pairs) {
    case 1: return [0, -1, null, -1, -1, 0, u, u];
    case 2: return [0, -1, null, -1, -1, 0, u, u, u, u];
    case 3: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u];
    case 4: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u];
    case 5: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u];
    case 6: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u];
    case 7: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u, u, u];
    case 8: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u];
    case 9: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u];
    case 10: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u];
    case 11: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u];
    case 12: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u];
    case 13: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u];
    case 14: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u];
    case 15: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u];
    case 16: return [0, -1, null, -1, -1, 0, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u, u];
    default: {
      const d: Dest = new Array(FIRST + 2 * pairs).fill(undefined);
      d[H_N] = 0; d[H_BEST] = -1; d[H_MULTI] = null; d[H_DIRTY] = -1; d[H_ORDER] = -1; d[H_NBR] = 0;
      return d;
    }
  }
}

/** Number of candidates. */
export function destSize(d: Dest): number {
  return d[H_N] as number;
}
/** End of the used slots: candidates are at slots FIRST, FIRST + 2, ..., end - 2. */
export function destEnd(d: Dest): number {
  return FIRST + ((d[H_N] as number) << 1);
}
/** Candidates the array has room for. */
export function destCapacity(d: Dest): number {
  return (d.length - FIRST) >> 1;
}
/** The bit of a neighbor AS in a prefix's mask (see Dest `nbr`). */
export function neighborBit(asn: number): number {
  return 1 << (asn & 31);
}
/** The header's mask of the candidates' neighbor ASes (see Dest): a bit clear in it is no candidate's. */
export function neighborMask(d: Dest): number {
  return d[H_NBR] as number;
}
/** Slot of the selected route; -1 none; UNDECIDED when not decided since the last change. */
export function bestOf(d: Dest): number {
  return d[H_BEST] as number;
}
/** Slots of the multipath set, best first; null when it is just the best. */
export function multiOf(d: Dest): number[] | null {
  return d[H_MULTI] as number[] | null;
}
export function setDecision(d: Dest, best: number, multi: number[] | null): void {
  d[H_BEST] = best;
  d[H_MULTI] = multi;
}
export function attrsAt(d: Dest, slot: number): Attrs {
  return d[slot] as Attrs;
}
export function metaAt(d: Dest, slot: number): number {
  return d[slot + 1] as number;
}

/** Slot of candidate (peer, pathId), or -1. */
export function findSlot(d: Dest, id: number): number {
  const end = destEnd(d);
  for (let s = FIRST; s < end; s += 2) {
    // The flags only add to a meta (id + flags * FLAG_UNIT): most metas equal their id, and one below it or 16
    // flag units above cannot be this candidate; only the rest need the division.
    const m = d[s + 1] as number;
    if (m === id || (m > id && m - id < 16 * FLAG_UNIT && metaId(m) === id)) return s;
  }
  return -1;
}

/**
 * Add a candidate at the end (the newest arrival); `sources`: how many candidates the prefix may gain. Returns
 * the entry: `d`, or a larger copy of it when `d` was full (the caller then replaces `d` with it).
 */
export function destAppend(d: Dest, attrs: Attrs, meta: number, sources = 0): Dest {
  const n = d[H_N] as number, end = FIRST + (n << 1);
  if (end + 2 > d.length) {
    let pairs = capacityFor(n + 1);
    if (n === 2 && sources > pairs) pairs = Math.min(sources, MAX_PRESIZE);
    const out = newDest(pairs);
    for (let i = 0; i < end; i++) out[i] = d[i];
    d = out;
  }
  d[end] = attrs;
  d[end + 1] = meta;
  d[H_N] = n + 1;
  return d;
}

/** Replace the candidate at `slot` by a new arrival: the others keep their order, the new one goes last. */
export function destReplaceAt(d: Dest, slot: number, attrs: Attrs, meta: number): void {
  const end = destEnd(d);
  for (let i = slot + 2; i < end; i++) d[i - 2] = d[i];
  d[end - 2] = attrs;
  d[end - 1] = meta;
}

/**
 * Remove the candidate at `slot`, keeping the others in order. Returns the entry: `d`, or a smaller copy when
 * most of its capacity is no longer needed (the caller then replaces `d` with it).
 */
export function destRemoveAt(d: Dest, slot: number): Dest {
  const end = destEnd(d);
  for (let i = slot + 2; i < end; i++) d[i - 2] = d[i];
  d[end - 2] = undefined;
  d[end - 1] = undefined;
  const n = (d[H_N] as number) - 1;
  d[H_N] = n;
  if (n > 0 && (capacityFor(n) << 1) < d.length - FIRST - 2 * STEP) return d.slice(0, FIRST + (capacityFor(n) << 1));
  return d;
}

/**
 * The prefixes changed since the last flush, each with its Loc-RIB state before the change: the best's metaId
 * (-1: none) and attributes, and the multipath set beyond the best as [id, attrs, ...] (null: none). Parallel
 * arrays reused from flush to flush: a full-table load touches every prefix in every flush, and a Map rebuilt
 * per flush (plus a snapshot object per prefix) was, after the candidate arrays, the largest source of objects
 * that die only after reaching the old generation. A listed entry holds its index here (header `dirty`), so the
 * Table can update `dests` when it replaces the entry.
 */
export class DirtyList<K extends PrefixKey = PrefixKey> {
  count = 0;
  readonly keys: K[] = [];
  readonly dests: Dest[] = [];
  readonly ids: number[] = [];
  readonly attrs: (Attrs | null)[] = [];
  readonly multi: ((number | Attrs)[] | null)[] = [];

  /** Record `d` (not yet in the list) with its current state. */
  add(key: K, d: Dest): void {
    const i = this.count++;
    d[H_DIRTY] = i;
    let id = -1, attrs: Attrs | null = null, multi: (number | Attrs)[] | null = null;
    const best = bestOf(d);
    if (best >= 0) {
      id = metaId(metaAt(d, best));
      attrs = attrsAt(d, best);
      const m = multiOf(d);
      if (m !== null) {
        multi = [];
        for (let k = 1; k < m.length; k++) multi.push(metaId(metaAt(d, m[k]!)), attrsAt(d, m[k]!));
      }
    }
    if (i === this.keys.length) {
      this.keys.push(key); this.dests.push(d); this.ids.push(id); this.attrs.push(attrs); this.multi.push(multi);
    } else {
      this.keys[i] = key; this.dests[i] = d; this.ids[i] = id; this.attrs[i] = attrs; this.multi[i] = multi;
    }
  }

  /** Whether entry i's recorded state differs from its Dest's (decided) state. */
  changed(i: number): boolean {
    const d = this.dests[i]!, id = this.ids[i]!, snapMulti = this.multi[i]!;
    const best = bestOf(d);
    if (best < 0) return id >= 0;
    if (id !== metaId(metaAt(d, best)) || this.attrs[i] !== attrsAt(d, best)) return true;
    const m = multiOf(d);
    if (m === null) return snapMulti !== null;
    if (snapMulti === null || snapMulti.length !== (m.length - 1) * 2) return true;
    for (let k = 1; k < m.length; k++) {
      if (snapMulti[(k - 1) * 2] !== metaId(metaAt(d, m[k]!)) || snapMulti[(k - 1) * 2 + 1] !== attrsAt(d, m[k]!)) return true;
    }
    return false;
  }

  /** Empty the list (dropping its references, so freed attributes and pruned prefixes can be collected). */
  clear(): void {
    for (let i = 0; i < this.count; i++) {
      this.dests[i]![H_DIRTY] = -1;
      this.dests[i] = NO_DEST;
      this.attrs[i] = null;
      this.multi[i] = null;
    }
    this.count = 0;
  }
}

const NO_DEST = newDest(0);

/** Whether the prefix is in its table's DirtyList (changed since the last flush). */
export function isDirty(d: Dest): boolean {
  return (d[H_DIRTY] as number) >= 0;
}

export interface Decider {
  /** Run the full decision (sets best and multi). */
  decide(dest: Dest): void;
  /** The best after candidate `slot` was appended to a prefix whose best was `best` (-1: none), or UNDECIDED. */
  admit(dest: Dest, best: number, slot: number): number;
  /** Whether removing candidate `slot`, which is not the best, leaves `best` the best. */
  keeps(dest: Dest, best: number, slot: number): boolean;
  /** The bit of the neighbor AS the decision sees in `attrs`, for a prefix's mask (Dest `nbr`); 0: none kept. */
  neighborBit(attrs: Attrs): number;
}

/** Fewest gaps in the arrival order before it is rebuilt (then also at least half of it must be gaps). */
const ORDER_MIN_GAPS = 4096;
/** Gaps a neighbor's guess steps over (prefixes withdrawn in between). */
const ORDER_MAX_SKIP = 8;

export class Table<K extends PrefixKey = PrefixKey> {
  readonly dests = new Map<K, Dest>();
  readonly dirty = new DirtyList<K>();
  /**
   * Arrival order: the prefixes in the order they first arrived (their keys and entries; a removed prefix leaves a
   * gap, key -1 and entry null, until the order is rebuilt), and per neighbor the position of the prefix it
   * changed last. Full tables arrive from every neighbor in much the same order (each sends its table sorted, or in
   * the order of the same kind of table), so a neighbor's next prefix is most often the one after its last in
   * the order (past a few gaps): that guess is checked by one comparison of keys, in arrays read sequentially, and
   * saves the hash lookup, whose memory accesses are random over the whole table. A wrong guess falls back to the
   * map, which also gives the neighbor its new place in the order.
   */
  private readonly orderKeys: (K | -1)[] = [];
  private readonly orderDests: (Dest | null)[] = [];
  private gaps = 0;
  private readonly cursor: number[] = [];
  /** Changes whose new best the decider settled from the changed candidate alone (no full decision). */
  settled = 0;
  /** Neighbors that may send this family (set by the RIB): sizes a prefix's candidate array (destAppend). */
  sources = 0;
  /**
   * Whether every change is listed for the flush (with the prefix's state before it), to be reported: set by the
   * RIB, off when nobody takes the reports (no Loc-RIB listener, no neighbor exported to). Off, only the prefixes
   * the flush must still decide or drop are listed: a full table's load then lists none of its settled changes.
   */
  track = true;

  constructor(
    readonly afi: Afi,
    private readonly store: AttrStore,
    private readonly decider: Decider,
  ) {}

  get(key: K): Dest | undefined {
    return this.dests.get(key);
  }

  /** The decided Dest (running the decision if the prefix changed since). */
  decided(key: K): Dest | undefined {
    const d = this.dests.get(key);
    if (d !== undefined && bestOf(d) === UNDECIDED) this.decider.decide(d);
    return d;
  }

  /** Record the pre-change state (once per batch) and mark the prefix undecided. */
  touch(key: K, d: Dest): void {
    if (bestOf(d) === UNDECIDED) return;
    if (!isDirty(d)) this.dirty.add(key, d);
    setDecision(d, UNDECIDED, null);
  }

  /** Record the pre-change state (once per batch); the best before the change (UNDECIDED: not known). */
  private begin(key: K, d: Dest): number {
    if (this.track && !isDirty(d)) this.dirty.add(key, d);
    return multiOf(d) === null ? bestOf(d) : UNDECIDED;
  }

  /**
   * Set the outcome of a change: the new best slot, or UNDECIDED. A prefix the flush must still decide (UNDECIDED)
   * or drop (no candidate left) is listed whether or not changes are recorded.
   */
  private settle(key: K, d: Dest, best: number): void {
    setDecision(d, best, null);
    if (best !== UNDECIDED) this.settled++;
    if (!isDirty(d) && (best === UNDECIDED || destSize(d) === 0)) this.dirty.add(key, d);
  }

  /** `nd` replaces `d` (a new capacity) as the entry of `key`, here, in the DirtyList and in the arrival order. */
  private rehome(key: K, d: Dest, nd: Dest): Dest {
    if (nd !== d) {
      this.dests.set(key, nd);
      const i = nd[H_DIRTY] as number;
      if (i >= 0) this.dirty.dests[i] = nd;
      this.orderDests[nd[H_ORDER] as number] = nd;
    }
    return nd;
  }

  /** The entry of `key`, which `peer` changes now: the one after its last in the arrival order, or from the map. */
  private locate(key: K, peer: number): Dest | undefined {
    const keys = this.orderKeys;
    let next = (this.cursor[peer] ?? -1) + 1;
    for (let skip = 0; skip < ORDER_MAX_SKIP && next < keys.length && keys[next] === -1; skip++) next++;
    if (next < keys.length && keys[next] === key) {
      this.cursor[peer] = next;
      return this.orderDests[next]!;
    }
    const d = this.dests.get(key);
    if (d !== undefined) this.cursor[peer] = d[H_ORDER] as number;
    return d;
  }

  /** A new entry for `key`, which `peer` brings: last in the arrival order. */
  private create(key: K, peer: number): Dest {
    const d = newDest(); // decided, with no best
    const i = this.orderKeys.length;
    d[H_ORDER] = i;
    this.orderKeys.push(key);
    this.orderDests.push(d);
    this.dests.set(key, d);
    this.cursor[peer] = i;
    return d;
  }

  /** Rebuild the arrival order without its gaps (in the map's order, which is the order of arrival too). */
  private reorder(): void {
    let i = 0;
    for (const [key, d] of this.dests) {
      d[H_ORDER] = i;
      this.orderKeys[i] = key;
      this.orderDests[i] = d;
      i++;
    }
    this.orderKeys.length = i;
    this.orderDests.length = i;
    this.gaps = 0;
    this.cursor.length = 0;
  }

  /**
   * Add or replace candidate (peer, pathId). Returns 0 when nothing changed, 1 when added, 2 when replaced.
   * A replaced candidate moves to the end (it is the newest arrival).
   */
  upsert(key: K, peer: number, pathId: number, attrs: Attrs, flags: number): 0 | 1 | 2 {
    let d = this.locate(key, peer);
    if (d === undefined) d = this.create(key, peer);
    const id = makeMeta(peer, pathId, 0);
    const meta = id + flags * FLAG_UNIT;
    const s = findSlot(d, id);
    if (s >= 0) {
      const oldAttrs = d[s] as Attrs, oldMeta = d[s + 1] as number;
      if (oldAttrs === attrs) {
        if (oldMeta === meta) return 0;
        // Only the stale mark differs (a refreshed route after graceful restart): no decision input changed.
        if ((metaFlags(oldMeta) & REASON_MASK) === (flags & REASON_MASK)) { d[s + 1] = meta; return 0; }
      }
      let best = this.begin(key, d);
      if (best !== UNDECIDED && (s === best || !this.decider.keeps(d, best, s))) best = UNDECIDED;
      this.store.retain(attrs);
      this.store.release(oldAttrs);
      destReplaceAt(d, s, attrs, meta);
      if (best > s) best -= 2;
      this.settle(key, d, best === UNDECIDED ? UNDECIDED : this.decider.admit(d, best, destEnd(d) - 2));
      d[H_NBR] = (d[H_NBR] as number) | this.decider.neighborBit(attrs); // after admit(): its mask is the others'
      return 2;
    }
    const best = this.begin(key, d);
    this.store.retain(attrs);
    d = this.rehome(key, d, destAppend(d, attrs, meta, this.sources));
    this.settle(key, d, best === UNDECIDED ? UNDECIDED : this.decider.admit(d, best, destEnd(d) - 2));
    d[H_NBR] = (d[H_NBR] as number) | this.decider.neighborBit(attrs);
    return 1;
  }

  /** Remove candidate (peer, pathId); false when there was none. */
  remove(key: K, peer: number, pathId: number): boolean {
    let d = this.locate(key, peer);
    if (d === undefined) return false;
    const s = findSlot(d, makeMeta(peer, pathId, 0));
    if (s < 0) return false;
    let best = this.begin(key, d);
    if (best !== UNDECIDED && (s === best || !this.decider.keeps(d, best, s))) best = UNDECIDED;
    this.store.release(d[s] as Attrs);
    d = this.rehome(key, d, destRemoveAt(d, s));
    this.settle(key, d, best > s ? best - 2 : best);
    return true;
  }

  /** Remove every candidate of `peer` (only the stale ones when `onlyStale`). Returns how many. */
  removePeer(peer: number, onlyStale = false): number {
    let n = 0;
    for (const [key, entry] of this.dests) {
      let d = entry;
      for (let s = destEnd(d) - 2; s >= FIRST; s -= 2) {
        const meta = d[s + 1] as number;
        if (metaPeer(meta) !== peer) continue;
        if (onlyStale && (metaFlags(meta) & STALE) === 0) continue;
        this.touch(key, d);
        this.store.release(d[s] as Attrs);
        d = this.rehome(key, d, destRemoveAt(d, s));
        n++;
      }
    }
    return n;
  }

  /** Set the stale mark on every candidate of `peer` (RFC 4724 §4.2 receiving speaker). Returns how many. */
  markStale(peer: number): number {
    let n = 0;
    for (const d of this.dests.values()) {
      const end = destEnd(d);
      for (let s = FIRST; s < end; s += 2) {
        const meta = d[s + 1] as number;
        if (metaPeer(meta) === peer && (metaFlags(meta) & STALE) === 0) { d[s + 1] = meta + STALE * FLAG_UNIT; n++; }
      }
    }
    return n;
  }

  /** Mark undecided every prefix with a candidate of `peer` (a decision input of the neighbor changed). */
  touchPeer(peer: number): void {
    for (const [key, d] of this.dests) {
      const end = destEnd(d);
      for (let s = FIRST; s < end; s += 2) {
        if (metaPeer(d[s + 1] as number) === peer) { this.touch(key, d); break; }
      }
    }
  }

  /** Mark every prefix undecided (the next-hop resolver's answers changed). */
  touchAll(): void {
    for (const [key, d] of this.dests) this.touch(key, d);
  }

  /** Drop a prefix that has no candidates left (after its change was reported). */
  pruneIfEmpty(key: K, d: Dest): void {
    if (destSize(d) !== 0) return;
    this.dests.delete(key);
    const i = d[H_ORDER] as number;
    this.orderKeys[i] = -1;
    this.orderDests[i] = null;
    if (++this.gaps >= ORDER_MIN_GAPS && this.gaps * 2 >= this.orderKeys.length) this.reorder();
  }

  /** Prefixes in the arrival order, gaps included (for tests). */
  get orderLength(): number {
    return this.orderKeys.length;
  }
}
