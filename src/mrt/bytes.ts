// Octet helpers shared by the MRT decoder and encoder: big-endian integers, addresses and prefixes as the MRT
// formats lay them out (RFC 6396 §4: all integers in network byte order), and a growable output buffer.
import { ipv4Text, ipv6Text, parseIpv4, parseIpv6, type Prefix } from '../bgp/wire/index.js';
import { AnycastError } from '../util/errors.js';

/** A record model that cannot be written (an AS that does not fit, an address that is not one, a length overflow). */
export class MrtEncodeError extends AnycastError {
  constructor(message: string) {
    super('ERR_MRT_ENCODE', message);
  }
}

export { u16, u32 } from '../bgp/wire/octets.js';

/** A copy of b[s, e) that owns its memory (Buffer#slice would return a view). */
export function copyBytes(b: Uint8Array, s = 0, e = b.length): Uint8Array {
  const o = new Uint8Array(e - s);
  o.set(b.subarray(s, e));
  return o;
}

/** Address text of 4 (afi 1) or 16 (afi 2) octets at `o`. */
export function addrText(b: Uint8Array, o: number, afi: number): string {
  return afi === 2 ? ipv6Text(b, o) : ipv4Text(b, o);
}

export function addrLength(afi: number): number {
  return afi === 2 ? 16 : 4;
}

/** A prefix of `len` bits whose ceil(len/8) octets are at b[o]; the address is zero-filled past them. */
export function readPrefix(b: Uint8Array, o: number, afi: number, len: number, pathId?: number): Prefix {
  const addr = new Uint8Array(addrLength(afi));
  const nb = (len + 7) >> 3;
  for (let i = 0; i < nb; i++) addr[i] = b[o + i]!;
  return pathId === undefined ? { afi, len, addr } : { afi, len, addr, pathId };
}

/** Growable big-endian writer; `bytes()` returns a view of what was written. */
export class ByteWriter {
  private buf: Uint8Array;
  private n = 0;
  constructor(size = 256) {
    this.buf = new Uint8Array(size);
  }
  get length(): number {
    return this.n;
  }
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.n));
    this.buf = nb;
  }
  u8(v: number): this {
    this.room(1);
    this.buf[this.n++] = v & 255;
    return this;
  }
  u16(v: number, what = 'field'): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new MrtEncodeError(`${what} ${v} does not fit 2 octets`);
    this.room(2);
    this.buf[this.n++] = v >>> 8; this.buf[this.n++] = v & 255;
    return this;
  }
  u32(v: number, what = 'field'): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new MrtEncodeError(`${what} ${v} does not fit 4 octets`);
    this.room(4);
    const b = this.buf, n = this.n;
    b[n] = v >>> 24; b[n + 1] = (v >>> 16) & 255; b[n + 2] = (v >>> 8) & 255; b[n + 3] = v & 255;
    this.n += 4;
    return this;
  }
  /** A 2- or 4-octet AS number. */
  asn(v: number, as4: boolean, what: string): this {
    return as4 ? this.u32(v, what) : this.u16(v, `${what} (2-octet AS field)`);
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
    return this;
  }
  /** An IPv4 (afi 1) or IPv6 (afi 2) address from text. */
  addr(text: string, afi: number, what: string): this {
    const a = afi === 2 ? parseIpv6(text) : parseIpv4(text);
    if (a === null) throw new MrtEncodeError(`${what} is not an ${afi === 2 ? 'IPv6' : 'IPv4'} address: ${text}`);
    return this.bytes(a);
  }
  /** Prefix length octet and the ceil(len/8) address octets (no path id). */
  prefix(p: Prefix, what: string): this {
    const max = p.afi === 2 ? 128 : 32;
    if (!Number.isInteger(p.len) || p.len < 0 || p.len > max) throw new MrtEncodeError(`${what}: prefix length ${p.len}`);
    this.u8(p.len);
    const nb = (p.len + 7) >> 3;
    this.room(nb);
    for (let i = 0; i < nb; i++) this.buf[this.n++] = p.addr[i] ?? 0;
    return this;
  }
  /** Overwrite a 4-octet field written earlier (a length known only at the end). */
  patch32(at: number, v: number): void {
    this.buf[at] = v >>> 24; this.buf[at + 1] = (v >>> 16) & 255; this.buf[at + 2] = (v >>> 8) & 255; this.buf[at + 3] = v & 255;
  }
  patch16(at: number, v: number, what: string): void {
    if (v > 0xffff) throw new MrtEncodeError(`${what} ${v} does not fit 2 octets`);
    this.buf[at] = v >>> 8; this.buf[at + 1] = v & 255;
  }
  result(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}
