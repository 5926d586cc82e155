// IP address text <-> numbers and octets: the one parser and formatter the RIB, the policy, the DNS responder, the
// agent and the health checks share. Pure (no node:net), allocation-light, no exceptions.
//   IPv4: dotted quad of four decimal octets (RFC 791 §3.2 / RFC 1123 §2.1), no leading zeros — "010.0.0.1" is
//         refused, as inet_pton(3), Go's netip and node:net refuse it, because other parsers read it as octal.
//   IPv6: the text forms of RFC 4291 §2.2 (eight groups, "::" for one or more zero groups, a trailing dotted quad);
//         no zone index ("fe80::1%eth0" is refused: a zone is not part of an address in a config or on the wire).
//   Text out: IPv4 dotted quad; IPv6 in the RFC 5952 §4 form (lower case, no leading zeros, the longest run of two
//         or more zero groups — the first on a tie — as "::"). IPv4-mapped addresses stay in hex (::ffff:c000:201).

export type IpFamily = 4 | 6;

/** An address as octets: 4 for IPv4, 16 for IPv6, network order. */
export interface IpAddress {
  family: IpFamily;
  bytes: Uint8Array;
}

/** The address as an unsigned 32-bit number, or null when `text` is not a dotted quad. */
export function parseIPv4(text: string): number | null {
  const n = text.length;
  if (n < 7 || n > 15) return null;
  let v = 0, part = 0, digits = 0, dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) { // '.'
      if (digits === 0 || dots === 3) return null;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && part === 0) return null; // a leading zero
      part = part * 10 + (c - 0x30);
      if (part > 255) return null;
      digits++;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return v * 256 + part;
}

export function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** The address as 8 groups of 16 bits, or null when `text` is not an IPv6 address. */
export function parseIPv6(text: string): number[] | null {
  const n = text.length;
  if (n < 2 || n > 45) return null;
  const groups: number[] = [];
  let gap = -1; // where "::" stands, as an index into `groups`
  let i = 0;
  if (text.charCodeAt(0) === 0x3a) { // ':' — only as the start of "::"
    if (text.charCodeAt(1) !== 0x3a) return null;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let j = i, g = 0;
    while (j < n) {
      const d = hexDigit(text.charCodeAt(j));
      if (d < 0) break;
      g = g * 16 + d;
      j++;
    }
    if (j < n && text.charCodeAt(j) === 0x2e) { // '.': a dotted quad ends the address
      const v4 = groups.length <= 6 ? parseIPv4(text.slice(i)) : null;
      if (v4 === null) return null;
      groups.push(v4 >>> 16, v4 & 0xffff);
      break;
    }
    if (j === i || j - i > 4 || groups.length === 8) return null;
    groups.push(g);
    if (j === n) break;
    if (text.charCodeAt(j) !== 0x3a) return null;
    if (text.charCodeAt(j + 1) === 0x3a) {
      if (gap >= 0) return null;
      gap = groups.length;
      i = j + 2;
    } else {
      i = j + 1;
      if (i === n) return null; // a trailing single ':'
    }
  }
  if (gap < 0) return groups.length === 8 ? groups : null;
  if (groups.length > 7) return null; // "::" stands for at least one group
  const out = new Array<number>(8).fill(0);
  for (let k = 0; k < gap; k++) out[k] = groups[k]!;
  for (let k = gap, t = 8 - (groups.length - gap); k < groups.length; k++, t++) out[t] = groups[k]!;
  return out;
}

/**
 * RFC 5952 §4 text of 8 groups of 16 bits. `minRun` is the shortest run of zero groups written "::" (RFC 5952
 * §4.2.2: 2; bgpdump's output compresses a single group, 1).
 */
export function formatIPv6(groups: ArrayLike<number>, minRun = 2): string {
  let best = -1, bestLen = minRun - 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += (groups[i]! & 0xffff).toString(16);
    if (i < 7) s += ':';
  }
  return s;
}

/** RFC 5952 text of the 16 octets at b[off, off + 16). */
export function formatIPv6Octets(b: ArrayLike<number>, off = 0): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!;
  return formatIPv6(g);
}

/** An IPv4 or IPv6 address as octets, or null. */
export function parseIp(text: string): IpAddress | null {
  if (text.includes(':')) {
    const g = parseIPv6(text);
    if (g === null) return null;
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 8; i++) { bytes[2 * i] = g[i]! >>> 8; bytes[2 * i + 1] = g[i]! & 0xff; }
    return { family: 6, bytes };
  }
  const v = parseIPv4(text);
  if (v === null) return null;
  return { family: 4, bytes: Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255) };
}

/** Text of 4 (IPv4) or 16 (IPv6) octets. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  return formatIPv6Octets(bytes);
}

/** Canonical text of an address (dotted quad, RFC 5952), or null when `text` is not one. */
export function canonicalIp(text: string): string | null {
  const ip = parseIp(text);
  return ip === null ? null : formatIp(ip.bytes);
}

/** A copy of the octets with every bit after the first `len` cleared. */
export function maskOctets(bytes: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bits = Math.max(0, Math.min(8, len - i * 8));
    out[i] = bytes[i]! & ((0xff00 >> bits) & 0xff);
  }
  return out;
}

/** The first `len` bits of `a` and `b` are equal (both the same length). */
export function samePrefixBits(a: Uint8Array, b: Uint8Array, len: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length && i * 8 < len; i++) {
    const mask = (0xff00 >> Math.min(8, len - i * 8)) & 0xff;
    if ((a[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}
