// The agent's configuration after validation: every default filled in, every duration in milliseconds, every
// prefix and community canonical. This normalized form is what the agent runs on and what the configuration hash
// is computed over, so two sites whose files differ only in spelling (2s vs 2000ms) hash the same.
import type { CheckTree } from '../../health/combine.js';
import type { CheckDefinition } from '../../health/checks.js';

export interface DampingConfig {
  enabled: boolean;
  /** Penalty added for each failure (RFC 2439's per-withdrawal figure of merit). */
  penalty: number;
  halfLifeMs: number;
  /** Suppress once the penalty reaches this. */
  suppress: number;
  /** Lift the suppression once the decayed penalty falls below this. */
  reuse: number;
  /** Longest a service stays suppressed after its last failure: caps the penalty at reuse * 2^(max/half-life). */
  maxSuppressMs: number;
}

export type DegradeMode = 'withdraw' | 'drain' | 'worse-path';

export interface DegradeConfig {
  /** What a failed service does: withdraw at once; announce a worse path for drainTime, then withdraw; or keep
   * announcing the worse path for as long as it fails (ExaBGP's healthcheck style). */
  mode: DegradeMode;
  /** What an operator drain (CLI or maintenance file) does. */
  maintenance: 'drain' | 'withdraw';
  drainTimeMs: number;
  /** The worse path: AS-path prepends, MED, GRACEFUL_SHUTDOWN (RFC 8326) and extra communities. */
  prepend: number;
  med: number | null;
  gracefulShutdown: boolean;
  communities: string[];
  largeCommunities: string[];
}

export interface ResponderConfig {
  kind: 'dns';
  config: string;
}

export interface ServiceConfig {
  name: string;
  /** Canonical prefixes announced for this service. */
  prefixes: string[];
  /** Addresses ("ip/len") put on the loopback when loopback.manage is on. */
  addresses: string[];
  checks: CheckDefinition[];
  require: CheckTree;
  /** Attributes of the normal (healthy) announcement. */
  med: number | null;
  communities: string[];
  largeCommunities: string[];
  degrade: DegradeConfig;
  holdDownMs: number;
  damping: DampingConfig;
  maintenanceFile: string | null;
  responder: ResponderConfig | null;
}

export type CoLocation = 'optimistic' | 'pessimistic';

export interface BirdBackendConfig {
  socket: string;
  includeFile: string;
  ipv4Protocol: string;
  ipv6Protocol: string;
  /** Name of the export filter the include file defines for the BGP channels. */
  exportFilter: string;
  /** Destination of the generated static routes. */
  route: 'blackhole' | 'unreachable' | 'prohibit';
  /** The AS prepended when a drain asks for prepends (BIRD's own AS on the session). */
  localAs: number | null;
  timeoutMs: number;
  retryMs: number;
  coalesceMs: number;
  /** Run a guard process that withdraws everything if the agent dies without a clean shutdown. */
  guard: boolean;
}

export type AddressFamily = 'ipv4-unicast' | 'ipv6-unicast';

export interface SpeakerPeerConfig {
  name: string;
  address: string;
  as: number;
  families: AddressFamily[];
  port: number;
  localAddress: string | null;
  holdTimeS: number;
  passive: boolean;
  nextHop: string | null;
}

export interface SpeakerBackendConfig {
  localAs: number;
  routerId: string;
  peers: SpeakerPeerConfig[];
  /**
   * Advertise graceful restart (RFC 4724). Off by default: with it on, a peer keeps a killed agent's routes as
   * stale for the restart time instead of dropping them with the session.
   */
  gracefulRestart: boolean;
  /** Restart Time advertised when graceful restart is on (s). */
  restartTimeS: number;
}

export type BackendType = 'bird' | 'speaker' | 'dry-run';

export interface AgentConfig {
  name: string;
  control: { socket: string; listen: { host: string; port: number } | null };
  metrics: { host: string; port: number } | null;
  log: { level: 'debug' | 'info' | 'warn' | 'error'; format: 'json' | 'text' };
  backend: { type: BackendType; bird: BirdBackendConfig | null; speaker: SpeakerBackendConfig | null };
  loopback: { manage: boolean; interface: string };
  maintenanceFile: string | null;
  maintenancePollMs: number;
  shutdown: { drain: boolean; drainTimeMs: number | null; lingerMs: number; timeoutMs: number };
  /** Covering-prefix policies (RFC 4786 §4.8), by canonical prefix. */
  prefixes: Record<string, { coLocation: CoLocation }>;
  services: ServiceConfig[];
}

export interface LoadedConfig {
  file: string;
  config: AgentConfig;
  hash: string;
}
