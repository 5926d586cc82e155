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

import { AsPath, AsPathSegment, flattenSegments, parseAsPathText } from './aspath.js';
import {
  NumList, canonicalCommunities, canonicalPairs, canonicalTriples, formatCommunity, formatExtCommunity,
  formatLargeCommunity, parseCommunity, parseExtCommunity, parseLargeCommunity,
} from './communities.js';
import { HASH_SEED, Internable, Interner, mix } from './intern.js';
import { NextHop, canonicalNextHop } from './nexthop.js';
import { formatIPv4, parseIPv4 } from './prefix.js';

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
  readonly origin: number;
  readonly asPath: AsPath;
  readonly nextHop: NextHop | null;
  readonly med: number | null;
  readonly localPref: number | null;
  readonly communities: NumList | null;
  readonly largeCommunities: NumList | null;
  private readonly rare: RareAttrs | null;
  readonly hash: number;
  refs = 0;
  get live(): boolean {
    return this.refs >= 0;
  }

  constructor(f: AttrFields) {
    this.origin = f.origin;
    this.asPath = f.asPath;
    this.nextHop = f.nextHop;
    this.med = f.med;
    this.localPref = f.localPref;
    this.communities = f.communities;
    this.largeCommunities = f.largeCommunities;
    const anyRare = f.atomicAggregate || f.aggregatorAs !== null || f.aggregatorAddress !== null ||
      f.extCommunities !== null || f.originatorId !== null || f.clusterList !== null || f.otc !== null || f.opaque !== null;
    this.rare = anyRare
      ? new RareAttrs(f.atomicAggregate, f.aggregatorAs, f.aggregatorAddress, f.extCommunities, f.originatorId,
        f.clusterList, f.otc, f.opaque)
      : null;
    let h = mix(mix(HASH_SEED, f.origin), f.asPath.hash);
    h = mix(h, f.nextHop?.hash ?? 0);
    h = mix(mix(h, f.med ?? -1), f.med === null ? 0 : 1);
    h = mix(mix(h, f.localPref ?? -1), f.localPref === null ? 0 : 1);
    h = mix(h, f.atomicAggregate ? 1 : 0);
    h = mix(mix(h, f.aggregatorAs ?? -1), f.aggregatorAddress ?? -1);
    h = mix(h, f.communities?.hash ?? 0);
    h = mix(h, f.extCommunities?.hash ?? 1);
    h = mix(h, f.largeCommunities?.hash ?? 2);
    h = mix(mix(h, f.originatorId ?? -1), f.originatorId === null ? 0 : 1);
    h = mix(h, f.clusterList?.hash ?? 3);
    h = mix(mix(h, f.otc ?? -1), f.otc === null ? 0 : 1);
    h = mix(h, f.opaque?.hash ?? 4);
    this.hash = h;
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

function u32(v: number, what: string): number {
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
  readonly emptyPath: AsPath;

  constructor() {
    this.attrsT = new Interner<Attrs>(Attrs.equals, (a) => this.releaseComponents(a));
    this.emptyPath = this.pathsT.intern(new AsPath([]));
    this.pathsT.retain(this.emptyPath); // permanent
  }

  // -- components ------------------------------------------------------------------------------------------------

  asPath(data: readonly number[]): AsPath {
    return data.length === 0 ? this.emptyPath : this.pathsT.intern(new AsPath(data));
  }
  asPathFromSegments(segments: readonly AsPathSegment[] | string): AsPath {
    if (typeof segments === 'string') {
      const s = parseAsPathText(segments);
      if (s === null) throw new RangeError(`bad AS path "${segments}"`);
      segments = s;
    }
    return this.asPath(flattenSegments(segments));
  }
  /** Standard communities (any order, duplicates allowed); null for an empty list. */
  communities(values: readonly number[]): NumList | null {
    return values.length === 0 ? null : this.commT.intern(new NumList(canonicalCommunities(values)));
  }
  /** Extended communities as flat [hi, lo, ...]. */
  extCommunities(flat: readonly number[]): NumList | null {
    return flat.length === 0 ? null : this.extT.intern(new NumList(canonicalPairs(flat)));
  }
  /** Large communities as flat [global, local1, local2, ...]. */
  largeCommunities(flat: readonly number[]): NumList | null {
    return flat.length === 0 ? null : this.largeT.intern(new NumList(canonicalTriples(flat)));
  }
  /** CLUSTER_LIST in order (RFC 4456 §8); null for an empty list. */
  clusterList(ids: readonly number[]): NumList | null {
    for (const v of ids) u32(v, 'cluster id');
    return ids.length === 0 ? null : this.clusterT.intern(new NumList(ids.slice()));
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
      communities: this.communities(comm.map((c) => {
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
    const cand = new Attrs(f);
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

// ---------------------------------------------------------------------------------------------------------------
// Back to plain values (for the UPDATE encoder): the inverse of AttrStore.intern(), in the shapes the wire codec
// uses (numeric segment types, {hi, lo} extended and {global, local1, local2} large communities, dotted-quad
// identifiers). `store.intern(attrsToInput(a)) === a` for any live `a` of that store.

export interface AttrsValues extends AttrsInput {
  origin: number;
  asPath: { type: number; asns: number[] }[];
  nextHop: string | null;
  nextHopLinkLocal: string | null;
  med: number | null;
  localPref: number | null;
  atomicAggregate: boolean;
  aggregator: { asn: number; address: string } | null;
  communities: number[];
  extCommunities: { hi: number; lo: number }[];
  largeCommunities: { global: number; local1: number; local2: number }[];
  originatorId: string | null;
  clusterList: string[];
  otc: number | null;
  opaque: OpaqueAttr[];
}

export function attrsToInput(a: Attrs): AttrsValues {
  const d = a.asPath.data;
  const asPath: { type: number; asns: number[] }[] = [];
  for (let i = 0; i < d.length;) {
    const n = d[i + 1]!;
    asPath.push({ type: d[i]!, asns: d.slice(i + 2, i + 2 + n) });
    i += 2 + n;
  }
  const ext: { hi: number; lo: number }[] = [];
  const ev = a.extCommunities?.values ?? [];
  for (let i = 0; i < ev.length; i += 2) ext.push({ hi: ev[i]!, lo: ev[i + 1]! });
  const large: { global: number; local1: number; local2: number }[] = [];
  const lv = a.largeCommunities?.values ?? [];
  for (let i = 0; i < lv.length; i += 3) large.push({ global: lv[i]!, local1: lv[i + 1]!, local2: lv[i + 2]! });
  return {
    origin: a.origin,
    asPath,
    nextHop: a.nextHop?.address ?? null,
    nextHopLinkLocal: a.nextHop?.linkLocal ?? null,
    med: a.med,
    localPref: a.localPref,
    atomicAggregate: a.atomicAggregate,
    aggregator: a.aggregatorAs === null ? null : { asn: a.aggregatorAs, address: formatIPv4(a.aggregatorAddress ?? 0) },
    communities: a.communities?.values.slice() ?? [],
    extCommunities: ext,
    largeCommunities: large,
    originatorId: a.originatorId === null ? null : formatIPv4(a.originatorId),
    clusterList: a.clusterList?.values.map(formatIPv4) ?? [],
    otc: a.otc,
    opaque: a.opaque?.items.slice() ?? [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Presentation

export interface AttrsJSON {
  origin: OriginName;
  asPath: string;
  nextHop: string | null;
  nextHopLinkLocal?: string;
  med: number | null;
  localPref: number | null;
  atomicAggregate?: true;
  aggregator?: { asn: number; address: string };
  communities?: string[];
  extCommunities?: string[];
  largeCommunities?: string[];
  originatorId?: string;
  clusterList?: string[];
  otc?: number;
  opaque?: { code: number; flags: number; hex: string }[];
}

export function attrsToJSON(a: Attrs): AttrsJSON {
  const out: AttrsJSON = {
    origin: ORIGIN_NAMES[a.origin] ?? 'incomplete',
    asPath: a.asPath.text(),
    nextHop: a.nextHop?.address ?? null,
    med: a.med,
    localPref: a.localPref,
  };
  if (a.nextHop?.linkLocal) out.nextHopLinkLocal = a.nextHop.linkLocal;
  if (a.atomicAggregate) out.atomicAggregate = true;
  if (a.aggregatorAs !== null) out.aggregator = { asn: a.aggregatorAs, address: formatIPv4(a.aggregatorAddress ?? 0) };
  if (a.communities) out.communities = a.communities.values.map((c) => formatCommunity(c));
  if (a.extCommunities) {
    const v = a.extCommunities.values;
    out.extCommunities = [];
    for (let i = 0; i < v.length; i += 2) out.extCommunities.push(formatExtCommunity(v[i]!, v[i + 1]!));
  }
  if (a.largeCommunities) {
    const v = a.largeCommunities.values;
    out.largeCommunities = [];
    for (let i = 0; i < v.length; i += 3) out.largeCommunities.push(formatLargeCommunity(v[i]!, v[i + 1]!, v[i + 2]!));
  }
  if (a.originatorId !== null) out.originatorId = formatIPv4(a.originatorId);
  if (a.clusterList) out.clusterList = a.clusterList.values.map(formatIPv4);
  if (a.otc !== null) out.otc = a.otc;
  if (a.opaque) {
    out.opaque = a.opaque.items.map((x) => ({
      code: x.code, flags: x.flags, hex: Array.from(x.data, (b) => b.toString(16).padStart(2, '0')).join(''),
    }));
  }
  return out;
}
