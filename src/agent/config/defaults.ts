// Every default of the agent's configuration, in one place. The documentation's reference table is written from
// this file; change a default here and there, nowhere else.
import type { CheckTiming } from '../../health/types.js';
import type { DampingConfig, DegradeConfig } from './types.js';

export const DEFAULT_CHECK_TIMING: CheckTiming = {
  intervalMs: 2000,
  timeoutMs: 1000,
  rise: 3,
  fall: 2,
  fastIntervalMs: 500,
  jitterMs: 1000,
};

export const DEFAULT_HOLD_DOWN_MS = 10_000;

// RFC 2439's figure of merit, scaled for a service whose failures are seconds apart rather than a route's
// minutes: three failures in quick succession suppress it; it is announced again about two minutes after the
// last one (3000 → 750 is two half-lives).
export const DEFAULT_DAMPING: DampingConfig = {
  enabled: true,
  penalty: 1000,
  halfLifeMs: 60_000,
  suppress: 3000,
  reuse: 750,
  maxSuppressMs: 15 * 60_000,
};

export const DEFAULT_DEGRADE: DegradeConfig = {
  mode: 'drain',
  maintenance: 'drain',
  drainTimeMs: 30_000,
  prepend: 0,
  med: null,
  gracefulShutdown: true,
  communities: [],
  largeCommunities: [],
};

export const DEFAULTS = {
  controlSocket: '/run/anycast/agent.sock',
  logLevel: 'info' as const,
  logFormat: 'json' as const,
  loopbackInterface: 'lo',
  maintenancePollMs: 1000,
  shutdown: { drain: true, lingerMs: 1000, timeoutMs: 30_000 },
  bird: {
    socket: '/run/bird/bird.ctl',
    includeFile: '/etc/bird/anycast-agent.conf',
    ipv4Protocol: 'anycast4',
    ipv6Protocol: 'anycast6',
    exportFilter: 'anycast_export',
    route: 'blackhole' as const,
    timeoutMs: 10_000,
    retryMs: 2000,
    coalesceMs: 25,
    guard: false,
  },
  speaker: { port: 179, holdTimeS: 90, gracefulRestart: false, restartTimeS: 120 },
  dnsPort: 53,
  httpStatus: [{ min: 200, max: 299 }],
} as const;
