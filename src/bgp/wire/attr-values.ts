// Path attribute values (RFC 4271 §4.3/§5, RFC 4760 §3-4, RFC 6793, RFC 1997, RFC 4360, RFC 8092, RFC 9234 §5,
// RFC 6396 §4.3.4): one attribute's bytes to its model object, and a whole section to the attribute list, with the
// per-attribute error handling of RFC 7606 §3-§7:
//   flags with wrong O/T bits            -> the attribute's "malformed" action (§3(c))
//   wrong length / bad content           -> treat-as-withdraw for ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF,
//                                           COMMUNITIES, ORIGINATOR_ID, CLUSTER_LIST, EXT/LARGE COMMUNITIES, OTC;
//                                           attribute discard for ATOMIC_AGGREGATE, AGGREGATOR, AS4_PATH,
//                                           AS4_AGGREGATOR (§7.6, §7.7, RFC 6793 §6)
//   MP_REACH/MP_UNREACH unreadable AFI   -> session reset; bad next hop length or NLRI -> AFI/SAFI disable (§7.11, §5.3)
//   duplicate MP_REACH/MP_UNREACH        -> session reset (3/1); other duplicates are discarded (§3(g))
//   attribute header/length past the end -> treat-as-withdraw, NLRI located by the Total Attribute Length (§4)
//   unknown attribute, Optional bit 0    -> session reset (RFC 4271 §6.3, 3/2)
// A rejected attribute stays in the list as INVALID (value bytes + reason) so that encoding reproduces the input.
// Values kept in an attribute set are copies, not views: a cached set must not keep a whole input buffer alive.
// Semantic checks that need the session (missing well-known attributes, eBGP rules, next-hop sanity, AS4 from a
// NEW speaker) are in validate.ts. attr-scan.ts holds the allocation-free twin of these checks (it must accept
// exactly the sections decodeList() decodes without any error).
import { ipv4Text, ipv6Text } from './addr.js';
import { AS_CONFED_SET, type AsSegment } from './as-path.js';
import {
  ATTR, ATTR_NAMES, EXPECTED_FLAGS, type ExtCommunity, FLAG, type LargeCommunity, type PathAttribute,
} from './attributes.js';
import { AFI_IPV4, AFI_IPV6, type CodecContext, SAFI_MULTICAST, SAFI_UNICAST } from './context.js';
import type { Action, WireError } from './errors.js';
import { u16, u32 } from './octets.js';

/** MRT TABLE_DUMP_V2 family of a RIB entry, whose MP_REACH_NLRI may be abbreviated (RFC 6396 §4.3.4). */
export interface MrtFamily {
  readonly afi: number;
  readonly safi: number;
}

/** Whether the codec parses NLRI of this family as prefixes (IPv4/IPv6 unicast and multicast). */
export function isPrefixFamily(afi: number, safi: number): boolean {
  return (afi === AFI_IPV4 || afi === AFI_IPV6) && (safi === SAFI_UNICAST || safi === SAFI_MULTICAST);
}

/** RFC 7606 action for a malformed attribute of this type (§7; RFC 6793 §6 for AS4_*). */
export function malformedAction(type: number): Action {
  switch (type) {
    case ATTR.ATOMIC_AGGREGATE: case ATTR.AGGREGATOR: case ATTR.AS4_PATH: case ATTR.AS4_AGGREGATOR: return 'discard';
    case ATTR.MP_REACH_NLRI: case ATTR.MP_UNREACH_NLRI: return 'afi-safi-disable';
    default: return 'withdraw';
  }
}

function attrBytes(b: Uint8Array, p: number, ve: number): Uint8Array {
  return b.slice(p, ve);
}

function invalid(flags: number, type: number, b: Uint8Array, vs: number, ve: number, error: WireError): PathAttribute {
  return { name: 'INVALID', typeCode: type, flags, value: b.slice(vs, ve), error: error.kind };
}

function decodeSegments(b: Uint8Array, vs: number, ve: number, width: number): AsSegment[] | string {
  const out: AsSegment[] = [];
  let p = vs;
  while (p < ve) {
    if (p + 2 > ve) return 'one octet left after the last segment';
    const type = b[p]!, n = b[p + 1]!;
    if (type < 1 || type > AS_CONFED_SET) return `unknown segment type ${type}`;
    if (n === 0) return 'segment of length zero';
    p += 2;
    if (p + n * width > ve) return 'segment overruns the attribute';
    const asns = new Array<number>(n);
    if (width === 4) for (let i = 0; i < n; i++, p += 4) asns[i] = u32(b, p);
    else for (let i = 0; i < n; i++, p += 2) asns[i] = u16(b, p);
    out.push({ type, asns });
  }
  return out;
}

/** Next-hop text for a unicast/multicast family, or a reason it has the wrong length (RFC 7606 §7.11). */
function mpNextHop(afi: number, b: Uint8Array, s: number, len: number): string[] | string {
  if (afi === AFI_IPV4 && len === 4) return [ipv4Text(b, s)];
  // IPv6 global, or global + link-local (RFC 2545 §3); for AFI 1 the RFC 8950 extended next hop.
  if (len === 16) return [ipv6Text(b, s)];
  if (len === 32) return [ipv6Text(b, s), ipv6Text(b, s + 16)];
  return `next hop length ${len} is not valid for AFI ${afi}`;
}

interface Ctx {
  readonly b: Uint8Array;
  readonly ctx: CodecContext;
  readonly mrt: MrtFamily | undefined;
  readonly errors: WireError[];
}

/** Decode one attribute; pushes non-fatal errors to c.errors, returns a fatal error as WireError. */
type FailKind = 'attr-flags' | 'attr-length' | 'attr-optional' | 'as-path-malformed' | 'origin-invalid';

/** Record a non-fatal error for the attribute at b[p, ve) and return it as INVALID. */
function failAttr(c: Ctx, flags: number, type: number, p: number, vs: number, ve: number, kind: FailKind, reason: string,
  action: Action = malformedAction(type), fam?: { afi: number; safi: number }): PathAttribute {
  const e = { kind, action, reason: `${ATTR_NAMES[type] ?? `attribute ${type}`}: ${reason}`, typeCode: type,
    attr: attrBytes(c.b, p, ve), ...(fam ?? {}) } as WireError;
  c.errors.push(e);
  return invalid(flags, type, c.b, vs, ve, e);
}

function decodeOne(c: Ctx, flags: number, type: number, p: number, vs: number, ve: number): PathAttribute | WireError {
  const b = c.b;
  const len = ve - vs;
  const expected = EXPECTED_FLAGS[type];
  if (expected === undefined) {
    if ((flags & FLAG.OPTIONAL) === 0) {
      return { kind: 'attr-unrecognized-well-known', action: 'reset', typeCode: type, attr: attrBytes(b, p, ve),
        reason: `unrecognized well-known attribute type ${type}` };
    }
    return { name: 'UNKNOWN', typeCode: type, flags, value: b.slice(vs, ve) };
  }
  if ((flags & 0xc0) !== expected) {
    if (type === ATTR.MP_REACH_NLRI || type === ATTR.MP_UNREACH_NLRI) {
      if (len < 3) return { kind: 'attr-flags', action: 'reset', typeCode: type, attr: attrBytes(b, p, ve),
        reason: `${ATTR_NAMES[type]}: wrong flags 0x${flags.toString(16)} and no AFI/SAFI` };
      return failAttr(c, flags, type, p, vs, ve, 'attr-flags', `flags 0x${flags.toString(16)}, expected 0x${expected.toString(16)}`,
        'afi-safi-disable', { afi: u16(b, vs), safi: b[vs + 2]! });
    }
    return failAttr(c, flags, type, p, vs, ve, 'attr-flags', `flags 0x${flags.toString(16)}, expected optional/transitive 0x${expected.toString(16)}`);
  }
  switch (type) {
    case ATTR.ORIGIN:
      if (len !== 1) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected 1`);
      if (b[vs]! > 2) return failAttr(c, flags, type, p, vs, ve, 'origin-invalid', `undefined value ${b[vs]}`);
      return flags === 0x40 ? ORIGINS[b[vs]!]! : { name: 'ORIGIN', typeCode: 1, flags, origin: b[vs]! };
    case ATTR.AS_PATH: case ATTR.AS4_PATH: {
      const segs = decodeSegments(b, vs, ve, type === ATTR.AS4_PATH || c.ctx.as4 ? 4 : 2);
      if (typeof segs === 'string') return failAttr(c, flags, type, p, vs, ve, 'as-path-malformed', segs);
      if (type === ATTR.AS4_PATH) {
        if (len === 0) return failAttr(c, flags, type, p, vs, ve, 'attr-length', 'length 0');
        return { name: 'AS4_PATH', typeCode: 17, flags, segments: segs };
      }
      return { name: 'AS_PATH', typeCode: 2, flags, segments: segs };
    }
    case ATTR.NEXT_HOP:
      if (len !== 4) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected 4`);
      return { name: 'NEXT_HOP', typeCode: 3, flags, nextHop: ipv4Text(b, vs) };
    case ATTR.MULTI_EXIT_DISC:
      if (len !== 4) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected 4`);
      return { name: 'MULTI_EXIT_DISC', typeCode: 4, flags, med: u32(b, vs) };
    case ATTR.LOCAL_PREF:
      if (len !== 4) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected 4`);
      return { name: 'LOCAL_PREF', typeCode: 5, flags, localPref: u32(b, vs) };
    case ATTR.ATOMIC_AGGREGATE:
      if (len !== 0) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected 0`);
      return { name: 'ATOMIC_AGGREGATE', typeCode: 6, flags };
    case ATTR.AGGREGATOR: {
      const want = c.ctx.as4 ? 8 : 6;
      if (len !== want) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected ${want}`);
      return want === 8 ? { name: 'AGGREGATOR', typeCode: 7, flags, asn: u32(b, vs), address: ipv4Text(b, vs + 4) }
        : { name: 'AGGREGATOR', typeCode: 7, flags, asn: u16(b, vs), address: ipv4Text(b, vs + 2) };
    }
    case ATTR.AS4_AGGREGATOR:
      if (len !== 8) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected 8`);
      return { name: 'AS4_AGGREGATOR', typeCode: 18, flags, asn: u32(b, vs), address: ipv4Text(b, vs + 4) };
    case ATTR.COMMUNITIES: {
      if (len === 0 || len % 4 !== 0) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected a non-zero multiple of 4`);
      const communities = new Array<number>(len >> 2);
      for (let i = 0, q = vs; q < ve; i++, q += 4) communities[i] = u32(b, q);
      return { name: 'COMMUNITIES', typeCode: 8, flags, communities };
    }
    case ATTR.ORIGINATOR_ID:
      if (len !== 4) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected 4`);
      return { name: 'ORIGINATOR_ID', typeCode: 9, flags, originatorId: ipv4Text(b, vs) };
    case ATTR.CLUSTER_LIST: {
      if (len === 0 || len % 4 !== 0) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected a non-zero multiple of 4`);
      const clusterList: string[] = [];
      for (let q = vs; q < ve; q += 4) clusterList.push(ipv4Text(b, q));
      return { name: 'CLUSTER_LIST', typeCode: 10, flags, clusterList };
    }
    case ATTR.EXTENDED_COMMUNITIES: {
      if (len === 0 || len % 8 !== 0) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected a non-zero multiple of 8`);
      const communities: ExtCommunity[] = [];
      for (let q = vs; q < ve; q += 8) communities.push({ hi: u32(b, q), lo: u32(b, q + 4) });
      return { name: 'EXTENDED_COMMUNITIES', typeCode: 16, flags, communities };
    }
    case ATTR.LARGE_COMMUNITY: {
      if (len === 0 || len % 12 !== 0) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected a non-zero multiple of 12`);
      const communities: LargeCommunity[] = [];
      for (let q = vs; q < ve; q += 12) communities.push({ global: u32(b, q), local1: u32(b, q + 4), local2: u32(b, q + 8) });
      return { name: 'LARGE_COMMUNITY', typeCode: 32, flags, communities };
    }
    case ATTR.ONLY_TO_CUSTOMER:
      if (len !== 4) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len}, expected 4`);
      return { name: 'ONLY_TO_CUSTOMER', typeCode: 35, flags, asn: u32(b, vs) };
    case ATTR.MP_REACH_NLRI: {
      if (c.mrt !== undefined && len >= 1 && b[vs]! + 1 === len) {
        // RFC 6396 §4.3.4: only next-hop length and next hop; AFI/SAFI come from the RIB entry.
        const { afi, safi } = c.mrt;
        const nhBytes = b.slice(vs + 1, ve);
        let nextHop: string[] = [];
        if (isPrefixFamily(afi, safi)) {
          const nh = mpNextHop(afi, b, vs + 1, len - 1);
          if (typeof nh === 'string') return failAttr(c, flags, type, p, vs, ve, 'attr-optional', nh, 'afi-safi-disable', { afi, safi });
          nextHop = nh;
        }
        return { name: 'MP_REACH_NLRI', typeCode: 14, flags, afi, safi, nextHop, nextHopBytes: nhBytes, reserved: 0,
          mrt: true };
      }
      if (len < 3) {
        return { kind: 'attr-length', action: 'reset', typeCode: type, attr: attrBytes(b, p, ve),
          reason: `MP_REACH_NLRI: length ${len}, AFI/SAFI cannot be read` };
      }
      const afi = u16(b, vs), safi = b[vs + 2]!;
      const fam = { afi, safi };
      if (len < 5) return failAttr(c, flags, type, p, vs, ve, 'attr-length', `length ${len} leaves no room for the next hop`, 'afi-safi-disable', fam);
      const nhLen = b[vs + 3]!;
      if (vs + 4 + nhLen + 1 > ve) {
        return failAttr(c, flags, type, p, vs, ve, 'attr-optional', `next hop length ${nhLen} overruns the attribute`, 'afi-safi-disable', fam);
      }
      let nextHop: string[] = [];
      if (isPrefixFamily(afi, safi)) {
        const nh = mpNextHop(afi, b, vs + 4, nhLen);
        if (typeof nh === 'string') return failAttr(c, flags, type, p, vs, ve, 'attr-optional', nh, 'afi-safi-disable', fam);
        nextHop = nh;
      }
      return { name: 'MP_REACH_NLRI', typeCode: 14, flags, afi, safi, nextHop,
        nextHopBytes: b.slice(vs + 4, vs + 4 + nhLen), reserved: b[vs + 4 + nhLen]! };
    }
    case ATTR.MP_UNREACH_NLRI: {
      if (len < 3) {
        return { kind: 'attr-length', action: 'reset', typeCode: type, attr: attrBytes(b, p, ve),
          reason: `MP_UNREACH_NLRI: length ${len}, AFI/SAFI cannot be read` };
      }
      return { name: 'MP_UNREACH_NLRI', typeCode: 15, flags, afi: u16(b, vs), safi: b[vs + 2]! };
    }
    default:
      return { name: 'UNKNOWN', typeCode: type, flags, value: b.slice(vs, ve) };
  }
}

/** Shared ORIGIN values with the usual flags: attribute objects are immutable, and most sets carry one of these. */
const ORIGINS: readonly PathAttribute[] = [0, 1, 2].map((origin) => Object.freeze({ name: 'ORIGIN', typeCode: 1, flags: 0x40,
  origin }) as PathAttribute);

const SEEN = new Float64Array(256);
let generation = 0;

/** The attribute list of a section b[start, end), with its non-fatal errors and the first fatal one. */
export interface DecodedList {
  readonly list: PathAttribute[];
  readonly errors: WireError[];
  readonly fatal: WireError | null;
}

/** Decode every attribute of b[start, end) in wire order (INVALID/UNPARSED entries for what is rejected). */
export function decodeList(b: Uint8Array, start: number, end: number, ctx: CodecContext, mrt: MrtFamily | undefined):
  DecodedList {
  const errors: WireError[] = [];
  const c: Ctx = { b, ctx, mrt, errors };
  const list: PathAttribute[] = [];
  // Duplicate detection without allocating: a shared stamp array and a generation number per call.
  const gen = ++generation;
  let fatal: WireError | null = null;
  let p = start;
  while (p < end) {
    const remain = end - p;
    const ext = (b[p]! & FLAG.EXTENDED) !== 0;
    if (remain < 3 || (ext && remain < 4)) {
      list.push({ name: 'UNPARSED', typeCode: -1, flags: 0, bytes: b.slice(p, end) });
      errors.push({ kind: 'attr-list-malformed', action: 'withdraw',
        reason: `${remain} octet(s) left in the attribute section, too few for an attribute header` });
      break;
    }
    const flags = b[p]!, type = b[p + 1]!;
    const len = ext ? u16(b, p + 2) : b[p + 2]!;
    const vs = p + (ext ? 4 : 3), ve = vs + len;
    if (ve > end) {
      list.push({ name: 'UNPARSED', typeCode: -1, flags: 0, bytes: b.slice(p, end) });
      errors.push({ kind: 'attr-list-malformed', action: 'withdraw',
        reason: `attribute type ${type} of length ${len} overruns the attribute section by ${ve - end} octets` });
      break;
    }
    if (SEEN[type] === gen) {
      if (type === ATTR.MP_REACH_NLRI || type === ATTR.MP_UNREACH_NLRI) {
        fatal ??= { kind: 'mp-duplicate', action: 'reset', typeCode: type, reason: `${ATTR_NAMES[type]} appears twice` };
      } else {
        const e: WireError = { kind: 'attr-duplicate', action: 'discard', typeCode: type, attr: attrBytes(b, p, ve),
          reason: `${ATTR_NAMES[type] ?? `attribute ${type}`} appears more than once; the copy is discarded` };
        errors.push(e);
        list.push(invalid(flags, type, b, vs, ve, e));
      }
      p = ve;
      continue;
    }
    SEEN[type] = gen;
    const a = decodeOne(c, flags, type, p, vs, ve);
    if ('kind' in a) { fatal ??= a; p = ve; continue; }
    list.push(a);
    p = ve;
  }
  return { list, errors, fatal };
}
