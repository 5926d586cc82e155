// IP addresses and prefixes as the agent needs them: parse, validate (host bits must be zero), canonicalise
// (RFC 5952 text for IPv6), and test containment for covering prefixes (RFC 4786 §4.4.2, §4.8). Pure functions.
import { type IpFamily, canonicalIp, formatIp as formatOctets, maskOctets, parseIp, samePrefixBits }
  from '../util/ip.js';

// Addresses are parsed and written by the project's one implementation (src/util/ip.ts).
export { canonicalIp, parseIp };

export type Family = IpFamily;

export interface Prefix {
  family: Family;
  bytes: Uint8Array;
  len: number;
  /** Canonical text: 192.0.2.0/24, 2001:db8::/32. */
  text: string;
}

export function formatIp(_family: Family, bytes: Uint8Array): string {
  return formatOctets(bytes);
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

export const maskBytes = maskOctets;

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** `outer` covers `inner` (equal or less specific, same family). */
export function covers(outer: Prefix, inner: Prefix): boolean {
  return outer.family === inner.family && outer.len <= inner.len && samePrefixBits(inner.bytes, outer.bytes, outer.len);
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
