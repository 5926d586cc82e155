// decodeRecord(): one whole MRT record (header included) to its model, or a fault — never an exception, for any
// input. Dispatches on type/subtype (RFC 6396 §4) to the TABLE_DUMP_V2 and BGP4MP decoders; reads the legacy
// TABLE_DUMP (RFC 6396 §4.2) here; anything else becomes an UNKNOWN record kept as bytes.
import { symmetricContext } from '../bgp/wire/index.js';
import { addrLength, addrText, copyBytes, readPrefix, u16, u32 } from './bytes.js';
import { BGP4MP, isExtendedTimestampType, messageSubtypeFlags, MRT, MRT_HEADER_LENGTH, ribSubtypeFamily, TD2 } from './constants.js';
import { DecodeCaches, decodeSection, Fault } from './decode-common.js';
import { decodeMessageRecord, decodeStateChange } from './decode-bgp4mp.js';
import { decodePeerIndexTable, decodeRib, decodeRibGeneric } from './decode-td2.js';
import { type RecordHeader, readHeader } from './header.js';
import type { MrtRecord, TableDumpRecord, UnknownRecord } from './model.js';

export { DecodeCaches };

export type DecodeRecordResult =
  | { readonly ok: true; readonly record: MrtRecord }
  | { readonly ok: false; readonly reason: string; /** offset inside the record body */ readonly at: number;
    readonly header: RecordHeader };

/** RFC 6396 §4.2: TABLE_DUMP attributes use 2-octet AS numbers. */
const TD1_CONTEXT = symmetricContext({ as4: false, extendedMessages: true });

function unknown(h: RecordHeader, microseconds: number, body: Uint8Array, reason: string): UnknownRecord {
  return { kind: 'UNKNOWN', timestamp: h.timestamp, type: h.type, subtype: h.subtype, microseconds, body: copyBytes(body),
    reason };
}

function decodeTableDump(b: Uint8Array, s: number, e: number, h: RecordHeader):
  TableDumpRecord | Fault {
  const afi = h.subtype;
  const al = addrLength(afi);
  const fixed = 4 + al + 1 + 1 + 4 + al + 2 + 2;
  if (e - s < fixed) return new Fault(`TABLE_DUMP body of ${e - s} octets, fixed part is ${fixed}`, 0);
  const viewNumber = u16(b, s), sequence = u16(b, s + 2);
  const len = b[s + 4 + al]!;
  if (len > al * 8) return new Fault(`prefix length ${len} exceeds ${al * 8}`, 4 + al);
  const prefix = { ...readPrefix(b, s + 4, afi, al * 8), len };
  const status = b[s + 5 + al]!;
  const originatedTime = u32(b, s + 6 + al);
  const peerIp = addrText(b, s + 10 + al, afi);
  const peerAs = u16(b, s + 10 + 2 * al);
  const alen = u16(b, s + 12 + 2 * al);
  const as = s + fixed;
  if (as + alen !== e) {
    return new Fault(`attribute length ${alen} does not match the ${e - as} octets left in the record`, fixed - 2);
  }
  const d = decodeSection(b, as, e, TD1_CONTEXT, { afi, safi: 1 }, undefined);
  const rec: TableDumpRecord = { kind: 'TABLE_DUMP', timestamp: h.timestamp, subtype: afi, viewNumber, sequence,
    prefix, status, originatedTime, peerIp, peerAs, attrs: d.attrs, mpReach: d.mpReach, mpUnreach: d.mpUnreach,
    errors: d.errors, attributeBytes: b.subarray(as, e) };
  return d.rawAttributes === undefined ? rec : { ...rec, rawAttributes: d.rawAttributes };
}

/**
 * Decode the record at b[start, end) (12-octet header, optional microseconds, body). `end - start` must equal
 * 12 + Length (nextRecordFrame() gives such a range). Decoded records may share memory with `b` (views of
 * message octets and attribute sections): copy `b` first if it is a buffer that will be reused.
 */
export function decodeRecord(b: Uint8Array, start: number, end: number, caches?: DecodeCaches): DecodeRecordResult {
  const h = readHeader(b, start);
  const et = isExtendedTimestampType(h.type);
  if (et && h.length < 4) {
    return { ok: false, reason: `extended-timestamp record with Length ${h.length} cannot hold its microseconds`,
      at: 0, header: h };
  }
  const microseconds = et ? u32(b, start + MRT_HEADER_LENGTH) : 0;
  const s = start + MRT_HEADER_LENGTH + (et ? 4 : 0);
  let r: MrtRecord | Fault;
  switch (h.type) {
    case MRT.TABLE_DUMP_V2:
      if (h.subtype === TD2.PEER_INDEX_TABLE) r = decodePeerIndexTable(b, s, end, h.timestamp);
      else if (ribSubtypeFamily(h.subtype) !== null) r = decodeRib(b, s, end, h.timestamp, h.subtype);
      else if (h.subtype === TD2.RIB_GENERIC || h.subtype === TD2.RIB_GENERIC_ADDPATH) {
        r = decodeRibGeneric(b, s, end, h.timestamp, h.subtype);
      } else r = unknown(h, 0, b.subarray(s, end), `TABLE_DUMP_V2 subtype ${h.subtype} is not interpreted`);
      break;
    case MRT.BGP4MP: case MRT.BGP4MP_ET:
      if (h.subtype === BGP4MP.STATE_CHANGE || h.subtype === BGP4MP.STATE_CHANGE_AS4) {
        r = decodeStateChange(b, s, end, h.timestamp, microseconds, et, h.subtype);
      } else if (messageSubtypeFlags(h.subtype) !== null) {
        r = decodeMessageRecord(b, s, end, h.timestamp, microseconds, et, h.subtype, caches);
      } else r = unknown(h, microseconds, b.subarray(s, end), `BGP4MP subtype ${h.subtype} is not interpreted`);
      break;
    case MRT.TABLE_DUMP:
      r = h.subtype === 1 || h.subtype === 2 ? decodeTableDump(b, s, end, h)
        : unknown(h, 0, b.subarray(s, end), `TABLE_DUMP subtype ${h.subtype} is not an AFI (1 or 2)`);
      break;
    default:
      r = unknown(h, microseconds, b.subarray(s, end), `MRT type ${h.type} is not interpreted`);
  }
  if (r instanceof Fault) return { ok: false, reason: r.reason, at: r.at, header: h };
  return { ok: true, record: r };
}

/** Decode one record from bytes that hold exactly it (a convenience for tests and tools). */
export function decodeRecordBytes(b: Uint8Array, caches?: DecodeCaches): DecodeRecordResult {
  if (b.length < MRT_HEADER_LENGTH) {
    return { ok: false, reason: `${b.length} octets cannot hold an MRT header`, at: 0,
      header: { timestamp: 0, type: 0, subtype: 0, length: 0 } };
  }
  const h = readHeader(b, 0);
  if (MRT_HEADER_LENGTH + h.length !== b.length) {
    return { ok: false, reason: `Length ${h.length} does not match the ${b.length - MRT_HEADER_LENGTH} octets given`,
      at: 0, header: h };
  }
  return decodeRecord(b, 0, b.length, caches);
}
