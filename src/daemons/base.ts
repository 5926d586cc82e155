// What every daemon runner shares: its namespace and private directory, the processes it started (by PID, so
// the registry can clean up), polling waits with a clear timeout error that says what was last seen, and the
// Daemon interface that the lab and the interop tests program against.

import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { ProcessExitedError, WaitTimeoutError } from '../netns/errors.js';
import { nsExec, runCommand, type RunOptions, type RunResult } from '../netns/run.js';
import type { ResourceRegistry } from '../netns/registry.js';
import { nsSpawn, type NsProcess, type SpawnOptions } from '../netns/spawn.js';
import { resolveRouter, type ResolvedRouter } from './spec.js';
import type { DaemonKind, Family, NeighborStatus, OriginatedRoute, RouteEntry, RouterSpec } from './types.js';

export interface DaemonContext {
  /** The network namespace to run in (must exist). */
  ns: string;
  /** A private directory for config, sockets, logs (created if missing; the caller removes it). */
  dir: string;
  /** Records the PIDs for crash cleanup. */
  registry?: ResourceRegistry;
  /** Let the daemon outlive this process (lab `up`). */
  unref?: boolean;
}

export interface Daemon {
  readonly kind: DaemonKind;
  readonly spec: ResolvedRouter;
  readonly ns: string;
  readonly dir: string;
  /** PIDs of the processes this runner started and that are still running. */
  pids(): number[];
  /** Writes the config, starts the daemon and waits until its control interface answers. */
  start(opts?: { timeoutMs?: number }): Promise<void>;
  /** SIGTERM (SIGKILL after a grace period) to every process it started; resolves when they are gone. */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT of the BGP process (hold-timer expiry tests). */
  freeze(): void;
  thaw(): void;
  /**
   * SIGKILL of every process it started: a crash, no NOTIFICATION sent, so a peer with graceful restart keeps
   * the routes as stale. `start()` may be called again afterwards (and after `stop()`).
   */
  kill(): Promise<void>;
  neighbors(): Promise<NeighborStatus[]>;
  /** Every path the daemon holds (received and originated), optionally for one family. */
  routes(family?: Family): Promise<RouteEntry[]>;
  /** Originates a route at run time (or replaces its attributes). */
  announce(route: OriginatedRoute): Promise<void>;
  withdraw(prefix: string): Promise<void>;
  /** Many at once, as cheaply as the daemon allows (one reconfiguration for BIRD, one vtysh call for FRR). */
  announceMany(routes: OriginatedRoute[]): Promise<void>;
  withdrawMany(prefixes: string[]): Promise<void>;
  /** Asks the neighbor to send its routes again (ROUTE-REFRESH, RFC 2918; an inbound soft reset). */
  refresh(address: string): Promise<void>;
  /** Only the best path of each prefix (cheaper on BIRD for a full table: `show route primary`). */
  bestRoutes(family: Family): Promise<RouteEntry[]>;
  /** Number of prefixes with a best path (cheap on BIRD and GoBGP even for a full table). */
  routeCount(family: Family): Promise<number>;
  /** Waits until the sessions with these neighbors (default: all configured) are established. */
  waitForSessions(addresses?: string[], timeoutMs?: number): Promise<NeighborStatus[]>;
  /** Waits until a path for `prefix` satisfying `pred` (default: any) is present; returns the prefix's paths. */
  waitForRoute(prefix: string, pred?: (r: RouteEntry) => boolean, timeoutMs?: number): Promise<RouteEntry[]>;
  /** Waits until no path for `prefix` is left (after a withdrawal). */
  waitForNoRoute(prefix: string, timeoutMs?: number): Promise<void>;
  /** The daemon's log, for error messages. */
  logTail(lines?: number): string;
}

export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<{ done: true; value: T } | { done: false; seen: string }>,
  alive?: () => void,
  intervalMs = 150,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let seen = 'nothing yet';
  for (;;) {
    alive?.();
    try {
      const r = await probe();
      if (r.done) return r.value;
      seen = r.seen;
    } catch (e) {
      seen = (e as Error).message;
    }
    if (Date.now() >= until) throw new WaitTimeoutError(what, timeoutMs, seen);
    await new Promise((res) => setTimeout(res, intervalMs));
  }
}

export abstract class DaemonBase implements Daemon {
  abstract readonly kind: DaemonKind;
  readonly spec: ResolvedRouter;
  readonly ns: string;
  readonly dir: string;
  protected readonly ctx: DaemonContext;
  protected procs: NsProcess[] = [];

  constructor(spec: RouterSpec, ctx: DaemonContext) {
    this.spec = resolveRouter(spec);
    this.ns = ctx.ns;
    this.dir = ctx.dir;
    this.ctx = ctx;
    mkdirSync(ctx.dir, { recursive: true });
  }

  abstract start(opts?: { timeoutMs?: number }): Promise<void>;
  abstract neighbors(): Promise<NeighborStatus[]>;
  abstract routes(family?: Family): Promise<RouteEntry[]>;
  abstract announce(route: OriginatedRoute): Promise<void>;
  abstract withdraw(prefix: string): Promise<void>;
  abstract refresh(address: string): Promise<void>;

  async announceMany(routes: OriginatedRoute[]): Promise<void> {
    for (const r of routes) await this.announce(r);
  }

  async withdrawMany(prefixes: string[]): Promise<void> {
    for (const p of prefixes) await this.withdraw(p);
  }

  async bestRoutes(family: Family): Promise<RouteEntry[]> {
    return (await this.routes(family)).filter((r) => r.best);
  }

  async routeCount(family: Family): Promise<number> {
    return new Set((await this.routes(family)).filter((r) => r.best).map((r) => r.prefix)).size;
  }

  async kill(): Promise<void> {
    for (const p of this.procs) p.kill('SIGKILL');
    await Promise.all(this.procs.map((p) => p.stop()));
  }

  /** Forget the processes of an earlier run, so start() can run again after stop() or kill(). */
  protected resetProcesses(): void {
    if (this.procs.some((p) => p.running)) {
      throw new ProcessExitedError(`${this.kind} ${this.spec.name}`, this.procs[0]!.pid, 'is still running; stop() it before start()');
    }
    this.procs = [];
  }

  pids(): number[] {
    return this.procs.filter((p) => p.running).map((p) => p.pid);
  }

  protected get main(): NsProcess | undefined {
    return this.procs[0];
  }

  protected spawn(argv: string[], opts: SpawnOptions = {}): NsProcess {
    const p = nsSpawn(this.ns, argv, this.ctx.registry, { unref: this.ctx.unref, ...opts });
    this.procs.push(p);
    return p;
  }

  /** Runs a command inside the namespace. */
  protected exec(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
    return nsExec(this.ns, argv, { timeoutMs: 15_000, ...opts });
  }

  /**
   * Runs the daemon's control CLI. Control sockets are files in the router's directory, so the CLI needs no
   * namespace: skipping `ip netns exec` saves a few milliseconds per query, which adds up in a 100-router lab.
   */
  protected cli(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
    // Generous: dumping a full table through a CLI takes tens of seconds (GoBGP's JSON of 100k routes > 15 s).
    return runCommand(argv, { timeoutMs: 300_000, ...opts });
  }

  protected assertAlive = (): void => {
    this.main?.assertRunning();
  };

  async stop(): Promise<void> {
    for (const p of [...this.procs].reverse()) await p.stop();
  }

  /** Every process of the daemon: OpenBGPD, FRR and others fork helpers (OpenBGPD's session engine is a child). */
  private tree(): number[] {
    const main = this.main;
    return main === undefined || !main.running ? [] : [main.pid, ...descendants(main.pid)];
  }

  freeze(): void {
    for (const pid of this.tree()) signal(pid, 'SIGSTOP');
  }

  thaw(): void {
    for (const pid of this.tree()) signal(pid, 'SIGCONT');
  }

  logTail(lines = 10): string {
    return this.main?.logTail(lines) ?? '';
  }

  async waitForSessions(addresses?: string[], timeoutMs = 30_000): Promise<NeighborStatus[]> {
    const want = addresses ?? this.spec.neighbors.map((n) => n.address);
    return pollUntil(`${this.kind} ${this.spec.name}: sessions with ${want.join(', ')} established`, timeoutMs, async () => {
      const ns = await this.neighbors();
      const pending = want.filter((a) => ns.find((n) => n.address === a)?.state !== 'established');
      if (pending.length === 0) return { done: true, value: ns };
      return { done: false, seen: ns.map((n) => `${n.address}=${n.state}`).join(' ') || 'no neighbors' };
    }, this.assertAlive);
  }

  async waitForRoute(prefix: string, pred: (r: RouteEntry) => boolean = () => true, timeoutMs = 20_000): Promise<RouteEntry[]> {
    return pollUntil(`${this.kind} ${this.spec.name}: route ${prefix}`, timeoutMs, async () => {
      const rs = (await this.routes(prefix.includes(':') ? 'ipv6' : 'ipv4')).filter((r) => r.prefix === prefix);
      if (rs.some(pred)) return { done: true, value: rs };
      return { done: false, seen: rs.length ? JSON.stringify(rs) : `no path for ${prefix}` };
    }, this.assertAlive);
  }

  async waitForNoRoute(prefix: string, timeoutMs = 20_000): Promise<void> {
    await pollUntil(`${this.kind} ${this.spec.name}: no route ${prefix}`, timeoutMs, async () => {
      const rs = (await this.routes(prefix.includes(':') ? 'ipv6' : 'ipv4')).filter((r) => r.prefix === prefix);
      if (rs.length === 0) return { done: true, value: undefined };
      return { done: false, seen: JSON.stringify(rs) };
    }, this.assertAlive);
  }

  /** Waits until `probe` succeeds (the control socket answers), failing early if the daemon died. */
  protected waitReady(probe: () => Promise<unknown>, timeoutMs: number): Promise<void> {
    return pollUntil(`${this.kind} ${this.spec.name} to answer on its control interface`, timeoutMs, async () => {
      await probe();
      return { done: true, value: undefined };
    }, this.assertAlive, 50);
  }
}

/** The PIDs below `pid` in the process tree, from /proc (children first found, then theirs). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [child, parent] of parentOf) if (parent === p) { out.push(child); queue.push(child); }
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
