// Plain-JSON rendering of MRT records for `anycast mrt dump --json` (one object per record, one per line). Path
// attributes and BGP messages use the wire codec's JSON (attributeJson / messageJson / errorJson); RIB entries and
// BGP4MP records name their peer (address and AS) so that a line is readable on its own.
import {
  attributeJson, errorJson, family, familyText, messageJson, prefixText, toHex, type WireError,
} from '../bgp/wire/index.js';
import { BGP_STATE_NAMES, MRT, PEER_TYPE_AS4, PEER_TYPE_IPV6, subtypeName, typeName } from './constants.js';
import type { MrtRecord, PeerEntry, PeerIndexTableRecord, RibEntry } from './model.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function errors(list: readonly WireError[]): { errors?: Json } {
  return list.length === 0 ? {} : { errors: list.map((e) => errorJson(e) as Json) };
}

function entryJson(e: RibEntry, peers: readonly PeerEntry[] | null): Json {
  const peer = peers?.[e.peerIndex];
  return {
    peerIndex: e.peerIndex,
    ...(peer !== undefined ? { peer: { address: peer.address, asn: peer.asn, bgpId: peer.bgpId } } : {}),
    originatedTime: e.originatedTime,
    ...(e.pathId !== null ? { pathId: e.pathId } : {}),
    attributes: e.attrs.list.map((a) => attributeJson(a) as Json),
    ...(e.rawAttributes !== undefined ? { rawAttributes: toHex(e.rawAttributes) } : {}),
    ...errors(e.errors),
  };
}

function stateName(n: number): string {
  return BGP_STATE_NAMES[n] ?? String(n);
}

/** One record as JSON; `peers` is the last PEER_INDEX_TABLE seen (to name RIB entry peers). */
export function recordJson(r: MrtRecord, peers: PeerIndexTableRecord | null = null): { [k: string]: Json } {
  const type = r.kind === 'RIB' || r.kind === 'RIB_GENERIC' || r.kind === 'PEER_INDEX_TABLE' ? MRT.TABLE_DUMP_V2
    : r.kind === 'TABLE_DUMP' ? MRT.TABLE_DUMP : r.kind === 'UNKNOWN' ? r.type
      : r.extended ? MRT.BGP4MP_ET : MRT.BGP4MP;
  const subtype = r.kind === 'PEER_INDEX_TABLE' ? 1 : r.subtype;
  const head: { [k: string]: Json } = { type: typeName(type), subtype: subtypeName(type, subtype), timestamp: r.timestamp };
  const plist = peers?.peers ?? null;
  switch (r.kind) {
    case 'PEER_INDEX_TABLE':
      return { ...head, collectorBgpId: r.collectorBgpId, viewName: r.viewName,
        peers: r.peers.map((p, i) => ({ index: i, bgpId: p.bgpId, address: p.address, asn: p.asn,
          ipv6: (p.peerType & PEER_TYPE_IPV6) !== 0, as4: (p.peerType & PEER_TYPE_AS4) !== 0 })) };
    case 'RIB': case 'RIB_GENERIC':
      return { ...head, sequence: r.sequence, family: familyText(family(r.afi, r.safi)), prefix: prefixText(r.prefix),
        ...(r.prefix.pathId !== undefined ? { pathId: r.prefix.pathId } : {}),
        entries: r.entries.map((e) => entryJson(e, plist)) };
    case 'TABLE_DUMP':
      return { ...head, viewNumber: r.viewNumber, sequence: r.sequence, prefix: prefixText(r.prefix), status: r.status,
        originatedTime: r.originatedTime, peer: { address: r.peerIp, asn: r.peerAs },
        attributes: r.attrs.list.map((a) => attributeJson(a) as Json),
        ...(r.rawAttributes !== undefined ? { rawAttributes: toHex(r.rawAttributes) } : {}), ...errors(r.errors) };
    case 'BGP4MP_STATE_CHANGE':
      return { ...head, ...(r.extended ? { microseconds: r.microseconds } : {}),
        peer: { address: r.peerIp, asn: r.peerAs }, local: { address: r.localIp, asn: r.localAs }, ifIndex: r.ifIndex,
        oldState: stateName(r.oldState), newState: stateName(r.newState) };
    case 'BGP4MP_MESSAGE':
      return { ...head, ...(r.extended ? { microseconds: r.microseconds } : {}),
        peer: { address: r.peerIp, asn: r.peerAs }, local: { address: r.localIp, asn: r.localAs }, ifIndex: r.ifIndex,
        direction: r.local ? 'sent' : 'received', as4: r.as4, addPath: r.addPath,
        message: r.message === null ? null : messageJson(r.message) as Json,
        ...(r.message === null ? { hex: toHex(r.bytes) } : {}),
        ...(r.trailing !== undefined ? { trailing: toHex(r.trailing) } : {}),
        ...(r.error !== null ? { error: errorJson(r.error) as Json } : {}), ...errors(r.errors) };
    case 'UNKNOWN':
      return { ...head, typeCode: r.type, subtypeCode: r.subtype, ...(r.microseconds !== 0 ? { microseconds: r.microseconds } : {}),
        reason: r.reason, length: r.body.length, hex: toHex(r.body) };
  }
}
