// The response writer: header, the question copied from the query, answer/authority/additional RRsets with name
// compression, and the OPT record; truncation to a size limit. RFC 1035 §4.1 (format), §4.1.4 (compression),
// RFC 2181 §9 (TC: an RRset that does not fit is left out whole and TC is set; additional data that does not fit
// is simply omitted), RFC 6891 §7 (the OPT record is kept in a truncated reply: room is reserved for it),
// RFC 9471 (glue for in-domain name servers is required: if it does not fit, TC is set), RFC 5001 (NSID option).
//
// Pure and synchronous; it writes into one module-level scratch buffer and returns a copy of exactly the bytes used.
import { EDNS_DO, EDNS_OPTION, FLAG, TYPE } from './constants.js';
import { type Name, nameKey } from './name.js';
import type { Rdata } from '../zone/rdata.js';

export interface OutRRset {
  owner: Name;
  type: number;
  class: number;
  ttl: number;
  rdatas: readonly Rdata[];
  /** Additional-section data whose omission must set TC (in-domain referral glue). */
  required?: boolean;
}

export interface OptOut {
  udpPayload: number;
  /** The upper 8 bits of a 12-bit extended rcode (RFC 6891 §6.1.3). */
  extRcode: number;
  do: boolean;
  nsid?: Buffer;
}

export interface ResponseSpec {
  id: number;
  /** Flags word: QR, opcode, AA, RD, CD and the low 4 rcode bits. TC is added by the writer when it truncates. */
  flags: number;
  /** Raw question bytes (name + type + class) as received, so the query's letter case is echoed. */
  question?: Uint8Array;
  answer: readonly OutRRset[];
  authority: readonly OutRRset[];
  additional: readonly OutRRset[];
  opt?: OptOut;
}

export interface Encoded {
  buf: Buffer;
  truncated: boolean;
}

// Largest message is 65535; one RR written past the limit before rollback is at most 255+10+65535 more.
const scratch = Buffer.allocUnsafe(65535 + 256 + 10 + 65535 + 64);

function optLength(opt: OptOut | undefined): number {
  if (!opt) return 0;
  return 11 + (opt.nsid ? 4 + opt.nsid.length : 0);
}

export function encodeResponse(spec: ResponseSpec, maxSize: number): Encoded {
  const b = scratch;
  const comp = new Map<string, number>();
  const limit = Math.min(maxSize, 65535) - optLength(spec.opt);
  let o = 12;
  let tc = false;
  b.writeUInt16BE(spec.id, 0);
  b.writeUInt16BE(0, 4);
  b.writeUInt32BE(0, 6);
  b.writeUInt16BE(0, 10);
  if (spec.question) {
    b.set(spec.question, o);
    // Register the question name's suffixes for compression: answers then point at the query's own spelling.
    const q = spec.question;
    const labels: number[] = [];
    for (let p = 0; q[p] !== 0 && p < q.length; p += q[p]! + 1) labels.push(p);
    for (const start of labels) {
      let k = '';
      for (let p = start; q[p] !== 0; p += q[p]! + 1) {
        k += String.fromCharCode(q[p]!) + lowerBytes(q, p + 1, q[p]!);
      }
      comp.set(k + '\0', 12 + start);
    }
    o += spec.question.length;
    b.writeUInt16BE(1, 4);
  }

  const writeName = (name: Name, compress: boolean) => {
    for (let i = 0; i < name.length; i++) {
      if (compress) {
        const k = nameKey(name, i);
        const ptr = comp.get(k);
        if (ptr !== undefined) {
          b.writeUInt16BE(0xc000 | ptr, o);
          o += 2;
          return;
        }
        if (o < 0x3fff) comp.set(k, o);
      }
      const l = name[i]!;
      b[o++] = l.length;
      o += b.write(l, o, 'latin1');
    }
    b[o++] = 0;
  };

  // Stops after the record that crosses the limit: the caller rolls the whole RRset back, and the scratch buffer
  // never holds more than one record past the limit, however large the RRset.
  const writeSet = (s: OutRRset, limit: number): void => {
    for (const rd of s.rdatas) {
      if (o > limit) return;
      writeName(s.owner, true);
      b.writeUInt16BE(s.type, o);
      b.writeUInt16BE(s.class, o + 2);
      b.writeUInt32BE(s.ttl >>> 0, o + 4);
      const lenAt = o + 8;
      o += 10;
      const start = o;
      for (const p of rd.parts) {
        if ('bytes' in p) {
          b.set(p.bytes, o);
          o += p.bytes.length;
        } else writeName(p.name, p.compress);
      }
      b.writeUInt16BE(o - start, lenAt);
    }
  };

  // Writes whole RRsets of one section while they fit; returns how many RRs went in and whether one did not fit.
  const writeSection = (sets: readonly OutRRset[], countAt: number, isAdditional: boolean): boolean => {
    let n = 0;
    for (const s of sets) {
      const mark = o;
      writeSet(s, limit);
      if (o > limit) {
        o = mark;
        for (const [k, v] of comp) if (v >= mark) comp.delete(k);
        b.writeUInt16BE(n, countAt);
        return !isAdditional || s.required === true;
      }
      n += s.rdatas.length;
    }
    b.writeUInt16BE(n, countAt);
    return false;
  };

  tc = writeSection(spec.answer, 6, false);
  // A truncated reply keeps only whole answer RRsets (RFC 2181 §9); authority and additional are cut back, so the
  // client never takes a partial referral or a negative answer without its SOA as complete.
  const answerEnd = o;
  if (!tc) tc = writeSection(spec.authority, 8, false);
  if (!tc) tc = writeSection(spec.additional, 10, true);
  if (tc) {
    o = answerEnd;
    b.writeUInt16BE(0, 8);
    b.writeUInt16BE(0, 10);
  }
  let ar = b.readUInt16BE(10);
  if (spec.opt) {
    const opt = spec.opt;
    b[o] = 0;
    b.writeUInt16BE(TYPE.OPT, o + 1);
    b.writeUInt16BE(opt.udpPayload, o + 3);
    b[o + 5] = opt.extRcode;
    b[o + 6] = 0;
    b.writeUInt16BE(opt.do ? EDNS_DO : 0, o + 7);
    const rdlen = opt.nsid ? 4 + opt.nsid.length : 0;
    b.writeUInt16BE(rdlen, o + 9);
    o += 11;
    if (opt.nsid) {
      b.writeUInt16BE(EDNS_OPTION.NSID, o);
      b.writeUInt16BE(opt.nsid.length, o + 2);
      b.set(opt.nsid, o + 4);
      o += 4 + opt.nsid.length;
    }
    ar++;
  }
  b.writeUInt16BE(ar, 10);
  b.writeUInt16BE(spec.flags | FLAG.QR | (tc ? FLAG.TC : 0), 2);
  return { buf: Buffer.from(b.subarray(0, o)), truncated: tc };
}

function lowerBytes(q: Uint8Array, from: number, len: number): string {
  let s = '';
  for (let i = from; i < from + len; i++) {
    const c = q[i]!;
    s += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  }
  return s;
}
