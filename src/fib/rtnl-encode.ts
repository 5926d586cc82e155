// rtnetlink route requests (RTM_NEWROUTE / RTM_DELROUTE, Linux rtnetlink(7); the netlink header of RFC 3549
// §2.3.2), encoded in TypeScript so that the native part only moves bytes. Pure: a change in, bytes out.
// Attributes are written in the order iproute2 writes them for the same `ip route` line, so a request can be
// compared byte for byte with one captured from `ip` (test/fib/rtnl-encode.test.ts).
//
//   struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }              16 bytes
//   struct rtmsg    { u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags; }   12 bytes
//   struct rtattr   { u16 len; u16 type; } + value, padded to 4
//   RTA_MULTIPATH = [ struct rtnexthop { u16 len; u8 flags; u8 hops (weight-1); s32 ifindex; } + attrs ]…
//
// Requests go without NLM_F_ACK: the kernel answers only failures (netlink_rcv_skb acks an error always),
// each carrying the request's sequence number — that is how a failure is attributed to its route.

import { parseIPv4Number, parseIPv6, parseIPv6Into } from './addr.js';

const dst6 = new Uint32Array(4);
import type { NormalChange, NormalNextHop } from './delta.js';
import type { IpRouteOptions } from './ip-lines.js';

export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLM_F_REPLACE = 0x100;
export const NLM_F_CREATE = 0x400;
export const RTA_DST = 1;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_MULTIPATH = 9;
export const RTA_TABLE = 15;
export const RTA_VIA = 18;
export const AF_INET = 2;
const AF_INET6 = 10;
const RT_SCOPE_UNIVERSE = 0;
const RT_SCOPE_NOWHERE = 255;
const RTN_UNICAST = 1;

/** Upper bound of one request's size: header, rtmsg, dst, priority, table, and per next hop 8 + 24 + 8. */
export function maxRequestSize(c: NormalChange): number {
  return 16 + 12 + 20 + 8 + 8 + (c.kind === 'replace' ? 4 + c.nextHops.length * 40 : 0);
}

const addrCache = new Map<string, Uint8Array>();
function addrBytes(text: string, family: 4 | 6): Uint8Array {
  let b = addrCache.get(text);
  if (!b) {
    if (family === 4) {
      const v = parseIPv4Number(text);
      b = Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
    } else {
      const w = parseIPv6(text)!;
      b = new Uint8Array(16);
      for (let i = 0; i < 4; i++) new DataView(b.buffer).setUint32(i * 4, w[i]!);
    }
    if (addrCache.size > 4096) addrCache.clear();
    addrCache.set(text, b);
  }
  return b;
}

export type IfIndexOf = (dev: string) => number;

/**
 * Writes one request at `off` and returns the offset after it, or a message if it cannot be encoded (a device
 * that does not exist — the same failure ip reports as `Cannot find device "X"`). `buf` must have
 * maxRequestSize(c) bytes free at `off`.
 */
export function encodeRouteRequest(buf: Buffer, off: number, c: NormalChange, o: IpRouteOptions, seq: number, ifindexOf: IfIndexOf, flagsExtra = 0): number | string {
  const start = off;
  const family = c.family;
  const slash = c.prefix.indexOf('/');
  const len = Number(c.prefix.slice(slash + 1));
  const isNew = c.kind === 'replace';
  // nlmsghdr (length patched at the end)
  buf.writeUInt16LE(isNew ? RTM_NEWROUTE : RTM_DELROUTE, off + 4);
  buf.writeUInt16LE(NLM_F_REQUEST | (isNew ? NLM_F_CREATE | NLM_F_REPLACE : 0) | flagsExtra, off + 6);
  buf.writeUInt32LE(seq >>> 0, off + 8);
  buf.writeUInt32LE(0, off + 12);
  off += 16;
  // rtmsg
  buf[off] = family === 4 ? AF_INET : AF_INET6;
  buf[off + 1] = len;
  buf[off + 2] = 0;
  buf[off + 3] = 0;
  buf[off + 4] = o.table < 256 ? o.table : 0;
  buf[off + 5] = o.protocol;
  buf[off + 6] = isNew ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;
  buf[off + 7] = isNew ? RTN_UNICAST : 0;
  buf.writeUInt32LE(0, off + 8);
  off += 12;
  const attr = (type: number, value: Uint8Array): void => {
    buf.writeUInt16LE(4 + value.length, off);
    buf.writeUInt16LE(type, off + 2);
    buf.set(value, off + 4);
    const padded = (4 + value.length + 3) & ~3;
    buf.fill(0, off + 4 + value.length, off + padded);
    off += padded;
  };
  const attr32 = (type: number, v: number): void => {
    buf.writeUInt16LE(8, off);
    buf.writeUInt16LE(type, off + 2);
    buf.writeUInt32LE(v >>> 0, off + 4);
    off += 8;
  };
  if (family === 4) {
    // The destination is different in every request: written straight in, never cached.
    buf.writeUInt32LE((RTA_DST << 16) | 8, off); // rtattr { len 8, type RTA_DST }
    buf.writeUInt32BE(parseIPv4Number(c.prefix, 0, slash), off + 4);
    off += 8;
  } else {
    const w = dst6;
    parseIPv6Into(c.prefix, 0, slash, w);
    buf.writeUInt32LE((RTA_DST << 16) | 20, off); // rtattr { len 20, type RTA_DST }
    for (let i = 0; i < 4; i++) buf.writeUInt32BE(w[i]!, off + 4 + i * 4);
    off += 20;
  }
  attr32(RTA_PRIORITY, o.metric);
  if (c.kind === 'replace') {
    const gw = (nh: NormalNextHop): void => {
      if (nh.gwFamily === family) {
        attr(RTA_GATEWAY, addrBytes(nh.gateway, nh.gwFamily));
      } else {
        const a = addrBytes(nh.gateway, nh.gwFamily);
        const v = new Uint8Array(2 + a.length);
        v[0] = nh.gwFamily === 4 ? AF_INET : AF_INET6; // struct rtvia: u16 family (host order), address
        v.set(a, 2);
        attr(RTA_VIA, v);
      }
    };
    if (c.nextHops.length === 1) {
      const nh = c.nextHops[0]!;
      gw(nh);
      if (nh.dev) {
        const idx = ifindexOf(nh.dev);
        if (!idx) return `Cannot find device "${nh.dev}"`;
        attr32(RTA_OIF, idx);
      }
    } else {
      const mp = off;
      off += 4;
      for (const nh of c.nextHops) {
        const idx = nh.dev ? ifindexOf(nh.dev) : 0;
        if (nh.dev && !idx) return `Cannot find device "${nh.dev}"`;
        const rtnh = off;
        buf[off + 2] = 0;
        buf[off + 3] = nh.weight - 1;
        buf.writeInt32LE(idx, off + 4);
        off += 8;
        gw(nh);
        buf.writeUInt16LE(off - rtnh, rtnh);
      }
      buf.writeUInt16LE(off - mp, mp);
      buf.writeUInt16LE(RTA_MULTIPATH, mp + 2);
    }
  }
  if (o.table >= 256) attr32(RTA_TABLE, o.table);
  buf.writeUInt32LE(off - start, start);
  return off;
}
