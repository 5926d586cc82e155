// Configuration of one BGP neighbor for the session layer: the defaults in one place, the resolution of the
// user-facing input (family names, optional sections) into a complete PeerConfig, and the checks as data
// (key + reason) that the speaker's YAML loader turns into ConfigErrors with the file name.
// RFC 4271 §4.2/§10 (timers), RFC 4724 §3 (restart time 12 bits), RFC 4486 (max-prefix), RFC 7911 (add-path),
// RFC 9234 (roles), RFC 9687 (send hold timer).
import { AnycastError } from '../../util/errors.js';
import { canonicalAddress } from '../transport/address.js';
import { type Family, family, familyText, IPV4_UNICAST, IPV6_UNICAST } from '../wire/context.js';
import { parseIpv4U32 } from '../wire/addr.js';

export type AddPathMode = 'receive' | 'send' | 'both';
export type RoleName = 'provider' | 'rs' | 'rs-client' | 'customer' | 'peer';
/** RFC 9234 §4.1 role codes. */
export const ROLE_CODES: Readonly<Record<RoleName, number>> = { 'provider': 0, 'rs': 1, 'rs-client': 2, 'customer': 3, 'peer': 4 };

/** "ipv4-unicast", "ipv6-unicast", "ipv4-multicast", "ipv6-multicast", or a Family number. */
export type FamilyInput = string | Family;

export interface MaxPrefixConfig {
  /** Largest number of prefixes accepted for the family (RFC 4486 "upper bound"). */
  readonly limit: number;
  /** 'warn': log and report only; 'teardown': Cease 1 (Maximum Number of Prefixes Reached). */
  readonly action: 'warn' | 'teardown';
  /** Also warn once the count reaches this percentage of the limit (default 90; 0 = off). */
  readonly warnPercent: number;
  /** After a teardown: seconds until the session restarts, or 'never' (stay down until started again). */
  readonly restartAfter: number | 'never';
}

export interface GracefulRestartConfig {
  /** Advertise the capability (RFC 4724 §3) and act as a helper for peers that advertise it. */
  readonly enabled: boolean;
  /** Restart Time advertised (s, 0..4095): how long the peer should keep our routes while we restart. */
  readonly restartTime: number;
  /** We restarted and kept forwarding: set the R bit in the next OPEN (cleared once a session is up). */
  readonly restarting: boolean;
  /** Families whose forwarding state we preserve across a restart (F bit, RFC 4724 §3). */
  readonly forwarding: readonly Family[];
  /** RFC 8538 N bit: NOTIFICATIONs other than Hard Reset keep the routes too. */
  readonly notification: boolean;
  /** Longest time (s) stale routes of a restarted peer wait for its End-of-RIB after it is back. */
  readonly stalePathTime: number;
}

export interface PeerConfig {
  /** Name for logs and `show neighbors` (default: the address). */
  readonly name: string;
  readonly localAs: number;
  /** Our BGP Identifier (dotted quad, non-zero). */
  readonly routerId: string;
  /** The neighbor's address (canonical text). */
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Expected AS; undefined accepts any (dynamic neighbors), optionally within peerAsRange. */
  readonly peerAs: number | undefined;
  readonly peerAsRange: readonly [number, number] | undefined;
  /** Source address of outgoing connections, and the only local address accepted for incoming ones. */
  readonly localAddress: string | undefined;
  /** Source port of outgoing connections (0: any). */
  readonly localPort: number;
  /** Never connect: wait for the neighbor (RFC 4271 §8 PassiveTcpEstablishment). */
  readonly passive: boolean;
  /** eBGP multihop hop count (informational: see docs/session.md on TTL with node:net). */
  readonly multihop: number | undefined;
  /** Address families to negotiate (RFC 4760 multiprotocol capabilities). */
  readonly families: readonly Family[];
  readonly holdTime: number;
  readonly keepaliveTime: number | undefined;
  readonly minHoldTime: number;
  readonly connectRetryTime: number;
  readonly connectTimeout: number;
  readonly delayOpen: boolean;
  readonly delayOpenTime: number;
  readonly idleHoldTime: number;
  readonly idleHoldTimeMax: number;
  readonly idleHoldResetTime: number;
  readonly dampPeerOscillations: boolean;
  readonly collisionDetectEstablishedState: boolean;
  /** RFC 9687 SendHoldTime (s): close a session whose peer reads nothing for this long; 0 = off. */
  readonly sendHoldTime: number;
  readonly as4: boolean;
  readonly routeRefresh: boolean;
  readonly enhancedRouteRefresh: boolean;
  readonly extendedMessages: boolean;
  /** RFC 7911 per family: what we offer. */
  readonly addPath: ReadonlyMap<Family, AddPathMode>;
  readonly role: RoleName | undefined;
  /** RFC 9234 §4.2 strict mode: refuse a peer that sends no role. */
  readonly strictRole: boolean;
  /** FQDN capability (draft-walton-bgp-hostname-capability): our host and domain name; undefined = not sent. */
  readonly hostname: string | undefined;
  readonly domain: string;
  readonly gracefulRestart: GracefulRestartConfig;
  readonly maxPrefix: ReadonlyMap<Family, MaxPrefixConfig>;
  /** RFC 4271 §6.3: the leftmost AS of an eBGP route must be the peer's (off for route-server peers). */
  readonly enforceFirstAs: boolean;
  /** Created by a range-based listener for an incoming connection. */
  readonly dynamic: boolean;
}

export interface PeerConfigInput {
  name?: string;
  localAs: number;
  routerId: string;
  remoteAddress: string;
  remotePort?: number;
  peerAs?: number;
  peerAsRange?: readonly [number, number];
  localAddress?: string;
  localPort?: number;
  passive?: boolean;
  multihop?: number;
  families?: readonly FamilyInput[];
  holdTime?: number;
  keepaliveTime?: number;
  minHoldTime?: number;
  connectRetryTime?: number;
  connectTimeout?: number;
  delayOpen?: boolean;
  delayOpenTime?: number;
  idleHoldTime?: number;
  idleHoldTimeMax?: number;
  idleHoldResetTime?: number;
  dampPeerOscillations?: boolean;
  collisionDetectEstablishedState?: boolean;
  sendHoldTime?: number | 'auto';
  as4?: boolean;
  routeRefresh?: boolean;
  enhancedRouteRefresh?: boolean;
  extendedMessages?: boolean;
  addPath?: Readonly<Record<string, AddPathMode>> | ReadonlyMap<Family, AddPathMode>;
  role?: RoleName;
  strictRole?: boolean;
  hostname?: string;
  domain?: string;
  gracefulRestart?: boolean | (Partial<Omit<GracefulRestartConfig, 'forwarding'>> & { forwarding?: readonly FamilyInput[] | boolean });
  /** One limit for every family, or per family name. */
  maxPrefix?: (Partial<MaxPrefixConfig> & { limit: number }) | Readonly<Record<string, Partial<MaxPrefixConfig> & { limit: number }>>;
  enforceFirstAs?: boolean;
  dynamic?: boolean;
}

/** Defaults (BIRD-like where BIRD has an equivalent). */
export const PEER_DEFAULTS = {
  remotePort: 179,
  localPort: 0,
  passive: false,
  holdTime: 90,
  minHoldTime: 3,
  connectRetryTime: 120,
  connectTimeout: 30,
  delayOpen: false,
  delayOpenTime: 5,
  idleHoldTime: 5,
  idleHoldTimeMax: 300,
  idleHoldResetTime: 300,
  dampPeerOscillations: true,
  collisionDetectEstablishedState: false,
  as4: true,
  routeRefresh: true,
  enhancedRouteRefresh: true,
  extendedMessages: true,
  strictRole: false,
  domain: '',
  enforceFirstAs: true,
  gracefulRestart: { enabled: true, restartTime: 120, restarting: false, notification: true, stalePathTime: 360 },
  maxPrefix: { action: 'teardown', warnPercent: 90, restartAfter: 'never' },
} as const;

export interface PeerConfigProblem {
  readonly key: string;
  readonly reason: string;
}

export class PeerConfigError extends AnycastError {
  readonly problems: readonly PeerConfigProblem[];
  constructor(problems: readonly PeerConfigProblem[]) {
    super('ERR_PEER_CONFIG', `invalid neighbor configuration: ${problems.map((p) => `${p.key}: ${p.reason}`).join('; ')}`);
    this.problems = problems;
  }
}

const FAMILY_NAMES: Readonly<Record<string, Family>> = {
  'ipv4-unicast': IPV4_UNICAST, 'ipv6-unicast': IPV6_UNICAST, 'ipv4': IPV4_UNICAST, 'ipv6': IPV6_UNICAST,
  'ipv4-multicast': family(1, 2), 'ipv6-multicast': family(2, 2),
};

/** A family from its name ("ipv4-unicast") or number; undefined if unknown. */
export function parseFamily(f: FamilyInput): Family | undefined {
  if (typeof f === 'number') return Number.isInteger(f) && f > 0 ? f : undefined;
  return FAMILY_NAMES[f];
}

const isInt = (v: unknown, lo: number, hi: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/** Resolve and check; returns the config or every problem found. */
export function resolvePeerConfig(input: PeerConfigInput): { ok: true; config: PeerConfig } | { ok: false; problems: PeerConfigProblem[] } {
  const p: PeerConfigProblem[] = [];
  const bad = (key: string, reason: string) => p.push({ key, reason });
  const D = PEER_DEFAULTS;

  const remote = canonicalAddress(input.remoteAddress ?? '');
  if (remote === null) bad('remoteAddress', `not an IP address: ${JSON.stringify(input.remoteAddress)}`);
  const local = input.localAddress === undefined ? undefined : canonicalAddress(input.localAddress);
  if (local === null) bad('localAddress', `not an IP address: ${JSON.stringify(input.localAddress)}`);
  if (remote !== null && typeof local === 'string' && remote.includes(':') !== local.includes(':')) {
    bad('localAddress', `${local} and the neighbor ${remote} are not of the same address family`);
  }
  if (!isInt(input.localAs, 1, 0xffffffff)) bad('localAs', `must be an AS number 1..4294967295, got ${input.localAs}`);
  const rid = parseIpv4U32(input.routerId ?? '');
  if (rid === null || rid === 0) bad('routerId', `must be a non-zero dotted quad, got ${JSON.stringify(input.routerId)}`);
  if (input.peerAs !== undefined && !isInt(input.peerAs, 1, 0xffffffff)) {
    bad('peerAs', `must be an AS number 1..4294967295, got ${input.peerAs}`);
  }
  if (input.peerAsRange !== undefined) {
    const [lo, hi] = input.peerAsRange;
    if (!isInt(lo, 1, 0xffffffff) || !isInt(hi, 1, 0xffffffff) || lo > hi) {
      bad('peerAsRange', `must be [low, high] AS numbers with low <= high, got [${lo}, ${hi}]`);
    }
  }
  const port = input.remotePort ?? D.remotePort;
  if (!isInt(port, 1, 65535)) bad('remotePort', `must be 1..65535, got ${port}`);
  const lport = input.localPort ?? D.localPort;
  if (!isInt(lport, 0, 65535)) bad('localPort', `must be 0..65535, got ${lport}`);
  if (input.multihop !== undefined && !isInt(input.multihop, 1, 255)) bad('multihop', `must be 1..255 hops, got ${input.multihop}`);

  const families: Family[] = [];
  const famIn = input.families ?? [remote !== null && remote.includes(':') ? IPV6_UNICAST : IPV4_UNICAST];
  for (const f of famIn) {
    const v = parseFamily(f);
    if (v === undefined) bad('families', `unknown address family ${JSON.stringify(f)} (ipv4-unicast, ipv6-unicast, ipv4-multicast, ipv6-multicast)`);
    else if (!families.includes(v)) families.push(v);
  }
  if (famIn.length === 0) bad('families', 'at least one address family is needed');

  const holdTime = input.holdTime ?? D.holdTime;
  if (!(holdTime === 0 || isInt(holdTime, 3, 65535))) bad('holdTime', `must be 0 or 3..65535 seconds, got ${holdTime}`);
  if (input.keepaliveTime !== undefined && !isInt(input.keepaliveTime, 1, 21845)) {
    bad('keepaliveTime', `must be 1..21845 seconds, got ${input.keepaliveTime}`);
  }
  const num = (key: keyof PeerConfigInput, v: number, lo: number, hi: number, unit = 'seconds') => {
    if (!isInt(v, lo, hi)) bad(key, `must be ${lo}..${hi} ${unit}, got ${v}`);
    return v;
  };
  const minHoldTime = num('minHoldTime', input.minHoldTime ?? D.minHoldTime, 3, 65535);
  const connectRetryTime = num('connectRetryTime', input.connectRetryTime ?? D.connectRetryTime, 1, 65535);
  const connectTimeout = num('connectTimeout', input.connectTimeout ?? D.connectTimeout, 1, 65535);
  const delayOpenTime = num('delayOpenTime', input.delayOpenTime ?? D.delayOpenTime, 1, 65535);
  const idleHoldTime = num('idleHoldTime', input.idleHoldTime ?? D.idleHoldTime, 1, 65535);
  const idleHoldTimeMax = num('idleHoldTimeMax', input.idleHoldTimeMax ?? Math.max(D.idleHoldTimeMax, idleHoldTime), 1, 65535);
  if (idleHoldTimeMax < idleHoldTime) bad('idleHoldTimeMax', `must be at least idleHoldTime (${idleHoldTime})`);
  const idleHoldResetTime = num('idleHoldResetTime', input.idleHoldResetTime ?? D.idleHoldResetTime, 1, 65535);
  // RFC 9687 §4: at least 8 minutes or twice the hold time, whichever is larger, unless configured.
  const sendHoldIn = input.sendHoldTime ?? 'auto';
  const sendHoldTime = sendHoldIn === 'auto' ? (holdTime === 0 ? 0 : Math.max(480, 2 * holdTime)) : sendHoldIn;
  if (!isInt(sendHoldTime, 0, 65535)) bad('sendHoldTime', `must be 0 (off), 'auto' or 1..65535 seconds, got ${sendHoldIn}`);

  const addPath = new Map<Family, AddPathMode>();
  const apIn = input.addPath;
  if (apIn !== undefined) {
    const entries: [FamilyInput, AddPathMode][] = apIn instanceof Map ? [...apIn.entries()] : Object.entries(apIn);
    for (const [k, mode] of entries) {
      const f = parseFamily(k);
      if (f === undefined) bad(`addPath.${k}`, 'unknown address family');
      else if (mode !== 'receive' && mode !== 'send' && mode !== 'both') bad(`addPath.${familyText(f)}`, `must be receive, send or both, got ${JSON.stringify(mode)}`);
      else if (!families.includes(f)) bad(`addPath.${familyText(f)}`, 'family is not in families');
      else addPath.set(f, mode);
    }
  }

  if (input.role !== undefined && !(input.role in ROLE_CODES)) {
    bad('role', `must be one of ${Object.keys(ROLE_CODES).join(', ')}, got ${JSON.stringify(input.role)}`);
  }
  if (input.strictRole === true && input.role === undefined) bad('strictRole', 'needs a role');
  const enc = new TextEncoder();
  if (input.hostname !== undefined && enc.encode(input.hostname).length > 255) bad('hostname', 'longer than 255 octets');
  if (input.domain !== undefined && enc.encode(input.domain).length > 255) bad('domain', 'longer than 255 octets');

  const grIn = input.gracefulRestart ?? {};
  const grObj = typeof grIn === 'boolean' ? { enabled: grIn } : { enabled: true, ...grIn };
  const grForward: Family[] = [];
  if (typeof grObj.forwarding === 'boolean') {
    if (grObj.forwarding) grForward.push(...families);
  } else {
    for (const f of grObj.forwarding ?? []) {
      const v = parseFamily(f);
      if (v === undefined || !families.includes(v)) bad('gracefulRestart.forwarding', `not a configured family: ${JSON.stringify(f)}`);
      else grForward.push(v);
    }
  }
  const gracefulRestart: GracefulRestartConfig = {
    enabled: grObj.enabled ?? D.gracefulRestart.enabled,
    restartTime: grObj.restartTime ?? D.gracefulRestart.restartTime,
    restarting: grObj.restarting ?? D.gracefulRestart.restarting,
    forwarding: grForward,
    notification: grObj.notification ?? D.gracefulRestart.notification,
    stalePathTime: grObj.stalePathTime ?? D.gracefulRestart.stalePathTime,
  };
  if (!isInt(gracefulRestart.restartTime, 0, 4095)) bad('gracefulRestart.restartTime', `must be 0..4095 seconds (12 bits, RFC 4724 §3), got ${gracefulRestart.restartTime}`);
  if (!isInt(gracefulRestart.stalePathTime, 1, 65535)) bad('gracefulRestart.stalePathTime', `must be 1..65535 seconds, got ${gracefulRestart.stalePathTime}`);

  const maxPrefix = new Map<Family, MaxPrefixConfig>();
  const mpIn = input.maxPrefix;
  if (mpIn !== undefined) {
    const perFamily: [Family | undefined, string, Partial<MaxPrefixConfig> & { limit: number }][] =
      typeof (mpIn as { limit?: unknown }).limit === 'number'
        ? families.map((f) => [f, familyText(f), mpIn as Partial<MaxPrefixConfig> & { limit: number }])
        : Object.entries(mpIn as Record<string, Partial<MaxPrefixConfig> & { limit: number }>).map(([k, v]) => [parseFamily(k), k, v]);
    for (const [f, name, v] of perFamily) {
      const key = `maxPrefix.${name}`;
      if (f === undefined || !families.includes(f)) { bad(key, 'not a configured family'); continue; }
      const m: MaxPrefixConfig = {
        limit: v.limit, action: v.action ?? D.maxPrefix.action, warnPercent: v.warnPercent ?? D.maxPrefix.warnPercent,
        restartAfter: v.restartAfter ?? D.maxPrefix.restartAfter,
      };
      if (!isInt(m.limit, 1, 0xffffffff)) bad(`${key}.limit`, `must be 1..4294967295 prefixes, got ${m.limit}`);
      if (m.action !== 'warn' && m.action !== 'teardown') bad(`${key}.action`, `must be warn or teardown, got ${JSON.stringify(m.action)}`);
      if (!isInt(m.warnPercent, 0, 100)) bad(`${key}.warnPercent`, `must be 0..100, got ${m.warnPercent}`);
      if (m.restartAfter !== 'never' && !isInt(m.restartAfter, 1, 65535)) bad(`${key}.restartAfter`, `must be 'never' or 1..65535 seconds, got ${m.restartAfter}`);
      maxPrefix.set(f, m);
    }
  }
  if (p.length > 0) return { ok: false, problems: p };
  return {
    ok: true,
    config: {
      name: input.name ?? remote!, localAs: input.localAs, routerId: input.routerId, remoteAddress: remote!,
      remotePort: port, peerAs: input.peerAs, peerAsRange: input.peerAsRange, localAddress: local ?? undefined,
      localPort: lport, passive: input.passive ?? D.passive, multihop: input.multihop, families, holdTime,
      keepaliveTime: input.keepaliveTime, minHoldTime, connectRetryTime, connectTimeout,
      delayOpen: input.delayOpen ?? D.delayOpen, delayOpenTime, idleHoldTime, idleHoldTimeMax, idleHoldResetTime,
      dampPeerOscillations: input.dampPeerOscillations ?? D.dampPeerOscillations,
      collisionDetectEstablishedState: input.collisionDetectEstablishedState ?? D.collisionDetectEstablishedState,
      sendHoldTime, as4: input.as4 ?? D.as4, routeRefresh: input.routeRefresh ?? D.routeRefresh,
      enhancedRouteRefresh: input.enhancedRouteRefresh ?? D.enhancedRouteRefresh,
      extendedMessages: input.extendedMessages ?? D.extendedMessages, addPath, role: input.role,
      strictRole: input.strictRole ?? D.strictRole, hostname: input.hostname, domain: input.domain ?? D.domain,
      gracefulRestart, maxPrefix, enforceFirstAs: input.enforceFirstAs ?? D.enforceFirstAs,
      dynamic: input.dynamic ?? false,
    },
  };
}

/** resolvePeerConfig() that throws PeerConfigError (for programmatic callers that already validated). */
export function peerConfig(input: PeerConfigInput): PeerConfig {
  const r = resolvePeerConfig(input);
  if (!r.ok) throw new PeerConfigError(r.problems);
  return r.config;
}
