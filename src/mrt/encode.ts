// encodeRecord(): the exact inverse of decodeRecord() (RFC 6396 §2-§4, RFC 8050 §4-§5). Pure: the model in, the
// record octets (header included) out. RIB entries read from a file are written from the octets they were read
// from (their model is immutable); others from their attributes, encoded once per attribute list object. Throws MrtEncodeError for a model that cannot be written (an AS that does
// not fit its field, a bad address, a section over 65535 octets).
import {
  type CodecContext, encodeAttributes, encodeMessage, type PathAttribute, type Prefix, symmetricContext,
} from '../bgp/wire/index.js';
import { ByteWriter, MrtEncodeError } from './bytes.js';
import { MRT, PEER_TYPE_AS4, PEER_TYPE_IPV6 } from './constants.js';
import { bgp4mpContext } from './decode-bgp4mp.js';
import { TD2_CONTEXT } from './decode-td2.js';
import type {
  Bgp4mpMessageRecord, Bgp4mpStateChangeRecord, MrtRecord, PeerIndexTableRecord, RibEntry, TableDumpRecord,
} from './model.js';

const TD1_CONTEXT = symmetricContext({ as4: false, extendedMessages: true });
const utf8 = new TextEncoder();

/** Start a record: header with a Length placeholder (patched by finish()). */
function header(w: ByteWriter, timestamp: number, type: number, subtype: number, microseconds?: number): void {
  w.u32(timestamp, 'timestamp').u16(type, 'type').u16(subtype, 'subtype').u32(0);
  if (microseconds !== undefined) w.u32(microseconds, 'microseconds');
}

function finish(w: ByteWriter): Uint8Array {
  const len = w.length - 12;
  if (len > 0xffffffff) throw new MrtEncodeError(`record body of ${len} octets exceeds the 32-bit Length`);
  w.patch32(8, len);
  return w.result();
}

type Section = { attrs: RibEntry['attrs']; mpReach: RibEntry['mpReach']; mpUnreach: RibEntry['mpUnreach'];
  rawAttributes?: Uint8Array | undefined; attributeBytes?: Uint8Array | undefined };

/** Encoded sections per attribute list (entries of a RIB dump share lists); per context, weakly held. */
const SECTIONS = new Map<CodecContext, WeakMap<readonly PathAttribute[], Uint8Array>>();

function attributeSection(w: ByteWriter, e: Section, ctx: CodecContext): void {
  // An entry read from a file carries the octets it was read from; its model is immutable, so they are its encoding.
  let a = e.attributeBytes ?? e.rawAttributes;
  if (a === undefined) {
    if (e.mpReach === null && e.mpUnreach === null) {
      let m = SECTIONS.get(ctx);
      if (m === undefined) SECTIONS.set(ctx, m = new WeakMap());
      a = m.get(e.attrs.list);
      if (a === undefined) m.set(e.attrs.list, a = encodeAttributes(e.attrs.list, ctx, null, null));
    } else {
      a = encodeAttributes(e.attrs.list, ctx, e.mpReach, e.mpUnreach);
    }
  }
  w.u16(a.length, 'attribute length').bytes(a);
}

function peerIndexTable(r: PeerIndexTableRecord): Uint8Array {
  const w = new ByteWriter(64 + 24 * r.peers.length);
  header(w, r.timestamp, MRT.TABLE_DUMP_V2, 1);
  w.addr(r.collectorBgpId, 1, 'collector BGP ID');
  const name = r.viewNameBytes ?? utf8.encode(r.viewName);
  w.u16(name.length, 'view name length').bytes(name);
  w.u16(r.peers.length, 'peer count');
  r.peers.forEach((p, i) => {
    const v6 = (p.peerType & PEER_TYPE_IPV6) !== 0;
    w.u8(p.peerType).addr(p.bgpId, 1, `peer ${i} BGP ID`).addr(p.address, v6 ? 2 : 1, `peer ${i} address`);
    w.asn(p.asn, (p.peerType & PEER_TYPE_AS4) !== 0, `peer ${i} AS`);
  });
  return finish(w);
}

function ribEntries(w: ByteWriter, entries: readonly RibEntry[], withPathId: boolean): void {
  w.u16(entries.length, 'entry count');
  for (const e of entries) {
    w.u16(e.peerIndex, 'peer index').u32(e.originatedTime, 'originated time');
    if (withPathId) w.u32(e.pathId ?? 0, 'path identifier');
    attributeSection(w, e, TD2_CONTEXT);
  }
}

function peering(w: ByteWriter, r: Bgp4mpMessageRecord | Bgp4mpStateChangeRecord): void {
  w.asn(r.peerAs, r.as4, 'peer AS').asn(r.localAs, r.as4, 'local AS').u16(r.ifIndex, 'interface index');
  w.u16(r.afi, 'address family').addr(r.peerIp, r.afi, 'peer IP').addr(r.localIp, r.afi, 'local IP');
}

function tableDump(r: TableDumpRecord): Uint8Array {
  const w = new ByteWriter(128);
  header(w, r.timestamp, MRT.TABLE_DUMP, r.subtype);
  const al = r.subtype === 2 ? 16 : 4;
  w.u16(r.viewNumber, 'view number').u16(r.sequence, 'sequence number');
  for (let i = 0; i < al; i++) w.u8(r.prefix.addr[i] ?? 0);
  w.u8(r.prefix.len).u8(r.status).u32(r.originatedTime, 'originated time');
  w.addr(r.peerIp, r.subtype, 'peer IP').u16(r.peerAs, 'peer AS (2-octet field)');
  attributeSection(w, r, TD1_CONTEXT);
  return finish(w);
}

/** The NLRI of a RIB_GENERIC(_ADDPATH) record: [Path Identifier] length prefix (RFC 8050 §4.2). */
function genericNlri(w: ByteWriter, p: Prefix, addPath: boolean): void {
  if (addPath) w.u32(p.pathId ?? 0, 'path identifier');
  w.prefix(p, 'RIB_GENERIC prefix');
}

export function encodeRecord(r: MrtRecord): Uint8Array {
  switch (r.kind) {
    case 'PEER_INDEX_TABLE': return peerIndexTable(r);
    case 'RIB': {
      const w = new ByteWriter(64 + 64 * r.entries.length);
      header(w, r.timestamp, MRT.TABLE_DUMP_V2, r.subtype);
      w.u32(r.sequence, 'sequence number').prefix(r.prefix, 'RIB prefix');
      ribEntries(w, r.entries, r.addPath);
      return finish(w);
    }
    case 'RIB_GENERIC': {
      const w = new ByteWriter(64 + 64 * r.entries.length);
      header(w, r.timestamp, MRT.TABLE_DUMP_V2, r.subtype);
      w.u32(r.sequence, 'sequence number').u16(r.afi, 'AFI').u8(r.safi);
      genericNlri(w, r.prefix, r.subtype === 12);
      ribEntries(w, r.entries, false);
      return finish(w);
    }
    case 'BGP4MP_STATE_CHANGE': {
      const w = new ByteWriter(64);
      header(w, r.timestamp, r.extended ? MRT.BGP4MP_ET : MRT.BGP4MP, r.subtype, r.extended ? r.microseconds : undefined);
      peering(w, r);
      w.u16(r.oldState, 'old state').u16(r.newState, 'new state');
      return finish(w);
    }
    case 'BGP4MP_MESSAGE': {
      // The octets when the record has them (read from a file, or given by the writer), else the encoded message.
      const fromModel = r.bytes.length === 0 && r.message !== null;
      const msg = fromModel ? encodeMessage(r.message!, bgp4mpContext(r.as4, r.addPath)) : r.bytes;
      const w = new ByteWriter(64 + msg.length);
      header(w, r.timestamp, r.extended ? MRT.BGP4MP_ET : MRT.BGP4MP, r.subtype, r.extended ? r.microseconds : undefined);
      peering(w, r);
      w.bytes(msg);
      if (fromModel && r.trailing !== undefined) w.bytes(r.trailing);
      return finish(w);
    }
    case 'TABLE_DUMP': return tableDump(r);
    case 'UNKNOWN': {
      const et = r.type === MRT.BGP4MP_ET || r.type === MRT.ISIS_ET || r.type === MRT.OSPFV3_ET;
      const w = new ByteWriter(16 + r.body.length);
      header(w, r.timestamp, r.type, r.subtype, et ? r.microseconds : undefined);
      w.bytes(r.body);
      return finish(w);
    }
  }
}

