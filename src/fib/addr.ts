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

export function parseIPv4(s: string): Words | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    // Decimal only, no leading zeros (inet_pton rejects octal-looking forms too).
    if (p.length === 0 || p.length > 3 || !/^\d+$/.test(p) || (p.length > 1 && p[0] === '0')) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return Uint32Array.of(v >>> 0);
}

export function parseIPv6(s: string): Words | null {
  if (s.length < 2 || s.length > 45) return null;
  let text = s;
  const groups: number[] = [];
  let tailV4: Words | null = null;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > 0) {
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (!tailV4) return null;
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = text.indexOf('::');
  if (dbl !== text.lastIndexOf('::')) return null;
  const parseRun = (run: string): number[] | null => {
    if (run === '') return [];
    const out: number[] = [];
    for (const h of run.split(':')) {
      if (h.length === 0 || h.length > 4 || !/^[0-9a-fA-F]+$/.test(h)) return null;
      out.push(parseInt(h, 16));
    }
    return out;
  };
  if (dbl >= 0) {
    const head = parseRun(text.slice(0, dbl));
    const tail = parseRun(text.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  } else {
    const all = parseRun(text);
    if (!all || all.length !== 8) return null;
    groups.push(...all);
  }
  const w = new Uint32Array(4);
  for (let i = 0; i < 4; i++) w[i] = ((groups[2 * i]! << 16) | groups[2 * i + 1]!) >>> 0;
  if (tailV4) w[3] = tailV4[0]!;
  return w;
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
  const g: number[] = [];
  for (let i = 0; i < 4; i++) g.push(w[i]! >>> 16, w[i]! & 0xffff);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  // RFC 5952 §5: IPv4-mapped addresses keep their dotted tail (::ffff:192.0.2.1), as inet_ntop prints them.
  if (best === 0 && bestLen === 5 && g[5] === 0xffff) return `::ffff:${formatIPv4(w[3]!)}`;
  const hex = (a: number, b: number) => g.slice(a, b).map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(0, 8);
  return `${hex(0, best)}::${hex(best + bestLen, 8)}`;
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
