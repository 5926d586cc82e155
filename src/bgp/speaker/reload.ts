// Reload (SIGHUP, `POST /v1/reload`): the new configuration was read and checked before this is called; here the
// difference with the running one is applied, and only the difference:
//   - a changed policy (or prefix list it uses) re-evaluates routes without resetting sessions: import through
//     ROUTE-REFRESH (RFC 2918) or the kept pre-policy Adj-RIB-In, export by recomputing the Adj-RIB-Out;
//   - a new neighbor starts; a removed one is closed with Cease 3 "peer de-configured" (RFC 4486);
//   - a neighbor whose session settings (address, AS, timers, capabilities) or RIB role changed is reset alone,
//     with Cease 6 "Other Configuration Change";
//   - `shutdown:` toggles administrative state; description and MRAI change in place;
//   - `network` statements are added, changed and removed; routes added through the API stay.
// What cannot change at run time (identity, decision options, FIB, control sockets, dynamic ranges) makes the
// reload fail with the list of keys: the running configuration stays as it was.
import type { NeighborConfig, SpeakerConfig } from '../config/types.js';
import type { Speaker } from './speaker.js';
import { neighborSettings } from './settings.js';

export interface ReloadReport {
  readonly ok: boolean;
  /** What was applied, one line each (empty: nothing changed). */
  readonly changes: string[];
  /** Why nothing was applied. */
  readonly error?: string;
}

const RESTART_ONLY: readonly [keyof SpeakerConfig, string][] = [
  ['routerId', 'router-id'], ['localAs', 'local-as'], ['clusterId', 'cluster-id'], ['confederation', 'confederation'],
  ['decision', 'decision'], ['fib', 'fib'], ['gracefulRestart', 'graceful-restart'], ['rfc8212', 'rfc8212'],
  ['control', 'control'], ['metrics', 'metrics'], ['dynamic', 'dynamic-neighbors'], ['mrt', 'mrt'],
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A policy's identity for comparison: its definition and, if it names any, the prefix lists. */
function fingerprint(c: SpeakerConfig, name: string | null): string {
  if (name === null || name === 'accept' || name === 'reject') return String(name);
  const defs = (c.policyRaw.policies ?? {}) as Record<string, unknown>;
  const def = JSON.stringify(defs[name] ?? null);
  return def.includes('prefix-list') ? `${def}|${JSON.stringify(c.policyRaw['prefix-lists'] ?? null)}` : def;
}

/** Session or RIB-role settings whose change needs a new session. */
function needsReset(a: NeighborConfig, b: NeighborConfig): string | null {
  if (a.address !== b.address) return 'address';
  if (a.remoteAs !== b.remoteAs) return 'remote-as';
  if (!same(a.session, b.session)) return 'session settings';
  const keys = ['rrClient', 'rsClient', 'localRole', 'allowAsIn', 'keepPrePolicy', 'nextHopSelf', 'nextHop',
    'honourGracefulShutdown', 'interpretCommunities', 'addPathSend'] as const;
  for (const k of keys) if (!same(a[k], b[k])) return k;
  return null;
}

export function applyReload(s: Speaker, next: SpeakerConfig): ReloadReport {
  const prev = s.config;
  const blocked = RESTART_ONLY.filter(([k]) => !same(prev[k], next[k])).map(([, y]) => y);
  if (blocked.length > 0) {
    return { ok: false, changes: [], error: `${blocked.join(', ')} changed: these take effect only after a restart; nothing was applied` };
  }
  const changes: string[] = [];
  s.config = next;
  const log = s.log;

  // Neighbors removed, added, reset.
  const prevByName = new Map(prev.neighbors.map((n) => [n.name, n]));
  const nextByName = new Map(next.neighbors.map((n) => [n.name, n]));
  for (const name of prevByName.keys()) {
    if (!nextByName.has(name)) { s.removeNeighbor(name, 'peer de-configured'); changes.push(`neighbor ${name} removed (Cease: peer de-configured)`); }
  }
  for (const [name, nc] of nextByName) {
    const old = prevByName.get(name);
    if (old === undefined) { s.addNeighbor(name); changes.push(`neighbor ${name} added`); continue; }
    const why = needsReset(old, nc);
    if (why !== null) {
      const n = s.neighbors.get(name);
      if (n !== undefined && n.peer.established) n.peer.stop('configuration changed', { subcode: 6 });
      s.removeNeighbor(name);
      s.addNeighbor(name);
      changes.push(`neighbor ${name} reset (${why} changed)`);
      continue;
    }
    const n = s.neighbors.get(name)!;
    n.settings = neighborSettings(nc);
    changes.push(...applyPolicies(s, prev, next, name, old, nc));
    if (old.shutdown !== nc.shutdown) {
      if (nc.shutdown) n.peer.stop('administratively down (configuration)');
      else n.peer.start();
      changes.push(`neighbor ${name} ${nc.shutdown ? 'shut down' : 'enabled'}`);
    }
    if (old.description !== nc.description || old.mrai !== nc.mrai) changes.push(`neighbor ${name} description/MRAI updated`);
  }
  // Dynamic neighbors follow their range's policies.
  for (const n of s.neighbors.values()) {
    if (!n.settings.dynamic) continue;
    const r = next.dynamic.find((x) => x.name === n.settings.range);
    const pr = prev.dynamic.find((x) => x.name === n.settings.range);
    if (r === undefined || pr === undefined) continue;
    changes.push(...applyPolicies(s, prev, next, n.name, pr, r));
  }

  // Networks.
  const nextNets = new Map(next.networks.map((x) => [x.prefix, x]));
  for (const old of prev.networks) {
    if (!nextNets.has(old.prefix) && s.originated.delete(old.prefix, 'config')) changes.push(`network ${old.prefix} removed`);
  }
  const prevNets = new Map(prev.networks.map((x) => [x.prefix, x]));
  for (const [p, nw] of nextNets) {
    const o = prevNets.get(p);
    if (o === undefined || !same(o, nw)) { s.originated.set(nw, 'config'); changes.push(`network ${p} ${o === undefined ? 'added' : 'changed'}`); }
  }

  if (!same(prev.listen, next.listen)) changes.push('listen addresses changed (applied by the daemon)');
  if (prev.warmUp !== next.warmUp) changes.push(`warm-up ${next.warmUp ? 'on' : 'off'} (it runs only when the speaker starts)`);
  for (const c of changes) log.info('reload', { change: c });
  s.input(0);
  return { ok: true, changes };
}

type PolicyHolder = { importPolicy: string | null; exportPolicy: string | null };

function applyPolicies(s: Speaker, prev: SpeakerConfig, next: SpeakerConfig, name: string, a: PolicyHolder, b: PolicyHolder): string[] {
  const out: string[] = [];
  const n = s.neighbors.get(name);
  if (n === undefined) return out;
  const info = n.info;
  if (a.importPolicy !== b.importPolicy || fingerprint(prev, a.importPolicy) !== fingerprint(next, b.importPolicy)) {
    if (info !== null) {
      const r = s.rib.setImportPolicy(info, s.policy(b.importPolicy));
      if (r.refreshNeeded && n.peer.established) {
        if (n.peer.softResetIn() === 'route-refresh') out.push(`neighbor ${name}: import policy changed, ROUTE-REFRESH sent`);
        else {
          // Without route refresh and without the pre-policy copy there is no other way to see the routes again.
          n.peer.reset('import policy changed; the neighbor does not support route refresh');
          out.push(`neighbor ${name}: import policy changed, session reset (no route refresh, no keep-pre-policy)`);
        }
      } else out.push(`neighbor ${name}: import policy changed, ${r.reevaluated} routes re-evaluated`);
    }
  }
  if (a.exportPolicy !== b.exportPolicy || fingerprint(prev, a.exportPolicy) !== fingerprint(next, b.exportPolicy)) {
    if (info !== null) s.rib.setExportPolicy(info, s.policy(b.exportPolicy));
    out.push(`neighbor ${name}: export policy changed, Adj-RIB-Out recomputed`);
  }
  return out;
}
