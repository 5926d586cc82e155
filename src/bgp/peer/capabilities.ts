// Capabilities of a session: the OPEN we send (RFC 5492 capabilities built from the neighbor's configuration,
// less what the peer refused), what a pair of OPENs negotiates (the codec context and everything the speaker
// needs), and how a refusal is read from the peer's NOTIFICATION.
//   multiprotocol RFC 4760 §8 · route refresh RFC 2918 · enhanced route refresh RFC 7313 · extended messages
//   RFC 8654 · BGP role RFC 9234 · graceful restart RFC 4724 §3 (+ N bit RFC 8538) · 4-octet AS RFC 6793 ·
//   add-path RFC 7911 · FQDN draft-walton-bgp-hostname-capability.
// Refusals (RFC 5492 §5): OPEN error 2/7 Unsupported Capability lists the offending capabilities in its data;
// 2/4 Unsupported Optional Parameter means the peer knows no capabilities at all: retry without the parameter.
import { ADDPATH_BOTH, ADDPATH_RECEIVE, ADDPATH_SEND, CAP, type Capability, decodeCapability } from '../wire/capabilities.js';
import { type Family, family, familyAfi, familySafi, familyText } from '../wire/context.js';
import type { OpenMessage } from '../wire/messages.js';
import { negotiate, type Negotiated, openCapabilities } from '../wire/open.js';
import type { CodecContext } from '../wire/context.js';
import { ROLE_CODES, type AddPathMode, type PeerConfig, type RoleName } from './config.js';

/** RFC 6793 §9: AS_TRANS, put in My Autonomous System when the real AS needs 4 octets. */
export const AS_TRANS = 23456;

/** What the peer refused so far; the next OPEN leaves it out. */
export interface Refusals {
  /** Capability codes refused (all instances of the code). */
  readonly codes: ReadonlySet<number>;
  /** Multiprotocol families refused one by one (2/7 naming a multiprotocol capability). */
  readonly families: ReadonlySet<Family>;
  /** Send no optional parameter at all (2/4, or a 2/7 that names nothing we can match). */
  readonly bare: boolean;
}

export const NO_REFUSALS: Refusals = { codes: new Set(), families: new Set(), bare: false };

const ADDPATH_MODE: Readonly<Record<AddPathMode, number>> = { receive: ADDPATH_RECEIVE, send: ADDPATH_SEND, both: ADDPATH_BOTH };
const GR_R = 8, GR_N = 4, GR_F = 0x80;

/** The capabilities we offer, in the order they are sent. */
export function localCapabilities(c: PeerConfig, refused: Refusals, restarting: boolean): Capability[] {
  const caps: Capability[] = [];
  const ok = (code: number) => !refused.codes.has(code);
  const fams = c.families.filter((f) => !refused.families.has(f));
  if (ok(CAP.MULTIPROTOCOL)) {
    for (const f of fams) caps.push({ name: 'multiprotocol', code: 1, afi: familyAfi(f), safi: familySafi(f), reserved: 0 });
  }
  if (c.routeRefresh && ok(CAP.ROUTE_REFRESH)) caps.push({ name: 'route-refresh', code: 2 });
  if (c.enhancedRouteRefresh && ok(CAP.ENHANCED_ROUTE_REFRESH)) caps.push({ name: 'enhanced-route-refresh', code: 70 });
  if (c.extendedMessages && ok(CAP.EXTENDED_MESSAGE)) caps.push({ name: 'extended-message', code: 6 });
  if (c.role !== undefined && ok(CAP.ROLE)) caps.push({ name: 'role', code: 9, role: ROLE_CODES[c.role] });
  const gr = c.gracefulRestart;
  if (gr.enabled && ok(CAP.GRACEFUL_RESTART)) {
    const flags = (restarting ? GR_R : 0) | (gr.notification ? GR_N : 0);
    caps.push({ name: 'graceful-restart', code: 64, flags, time: gr.restartTime,
      families: gr.forwarding.filter((f) => fams.includes(f)).map((f) => ({ afi: familyAfi(f), safi: familySafi(f), flags: GR_F })) });
  }
  if (c.as4 && ok(CAP.AS4)) caps.push({ name: 'as4', code: 65, asn: c.localAs });
  const ap = [...c.addPath].filter(([f]) => fams.includes(f));
  if (ap.length > 0 && ok(CAP.ADD_PATH)) {
    caps.push({ name: 'add-path', code: 69, families: ap.map(([f, m]) => ({ afi: familyAfi(f), safi: familySafi(f), mode: ADDPATH_MODE[m] })) });
  }
  if (c.hostname !== undefined && ok(CAP.FQDN)) {
    // The codec writes FQDN text octet for octet; give it the UTF-8 octets as latin1 characters.
    const latin1 = (s: string) => String.fromCharCode(...new TextEncoder().encode(s));
    caps.push({ name: 'fqdn', code: 73, hostname: latin1(c.hostname), domain: latin1(c.domain) });
  }
  return caps;
}

/** The OPEN we send (RFC 4271 §4.2). */
export function buildOpen(c: PeerConfig, refused: Refusals, restarting: boolean): OpenMessage {
  const as4 = c.localAs > 0xffff;
  const caps = refused.bare ? [] : localCapabilities(c, refused, restarting);
  return {
    type: 'OPEN', version: 4, myAs: as4 ? AS_TRANS : c.localAs, holdTime: c.holdTime, bgpId: c.routerId,
    params: caps.length === 0 ? [] : [{ kind: 'capabilities', capabilities: caps }], extendedParams: false,
  };
}

/** The peer's graceful restart capability (RFC 4724 §3, RFC 8538 §2). */
export interface PeerGracefulRestart {
  /** Restart Time (s). */
  readonly restartTime: number;
  /** R bit: the peer has restarted. */
  readonly restarting: boolean;
  /** N bit (RFC 8538). */
  readonly notification: boolean;
  /** Families the peer listed, and whether it preserved forwarding for each (F bit). */
  readonly families: ReadonlyMap<Family, boolean>;
}

/** Everything the speaker learns when a session is Established. */
export interface NegotiatedSession {
  /** The codec context to decode the peer's messages and encode ours. */
  readonly ctx: CodecContext;
  /** Families both sides advertised (an OPEN without multiprotocol capabilities means IPv4 unicast). */
  readonly families: readonly Family[];
  readonly peerAs: number;
  readonly peerId: string;
  readonly as4: boolean;
  readonly extendedMessages: boolean;
  readonly routeRefresh: boolean;
  readonly enhancedRouteRefresh: boolean;
  /** RFC 7911: families in which we receive / send path identifiers. */
  readonly addPathReceive: readonly Family[];
  readonly addPathSend: readonly Family[];
  /** The peer's graceful restart capability, or null. */
  readonly peerGracefulRestart: PeerGracefulRestart | null;
  /** We advertised graceful restart (we can act as helper). */
  readonly localGracefulRestart: boolean;
  /** Both sides set the N bit: RFC 8538 rules apply (NOTIFICATIONs keep routes, Hard Reset does not). */
  readonly hardResetNegotiated: boolean;
  readonly localRole: RoleName | undefined;
  /** The peer's RFC 9234 role, or undefined. */
  readonly peerRole: RoleName | undefined;
  /** The peer's FQDN capability. */
  readonly peerHostname: { readonly hostname: string; readonly domain: string } | undefined;
  /** Capability codes the peer sent that we do not implement (RFC 5492 §3: ignored). */
  readonly unknownCapabilities: readonly number[];
  readonly localOpen: OpenMessage;
  readonly peerOpen: OpenMessage;
}

const ROLE_BY_CODE: Readonly<Record<number, RoleName>> = Object.fromEntries(
  Object.entries(ROLE_CODES).map(([k, v]) => [v, k as RoleName]));

function utf8(latin1: string): string {
  const b = Uint8Array.from(latin1, (ch) => ch.charCodeAt(0) & 255);
  try { return new TextDecoder('utf-8', { fatal: true }).decode(b); } catch { return latin1; }
}

/** Combine the OPEN we sent and the one we received. */
export function negotiateSession(c: PeerConfig, local: OpenMessage, remote: OpenMessage): NegotiatedSession {
  const n: Negotiated = negotiate(local, remote);
  const rcaps = openCapabilities(remote);
  const lcaps = openCapabilities(local);
  let peerGr: PeerGracefulRestart | null = null;
  let peerRole: RoleName | undefined;
  let peerHostname: NegotiatedSession['peerHostname'];
  const unknown: number[] = [];
  for (const cap of rcaps) {
    if (cap.name === 'graceful-restart' && peerGr === null) {
      peerGr = { restartTime: cap.time, restarting: (cap.flags & GR_R) !== 0, notification: (cap.flags & GR_N) !== 0,
        families: new Map(cap.families.map((f) => [family(f.afi, f.safi), (f.flags & GR_F) !== 0])) };
    } else if (cap.name === 'role') peerRole = ROLE_BY_CODE[cap.role];
    else if (cap.name === 'fqdn') peerHostname = { hostname: utf8(cap.hostname), domain: utf8(cap.domain) };
    else if (cap.name === 'unknown') unknown.push(cap.code);
  }
  const localGr = lcaps.find((x) => x.name === 'graceful-restart');
  const localN = localGr !== undefined && localGr.name === 'graceful-restart' && (localGr.flags & GR_N) !== 0;
  const families = [...n.families].sort((a, b) => a - b);
  return {
    ctx: n.ctx, families, peerAs: n.peerAs, peerId: remote.bgpId, as4: n.ctx.as4, extendedMessages: n.ctx.extendedMessages,
    routeRefresh: n.routeRefresh, enhancedRouteRefresh: n.enhancedRouteRefresh,
    addPathReceive: [...n.ctx.addPath.receive].sort((a, b) => a - b), addPathSend: [...n.ctx.addPath.send].sort((a, b) => a - b),
    peerGracefulRestart: peerGr, localGracefulRestart: localGr !== undefined,
    hardResetNegotiated: localN && peerGr !== null && peerGr.notification,
    localRole: c.role, peerRole, peerHostname, unknownCapabilities: unknown, localOpen: local, peerOpen: remote,
  };
}

/**
 * Fold a refusal NOTIFICATION into the refusals: 2/7 with the capabilities it lists, 2/4 (or a 2/7 we cannot
 * read) as "no optional parameters". Returns the new refusals and a description for the log; null if the
 * NOTIFICATION is not a refusal or refuses nothing new.
 */
export function applyRefusal(prev: Refusals, code: number, subcode: number, data: Uint8Array):
  { refusals: Refusals; what: string } | null {
  if (code !== 2 || (subcode !== 7 && subcode !== 4)) return null;
  if (subcode === 4) return prev.bare ? null : { refusals: { ...prev, bare: true }, what: 'optional parameters (capabilities)' };
  const codes = new Set(prev.codes), fams = new Set(prev.families);
  const names: string[] = [];
  let readable = data.length > 0;
  for (let o = 0; o < data.length && readable;) {
    if (o + 2 > data.length || o + 2 + data[o + 1]! > data.length) { readable = false; break; }
    const cc = data[o]!, len = data[o + 1]!;
    const cap = decodeCapability(cc, data.subarray(o + 2, o + 2 + len));
    if (typeof cap !== 'string' && cap.name === 'multiprotocol') {
      const f = family(cap.afi, cap.safi);
      if (!fams.has(f)) { fams.add(f); names.push(`multiprotocol ${cap.afi}/${cap.safi}`); }
    } else if (!codes.has(cc)) {
      codes.add(cc);
      names.push(typeof cap === 'string' ? `capability ${cc}` : `${cap.name} (${cc})`);
    }
    o += 2 + len;
  }
  if (!readable) return prev.bare ? null : { refusals: { ...prev, bare: true }, what: 'capabilities (unspecified)' };
  if (names.length === 0) return null;
  return { refusals: { codes, families: fams, bare: prev.bare }, what: names.join(', ') };
}

/** Short text of the capabilities a NegotiatedSession holds, for logs. */
export function negotiatedSummary(n: NegotiatedSession): Record<string, unknown> {
  return {
    peerAs: n.peerAs, peerId: n.peerId, families: n.families.map(familyText), as4: n.as4,
    extendedMessages: n.extendedMessages, routeRefresh: n.routeRefresh, enhancedRouteRefresh: n.enhancedRouteRefresh,
    addPathReceive: n.addPathReceive.length, addPathSend: n.addPathSend.length,
    gracefulRestart: n.peerGracefulRestart === null ? false : { restartTime: n.peerGracefulRestart.restartTime,
      restarting: n.peerGracefulRestart.restarting, notification: n.peerGracefulRestart.notification },
    peerRole: n.peerRole, peerHostname: n.peerHostname?.hostname,
  };
}

