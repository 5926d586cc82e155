// Address and byte text helpers shared by the codec: IPv4/IPv6 text <-> bytes (RFC 4291 §2.2, RFC 5952 canonical
// output), hex dumps. Pure functions; parse functions return null on bad input rather than throwing, because the
// codec never throws on input it is given.
import { formatIPv4, parseIPv4 } from '../../util/ip.js';

/** Dotted-quad text of 4 bytes at `off`. */
export function ipv4Text(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** Dotted-quad text of a uint32 address (the project's one formatter, src/util/ip.ts). */
export const ipv4TextU32: (a: number) => string = formatIPv4;

/**
 * Parse dotted-quad text to a uint32, or null: the project's one parser (src/util/ip.ts; no regular expression, no
 * split, and leading zeros refused as inet_pton(3) refuses them).
 */
export const parseIpv4U32: (s: string) => number | null = parseIPv4;

export function parseIpv4(s: string): Uint8Array | null {
  const v = parseIpv4U32(s);
  if (v === null) return null;
  return new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
}

/** RFC 5952 text of 16 bytes at `off`: lower case, longest run (>= 2) of zero groups compressed to '::'. */
export function ipv6Text(b: Uint8Array, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!);
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  // IPv4-mapped addresses (::ffff:a.b.c.d) are written with a dotted tail, as RFC 5952 §5 recommends.
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) return `::ffff:${ipv4Text(b, off + 12)}`;
  const hex = (x: number) => x.toString(16);
  if (bestStart < 0) return g.map(hex).join(':');
  return g.slice(0, bestStart).map(hex).join(':') + '::' + g.slice(bestStart + bestLen).map(hex).join(':');
}

/** Parse IPv6 text (with '::' and an optional dotted IPv4 tail) to 16 bytes, or null. */
export function parseIpv6(s: string): Uint8Array | null {
  if (s.length === 0 || s.length > 45) return null;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    // A dotted IPv4 tail stands for the last two groups: rewrite it as hex and parse as usual.
    const v4 = parseIpv4U32(s.slice(lastColon + 1));
    if (v4 === null) return null;
    text = s.slice(0, lastColon + 1) + (v4 >>> 16).toString(16) + ':' + (v4 & 0xffff).toString(16);
  }
  const parts = text.split('::');
  if (parts.length > 2) return null;
  const groups = (x: string): number[] | null => {
    if (x === '') return [];
    const out: number[] = [];
    for (const h of x.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return null;
      out.push(parseInt(h, 16));
    }
    return out;
  };
  const head = groups(parts[0]!);
  if (head === null) return null;
  let all: number[];
  if (parts.length === 2) {
    const rest = groups(parts[1]!);
    if (rest === null) return null;
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return null;
    all = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    all = head;
  }
  if (all.length !== 8) return null;
  const out = new Uint8Array(16);
  all.forEach((v, i) => { out[2 * i] = v >> 8; out[2 * i + 1] = v & 255; });
  return out;
}

/** Lower-case hex of bytes, no separators. */
export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}

/** Parse hex, ignoring spaces, colons, dashes and an optional 0x prefix; null on an odd count or a non-hex digit. */
export function fromHex(s: string): Uint8Array | null {
  const t = s.replace(/0x/gi, '').replace(/[\s:.-]/g, '');
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) return null;
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.substr(2 * i, 2), 16);
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Node's native latin1 slice is ~3x faster than String.fromCharCode.apply; it is a pure byte-to-string
// conversion (no I/O). Other runtimes fall back to fromCharCode.
const latin1Slice = (globalThis as { Buffer?: { prototype: { latin1Slice?: (this: Uint8Array, s: number, e: number) => string } } })
  .Buffer?.prototype.latin1Slice;

/** Latin-1 string of bytes: a bijective, cheap Map key for byte strings (used to intern attribute sets). */
export function bytesKey(b: Uint8Array, start = 0, end = b.length): string {
  if (latin1Slice !== undefined) return latin1Slice.call(b, start, end);
  let s = '';
  const CH = 8192;
  for (let i = start; i < end; i += CH) {
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + CH)) as unknown as number[]);
  }
  return s;
}
