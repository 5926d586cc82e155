// `anycast speaker --config FILE`: the process around the Speaker — configuration file, structured JSON logs
// (level changeable by reload), real TCP, the kernel FIB with its next-hop resolver over the kernel's own
// routes, the control API and the Prometheus endpoint, and the signals: SIGHUP reloads (validate first; the
// running configuration stays when the new one is bad, and the log says why), SIGTERM/SIGINT stop cleanly
// (Cease to every neighbor, our kernel routes removed). `anycast speaker stop --graceful-restart` stops for a
// graceful restart instead (sessions dropped without NOTIFICATION, kernel routes kept: RFC 4724 §4.1).
import { createServer } from 'node:http';
import { createFib, KernelRouteWatcher, NextHopResolver as KernelResolver, ANYCAST_RTPROT } from '../../fib/index.js';
import { SystemClock, type Clock } from '../../util/clock.js';
import { AnycastError, ConfigError, errorMessage } from '../../util/errors.js';
import type { Logger, LogLevel } from '../../util/log.js';
import { loadSpeakerConfig } from '../config/load.js';
import type { SpeakerConfig } from '../config/types.js';
import { startControl, type ControlHost, type ControlServers } from '../api/server.js';
import type { NextHopResolver } from '../rib/nexthop.js';
import { NetnsTcpTransport } from '../transport/netns.js';
import { TcpTransport } from '../transport/tcp.js';
import { NetlinkIp } from '../../fib/nl-routes.js';
import type { Transport } from '../transport/types.js';
import type { GatewayLookup } from './fib-sync.js';
import { renderMetrics } from './metrics.js';
import { mrtDump, openBgp4mpLog, type MrtLog } from './mrt.js';
import { applyReload, type ReloadReport } from './reload.js';
import { Speaker } from './speaker.js';
import { warmUp, warmUpPlan } from './warm-up.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A JSON-lines (or text) logger whose level can change at run time, for every child made before or after. */
export function switchableLogger(state: { level: LogLevel; format: 'json' | 'text' },
  write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const make = (base: Record<string, unknown>): Logger => {
    const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
      if (RANK[level] < RANK[state.level]) return;
      const ts = new Date().toISOString();
      if (state.format === 'text') {
        const extra = Object.entries({ ...base, ...fields }).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
        write(`${ts} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ' ' + extra : ''}`);
      } else write(JSON.stringify({ ts, level, msg, ...base, ...fields }));
    };
    return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'), child: (f) => make({ ...base, ...f }) };
  };
  return make({});
}

/** The kernel's routes as the RIB's next-hop resolver (reachability, IGP cost) and the FIB's gateway lookup. */
function kernelResolution(r: KernelResolver): { resolver: NextHopResolver; gateways: GatewayLookup } {
  const tracked = new Set<string>();
  return {
    resolver: {
      resolve: (nh) => {
        if (!tracked.has(nh.address)) { tracked.add(nh.address); r.track(nh.address); }
        const x = r.resolve(nh.address);
        return { reachable: x.reachable, igpCost: Number.isFinite(x.metric) ? x.metric : 0 };
      },
    },
    gateways: (address) => {
      const x = r.resolve(address);
      if (!x.reachable || x.via.length === 0) return null;
      // On a connected network the next hop is the gateway itself.
      if (x.via.length === 1 && x.via[0]!.gateway === address) return null;
      return x.via;
    },
  };
}

export interface DaemonHandle {
  readonly speaker: Speaker;
  /** Resolves with the exit code once the speaker has stopped. */
  readonly done: Promise<number>;
  reload(): Promise<ReloadReport>;
  stop(opts?: { graceful?: boolean; message?: string }): Promise<void>;
}

export interface DaemonOptions {
  write?: (line: string) => void;
  signals?: boolean;
  /**
   * Run in this network namespace (its `ip netns` name) without entering it: BGP sockets are made inside it
   * (transport/netns.ts), kernel routes go to its tables and the next-hop resolver reads its routes. This is how
   * one process hosts many speakers (src/lab/host). The control API and metrics stay where the process is.
   */
  ns?: string;
  /** The clock and a wrapper of the transport (the router host's per-speaker freeze, src/lab/host/freeze.ts). */
  clock?: Clock;
  wrapTransport?: (t: Transport) => Transport;
  /**
   * Run the start-up warm-up (warm-up.ts) before the speaker starts, unless the configuration says `warm-up: false`.
   * For a process that runs one speaker (`anycast speaker`); a process hosting many (the lab) or tests leave it off.
   */
  warmUp?: boolean;
}

/** Start the speaker for a configuration file; returns once it runs (sessions start in the background). */
export async function startDaemon(file: string, opts: DaemonOptions = {}): Promise<DaemonHandle> {
  let config: SpeakerConfig = loadSpeakerConfig(file);
  const logState = { level: config.log.level, format: config.log.format };
  const log = switchableLogger(logState, opts.write);
  const plan = opts.warmUp === true && config.warmUp ? warmUpPlan(config) : null;
  if (plan !== null && plan.families.length > 0) {
    // It only prepares compiled code: whatever goes wrong in it, the speaker starts as it would without it.
    try {
      const r = await warmUp(plan);
      const fields = { ms: r.ms, routes: r.routes, of: r.sent, families: plan.families };
      if (r.completed) log.info('warm-up done', fields);
      else log.info('warm-up cut short', r.failed === null ? fields : { ...fields, reason: r.failed });
    } catch (e) {
      log.warn('warm-up failed; starting without it', { error: errorMessage(e) });
    }
  }
  // In a namespace, the FIB's and the resolver's reads of the kernel table run over rtnetlink in process
  // (fib/nl-routes.ts) rather than as `ip -n NS` children: a hundred speakers in one process start in
  // milliseconds each instead of spawning three `ip` processes apiece.
  const nlIp = opts.ns !== undefined && config.fib.kind !== 'noop' && config.fib.kind !== 'memory' ? new NetlinkIp(opts.ns) : null;
  const ns = opts.ns !== undefined ? { ns: opts.ns, ...(nlIp !== null ? { runIp: nlIp.run } : {}) } : {};
  // Made first: a namespace the addon cannot reach fails here, before anything else is set up.
  const base: Transport = opts.ns !== undefined ? new NetnsTcpTransport(opts.ns) : new TcpTransport();
  const transport = opts.wrapTransport ? opts.wrapTransport(base) : base;
  const fib = createFib(config.fib.kind, { logger: log, ...ns, ...(config.fib.metric !== undefined ? { metric: config.fib.metric } : {}),
    ...(config.fib.table !== undefined ? { table: config.fib.table } : {}) });
  let watcher: KernelRouteWatcher | null = null;
  let resolution: { resolver: NextHopResolver; gateways: GatewayLookup } | null = null;
  let kernelResolver: KernelResolver | null = null;
  if (fib.kind === 'kernel') {
    kernelResolver = new KernelResolver({ excludeProtocols: [ANYCAST_RTPROT] });
    watcher = new KernelRouteWatcher(kernelResolver, { logger: log, ...ns, ...(nlIp !== null ? { spawnMonitor: () => nlIp.monitor() } : {}), ...(config.fib.table !== undefined ? { table: config.fib.table } : {}) });
    await watcher.start();
    resolution = kernelResolution(kernelResolver);
  }
  let mrtLog: MrtLog | null = null;
  if (config.mrt.bgp4mp !== null) mrtLog = await openBgp4mpLog(config.mrt.bgp4mp, log);
  const speaker = new Speaker(config, {
    transport, clock: opts.clock ?? new SystemClock(), logger: log, fib,
    ...(resolution !== null ? { resolver: resolution.resolver, gateways: resolution.gateways } : {}),
    ...(mrtLog !== null ? { tap: mrtLog.tap } : {}),
  });
  kernelResolver?.onChange((changes) => {
    log.info('next hops changed: re-running the decision', { changed: changes.length });
    speaker.rib.nextHopsChanged();
    speaker.input(0);
  });
  try {
    await speaker.start();
  } catch (e) {
    await speaker.stop().catch(() => {});
    watcher?.stop();
    nlIp?.close();
    throw e;
  }

  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((r) => { finish = r; });
  let stopping: Promise<void> | null = null;
  let control: ControlServers | null = null;
  let metricsServer: ReturnType<typeof createServer> | null = null;
  const onSignal: [NodeJS.Signals, () => void][] = [];

  const reload = async (): Promise<ReloadReport> => {
    let next: SpeakerConfig;
    try {
      next = loadSpeakerConfig(file);
    } catch (e) {
      const why = e instanceof ConfigError ? e.message : errorMessage(e);
      log.error('reload refused: the new configuration is invalid; keeping the running one', { file, error: why });
      return { ok: false, changes: [], error: why };
    }
    const r = applyReload(speaker, next);
    if (!r.ok) {
      log.error('reload refused; keeping the running configuration', { file, error: r.error });
      return r;
    }
    config = next;
    logState.level = next.log.level;
    logState.format = next.log.format;
    if (JSON.stringify(speaker.listener.endpoints.map((e) => [e.address, e.port])) !== JSON.stringify(next.listen.map((l) => [l.host, l.port]))) {
      await speaker.listener.close();
      for (const l of next.listen) {
        try { await speaker.listener.listen({ address: l.host, port: l.port }); } catch (e) { log.error('cannot listen', { address: l.host, port: l.port, error: errorMessage(e) }); }
      }
    }
    log.info('configuration reloaded', { file, changes: r.changes.length });
    return r;
  };

  const stop = (o: { graceful?: boolean; message?: string } = {}): Promise<void> => {
    if (stopping !== null) return stopping;
    stopping = (async () => {
      log.info('stopping', { graceful: o.graceful === true });
      for (const [sig, fn] of onSignal) process.off(sig, fn);
      await speaker.stop(o);
      watcher?.stop();
      nlIp?.close();
      await mrtLog?.close();
      await control?.close();
      await new Promise<void>((r) => (metricsServer === null ? r() : metricsServer.close(() => r())));
      finish(0);
    })();
    return stopping;
  };

  const host: ControlHost = {
    speaker, reload,
    mrtDump: async (f) => mrtDump(speaker, f ?? config.mrt.dumpDir, log),
    shutdown: (o) => { void stop(o); },
  };
  try {
    control = await startControl(host, config.control, log);
    if (config.metrics.listen !== null) {
      const m = config.metrics.listen;
      metricsServer = createServer((req, res) => {
        if (req.url === '/metrics') { res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }); res.end(renderMetrics(speaker)); }
        else { res.writeHead(404); res.end('not found: try /metrics\n'); }
      });
      await new Promise<void>((resolve, reject) => { metricsServer!.once('error', reject); metricsServer!.listen(m.port, m.host, () => resolve()); });
      log.info('metrics', { url: `http://${m.host.includes(':') ? `[${m.host}]` : m.host}:${(metricsServer.address() as { port: number }).port}/metrics` });
    }
  } catch (e) {
    await stop();
    throw e instanceof AnycastError ? e : new AnycastError('ERR_CONTROL', errorMessage(e));
  }
  if (control.socket !== null) log.info('control API', { socket: control.socket, tcpPort: control.tcpPort });

  if (opts.signals !== false) {
    const hup = () => { void reload(); };
    const term = () => { void stop(); };
    onSignal.push(['SIGHUP', hup], ['SIGTERM', term], ['SIGINT', term]);
    for (const [sig, fn] of onSignal) process.on(sig, fn);
  }
  return { speaker, done, reload, stop };
}
