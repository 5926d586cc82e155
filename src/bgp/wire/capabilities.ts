// BGP capabilities (RFC 5492), carried in OPEN optional parameter type 2:
//   +------------------------------+
//   | Capability Code (1 octet)    |
//   | Capability Length (1 octet)  |
//   | Capability Value (variable)  |
//   +------------------------------+
// Implemented: multiprotocol (1, RFC 4760 §8), route refresh (2, RFC 2918), extended next hop (5, RFC 8950),
// extended message (6, RFC 8654), BGP role (9, RFC 9234), graceful restart (64, RFC 4724 §3), 4-octet AS (65,
// RFC 6793), add-path (69, RFC 7911 §4), enhanced route refresh (70, RFC 7313), FQDN (73, draft-walton-bgp-hostname
// -capability). Any other code is kept as bytes (RFC 5492 §3: an unknown capability is ignored, not an error).
// A known capability whose value has the wrong size is an OPEN Message Error (2/0), as BIRD and GoBGP treat it.
// FQDN text is read byte-for-byte (latin1) so that any bytes re-encode exactly.
import { u16, u32 } from './octets.js';

export const CAP = {
  MULTIPROTOCOL: 1, ROUTE_REFRESH: 2, EXTENDED_NEXT_HOP: 5, EXTENDED_MESSAGE: 6, ROLE: 9, GRACEFUL_RESTART: 64,
  AS4: 65, ADD_PATH: 69, ENHANCED_ROUTE_REFRESH: 70, FQDN: 73,
} as const;

/** RFC 9234 §4.1 role values. */
export const ROLE_NAMES: Readonly<Record<number, string>> = { 0: 'provider', 1: 'rs', 2: 'rs-client', 3: 'customer',
  4: 'peer' };
/** RFC 7911 §4 Send/Receive field. */
export const ADDPATH_RECEIVE = 1, ADDPATH_SEND = 2, ADDPATH_BOTH = 3;

export interface FamilyFlags { readonly afi: number; readonly safi: number; readonly flags: number }
export interface AddPathFamily { readonly afi: number; readonly safi: number; readonly mode: number }
export interface NextHopFamily { readonly afi: number; readonly safi: number; readonly nextHopAfi: number }

export type Capability =
  | { readonly name: 'multiprotocol'; readonly code: 1; readonly afi: number; readonly safi: number;
    readonly reserved: number }
  | { readonly name: 'route-refresh'; readonly code: 2 }
  | { readonly name: 'extended-next-hop'; readonly code: 5; readonly families: readonly NextHopFamily[] }
  | { readonly name: 'extended-message'; readonly code: 6 }
  | { readonly name: 'role'; readonly code: 9; readonly role: number }
  /** flags: the 4 high bits (R = 8, N = 4); time: restart time in seconds (12 bits). */
  | { readonly name: 'graceful-restart'; readonly code: 64; readonly flags: number; readonly time: number;
    readonly families: readonly FamilyFlags[] }
  | { readonly name: 'as4'; readonly code: 65; readonly asn: number }
  | { readonly name: 'add-path'; readonly code: 69; readonly families: readonly AddPathFamily[] }
  | { readonly name: 'enhanced-route-refresh'; readonly code: 70 }
  | { readonly name: 'fqdn'; readonly code: 73; readonly hostname: string; readonly domain: string }
  | { readonly name: 'unknown'; readonly code: number; readonly value: Uint8Array };

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

/** Decode one capability value; a string is the reason it is malformed. */
export function decodeCapability(code: number, v: Uint8Array): Capability | string {
  switch (code) {
    case CAP.MULTIPROTOCOL:
      if (v.length !== 4) return `multiprotocol capability length ${v.length}, expected 4`;
      return { name: 'multiprotocol', code: 1, afi: u16(v, 0), reserved: v[2]!, safi: v[3]! };
    case CAP.ROUTE_REFRESH:
      return v.length === 0 ? { name: 'route-refresh', code: 2 } : `route refresh capability length ${v.length}`;
    case CAP.EXTENDED_NEXT_HOP: {
      if (v.length === 0 || v.length % 6 !== 0) return `extended next hop capability length ${v.length}`;
      const families: NextHopFamily[] = [];
      for (let o = 0; o < v.length; o += 6) families.push({ afi: u16(v, o), safi: u16(v, o + 2), nextHopAfi: u16(v, o + 4) });
      return { name: 'extended-next-hop', code: 5, families };
    }
    case CAP.EXTENDED_MESSAGE:
      return v.length === 0 ? { name: 'extended-message', code: 6 } : `extended message capability length ${v.length}`;
    case CAP.ROLE:
      return v.length === 1 ? { name: 'role', code: 9, role: v[0]! } : `role capability length ${v.length}, expected 1`;
    case CAP.GRACEFUL_RESTART: {
      if (v.length < 2 || (v.length - 2) % 4 !== 0) return `graceful restart capability length ${v.length}`;
      const families: FamilyFlags[] = [];
      for (let o = 2; o < v.length; o += 4) families.push({ afi: u16(v, o), safi: v[o + 2]!, flags: v[o + 3]! });
      return { name: 'graceful-restart', code: 64, flags: v[0]! >> 4, time: u16(v, 0) & 0xfff, families };
    }
    case CAP.AS4:
      return v.length === 4 ? { name: 'as4', code: 65, asn: u32(v, 0) } : `4-octet AS capability length ${v.length}`;
    case CAP.ADD_PATH: {
      if (v.length === 0 || v.length % 4 !== 0) return `add-path capability length ${v.length}`;
      const families: AddPathFamily[] = [];
      for (let o = 0; o < v.length; o += 4) families.push({ afi: u16(v, o), safi: v[o + 2]!, mode: v[o + 3]! });
      return { name: 'add-path', code: 69, families };
    }
    case CAP.ENHANCED_ROUTE_REFRESH:
      return v.length === 0 ? { name: 'enhanced-route-refresh', code: 70 }
        : `enhanced route refresh capability length ${v.length}`;
    case CAP.FQDN: {
      if (v.length < 1) return 'FQDN capability empty';
      const hl = v[0]!;
      if (1 + hl + 1 > v.length) return 'FQDN hostname overruns the capability';
      const dl = v[1 + hl]!;
      if (2 + hl + dl !== v.length) return 'FQDN domain length does not match the capability length';
      return { name: 'fqdn', code: 73, hostname: latin1(v.subarray(1, 1 + hl)), domain: latin1(v.subarray(2 + hl)) };
    }
    default:
      return { name: 'unknown', code, value: v };
  }
}

/** Encode a capability's value (without code and length). */
export function encodeCapabilityValue(c: Capability): Uint8Array {
  switch (c.name) {
    case 'multiprotocol': return new Uint8Array([c.afi >> 8, c.afi & 255, c.reserved, c.safi]);
    case 'route-refresh': case 'extended-message': case 'enhanced-route-refresh': return new Uint8Array(0);
    case 'extended-next-hop': {
      const out = new Uint8Array(6 * c.families.length);
      c.families.forEach((f, i) => out.set([f.afi >> 8, f.afi & 255, f.safi >> 8, f.safi & 255, f.nextHopAfi >> 8,
        f.nextHopAfi & 255], 6 * i));
      return out;
    }
    case 'role': return new Uint8Array([c.role]);
    case 'graceful-restart': {
      const out = new Uint8Array(2 + 4 * c.families.length);
      out[0] = ((c.flags & 15) << 4) | ((c.time >> 8) & 15); out[1] = c.time & 255;
      c.families.forEach((f, i) => out.set([f.afi >> 8, f.afi & 255, f.safi, f.flags], 2 + 4 * i));
      return out;
    }
    case 'as4': return new Uint8Array([c.asn >>> 24, (c.asn >>> 16) & 255, (c.asn >>> 8) & 255, c.asn & 255]);
    case 'add-path': {
      const out = new Uint8Array(4 * c.families.length);
      c.families.forEach((f, i) => out.set([f.afi >> 8, f.afi & 255, f.safi, f.mode], 4 * i));
      return out;
    }
    case 'fqdn': {
      const h = Uint8Array.from(c.hostname, (ch) => ch.charCodeAt(0) & 255);
      const d = Uint8Array.from(c.domain, (ch) => ch.charCodeAt(0) & 255);
      const out = new Uint8Array(2 + h.length + d.length);
      out[0] = h.length; out.set(h, 1); out[1 + h.length] = d.length; out.set(d, 2 + h.length);
      return out;
    }
    case 'unknown': return c.value;
  }
}
