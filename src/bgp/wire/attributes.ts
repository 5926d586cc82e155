// The path attribute model (RFC 4271 §4.3, §5), one variant per attribute the codec understands, in wire order.
//
//    0                   1
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |O|T|P|E|  0    |  Type Code    |   O optional, T transitive, P partial, E extended length (2-octet length)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Length (1 or 2 octets) | Value ...
//
// Model choices, made so that encode(decode(bytes)) == bytes:
//  - Attributes are a list in received order; each keeps its full flags octet (incl. the Extended Length bit when
//    it was set on a short value, and the four low bits that must be zero but might not be).
//  - Attributes the codec could not accept (malformed, duplicate) stay in the list as INVALID with their value bytes
//    and the error; an unparseable tail of the section is UNPARSED. Consumers skip both; the errors say what to do.
//  - AS numbers are 2 or 4 octets on the wire as the context says (AS_PATH, AGGREGATOR); the model holds numbers.
//  - Addresses are text ("192.0.2.1", RFC 5952 IPv6): bijective with the bytes, readable in JSON.
//  - MP_REACH_NLRI/MP_UNREACH_NLRI hold AFI/SAFI/next hop here; their NLRI live on the UpdateMessage (mpReach,
//    mpUnreach) so that an attribute set without NLRI can be shared by many UPDATEs (see AttrSet).
import type { AsSegment } from './as-path.js';

export const ATTR = {
  ORIGIN: 1, AS_PATH: 2, NEXT_HOP: 3, MULTI_EXIT_DISC: 4, LOCAL_PREF: 5, ATOMIC_AGGREGATE: 6, AGGREGATOR: 7,
  COMMUNITIES: 8, ORIGINATOR_ID: 9, CLUSTER_LIST: 10, MP_REACH_NLRI: 14, MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16, AS4_PATH: 17, AS4_AGGREGATOR: 18, LARGE_COMMUNITY: 32, ONLY_TO_CUSTOMER: 35,
} as const;

/** Attribute flag bits (RFC 4271 §4.3). */
export const FLAG = { OPTIONAL: 0x80, TRANSITIVE: 0x40, PARTIAL: 0x20, EXTENDED: 0x10 } as const;

/** The Optional and Transitive bits each known attribute must carry (RFC 7606 §3(c) checks only these two). */
export const EXPECTED_FLAGS: Readonly<Record<number, number>> = {
  1: 0x40, 2: 0x40, 3: 0x40, 4: 0x80, 5: 0x40, 6: 0x40, 7: 0xc0, 8: 0xc0, 9: 0x80, 10: 0x80, 14: 0x80, 15: 0x80,
  16: 0xc0, 17: 0xc0, 18: 0xc0, 32: 0xc0, 35: 0xc0,
};

export const ATTR_NAMES: Readonly<Record<number, string>> = {
  1: 'ORIGIN', 2: 'AS_PATH', 3: 'NEXT_HOP', 4: 'MULTI_EXIT_DISC', 5: 'LOCAL_PREF', 6: 'ATOMIC_AGGREGATE',
  7: 'AGGREGATOR', 8: 'COMMUNITIES', 9: 'ORIGINATOR_ID', 10: 'CLUSTER_LIST', 14: 'MP_REACH_NLRI',
  15: 'MP_UNREACH_NLRI', 16: 'EXTENDED_COMMUNITIES', 17: 'AS4_PATH', 18: 'AS4_AGGREGATOR', 32: 'LARGE_COMMUNITY',
  35: 'ONLY_TO_CUSTOMER',
};

/** ORIGIN values (RFC 4271 §5.1.1). */
export const ORIGIN_IGP = 0, ORIGIN_EGP = 1, ORIGIN_INCOMPLETE = 2;

/** An RFC 4360 extended community: its 8 octets as two uint32 (hi = type, subtype and 2 value octets). */
export interface ExtCommunity {
  readonly hi: number;
  readonly lo: number;
}

/** An RFC 8092 large community. */
export interface LargeCommunity {
  readonly global: number;
  readonly local1: number;
  readonly local2: number;
}

interface A<N extends string, T extends number> {
  readonly name: N;
  readonly typeCode: T;
  /** The flags octet as received (or to send). */
  readonly flags: number;
}

export type OriginAttr = A<'ORIGIN', 1> & { readonly origin: number };
export type AsPathAttr = A<'AS_PATH', 2> & { readonly segments: readonly AsSegment[] };
export type NextHopAttr = A<'NEXT_HOP', 3> & { readonly nextHop: string };
export type MedAttr = A<'MULTI_EXIT_DISC', 4> & { readonly med: number };
export type LocalPrefAttr = A<'LOCAL_PREF', 5> & { readonly localPref: number };
export type AtomicAggregateAttr = A<'ATOMIC_AGGREGATE', 6>;
export type AggregatorAttr = A<'AGGREGATOR', 7> & { readonly asn: number; readonly address: string };
export type CommunitiesAttr = A<'COMMUNITIES', 8> & { readonly communities: readonly number[] };
export type OriginatorIdAttr = A<'ORIGINATOR_ID', 9> & { readonly originatorId: string };
export type ClusterListAttr = A<'CLUSTER_LIST', 10> & { readonly clusterList: readonly string[] };
/**
 * MP_REACH_NLRI header (RFC 4760 §3). The NLRI are UpdateMessage.mpReach. `nextHop` holds 1 address (IPv4, or
 * IPv6 global) or 2 (IPv6 global + link-local, RFC 2545 §3); for families the codec does not parse (not unicast or
 * multicast IPv4/IPv6) it is empty and `nextHopBytes` is authoritative. `reserved` is the octet RFC 4760 reserves
 * (RFC 2858's SNPA count), kept for exact re-encoding. `mrt`: the RFC 6396 §4.3.4 abbreviated form (only the next
 * hop length and next hop), as found in TABLE_DUMP_V2 RIB entries.
 */
export type MpReachAttr = A<'MP_REACH_NLRI', 14> & {
  readonly afi: number;
  readonly safi: number;
  readonly nextHop: readonly string[];
  readonly nextHopBytes: Uint8Array;
  readonly reserved: number;
  readonly mrt?: boolean;
};
/** MP_UNREACH_NLRI header (RFC 4760 §4); the withdrawn NLRI are UpdateMessage.mpUnreach. */
export type MpUnreachAttr = A<'MP_UNREACH_NLRI', 15> & { readonly afi: number; readonly safi: number };
export type ExtCommunitiesAttr = A<'EXTENDED_COMMUNITIES', 16> & { readonly communities: readonly ExtCommunity[] };
export type As4PathAttr = A<'AS4_PATH', 17> & { readonly segments: readonly AsSegment[] };
export type As4AggregatorAttr = A<'AS4_AGGREGATOR', 18> & { readonly asn: number; readonly address: string };
export type LargeCommunityAttr = A<'LARGE_COMMUNITY', 32> & { readonly communities: readonly LargeCommunity[] };
export type OnlyToCustomerAttr = A<'ONLY_TO_CUSTOMER', 35> & { readonly asn: number };
/** An attribute type the codec does not interpret (value kept as bytes; re-advertise with toReadvertised()). */
export type UnknownAttr = A<'UNKNOWN', number> & { readonly value: Uint8Array };
/** An attribute the codec rejected (malformed or duplicate): kept only to reproduce the bytes; `error` says why. */
export type InvalidAttr = A<'INVALID', number> & { readonly value: Uint8Array; readonly error: string };
/** Bytes at the end of the attribute section too short to be an attribute (RFC 7606 §4). */
export interface UnparsedAttr {
  readonly name: 'UNPARSED';
  readonly typeCode: -1;
  readonly flags: 0;
  readonly bytes: Uint8Array;
}

export type PathAttribute =
  | OriginAttr | AsPathAttr | NextHopAttr | MedAttr | LocalPrefAttr | AtomicAggregateAttr | AggregatorAttr
  | CommunitiesAttr | OriginatorIdAttr | ClusterListAttr | MpReachAttr | MpUnreachAttr | ExtCommunitiesAttr
  | As4PathAttr | As4AggregatorAttr | LargeCommunityAttr | OnlyToCustomerAttr | UnknownAttr | InvalidAttr
  | UnparsedAttr;

export type AttrName = PathAttribute['name'];

/** The first attribute of a given name, typed (ignores INVALID copies). */
export function findAttr<N extends AttrName>(list: readonly PathAttribute[], name: N):
  Extract<PathAttribute, { name: N }> | undefined {
  for (const a of list) if (a.name === name) return a as Extract<PathAttribute, { name: N }>;
  return undefined;
}

/**
 * Attributes as they must be passed on to other peers (RFC 4271 §5, §9.1.3): unknown optional transitive attributes
 * are kept with the Partial bit set; unknown optional non-transitive ones are dropped; INVALID/UNPARSED are dropped.
 * MP_REACH/MP_UNREACH are dropped as well (the sender builds its own per peer).
 */
export function toReadvertised(list: readonly PathAttribute[]): PathAttribute[] {
  const out: PathAttribute[] = [];
  for (const a of list) {
    if (a.name === 'INVALID' || a.name === 'UNPARSED' || a.name === 'MP_REACH_NLRI' || a.name === 'MP_UNREACH_NLRI') {
      continue;
    }
    if (a.name === 'UNKNOWN') {
      if ((a.flags & FLAG.OPTIONAL) === 0 || (a.flags & FLAG.TRANSITIVE) === 0) continue;
      out.push({ ...a, flags: a.flags | FLAG.PARTIAL });
      continue;
    }
    out.push(a);
  }
  return out;
}
