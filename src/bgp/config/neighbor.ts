// Reading one neighbor (or template, or dynamic-neighbor range) section of the speaker's configuration: the
// session options go to the session layer's resolvePeerConfig() (RFC 4271 timers, RFC 4724 graceful restart,
// RFC 4486 max-prefix, RFC 7911 add-path, RFC 9234 roles), whose problems are reported under the YAML key
// names; the routing options (policies, route reflection RFC 4456, route server RFC 7947, allowas-in, next hop)
// are checked here.
import { type PeerConfigInput, resolvePeerConfig } from '../peer/config.js';
import { canonicalAddress } from '../transport/address.js';
import { ROLES, type Role } from '../rib/peer.js';
import { ROUTING_DEFAULTS } from './defaults.js';
import { Obj, type PathSeg } from './reader.js';
import type { RoutingOptions, SessionInput } from './types.js';

/** YAML key → session-layer key, for the options that map one to one. */
const SESSION_KEYS: Readonly<Record<string, keyof PeerConfigInput>> = {
  'local-address': 'localAddress', 'port': 'remotePort', 'local-port': 'localPort', 'passive': 'passive',
  'multihop': 'multihop', 'hold-time': 'holdTime', 'keepalive-time': 'keepaliveTime', 'min-hold-time': 'minHoldTime',
  'connect-retry-time': 'connectRetryTime', 'connect-timeout': 'connectTimeout', 'delay-open': 'delayOpen',
  'delay-open-time': 'delayOpenTime', 'idle-hold-time': 'idleHoldTime', 'idle-hold-time-max': 'idleHoldTimeMax',
  'idle-hold-reset-time': 'idleHoldResetTime', 'damp-peer-oscillations': 'dampPeerOscillations',
  'collision-detect-established': 'collisionDetectEstablishedState', 'send-hold-time': 'sendHoldTime',
  'as4': 'as4', 'route-refresh': 'routeRefresh', 'enhanced-route-refresh': 'enhancedRouteRefresh',
  'extended-messages': 'extendedMessages', 'strict-role': 'strictRole', 'hostname': 'hostname', 'domain': 'domain',
  'enforce-first-as': 'enforceFirstAs', 'families': 'families', 'local-role': 'role', 'add-path': 'addPath',
  'graceful-restart': 'gracefulRestart', 'max-prefix': 'maxPrefix',
};
const KEY_BACK: Record<string, string> = Object.fromEntries(Object.entries(SESSION_KEYS).map(([y, s]) => [s, y]));
KEY_BACK.remoteAddress = 'address';
KEY_BACK.peerAs = 'remote-as';
KEY_BACK.peerAsRange = 'remote-as-range';

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A session-layer problem key (`gracefulRestart.restartTime`, `maxPrefix.ipv4-unicast.limit`) as YAML path. */
export function sessionKeyPath(key: string): PathSeg[] {
  const [head, ...rest] = key.split('.');
  return [KEY_BACK[head!] ?? kebab(head!), ...rest.map(kebab)];
}

/** Keys a neighbor section may have, per kind of section. */
export const ROUTING_KEYS = ['import', 'export', 'route-reflector-client', 'route-server-client', 'allow-as-in',
  'keep-pre-policy', 'next-hop-self', 'next-hop', 'honour-graceful-shutdown', 'interpret-communities',
  'add-path-send', 'mrai', 'description'];
const UNSUPPORTED: Readonly<Record<string, string>> = {
  'password': 'TCP MD5 signatures (RFC 2385) and TCP-AO are not supported: Node.js sockets cannot set TCP_MD5SIG',
  'ttl-security': 'GTSM (RFC 5082) is not supported: Node.js sockets cannot set IP_MINTTL',
};

export interface ReadOptions {
  readonly localAs: number;
  readonly routerId: string;
  readonly policyNames: ReadonlySet<string>;
  /** Global graceful restart settings the neighbor inherits. */
  readonly gracefulRestart: { enabled: boolean; restartTime: number; stalePathTime: number };
  readonly mrai: number;
}

const ROUTED_FAMILIES = ['ipv4-unicast', 'ipv6-unicast', 'ipv4', 'ipv6'];

function readFamilies(o: Obj): string[] | undefined {
  const list = o.strings('families');
  if (list === undefined) return undefined;
  if (list.length === 0) o.fail('families', 'at least one address family is needed');
  for (const f of list) {
    if (!ROUTED_FAMILIES.includes(f.value)) {
      o.src.fail(f.path, `"${f.value}": the speaker routes ipv4-unicast and ipv6-unicast (multicast and other SAFIs are not supported)`);
    }
  }
  return list.map((x) => x.value);
}

function readAddPath(o: Obj): Record<string, 'receive' | 'send' | 'both'> | undefined {
  const v = o.raw('add-path');
  if (v === undefined || v === null) return undefined;
  const modes = ['receive', 'send', 'both'] as const;
  if (typeof v === 'string') {
    if (!modes.includes(v as never)) o.fail('add-path', `expected receive, send, both, or a mapping family: mode; got "${v}"`);
    // One mode for every configured family: resolved against `families` below.
    return { '*': v as 'receive' };
  }
  const m = Obj.of(o.src, o.at('add-path'), v);
  const out: Record<string, 'receive' | 'send' | 'both'> = {};
  for (const k of Object.keys(m.value)) {
    const mode = m.enumOf(k, modes);
    if (mode !== undefined) out[k] = mode;
  }
  return out;
}

function readGracefulRestart(o: Obj): PeerConfigInput['gracefulRestart'] | undefined {
  const v = o.raw('graceful-restart');
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  const g = Obj.of(o.src, o.at('graceful-restart'), v);
  const out = {
    enabled: g.bool('enabled'), restartTime: g.int('restart-time', 0, 4095, 'seconds'),
    notification: g.bool('notification'), stalePathTime: g.int('stale-path-time', 1, 65535, 'seconds'),
  };
  g.done();
  return Object.fromEntries(Object.entries(out).filter(([, x]) => x !== undefined));
}

type MaxPrefixIn = { limit: number; action?: 'warn' | 'teardown'; warnPercent?: number; restartAfter?: number | 'never' };

function readMaxPrefixBlock(m: Obj): MaxPrefixIn {
  const limit = m.int('limit', 1, 0xffffffff, 'prefixes');
  if (limit === undefined) m.fail('limit', 'required');
  const action = m.enumOf('action', ['warn', 'teardown'] as const);
  const warnPercent = m.int('warn-percent', 0, 100, 'percent');
  const ra = m.raw('restart-after');
  let restartAfter: number | 'never' | undefined;
  if (ra === 'never') restartAfter = 'never';
  else if (ra !== undefined && ra !== null) restartAfter = m.int('restart-after', 1, 65535, 'seconds');
  m.done();
  return { limit: limit!, ...(action ? { action } : {}), ...(warnPercent !== undefined ? { warnPercent } : {}),
    ...(restartAfter !== undefined ? { restartAfter } : {}) };
}

function readMaxPrefix(o: Obj): PeerConfigInput['maxPrefix'] | undefined {
  const v = o.raw('max-prefix');
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1) o.fail('max-prefix', `expected a positive number of prefixes, got ${v}`);
    return { limit: v };
  }
  const m = Obj.of(o.src, o.at('max-prefix'), v);
  if ('limit' in m.value) return readMaxPrefixBlock(m);
  const out: Record<string, MaxPrefixIn> = {};
  for (const k of Object.keys(m.value)) {
    const sub = m.raw(k);
    out[k] = typeof sub === 'number' ? { limit: sub } : readMaxPrefixBlock(Obj.of(o.src, m.at(k), sub));
  }
  return out;
}

function policyRef(o: Obj, key: 'import' | 'export', names: ReadonlySet<string>): string | null | undefined {
  const v = o.str(key);
  if (v === undefined) return undefined;
  if (v !== 'accept' && v !== 'reject' && !names.has(v)) {
    o.fail(key, `no policy named "${v}" (defined: ${[...names].sort().join(', ') || 'none'}; built in: accept, reject)`);
  }
  return v;
}

/** The routing options of a section (defaults filled from `base`, a template's values, then ROUTING_DEFAULTS). */
export function readRouting(o: Obj, ro: ReadOptions, base: Partial<RoutingOptions> = {}): RoutingOptions {
  const nh = o.obj('next-hop');
  let nextHop = base.nextHop ?? ROUTING_DEFAULTS.nextHop;
  if (nh !== undefined) {
    const out: { ipv4?: string; ipv6?: string } = {};
    for (const fam of ['ipv4', 'ipv6'] as const) {
      const a = nh.str(fam);
      if (a === undefined) continue;
      const c = canonicalAddress(a);
      if (c === null || c.includes(':') !== (fam === 'ipv6')) nh.fail(fam, `not an ${fam === 'ipv4' ? 'IPv4' : 'IPv6'} address: "${a}"`);
      out[fam] = c!;
    }
    nh.done();
    nextHop = out;
  }
  const role = o.value['local-role'] as Role | undefined;
  const r: RoutingOptions = {
    importPolicy: policyRef(o, 'import', ro.policyNames) ?? base.importPolicy ?? ROUTING_DEFAULTS.importPolicy,
    exportPolicy: policyRef(o, 'export', ro.policyNames) ?? base.exportPolicy ?? ROUTING_DEFAULTS.exportPolicy,
    rrClient: o.bool('route-reflector-client') ?? base.rrClient ?? ROUTING_DEFAULTS.rrClient,
    rsClient: o.bool('route-server-client') ?? base.rsClient ?? ROUTING_DEFAULTS.rsClient,
    localRole: (role !== undefined && ROLES.includes(role) ? role : undefined) ?? base.localRole,
    allowAsIn: o.int('allow-as-in', 0, 16) ?? base.allowAsIn ?? ROUTING_DEFAULTS.allowAsIn,
    keepPrePolicy: o.bool('keep-pre-policy') ?? base.keepPrePolicy ?? ROUTING_DEFAULTS.keepPrePolicy,
    nextHopSelf: o.bool('next-hop-self') ?? base.nextHopSelf ?? ROUTING_DEFAULTS.nextHopSelf,
    nextHop,
    honourGracefulShutdown: o.bool('honour-graceful-shutdown') ?? base.honourGracefulShutdown ?? ROUTING_DEFAULTS.honourGracefulShutdown,
    interpretCommunities: o.bool('interpret-communities') ?? base.interpretCommunities ?? ROUTING_DEFAULTS.interpretCommunities,
    addPathSend: o.enumOf('add-path-send', ['all', 'ecmp'] as const) ?? base.addPathSend ?? ROUTING_DEFAULTS.addPathSend,
    mrai: o.int('mrai', 0, 3600, 'seconds') ?? base.mrai ?? ro.mrai,
  };
  o.allow('description');
  return r;
}

/** The session options of a section, as session-layer input (not yet checked: see checkSession). */
export function readSession(o: Obj, ro: ReadOptions): SessionInput {
  for (const [k, why] of Object.entries(UNSUPPORTED)) if (o.has(k)) o.fail(k, why);
  const s: Record<string, unknown> = {};
  for (const [yamlKey, key] of Object.entries(SESSION_KEYS)) {
    switch (yamlKey) {
      case 'families': s[key] = readFamilies(o); break;
      case 'add-path': s[key] = readAddPath(o); break;
      case 'graceful-restart': s[key] = readGracefulRestart(o); break;
      case 'max-prefix': s[key] = readMaxPrefix(o); break;
      case 'send-hold-time': {
        const v = o.raw(yamlKey);
        s[key] = v === null ? undefined : v;
        break;
      }
      case 'local-role': {
        const v = o.enumOf(yamlKey, ROLES);
        s[key] = v;
        break;
      }
      default: s[key] = o.raw(yamlKey);
    }
  }
  // Global graceful restart settings are the neighbor's defaults.
  const gr = s.gracefulRestart as PeerConfigInput['gracefulRestart'];
  const g = ro.gracefulRestart;
  if (gr === undefined) s.gracefulRestart = { enabled: g.enabled, restartTime: g.restartTime, stalePathTime: g.stalePathTime, forwarding: true };
  else if (typeof gr === 'boolean') s.gracefulRestart = { enabled: gr, restartTime: g.restartTime, stalePathTime: g.stalePathTime, forwarding: true };
  else s.gracefulRestart = { enabled: g.enabled, restartTime: g.restartTime, stalePathTime: g.stalePathTime, forwarding: true, ...gr };
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as SessionInput;
}

/** Expand `add-path: MODE` (the '*' key) over the families. */
function expandAddPath(s: SessionInput, address: string): SessionInput {
  const ap = s.addPath as Record<string, 'receive' | 'send' | 'both'> | undefined;
  if (ap === undefined || !('*' in ap)) return s;
  const fams = (s.families as string[] | undefined) ?? [address.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast'];
  return { ...s, addPath: Object.fromEntries(fams.map((f) => [f, ap['*']!])) };
}

/** Check session input with the session layer's own rules; report the first problem under its YAML key. */
export function checkSession(o: Obj, ro: ReadOptions, s: SessionInput): SessionInput {
  const full = expandAddPath(s, s.remoteAddress ?? '0.0.0.0');
  const r = resolvePeerConfig({ ...full, localAs: ro.localAs, routerId: ro.routerId } as PeerConfigInput);
  if (!r.ok) {
    const p = r.problems[0]!;
    o.src.fail([...o.path, ...sessionKeyPath(p.key)], p.reason);
  }
  return full;
}

/** Cross-field rules between the session and routing options of one neighbor. */
export function checkRouting(o: Obj, r: RoutingOptions, remoteAs: number | undefined, localAs: number,
  confedMembers: readonly number[]): void {
  if (remoteAs === undefined) return;
  const internal = remoteAs === localAs;
  const confed = confedMembers.includes(remoteAs);
  if (r.rrClient && !internal) o.fail('route-reflector-client', `only iBGP neighbors (remote-as ${localAs}) can be route-reflector clients (RFC 4456)`);
  if (r.rsClient && internal) o.fail('route-server-client', 'route-server clients are eBGP neighbors (RFC 7947)');
  if (r.localRole !== undefined && (internal || confed)) o.fail('local-role', 'BGP roles apply to eBGP sessions only (RFC 9234 §4.2)');
}
