// What the control API returns: plain JSON documents built from the speaker's state — the neighbor summary and
// detail (`show neighbors`, `show neighbor N`), RIB entries (`show rib`), and the decision explanation (`show
// route P --explain`). Text rendering is the CLI's (src/bgp/api/format.ts); these shapes are its input and the
// `--json` output, so they are stable: fields are added, never renamed.
import { familyText } from '../wire/context.js';
import { attrsToJSON, type AttrsJSON } from '../rib/attrs.js';
import type { Explanation } from '../rib/decision/explain.js';
import { type Afi, formatPrefix, type PrefixKey, parsePrefix, prefixCovers } from '../rib/prefix.js';
import type { LocRoute } from '../rib/rib.js';
import type { Neighbor } from './neighbor.js';
import type { Speaker } from './speaker.js';

export interface NeighborSummary {
  name: string;
  address: string;
  remoteAs: number | null;
  localAs: number;
  description: string | null;
  state: string;
  adminUp: boolean;
  dynamic: boolean;
  /** Seconds in the current state (Established: the uptime). */
  stateSeconds: number;
  uptimeSeconds: number | null;
  routerId: string | null;
  prefixes: {
    /** Before import policy: known when keep-pre-policy is on, else null. */
    received: number | null;
    /** In the Adj-RIB-In after import policy (candidates of the decision). */
    accepted: number;
    /** Routes in its Adj-RIB-Out (what it was sent). */
    advertised: number;
  };
  lastError: string | null;
  flaps: number;
}

export function neighborSummary(s: Speaker, n: Neighbor): NeighborSummary {
  const st = n.peer.status();
  const info = n.info;
  const held = info === null ? { ipv4: 0, ipv6: 0 } : s.rib.heldFrom(info);
  let received: number | null = null;
  if (info !== null && n.settings.keepPrePolicy) {
    received = 0;
    for (const afi of ['ipv4', 'ipv6'] as const) for (const _ of s.rib.adjRibIn(info, afi, { prePolicy: true })) received++;
  }
  return {
    name: n.name, address: st.remote.address, remoteAs: st.peerAs, localAs: s.config.localAs,
    description: n.settings.description ?? null, state: st.state, adminUp: st.adminUp, dynamic: n.settings.dynamic,
    stateSeconds: Math.max(0, Math.floor((s.clock.now() - n.stateSince) / 1000)), uptimeSeconds: st.uptime,
    routerId: st.session?.peerId ?? null,
    prefixes: { received, accepted: held.ipv4 + held.ipv6, advertised: info?.stats.advertised ?? 0 },
    lastError: st.lastDown?.text ?? null, flaps: st.counters.flaps,
  };
}

export function neighborDetail(s: Speaker, n: Neighbor): Record<string, unknown> {
  const st = n.peer.status();
  const sess = st.session;
  const c = n.peer.config;
  const info = n.info;
  const held = info === null ? { ipv4: 0, ipv6: 0 } : s.rib.heldFrom(info);
  return {
    ...neighborSummary(s, n),
    range: n.settings.range ?? null,
    local: { address: sess?.local.address ?? st.localAddress, port: sess?.local.port ?? null },
    remote: { address: st.remote.address, port: sess?.remote.port ?? st.remote.port },
    passive: st.passive,
    kind: info?.kind ?? null,
    policies: { import: n.settings.importPolicy, export: n.settings.exportPolicy },
    routeReflectorClient: n.settings.rrClient, routeServerClient: n.settings.rsClient, localRole: n.settings.localRole ?? null,
    mrai: n.settings.mrai,
    configured: { holdTime: c.holdTime, connectRetryTime: c.connectRetryTime, families: c.families.map(familyText),
      gracefulRestart: c.gracefulRestart.enabled, restartTime: c.gracefulRestart.restartTime,
      maxPrefix: Object.fromEntries([...c.maxPrefix].map(([f, m]) => [familyText(f), m])) },
    session: sess === null ? null : {
      holdTime: sess.holdTime, keepaliveTime: sess.keepaliveTime, families: sess.families.map(familyText),
      as4: sess.as4, extendedMessages: sess.extendedMessages, routeRefresh: sess.routeRefresh,
      enhancedRouteRefresh: sess.enhancedRouteRefresh, addPathReceive: sess.addPathReceive.map(familyText),
      addPathSend: sess.addPathSend.map(familyText), initiator: sess.initiator,
      gracefulRestart: sess.peerGracefulRestart === null ? null : { restartTime: sess.peerGracefulRestart.restartTime,
        restarting: sess.peerGracefulRestart.restarting, notification: sess.peerGracefulRestart.notification,
        families: [...sess.peerGracefulRestart.families].map(([f, fwd]) => ({ family: familyText(f), forwarding: fwd })) },
      peerRole: sess.peerRole ?? null, hostname: sess.peerHostname?.hostname ?? null,
    },
    prefixesByFamily: { ipv4: held.ipv4, ipv6: held.ipv6 },
    timers: st.timers, idleHoldTime: st.idleHoldTime, connectRetryCounter: st.connectRetryCounter,
    gracefulRestartHelper: st.gracefulRestart,
    refusedCapabilities: st.refusedCapabilities,
    messages: { in: st.counters.messagesIn, out: st.counters.messagesOut, bytesIn: st.counters.bytesIn, bytesOut: st.counters.bytesOut },
    routes: { announcedIn: st.counters.prefixesAnnounced, withdrawnIn: st.counters.prefixesWithdrawn,
      ribIn: info === null ? null : { ...info.stats }, out: { ...n.counters } },
    lastNotification: n.lastNotification,
    lastDown: st.lastDown,
  };
}

export interface PathView {
  best: boolean;
  multipath: boolean;
  eligible: boolean;
  ineligible: string | null;
  stale: boolean;
  from: string;
  fromAddress: string | null;
  pathId: number;
  attrs: AttrsJSON;
}

export interface RibEntryView {
  prefix: string;
  paths: PathView[];
}

/** Prefixes of the Loc-RIB matching `filter`: an exact prefix, or an address (longest match), or all. */
export function locRibView(s: Speaker, filter: string | undefined, limit: number, bestOnly = false): { routes: RibEntryView[]; total: number; truncated: boolean } {
  const rib = s.rib;
  const routes: RibEntryView[] = [];
  let total = 0;
  const entry = (afi: Afi, key: PrefixKey): RibEntryView | null => {
    const l = rib.lookup(afi, key);
    if (l === null) return null;
    const bestId = l.best;
    const inMp = (r: LocRoute) => l.multipath.some((m) => m.peer === r.peer && m.pathId === r.pathId);
    return {
      prefix: formatPrefix(key),
      paths: l.candidates.map((c) => ({
        best: bestId !== null && c.peer === bestId.peer && c.pathId === bestId.pathId, multipath: inMp(c), eligible: c.eligible,
        ineligible: c.ineligible, stale: c.stale, from: c.peer.kind === 'local' ? 'local' : c.peer.name,
        fromAddress: c.peer.kind === 'local' ? null : c.peer.address, pathId: c.pathId, attrs: attrsToJSON(c.attrs),
      })).filter((p) => !bestOnly || p.best).sort((x, y) => Number(y.best) - Number(x.best)),
    };
  };
  if (filter !== undefined) {
    const p = parsePrefix(filter);
    if (p === null) return { routes, total, truncated: false };
    if (filter.includes('/')) {
      const e = entry(p.afi, p.key);
      if (e !== null) routes.push(e);
    } else {
      // Longest match for an address.
      let found: PrefixKey | null = null;
      let foundLen = -1;
      for (const r of rib.locRib(p.afi)) {
        if (prefixCovers(r.prefix, p.key)) {
          const len = typeof r.prefix === 'number' ? 31 - Math.clz32(r.prefix) : r.prefix.charCodeAt(0);
          if (len > foundLen) { found = r.prefix; foundLen = len; }
        }
      }
      if (found !== null) { const e = entry(p.afi, found); if (e !== null) routes.push(e); }
    }
    return { routes, total: routes.length, truncated: false };
  }
  for (const afi of ['ipv4', 'ipv6'] as const) {
    for (const r of rib.locRib(afi)) {
      total++;
      if (routes.length < limit) { const e = entry(afi, r.prefix); if (e !== null) routes.push(e); }
    }
  }
  routes.sort((a, b) => comparePrefixText(a.prefix, b.prefix));
  return { routes, total, truncated: total > routes.length };
}

/** A neighbor's Adj-RIB-In (post-policy, or pre-policy when kept) or Adj-RIB-Out. */
export function adjRibView(s: Speaker, n: Neighbor, dir: 'in' | 'out', prePolicy: boolean, filter: string | undefined, limit: number):
  { routes: { prefix: string; pathId: number; eligible?: boolean; attrs: AttrsJSON }[]; total: number; truncated: boolean } {
  const info = n.info;
  const routes: { prefix: string; pathId: number; eligible?: boolean; attrs: AttrsJSON }[] = [];
  let total = 0;
  if (info === null) return { routes, total, truncated: false };
  const want = filter === undefined ? null : parsePrefix(filter);
  for (const afi of ['ipv4', 'ipv6'] as const) {
    if (want !== null && want.afi !== afi) continue;
    const it = dir === 'in' ? s.rib.adjRibIn(info, afi, { prePolicy }) : s.rib.adjRibOut(info, afi);
    for (const r of it) {
      if (want !== null && (filter!.includes('/') ? r.prefix !== want.key : !prefixCovers(r.prefix, want.key))) continue;
      total++;
      if (routes.length >= limit) continue;
      routes.push({ prefix: formatPrefix(r.prefix), pathId: r.pathId, ...('eligible' in r ? { eligible: r.eligible as boolean } : {}), attrs: attrsToJSON(r.attrs) });
    }
  }
  routes.sort((a, b) => comparePrefixText(a.prefix, b.prefix) || a.pathId - b.pathId);
  return { routes, total, truncated: total > routes.length };
}

/** Order "10.0.0.0/8" < "192.0.2.0/24" < "2001:db8::/32" numerically. */
export function comparePrefixText(a: string, b: string): number {
  const pa = parsePrefix(a), pb = parsePrefix(b);
  if (pa === null || pb === null) return a < b ? -1 : a > b ? 1 : 0;
  if (pa.afi !== pb.afi) return pa.afi === 'ipv4' ? -1 : 1;
  const ka = pa.key, kb = pb.key;
  if (typeof ka === 'number' && typeof kb === 'number') {
    const la = 31 - Math.clz32(ka), lb = 31 - Math.clz32(kb);
    const aa = la === 0 ? 0 : ((ka - 2 ** la) * 2 ** (32 - la)) >>> 0, ab = lb === 0 ? 0 : ((kb - 2 ** lb) * 2 ** (32 - lb)) >>> 0;
    return aa - ab || la - lb;
  }
  const sa = (ka as string).slice(1), sb = (kb as string).slice(1);
  for (let i = 0; i < 8; i++) {
    const x = sa.charCodeAt(i) || 0, y = sb.charCodeAt(i) || 0;
    if (x !== y) return x - y;
  }
  return (ka as string).charCodeAt(0) - (kb as string).charCodeAt(0);
}

/** The decision explanation of one prefix, or null. */
export function explainView(s: Speaker, prefix: string): Explanation | null {
  const p = parsePrefix(prefix);
  if (p === null) return null;
  return s.rib.explain(p.afi, p.key);
}

/** Why the best route of a prefix is (not) sent to each neighbor. */
export function exportView(s: Speaker, prefix: string): { neighbor: string; sent: boolean; why: string; attrs: AttrsJSON | null }[] {
  const p = parsePrefix(prefix);
  if (p === null) return [];
  const out: { neighbor: string; sent: boolean; why: string; attrs: AttrsJSON | null }[] = [];
  for (const n of s.neighbors.values()) {
    if (n.info === null) continue;
    const e = s.rib.explainExport(n.info, p.afi, p.key);
    out.push({ neighbor: n.name, sent: e.attrs !== null, why: e.text, attrs: e.attrs === null ? null : attrsToJSON(e.attrs) });
  }
  return out;
}

export function statusView(s: Speaker): Record<string, unknown> {
  const st = s.rib.stats();
  const states: Record<string, number> = {};
  for (const n of s.neighbors.values()) { const x = n.peer.state; states[x] = (states[x] ?? 0) + 1; }
  return {
    routerId: s.config.routerId, localAs: s.config.localAs, file: s.config.file,
    uptimeSeconds: Math.floor((s.clock.now() - s.startedAt) / 1000), restarting: s.restarting, deferring: s.deferring,
    listen: s.listener.endpoints, fib: { kind: s.fibSync.fib.kind, ...s.fibSync.counters, queued: s.fibSync.queued },
    neighbors: { total: s.neighbors.size, byState: states },
    rib: { prefixes: st.prefixes, paths: st.paths, attributeSets: st.store.attrs, asPaths: st.store.asPaths },
    originated: s.originated.list().map((r) => ({ prefix: r.spec.prefix, source: r.source })),
    flushes: s.stats.flushes,
  };
}

