// The kernel FIB: best routes into a Linux routing table through one persistent `ip -force -batch -` per
// namespace (ip-batch.ts), every route tagged with our route protocol id so that ours are told apart from
// connected, static, DHCP and other daemons' routes (and read back, flushed and swept by that id alone).
// Reads use `ip -N -j route show … proto ID`, which the kernel filters itself (strict dump checking).
//
// Graceful restart (RFC 4724 §4.1, restarting speaker): close({ keepRoutes: true }) leaves the routes in the
// kernel; at the next start markStale() adopts them as stale, apply() clears the mark of each prefix decided
// again, and sweepStale() removes the rest after End-of-RIB or the restart timer. Without graceful restart,
// sync(desired) at start-up removes every route of ours that should not be there.

import { runCommand } from '../netns/run.js';
import { silentLogger, type Logger } from '../util/log.js';
import type { Family } from './addr.js';
import { comparePrefixes, desiredRoutes, FibDelta, sameNextHops, toFibRoute, type NormalChange } from './delta.js';
import { FibClosedError, FibOptionError, FibReadError } from './errors.js';
import { spawnIpBatch, type IpBatchOptions, type OpResult, type SpawnBatchChild } from './ip-batch.js';
import { loadRtnl, NetlinkWriter, rtnlLoadError, type RtnlAddon } from './netlink.js';
import { IpBatchWriter, type RouteWriter } from './writer.js';
import { ipRouteShowArgv, isAbsentRouteError, parseIpRouteJson, type IpRouteOptions, type KernelRoute } from './ip-lines.js';
import { emptyApplyResult, type ApplyResult, type CloseOptions, type Fib, type FibChange, type FibRoute, type SyncResult } from './types.js';

/** Our route protocol id: 172 (0xAC, "AnyCast"), unassigned in Linux's rtnetlink.h and iproute2's rt_protos. */
export const ANYCAST_RTPROT = 172;
export const ANYCAST_RTPROT_NAME = 'anycast';
/** Default route metric (priority): below the kernel's 256 for IPv6 connected routes, like FRR's 20. */
export const DEFAULT_METRIC = 20;
export const RT_TABLE_MAIN = 254;

export interface KernelFibOptions {
  /** Network namespace (as in `ip -n NS`); default: the current one. */
  ns?: string;
  /** Route protocol id 1..255 (not 0-4, which the kernel and iproute2 reserve). Default 172. */
  protocol?: number;
  /** Route metric, 0..2^32-1. Default 20. */
  metric?: number;
  /** Routing table id 1..2^32-1 (not 0, 253, 255). Default 254 (main). */
  table?: number;
  /** Leave our routes in the kernel on close() (graceful restart). Default false. */
  keepOnClose?: boolean;
  logger?: Logger;
  /**
   * How routes are written: 'netlink' (the native rtnetlink addon), 'ip-batch' (a persistent `ip -batch`
   * child), or 'auto' (default): netlink when the addon loads, else ip-batch. ANYCAST_FIB_BACKEND overrides 'auto'.
   */
  backend?: 'auto' | 'netlink' | 'ip-batch';
  /** Tests: the addon to use instead of the built one. */
  rtnl?: RtnlAddon;
  /** Tests: a fake `ip -batch` child. */
  spawnBatch?: SpawnBatchChild;
  /** Tests: a fake `ip [-n NS] ARGS` that returns stdout. */
  runIp?: (args: string[]) => Promise<string>;
  batch?: IpBatchOptions;
}

function checkOptions(o: KernelFibOptions): void {
  const p = o.protocol ?? ANYCAST_RTPROT;
  if (!Number.isInteger(p) || p < 5 || p > 255) throw new FibOptionError('protocol', `${p} is not 5..255 (0-4 belong to the kernel)`);
  const m = o.metric ?? DEFAULT_METRIC;
  if (!Number.isInteger(m) || m < 0 || m > 0xffffffff) throw new FibOptionError('metric', `${m} is not 0..4294967295`);
  const t = o.table ?? RT_TABLE_MAIN;
  if (!Number.isInteger(t) || t < 1 || t > 0xffffffff || t === 253 || t === 255) {
    throw new FibOptionError('table', `${t} is not a usable table (1..2^32-1, not 253 default or 255 local)`);
  }
}

export class KernelFib implements Fib {
  readonly kind = 'kernel' as const;
  readonly ns: string | undefined;
  readonly ipOptions: IpRouteOptions;
  private readonly runner: RouteWriter;
  private readonly runIp: (args: string[]) => Promise<string>;
  private readonly log: Logger;
  private readonly keepOnClose: boolean;
  /** Stale routes after markStale(): key prefix#metric → the route's family, prefix and metric. */
  private readonly stale = new Map<string, { family: Family; prefix: string; metric: number }>();
  private closed = false;

  constructor(opts: KernelFibOptions = {}) {
    checkOptions(opts);
    this.ns = opts.ns;
    this.ipOptions = { protocol: opts.protocol ?? ANYCAST_RTPROT, metric: opts.metric ?? DEFAULT_METRIC, table: opts.table ?? RT_TABLE_MAIN };
    this.log = (opts.logger ?? silentLogger).child({ component: 'fib', ns: opts.ns ?? '' });
    this.keepOnClose = opts.keepOnClose ?? false;
    this.runner = this.makeWriter(opts);
    this.log.debug('kernel route writer', { backend: this.runner.backend });
    const nsArgs = opts.ns ? ['-n', opts.ns] : [];
    this.runIp = opts.runIp ?? (async (args) => (await runCommand(['ip', ...nsArgs, ...args], { timeoutMs: 300_000 })).stdout);
  }

  private makeWriter(opts: KernelFibOptions): RouteWriter {
    let want = opts.backend ?? 'auto';
    if (want === 'auto' && opts.spawnBatch) want = 'ip-batch';
    const env = process.env.ANYCAST_FIB_BACKEND;
    if (want === 'auto' && (env === 'ip-batch' || env === 'netlink')) want = env;
    const ipBatch = () => new IpBatchWriter(opts.spawnBatch ?? spawnIpBatch(opts.ns), this.ipOptions, { logger: this.log, ...opts.batch });
    if (want === 'ip-batch') return ipBatch();
    const addon = opts.rtnl ?? loadRtnl();
    if (!addon) {
      if (want === 'netlink') throw new FibOptionError('backend', `netlink needs the native addon: ${rtnlLoadError()}`);
      this.log.info('rtnetlink addon not available; writing routes through ip -batch', { reason: rtnlLoadError() });
      return ipBatch();
    }
    return new NetlinkWriter(addon, opts.ns, this.ipOptions);
  }

  /** Which writer is in use: 'netlink' or 'ip-batch'. */
  get backend(): 'netlink' | 'ip-batch' {
    return this.runner.backend;
  }

  get stats() {
    return this.runner.stats;
  }

  /** The error that stopped the `ip` child for good, if any (every later change fails with it). */
  get error(): Error | null {
    return this.runner.error;
  }

  async apply(changes: Iterable<FibChange>): Promise<ApplyResult> {
    if (this.closed) throw new FibClosedError();
    const delta = new FibDelta(changes);
    const res = emptyApplyResult();
    res.failures.push(...delta.failures);
    res.coalesced = delta.coalesced;
    const list = delta.changes();
    if (this.stale.size) for (const c of list) this.stale.delete(`${c.prefix}#${this.ipOptions.metric}`);
    await this.run(list, res);
    return res;
  }

  /** Writes the changes (each under `metrics[i]`, or our metric) and counts their fates into `res`. */
  private run(items: readonly NormalChange[], res: ApplyResult, metrics?: readonly number[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      let left = items.length;
      // One handler for the whole batch (not a closure per route).
      const done = (r: OpResult, change: NormalChange) => {
        if (r.ok) {
          if (r.coalesced) res.coalesced++;
          else if (change.kind === 'replace') res.replaced++;
          else res.deleted++;
        } else if (change.kind === 'delete' && isAbsentRouteError(r.message)) {
          res.deleted++; // already gone: what was asked for holds
        } else {
          res.failures.push({ prefix: change.prefix, kind: change.kind, code: 'ERR_FIB_REJECTED', message: r.message });
        }
        if (--left === 0) resolve();
      };
      const m = this.ipOptions.metric;
      for (let i = 0; i < items.length; i++) this.runner.submit(items[i]!, metrics ? metrics[i]! : m, done);
      this.runner.flush();
    });
  }

  /** Our routes with their metric and type, straight from the kernel (after pending changes have landed). */
  async listKernel(): Promise<KernelRoute[]> {
    await this.runner.idle();
    const { protocol, table } = this.ipOptions;
    const read = async (family: Family) => {
      const out = await this.runIp(ipRouteShowArgv(family, table, protocol)).catch((e: Error) => {
        throw new FibReadError(`cannot read the IPv${family} routes of protocol ${protocol}: ${e.message}`, { cause: e });
      });
      return parseIpRouteJson(out, family, protocol).filter((r) => r.protocol === protocol);
    };
    const [v4, v6] = await Promise.all([read(4), read(6)]);
    return [...v4, ...v6];
  }

  async list(): Promise<FibRoute[]> {
    if (this.closed) throw new FibClosedError();
    const rs = (await this.listKernel()).filter((r) => r.metric === this.ipOptions.metric);
    return rs.map(toFibRoute).sort((a, b) => comparePrefixes(a.prefix, b.prefix));
  }

  async sync(desired: Iterable<FibRoute>): Promise<SyncResult> {
    if (this.closed) throw new FibClosedError();
    const { want, res } = desiredRoutes(desired);
    const have = await this.listKernel();
    const items: NormalChange[] = [];
    const metrics: number[] = [];
    const right = new Set<string>();
    for (const k of have) {
      const w = want.get(k.prefix);
      if (k.metric === this.ipOptions.metric && w && k.type === 1 && sameNextHops(w.nextHops, k.nextHops)) {
        right.add(k.prefix);
        res.unchanged++;
      } else if (k.metric !== this.ipOptions.metric || !w) {
        // Not wanted, or ours under another metric (an earlier configuration): removed by its own metric.
        items.push({ kind: 'delete', family: k.family, prefix: k.prefix });
        metrics.push(k.metric);
      }
    }
    for (const w of want.values()) {
      if (right.has(w.prefix)) continue;
      items.push({ kind: 'replace', family: w.family, prefix: w.prefix, nextHops: w.nextHops });
      metrics.push(this.ipOptions.metric);
    }
    this.stale.clear();
    await this.run(items, res, metrics);
    this.log.info('kernel routes synchronised', { unchanged: res.unchanged, replaced: res.replaced, deleted: res.deleted, failed: res.failures.length });
    return res;
  }

  async markStale(): Promise<number> {
    if (this.closed) throw new FibClosedError();
    for (const k of await this.listKernel()) this.stale.set(`${k.prefix}#${k.metric}`, { family: k.family, prefix: k.prefix, metric: k.metric });
    this.log.info('kernel routes kept as stale', { stale: this.stale.size });
    return this.stale.size;
  }

  staleCount(): number {
    return this.stale.size;
  }

  async sweepStale(): Promise<ApplyResult> {
    if (this.closed) throw new FibClosedError();
    const res = emptyApplyResult();
    const stale = [...this.stale.values()];
    this.stale.clear();
    await this.run(stale.map((s): NormalChange => ({ kind: 'delete', family: s.family, prefix: s.prefix })), res, stale.map((s) => s.metric));
    this.log.info('stale kernel routes swept', { deleted: res.deleted, failed: res.failures.length });
    return res;
  }

  async flush(): Promise<number> {
    if (this.closed) throw new FibClosedError();
    return this.flushNow();
  }

  private async flushNow(): Promise<number> {
    const n = (await this.listKernel()).length;
    const { protocol, table } = this.ipOptions;
    // `ip route flush` dumps and deletes in bulk: faster than one delete per line for a full table.
    for (const fam of ['-4', '-6']) await this.runIp([fam, 'route', 'flush', 'proto', String(protocol), 'table', String(table)]);
    this.stale.clear();
    return n;
  }

  async close(opts: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    const keep = opts.keepRoutes ?? this.keepOnClose;
    await this.runner.idle();
    this.closed = true;
    try {
      if (!keep) {
        const n = await this.flushNow();
        this.log.info('kernel routes removed', { removed: n });
      } else {
        this.log.info('kernel routes kept for graceful restart');
      }
    } finally {
      await this.runner.close();
    }
  }
}
