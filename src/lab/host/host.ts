// The router host: one process that runs many of this project's BGP speakers, each bound to its own network
// namespace (its BGP sockets, kernel routes and next-hop resolver live there: src/bgp/transport/netns.ts, the
// rtnetlink socket of src/fib), each with its own configuration file, log file and control socket — so every
// router keeps the isolation of a process of its own where the lab looks (logs, state, `anycast speaker` CLI),
// while the cost of starting Node.js is paid once instead of once per router.
// Per router: start, stop (Cease to its neighbors, its kernel routes removed, or kept with graceful: RFC 4724
// §4.1), kill (sessions dropped without NOTIFICATION, routes kept — a crash as its peers see it), freeze/thaw
// (freeze.ts), and a status with readiness (sessions established out of configured).
import { createWriteStream, type WriteStream } from 'node:fs';
import { startDaemon, type DaemonHandle } from '../../bgp/speaker/daemon.js';
import { errorMessage } from '../../util/errors.js';
import { FreezableClock, FreezableTransport, Freezer } from './freeze.js';
import { RouterExistsError, RouterNotFoundError, RouterStateError } from './errors.js';

export interface HostedRouterSpec {
  /** The router's name (the lab's node name). */
  readonly name: string;
  /** Its network namespace, as `ip netns` names it. */
  readonly ns: string;
  /** Its speaker configuration file (speaker.yaml). */
  readonly config: string;
  /** Its log file (JSON lines, appended). */
  readonly log: string;
}

export type HostedState = 'starting' | 'running' | 'frozen' | 'stopping' | 'stopped' | 'failed';

export interface HostedRouterStatus {
  name: string;
  ns: string;
  state: HostedState;
  /** Sessions established / configured (null when not running). */
  established: number | null;
  neighbors: number | null;
  /** Milliseconds from the start request until the speaker ran (control API up, listeners open). */
  startMs: number | null;
  error: string | null;
}

interface Hosted {
  spec: HostedRouterSpec;
  state: HostedState;
  handle: DaemonHandle | null;
  freezer: Freezer;
  log: WriteStream | null;
  startMs: number | null;
  error: string | null;
}

export class RouterHost {
  private readonly routers = new Map<string, Hosted>();

  /** Starts a router; resolves once its speaker runs (sessions come up in the background). */
  async start(spec: HostedRouterSpec): Promise<HostedRouterStatus> {
    const old = this.routers.get(spec.name);
    if (old && old.state !== 'stopped' && old.state !== 'failed') throw new RouterExistsError(spec.name, old.state);
    const r: Hosted = { spec, state: 'starting', handle: null, freezer: new Freezer(), log: null, startMs: null, error: null };
    this.routers.set(spec.name, r);
    const t0 = performance.now();
    const log = createWriteStream(spec.log, { flags: 'a' });
    r.log = log;
    try {
      r.handle = await startDaemon(spec.config, {
        ns: spec.ns, signals: false, write: (line) => log.write(line + '\n'),
        clock: new FreezableClock(r.freezer), wrapTransport: (t) => new FreezableTransport(t, r.freezer),
      });
    } catch (e) {
      r.state = 'failed';
      r.error = errorMessage(e);
      log.write(JSON.stringify({ ts: new Date().toISOString(), level: 'error', msg: 'speaker did not start', error: r.error }) + '\n');
      log.end();
      r.log = null;
      throw e;
    }
    r.startMs = Math.round(performance.now() - t0);
    r.state = 'running';
    // A stop through the router's own control API (`anycast speaker stop`) ends it like a stop from here.
    void r.handle.done.then(() => this.ended(r));
    return this.statusOf(r);
  }

  private ended(r: Hosted): void {
    if (r.state === 'stopped') return;
    r.state = 'stopped';
    r.freezer.thaw();
    r.log?.end();
    r.log = null;
  }

  private get(name: string): Hosted {
    const r = this.routers.get(name);
    if (!r) throw new RouterNotFoundError(name, [...this.routers.keys()]);
    return r;
  }

  /**
   * Stops a router: Cease to every neighbor and its kernel routes removed; `graceful` keeps them and sends no
   * NOTIFICATION (graceful restart); `kill` is a crash (no NOTIFICATION, routes kept, nothing flushed).
   */
  async stop(name: string, opts: { graceful?: boolean; kill?: boolean } = {}): Promise<HostedRouterStatus> {
    const r = this.get(name);
    if (r.state === 'stopped' || r.state === 'failed') return this.statusOf(r);
    if (r.handle === null) throw new RouterStateError(name, r.state, 'stop');
    r.state = 'stopping';
    r.freezer.thaw();
    await r.handle.stop(opts.kill === true ? { graceful: true, message: 'killed' } : { graceful: opts.graceful === true });
    this.ended(r);
    return this.statusOf(r);
  }

  freeze(name: string): HostedRouterStatus {
    const r = this.get(name);
    if (r.state !== 'running' && r.state !== 'frozen') throw new RouterStateError(name, r.state, 'freeze');
    r.freezer.freeze();
    r.state = 'frozen';
    return this.statusOf(r);
  }

  thaw(name: string): HostedRouterStatus {
    const r = this.get(name);
    if (r.state !== 'running' && r.state !== 'frozen') throw new RouterStateError(name, r.state, 'thaw');
    r.state = 'running';
    r.freezer.thaw();
    return this.statusOf(r);
  }

  status(name?: string): HostedRouterStatus[] {
    if (name !== undefined) return [this.statusOf(this.get(name))];
    return [...this.routers.values()].map((r) => this.statusOf(r));
  }

  private statusOf(r: Hosted): HostedRouterStatus {
    let established: number | null = null;
    let neighbors: number | null = null;
    if (r.handle !== null && (r.state === 'running' || r.state === 'frozen')) {
      const ns = [...r.handle.speaker.neighbors.values()];
      neighbors = ns.length;
      established = ns.filter((n) => n.peer.status().state === 'Established').length;
    }
    return { name: r.spec.name, ns: r.spec.ns, state: r.state, established, neighbors, startMs: r.startMs, error: r.error };
  }

  /** Stops every router (Cease, routes removed unless graceful), several at a time. */
  async stopAll(opts: { graceful?: boolean } = {}): Promise<void> {
    await Promise.all([...this.routers.keys()].map((n) => this.stop(n, opts).catch(() => {})));
  }
}
