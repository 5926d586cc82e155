// Addresses and prefixes for the FIB as 32-bit words (one word for IPv4, four for IPv6), the form the
// longest-prefix-match trie works on: parse, canonical text (RFC 4291 §2.2 input, RFC 5952 §4 output, as
// `ip -j route` prints), masks and bit access. Pure functions; errors are returned as data, never thrown.

export type Family = 4 | 6;

/** An address as big-endian 32-bit words: length 1 (IPv4) or 4 (IPv6). */
export type Words = Uint32Array;

export interface ParsedPrefix {
  family: Family;
  words: Words;
  len: number;
  /** Canonical text: `192.0.2.0/24`, `2001:db8::/32`. */
  text: string;
}

/** The IPv4 address as a 32-bit number, or -1. Decimal only, no leading zeros (as inet_pton). Hot path. */
export function parseIPv4Number(s: string, from = 0, to = s.length): number {
  let v = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      v = v * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1; // leading zero
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return (v * 256 + octet) >>> 0;
}

export function parseIPv4(s: string): Words | null {
  const v = parseIPv4Number(s);
  return v < 0 ? null : Uint32Array.of(v);
}

const groups = new Uint16Array(8);

/**
 * Parses an IPv6 address (RFC 4291 §2.2, all three forms) from s[from, to) into `out` (4 words); false if it
 * is not one. Hot path (a full IPv6 table goes through here): no strings, arrays or regular expressions.
 */
export function parseIPv6Into(s: string, from: number, to: number, out: Words): boolean {
  if (to - from < 2 || to - from > 45) return false;
  let n = 0; // groups written
  let dbl = -1; // group index where '::' stands
  let i = from;
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return false;
    dbl = 0;
    i += 2;
    if (i === to) {
      out.fill(0);
      return true;
    }
  }
  for (;;) {
    const start = i;
    let v = 0;
    while (i < to && i - start < 5) {
      const c = s.charCodeAt(i);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else break;
      v = v * 16 + d;
      i++;
    }
    const digits = i - start;
    if (i < to && s.charCodeAt(i) === 46) {
      // Embedded IPv4 in the last 32 bits.
      if (n > 6) return false;
      const v4 = parseIPv4Number(s, start, to);
      if (v4 < 0) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      i = to;
      break;
    }
    if (digits === 0 || digits > 4 || n === 8) return false;
    groups[n++] = v;
    if (i === to) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < to && s.charCodeAt(i) === 58) {
      if (dbl >= 0) return false;
      dbl = n;
      i++;
      if (i === to) break;
    } else if (i === to) {
      return false; // trailing single ':'
    }
  }
  if (dbl < 0 ? n !== 8 : n > 7) return false;
  const gap = dbl < 0 ? 0 : 8 - n;
  for (let w = 0; w < 4; w++) {
    const g = (k: number) => (dbl < 0 || k < dbl ? groups[k]! : k < dbl + gap ? 0 : groups[k - gap]!);
    out[w] = ((g(2 * w) << 16) | g(2 * w + 1)) >>> 0;
  }
  return true;
}

export function parseIPv6(s: string): Words | null {
  const w = new Uint32Array(4);
  return parseIPv6Into(s, 0, s.length, w) ? w : null;
}

/** Parses either family; `null` if `s` is not an address. */
export function parseAddress(s: string): { family: Family; words: Words } | null {
  if (s.includes(':')) {
    const w = parseIPv6(s);
    return w ? { family: 6, words: w } : null;
  }
  const w = parseIPv4(s);
  return w ? { family: 4, words: w } : null;
}

export function formatIPv4(w: number): string {
  return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
}

/** RFC 5952 §4: lower case, leading zeros dropped, the longest run (>= 2) of zero groups as `::`, first wins. */
export function formatIPv6(w: Words): string {
  const g = (k: number) => (k & 1 ? w[k >>> 1]! & 0xffff : w[k >>> 1]! >>> 16);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g(i) !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g(j) === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  // RFC 5952 §5: IPv4-mapped addresses keep their dotted tail (::ffff:192.0.2.1); like glibc's inet_ntop (whose
  // text `ip` prints) so do the deprecated IPv4-compatible ones (::192.0.2.1).
  if (best === 0 && bestLen === 5 && g(5) === 0xffff) return `::ffff:${formatIPv4(w[3]!)}`;
  if (best === 0 && bestLen === 6) return `::${formatIPv4(w[3]!)}`;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += g(i).toString(16);
  }
  return out;
}

export function formatAddress(family: Family, w: Words): string {
  return family === 4 ? formatIPv4(w[0]!) : formatIPv6(w);
}

/** The canonical text of an address, or null if it is not one. */
export function canonicalAddress(s: string): string | null {
  const a = parseAddress(s);
  return a ? formatAddress(a.family, a.words) : null;
}

/** The words with every bit past `len` cleared (a new array). */
export function maskWords(w: Words, len: number): Words {
  const out = new Uint32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const bits = len - i * 32;
    if (bits >= 32) out[i] = w[i]!;
    else if (bits > 0) out[i] = (w[i]! & (0xffffffff << (32 - bits))) >>> 0;
  }
  return out;
}

/** Bit `i` (0 = most significant) of an address. */
export function bitAt(w: Words, i: number): number {
  return (w[i >>> 5]! >>> (31 - (i & 31))) & 1;
}

/** Length of the common leading bits of a and b, at most `max`. */
export function commonBits(a: Words, b: Words, max: number): number {
  let n = 0;
  for (let i = 0; i < a.length && n < max; i++) {
    const x = (a[i]! ^ b[i]!) >>> 0;
    if (x === 0) { n += 32; continue; }
    n += Math.clz32(x);
    break;
  }
  return Math.min(n, max);
}

/** Whether the first `len` bits of a and b are equal. */
export function samePrefix(a: Words, b: Words, len: number): boolean {
  let i = 0;
  for (; len >= 32; len -= 32, i++) if (a[i] !== b[i]) return false;
  if (len === 0) return true;
  return ((a[i]! ^ b[i]!) & (0xffffffff << (32 - len))) === 0;
}

/**
 * Canonical text and family of a prefix without building its words (the delta path: a full table of IPv4
 * prefixes allocates no typed array here). Same rules and messages as parsePrefix.
 */
export function canonicalPrefix(s: string, strict = true): { family: Family; text: string } | { error: string } {
  const slash = s.indexOf('/');
  if (slash > 0 && !s.includes(':')) {
    const v = parseIPv4Number(s, 0, slash);
    const l = s.length - slash - 1;
    let len = -1;
    if (l === 1 || l === 2) {
      const d1 = s.charCodeAt(slash + 1) - 48;
      const d2 = l === 2 ? s.charCodeAt(slash + 2) - 48 : 0;
      if (d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9) len = l === 2 ? d1 * 10 + d2 : d1;
    }
    if (v >= 0 && len >= 0 && len <= 32) {
      const masked = len === 0 ? 0 : (v & (0xffffffff << (32 - len))) >>> 0;
      if (masked === v) return { family: 4, text: s };
      if (!strict) return { family: 4, text: `${formatIPv4(masked)}/${len}` };
    }
  }
  if (slash > 0 && s.includes(':') && parseIPv6Into(s, 0, slash, scratch6)) {
    const l = s.slice(slash + 1);
    const len = /^\d{1,3}$/.test(l) ? Number(l) : -1;
    if (len >= 0 && len <= 128) {
      let hostBits = false;
      for (let i = 0; i < 4; i++) {
        const bits = len - i * 32;
        const mask = bits >= 32 ? 0xffffffff : bits <= 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        if ((scratch6[i]! & ~mask) !== 0) hostBits = true;
      }
      if (!hostBits) {
        const text = `${formatIPv6(scratch6)}/${len}`;
        return { family: 6, text: text === s ? s : text };
      }
    }
  }
  const p = parsePrefix(s, { strict });
  return 'error' in p ? p : { family: p.family, text: p.text };
}
const scratch6 = new Uint32Array(4);

/**
 * Parses `addr/len` (or a bare address as a host route; `default` as the family's zero route when `family` is
 * given). `strict`: host bits past the length are an error, as BGP NLRI never carries them; otherwise they are
 * cleared, as the kernel does.
 */
export function parsePrefix(s: string, opts: { strict?: boolean; family?: Family } = {}): ParsedPrefix | { error: string } {
  if (s === 'default' && opts.family) {
    const words = new Uint32Array(opts.family === 4 ? 1 : 4);
    return { family: opts.family, words, len: 0, text: opts.family === 4 ? '0.0.0.0/0' : '::/0' };
  }
  const slash = s.indexOf('/');
  if (!s.includes(':')) {
    // IPv4 fast path (a full table goes through here): no intermediate strings or arrays.
    const v = parseIPv4Number(s, 0, slash < 0 ? s.length : slash);
    if (v < 0) return { error: `"${s}" is not an IPv4 or IPv6 prefix` };
    let len = 32;
    if (slash >= 0) {
      const l = s.length - slash - 1;
      len = l >= 1 && l <= 2 ? Number(s.slice(slash + 1)) : NaN;
      if (!(len >= 0 && len <= 32) || !/^\d+$/.test(s.slice(slash + 1))) return { error: `"${s}": prefix length must be 0..32` };
    }
    const masked = len === 0 ? 0 : (v & (0xffffffff << (32 - len))) >>> 0;
    if (masked !== v && opts.strict !== false) {
      return { error: `"${s}": host bits set past /${len} (did you mean ${formatIPv4(masked)}/${len}?)` };
    }
    // The input is canonical when it parsed strictly, had a length, and no host bits.
    const text = masked === v && slash >= 0 ? s : `${formatIPv4(masked)}/${len}`;
    return { family: 4, words: Uint32Array.of(masked), len, text };
  }
  const a = parseAddress(slash < 0 ? s : s.slice(0, slash));
  if (!a) return { error: `"${s}" is not an IPv4 or IPv6 prefix` };
  const max = a.family === 4 ? 32 : 128;
  let len = max;
  if (slash >= 0) {
    const l = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(l) || Number(l) > max) return { error: `"${s}": prefix length must be 0..${max}` };
    len = Number(l);
  }
  const words = maskWords(a.words, len);
  if (opts.strict !== false && !samePrefix(words, a.words, max)) {
    return { error: `"${s}": host bits set past /${len} (did you mean ${formatAddress(a.family, words)}/${len}?)` };
  }
  return { family: a.family, words, len, text: `${formatAddress(a.family, words)}/${len}` };
}

export function isLinkLocalV6(w: Words): boolean {
  return w.length === 4 && (w[0]! >>> 22) === 0x3fa; // fe80::/10
}
