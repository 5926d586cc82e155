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

/**
 * Prefixes of one address family as parallel typed arrays. Immutable by convention.
 *
 * Storage: a list built with the constructor holds its own arrays. A decoded list is a region of a shared decode
 * pool (see poolTake()) and holds no typed array of its own: a view costs V8 ~110 bytes and a received table keeps
 * ~200,000 lists, so `lens` / `words` / `pathIds` are views made on first use (and kept), while the per-index
 * readers (prefixLen(), addrWord(), pathIdAt()) read the pool directly and allocate nothing.
 */
export class PrefixList {
  /** Number of prefixes. */
  readonly length: number;
  // Three fields (a decoded table keeps ~200,000 lists): `store` is the list's arrays, or for a decoded list the
  // pool it lies in (replaced by views into the pool when the arrays are first asked for); `meta` packs
  // afi (bits 0-15), whether there are path ids (bit 16) and, for the pool form, 1 + the word index of the address
  // words in the pool (bits 17-30; 0 in the arrays form). In the pool the path ids follow the address words and
  // the lengths (one octet each) follow those. A decoded list's word index is below 4,096 (pools of 16 KiB; a
  // larger list gets a pool of its own at index 0), so `meta` stays a small integer.
  private store: PrefixViews | DecodePool;
  private meta: number;

  constructor(afi: number, lens: Uint8Array, words: Uint32Array, pathIds: Uint32Array | null = null) {
    this.length = lens.length;
    // NO_LENS (module-private) marks a list inPool() is about to set: no arrays object to make.
    this.store = lens === NO_LENS ? NO_VIEWS : { lens, words, pathIds };
    this.meta = (afi & 0xffff) + (pathIds === null ? 0 : 0x10000);
  }

  /** A list of `n` prefixes stored in `pool` (decodePrefixes()); no arrays are made. */
  static inPool(afi: number, n: number, pool: DecodePool, wordAt: number, withIds: boolean): PrefixList {
    // Made by the constructor and then set, so both forms share one hidden class (one shape at every use).
    const l = new PrefixList(afi, NO_LENS, NO_WORDS, null) as unknown as PoolFields;
    l.length = n; l.store = pool; l.meta = (afi & 0xffff) + (withIds ? 0x10000 : 0) + (wordAt + 1) * 0x20000;
    return l as unknown as PrefixList;
  }

  /** 1 = IPv4, 2 = IPv6. */
  get afi(): number {
    return this.meta & 0xffff;
  }
  /** Word index of the address words in the pool; -1 in the arrays form. */
  private get wordAt(): number {
    return (this.meta >>> 17) - 1;
  }
  /** Word index of the path ids in the pool (pool form with path ids only). */
  private get idAt(): number {
    return this.wordAt + stride(this.afi) * this.length;
  }
  /** Octet index of the lengths in the pool (pool form only). */
  private get lenAt(): number {
    return 4 * (this.idAt + ((this.meta & 0x10000) !== 0 ? this.length : 0));
  }
  /** The arrays (for a decoded list, views into its pool, all three made on first use and kept). */
  private arrays(): PrefixViews {
    if (this.meta < 0x20000) return this.store as PrefixViews;
    const buf = (this.store as DecodePool).u8.buffer, n = this.length;
    const views: PrefixViews = {
      lens: new Uint8Array(buf, this.lenAt, n),
      words: new Uint32Array(buf, 4 * this.wordAt, n * stride(this.afi)),
      pathIds: (this.meta & 0x10000) === 0 ? null : new Uint32Array(buf, 4 * this.idAt, n),
    };
    this.store = views;
    this.meta &= 0x1ffff;
    return views;
  }

  /** Prefix length (bits) of prefix i. */
  get lens(): Uint8Array {
    return this.arrays().lens;
  }
  /** Address of prefix i: words[i] (IPv4) or words[4i..4i+3] (IPv6), big-endian uint32 each. */
  get words(): Uint32Array {
    return this.arrays().words;
  }
  /** Path Identifier of prefix i, or null when the NLRI carried none. */
  get pathIds(): Uint32Array | null {
    return (this.meta & 0x10000) === 0 ? null : this.arrays().pathIds;
  }
  /** Whether the prefixes carry Path Identifiers. */
  get hasPathIds(): boolean {
    return (this.meta & 0x10000) !== 0;
  }

  /** Prefix length (bits) of prefix i; allocates nothing. */
  prefixLen(i: number): number {
    return this.meta < 0x20000 ? (this.store as PrefixViews).lens[i]! : (this.store as DecodePool).u8[this.lenAt + i]!;
  }
  /** Word k (0 for IPv4, 0..3 for IPv6) of the address of prefix i; allocates nothing. */
  addrWord(i: number, k = 0): number {
    const j = this.afi === AFI_IPV6 ? 4 * i + k : i + k;
    return this.meta < 0x20000 ? (this.store as PrefixViews).words[j]! : (this.store as DecodePool).u32[this.wordAt + j]!;
  }
  /** Path Identifier of prefix i (0 when the list has none); allocates nothing. */
  pathIdAt(i: number): number {
    if ((this.meta & 0x10000) === 0) return 0;
    return this.meta < 0x20000 ? (this.store as PrefixViews).pathIds![i]! : (this.store as DecodePool).u32[this.idAt + i]!;
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

/** The fields inPool() sets (writable here only). */
interface PoolFields {
  length: number; store: PrefixViews | DecodePool; meta: number;
}
/** The arrays of a list. */
interface PrefixViews {
  readonly lens: Uint8Array;
  readonly words: Uint32Array;
  readonly pathIds: Uint32Array | null;
}
const NO_LENS = new Uint8Array(0), NO_WORDS = new Uint32Array(0);
const NO_VIEWS: PrefixViews = { lens: NO_LENS, words: NO_WORDS, pathIds: null };

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

// Decoded lists are regions of shared pools of POOL_BYTES, filled in order and never reused or written after the
// list is made: a typed array of its own costs V8 ~250 bytes (the array, its buffer object and its storage) and
// even a view ~110, while an UPDATE carries only a few prefixes. A list kept for long keeps its pool alive (at most
// POOL_BYTES); slicePrefixes() gives a copy with arrays of its own.
/** A decode pool: one ArrayBuffer as octets and as native-order words. */
export interface DecodePool {
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
}
const POOL_BYTES = 16384;
let pool: DecodePool = newPool(POOL_BYTES);
let poolTop = 0;

function newPool(bytes: number): DecodePool {
  const buf = new ArrayBuffer(bytes);
  return { u8: new Uint8Array(buf), u32: new Uint32Array(buf) };
}

/** Byte offset of `bytes` fresh (zeroed) octets, 4-aligned, in `pool` (which may be replaced). */
function poolTake(bytes: number): number {
  poolTop = (poolTop + 3) & ~3;
  if (poolTop + bytes > pool.u8.length) {
    pool = newPool(Math.max(POOL_BYTES, (bytes + 3) & ~3));
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
  const u8 = pool.u8, u32 = pool.u32;
  const wordAt = o >> 2, idAt = addPath ? wordAt + wn : -1, lenAt = o + 4 * wn + (addPath ? 4 * n : 0);
  const list = PrefixList.inPool(afi, n, pool, wordAt, addPath);
  p = start;
  if (afi !== AFI_IPV6) {
    for (let i = 0; i < n; i++) {
      if (addPath) { u32[idAt + i] = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0; p += 4; }
      const len = b[p++]!;
      u8[lenAt + i] = len;
      let w = 0;
      switch ((len + 7) >> 3) {
        case 4: w = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!; p += 4; break;
        case 3: w = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8); p += 3; break;
        case 2: w = (b[p]! << 24) | (b[p + 1]! << 16); p += 2; break;
        case 1: w = b[p]! << 24; p += 1; break;
        default: break;
      }
      u32[wordAt + i] = w;
    }
    return list;
  }
  // IPv6: octets are or-ed into zeroed words (the pool is never reused).
  for (let i = 0; i < n; i++) {
    if (addPath) { u32[idAt + i] = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0; p += 4; }
    const len = b[p++]!;
    u8[lenAt + i] = len;
    const nb = (len + 7) >> 3;
    const base = wordAt + 4 * i;
    // Whole words first, then the octets of a last partial word (the pool is zeroed: words past it stay 0).
    let k = 0;
    for (; 4 * k + 4 <= nb; k++, p += 4) u32[base + k] = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
    const rest = nb - 4 * k;
    if (rest > 0) {
      let w = b[p]! << 24;
      if (rest > 1) w |= b[p + 1]! << 16;
      if (rest > 2) w |= b[p + 2]! << 8;
      u32[base + k] = w;
      p += rest;
    }
  }
  return list;
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
