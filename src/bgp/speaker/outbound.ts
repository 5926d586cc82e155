// From Adj-RIB-Out changes to UPDATE messages (RFC 4271 §4.3, §9.2; RFC 4760 §3-4 for IPv6; RFC 7911 path
// identifiers; RFC 8654 message sizes; RFC 6793 §4.2.2 AS4_PATH/AS4_AGGREGATOR towards a 2-octet speaker).
//
// Each interned attribute set is encoded once per (session AS width, family) and flush, whatever the number of
// neighbors and messages that carry it: the encoding is cached by the set's identity and the messages are built
// by copying those bytes after a header and before (IPv4) or inside (IPv6 MP_REACH_NLRI) the NLRI, which are
// written straight from the RIB's prefix keys. Attributes go in type-code order; MP_REACH_NLRI / MP_UNREACH_NLRI
// first (with the Extended Length bit, so their length never needs re-encoding).
import type { Attrs } from '../rib/attrs.js';
import { type Afi, type PrefixKey, v4KeyAddr, v4KeyLen } from '../rib/prefix.js';
import { formatIPv4 } from '../rib/prefix.js';
import { parseIpv6 } from '../wire/addr.js';
import { type AsSegment, toTwoOctetPath } from '../wire/as-path.js';
import { AS_TRANS } from '../wire/as-path.js';
import { encodeAttributes } from '../wire/attr-encode.js';
import { encodeCommonAttrs } from './attrs-wire.js';
import type { PathAttribute } from '../wire/attributes.js';
import type { CodecContext } from '../wire/context.js';
import { HEADER_LENGTH, MSG_UPDATE } from '../wire/messages.js';

/** Why a set cannot be sent to a neighbor as it is (counted and logged by the caller). */
export type EncodeProblem = 'no-next-hop' | 'next-hop-family';

/** The encoded attribute section of a set (without MP_REACH_NLRI), and for IPv6 its next-hop octets. */
export interface EncodedAttrs {
  readonly bytes: Uint8Array;
  /** IPv6: the MP_REACH_NLRI next hop field (16 or 32 octets). */
  readonly nextHop: Uint8Array | null;
}

function segmentsOf(a: Attrs): AsSegment[] {
  const d = a.asPath.data;
  const out: AsSegment[] = [];
  for (let i = 0; i < d.length;) {
    const n = d[i + 1]!;
    out.push({ type: d[i]!, asns: d.slice(i + 2, i + 2 + n) });
    i += 2 + n;
  }
  return out;
}

/** The attribute list of a set as sent on a session of the given AS width and family (no MP attributes). */
export function wireAttributes(a: Attrs, afi: Afi, as4: boolean): PathAttribute[] | EncodeProblem {
  const list: PathAttribute[] = [];
  list.push({ name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: a.origin });
  const segs = segmentsOf(a);
  if (as4) list.push({ name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: segs });
  else {
    const t = toTwoOctetPath(segs);
    list.push({ name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: t.asPath });
    if (t.as4Path !== null) list.push({ name: 'AS4_PATH', typeCode: 17, flags: 0xc0, segments: t.as4Path });
  }
  const nh = a.nextHop;
  if (afi === 'ipv4') {
    if (nh === null) return 'no-next-hop';
    if (nh.afi !== 'ipv4') return 'next-hop-family';
    list.push({ name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: nh.address });
  }
  if (a.med !== null) list.push({ name: 'MULTI_EXIT_DISC', typeCode: 4, flags: 0x80, med: a.med });
  if (a.localPref !== null) list.push({ name: 'LOCAL_PREF', typeCode: 5, flags: 0x40, localPref: a.localPref });
  if (a.atomicAggregate) list.push({ name: 'ATOMIC_AGGREGATE', typeCode: 6, flags: 0x40 });
  if (a.aggregatorAs !== null) {
    const address = formatIPv4(a.aggregatorAddress ?? 0);
    if (as4 || a.aggregatorAs <= 0xffff) list.push({ name: 'AGGREGATOR', typeCode: 7, flags: 0xc0, asn: a.aggregatorAs, address });
    else {
      list.push({ name: 'AGGREGATOR', typeCode: 7, flags: 0xc0, asn: AS_TRANS, address });
      list.push({ name: 'AS4_AGGREGATOR', typeCode: 18, flags: 0xc0, asn: a.aggregatorAs, address });
    }
  }
  if (a.communities !== null) list.push({ name: 'COMMUNITIES', typeCode: 8, flags: 0xc0, communities: a.communities.values });
  if (a.originatorId !== null) list.push({ name: 'ORIGINATOR_ID', typeCode: 9, flags: 0x80, originatorId: formatIPv4(a.originatorId) });
  if (a.clusterList !== null) list.push({ name: 'CLUSTER_LIST', typeCode: 10, flags: 0x80, clusterList: a.clusterList.values.map(formatIPv4) });
  const ext = a.extCommunities?.values;
  if (ext !== undefined) {
    const communities = [];
    for (let i = 0; i < ext.length; i += 2) communities.push({ hi: ext[i]!, lo: ext[i + 1]! });
    list.push({ name: 'EXTENDED_COMMUNITIES', typeCode: 16, flags: 0xc0, communities });
  }
  const large = a.largeCommunities?.values;
  if (large !== undefined) {
    const communities = [];
    for (let i = 0; i < large.length; i += 3) communities.push({ global: large[i]!, local1: large[i + 1]!, local2: large[i + 2]! });
    list.push({ name: 'LARGE_COMMUNITY', typeCode: 32, flags: 0xc0, communities });
  }
  if (a.otc !== null) list.push({ name: 'ONLY_TO_CUSTOMER', typeCode: 35, flags: 0xc0, asn: a.otc });
  for (const o of a.opaque?.items ?? []) list.push({ name: 'UNKNOWN', typeCode: o.code, flags: o.flags, value: o.data });
  list.sort((x, y) => x.typeCode - y.typeCode);
  return list;
}

function ipv6NextHop(a: Attrs): Uint8Array | EncodeProblem {
  const nh = a.nextHop;
  if (nh === null) return 'no-next-hop';
  // An IPv4 next hop for IPv6 routes needs RFC 8950 (extended next hop), which we do not negotiate.
  if (nh.afi !== 'ipv6') return 'next-hop-family';
  const g = parseIpv6(nh.address)!;
  if (nh.linkLocal === null || nh.linkLocal === nh.address) return g;
  const out = new Uint8Array(32);
  out.set(g, 0);
  out.set(parseIpv6(nh.linkLocal)!, 16);
  return out;
}

/**
 * Encoded attribute sets, cached by identity per (AS width, family). clear() after each flush: the cache must
 * not keep sets the RIB frees.
 */
export class AttrEncoder {
  private readonly caches = [new Map<Attrs, EncodedAttrs | EncodeProblem>(), new Map<Attrs, EncodedAttrs | EncodeProblem>(),
    new Map<Attrs, EncodedAttrs | EncodeProblem>(), new Map<Attrs, EncodedAttrs | EncodeProblem>()];
  /** Sets encoded (cache misses), for tests. */
  encodings = 0;

  get(a: Attrs, afi: Afi, ctx: CodecContext): EncodedAttrs | EncodeProblem {
    const m = this.caches[(ctx.as4 ? 2 : 0) + (afi === 'ipv4' ? 0 : 1)]!;
    let e = m.get(a);
    if (e === undefined) {
      e = this.encode(a, afi, ctx);
      m.set(a, e);
      this.encodings++;
    }
    return e;
  }

  clear(): void {
    for (const m of this.caches) m.clear();
  }

  private encode(a: Attrs, afi: Afi, ctx: CodecContext): EncodedAttrs | EncodeProblem {
    let nextHop: Uint8Array | null = null;
    if (afi === 'ipv6') {
      const nh = ipv6NextHop(a);
      if (typeof nh === 'string') return nh;
      nextHop = nh;
    }
    // The common sets of a 4-octet-AS session straight into bytes (attrs-wire.ts); the rest through the codec.
    const direct = ctx.as4 ? encodeCommonAttrs(a, afi) : undefined;
    if (direct !== undefined) return { bytes: direct, nextHop };
    const list = wireAttributes(a, afi, ctx.as4);
    if (typeof list === 'string') return list;
    return { bytes: encodeAttributes(list, ctx), nextHop };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// NLRI straight from prefix keys (RFC 4271 §4.3: length octet + the minimum number of address octets; RFC 7911
// §3: a 4-octet path identifier first).

function nlriLength(key: PrefixKey): number {
  return typeof key === 'number' ? v4KeyLen(key) : key.charCodeAt(0);
}

export function nlriSize(key: PrefixKey, addPath: boolean): number {
  return (addPath ? 5 : 1) + ((nlriLength(key) + 7) >> 3);
}

function writeNlri(out: Uint8Array, o: number, key: PrefixKey, pathId: number, addPath: boolean): number {
  if (addPath) {
    out[o++] = pathId >>> 24; out[o++] = (pathId >>> 16) & 255; out[o++] = (pathId >>> 8) & 255; out[o++] = pathId & 255;
  }
  const len = nlriLength(key);
  out[o++] = len;
  const n = (len + 7) >> 3;
  if (typeof key === 'number') {
    const a = v4KeyAddr(key);
    for (let i = 0; i < n; i++) out[o++] = (a >>> (24 - 8 * i)) & 255;
  } else {
    // IPv6 key: unit 0 is the length, then 16-bit groups.
    for (let i = 0; i < n; i++) {
      const g = key.charCodeAt(1 + (i >> 1));
      out[o++] = (i & 1) === 0 ? g >>> 8 : g & 255;
    }
  }
  return o;
}

function header(out: Uint8Array, length: number): void {
  out.fill(0xff, 0, 16);
  out[16] = length >> 8; out[17] = length & 255; out[18] = MSG_UPDATE;
}

/** Routes to send: prefix keys, and their path ids when add-path send is on (else null). */
export interface OutRoutes {
  readonly keys: readonly PrefixKey[];
  readonly ids: readonly number[] | null;
}

/** The prefixes from `i` up to `end` fit in one message of `base` octets plus theirs (`size` ≤ `max`). */
function fitting(keys: OutRoutes['keys'], i: number, base: number, max: number, addPath: boolean): { end: number; size: number } {
  let size = base, end = i;
  while (end < keys.length) {
    const s = nlriSize(keys[end]!, addPath);
    if (size + s > max) break;
    size += s; end++;
  }
  return { end, size };
}

/**
 * UPDATE messages announcing `routes` with the encoded set `enc`, at most `max` octets each. IPv4 routes go into
 * the NLRI field; IPv6 routes into MP_REACH_NLRI.
 */
export function buildAnnouncements(enc: EncodedAttrs, afi: Afi, routes: OutRoutes, addPath: boolean, max: number,
  out: Uint8Array[]): void {
  const keys = routes.keys, ids = routes.ids;
  const attrLen = enc.bytes.length;
  // IPv6: MP_REACH_NLRI header (4: flags, type, 2-octet length) + AFI/SAFI/NH length (4) + next hop + reserved (1).
  const mpFixed = afi === 'ipv6' ? 4 + 4 + enc.nextHop!.length + 1 : 0;
  const base = HEADER_LENGTH + 4 + attrLen + mpFixed;
  if (base + 21 > max) throw new RangeError(`attribute set of ${attrLen} octets does not fit in a ${max}-octet UPDATE`);
  let i = 0;
  while (i < keys.length) {
    const { end: j, size } = fitting(keys, i, base, max, addPath);
    const m = new Uint8Array(size);
    header(m, size);
    let o = HEADER_LENGTH;
    m[o++] = 0; m[o++] = 0; // withdrawn routes length
    const pathAttrLen = afi === 'ipv6' ? size - HEADER_LENGTH - 4 : attrLen;
    m[o++] = pathAttrLen >> 8; m[o++] = pathAttrLen & 255;
    if (afi === 'ipv6') {
      const mpLen = size - base + mpFixed - 4;
      m[o++] = 0x90; m[o++] = 14; m[o++] = mpLen >> 8; m[o++] = mpLen & 255;
      m[o++] = 0; m[o++] = 2; m[o++] = 1; m[o++] = enc.nextHop!.length;
      m.set(enc.nextHop!, o); o += enc.nextHop!.length;
      m[o++] = 0; // reserved
      for (let k = i; k < j; k++) o = writeNlri(m, o, keys[k]!, ids === null ? 0 : ids[k]!, addPath);
      m.set(enc.bytes, o); o += attrLen;
    } else {
      m.set(enc.bytes, o); o += attrLen;
      for (let k = i; k < j; k++) o = writeNlri(m, o, keys[k]!, ids === null ? 0 : ids[k]!, addPath);
    }
    out.push(m);
    i = j;
  }
}

/** UPDATE messages withdrawing `routes` (IPv4: Withdrawn Routes field; IPv6: MP_UNREACH_NLRI). */
export function buildWithdrawals(afi: Afi, routes: OutRoutes, addPath: boolean, max: number, out: Uint8Array[]): void {
  const keys = routes.keys, ids = routes.ids;
  const base = HEADER_LENGTH + 4 + (afi === 'ipv6' ? 7 : 0);
  let i = 0;
  while (i < keys.length) {
    const { end: j, size } = fitting(keys, i, base, max, addPath);
    const m = new Uint8Array(size);
    header(m, size);
    let o = HEADER_LENGTH;
    if (afi === 'ipv4') {
      const wl = size - base;
      m[o++] = wl >> 8; m[o++] = wl & 255;
      for (let k = i; k < j; k++) o = writeNlri(m, o, keys[k]!, ids === null ? 0 : ids[k]!, addPath);
      m[o++] = 0; m[o++] = 0;
    } else {
      m[o++] = 0; m[o++] = 0;
      const al = size - HEADER_LENGTH - 4;
      m[o++] = al >> 8; m[o++] = al & 255;
      const mpLen = al - 4;
      m[o++] = 0x90; m[o++] = 15; m[o++] = mpLen >> 8; m[o++] = mpLen & 255;
      m[o++] = 0; m[o++] = 2; m[o++] = 1;
      for (let k = i; k < j; k++) o = writeNlri(m, o, keys[k]!, ids === null ? 0 : ids[k]!, addPath);
    }
    out.push(m);
    i = j;
  }
}
