// RDATA: presentation form -> wire parts, per type. RFC 1035 §3.3 (NS, CNAME, SOA, PTR, MX, TXT), §3.4.1 (A),
// RFC 3596 §2 (AAAA), RFC 2782 (SRV), RFC 8659 §4 (CAA), RFC 3597 §5 (the generic "\# len hex" form, for any type).
//
// RDATA is kept as parts: raw octets, or a domain name that the encoder may compress. Only the names of the
// RFC 1035 types (NS, CNAME, SOA, PTR, MX) are compressible (RFC 3597 §4); SRV's target must not be (RFC 2782).
import { TYPE } from '../wire/constants.js';
import { type Name, nameKey, nameToWire, parseName } from '../wire/name.js';
import { type Token, unescapeText } from './tokenizer.js';
import { parseIp } from '../../util/ip.js';

export type RdataPart = { readonly bytes: Buffer } | { readonly name: Name; readonly compress: boolean };

export interface Rdata {
  readonly parts: readonly RdataPart[];
}

export type RdataParse = { ok: true; rdata: Rdata } | { ok: false; reason: string };

const fail = (reason: string): RdataParse => ({ ok: false, reason });

/** A canonical string of the RDATA (names lower-cased) to find duplicates (RFC 2181 §5). */
export function rdataKey(r: Rdata): string {
  let k = '';
  for (const p of r.parts) k += 'bytes' in p ? p.bytes.toString('latin1') : nameKey(p.name);
  return k;
}

export function rdataLength(r: Rdata): number {
  let n = 0;
  for (const p of r.parts) n += 'bytes' in p ? p.bytes.length : nameToWire(p.name).length;
  return n;
}

/** The names an RR points at (for additional-section processing): NS, MX exchange, SRV target. */
export function targetName(type: number, r: Rdata): Name | undefined {
  if (type !== TYPE.NS && type !== TYPE.MX && type !== TYPE.SRV && type !== TYPE.CNAME) return undefined;
  for (const p of r.parts) if ('name' in p) return p.name;
  return undefined;
}

/** A TTL or SOA timer: seconds, or BIND's unit form ("1h30m", "2w"); at most 2^31-1 (RFC 2181 §8). */
export function parseTtl(s: string): number | undefined {
  if (/^\d+$/.test(s)) {
    const v = Number(s);
    return v <= 0x7fffffff ? v : undefined;
  }
  const re = /(\d+)([smhdw])/giy;
  const mult: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * mult[m[2]!.toLowerCase()]!;
    pos = re.lastIndex;
  }
  if (pos !== s.length || pos === 0 || total > 0x7fffffff) return undefined;
  return total;
}

function u16(s: string, what: string): Buffer | string {
  if (!/^\d+$/.test(s) || Number(s) > 0xffff) return `${what} '${s}' is not an integer 0..65535`;
  const b = Buffer.alloc(2);
  b.writeUInt16BE(Number(s));
  return b;
}

function u32(s: string, what: string, ttlUnits = false): Buffer | string {
  const v = ttlUnits ? parseTtl(s) : /^\d+$/.test(s) && Number(s) <= 0xffffffff ? Number(s) : undefined;
  if (v === undefined) return `${what} '${s}' is not an integer 0..${ttlUnits ? '2147483647' : '4294967295'}`;
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
}

/** A <character-string> (RFC 1035 §3.3): at most 255 octets, escapes decoded. */
function charString(t: Token): Buffer | string {
  const u = unescapeText(t.text);
  if (!u.ok) return u.reason;
  if (u.value.length > 255) return `character-string of ${u.value.length} octets (max 255; split it into several strings)`;
  const b = Buffer.allocUnsafe(u.value.length + 1);
  b[0] = u.value.length;
  b.write(u.value, 1, 'latin1');
  return b;
}

function nameArg(t: Token | undefined, origin: Name | undefined, what: string, compress = true):
  RdataPart | string {
  if (t === undefined) return `missing ${what}`;
  if (t.quoted) return `${what} must not be quoted`;
  const r = parseName(t.text, origin);
  return r.ok ? { name: r.name, compress } : `${what}: ${r.reason}`;
}

function count(tokens: Token[], n: number, layout: string): string | undefined {
  if (tokens.length < n) return `too few fields (expected ${layout})`;
  if (tokens.length > n) return `too many fields (expected ${layout}; quote text that contains spaces)`;
  return undefined;
}

/** RFC 3597 §5: "\# <length> <hex>…". */
function generic(tokens: Token[]): RdataParse {
  const len = tokens[1]?.text;
  if (len === undefined || !/^\d+$/.test(len)) return fail("'\\#' must be followed by the RDATA length");
  const hex = tokens.slice(2).map((t) => t.text).join('');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) return fail('generic RDATA is not an even number of hex digits');
  if (hex.length / 2 !== Number(len)) return fail(`generic RDATA length ${len} but ${hex.length / 2} octets given`);
  return { ok: true, rdata: { parts: [{ bytes: Buffer.from(hex, 'hex') }] } };
}

/** Parses the RDATA tokens of one RR of `type`. Relative names are completed with `origin`. */
export function parseRdata(type: number, tokens: Token[], origin: Name | undefined): RdataParse {
  if (tokens.length > 0 && tokens[0]!.text === '\\#' && !tokens[0]!.quoted) return generic(tokens);
  const parts: RdataPart[] = [];
  const push = (p: RdataPart | Buffer | string): string | undefined => {
    if (typeof p === 'string') return p;
    parts.push(Buffer.isBuffer(p) ? { bytes: p } : p);
    return undefined;
  };
  let err: string | undefined;
  switch (type) {
    case TYPE.A: {
      if ((err = count(tokens, 1, 'an IPv4 address'))) return fail(err);
      const ip = parseIp(tokens[0]!.text);
      if (ip?.family !== 4) return fail(`'${tokens[0]!.text}' is not an IPv4 address`);
      push(Buffer.from(ip.bytes));
      break;
    }
    case TYPE.AAAA: {
      if ((err = count(tokens, 1, 'an IPv6 address'))) return fail(err);
      const ip = parseIp(tokens[0]!.text);
      if (ip?.family !== 6) return fail(`'${tokens[0]!.text}' is not an IPv6 address`);
      push(Buffer.from(ip.bytes));
      break;
    }
    case TYPE.NS: case TYPE.CNAME: case TYPE.PTR: {
      if ((err = count(tokens, 1, 'a domain name'))) return fail(err);
      if ((err = push(nameArg(tokens[0], origin, 'target')))) return fail(err);
      break;
    }
    case TYPE.MX: {
      if ((err = count(tokens, 2, '<preference> <exchange>'))) return fail(err);
      if ((err = push(u16(tokens[0]!.text, 'preference'))) || (err = push(nameArg(tokens[1], origin, 'exchange')))) {
        return fail(err);
      }
      break;
    }
    case TYPE.SOA: {
      if ((err = count(tokens, 7, '<mname> <rname> <serial> <refresh> <retry> <expire> <minimum>'))) return fail(err);
      if ((err = push(nameArg(tokens[0], origin, 'mname'))) || (err = push(nameArg(tokens[1], origin, 'rname')))) {
        return fail(err);
      }
      const nums = Buffer.alloc(20);
      const serial = u32(tokens[2]!.text, 'serial');
      if (typeof serial === 'string') return fail(serial);
      serial.copy(nums, 0);
      const labels = ['refresh', 'retry', 'expire', 'minimum'];
      for (let i = 0; i < 4; i++) {
        const v = u32(tokens[3 + i]!.text, labels[i]!, true);
        if (typeof v === 'string') return fail(v);
        v.copy(nums, 4 + i * 4);
      }
      push(nums);
      break;
    }
    case TYPE.TXT: {
      if (tokens.length === 0) return fail('TXT needs at least one character-string');
      for (const t of tokens) if ((err = push(charString(t)))) return fail(err);
      break;
    }
    case TYPE.SRV: {
      if ((err = count(tokens, 4, '<priority> <weight> <port> <target>'))) return fail(err);
      if ((err = push(u16(tokens[0]!.text, 'priority'))) || (err = push(u16(tokens[1]!.text, 'weight'))) ||
        (err = push(u16(tokens[2]!.text, 'port'))) || (err = push(nameArg(tokens[3], origin, 'target', false)))) {
        return fail(err);
      }
      break;
    }
    case TYPE.CAA: {
      if ((err = count(tokens, 3, '<flags> <tag> <value>'))) return fail(err);
      const flags = tokens[0]!.text;
      if (!/^\d+$/.test(flags) || Number(flags) > 255) return fail(`CAA flags '${flags}' is not an integer 0..255`);
      const tag = tokens[1]!.text;
      if (!/^[A-Za-z0-9]{1,15}$/.test(tag)) return fail(`CAA tag '${tag}' must be 1-15 letters or digits`);
      const v = unescapeText(tokens[2]!.text);
      if (!v.ok) return fail(v.reason);
      const b = Buffer.alloc(2 + tag.length + v.value.length);
      b[0] = Number(flags);
      b[1] = tag.length;
      b.write(tag, 2, 'latin1');
      b.write(v.value, 2 + tag.length, 'latin1');
      push(b);
      break;
    }
    default:
      return fail(`no presentation format is known for this type; use the generic form '\\# <length> <hex>'`);
  }
  return { ok: true, rdata: { parts } };
}
