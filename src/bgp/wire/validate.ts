// Stage 2 of decoding: checks that need the session (RFC 4271 §6.2-6.3 as revised by RFC 7606, RFC 6793 §4.1,
// RFC 7607, RFC 9234 §4.2). Parsing (stage 1) has already turned syntax errors into typed errors; these checks add
// the semantic ones. Each returns errors as data with their RFC 7606 action; the caller applies the strongest.
//
// UPDATE:
//   missing ORIGIN / AS_PATH (any NLRI) or NEXT_HOP (NLRI field)         treat-as-withdraw (7606 §3(d))
//   LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST from an external peer         attribute discard (7606 §7.5, §7.9, §7.10)
//   AS_CONFED_* segments from an external peer outside the confederation  treat-as-withdraw (7606 §7.2, RFC 5065)
//   leftmost AS is not the peer's AS (eBGP, unless a route server peer)   treat-as-withdraw (4271 §6.3, 7606 §7.2)
//   AS 0 in AS_PATH (withdraw) or in AGGREGATOR / AS4_* (discard)         RFC 7607 §2
//   NEXT_HOP 0.0.0.0, 127/8, class D/E, broadcast, or one of ours         treat-as-withdraw (4271 §6.3, 7606 §7.3)
//   AS4_PATH / AS4_AGGREGATOR on a 4-octet session                        attribute discard (6793 §4.1)
//   MP_REACH/MP_UNREACH for a family not negotiated                       attribute discard (routes ignored)
// Deliberate deviation: a missing LOCAL_PREF on iBGP is not an error (BIRD, GoBGP and FRR accept it and use the
// default); the RIB supplies the default.
// OPEN: version, optional parameter types, hold time, identifier, peer AS and role (RFC 9234 §4.2).
import { ipv4TextU32, parseIpv4U32 } from './addr.js';
import { AS_CONFED_SEQUENCE, AS_CONFED_SET, firstAs } from './as-path.js';
import { ATTR, findAttr, type PathAttribute } from './attributes.js';
import { encodeAttributes } from './attr-encode.js';
import { BIT_AGG_AS0, BIT_PATH_AS0, BIT_PATH_CONFED } from './attr-scan.js';
import { PackedAttrSet } from './attr-set.js';
import { type CodecContext, type Family, family } from './context.js';
import { effectiveAsPath } from './effective.js';
import type { WireError } from './errors.js';
import type { OpenMessage, UpdateMessage } from './messages.js';
import { openCapabilities, openPeerAs } from './open.js';

/** What the session knows that the bytes do not. Every field is optional: a check without its input is skipped. */
export interface SessionInfo {
  readonly localAs?: number;
  /** The peer's AS (4-octet value). */
  readonly peerAs?: number;
  /** The peer is a member of our confederation (external AS, internal to the confederation; RFC 5065). */
  readonly confederationPeer?: boolean;
  /** Check that an eBGP peer's AS is leftmost in AS_PATH (default true; false for route-server peers). */
  readonly enforceFirstAs?: boolean;
  /** Families negotiated for the session. */
  readonly families?: ReadonlySet<Family>;
  /** Our addresses on the session: a NEXT_HOP equal to one of them is invalid. */
  readonly localAddresses?: readonly string[];
  /** Our BGP identifier (for OPEN checks). */
  readonly localId?: string;
  /** Our RFC 9234 role; with strictRole a peer without a role is refused. */
  readonly localRole?: number;
  readonly strictRole?: boolean;
}

function attrBytes(a: PathAttribute, ctx: CodecContext): Uint8Array {
  return encodeAttributes([a], ctx);
}

function isExternal(s: SessionInfo): boolean {
  return s.localAs !== undefined && s.peerAs !== undefined && s.localAs !== s.peerAs;
}

/** Invalid as a NEXT_HOP host address (RFC 4271 §6.3). */
function badNextHop(nh: string, s: SessionInfo): string | null {
  const v = parseIpv4U32(nh);
  if (v === null) return 'not an IPv4 address';
  const first = v >>> 24;
  if (v === 0) return '0.0.0.0 is not a host address';
  if (first === 127) return 'loopback address';
  if (first >= 224) return first < 240 ? 'multicast address' : 'class E or broadcast address';
  if (s.localAddresses?.includes(nh)) return 'one of our own addresses';
  return null;
}

/**
 * Session-dependent actions for errors found by the parser: LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST from an
 * external peer are discarded whatever their content (RFC 7606 §7.5, §7.9, §7.10: "if received from an external
 * neighbor, it SHALL be discarded"); only from an internal peer does a malformed one mean treat-as-withdraw.
 */
export function sessionActions(errors: readonly WireError[], s: SessionInfo = {}): WireError[] {
  if (!isExternal(s) || s.confederationPeer === true) return [...errors];
  return errors.map((e) => ((e.kind === 'attr-length' || e.kind === 'attr-flags') &&
    (e.typeCode === ATTR.LOCAL_PREF || e.typeCode === ATTR.ORIGINATOR_ID || e.typeCode === ATTR.CLUSTER_LIST) &&
    e.action !== 'discard' ? { ...e, action: 'discard' as const, reason: `${e.reason} (external peer: discarded)` } : e));
}

/**
 * Whether the checks below find nothing, decided from a packed set's header words alone (no attribute objects):
 * false means "run the checks" (some check might fail), never a wrong "clean". Equivalence with the full checks is
 * a property test (test/bgp/wire/packed.test.ts).
 */
function cleanFromHeader(m: UpdateMessage, set: PackedAttrSet, ctx: CodecContext, s: SessionInfo): boolean {
  const bits = set.bits;
  const has = (type: number) => (bits & (1 << type)) !== 0;
  const v4 = m.nlri.length > 0;
  const announces = v4 || (m.mpReach !== null && has(ATTR.MP_REACH_NLRI));
  if (announces && (!has(ATTR.ORIGIN) || !has(ATTR.AS_PATH) || (v4 && !has(ATTR.NEXT_HOP)))) return false;
  const ebgp = isExternal(s) && s.confederationPeer !== true;
  if (ebgp && (has(ATTR.LOCAL_PREF) || has(ATTR.ORIGINATOR_ID) || has(ATTR.CLUSTER_LIST))) return false;
  if ((bits & BIT_PATH_AS0) !== 0 || (ebgp && (bits & BIT_PATH_CONFED) !== 0)) return false;
  if ((bits & BIT_AGG_AS0) !== 0 || (ctx.as4 && (has(ATTR.AS4_PATH) || has(ATTR.AS4_AGGREGATOR)))) return false;
  if (v4 && has(ATTR.NEXT_HOP)) {
    const v = set.nextHop!, first = v >>> 24;
    if (v === 0 || first === 127 || first >= 224) return false;
    if (s.localAddresses !== undefined && s.localAddresses.length > 0 && s.localAddresses.includes(ipv4TextU32(v))) return false;
  }
  if (s.families !== undefined) {
    if (has(ATTR.MP_REACH_NLRI) && !s.families.has(set.mpFamily(14))) return false;
    if (has(ATTR.MP_UNREACH_NLRI) && !s.families.has(set.mpFamily(15))) return false;
  }
  if (announces && ebgp && s.enforceFirstAs !== false && s.peerAs !== undefined && has(ATTR.AS_PATH)) {
    // On a 2-octet session AS4_PATH may change the leftmost AS (RFC 6793 §4.2.3): the full check decides.
    if (!ctx.as4 && has(ATTR.AS4_PATH)) return false;
    if (set.firstAs !== s.peerAs) return false;
  }
  return true;
}

/** Semantic checks of a decoded UPDATE against the session. */
export function validateUpdate(m: UpdateMessage, ctx: CodecContext, s: SessionInfo = {}): WireError[] {
  // A packed set (from an AttrCache) is usually clean: say so without building its attribute objects.
  if (m.attrs instanceof PackedAttrSet && cleanFromHeader(m, m.attrs, ctx, s)) return [];
  const errors: WireError[] = [];
  const list = m.attrs.list;
  const announces = m.nlri.length > 0 || (m.mpReach !== null && findAttr(list, 'MP_REACH_NLRI') !== undefined);
  if (announces) {
    const need: [number, boolean][] = [[ATTR.ORIGIN, true], [ATTR.AS_PATH, true], [ATTR.NEXT_HOP, m.nlri.length > 0]];
    for (const [t, required] of need) {
      if (required && !list.some((a) => a.typeCode === t && a.name !== 'INVALID')) {
        errors.push({ kind: 'attr-missing', action: 'withdraw', typeCode: t,
          reason: `well-known attribute ${['', 'ORIGIN', 'AS_PATH', 'NEXT_HOP'][t]} is missing` });
      }
    }
  }
  const external = isExternal(s);
  for (const a of list) {
    switch (a.name) {
      case 'LOCAL_PREF': case 'ORIGINATOR_ID': case 'CLUSTER_LIST':
        if (external && s.confederationPeer !== true) {
          errors.push({ kind: 'attr-unexpected', action: 'discard', typeCode: a.typeCode, attr: attrBytes(a, ctx),
            reason: `${a.name} received from an external peer is discarded` });
        }
        break;
      case 'AS_PATH': {
        if (a.segments.some((g) => g.asns.includes(0))) {
          errors.push({ kind: 'as-path-malformed', action: 'withdraw', typeCode: 2, attr: attrBytes(a, ctx),
            reason: 'AS_PATH contains AS 0 (RFC 7607)' });
        }
        if (external && s.confederationPeer !== true &&
          a.segments.some((g) => g.type === AS_CONFED_SEQUENCE || g.type === AS_CONFED_SET)) {
          errors.push({ kind: 'as-path-malformed', action: 'withdraw', typeCode: 2, attr: attrBytes(a, ctx),
            reason: 'AS_PATH has confederation segments from a peer outside the confederation' });
        }
        break;
      }
      case 'AGGREGATOR': case 'AS4_AGGREGATOR': case 'AS4_PATH': {
        const zero = a.name === 'AS4_PATH' ? a.segments.some((g) => g.asns.includes(0)) : a.asn === 0;
        if (zero) {
          errors.push({ kind: 'attr-optional', action: 'discard', typeCode: a.typeCode, attr: attrBytes(a, ctx),
            reason: `${a.name} contains AS 0 (RFC 7607); attribute discarded` });
        }
        if (ctx.as4 && a.name !== 'AGGREGATOR') {
          errors.push({ kind: 'attr-unexpected', action: 'discard', typeCode: a.typeCode, attr: attrBytes(a, ctx),
            reason: `${a.name} received on a 4-octet AS session is discarded (RFC 6793 §4.1)` });
        }
        break;
      }
      case 'NEXT_HOP': {
        if (m.nlri.length === 0) break; // only the NLRI field uses NEXT_HOP (RFC 4760 §3)
        const why = badNextHop(a.nextHop, s);
        if (why !== null) {
          errors.push({ kind: 'next-hop-invalid', action: 'withdraw', typeCode: 3, attr: attrBytes(a, ctx),
            reason: `NEXT_HOP ${a.nextHop}: ${why}` });
        }
        break;
      }
      case 'MP_REACH_NLRI': case 'MP_UNREACH_NLRI':
        if (s.families !== undefined && !s.families.has(family(a.afi, a.safi))) {
          errors.push({ kind: 'attr-unexpected', action: 'discard', typeCode: a.typeCode,
            attr: encodeAttributes([a], ctx, m.mpReach, m.mpUnreach),
            reason: `${a.name} for AFI ${a.afi} SAFI ${a.safi}, which was not negotiated; ignored` });
        }
        break;
      default:
        break;
    }
  }
  if (announces && external && s.confederationPeer !== true && s.enforceFirstAs !== false && s.peerAs !== undefined) {
    const path = effectiveAsPath(list, ctx);
    const first = firstAs(path);
    if (findAttr(list, 'AS_PATH') !== undefined && first !== s.peerAs) {
      const a = findAttr(list, 'AS_PATH')!;
      errors.push({ kind: 'as-path-malformed', action: 'withdraw', typeCode: 2, attr: attrBytes(a, ctx),
        reason: `leftmost AS ${first ?? '(none)'} is not the peer's AS ${s.peerAs}` });
    }
  }
  return errors;
}

/** RFC 9234 §4.2: the role pairs that may form a session. */
const ROLE_PAIRS = new Set(['0/3', '3/0', '1/2', '2/1', '4/4']);

/** Checks of a received OPEN (RFC 4271 §6.2, RFC 6286, RFC 7607, RFC 9234 §4.2); the first error found, or null. */
export function validateOpen(m: OpenMessage, s: SessionInfo = {}): WireError | null {
  if (m.version !== 4) {
    return { kind: 'open-version', action: 'reset', version: m.version, reason: `BGP version ${m.version}, we speak 4` };
  }
  for (const p of m.params) {
    if (p.kind === 'other') {
      return { kind: 'open-optional-param', action: 'reset', paramType: p.paramType,
        reason: `unsupported optional parameter type ${p.paramType}` };
    }
  }
  if (m.holdTime === 1 || m.holdTime === 2) {
    return { kind: 'open-hold-time', action: 'reset', holdTime: m.holdTime,
      reason: `hold time ${m.holdTime} s (must be 0 or at least 3)` };
  }
  const peerAs = openPeerAs(m);
  if (peerAs === 0 || (s.peerAs !== undefined && peerAs !== s.peerAs)) {
    return { kind: 'open-peer-as', action: 'reset', asn: peerAs,
      reason: peerAs === 0 ? 'peer AS 0 (RFC 7607)' : `peer AS ${peerAs}, expected ${s.peerAs}` };
  }
  if (m.bgpId === '0.0.0.0' || (s.localId !== undefined && m.bgpId === s.localId && s.localAs === peerAs)) {
    return { kind: 'open-bgp-id', action: 'reset', bgpId: m.bgpId,
      reason: m.bgpId === '0.0.0.0' ? 'BGP identifier 0.0.0.0' : `BGP identifier ${m.bgpId} equals ours (iBGP)` };
  }
  const roles = openCapabilities(m).flatMap((c) => (c.name === 'role' ? [c.role] : []));
  if (new Set(roles).size > 1) return { kind: 'open-role-mismatch', action: 'reset', reason: 'several different roles' };
  if (s.localRole !== undefined) {
    if (roles.length === 0 && s.strictRole === true) {
      return { kind: 'open-role-mismatch', action: 'reset', reason: 'peer sent no role (strict mode)' };
    }
    if (roles.length > 0 && !ROLE_PAIRS.has(`${s.localRole}/${roles[0]}`)) {
      return { kind: 'open-role-mismatch', action: 'reset', reason: `role ${roles[0]} does not match our role ${s.localRole}` };
    }
  }
  return null;
}

