// The query parser: one pass over the bytes of an incoming message, no allocation beyond the result object.
// RFC 1035 §4.1 (header, question), RFC 6891 §6 (the OPT pseudo-RR: UDP size, extended rcode, version, DO,
// options), RFC 5001 §2.1 (NSID request: option 3, empty).
//
// It decides what kind of reply a message gets, as data:
//   drop   — too short to answer (< 12 octets) or a response (QR=1): answering either could loop or reflect.
//   error  — FORMERR (bad question, several questions, answer/authority records in a query, several OPTs, an OPT
//            not owned by the root, truncated RRs), NOTIMP (opcode other than QUERY), BADVERS (EDNS version > 0).
//   query  — a well-formed query.
// Deliberate choices: a compression pointer in the question is FORMERR (the only earlier octets are the header, so
// no valid pointer exists); octets after the last record are ignored; additional records other than OPT (TSIG,
// SIG(0)) are skipped, not verified.
import { EDNS_DO, EDNS_OPTION, OPCODE, RCODE, TYPE } from './constants.js';
import type { Name } from './name.js';

export interface Edns {
  udpSize: number;
  version: number;
  do: boolean;
  nsid: boolean;
}

export interface Query {
  id: number;
  /** The flags word as received. */
  flags: number;
  /** Offset just past QTYPE/QCLASS; the question is bytes 12..questionEnd. */
  questionEnd: number;
  qtype: number;
  qclass: number;
  edns: Edns | undefined;
}

export type QueryParse =
  | { kind: 'query'; query: Query }
  | { kind: 'drop'; reason: 'short' | 'response' }
  | { kind: 'error'; rcode: number; reason: string; id: number; flags: number;
      /** Set when the question itself parsed: it is echoed in the reply. */
      questionEnd: number | undefined; edns: Edns | undefined };

const HEADER = 12;

/** Offset past a question name at `o`, or -1 if the name is malformed (pointer, bad label type, > 255, overrun). */
export function skipQuestionName(b: Uint8Array, o: number): number {
  let total = 0;
  for (;;) {
    if (o >= b.length) return -1;
    const c = b[o]!;
    if (c === 0) return o + 1;
    if (c & 0xc0) return -1;
    total += c + 1;
    if (total > 254) return -1;
    o += c + 1;
  }
}

/** Offset past any name (compression pointers allowed) in a record we only skip over; -1 on overrun. */
function skipAnyName(b: Uint8Array, o: number): number {
  for (let guard = 0; guard < 128; guard++) {
    if (o >= b.length) return -1;
    const c = b[o]!;
    if (c === 0) return o + 1;
    if ((c & 0xc0) === 0xc0) return o + 2 <= b.length ? o + 2 : -1;
    if (c & 0xc0) return -1;
    o += c + 1;
  }
  return -1;
}

export function parseQuery(b: Uint8Array): QueryParse {
  if (b.length < HEADER) return { kind: 'drop', reason: 'short' };
  const id = (b[0]! << 8) | b[1]!;
  const flags = (b[2]! << 8) | b[3]!;
  if (flags & 0x8000) return { kind: 'drop', reason: 'response' };
  const qd = (b[4]! << 8) | b[5]!;
  const an = (b[6]! << 8) | b[7]!;
  const ns = (b[8]! << 8) | b[9]!;
  const ar = (b[10]! << 8) | b[11]!;
  const opcode = (flags >> 11) & 0xf;

  let questionEnd: number | undefined;
  let qtype = 0;
  let qclass = 0;
  if (qd >= 1) {
    const e = skipQuestionName(b, HEADER);
    if (e > 0 && e + 4 <= b.length) {
      questionEnd = e + 4;
      qtype = (b[e]! << 8) | b[e + 1]!;
      qclass = (b[e + 2]! << 8) | b[e + 3]!;
    }
  }
  const err = (rcode: number, reason: string, edns?: Edns): QueryParse =>
    ({ kind: 'error', rcode, reason, id, flags, questionEnd: qd === 1 ? questionEnd : undefined, edns });

  if (opcode !== OPCODE.QUERY) return err(RCODE.NOTIMP, `opcode ${opcode} not implemented`);
  if (qd !== 1) return err(RCODE.FORMERR, qd === 0 ? 'no question' : `${qd} questions`);
  if (questionEnd === undefined) return err(RCODE.FORMERR, 'malformed question');
  if (an !== 0 || ns !== 0) return err(RCODE.FORMERR, 'answer or authority records in a query');
  if (qtype === TYPE.OPT) return err(RCODE.FORMERR, 'OPT as the question type');

  let edns: Edns | undefined;
  let o = questionEnd;
  for (let i = 0; i < ar; i++) {
    const nameStart = o;
    o = skipAnyName(b, o);
    if (o < 0 || o + 10 > b.length) return err(RCODE.FORMERR, 'truncated additional record', edns);
    const type = (b[o]! << 8) | b[o + 1]!;
    const rdlen = (b[o + 8]! << 8) | b[o + 9]!;
    const rdStart = o + 10;
    const rdEnd = rdStart + rdlen;
    if (rdEnd > b.length) return err(RCODE.FORMERR, 'truncated additional record', edns);
    if (type === TYPE.OPT) {
      if (edns !== undefined) return err(RCODE.FORMERR, 'more than one OPT record', edns);
      if (o !== nameStart + 1 || b[nameStart] !== 0) return err(RCODE.FORMERR, 'OPT record not owned by the root');
      const udpSize = (b[o + 2]! << 8) | b[o + 3]!;
      const version = b[o + 5]!;
      const z = (b[o + 6]! << 8) | b[o + 7]!;
      let nsid = false;
      for (let p = rdStart; p < rdEnd;) {
        if (p + 4 > rdEnd) return err(RCODE.FORMERR, 'truncated EDNS option');
        const code = (b[p]! << 8) | b[p + 1]!;
        const len = (b[p + 2]! << 8) | b[p + 3]!;
        if (p + 4 + len > rdEnd) return err(RCODE.FORMERR, 'truncated EDNS option');
        if (code === EDNS_OPTION.NSID) nsid = true;
        p += 4 + len;
      }
      edns = { udpSize, version, do: (z & EDNS_DO) !== 0, nsid };
    }
    o = rdEnd;
  }
  if (edns !== undefined && edns.version !== 0) {
    return err(RCODE.BADVERS, `EDNS version ${edns.version} not supported`, { ...edns, nsid: false });
  }
  return { kind: 'query', query: { id, flags, questionEnd, qtype, qclass, edns } };
}

/** The question name as labels (original case); the question must have passed parseQuery. */
export function questionName(b: Uint8Array, end = b.length): Name {
  const labels: string[] = [];
  let o = HEADER;
  while (o < end && b[o] !== 0) {
    const len = b[o]!;
    labels.push(Buffer.from(b.buffer, b.byteOffset + o + 1, len).toString('latin1'));
    o += len + 1;
  }
  return labels;
}

/** What scanSimpleQuery found; the caller owns one and reuses it (no allocation per message). */
export interface SimpleQuery {
  flags: number;
  /** Relative to the message start, as Query.questionEnd. */
  questionEnd: number;
  qclass: number;
  edns: boolean;
  udpSize: number;
  do: boolean;
  nsid: boolean;
}

export function newSimpleQuery(): SimpleQuery {
  return { flags: 0, questionEnd: 0, qclass: 0, edns: false, udpSize: 0, do: false, nsid: false };
}

/**
 * The common case, read in place from b[off, off + len) without allocating: a QUERY with one question, no answer
 * or authority records, and either nothing or one version-0 OPT (owned by the root) in the additional section.
 * Exactly for those messages parseQuery returns kind 'query' with the same flags, question, class and EDNS
 * values (test/dns/fastpath.test.ts checks this on arbitrary input); everything else returns false and goes
 * through parseQuery.
 */
export function scanSimpleQuery(b: Uint8Array, off: number, len: number, out: SimpleQuery): boolean {
  if (len < HEADER || off < 0 || off + len > b.length) return false;
  const flags = (b[off + 2]! << 8) | b[off + 3]!;
  if (flags & 0xf800) return false; // QR set, or an opcode other than QUERY
  if (b[off + 4] !== 0 || b[off + 5] !== 1 || b[off + 6] !== 0 || b[off + 7] !== 0 || b[off + 8] !== 0 ||
    b[off + 9] !== 0 || b[off + 10] !== 0) return false;
  const ar = b[off + 11]!;
  if (ar > 1) return false;
  const end = off + len;
  let o = off + HEADER;
  let total = 0;
  for (;;) {
    if (o >= end) return false;
    const c = b[o]!;
    if (c === 0) break;
    if (c & 0xc0) return false;
    total += c + 1;
    if (total > 254) return false;
    o += c + 1;
  }
  o++;
  if (o + 4 > end) return false;
  if (b[o] === 0 && b[o + 1] === TYPE.OPT) return false;
  out.flags = flags;
  out.qclass = (b[o + 2]! << 8) | b[o + 3]!;
  o += 4;
  out.questionEnd = o - off;
  if (ar === 0) {
    out.edns = false;
    out.udpSize = 0;
    out.do = false;
    out.nsid = false;
    return true;
  }
  // OPT: owner "." (one zero octet), TYPE 41, CLASS = UDP size, TTL = extended rcode, version, DO/Z, RDLENGTH.
  if (o + 11 > end || b[o] !== 0 || b[o + 1] !== 0 || b[o + 2] !== TYPE.OPT || b[o + 6] !== 0) return false;
  const rdEnd = o + 11 + ((b[o + 9]! << 8) | b[o + 10]!);
  if (rdEnd > end) return false;
  let nsid = false;
  for (let p = o + 11; p < rdEnd;) {
    if (p + 4 > rdEnd) return false;
    const l = (b[p + 2]! << 8) | b[p + 3]!;
    if (p + 4 + l > rdEnd) return false;
    if (b[p] === 0 && b[p + 1] === EDNS_OPTION.NSID) nsid = true;
    p += 4 + l;
  }
  out.edns = true;
  out.udpSize = (b[o + 3]! << 8) | b[o + 4]!;
  out.do = ((b[o + 7]! << 8) & EDNS_DO) !== 0;
  out.nsid = nsid;
  return true;
}
