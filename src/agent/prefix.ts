// IP addresses and prefixes as the agent needs them: parse, validate (host bits must be zero), canonicalise
// (RFC 5952 text for IPv6), and test containment for covering prefixes (RFC 4786 §4.4.2, §4.8). Pure functions.
import { isIPv4, isIPv6 } from 'node:net';

export type Family = 4 | 6;

export interface Prefix {
  family: Family;
  bytes: Uint8Array;
  len: number;
  /** Canonical text: 192.0.2.0/24, 2001:db8::/32. */
  text: string;
}

export function parseIp(s: string): { family: Family; bytes: Uint8Array } | null {
  if (isIPv4(s)) return { family: 4, bytes: Uint8Array.from(s.split('.').map(Number)) };
  if (!isIPv6(s)) return null;
  let text = s;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) { // embedded IPv4 (::ffff:192.0.2.1)
    tail = text.slice(lastColon + 1).split('.').map(Number);
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const parse = (p: string) => (p === '' ? [] : p.split(':').map((h) => parseInt(h, 16)));
  const h = parse(head);
  const r = rest === undefined ? [] : parse(rest);
  const groups = rest === undefined ? h : [...h, ...new Array(8 - h.length - r.length).fill(0), ...r];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => { bytes[i * 2] = g >> 8; bytes[i * 2 + 1] = g & 0xff; });
  if (tail.length === 4) bytes.set(tail, 12);
  return { family: 6, bytes };
}

export function formatIp(family: Family, bytes: Uint8Array): string {
  if (family === 4) return Array.from(bytes.subarray(0, 4)).join('.');
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952 §4.2: compress the longest run (length >= 2) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function canonicalIp(s: string): string | null {
  const ip = parseIp(s);
  return ip === null ? null : formatIp(ip.family, ip.bytes);
}

/** Parse "addr/len". With `strict`, host bits must be zero (a prefix); otherwise an interface address is allowed. */
export function parsePrefix(s: string, strict = true): Prefix | { error: string } {
  const slash = s.indexOf('/');
  if (slash < 0) return { error: `"${s}" is not a prefix (expected address/length, e.g. 192.0.2.0/24)` };
  const ip = parseIp(s.slice(0, slash));
  if (ip === null) return { error: `"${s.slice(0, slash)}" is not an IPv4 or IPv6 address` };
  const lenText = s.slice(slash + 1);
  const max = ip.family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max) {
    return { error: `"${lenText}" is not a prefix length (0..${max})` };
  }
  const len = Number(lenText);
  const masked = maskBytes(ip.bytes, len);
  if (strict && !equalBytes(masked, ip.bytes)) {
    return { error: `${s} has host bits set (did you mean ${formatIp(ip.family, masked)}/${len}?)` };
  }
  const bytes = strict ? masked : ip.bytes;
  return { family: ip.family, bytes, len, text: `${formatIp(ip.family, bytes)}/${len}` };
}

export function maskBytes(bytes: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bits = Math.max(0, Math.min(8, len - i * 8));
    out[i] = bytes[i]! & (bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff);
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** `outer` covers `inner` (equal or less specific, same family). */
export function covers(outer: Prefix, inner: Prefix): boolean {
  return outer.family === inner.family && outer.len <= inner.len &&
    equalBytes(maskBytes(inner.bytes, outer.len), outer.bytes);
}

/** Sort key: family, then address bytes, then length — the order BIRD and `ip route` print. */
export function comparePrefixText(a: string, b: string): number {
  const pa = parsePrefix(a, false);
  const pb = parsePrefix(b, false);
  if ('error' in pa || 'error' in pb) return a < b ? -1 : a > b ? 1 : 0;
  if (pa.family !== pb.family) return pa.family - pb.family;
  for (let i = 0; i < pa.bytes.length; i++) if (pa.bytes[i] !== pb.bytes[i]) return pa.bytes[i]! - pb.bytes[i]!;
  return pa.len - pb.len;
}
