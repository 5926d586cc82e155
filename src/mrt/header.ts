// MRT record framing (RFC 6396 §2-§3): the common header and, for the _ET types, the Microsecond Timestamp that
// the Length field counts. Like the BGP framing, nextRecordFrame() never throws: it says "incomplete" (how many
// octets are needed), or gives the offsets of one whole record.
import { isExtendedTimestampType, MRT_HEADER_LENGTH } from './constants.js';
import { u16, u32 } from './bytes.js';

export interface RecordHeader {
  readonly timestamp: number;
  readonly type: number;
  readonly subtype: number;
  /** The Length field: octets after the 12-octet header (including the microseconds of _ET types). */
  readonly length: number;
}

export type FrameResult =
  | { readonly kind: 'incomplete'; readonly need: number; readonly header: RecordHeader | null }
  | { readonly kind: 'record'; readonly header: RecordHeader; readonly start: number; readonly end: number };

export function readHeader(b: Uint8Array, off: number): RecordHeader {
  return { timestamp: u32(b, off), type: u16(b, off + 4), subtype: u16(b, off + 6), length: u32(b, off + 8) };
}

/** Locate the record starting at b[off] within b[off, end). `need` counts octets beyond `end`. */
export function nextRecordFrame(b: Uint8Array, off: number, end: number): FrameResult {
  const have = end - off;
  if (have < MRT_HEADER_LENGTH) return { kind: 'incomplete', need: MRT_HEADER_LENGTH - have, header: null };
  const header = readHeader(b, off);
  const total = MRT_HEADER_LENGTH + header.length;
  if (have < total) return { kind: 'incomplete', need: total - have, header };
  return { kind: 'record', header, start: off, end: off + total };
}

/** Where the message starts inside a record (after the microseconds of the _ET types). */
export function messageStart(type: number, recordStart: number): number {
  return recordStart + MRT_HEADER_LENGTH + (isExtendedTimestampType(type) ? 4 : 0);
}
