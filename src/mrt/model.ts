// The MRT record model (RFC 6396 §4, RFC 8050): what decodeRecord() returns and encodeRecord() takes. One variant
// per record kind, each keeping every field the wire can vary, so that encodeRecord(decodeRecord(bytes)) == bytes.
//
// Model choices:
//  - Path attributes are the wire codec's AttrSet (src/bgp/wire), decoded with the context the record implies
//    (TABLE_DUMP_V2: 4-octet AS, RFC 6396 §4.3.4; BGP4MP: as the subtype says). Attributes the codec cannot hold
//    (a section with a fatal error) are kept as bytes in `rawAttributes`, which then wins on encoding.
//  - A BGP4MP message is the codec's BgpMessage; one the codec rejects is kept as bytes (`message` null, `error`
//    set). encodeRecord() writes `bytes` when there are any, else encodes `message`: a writer that already holds
//    the octets of a message it sent or received passes them and nothing is re-encoded.
//  - Records read from a file decode their parts on first access (RIB entry attributes, BGP4MP messages): they are
//    class instances whose fields are getters, so copy them field by field, not with object spread.
//  - Models are immutable: encoders cache the encoding of an attribute list by its identity.
//  - Addresses are text, as in the wire codec; prefixes are the codec's Prefix value (host bits kept).
//  - Records the reader does not interpret (other types, unknown subtypes, RIB_GENERIC of a family whose NLRI it
//    cannot delimit) are UNKNOWN with their body bytes, so they are passed through, never dropped.
import type { AttrSet, BgpMessage, MpNlri, Prefix, WireError } from '../bgp/wire/index.js';

interface Base<K extends string> {
  readonly kind: K;
  /** Seconds since the epoch (MRT header Timestamp). */
  readonly timestamp: number;
}

/** One peer of a PEER_INDEX_TABLE (RFC 6396 §4.3.1). */
export interface PeerEntry {
  /** Peer Type octet: bit 0x01 IPv6 address, 0x02 4-octet AS (other bits kept as read). */
  readonly peerType: number;
  readonly bgpId: string;
  readonly address: string;
  readonly asn: number;
}

/**
 *   Collector BGP ID (4) | View Name Length (2) | View Name | Peer Count (2) | Peer Entries
 *   Peer Entry: Peer Type (1) | Peer BGP ID (4) | Peer IP (4 or 16) | Peer AS (2 or 4)
 */
export interface PeerIndexTableRecord extends Base<'PEER_INDEX_TABLE'> {
  readonly collectorBgpId: string;
  /** The view name as UTF-8 text (RFC 6396 §4.3.1 allows any octets; see viewNameBytes). */
  readonly viewName: string;
  /** The exact octets when they are not valid UTF-8 (then they are written instead of viewName). */
  readonly viewNameBytes?: Uint8Array;
  readonly peers: readonly PeerEntry[];
}

/**
 *   Peer Index (2) | Originated Time (4) | [Path Identifier (4), RFC 8050 §4.1] | Attribute Length (2) | Attributes
 */
export interface RibEntry {
  readonly peerIndex: number;
  readonly originatedTime: number;
  /** The add-path Path Identifier (ADDPATH subtypes), else null. */
  readonly pathId: number | null;
  readonly attrs: AttrSet;
  /** NLRI found in a full-form MP_REACH_NLRI / MP_UNREACH_NLRI inside the entry (unusual; normally null). */
  readonly mpReach: MpNlri | null;
  readonly mpUnreach: MpNlri | null;
  /** Every error the codec reported for the attributes (RFC 7606 actions; informational in a dump). */
  readonly errors: readonly WireError[];
  /** Set when the section had a fatal error: the attribute octets, written as-is on encoding. */
  readonly rawAttributes?: Uint8Array | undefined;
  /**
   * Entries read from a file: the attribute section octets as read (a view of the record). Their attributes are
   * decoded from these on first access; encoding still works from the decoded model.
   */
  readonly attributeBytes?: Uint8Array;
}

/**
 * RIB_IPV4_UNICAST … RIB_IPV6_MULTICAST_ADDPATH (RFC 6396 §4.3.2, RFC 8050 §4.1):
 *   Sequence Number (4) | Prefix Length (1) | Prefix (ceil(len/8)) | Entry Count (2) | RIB Entries
 */
export interface RibRecord extends Base<'RIB'> {
  readonly subtype: number;
  readonly afi: number;
  readonly safi: number;
  readonly addPath: boolean;
  readonly sequence: number;
  readonly prefix: Prefix;
  readonly entries: readonly RibEntry[];
}

/**
 * RIB_GENERIC / RIB_GENERIC_ADDPATH (RFC 6396 §4.3.3, RFC 8050 §4.2), for IPv4/IPv6 unicast/multicast NLRI:
 *   Sequence Number (4) | AFI (2) | SAFI (1) | NLRI (one prefix) | Entry Count (2) | RIB Entries
 * RFC 8050 §4.2 puts the Path Identifier of RIB_GENERIC_ADDPATH at the head of the NLRI (prefix.pathId) and leaves
 * the RIB entries unchanged (pathId null). (GoBGP and OpenBGPD write it per entry instead; such files do not parse.)
 */
export interface RibGenericRecord extends Base<'RIB_GENERIC'> {
  readonly subtype: number;
  readonly sequence: number;
  readonly afi: number;
  readonly safi: number;
  readonly prefix: Prefix;
  readonly entries: readonly RibEntry[];
}

/** BGP4MP / BGP4MP_ET header fields shared by messages and state changes (RFC 6396 §4.4). */
interface Bgp4mpBase<K extends string> extends Base<K> {
  readonly subtype: number;
  /** BGP4MP_ET (type 17): the header carries microseconds. */
  readonly extended: boolean;
  /** Microseconds of the timestamp (BGP4MP_ET), else 0. */
  readonly microseconds: number;
  /** Peer AS / Local AS are 4 octets (the _AS4 subtypes). */
  readonly as4: boolean;
  readonly peerAs: number;
  readonly localAs: number;
  readonly ifIndex: number;
  /** Address Family of the two addresses: 1 IPv4, 2 IPv6. */
  readonly afi: number;
  readonly peerIp: string;
  readonly localIp: string;
}

/**
 * BGP4MP_STATE_CHANGE(_AS4) (RFC 6396 §4.4.1, §4.4.4):
 *   Peer AS | Local AS | Interface Index (2) | Address Family (2) | Peer IP | Local IP | Old State (2) | New State (2)
 */
export interface Bgp4mpStateChangeRecord extends Bgp4mpBase<'BGP4MP_STATE_CHANGE'> {
  readonly oldState: number;
  readonly newState: number;
}

/**
 * BGP4MP_MESSAGE and its _AS4, _LOCAL, _ADDPATH variants (RFC 6396 §4.4.2-§4.4.6, RFC 8050 §5):
 *   Peer AS | Local AS | Interface Index (2) | Address Family (2) | Peer IP | Local IP | BGP Message (with header)
 */
export interface Bgp4mpMessageRecord extends Bgp4mpBase<'BGP4MP_MESSAGE'> {
  /** Sent by the local system (the _LOCAL subtypes). */
  readonly local: boolean;
  /** NLRI carry add-path Path Identifiers (the _ADDPATH subtypes, RFC 8050 §5). */
  readonly addPath: boolean;
  /** The decoded message, or null when the codec rejected it (see error) or the writer passes bytes only. */
  readonly message: BgpMessage | null;
  /** The octets after the Local IP (the message, header included, and any trailing octets); empty when the record
   *  is built from `message` alone. */
  readonly bytes: Uint8Array;
  /** Octets after the BGP message's own length, inside the record (normally absent). */
  readonly trailing?: Uint8Array;
  /** Why the message could not be decoded (a session-reset class error), else null. */
  readonly error: WireError | null;
  /** Non-fatal errors the codec found (RFC 7606 discard / withdraw / AFI-SAFI disable). */
  readonly errors: readonly WireError[];
}

/**
 * TABLE_DUMP (RFC 6396 §4.2), subtype = AFI:
 *   View Number (2) | Sequence Number (2) | Prefix (4 or 16) | Prefix Length (1) | Status (1) | Originated Time (4)
 *   | Peer IP (4 or 16) | Peer AS (2) | Attribute Length (2) | BGP Attributes
 */
export interface TableDumpRecord extends Base<'TABLE_DUMP'> {
  readonly subtype: number;
  readonly viewNumber: number;
  readonly sequence: number;
  readonly prefix: Prefix;
  readonly status: number;
  readonly originatedTime: number;
  readonly peerIp: string;
  readonly peerAs: number;
  readonly attrs: AttrSet;
  readonly mpReach: MpNlri | null;
  readonly mpUnreach: MpNlri | null;
  readonly errors: readonly WireError[];
  readonly rawAttributes?: Uint8Array;
  /** Records read from a file: the attribute section octets as read (a view of the record). */
  readonly attributeBytes?: Uint8Array;
}

/** A record this module does not interpret, kept whole so that it survives a read-write cycle. */
export interface UnknownRecord extends Base<'UNKNOWN'> {
  readonly type: number;
  readonly subtype: number;
  /** Microseconds, for the _ET types (the header then has the extra field), else 0. */
  readonly microseconds: number;
  /** The message octets after the (extended) header. */
  readonly body: Uint8Array;
  /** Why it is not interpreted. */
  readonly reason: string;
}

export type MrtRecord =
  | PeerIndexTableRecord | RibRecord | RibGenericRecord | Bgp4mpStateChangeRecord | Bgp4mpMessageRecord
  | TableDumpRecord | UnknownRecord;

export type MrtRecordKind = MrtRecord['kind'];
