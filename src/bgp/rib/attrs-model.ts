// The RIB's normalized route-attribute model (RFC 4271 §5.1 ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC,
// LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR; RFC 1997 COMMUNITIES; RFC 4360 EXTENDED_COMMUNITIES; RFC 8092
// LARGE_COMMUNITY; RFC 4456 ORIGINATOR_ID and CLUSTER_LIST; RFC 9234 ONLY_TO_CUSTOMER; unrecognized optional
// transitive attributes kept opaque as RFC 4271 §5 requires).
//
// An Attrs is immutable and interned: every distinct attribute set exists once, its components (AS path,
// community lists, next hop, ...) are themselves interned, so equality is identity all the way down and the
// hash of a set is built from its components' hashes. Attribute sets are created only through an AttrStore
// (intern() from an input record, derive() from another set plus changes). The speaker converts each decoded
// UPDATE into one AttrsInput; every prefix of that UPDATE then shares the one Attrs.
//
// Absent optional values are null. MED and LOCAL_PREF defaults are applied by the decision process, not here,
// so that what was received stays visible.
//
// This file holds the model (Attrs and its parts' types); attr-store.ts the interning store, attrs-view.ts the
// conversions back to plain values and to JSON. attrs.ts re-exports all three.

import type { AsPath, AsPathSegment } from './aspath.js';
import type { NumList } from './communities.js';
import { HASH_SEED, type Internable, mix } from './intern.js';
import type { NextHop } from './nexthop.js';
import { parseIPv4 } from './prefix.js';

export const ORIGIN_IGP = 0, ORIGIN_EGP = 1, ORIGIN_INCOMPLETE = 2;
export const ORIGIN_NAMES = ['igp', 'egp', 'incomplete'] as const;
export type OriginName = (typeof ORIGIN_NAMES)[number];

/** An attribute this speaker does not interpret, kept as received (RFC 4271 §5, §9.1: passed on when transitive). */
export interface OpaqueAttr {
  readonly code: number;
  /** Flags octet as received; the Partial bit is set on re-advertisement (RFC 4271 §5). */
  readonly flags: number;
  readonly data: Uint8Array;
}

export class OpaqueList implements Internable {
  readonly items: readonly OpaqueAttr[];
  readonly hash: number;
  refs = 0;
  get live(): boolean {
    return this.refs >= 0;
  }
  constructor(items: readonly OpaqueAttr[]) {
    this.items = items;
    let h = HASH_SEED;
    for (const a of items) {
      h = mix(mix(mix(h, a.code), a.flags), a.data.length);
      for (let i = 0; i < a.data.length; i++) h = mix(h, a.data[i]!);
    }
    this.hash = h;
  }
  static equals(x: OpaqueList, y: OpaqueList): boolean {
    if (x.items.length !== y.items.length) return false;
    for (let i = 0; i < x.items.length; i++) {
      const a = x.items[i]!, b = y.items[i]!;
      if (a.code !== b.code || a.flags !== b.flags || a.data.length !== b.data.length) return false;
      for (let k = 0; k < a.data.length; k++) if (a.data[k] !== b.data[k]) return false;
    }
    return true;
  }
}

/**
 * The attributes most routes do not carry, kept out of line so that an attribute set costs 8 fields less
 * (a full table has 10^5..10^6 sets). Exposed through getters on Attrs.
 */
class RareAttrs {
  constructor(
    readonly atomicAggregate: boolean,
    readonly aggregatorAs: number | null,
    readonly aggregatorAddress: number | null,
    readonly extCommunities: NumList | null,
    readonly originatorId: number | null,
    readonly clusterList: NumList | null,
    readonly otc: number | null,
    readonly opaque: OpaqueList | null,
  ) {}
}

export class Attrs implements Internable {
  declare readonly origin: number;
  declare readonly asPath: AsPath;
  declare readonly nextHop: NextHop | null;
  declare readonly med: number | null;
  declare readonly localPref: number | null;
  declare readonly communities: NumList | null;
  declare readonly largeCommunities: NumList | null;
  declare private readonly rare: RareAttrs | null;
  /**
   * The AS path's decision length and neighbor AS (AsPath.length, and AsPath.nbr: int32 or null), copied here: the
   * decision reads them for every received route, from the current best's set as much as from the new one, and
   * the best's path is otherwise one more object to fetch from memory.
   */
  declare readonly pathLength: number;
  declare readonly pathNbr: number | null;
  declare readonly hash: number;
  declare refs: number;
  get live(): boolean {
    return this.refs >= 0;
  }

  private constructor() {}

  /** A new (not yet interned) set (made by `literal`, below). */
  static make(f: AttrFields): Attrs {
    const anyRare = f.atomicAggregate || f.aggregatorAs !== null || f.aggregatorAddress !== null ||
      f.extCommunities !== null || f.originatorId !== null || f.clusterList !== null || f.otc !== null || f.opaque !== null;
    const h = Attrs.hashOf(f.origin, f.asPath, f.nextHop, f.med, f.localPref, f.atomicAggregate, f.aggregatorAs,
      f.aggregatorAddress, f.communities, f.extCommunities, f.largeCommunities, f.originatorId, f.clusterList, f.otc,
      f.opaque);
    return Attrs.literal(f.origin, f.asPath, f.nextHop, f.med, f.localPref, f.communities, f.largeCommunities,
      anyRare ? new RareAttrs(f.atomicAggregate, f.aggregatorAs, f.aggregatorAddress, f.extCommunities,
        f.originatorId, f.clusterList, f.otc, f.opaque) : null, h);
  }

  /**
   * make() of a set with only the common attributes (no rare one), from its fields as they are: no record of all
   * fields made first.
   */
  static makeCommon(origin: number, asPath: AsPath, nextHop: NextHop | null, med: number | null,
    localPref: number | null, communities: NumList | null, largeCommunities: NumList | null): Attrs {
    const h = Attrs.hashOf(origin, asPath, nextHop, med, localPref, false, null, null, communities, null,
      largeCommunities, null, null, null, null);
    return Attrs.literal(origin, asPath, nextHop, med, localPref, communities, largeCommunities, null, h);
  }

  /** The hash of a set with these fields, built from its components' hashes. */
  private static hashOf(origin: number, asPath: AsPath, nextHop: NextHop | null, med: number | null,
    localPref: number | null, atomicAggregate: boolean, aggregatorAs: number | null, aggregatorAddress: number | null,
    communities: NumList | null, ext: NumList | null, large: NumList | null, originatorId: number | null,
    clusterList: NumList | null, otc: number | null, opaque: OpaqueList | null): number {
    let h = mix(mix(HASH_SEED, origin), asPath.hash);
    h = mix(h, nextHop?.hash ?? 0);
    h = mix(mix(h, med ?? -1), med === null ? 0 : 1);
    h = mix(mix(h, localPref ?? -1), localPref === null ? 0 : 1);
    h = mix(h, atomicAggregate ? 1 : 0);
    h = mix(mix(h, aggregatorAs ?? -1), aggregatorAddress ?? -1);
    h = mix(h, communities?.hash ?? 0);
    h = mix(h, ext?.hash ?? 1);
    h = mix(h, large?.hash ?? 2);
    h = mix(mix(h, originatorId ?? -1), originatorId === null ? 0 : 1);
    h = mix(h, clusterList?.hash ?? 3);
    h = mix(mix(h, otc ?? -1), otc === null ? 0 : 1);
    return mix(h, opaque?.hash ?? 4);
  }

  /**
   * The one object literal every set is made by. An object literal with this class's prototype rather than `new`:
   * V8 allocates the objects of a literal straight into the old generation once it sees that most of them
   * outlive the young one, as interned sets do, so the collector does not copy each of them twice on its way
   * there; objects made by `new` never get that treatment.
   */
  private static literal(origin: number, asPath: AsPath, nextHop: NextHop | null, med: number | null,
    localPref: number | null, communities: NumList | null, largeCommunities: NumList | null, rare: RareAttrs | null,
    hash: number): Attrs {
    return {
      __proto__: ATTRS_PROTO, origin, asPath, nextHop, med, localPref, communities, largeCommunities, rare,
      pathLength: asPath.length, pathNbr: asPath.nbr, hash, refs: 0,
    } as unknown as Attrs;
  }

  /** No attribute beyond origin, AS path, next hop, MED, LOCAL_PREF, communities and large communities. */
  get onlyCommon(): boolean {
    return this.rare === null;
  }
  get atomicAggregate(): boolean {
    return this.rare?.atomicAggregate ?? false;
  }
  get aggregatorAs(): number | null {
    return this.rare?.aggregatorAs ?? null;
  }
  /** AGGREGATOR address as a uint32 (RFC 4271 §5.1.7 carries an IPv4 address). */
  get aggregatorAddress(): number | null {
    return this.rare?.aggregatorAddress ?? null;
  }
  get extCommunities(): NumList | null {
    return this.rare?.extCommunities ?? null;
  }
  /** ORIGINATOR_ID as a uint32. */
  get originatorId(): number | null {
    return this.rare?.originatorId ?? null;
  }
  get clusterList(): NumList | null {
    return this.rare?.clusterList ?? null;
  }
  /** ONLY_TO_CUSTOMER AS number (RFC 9234 §4). */
  get otc(): number | null {
    return this.rare?.otc ?? null;
  }
  get opaque(): OpaqueList | null {
    return this.rare?.opaque ?? null;
  }

  hasCommunity(c: number): boolean {
    const v = this.communities?.values;
    if (v === undefined) return false;
    let lo = 0, hi = v.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = v[mid]!;
      if (x === c) return true;
      if (x < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  static equals(a: Attrs, b: Attrs): boolean {
    return a.origin === b.origin && a.asPath === b.asPath && a.nextHop === b.nextHop && a.med === b.med &&
      a.localPref === b.localPref && a.atomicAggregate === b.atomicAggregate && a.aggregatorAs === b.aggregatorAs &&
      a.aggregatorAddress === b.aggregatorAddress && a.communities === b.communities &&
      a.extCommunities === b.extCommunities && a.largeCommunities === b.largeCommunities &&
      a.originatorId === b.originatorId && a.clusterList === b.clusterList && a.otc === b.otc && a.opaque === b.opaque;
  }
}

const ATTRS_PROTO: object = Attrs.prototype;

/** The fields of an Attrs, components already interned. */
export interface AttrFields {
  origin: number;
  asPath: AsPath;
  nextHop: NextHop | null;
  med: number | null;
  localPref: number | null;
  atomicAggregate: boolean;
  aggregatorAs: number | null;
  aggregatorAddress: number | null;
  communities: NumList | null;
  extCommunities: NumList | null;
  largeCommunities: NumList | null;
  originatorId: number | null;
  clusterList: NumList | null;
  otc: number | null;
  opaque: OpaqueList | null;
}

/** Changes for AttrStore.derive(): each present key replaces that field. */
export type AttrsPatch = Partial<AttrFields>;

/**
 * A route's attributes as the speaker (or a test, or the `route add` command) supplies them. Text forms are
 * accepted for convenience; the speaker's converter passes numbers and arrays.
 */
export interface AttrsInput {
  origin?: number | OriginName;
  asPath?: readonly AsPathSegment[] | string;
  nextHop?: string | null;
  /** IPv6 link-local next hop sent along with the global one (RFC 2545 §3). */
  nextHopLinkLocal?: string | null;
  med?: number | null;
  localPref?: number | null;
  atomicAggregate?: boolean;
  aggregator?: { asn: number; address: string } | null;
  communities?: readonly (number | string)[] | null;
  extCommunities?: readonly ({ hi: number; lo: number } | string)[] | null;
  largeCommunities?: readonly ({ global: number; local1: number; local2: number } | string)[] | null;
  originatorId?: number | string | null;
  clusterList?: readonly (number | string)[] | null;
  otc?: number | null;
  opaque?: readonly OpaqueAttr[] | null;
}

/** A uint32 or a RangeError naming `what` (for the store's input conversion). */
export function u32(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`bad ${what} ${v}`);
  return v;
}

/** A router id / cluster id / originator id given as a number or a dotted quad. */
export function parseId(v: number | string, what = 'identifier'): number {
  if (typeof v === 'number') return u32(v, what);
  const n = parseIPv4(v);
  if (n === null) throw new RangeError(`bad ${what} "${v}"`);
  return n;
}
