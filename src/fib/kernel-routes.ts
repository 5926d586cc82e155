// Learning the kernel's own routes for the next-hop resolver: one full read of the table at start
// (`ip -N -j route show table T`, both families), then `ip -N monitor route` for changes. A monitor line only
// says which protocol moved; that protocol's routes are re-read with `ip route show … proto P`, which the
// kernel filters itself, so a full table of our own BGP routes is never dumped again, and the lines about
// our own routes (one per route while a full table loads) are dropped after a substring test. Re-reads are
// debounced (several lines in a burst cost one read). Events the kernel drops (ENOBUFS: a full table of ours
// written faster than ip monitor reads) are reported by ip on stderr: the whole table is then re-read once the
// burst is over. An optional periodic full re-read is a further guard.
//
// Chosen over polling alone: a monitor event costs nothing while nothing changes, and a connected route that
// disappears is seen in milliseconds, not after a poll interval (figures in docs/fib.md).

import { spawn } from 'node:child_process';
import { runCommand } from '../netns/run.js';
import { silentLogger, type Logger } from '../util/log.js';
import type { Family } from './addr.js';
import { ipRouteShowArgv, parseIpRouteJson, parseMonitorLine, type KernelRoute } from './ip-lines.js';
import { ANYCAST_RTPROT, RT_TABLE_MAIN } from './kernel.js';
import type { NextHopResolver } from './resolver.js';

/** What the watcher needs of the monitor process (node's ChildProcess fits; tests pass a fake). */
export interface MonitorChild {
  stdout: { on(ev: 'data', cb: (b: Buffer | string) => void): unknown };
  /** ip prints "netlink receive error No buffer space available (105)" here when the kernel dropped events. */
  stderr?: { on(ev: 'data', cb: (b: Buffer | string) => void): unknown } | null;
  on(ev: 'exit', cb: (code: number | null, sig: NodeJS.Signals | null) => void): unknown;
  on(ev: 'error', cb: (e: Error) => void): unknown;
  kill(sig?: NodeJS.Signals): boolean;
}

export interface KernelRouteWatcherOptions {
  ns?: string;
  table?: number;
  /** Our protocol id: its routes are never read into the resolver. Default 172. */
  ourProtocol?: number;
  /** Wait this long after a monitor line before re-reading (ms). Default 20. */
  debounceMs?: number;
  /** Full re-read every this many ms (0 = never). Default 0. */
  fullRereadMs?: number;
  /**
   * After the kernel dropped monitor events (ENOBUFS, e.g. while a full table of ours is written), re-read
   * everything once no drop has been seen for this long (ms). Default 1000.
   */
  overflowQuietMs?: number;
  logger?: Logger;
  runIp?: (args: string[]) => Promise<string>;
  spawnMonitor?: () => MonitorChild;
}

export class KernelRouteWatcher {
  private readonly table: number;
  private readonly ours: number;
  private readonly debounceMs: number;
  private readonly fullMs: number;
  private readonly log: Logger;
  private readonly runIp: (args: string[]) => Promise<string>;
  private readonly spawnMonitor: () => MonitorChild;
  private monitor: MonitorChild | null = null;
  private buf = '';
  private dirty = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private fullTimer: NodeJS.Timeout | null = null;
  private reading: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Counters: monitor lines seen, of them ours (ignored), re-reads done. */
  readonly stats = { lines: 0, ours: 0, rereads: 0, fullReads: 0, overflows: 0 };
  private overflowTimer: NodeJS.Timeout | null = null;
  private readonly overflowQuietMs: number;

  constructor(private readonly resolver: NextHopResolver, opts: KernelRouteWatcherOptions = {}) {
    this.table = opts.table ?? RT_TABLE_MAIN;
    this.ours = opts.ourProtocol ?? ANYCAST_RTPROT;
    this.debounceMs = opts.debounceMs ?? 20;
    this.fullMs = opts.fullRereadMs ?? 0;
    this.overflowQuietMs = opts.overflowQuietMs ?? 1000;
    this.log = (opts.logger ?? silentLogger).child({ component: 'fib-routes', ns: opts.ns ?? '' });
    const nsArgs = opts.ns ? ['-n', opts.ns] : [];
    this.runIp = opts.runIp ?? (async (args) => (await runCommand(['ip', ...nsArgs, ...args], { timeoutMs: 300_000 })).stdout);
    this.spawnMonitor = opts.spawnMonitor ?? (() => spawn('ip', [...nsArgs, '-N', 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** Starts the monitor first (so no change is missed in between), then reads the whole table. */
  async start(): Promise<void> {
    this.startMonitor();
    await this.fullRead();
    if (this.fullMs > 0) this.scheduleFull();
  }

  /** Re-reads the whole table now (also what the periodic guard does). */
  fullRead(): Promise<void> {
    this.reading = this.reading.then(async () => {
      if (this.stopped) return;
      const routes = (await Promise.all([this.read(4), this.read(6)])).flat().filter((r) => r.protocol !== this.ours);
      this.stats.fullReads++;
      this.resolver.setRoutes(routes);
    });
    return this.reading;
  }

  /** Resolves once every re-read triggered so far has been applied (tests wait on this). */
  async settled(): Promise<void> {
    if (this.overflowTimer) {
      clearTimeout(this.overflowTimer);
      this.overflowTimer = null;
      void this.fullRead();
    }
    while (this.timer || this.dirty.size) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      this.rereadDirty();
    }
    await this.reading;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.fullTimer) clearTimeout(this.fullTimer);
    if (this.overflowTimer) clearTimeout(this.overflowTimer);
    this.timer = this.fullTimer = this.overflowTimer = null;
    const m = this.monitor;
    this.monitor = null;
    m?.kill('SIGTERM');
  }

  private read(family: Family, protocol?: number): Promise<KernelRoute[]> {
    return this.runIp(ipRouteShowArgv(family, this.table, protocol)).then((out) => parseIpRouteJson(out, family, protocol));
  }

  private startMonitor(): void {
    const m = this.spawnMonitor();
    this.monitor = m;
    this.buf = '';
    m.stdout.on('data', (b) => this.onData(typeof b === 'string' ? b : b.toString('utf8')));
    m.stderr?.on('data', (b) => {
      if (/No buffer space|ENOBUFS/.test(String(b))) this.onOverflow();
    });
    m.on('error', (e) => this.log.error('ip monitor failed', { error: e.message }));
    m.on('exit', (code, sig) => {
      if (this.stopped || this.monitor !== m) return;
      // Restarted, and everything re-read, since changes may have been missed while it was gone.
      this.log.warn('ip monitor exited; restarting it', { code, signal: sig });
      setTimeout(() => {
        if (this.stopped) return;
        this.startMonitor();
        void this.fullRead().catch((e: Error) => this.log.error('re-reading kernel routes failed', { error: e.message }));
      }, 200).unref();
    });
  }

  // Events were lost, and with them perhaps a change of another protocol: everything is re-read, once the
  // burst that caused the loss is over (re-reading during it would only compete with it).
  private onOverflow(): void {
    this.stats.overflows++;
    if (this.overflowTimer) clearTimeout(this.overflowTimer);
    this.overflowTimer = setTimeout(() => {
      this.overflowTimer = null;
      void this.fullRead().catch((e: Error) => this.log.error('re-reading kernel routes failed', { error: e.message }));
    }, this.overflowQuietMs);
    this.overflowTimer.unref();
    if (this.stats.overflows === 1) this.log.info('kernel dropped route events; the table will be re-read after the burst');
  }

  private onData(text: string): void {
    this.buf += text;
    let nl: number;
    let start = 0;
    const oursTag = ` proto ${this.ours} `;
    while ((nl = this.buf.indexOf('\n', start)) >= 0) {
      const line = this.buf.slice(start, nl);
      start = nl + 1;
      this.stats.lines++;
      // Our own routes: one line each while a full table loads; the cheapest possible test drops them.
      if (line.includes(oursTag) || line.endsWith(` proto ${this.ours}`)) {
        this.stats.ours++;
        continue;
      }
      const ev = parseMonitorLine(line);
      if (!ev || ev.table !== this.table || ev.protocol === this.ours) continue;
      this.dirty.add(ev.protocol);
    }
    this.buf = this.buf.slice(start);
    if (this.dirty.size && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.rereadDirty();
      }, this.debounceMs);
    }
  }

  private rereadDirty(): void {
    const protos = [...this.dirty];
    this.dirty.clear();
    this.reading = this.reading.then(async () => {
      if (this.stopped) return;
      for (const p of protos) {
        try {
          const routes = (await Promise.all([this.read(4, p), this.read(6, p)])).flat();
          this.stats.rereads++;
          this.resolver.setProtocolRoutes(p, routes);
        } catch (e) {
          this.log.error('re-reading kernel routes failed', { protocol: p, error: (e as Error).message });
        }
      }
    });
  }

  private scheduleFull(): void {
    this.fullTimer = setTimeout(() => {
      void this.fullRead()
        .catch((e: Error) => this.log.error('re-reading kernel routes failed', { error: e.message }))
        .finally(() => {
          if (!this.stopped) this.scheduleFull();
        });
    }, this.fullMs);
    this.fullTimer.unref();
  }
}
