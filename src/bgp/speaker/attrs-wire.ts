// The attribute section of the most common RIB attribute set, written straight into bytes for a 4-octet-AS
// session: a set with only ORIGIN, AS_PATH, NEXT_HOP (IPv4 routes), MULTI_EXIT_DISC, LOCAL_PREF, COMMUNITIES and
// LARGE_COMMUNITY — what nearly every route of a full table carries. The general path (outbound.ts
// wireAttributes + the codec's encodeAttributes) builds one attribute object per attribute, sorts them and
// encodes each into its own buffer; here the section is sized first and written once. The output is the same
// bytes (the tests compare both paths on generated sets): type-code order, the flags wireAttributes gives, and
// the Extended Length bit only on a value longer than 255 octets (RFC 4271 §4.3). Anything else, including a
// next hop the general path would refuse, goes to the general path, which reports it.
import type { Attrs } from '../rib/attrs.js';
import type { Afi } from '../rib/prefix.js';
import { put32 } from '../wire/octets.js';

/** Header of an attribute whose value has `len` octets; returns the offset of the value. */
function head(out: Uint8Array, o: number, flags: number, type: number, len: number): number {
  if (len > 255) {
    out[o] = flags | 0x10; out[o + 1] = type; out[o + 2] = len >> 8; out[o + 3] = len & 255;
    return o + 4;
  }
  out[o] = flags; out[o + 1] = type; out[o + 2] = len;
  return o + 3;
}

const headSize = (len: number) => (len > 255 ? 4 : 3);

/**
 * The encoded attribute section of `a` for routes of `afi` on a 4-octet-AS session (no MP_REACH_NLRI: IPv6
 * routes carry their next hop there), or undefined when the set is not of the common kind.
 */
export function encodeCommonAttrs(a: Attrs, afi: Afi): Uint8Array | undefined {
  if (!a.onlyCommon) return undefined;
  const nh = a.nextHop;
  if (afi === 'ipv4' && (nh === null || nh.afi !== 'ipv4')) return undefined;
  const path = a.asPath.data;
  let pathLen = 0; // 2 octets per segment header, 4 per AS
  for (let i = 0; i < path.length; i += 2 + path[i + 1]!) {
    if (path[i + 1]! > 255) return undefined;
    pathLen += 2 + 4 * path[i + 1]!;
  }
  const comm = a.communities?.values, large = a.largeCommunities?.values;
  const commLen = comm === undefined ? 0 : comm.length * 4, largeLen = large === undefined ? 0 : large.length * 4;
  let size = 4 + headSize(pathLen) + pathLen;
  if (afi === 'ipv4') size += 7;
  if (a.med !== null) size += 7;
  if (a.localPref !== null) size += 7;
  if (comm !== undefined) size += headSize(commLen) + commLen;
  if (large !== undefined) size += headSize(largeLen) + largeLen;
  const out = new Uint8Array(size);
  let o = head(out, 0, 0x40, 1, 1);
  out[o++] = a.origin;
  o = head(out, o, 0x40, 2, pathLen);
  for (let i = 0; i < path.length;) {
    const n = path[i + 1]!;
    out[o++] = path[i]!; out[o++] = n;
    for (let k = 0; k < n; k++) o = put32(out, o, path[i + 2 + k]!);
    i += 2 + n;
  }
  if (afi === 'ipv4') o = put32(out, head(out, o, 0x40, 3, 4), nh!.v4);
  if (a.med !== null) o = put32(out, head(out, o, 0x80, 4, 4), a.med);
  if (a.localPref !== null) o = put32(out, head(out, o, 0x40, 5, 4), a.localPref);
  if (comm !== undefined) {
    o = head(out, o, 0xc0, 8, commLen);
    for (let i = 0; i < comm.length; i++) o = put32(out, o, comm[i]!);
  }
  if (large !== undefined) {
    o = head(out, o, 0xc0, 32, largeLen);
    for (let i = 0; i < large.length; i++) o = put32(out, o, large[i]!);
  }
  return out;
}
