// The interning store of one speaker (see attrs-model.ts): every distinct attribute set, and each of its parts
// (AS path, community lists, cluster list, next hop, opaque attributes), exists once; intern() builds a set from
// an input record, derive() from another set plus changes. Reference counts are exact: a set no route holds any
// more is released at flush, and with it the parts no other set holds.

import { AsPath, type AsPathSegment, flattenSegments, parseAsPathText } from './aspath.js';
import {
  NumList, canonicalCommunities, canonicalPairs, canonicalTriples, canonicalWords, parseCommunity, parseExtCommunity,
  parseLargeCommunity, wordsOf,
} from './communities.js';
import { Interner, keepNumbers, WIRE } from './intern.js';
import { NextHop, canonicalNextHop } from './nexthop.js';
import { formatIPv4 } from './prefix.js';
import {
  Attrs, type AttrFields, type AttrsInput, type AttrsPatch, type OpaqueAttr, OpaqueList, ORIGIN_NAMES, parseId, u32,
} from './attrs-model.js';
import { attrsToInput } from './attrs-view.js';

export interface StoreStats {
  attrs: number;
  asPaths: number;
  communityLists: number;
  extCommunityLists: number;
  largeCommunityLists: number;
  clusterLists: number;
  nextHops: number;
  opaqueLists: number;
}

/** Whether a community list is all numbers already (as the wire codec gives it): then it needs no mapping. */
function allNumbers(list: readonly (number | string)[]): list is readonly number[] {
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'number') return false;
  return true;
}

/** The interned list of `values` (a new one only when there is none). */
function internList(t: Interner<NumList>, values: readonly number[]): NumList {
  const h = NumList.hashOf(values);
  return t.find(h, values, NumList.hasValues) ?? t.intern(NumList.make(keepNumbers(values), h));
}

/** The interned list of the big-endian 32-bit words b[from, to), in canonical order already. */
function internWords(t: Interner<NumList>, b: Uint8Array, from: number, to: number): NumList {
  const h = NumList.hashOfWords(b, from, to);
  WIRE.b = b; WIRE.from = from; WIRE.to = to;
  return t.find(h, WIRE, NumList.hasWords) ?? t.intern(NumList.make(wordsOf(b, from, to), h));
}

/** The interning tables of one speaker. Not shared between speakers. */
export class AttrStore {
  private readonly attrsT: Interner<Attrs>;
  private readonly pathsT = new Interner<AsPath>(AsPath.equals);
  private readonly commT = new Interner<NumList>(NumList.equals);
  private readonly extT = new Interner<NumList>(NumList.equals);
  private readonly largeT = new Interner<NumList>(NumList.equals);
  private readonly clusterT = new Interner<NumList>(NumList.equals);
  private readonly nhT = new Interner<NextHop>(NextHop.equals);
  private readonly opaqueT = new Interner<OpaqueList>(OpaqueList.equals);
  private readonly nhByText = new Map<string, NextHop>();
  private readonly nhByV4 = new Map<number, NextHop>();
  readonly emptyPath: AsPath;

  constructor() {
    this.attrsT = new Interner<Attrs>(Attrs.equals, (a) => this.releaseComponents(a));
    this.emptyPath = this.pathsT.intern(AsPath.make([]));
    this.pathsT.retain(this.emptyPath); // permanent
  }

  // -- components ------------------------------------------------------------------------------------------------

  asPath(data: readonly number[]): AsPath {
    if (data.length === 0) return this.emptyPath;
    const h = AsPath.hashOf(data);
    return this.pathsT.find(h, data, AsPath.hasData) ?? this.pathsT.intern(AsPath.make(keepNumbers(data), h));
  }
  asPathFromSegments(segments: readonly AsPathSegment[] | string): AsPath {
    if (typeof segments === 'string') {
      const s = parseAsPathText(segments);
      if (s === null) throw new RangeError(`bad AS path "${segments}"`);
      segments = s;
    }
    return this.asPath(flattenSegments(segments));
  }
  /**
   * The path of the AS_PATH bytes b[from, to) as received with 4-octet ASes (RFC 6793), already checked: found by
   * its bytes, so that a path interned already costs no array.
   */
  asPathOfWire(b: Uint8Array, from: number, to: number): AsPath {
    if (from >= to) return this.emptyPath;
    const h = AsPath.hashOfWire(b, from, to);
    WIRE.b = b; WIRE.from = from; WIRE.to = to;
    return this.pathsT.find(h, WIRE, AsPath.hasWire) ?? this.pathsT.intern(AsPath.make(AsPath.dataOfWire(b, from, to), h));
  }
  /** Standard communities (any order, duplicates allowed); null for an empty list. */
  communities(values: readonly number[]): NumList | null {
    return values.length === 0 ? null : internList(this.commT, canonicalCommunities(values));
  }
  /** Extended communities as flat [hi, lo, ...]. */
  extCommunities(flat: readonly number[]): NumList | null {
    return flat.length === 0 ? null : internList(this.extT, canonicalPairs(flat));
  }
  /** Large communities as flat [global, local1, local2, ...]. */
  largeCommunities(flat: readonly number[]): NumList | null {
    return flat.length === 0 ? null : internList(this.largeT, canonicalTriples(flat));
  }
  /** communities() of the COMMUNITIES value b[from, to) as received (4 octets each, any order). */
  communitiesOfWire(b: Uint8Array, from: number, to: number): NumList | null {
    if (from >= to) return null;
    return canonicalWords(b, from, to, 1) ? internWords(this.commT, b, from, to)
      : this.communities(wordsOf(b, from, to, new Array<number>((to - from) >> 2)));
  }
  /** largeCommunities() of the LARGE_COMMUNITY value b[from, to) as received (12 octets each, any order). */
  largeCommunitiesOfWire(b: Uint8Array, from: number, to: number): NumList | null {
    if (from >= to) return null;
    return canonicalWords(b, from, to, 3) ? internWords(this.largeT, b, from, to)
      : this.largeCommunities(wordsOf(b, from, to, new Array<number>((to - from) >> 2)));
  }
  /** CLUSTER_LIST in order (RFC 4456 §8); null for an empty list. */
  clusterList(ids: readonly number[]): NumList | null {
    for (const v of ids) u32(v, 'cluster id');
    return ids.length === 0 ? null : internList(this.clusterT, ids);
  }
  nextHop(address: string, linkLocal: string | null = null): NextHop {
    // Next hops are few and arrive as the same text over and over: skip parsing for text seen before.
    const textKey = linkLocal === null ? address : `${address} ${linkLocal}`;
    const seen = this.nhByText.get(textKey);
    if (seen !== undefined && seen.live) return seen;
    const [a, ll] = canonicalNextHop(address, linkLocal);
    const nh = this.nhT.intern(new NextHop(a, ll));
    if (this.nhByText.size > 4096) this.nhByText.clear();
    this.nhByText.set(textKey, nh);
    return nh;
  }
  /** nextHop() of an IPv4 address given as a uint32 (as read from a NEXT_HOP attribute). */
  nextHopV4(address: number): NextHop {
    const seen = this.nhByV4.get(address);
    if (seen !== undefined && seen.live) return seen;
    const nh = this.nextHop(formatIPv4(address));
    if (this.nhByV4.size > 4096) this.nhByV4.clear();
    this.nhByV4.set(address, nh);
    return nh;
  }
  opaque(items: readonly OpaqueAttr[]): OpaqueList | null {
    if (items.length === 0) return null;
    const sorted = items.map((a) => ({ code: a.code, flags: a.flags, data: Uint8Array.from(a.data) }))
      .sort((x, y) => x.code - y.code);
    return this.opaqueT.intern(new OpaqueList(sorted));
  }

  // -- attribute sets --------------------------------------------------------------------------------------------

  /** The interned attribute set for `input`. Throws RangeError on malformed values. */
  intern(input: AttrsInput): Attrs {
    const origin = typeof input.origin === 'string' ? ORIGIN_NAMES.indexOf(input.origin) : (input.origin ?? 0);
    if (origin < 0 || origin > 2 || !Number.isInteger(origin)) throw new RangeError(`bad origin ${String(input.origin)}`);
    const comm = input.communities ?? [];
    const ext = input.extCommunities ?? [];
    const large = input.largeCommunities ?? [];
    const extFlat: number[] = [];
    for (const e of ext) {
      if (typeof e === 'string') {
        const p = parseExtCommunity(e);
        if (p === null) throw new RangeError(`bad extended community "${e}"`);
        extFlat.push(p[0], p[1]);
      } else extFlat.push(e.hi, e.lo);
    }
    const largeFlat: number[] = [];
    for (const l of large) {
      if (typeof l === 'string') {
        const p = parseLargeCommunity(l);
        if (p === null) throw new RangeError(`bad large community "${l}"`);
        largeFlat.push(...p);
      } else largeFlat.push(l.global, l.local1, l.local2);
    }
    return this.make({
      origin,
      asPath: input.asPath === undefined ? this.emptyPath : this.asPathFromSegments(input.asPath),
      nextHop: input.nextHop === undefined || input.nextHop === null || input.nextHop === ''
        ? null : this.nextHop(input.nextHop, input.nextHopLinkLocal ?? null),
      med: input.med === undefined || input.med === null ? null : u32(input.med, 'MED'),
      localPref: input.localPref === undefined || input.localPref === null ? null : u32(input.localPref, 'LOCAL_PREF'),
      atomicAggregate: input.atomicAggregate ?? false,
      aggregatorAs: input.aggregator ? u32(input.aggregator.asn, 'aggregator AS') : null,
      aggregatorAddress: input.aggregator ? parseId(input.aggregator.address, 'aggregator address') : null,
      communities: this.communities(allNumbers(comm) ? comm : comm.map((c) => {
        if (typeof c === 'number') return c;
        const v = parseCommunity(c);
        if (v === null) throw new RangeError(`bad community "${c}"`);
        return v;
      })),
      extCommunities: this.extCommunities(extFlat),
      largeCommunities: this.largeCommunities(largeFlat),
      originatorId: input.originatorId === undefined || input.originatorId === null
        ? null : parseId(input.originatorId, 'originator id'),
      clusterList: this.clusterList((input.clusterList ?? []).map((c) => parseId(c, 'cluster id'))),
      otc: input.otc === undefined || input.otc === null ? null : u32(input.otc, 'OTC AS'),
      opaque: this.opaque(input.opaque ?? []),
    });
  }

  /**
   * The interned set of the common attributes, from components already interned by this store (asPathOfWire(),
   * nextHopV4(), communitiesOfWire(), ...): for a caller that reads them straight from the wire.
   */
  internCommon(origin: number, asPath: AsPath, nextHop: NextHop | null, med: number | null, localPref: number | null,
    communities: NumList | null, largeCommunities: NumList | null): Attrs {
    return this.adopt(Attrs.makeCommon(origin, asPath, nextHop, med, localPref, communities, largeCommunities));
  }

  /** `base` with the fields in `patch` replaced (components in the patch must come from this store). */
  derive(base: Attrs, patch: AttrsPatch): Attrs {
    let changed = false;
    for (const k in patch) {
      if ((patch as Record<string, unknown>)[k] !== (base as unknown as Record<string, unknown>)[k]) { changed = true; break; }
    }
    if (!changed) return base;
    return this.make({
      origin: patch.origin ?? base.origin,
      asPath: patch.asPath ?? base.asPath,
      nextHop: 'nextHop' in patch ? patch.nextHop! : base.nextHop,
      med: 'med' in patch ? patch.med! : base.med,
      localPref: 'localPref' in patch ? patch.localPref! : base.localPref,
      atomicAggregate: patch.atomicAggregate ?? base.atomicAggregate,
      aggregatorAs: 'aggregatorAs' in patch ? patch.aggregatorAs! : base.aggregatorAs,
      aggregatorAddress: 'aggregatorAddress' in patch ? patch.aggregatorAddress! : base.aggregatorAddress,
      communities: 'communities' in patch ? patch.communities! : base.communities,
      extCommunities: 'extCommunities' in patch ? patch.extCommunities! : base.extCommunities,
      largeCommunities: 'largeCommunities' in patch ? patch.largeCommunities! : base.largeCommunities,
      originatorId: 'originatorId' in patch ? patch.originatorId! : base.originatorId,
      clusterList: 'clusterList' in patch ? patch.clusterList! : base.clusterList,
      otc: 'otc' in patch ? patch.otc! : base.otc,
      opaque: 'opaque' in patch ? patch.opaque! : base.opaque,
    });
  }

  /**
   * A live set equal to `a`: `a` itself while it is interned, else a new canonical one with the same values
   * (for callers that keep attribute sets across flushes, e.g. cached per received attribute block).
   */
  revive(a: Attrs): Attrs {
    return a.live ? a : this.intern(attrsToInput(a));
  }

  private make(f: AttrFields): Attrs {
    return this.adopt(Attrs.make(f));
  }

  /** The canonical set equal to `cand`; `cand` itself when it is new, which then holds its components. */
  private adopt(cand: Attrs): Attrs {
    const a = this.attrsT.intern(cand);
    if (a === cand) {
      // A new canonical set holds its components.
      this.pathsT.retain(a.asPath);
      if (a.nextHop) this.nhT.retain(a.nextHop);
      if (a.communities) this.commT.retain(a.communities);
      if (a.extCommunities) this.extT.retain(a.extCommunities);
      if (a.largeCommunities) this.largeT.retain(a.largeCommunities);
      if (a.clusterList) this.clusterT.retain(a.clusterList);
      if (a.opaque) this.opaqueT.retain(a.opaque);
    }
    return a;
  }

  private releaseComponents(a: Attrs): void {
    this.pathsT.release(a.asPath);
    if (a.nextHop) this.nhT.release(a.nextHop);
    if (a.communities) this.commT.release(a.communities);
    if (a.extCommunities) this.extT.release(a.extCommunities);
    if (a.largeCommunities) this.largeT.release(a.largeCommunities);
    if (a.clusterList) this.clusterT.release(a.clusterList);
    if (a.opaque) this.opaqueT.release(a.opaque);
  }

  retain(a: Attrs): void {
    this.attrsT.retain(a);
  }
  release(a: Attrs): void {
    this.attrsT.release(a);
  }

  /** Free every attribute set (then component) nobody holds. The RIB calls this at the end of each flush. */
  collect(): number {
    let n = this.attrsT.collect();
    n += this.pathsT.collect() + this.commT.collect() + this.extT.collect() + this.largeT.collect();
    n += this.clusterT.collect() + this.nhT.collect() + this.opaqueT.collect();
    return n;
  }

  /** Every interned next hop (the RIB walks them when the resolver epoch changes). */
  nextHops(): IterableIterator<NextHop> {
    return this.nhT.values();
  }

  stats(): StoreStats {
    return {
      attrs: this.attrsT.size, asPaths: this.pathsT.size, communityLists: this.commT.size,
      extCommunityLists: this.extT.size, largeCommunityLists: this.largeT.size, clusterLists: this.clusterT.size,
      nextHops: this.nhT.size, opaqueLists: this.opaqueT.size,
    };
  }
}
