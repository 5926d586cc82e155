// Prefix keys and IP addresses for the RIB (RFC 4271 §4.3 NLRI, RFC 4291 §2.3 IPv6 prefixes, RFC 5952 text form).
//
// A RIB holds ~1M prefixes, so a prefix is not an object but a compact Map key:
//   IPv4: a number, 2^length + the `length` network bits (the numbering of a binary heap: 0.0.0.0/0 is 1, its
//         halves 2 and 3, ...). Host bits are dropped by construction. Prefixes up to /30 give keys below 2^31,
//         which V8 keeps as small integers (no boxed number per Map key); /31 and /32 are exact doubles.
//   IPv6: a short string, one UTF-16 code unit for the length followed by the 16-bit groups that the length
//         covers (ceil(len/16) of them, host bits masked). A /48 is a 4-unit string.
// The AFI can therefore be told from the key's type, bits are read without parsing, and keys cost no allocation
// beyond the Map slot (IPv4) or a tiny string (IPv6). formatPrefix() renders the usual text.

import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../util/ip.js';

// Address text is parsed and written by the project's one implementation (src/util/ip.ts); re-exported here for
// the RIB's users.
export { formatIPv4, formatIPv6, parseIPv4, parseIPv6 };

export type Afi = 'ipv4' | 'ipv6';
export type PrefixKey = number | string;

export function afiOfKey(key: PrefixKey): Afi {
  return typeof key === 'number' ? 'ipv4' : 'ipv6';
}

// ---------------------------------------------------------------------------------------------------------------
// IPv4

/** Mask of the first `len` bits of a uint32 (len 0..32). */
export function maskV4(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export function v4Key(addr: number, len: number): number {
  if (len === 0) return 1;
  // Up to /30 the key is below 2^31: integer shifts give the same value without floating-point division (this
  // runs once per received prefix).
  if (len <= 30) return (1 << len) + (addr >>> (32 - len));
  return 2 ** len + Math.floor((addr >>> 0) / 2 ** (32 - len));
}
export function v4KeyLen(key: number): number {
  return key >= 4294967296 ? 32 : 31 - Math.clz32(key);
}
export function v4KeyAddr(key: number): number {
  const len = v4KeyLen(key);
  if (len === 0) return 0;
  // Up to /30 in integer shifts (as v4Key); this runs once per prefix written into an UPDATE.
  if (len <= 30) return ((key - (1 << len)) << (32 - len)) >>> 0;
  return ((key - 2 ** len) * 2 ** (32 - len)) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------------
// IPv6

/** The key of an IPv6 prefix given as 8 groups (or fewer: missing groups are zero). */
export function v6Key(groups: ArrayLike<number>, len: number): string {
  const n = (len + 15) >>> 4;
  const units = new Array<number>(n + 1);
  units[0] = len;
  for (let i = 0; i < n; i++) {
    let g = (groups[i] ?? 0) & 0xffff;
    const bitsLeft = len - i * 16;
    if (bitsLeft < 16) g &= (0xffff << (16 - bitsLeft)) & 0xffff;
    units[i + 1] = g;
  }
  return String.fromCharCode.apply(null, units);
}

/** The key of an IPv6 prefix whose address is the big-endian uint32 words w0..w3 (the wire codec's layout). */
export function v6KeyOfWords(w0: number, w1: number, w2: number, w3: number, len: number): string {
  return v6Key([w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff], len);
}

export function v6KeyLen(key: string): number {
  return key.charCodeAt(0);
}
export function v6KeyGroups(key: string): number[] {
  const g = new Array<number>(8).fill(0);
  for (let i = 1; i < key.length; i++) g[i - 1] = key.charCodeAt(i);
  return g;
}

// ---------------------------------------------------------------------------------------------------------------
// Both families

export function prefixLength(key: PrefixKey): number {
  return typeof key === 'number' ? v4KeyLen(key) : key.charCodeAt(0);
}

/** Bit `i` (0 = most significant) of the prefix's address. */
export function prefixBit(key: PrefixKey, i: number): number {
  if (typeof key === 'number') return (v4KeyAddr(key) >>> (31 - i)) & 1;
  const unit = 1 + (i >>> 4);
  return unit < key.length ? (key.charCodeAt(unit) >>> (15 - (i & 15))) & 1 : 0;
}

/** Parse "192.0.2.0/24" or "2001:db8::/32"; a bare address is a host prefix. Host bits are masked. */
export function parsePrefix(text: string): { afi: Afi; key: PrefixKey } | null {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const lenText = slash < 0 ? null : text.slice(slash + 1);
  if (lenText !== null && !/^\d{1,3}$/.test(lenText)) return null;
  if (addr.includes(':')) {
    const g = parseIPv6(addr);
    const len = lenText === null ? 128 : Number(lenText);
    if (g === null || len > 128) return null;
    return { afi: 'ipv6', key: v6Key(g, len) };
  }
  const v = parseIPv4(addr);
  const len = lenText === null ? 32 : Number(lenText);
  if (v === null || len > 32) return null;
  return { afi: 'ipv4', key: v4Key(v, len) };
}

export function formatPrefix(key: PrefixKey): string {
  if (typeof key === 'number') return `${formatIPv4(v4KeyAddr(key))}/${v4KeyLen(key)}`;
  return `${formatIPv6(v6KeyGroups(key))}/${v6KeyLen(key)}`;
}

/** True when prefix `inner` lies inside (or equals) prefix `outer` of the same family. */
export function prefixCovers(outer: PrefixKey, inner: PrefixKey): boolean {
  if (typeof outer !== typeof inner) return false;
  const ol = prefixLength(outer);
  if (prefixLength(inner) < ol) return false;
  if (typeof outer === 'number') {
    const m = maskV4(ol);
    return ((v4KeyAddr(outer) & m) >>> 0) === ((v4KeyAddr(inner as number) & m) >>> 0);
  }
  for (let i = 0; i < ol; i++) if (prefixBit(outer, i) !== prefixBit(inner, i)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses as sortable keys (for the "lowest neighbor address" rule and next-hop matching)

/**
 * A fixed-width hex string that sorts like the 128-bit address, IPv4 mapped into ::ffff:0:0/96 (the order BIRD
 * uses, since it stores every address as IPv6). Null when the text is not an address.
 */
export function addressSortKey(text: string): string | null {
  let groups: number[] | null;
  if (text.includes(':')) groups = parseIPv6(text);
  else {
    const v = parseIPv4(text);
    groups = v === null ? null : [0, 0, 0, 0, 0, 0xffff, v >>> 16, v & 0xffff];
  }
  if (groups === null) return null;
  return groups.map((g) => g.toString(16).padStart(4, '0')).join('');
}

/** Canonical text of an address (IPv4 dotted quad, IPv6 RFC 5952), or null when it is not one. */
export function canonicalAddress(text: string): string | null {
  if (text.includes(':')) {
    const g = parseIPv6(text);
    return g === null ? null : formatIPv6(g);
  }
  const v = parseIPv4(text);
  return v === null ? null : formatIPv4(v);
}

/** The host-prefix key of an address (/32 or /128), for prefix matching of next hops. */
export function addressKey(text: string): PrefixKey | null {
  const p = parsePrefix(text);
  return p === null ? null : p.key;
}
