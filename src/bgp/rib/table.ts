// One address family's table: per prefix, the candidate paths (the post-policy Adj-RIB-In of every peer, RFC 4271
// §3.2) and the selected route(s) (the Loc-RIB), with change tracking for incremental decisions.
//
// Memory layout (a full table is ~1M candidates, so no object per candidate):
//   Map<PrefixKey, Dest>; a Dest holds one interleaved array [attrs0, meta0, attrs1, meta1, ...] in arrival
//   order, where meta packs the source into one number:
//     meta = pathId * 2^20 + flags * 2^16 + peerIndex      (peer < 65536, flags < 16, exact in a double)
//   flags: bits 0-2 an ineligibility reason (loop, route leak), bit 3 "stale" (graceful restart, RFC 4724).
//   Candidates of peers without add-path have pathId 0, so their meta is a small integer (an unboxed Smi).
// A candidate is identified by (peer, pathId) — meta without the flags.
//
// Incremental decisions: any change to a prefix's candidates snapshots its selected route(s) (once per batch)
// and marks it undecided; the RIB re-runs the decision for exactly those prefixes and compares with the
// snapshot to report the Loc-RIB delta.

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

// Candidate arrays are rebuilt at their exact size on every change instead of grown with push(): V8 grows a
// pushed array to 1.5x + 16 slots, which for a typical 10-path prefix wastes ~180 bytes, i.e. ~18 B per route.
function withAppended(c: readonly (Attrs | number)[], attrs: Attrs, meta: number): (Attrs | number)[] {
  const n = c.length;
  const out = new Array<Attrs | number>(n + 2);
  for (let i = 0; i < n; i++) out[i] = c[i]!;
  out[n] = attrs;
  out[n + 1] = meta;
  return out;
}
function without(c: readonly (Attrs | number)[], slot: number): (Attrs | number)[] {
  const n = c.length;
  const out = new Array<Attrs | number>(n - 2);
  for (let i = 0, j = 0; i < n; i++) if (i !== slot && i !== slot + 1) out[j++] = c[i]!;
  return out;
}

export class Dest {
  /** [attrs, meta, attrs, meta, ...] in arrival order. */
  c: (Attrs | number)[] = [];
  /** Slot (even index into c) of the selected route; -1 none; UNDECIDED after a change. */
  best = -1;
  /** Slots of the multipath set, best first; null when it is just the best. */
  multi: number[] | null = null;

  get size(): number {
    return this.c.length >> 1;
  }
  attrsAt(slot: number): Attrs {
    return this.c[slot] as Attrs;
  }
  metaAt(slot: number): number {
    return this.c[slot + 1] as number;
  }
  /** Slot of candidate (peer, pathId), or -1. */
  find(id: number): number {
    const c = this.c;
    for (let s = 0; s < c.length; s += 2) if (metaId(c[s + 1] as number) === id) return s;
    return -1;
  }
}

/** The Loc-RIB state of a prefix before the current batch of changes. */
export interface Snapshot {
  /** metaId of the best, -1 when none. */
  readonly id: number;
  readonly attrs: Attrs | null;
  /** [id, attrs, ...] of the multipath set beyond the best, or null. */
  readonly multi: readonly (number | Attrs)[] | null;
}

const NO_ROUTE: Snapshot = Object.freeze({ id: -1, attrs: null, multi: null });

export interface Decider {
  decide(dest: Dest): void;
}

export class Table<K extends PrefixKey = PrefixKey> {
  readonly dests = new Map<K, Dest>();
  readonly dirty = new Map<K, Snapshot>();

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
    if (d !== undefined && d.best === UNDECIDED) this.decider.decide(d);
    return d;
  }

  snapshotOf(d: Dest): Snapshot {
    if (d.best < 0) return NO_ROUTE;
    let multi: (number | Attrs)[] | null = null;
    if (d.multi !== null) {
      multi = [];
      for (let i = 1; i < d.multi.length; i++) {
        const s = d.multi[i]!;
        multi.push(metaId(d.metaAt(s)), d.attrsAt(s));
      }
    }
    return { id: metaId(d.metaAt(d.best)), attrs: d.attrsAt(d.best), multi };
  }

  /** Record the pre-change state (once per batch) and mark the prefix undecided. */
  touch(key: K, d: Dest): void {
    if (d.best === UNDECIDED) return;
    if (!this.dirty.has(key)) this.dirty.set(key, this.snapshotOf(d));
    d.best = UNDECIDED;
    d.multi = null;
  }

  /**
   * Add or replace candidate (peer, pathId). Returns 0 when nothing changed, 1 when added, 2 when replaced.
   * A replaced candidate moves to the end (it is the newest arrival).
   */
  upsert(key: K, peer: number, pathId: number, attrs: Attrs, flags: number): 0 | 1 | 2 {
    let d = this.dests.get(key);
    if (d === undefined) {
      d = new Dest();
      this.dests.set(key, d);
      if (!this.dirty.has(key)) this.dirty.set(key, NO_ROUTE);
      d.best = UNDECIDED;
    }
    const id = makeMeta(peer, pathId, 0);
    const meta = id + flags * FLAG_UNIT;
    const s = d.find(id);
    if (s >= 0) {
      const oldAttrs = d.c[s] as Attrs, oldMeta = d.c[s + 1] as number;
      if (oldAttrs === attrs) {
        if (oldMeta === meta) return 0;
        // Only the stale mark differs (a refreshed route after graceful restart): no decision input changed.
        if ((metaFlags(oldMeta) & REASON_MASK) === (flags & REASON_MASK)) { d.c[s + 1] = meta; return 0; }
      }
      this.touch(key, d);
      this.store.retain(attrs);
      this.store.release(oldAttrs);
      d.c = withAppended(without(d.c, s), attrs, meta);
      return 2;
    }
    this.touch(key, d);
    this.store.retain(attrs);
    d.c = withAppended(d.c, attrs, meta);
    return 1;
  }

  /** Remove candidate (peer, pathId); false when there was none. */
  remove(key: K, peer: number, pathId: number): boolean {
    const d = this.dests.get(key);
    if (d === undefined) return false;
    const s = d.find(makeMeta(peer, pathId, 0));
    if (s < 0) return false;
    this.touch(key, d);
    this.store.release(d.c[s] as Attrs);
    d.c = without(d.c, s);
    return true;
  }

  /** Remove every candidate of `peer` (only the stale ones when `onlyStale`). Returns how many. */
  removePeer(peer: number, onlyStale = false): number {
    let n = 0;
    for (const [key, d] of this.dests) {
      for (let s = d.c.length - 2; s >= 0; s -= 2) {
        const meta = d.c[s + 1] as number;
        if (metaPeer(meta) !== peer) continue;
        if (onlyStale && (metaFlags(meta) & STALE) === 0) continue;
        this.touch(key, d);
        this.store.release(d.c[s] as Attrs);
        d.c = without(d.c, s);
        n++;
      }
    }
    return n;
  }

  /** Set the stale mark on every candidate of `peer` (RFC 4724 §4.2 receiving speaker). Returns how many. */
  markStale(peer: number): number {
    let n = 0;
    for (const d of this.dests.values()) {
      const c = d.c;
      for (let s = 0; s < c.length; s += 2) {
        const meta = c[s + 1] as number;
        if (metaPeer(meta) === peer && (metaFlags(meta) & STALE) === 0) { c[s + 1] = meta + STALE * FLAG_UNIT; n++; }
      }
    }
    return n;
  }

  /** Mark every prefix undecided (the next-hop resolver's answers changed). */
  touchAll(): void {
    for (const [key, d] of this.dests) this.touch(key, d);
  }

  /** Drop a prefix that has no candidates left (after its change was reported). */
  pruneIfEmpty(key: K, d: Dest): void {
    if (d.c.length === 0) this.dests.delete(key);
  }
}
