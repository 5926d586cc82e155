// The speaker's configuration once read and checked (load.ts builds it from YAML; defaults.ts holds every
// default). Plain data: comparing two of them (diff.ts) is what a reload applies.
import type { CompiledPolicyConfig } from '../policy/index.js';
import type { PeerConfigInput } from '../peer/config.js';
import type { AddPathSend, Role } from '../rib/peer.js';
import type { AsPathRelax } from '../rib/decision/options.js';

export type FibKind = 'auto' | 'kernel' | 'memory' | 'noop';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** What a neighbor's session layer gets (everything but our identity, filled in by the speaker). */
export type SessionInput = Omit<PeerConfigInput, 'localAs' | 'routerId'>;

/** Per-neighbor options that are the RIB's and the speaker's, not the session layer's. */
export interface RoutingOptions {
  /** Policy names ('accept' / 'reject' are built in), or null: none (RFC 8212 applies to eBGP). */
  readonly importPolicy: string | null;
  readonly exportPolicy: string | null;
  readonly rrClient: boolean;
  readonly rsClient: boolean;
  readonly localRole: Role | undefined;
  readonly allowAsIn: number;
  readonly keepPrePolicy: boolean;
  readonly nextHopSelf: boolean;
  /** Our next hop per family when it is not the session's own address (IPv6 routes over an IPv4 session). */
  readonly nextHop: { readonly ipv4?: string; readonly ipv6?: string };
  readonly honourGracefulShutdown: boolean;
  readonly interpretCommunities: boolean;
  /** RFC 7911 send mode when add-path send is negotiated. */
  readonly addPathSend: Exclude<AddPathSend, false>;
  /** Minimum route advertisement interval (s): UPDATEs to this neighbor are batched this long. 0 = at once. */
  readonly mrai: number;
}

export interface NeighborConfig extends RoutingOptions {
  readonly name: string;
  readonly description: string | undefined;
  readonly address: string;
  readonly remoteAs: number;
  /** Administratively down (configured but not started). */
  readonly shutdown: boolean;
  readonly session: SessionInput;
}

export interface DynamicConfig extends RoutingOptions {
  readonly name: string;
  readonly description: string | undefined;
  /** Source addresses accepted ("198.51.100.0/24"). */
  readonly prefix: string;
  readonly remoteAs: number | undefined;
  readonly remoteAsRange: readonly [number, number] | undefined;
  readonly limit: number;
  readonly session: Omit<SessionInput, 'remoteAddress' | 'peerAs' | 'peerAsRange' | 'passive' | 'dynamic' | 'name'>;
}

/** A `network` statement: a route we originate. */
export interface NetworkConfig {
  readonly prefix: string;
  readonly nextHop: string | undefined;
  readonly origin: 'igp' | 'egp' | 'incomplete';
  readonly asPath: readonly number[];
  /** Our AS this many extra times in front of asPath (it is prepended once more towards eBGP). */
  readonly prepend: number;
  readonly med: number | undefined;
  readonly localPref: number | undefined;
  readonly communities: readonly string[];
  readonly largeCommunities: readonly string[];
  readonly extCommunities: readonly string[];
}

export interface DecisionConfig {
  readonly alwaysCompareMed: boolean;
  readonly deterministicMed: boolean;
  readonly missingMedWorst: boolean;
  readonly compareAsPathLength: boolean;
  readonly igpMetric: boolean;
  readonly defaultLocalPref: number;
  readonly multipath: { readonly enabled: boolean; readonly maxPaths: number; readonly relax: AsPathRelax };
}

export interface GracefulRestartGlobal {
  /** Advertise graceful restart and act as helper (neighbors may override). */
  readonly enabled: boolean;
  /** Restart Time we advertise (s, 0..4095). */
  readonly restartTime: number;
  /** How long stale routes of a restarted neighbor wait for its End-of-RIB (s). */
  readonly stalePathTime: number;
  /**
   * Restarting speaker (RFC 4724 §4.1): 'auto' = we are restarting when the FIB still holds our routes at start;
   * true/false force it.
   */
  readonly restarting: 'auto' | boolean;
  /** When restarting: longest wait for every neighbor's End-of-RIB before our best paths go out (s). */
  readonly selectionDeferral: number;
}

export interface SpeakerConfig {
  /** The file it came from (for messages), or '<inline>'. */
  readonly file: string;
  readonly routerId: string;
  readonly localAs: number;
  readonly clusterId: string | undefined;
  readonly confederation: { readonly id: number; readonly members: readonly number[] } | undefined;
  /** Addresses the BGP listener binds ([] = do not listen). */
  readonly listen: readonly HostPort[];
  readonly fib: { readonly kind: FibKind; readonly metric: number | undefined; readonly table: number | undefined };
  readonly gracefulRestart: GracefulRestartGlobal;
  readonly decision: DecisionConfig;
  readonly rfc8212: boolean;
  /** Default minimum route advertisement interval (s). */
  readonly mrai: number;
  /** Run the start-up warm-up (speaker/warm-up.ts) when started as a daemon process (`anycast speaker`). */
  readonly warmUp: boolean;
  readonly control: { readonly socket: string | null; readonly tcp: HostPort | null };
  readonly metrics: { readonly listen: HostPort | null };
  readonly log: { readonly level: LogLevel; readonly format: 'json' | 'text' };
  readonly mrt: { readonly dumpDir: string | null; readonly bgp4mp: string | null };
  /** The raw `prefix-lists` / `policies` sections (for reload comparison) and their compiled form. */
  readonly policyRaw: { readonly 'prefix-lists'?: unknown; readonly policies?: unknown };
  readonly policy: CompiledPolicyConfig;
  readonly networks: readonly NetworkConfig[];
  readonly neighbors: readonly NeighborConfig[];
  readonly dynamic: readonly DynamicConfig[];
}
