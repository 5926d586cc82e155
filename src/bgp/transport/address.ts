// Address text helpers for the session layer: canonical forms (so that "::ffff:192.0.2.1" from a dual-stack
// socket, "2001:DB8::1" from a config and "2001:db8:0::1" all compare equal to what the peer table holds), the
// family of an address, and prefix-range membership for range-based (dynamic) neighbors.
import { ipv4TextU32, ipv6Text, parseIpv4U32, parseIpv6 } from '../wire/addr.js';
import { parsePrefix } from '../wire/prefix.js';

/** Canonical text: dotted quad for IPv4 (also for IPv4-mapped IPv6), RFC 5952 for IPv6; null if not an address. */
export function canonicalAddress(s: string): string | null {
  let a = s;
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone); // link-local scope: the address itself identifies the peer here
  if (!a.includes(':')) {
    const v = parseIpv4U32(a);
    return v === null ? null : ipv4TextU32(v);
  }
  const b = parseIpv6(a);
  if (b === null) return null;
  // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2) is how a dual-stack socket reports an IPv4 peer.
  let mapped = b[10] === 0xff && b[11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b[i] !== 0) mapped = false;
  if (mapped) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  return ipv6Text(b);
}

/** 4 or 6 (of canonical or any parseable text); 0 if not an address. */
export function addressFamily(s: string): 0 | 4 | 6 {
  const c = canonicalAddress(s);
  if (c === null) return 0;
  return c.includes(':') ? 6 : 4;
}

/** A parsed prefix range: "10.0.0.0/24", "2001:db8::/32". */
export interface AddressRange {
  readonly text: string;
  readonly family: 4 | 6;
  readonly len: number;
  readonly bytes: Uint8Array;
}

export function parseRange(s: string): AddressRange | null {
  const p = parsePrefix(s);
  if (p === null) return null;
  return { text: s, family: p.afi === 2 ? 6 : 4, len: p.len, bytes: p.addr };
}

function addressBytes(s: string): Uint8Array | null {
  const c = canonicalAddress(s);
  if (c === null) return null;
  if (!c.includes(':')) {
    const v = parseIpv4U32(c)!;
    return new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
  }
  return parseIpv6(c);
}

/** Whether `address` falls inside `range` (same family, first `len` bits equal). */
export function inRange(address: string, range: AddressRange): boolean {
  const b = addressBytes(address);
  if (b === null || b.length !== (range.family === 6 ? 16 : 4)) return false;
  const full = range.len >> 3, rest = range.len & 7;
  for (let i = 0; i < full; i++) if (b[i] !== range.bytes[i]) return false;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (b[full]! & mask) === (range.bytes[full]! & mask);
}

/** "192.0.2.1:179", "[2001:db8::1]:179". */
export function endpointText(e: { address: string; port: number }): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}
