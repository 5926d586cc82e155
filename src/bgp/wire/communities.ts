// Text helpers for communities: RFC 1997 ("65000:1", well-known names), RFC 8092 large ("65000:1:2"), RFC 4360 /
// RFC 5668 / RFC 7153 extended communities by type ("rt:65000:100", "soo:192.0.2.1:7", "rt:4200000000:1",
// otherwise "0x" + 16 hex digits).
import { ipv4TextU32, parseIpv4U32 } from './addr.js';
import type { ExtCommunity, LargeCommunity } from './attributes.js';

/** RFC 1997 and RFC 7999 / RFC 8326 well-known communities. */
const WELL_KNOWN: Readonly<Record<number, string>> = {
  0xffffff01: 'no-export', 0xffffff02: 'no-advertise', 0xffffff03: 'no-export-subconfed', 0xffffff04: 'no-peer',
  0xffff0000: 'graceful-shutdown', 0xffff029a: 'blackhole',
};

/** "65000:1" (always numeric, as bgpdump prints; wellKnownCommunityName() gives the name). */
export function communityText(c: number): string {
  return `${c >>> 16}:${c & 0xffff}`;
}
export function wellKnownCommunityName(c: number): string | undefined {
  return WELL_KNOWN[c >>> 0];
}

/** Parse "65000:1" or a well-known name; null if malformed. */
export function parseCommunity(s: string): number | null {
  for (const [v, name] of Object.entries(WELL_KNOWN)) if (name === s) return Number(v);
  const m = /^(\d+):(\d+)$/.exec(s);
  if (m === null) return null;
  const a = Number(m[1]), b = Number(m[2]);
  if (a > 0xffff || b > 0xffff) return null;
  return a * 65536 + b;
}

export function largeCommunityText(c: LargeCommunity): string {
  return `${c.global}:${c.local1}:${c.local2}`;
}
export function parseLargeCommunity(s: string): LargeCommunity | null {
  const m = /^(\d+):(\d+):(\d+)$/.exec(s);
  if (m === null) return null;
  const [g, l1, l2] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (g > 0xffffffff || l1 > 0xffffffff || l2 > 0xffffffff) return null;
  return { global: g, local1: l1, local2: l2 };
}

const SUBTYPE: Readonly<Record<number, string>> = { 0x02: 'rt', 0x03: 'soo' };

/** Extended community text by type: 2-octet AS, IPv4 and 4-octet AS specific RT/SoO decoded; others as hex. */
export function extCommunityText(c: ExtCommunity): string {
  const type = c.hi >>> 24, sub = (c.hi >>> 16) & 255;
  const kind = SUBTYPE[sub];
  if (kind !== undefined) {
    switch (type & 0xbf) { // bit 0x40 = non-transitive; RFC 4360 §3 shares the layout
      case 0x00: return `${kind}:${c.hi & 0xffff}:${c.lo >>> 0}${type & 0x40 ? ':nt' : ''}`;
      case 0x01: return `${kind}:${ipv4TextU32(((c.hi & 0xffff) * 65536 + (c.lo >>> 16)) >>> 0)}:${c.lo & 0xffff}${type & 0x40 ? ':nt' : ''}`;
      case 0x02: return `${kind}:${((c.hi & 0xffff) * 65536 + (c.lo >>> 16)) >>> 0}:${c.lo & 0xffff}${type & 0x40 ? ':nt' : ''}`;
      default: break;
    }
  }
  return '0x' + (c.hi >>> 0).toString(16).padStart(8, '0') + (c.lo >>> 0).toString(16).padStart(8, '0');
}

/** Parse what extCommunityText prints (an ASN <= 65535 in "rt:A:N" picks the 2-octet AS type). */
export function parseExtCommunity(s: string): ExtCommunity | null {
  const hex = /^0x([0-9a-fA-F]{16})$/.exec(s);
  if (hex !== null) return { hi: parseInt(hex[1]!.slice(0, 8), 16), lo: parseInt(hex[1]!.slice(8), 16) };
  const m = /^(rt|soo):([^:]+):(\d+)(:nt)?$/.exec(s);
  if (m === null) return null;
  const sub = m[1] === 'rt' ? 0x02 : 0x03;
  const nt = m[4] !== undefined ? 0x40 : 0;
  const n = Number(m[3]);
  const ip = parseIpv4U32(m[2]!);
  if (ip !== null) {
    if (n > 0xffff) return null;
    return { hi: (((0x01 | nt) << 24) | (sub << 16) | (ip >>> 16)) >>> 0, lo: (((ip & 0xffff) << 16) | n) >>> 0 };
  }
  if (!/^\d+$/.test(m[2]!)) return null;
  const as = Number(m[2]);
  if (as <= 0xffff) {
    if (n > 0xffffffff) return null;
    return { hi: (((0x00 | nt) << 24) | (sub << 16) | as) >>> 0, lo: n >>> 0 };
  }
  if (as > 0xffffffff || n > 0xffff) return null;
  return { hi: (((0x02 | nt) << 24) | (sub << 16) | (as >>> 16)) >>> 0, lo: (((as & 0xffff) << 16) | n) >>> 0 };
}
