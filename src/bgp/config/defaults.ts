// Every default of the speaker's configuration, in one place. Session-level defaults (hold time 90 s, connect
// retry 120 s, graceful restart on, route refresh on, ...) are the session layer's PEER_DEFAULTS; this file holds
// the rest, chosen as BIRD 2 behaves unless a comment says otherwise.
import { join } from 'node:path';
import { DECISION_DEFAULTS } from '../rib/decision/options.js';
import type { DecisionConfig, GracefulRestartGlobal, HostPort, RoutingOptions } from './types.js';

export const BGP_PORT = 179;

export const SPEAKER_DEFAULTS = {
  /** Listen on every address, IPv4 and IPv6 (a dual-stack '::' socket). */
  listen: [{ host: '::', port: BGP_PORT }] as readonly HostPort[],
  fib: { kind: 'auto' as const, metric: undefined, table: undefined },
  gracefulRestart: {
    enabled: true, restartTime: 120, stalePathTime: 360, restarting: 'auto', selectionDeferral: 120,
  } satisfies GracefulRestartGlobal as GracefulRestartGlobal,
  decision: {
    alwaysCompareMed: DECISION_DEFAULTS.alwaysCompareMed, deterministicMed: DECISION_DEFAULTS.deterministicMed,
    missingMedWorst: DECISION_DEFAULTS.missingMedWorst, compareAsPathLength: DECISION_DEFAULTS.compareAsPathLength,
    igpMetric: DECISION_DEFAULTS.igpMetric, defaultLocalPref: DECISION_DEFAULTS.defaultLocalPref,
    multipath: { enabled: false, maxPaths: DECISION_DEFAULTS.multipath.maxPaths, relax: DECISION_DEFAULTS.multipath.asPathRelax },
  } satisfies DecisionConfig as DecisionConfig,
  rfc8212: true,
  /** `anycast speaker` compiles its route path on a synthetic table before it starts (speaker/warm-up.ts). */
  warmUp: true,
  /** BIRD has no MRAI by default: UPDATEs go out at the end of each batch. */
  mrai: 0,
  metrics: { listen: null },
  log: { level: 'info' as const, format: 'json' as const },
  mrt: { dumpDir: null, bgp4mp: null },
  /** Most dynamic neighbors alive at once per range. */
  dynamicLimit: 100,
};

/** Routing options of a neighbor when its section says nothing. */
export const ROUTING_DEFAULTS: Omit<RoutingOptions, 'mrai'> = {
  importPolicy: null, exportPolicy: null, rrClient: false, rsClient: false, localRole: undefined, allowAsIn: 0,
  keepPrePolicy: false, nextHopSelf: false, nextHop: {}, honourGracefulShutdown: true, interpretCommunities: true,
  addPathSend: 'all',
};

/**
 * The control socket when the configuration names none: /run/anycast/speaker.sock for root, else under
 * $XDG_RUNTIME_DIR (or /tmp/anycast-UID). `ANYCAST_SPEAKER_SOCKET` overrides both (the CLI reads it too).
 */
export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ANYCAST_SPEAKER_SOCKET) return env.ANYCAST_SPEAKER_SOCKET;
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) return '/run/anycast/speaker.sock';
  return join(env.XDG_RUNTIME_DIR ?? `/tmp/anycast-${uid}`, 'anycast', 'speaker.sock');
}
