// The FIB interface: what the speaker (and the lab) call to put best routes into a forwarding table, whatever
// the table is (the kernel's through `ip -batch`, an in-memory trie, or nothing at all). Deltas are applied in
// batches; failures are data, one per route, never an exception for the whole batch.

export interface NextHop {
  /**
   * Gateway address. An IPv4 prefix may have an IPv6 gateway (RFC 8950 forwarding, installed as
   * `via inet6`); the reverse is refused (Linux has no IPv6 route via an IPv4 gateway). An IPv6 link-local
   * gateway (fe80::/10) needs `dev`.
   */
  gateway: string;
  /** Output interface; optional unless the gateway is link-local. */
  dev?: string;
  /** ECMP weight 1..256 (kernel `weight`); default 1. */
  weight?: number;
}

/** A route as the FIB holds it: one prefix (canonical text), one or several (ECMP) next hops. */
export interface FibRoute {
  prefix: string;
  nextHops: NextHop[];
}

export type FibChange =
  | { kind: 'replace'; prefix: string; nextHops: NextHop[] }
  | { kind: 'delete'; prefix: string };

/** A route the FIB could not install or remove, with the table's own reason. */
export interface RouteFailure {
  prefix: string;
  kind: 'replace' | 'delete';
  /** Stable code: ERR_FIB_INVALID (refused before reaching the table), ERR_FIB_REJECTED (the table refused). */
  code: 'ERR_FIB_INVALID' | 'ERR_FIB_REJECTED';
  message: string;
}

export interface ApplyResult {
  /** Routes replaced (added or changed) successfully. */
  replaced: number;
  /** Routes deleted (a delete of a route that was not there counts as done). */
  deleted: number;
  /** Changes dropped inside the batch because a later change to the same prefix superseded them. */
  coalesced: number;
  failures: RouteFailure[];
}

export interface SyncResult extends ApplyResult {
  /** Routes already right, left alone. */
  unchanged: number;
}

export interface CloseOptions {
  /**
   * Leave our routes in the table (graceful restart, RFC 4724 §4.1: forwarding state is kept across the
   * restart and swept after End-of-RIB). Default: the FIB's own `keepOnClose` setting.
   */
  keepRoutes?: boolean;
}

export interface Fib {
  readonly kind: 'kernel' | 'memory' | 'noop';
  /** Applies a delta: changes to the same prefix coalesce (the last wins), the rest land even if some fail. */
  apply(changes: Iterable<FibChange>): Promise<ApplyResult>;
  /** Our routes as the table holds them now, sorted by prefix. */
  list(): Promise<FibRoute[]>;
  /** Makes our routes equal `desired`: missing or different ones replaced, others of ours deleted. */
  sync(desired: Iterable<FibRoute>): Promise<SyncResult>;
  /**
   * Graceful restart: adopts our routes already in the table as stale (they keep forwarding). A later
   * `apply` replace or delete of a prefix clears its stale mark; `sweepStale` deletes the rest. Returns the count.
   */
  markStale(): Promise<number>;
  /** Deletes every route still marked stale (after End-of-RIB or the restart timer); returns the result. */
  sweepStale(): Promise<ApplyResult>;
  /** Number of routes still marked stale. */
  staleCount(): number;
  /** Deletes every route of ours; returns how many there were. */
  flush(): Promise<number>;
  /** Stops the FIB; removes our routes unless told to keep them. Idempotent. */
  close(opts?: CloseOptions): Promise<void>;
}

export const emptyApplyResult = (): ApplyResult => ({ replaced: 0, deleted: 0, coalesced: 0, failures: [] });
