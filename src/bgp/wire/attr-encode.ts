// Path attribute section encoding: the exact inverse of attr-decode.ts (RFC 4271 §4.3, RFC 4760 §3-4, RFC 6793,
// RFC 6396 §4.3.4 for the MRT form of MP_REACH_NLRI). Flags are written as held, except that the Extended Length
// bit is added when a value exceeds 255 octets. AS numbers are 2 or 4 octets as the context says; a 4-octet AS on
// a 2-octet session is an encoding error (the caller converts with toTwoOctetPath()).
import { parseIpv4, parseIpv6 } from './addr.js';
import type { AsSegment } from './as-path.js';
import { FLAG, type PathAttribute } from './attributes.js';
import { isPrefixFamily } from './attr-decode.js';
import { type CodecContext, family } from './context.js';
import { BgpEncodeError } from './errors.js';
import type { MpNlri } from './messages.js';
import { put32 } from './octets.js';
import { encodePrefixes } from './prefix.js';

function ip4(s: string, what: string): Uint8Array {
  const b = parseIpv4(s);
  if (b === null) throw new BgpEncodeError(`${what} is not an IPv4 address: ${s}`);
  return b;
}

function u32v(v: number): Uint8Array {
  const out = new Uint8Array(4);
  put32(out, 0, v);
  return out;
}

function segmentsValue(segs: readonly AsSegment[], width: number, what: string): Uint8Array {
  let n = 0;
  for (const s of segs) {
    if (s.asns.length > 255) throw new BgpEncodeError(`${what}: segment of ${s.asns.length} ASes exceeds 255`);
    n += 2 + width * s.asns.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const s of segs) {
    out[o++] = s.type; out[o++] = s.asns.length;
    for (const a of s.asns) {
      if (width === 2) {
        if (a > 0xffff) throw new BgpEncodeError(`${what}: AS ${a} does not fit 2 octets (4-octet AS not negotiated)`);
        out[o++] = a >> 8; out[o++] = a & 255;
      } else { put32(out, o, a); o += 4; }
    }
  }
  return out;
}

function nlriBytes(n: MpNlri | null, safi: number, ctx: CodecContext): Uint8Array {
  if (n === null) return new Uint8Array(0);
  if ('opaque' in n) return n.bytes;
  return encodePrefixes(n, ctx.addPath.send.has(family(n.afi, safi)));
}

function nextHopValue(a: Extract<PathAttribute, { name: 'MP_REACH_NLRI' }>): Uint8Array {
  if (!isPrefixFamily(a.afi, a.safi) || a.nextHop.length === 0) return a.nextHopBytes;
  const parts = a.nextHop.map((t) => {
    const b = t.includes(':') ? parseIpv6(t) : parseIpv4(t);
    if (b === null) throw new BgpEncodeError(`MP_REACH_NLRI next hop is not an address: ${t}`);
    return b;
  });
  const out = new Uint8Array(parts.reduce((x, p) => x + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** The value octets of one attribute. */
export function encodeAttrValue(a: PathAttribute, ctx: CodecContext, mpReach: MpNlri | null = null,
  mpUnreach: MpNlri | null = null): Uint8Array {
  switch (a.name) {
    case 'ORIGIN': return new Uint8Array([a.origin]);
    case 'AS_PATH': return segmentsValue(a.segments, ctx.as4 ? 4 : 2, 'AS_PATH');
    case 'AS4_PATH': return segmentsValue(a.segments, 4, 'AS4_PATH');
    case 'NEXT_HOP': return ip4(a.nextHop, 'NEXT_HOP');
    case 'MULTI_EXIT_DISC': return u32v(a.med);
    case 'LOCAL_PREF': return u32v(a.localPref);
    case 'ATOMIC_AGGREGATE': return new Uint8Array(0);
    case 'AGGREGATOR': {
      const ip = ip4(a.address, 'AGGREGATOR address');
      if (ctx.as4) { const out = new Uint8Array(8); put32(out, 0, a.asn); out.set(ip, 4); return out; }
      if (a.asn > 0xffff) throw new BgpEncodeError(`AGGREGATOR: AS ${a.asn} does not fit 2 octets`);
      return new Uint8Array([a.asn >> 8, a.asn & 255, ...ip]);
    }
    case 'AS4_AGGREGATOR': { const out = new Uint8Array(8); put32(out, 0, a.asn); out.set(ip4(a.address, 'AS4_AGGREGATOR'), 4); return out; }
    case 'COMMUNITIES': {
      const out = new Uint8Array(4 * a.communities.length);
      a.communities.forEach((c, i) => put32(out, 4 * i, c));
      return out;
    }
    case 'ORIGINATOR_ID': return ip4(a.originatorId, 'ORIGINATOR_ID');
    case 'CLUSTER_LIST': {
      const out = new Uint8Array(4 * a.clusterList.length);
      a.clusterList.forEach((c, i) => out.set(ip4(c, 'CLUSTER_LIST'), 4 * i));
      return out;
    }
    case 'EXTENDED_COMMUNITIES': {
      const out = new Uint8Array(8 * a.communities.length);
      a.communities.forEach((c, i) => { put32(out, 8 * i, c.hi); put32(out, 8 * i + 4, c.lo); });
      return out;
    }
    case 'LARGE_COMMUNITY': {
      const out = new Uint8Array(12 * a.communities.length);
      a.communities.forEach((c, i) => { put32(out, 12 * i, c.global); put32(out, 12 * i + 4, c.local1); put32(out, 12 * i + 8, c.local2); });
      return out;
    }
    case 'ONLY_TO_CUSTOMER': return u32v(a.asn);
    case 'MP_REACH_NLRI': {
      const nh = nextHopValue(a);
      if (nh.length > 255) throw new BgpEncodeError('MP_REACH_NLRI next hop longer than 255 octets');
      if (a.mrt === true) { const out = new Uint8Array(1 + nh.length); out[0] = nh.length; out.set(nh, 1); return out; }
      const nlri = nlriBytes(mpReach, a.safi, ctx);
      const out = new Uint8Array(5 + nh.length + nlri.length);
      out[0] = a.afi >> 8; out[1] = a.afi & 255; out[2] = a.safi; out[3] = nh.length;
      out.set(nh, 4); out[4 + nh.length] = a.reserved; out.set(nlri, 5 + nh.length);
      return out;
    }
    case 'MP_UNREACH_NLRI': {
      const nlri = nlriBytes(mpUnreach, a.safi, ctx);
      const out = new Uint8Array(3 + nlri.length);
      out[0] = a.afi >> 8; out[1] = a.afi & 255; out[2] = a.safi; out.set(nlri, 3);
      return out;
    }
    case 'UNKNOWN': case 'INVALID': return a.value;
    case 'UNPARSED': return a.bytes;
  }
}

/** Encode a path attribute section (what an UPDATE's Total Path Attribute Length counts, or an MRT RIB entry). */
export function encodeAttributes(list: readonly PathAttribute[], ctx: CodecContext, mpReach: MpNlri | null = null,
  mpUnreach: MpNlri | null = null): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const a of list) {
    const v = encodeAttrValue(a, ctx, mpReach, mpUnreach);
    if (a.name === 'UNPARSED') { parts.push(v); total += v.length; continue; }
    if (v.length > 0xffff) throw new BgpEncodeError(`${a.name} value of ${v.length} octets exceeds 65535`);
    const ext = (a.flags & FLAG.EXTENDED) !== 0 || v.length > 255;
    const hdr = new Uint8Array(ext ? 4 : 3);
    hdr[0] = ext ? a.flags | FLAG.EXTENDED : a.flags;
    hdr[1] = a.typeCode;
    if (ext) { hdr[2] = v.length >> 8; hdr[3] = v.length & 255; } else hdr[2] = v.length;
    parts.push(hdr, v);
    total += hdr.length + v.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const x of parts) { out.set(x, o); o += x.length; }
  return out;
}
