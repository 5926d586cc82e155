// Builders of record models from what a speaker has at hand (RFC 6396 §4.3 TABLE_DUMP_V2, §4.4 BGP4MP, RFC 8050
// add-path): they pick the subtype and Peer Type bits from the data, so a caller never computes wire flags.
// Pure functions; time is a parameter (the speaker's injected clock), never read here.
import {
  type AttrSet, type BgpMessage, type PathAttribute, parsePrefix, type Prefix,
} from '../bgp/wire/index.js';
import { MrtEncodeError } from './bytes.js';
import { BGP4MP, messageSubtypeOf, PEER_TYPE_AS4, PEER_TYPE_IPV6, ribSubtypeOf } from './constants.js';
import type {
  Bgp4mpMessageRecord, Bgp4mpStateChangeRecord, PeerIndexTableRecord, RibEntry, RibRecord,
} from './model.js';

/** A peer of the peer index table; `as4` (default true) writes its AS in 4 octets. */
export interface PeerSpec {
  readonly bgpId: string;
  readonly address: string;
  readonly asn: number;
  readonly as4?: boolean;
}

export function peerIndexTable(o: { timestamp: number; collectorBgpId: string; viewName?: string;
  peers: readonly PeerSpec[] }): PeerIndexTableRecord {
  return {
    kind: 'PEER_INDEX_TABLE', timestamp: o.timestamp, collectorBgpId: o.collectorBgpId, viewName: o.viewName ?? '',
    peers: o.peers.map((p) => ({
      peerType: (p.address.includes(':') ? PEER_TYPE_IPV6 : 0) | (p.as4 === false && p.asn <= 0xffff ? 0 : PEER_TYPE_AS4),
      bgpId: p.bgpId, address: p.address, asn: p.asn,
    })),
  };
}

/** An attribute set for a record built by hand (no interning key, no errors). */
export function attrSet(list: readonly PathAttribute[]): AttrSet {
  return { list, key: '', errors: [] };
}

/**
 * The abbreviated MP_REACH_NLRI of a TABLE_DUMP_V2 entry (RFC 6396 §4.3.4): next-hop length and next hop only.
 * IPv6: one global address, or global + link-local (RFC 2545 §3).
 */
export function mrtNextHop(afi: number, nextHops: readonly string[]): PathAttribute {
  return { name: 'MP_REACH_NLRI', typeCode: 14, flags: 0x80, afi, safi: 1, nextHop: [...nextHops],
    nextHopBytes: new Uint8Array(0), reserved: 0, mrt: true };
}

function toPrefix(p: string | Prefix): Prefix {
  if (typeof p !== 'string') return p;
  const v = parsePrefix(p);
  if (v === null) throw new MrtEncodeError(`not a prefix: ${p}`);
  return v;
}

/** One RIB record: all routes of a prefix (the add-path subtype when the routes carry path ids). */
export function ribRecord(o: { timestamp: number; sequence: number; prefix: string | Prefix; safi?: number;
  routes: readonly { peerIndex: number; originatedTime: number; pathId?: number; attributes: readonly PathAttribute[] }[];
}): RibRecord {
  const prefix = toPrefix(o.prefix);
  const addPath = o.routes.some((r) => r.pathId !== undefined);
  const safi = o.safi ?? 1;
  const entries: RibEntry[] = o.routes.map((r) => ({ peerIndex: r.peerIndex, originatedTime: r.originatedTime,
    pathId: addPath ? r.pathId ?? 0 : null, attrs: attrSet(r.attributes), mpReach: null, mpUnreach: null, errors: [] }));
  return { kind: 'RIB', timestamp: o.timestamp, subtype: ribSubtypeOf(prefix.afi, safi, addPath), afi: prefix.afi, safi,
    addPath, sequence: o.sequence, prefix: { afi: prefix.afi, len: prefix.len, addr: prefix.addr }, entries };
}

/** Both ends of a BGP session as BGP4MP records name them. */
export interface Peering {
  readonly peer: { readonly asn: number; readonly ip: string };
  readonly local: { readonly asn: number; readonly ip: string };
  readonly ifIndex?: number;
}

interface Stamp {
  readonly timestamp: number;
  /** With microseconds, a BGP4MP_ET record is written (RFC 6396 §3). */
  readonly microseconds?: number;
}

function peering(o: Peering & Stamp & { as4?: boolean }) {
  const v6 = o.peer.ip.includes(':');
  if (v6 !== o.local.ip.includes(':')) throw new MrtEncodeError('peer and local addresses of different families');
  // 4-octet AS fields when asked, or when an AS does not fit 2 octets.
  const as4 = o.as4 ?? (o.peer.asn > 0xffff || o.local.asn > 0xffff);
  return {
    timestamp: o.timestamp, extended: o.microseconds !== undefined, microseconds: o.microseconds ?? 0, as4,
    peerAs: o.peer.asn, localAs: o.local.asn, ifIndex: o.ifIndex ?? 0, afi: v6 ? 2 : 1, peerIp: o.peer.ip,
    localIp: o.local.ip,
  };
}

/**
 * A BGP4MP message record: `message` is the decoded message or its octets (header included), `direction`
 * received (MESSAGE subtypes) or sent (the _LOCAL subtypes), `addPath` the RFC 8050 _ADDPATH subtypes, and `as4`
 * whether the session negotiated 4-octet AS numbers (the _AS4 subtypes; it also fixes how AS_PATH is encoded).
 */
export function messageRecord(o: Peering & Stamp & { direction: 'received' | 'sent'; as4: boolean; addPath?: boolean;
  message: BgpMessage | Uint8Array }): Bgp4mpMessageRecord {
  const p = peering(o);
  const local = o.direction === 'sent';
  const addPath = o.addPath ?? false;
  const isBytes = o.message instanceof Uint8Array;
  return { kind: 'BGP4MP_MESSAGE', ...p, as4: o.as4, subtype: messageSubtypeOf({ as4: o.as4, local, addPath }), local,
    addPath, message: isBytes ? null : o.message as BgpMessage, bytes: isBytes ? o.message as Uint8Array : new Uint8Array(0),
    error: null, errors: [] };
}

/** A BGP4MP state change (RFC 6396 §4.4.1): states numbered 1 Idle … 6 Established. */
export function stateChangeRecord(o: Peering & Stamp & { as4?: boolean; oldState: number; newState: number }):
  Bgp4mpStateChangeRecord {
  const p = peering(o);
  return { kind: 'BGP4MP_STATE_CHANGE', ...p, subtype: p.as4 ? BGP4MP.STATE_CHANGE_AS4 : BGP4MP.STATE_CHANGE,
    oldState: o.oldState, newState: o.newState };
}
