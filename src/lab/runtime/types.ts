// The interface every lab runtime implements, and what experiments program against: the netns runtime
// (namespaces, real daemons, real packets) and the in-process runtime (the same topology in one process, our
// speakers over in-memory transports, forwarding by FIB lookups hop by hop). An experiment never knows which
// one it runs on, except through `kind`, which every report shows.

import type { RouteEntry } from '../../daemons/types.js';
import type { LabModel } from '../model.js';
import type { ProbeLine, ProbeTargetSpec } from '../probe/jobs.js';
import type { ServiceStats } from '../service/service.js';
import type { ConvergenceReport } from './netns/converge.js';

export type RuntimeKind = 'netns' | 'inproc';

export interface PathQuery {
  /** Node the packet leaves from. */
  from: string;
  /** Its source address. */
  src: string;
  dst: string;
}

export interface PathResult {
  query: PathQuery;
  /** Nodes along the path, source first. */
  hops: string[];
  /** Node where the destination is local, or null (unreachable / loop). */
  reached: string | null;
  /** Sum of the configured one-way delays of the links on the path. */
  delayMs: number;
  /** How the path was found: measured with traceroute, or read from the forwarding tables hop by hop. */
  method: 'traceroute' | 'fib';
  error?: string;
}

/** A running probe job on some clients; lines so far and at the end. */
export interface ProbeRun {
  /** Lines written so far, per client. */
  lines(): Promise<Map<string, ProbeLine[]>>;
  /** Ends the job early (or waits for its natural end) and returns every line, per client. */
  stop(): Promise<Map<string, ProbeLine[]>>;
  /** Resolves when every prober has ended by itself. */
  done(): Promise<Map<string, ProbeLine[]>>;
}

export interface LabRuntime {
  readonly kind: RuntimeKind;
  readonly model: LabModel;
  /** Facts every report repeats (netem absent, who withdraws a failed site, in-process). */
  readonly notes: string[];
  /** Whether configured link delays are applied to packets (netem) or only modeled. */
  readonly delaysApplied: boolean;
  /** Who withdraws a failed site's prefixes: the lab (no health checker yet) or the site's agent. */
  readonly announcer: 'lab' | 'agent';
  /** Sites whose prefixes are announced now. */
  announcing(): string[];
  /** The model as routing sees it now: without links that are down and nodes whose speaker is stopped. */
  routingModel(): LabModel;
  /** Starts a probe job on the given clients. */
  probe(clients: string[], job: import('../probe/jobs.js').ProbeJob): Promise<ProbeRun>;
  /** Forwarding paths, as the FIBs decide them now. */
  paths(queries: PathQuery[]): Promise<PathResult[]>;
  /** The best route for `prefix` at a router (null if none). */
  bestRoute(router: string, prefix: string): Promise<RouteEntry | null>;
  /** Counters of the sites' services (null for a site whose service is down). */
  siteStats(sites: string[]): Promise<Map<string, ServiceStats | null>>;
  /**
   * Kills the site's service (the agent, where it runs, detects it; otherwise the lab withdraws). Resolves with
   * when the kill was sent and when the withdrawal was applied (epoch ms; null when the agent withdraws).
   */
  siteFail(site: string): Promise<{ killedAt: number; withdrawnAt: number | null }>;
  siteRestore(site: string): Promise<void>;
  /** Announce / withdraw the site's prefixes without touching its service (a reroute, a new site). */
  siteAnnounce(site: string): Promise<void>;
  siteWithdraw(site: string): Promise<void>;
  linkSet(a: string, b: string, up: boolean): Promise<void>;
  /** Waits until routing matches the prediction for the current state. */
  waitConverged(opts?: { timeoutMs?: number }): Promise<ConvergenceReport>;
}

export type { ProbeTargetSpec };
