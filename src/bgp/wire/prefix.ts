// Prefixes and NLRI encoding (RFC 4271 §4.3 "Network Layer Reachability Information", RFC 4760 §5 for IPv6,
// RFC 7911 §3 add-path Path Identifier).
//
//   +---------------------------+
//   |   Path Identifier (4)     |   only when add-path is negotiated for the family and direction
//   +---------------------------+
//   |   Length (1 octet, bits)  |
//   +---------------------------+
//   |   Prefix (ceil(len/8))    |   trailing bits past `len` are sent as-is ("host bits")
//   +---------------------------+
//
// Model choice: NLRI are decoded into a PrefixList, a struct of typed arrays (lengths, address words, path ids),
// not into one object per prefix. A full table is ~1M IPv4 prefixes; one small array per UPDATE costs far less
// than a million objects, and an IPv4 address as a uint32 is directly usable as (part of) a RIB key. Bytes past
// ceil(len/8) are always zero in `words`; bits inside the last byte past `len` are kept, so encoding reproduces
// the input exactly. RIBs that want canonical prefixes mask them (prefixMask4()).
import { ipv4TextU32, ipv6Text, parseIpv4U32, parseIpv6 } from './addr.js';
import { AFI_IPV4, AFI_IPV6 } from './context.js';

/** One prefix, as a value. For bulk work use PrefixList. */
export interface Prefix {
  /** 1 = IPv4, 2 = IPv6. */
  readonly afi: number;
  /** Prefix length in bits. */
  readonly len: number;
  /** 4 or 16 address bytes (bytes past ceil(len/8) are zero). */
  readonly addr: Uint8Array;
  /** The add-path Path Identifier, when one was carried or is to be sent. */
  readonly pathId?: number;
}

/** Address words per prefix: one uint32 for IPv4, four for IPv6. */
export function stride(afi: number): number {
  return afi === AFI_IPV6 ? 4 : 1;
}
export function maxPrefixLen(afi: number): number {
  return afi === AFI_IPV6 ? 128 : 32;
}

/** Prefixes of one address family as parallel typed arrays. Immutable by convention. */
export class PrefixList {
  /** 1 = IPv4, 2 = IPv6. */
  readonly afi: number;
  /** Prefix length (bits) of prefix i. */
  readonly lens: Uint8Array;
  /** Address of prefix i: words[i] (IPv4) or words[4i..4i+3] (IPv6), big-endian uint32 each. */
  readonly words: Uint32Array;
  /** Path Identifier of prefix i, or null when the NLRI carried none. */
  readonly pathIds: Uint32Array | null;

  constructor(afi: number, lens: Uint8Array, words: Uint32Array, pathIds: Uint32Array | null = null) {
    this.afi = afi;
    this.lens = lens;
    this.words = words;
    this.pathIds = pathIds;
  }

  get length(): number {
    return this.lens.length;
  }

  /** An empty list (shared instances: an empty list has nothing to mutate). */
  static empty(afi: number = AFI_IPV4): PrefixList {
    return afi === AFI_IPV6 ? EMPTY6 : afi === AFI_IPV4 ? EMPTY4 : new PrefixList(afi, new Uint8Array(0), new Uint32Array(0), null);
  }

  /** Build from prefix values (bytes past ceil(len/8) are cleared, as the wire cannot carry them). */
  static from(afi: number, prefixes: readonly Prefix[], withPathIds = prefixes.some((p) => p.pathId !== undefined)):
    PrefixList {
    const s = stride(afi);
    const lens = new Uint8Array(prefixes.length);
    const words = new Uint32Array(prefixes.length * s);
    const ids = withPathIds ? new Uint32Array(prefixes.length) : null;
    prefixes.forEach((p, i) => {
      lens[i] = p.len;
      const nb = (p.len + 7) >> 3;
      for (let k = 0; k < s; k++) {
        let w = 0;
        for (let j = 0; j < 4; j++) {
          const bi = 4 * k + j;
          w = w * 256 + (bi < nb ? (p.addr[bi] ?? 0) : 0);
        }
        words[i * s + k] = w;
      }
      if (ids !== null) ids[i] = p.pathId ?? 0;
    });
    return new PrefixList(afi, lens, words, ids);
  }

  /** Build from "192.0.2.0/24" / "2001:db8::/32" text; throws RangeError on bad text (a constructor for callers). */
  static parse(afi: number, texts: readonly string[], pathIds?: readonly number[]): PrefixList {
    return PrefixList.from(afi, texts.map((t, i) => {
      const p = parsePrefix(t);
      if (p === null || p.afi !== afi) throw new RangeError(`not an ${afi === AFI_IPV6 ? 'IPv6' : 'IPv4'} prefix: ${t}`);
      return pathIds === undefined ? p : { ...p, pathId: pathIds[i]! };
    }), pathIds !== undefined);
  }

  /** Prefix i as a value (allocates). */
  at(i: number): Prefix {
    const s = stride(this.afi);
    const addr = new Uint8Array(4 * s);
    for (let k = 0; k < s; k++) {
      const w = this.words[i * s + k]!;
      addr[4 * k] = w >>> 24; addr[4 * k + 1] = (w >>> 16) & 255; addr[4 * k + 2] = (w >>> 8) & 255; addr[4 * k + 3] = w & 255;
    }
    return this.pathIds === null ? { afi: this.afi, len: this.lens[i]!, addr }
      : { afi: this.afi, len: this.lens[i]!, addr, pathId: this.pathIds[i]! };
  }

  /** "192.0.2.0/24" text of prefix i (without the path id). */
  text(i: number): string {
    if (this.afi !== AFI_IPV6) return `${ipv4TextU32(this.words[i]!)}/${this.lens[i]}`;
    return prefixText(this.at(i));
  }

  /** All prefixes as text. */
  texts(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.text(i));
    return out;
  }
}

const EMPTY4 = new PrefixList(AFI_IPV4, new Uint8Array(0), new Uint32Array(0), null);
const EMPTY6 = new PrefixList(AFI_IPV6, new Uint8Array(0), new Uint32Array(0), null);

/** IPv4 netmask of a length as uint32 (prefixMask4(24) = 0xffffff00). */
export function prefixMask4(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** "192.0.2.0/24" or "2001:db8::/32". */
export function prefixText(p: Prefix): string {
  return `${p.afi === AFI_IPV6 ? ipv6Text(p.addr) : `${p.addr[0]}.${p.addr[1]}.${p.addr[2]}.${p.addr[3]}`}/${p.len}`;
}

/** Parse "192.0.2.0/24" or "2001:db8::/32" (a bare address means a host prefix); null if malformed. */
export function parsePrefix(s: string): Prefix | null {
  const slash = s.indexOf('/');
  const a = slash < 0 ? s : s.slice(0, slash);
  const isV6 = a.includes(':');
  const addr = isV6 ? parseIpv6(a) : (() => {
    const v = parseIpv4U32(a);
    return v === null ? null : new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
  })();
  if (addr === null) return null;
  const max = isV6 ? 128 : 32;
  let len = max;
  if (slash >= 0) {
    const l = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(l) || Number(l) > max) return null;
    len = Number(l);
  }
  return { afi: isV6 ? AFI_IPV6 : AFI_IPV4, len, addr };
}

/** Why an NLRI field could not be decoded (RFC 7606 §5.3); the caller turns it into a typed error. */
export interface NlriFault {
  readonly fault: string;
}

// Decoded lists are views into shared buffers of POOL_BYTES, filled in order and never reused: a small typed array
// of its own costs V8 ~250 bytes (the array, its buffer object and its storage) against ~110 for a view, and an
// UPDATE carries only a few prefixes. A list kept for long keeps its pool alive (at most POOL_BYTES);
// slicePrefixes() gives a copy with buffers of its own.
const POOL_BYTES = 16384;
let pool = new ArrayBuffer(POOL_BYTES);
let poolTop = 0;

/** Byte offset of `bytes` fresh (zeroed) octets, 4-aligned, in `pool` (which may be replaced). */
function poolTake(bytes: number): number {
  poolTop = (poolTop + 3) & ~3;
  if (poolTop + bytes > pool.byteLength) {
    pool = new ArrayBuffer(Math.max(POOL_BYTES, bytes));
    poolTop = 0;
  }
  const o = poolTop;
  poolTop += bytes;
  return o;
}

/**
 * Decode the NLRI encoded in b[start, end) for an address family (1 or 2). `addPath`: each prefix is preceded by a
 * 4-octet Path Identifier. Returns the list, or a fault when a length exceeds the family's maximum or a prefix
 * overruns `end` (RFC 7606 §5.3). Two passes: count, then fill arrays of the exact size.
 */
export function decodePrefixes(b: Uint8Array, start: number, end: number, afi: number, addPath: boolean):
  PrefixList | NlriFault {
  const max = maxPrefixLen(afi);
  const hdr = addPath ? 5 : 1;
  let n = 0;
  let p = start;
  while (p < end) {
    if (p + hdr > end) return { fault: `prefix header truncated at offset ${p - start}` };
    const len = b[p + hdr - 1]!;
    if (len > max) return { fault: `prefix length ${len} exceeds ${max}` };
    p += hdr + ((len + 7) >> 3);
    n++;
  }
  if (p > end) return { fault: `last prefix overruns the field by ${p - end} octets` };
  const wn = afi === AFI_IPV6 ? 4 * n : n;
  const o = poolTake(4 * wn + (addPath ? 4 * n : 0) + n);
  const words = new Uint32Array(pool, o, wn);
  const ids = addPath ? new Uint32Array(pool, o + 4 * wn, n) : null;
  const lens = new Uint8Array(pool, o + 4 * wn + (addPath ? 4 * n : 0), n);
  p = start;
  if (afi !== AFI_IPV6) {
    for (let i = 0; i < n; i++) {
      if (ids !== null) { ids[i] = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0; p += 4; }
      const len = b[p++]!;
      lens[i] = len;
      let w = 0;
      switch ((len + 7) >> 3) {
        case 4: w = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!; p += 4; break;
        case 3: w = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8); p += 3; break;
        case 2: w = (b[p]! << 24) | (b[p + 1]! << 16); p += 2; break;
        case 1: w = b[p]! << 24; p += 1; break;
        default: break;
      }
      words[i] = w;
    }
    return new PrefixList(afi, lens, words, ids);
  }
  // IPv6: octets are or-ed into zeroed words (the pool is never reused).
  for (let i = 0; i < n; i++) {
    if (ids !== null) { ids[i] = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0; p += 4; }
    const len = b[p++]!;
    lens[i] = len;
    const nb = (len + 7) >> 3;
    const base = 4 * i;
    for (let j = 0; j < nb; j++) words[base + (j >> 2)] |= b[p + j]! << (24 - 8 * (j & 3));
    p += nb;
  }
  return new PrefixList(afi, lens, words, ids);
}

/** Encoded size of a prefix list in octets. */
export function prefixesLength(list: PrefixList, addPath: boolean): number {
  let n = addPath ? 5 * list.length : list.length;
  const lens = list.lens;
  for (let i = 0; i < lens.length; i++) n += (lens[i]! + 7) >> 3;
  return n;
}

/** Write a prefix list at `off`; returns the offset past it. A missing path id is written as 0. */
export function writePrefixes(list: PrefixList, addPath: boolean, out: Uint8Array, off: number): number {
  const s = stride(list.afi);
  const { lens, words, pathIds } = list;
  for (let i = 0; i < lens.length; i++) {
    if (addPath) {
      const id = pathIds === null ? 0 : pathIds[i]!;
      out[off] = id >>> 24; out[off + 1] = (id >>> 16) & 255; out[off + 2] = (id >>> 8) & 255; out[off + 3] = id & 255;
      off += 4;
    }
    const len = lens[i]!;
    out[off++] = len;
    const nb = (len + 7) >> 3;
    for (let j = 0; j < nb; j++) out[off + j] = (words[i * s + (j >> 2)]! >>> (24 - 8 * (j & 3))) & 255;
    off += nb;
  }
  return off;
}

/** Encode a prefix list alone (e.g. for an MRT RIB entry or a test). */
export function encodePrefixes(list: PrefixList, addPath: boolean): Uint8Array {
  const out = new Uint8Array(prefixesLength(list, addPath));
  writePrefixes(list, addPath, out, 0);
  return out;
}

/** Concatenate prefix lists of one family (path ids kept when every part has them, or zero-filled). */
export function concatPrefixes(afi: number, parts: readonly PrefixList[]): PrefixList {
  const s = stride(afi);
  const n = parts.reduce((a, p) => a + p.length, 0);
  const lens = new Uint8Array(n), words = new Uint32Array(n * s);
  const withIds = parts.some((p) => p.pathIds !== null);
  const ids = withIds ? new Uint32Array(n) : null;
  let o = 0;
  for (const p of parts) {
    lens.set(p.lens, o); words.set(p.words, o * s);
    if (ids !== null && p.pathIds !== null) ids.set(p.pathIds, o);
    o += p.length;
  }
  return new PrefixList(afi, lens, words, ids);
}

/** A slice [from, to) of a list, sharing no memory with it. */
export function slicePrefixes(list: PrefixList, from: number, to: number): PrefixList {
  const s = stride(list.afi);
  return new PrefixList(list.afi, list.lens.slice(from, to), list.words.slice(from * s, to * s),
    list.pathIds === null ? null : list.pathIds.slice(from, to));
}
