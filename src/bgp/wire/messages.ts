// The BGP-4 message model (RFC 4271 §4): what decode() returns and encode() takes.
//
//    0                   1                   2                   3
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           Marker (16 x 0xff)                  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |          Length               |      Type     |  body ...
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   Type: 1 OPEN, 2 UPDATE, 3 NOTIFICATION, 4 KEEPALIVE, 5 ROUTE-REFRESH (RFC 2918).
//
// Every field that the wire can vary and that re-encoding needs is kept (parameter grouping of capabilities, the
// RFC 9072 extended parameter format, the reserved octets, NOTIFICATION data verbatim, ORF bytes), so that
// encode(decode(bytes)) == bytes.
import type { PathAttribute } from './attributes.js';
import type { Capability } from './capabilities.js';
import type { WireError } from './errors.js';
import type { PrefixList } from './prefix.js';

export const MSG_OPEN = 1, MSG_UPDATE = 2, MSG_NOTIFICATION = 3, MSG_KEEPALIVE = 4, MSG_ROUTE_REFRESH = 5;
export const HEADER_LENGTH = 19;

/** OPEN optional parameter (RFC 4271 §4.2): capabilities (type 2, RFC 5492) or another type kept as bytes. */
export type OptionalParameter =
  | { readonly kind: 'capabilities'; readonly capabilities: readonly Capability[] }
  | { readonly kind: 'other'; readonly paramType: number; readonly value: Uint8Array };

/**
 *   version(1) | my AS(2) | hold time(2) | BGP identifier(4) | opt param len(1) | optional parameters
 * RFC 9072: opt param len 255 followed by type 255 introduces a 2-octet length, and 2-octet parameter lengths.
 */
export interface OpenMessage {
  readonly type: 'OPEN';
  readonly version: number;
  /** The 2-octet My Autonomous System field (AS_TRANS when the real AS needs 4 octets; see openPeerAs()). */
  readonly myAs: number;
  readonly holdTime: number;
  /** BGP Identifier, dotted quad. */
  readonly bgpId: string;
  readonly params: readonly OptionalParameter[];
  /** Whether the RFC 9072 extended optional parameters format is (to be) used. */
  readonly extendedParams: boolean;
}

/** NLRI of a family whose encoding the codec does not interpret (e.g. VPN, flowspec): kept as bytes. */
export interface OpaqueNlri {
  readonly opaque: true;
  readonly afi: number;
  readonly safi: number;
  readonly bytes: Uint8Array;
}

export type MpNlri = PrefixList | OpaqueNlri;

/**
 * A set of path attributes without NLRI: what routes share. Decoding with an AttrCache returns the *same* AttrSet
 * object for UPDATEs whose attribute bytes (less the MP_REACH/MP_UNREACH NLRI) are equal, so callers can group
 * prefixes by object identity and skip work for sets they have already seen.
 */
export interface AttrSet {
  /** The attributes in wire order, INVALID/UNPARSED entries included. */
  readonly list: readonly PathAttribute[];
  /** Interning key: the attribute section bytes with MP_REACH/MP_UNREACH NLRI and lengths cut out, as latin1. */
  readonly key: string;
  /** Non-fatal errors found in the attributes (each with its RFC 7606 action). */
  readonly errors: readonly WireError[];
}

/**
 *   withdrawn routes length(2) | withdrawn routes | total path attribute length(2) | path attributes | NLRI
 */
export interface UpdateMessage {
  readonly type: 'UPDATE';
  /** IPv4 unicast prefixes of the Withdrawn Routes field. */
  readonly withdrawn: PrefixList;
  readonly attrs: AttrSet;
  /** IPv4 unicast prefixes of the NLRI field. */
  readonly nlri: PrefixList;
  /** NLRI carried in MP_REACH_NLRI (its AFI/SAFI/next hop are in attrs), or null. */
  readonly mpReach: MpNlri | null;
  /** NLRI carried in MP_UNREACH_NLRI, or null. */
  readonly mpUnreach: MpNlri | null;
  /** The raw path attribute section as received (a view into the input), for callers that intern by bytes. */
  readonly attrSection?: Uint8Array;
}

/**
 *   error code(1) | error subcode(1) | data
 * `data` is kept verbatim; notificationInfo() interprets it (shutdown communication, Hard Reset, etc.).
 */
export interface NotificationMessage {
  readonly type: 'NOTIFICATION';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

export interface KeepaliveMessage {
  readonly type: 'KEEPALIVE';
}

export const RR_NORMAL = 0, RR_BORR = 1, RR_EORR = 2;

/**
 *   AFI(2) | subtype(1) | SAFI(1) | [ORF entries, RFC 5291]
 * subtype: 0 normal request (RFC 2918), 1 BoRR, 2 EoRR (RFC 7313 §3), 255 reserved.
 */
export interface RouteRefreshMessage {
  readonly type: 'ROUTE_REFRESH';
  readonly afi: number;
  readonly subtype: number;
  readonly safi: number;
  /** Bytes after the 4 fixed octets (ORF entries, RFC 5291), empty when none. */
  readonly rest: Uint8Array;
}

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

/**
 * Result of decoding one message: ok with the message and the non-fatal errors (RFC 7606 'discard', 'withdraw',
 * 'afi-safi-disable'), or not ok with the one error that makes the message unusable (always action 'reset').
 */
export type DecodeResult<T = BgpMessage> =
  | { readonly ok: true; readonly msg: T; readonly errors: readonly WireError[] }
  | { readonly ok: false; readonly error: WireError };
