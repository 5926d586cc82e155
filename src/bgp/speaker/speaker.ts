// The BGP speaker: configured and dynamic neighbors (src/bgp/peer) ⇄ the RIB (src/bgp/rib, with policies from
// src/bgp/policy) ⇄ the FIB (src/fib). Everything with side effects is injected (transport, clock, FIB,
// next-hop resolver, logger, the deferral of flushes), so the same speaker runs over TCP in a namespace or over
// in-memory streams in one process.
//
// Flow of a received route: Peer 'update' → Neighbor: interned attributes, prefix batches into the RIB
// (Adj-RIB-In, import policy) → the speaker flushes the RIB once per event-loop turn (or at once past
// FLUSH_PREFIXES pending prefixes): decision for the changed prefixes only → Loc-RIB deltas to the FIB, Adj-RIB-Out
// deltas to each neighbor's queue → UPDATEs (one encoding per attribute set) at the end of the flush or per MRAI.
// Under a table load (the last flush was large) flushes are at least BUSY_FLUSH_MS apart: a prefix that gets a
// new path from each of ten neighbors is then decided once or twice rather than ten times.
//
// Graceful restart, restarting speaker (RFC 4724 §4.1): when the FIB still holds our routes at start (or the
// configuration says so), they are adopted as stale, neighbors see the Restart State bit, and the decision is
// deferred until every configured neighbor has sent End-of-RIB (or the selection deferral time passes); then the
// best paths are installed and sent with End-of-RIB, and the FIB routes not selected again are swept.
import type { Fib } from '../../fib/types.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { AnycastError, errorMessage } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import type { SpeakerConfig } from '../config/types.js';
import { BgpListener, type MessageTap, Peer, type PeerDeps } from '../peer/index.js';
import { ACCEPT_ALL, REJECT_ALL } from '../policy/index.js';
import type { Policy } from '../policy/types.js';
import type { NextHopResolver } from '../rib/nexthop.js';
import type { PeerInfo } from '../rib/peer.js';
import { type LocChange, Rib, type RibNotice, type RibSink } from '../rib/rib.js';
import type { Transport } from '../transport/types.js';
import { FibSync, type GatewayLookup } from './fib-sync.js';
import { afiOf, Neighbor, type NeighborHost, type NeighborSettings } from './neighbor.js';
import { AttrEncoder } from './outbound.js';
import { Originated } from './originate.js';
import { TrackingClock, TrackingTransport } from './tracking.js';
import { dynamicRange, neighborSettings, peerInput } from './settings.js';

/** Flush at once when this many prefixes wait (bounds the batch on a full-table load). */
export const FLUSH_PREFIXES = 262_144;
/** Least time between two flushes while the input is heavy (the last flush took BUSY_PREFIXES or more). */
export const BUSY_FLUSH_MS = 250;
export const BUSY_PREFIXES = 8192;
/**
 * Received attribute sets the session layer keeps interned by their bytes, per session. The RIB interns by value
 * anyway; this cache only saves decoding a set that repeats soon, and on a full-table feed (a new set in nearly
 * every UPDATE) a large one holds every set decoded, ~1 KB each.
 */
export const ATTR_CACHE_ENTRIES = 4096;

export interface SpeakerDeps {
  readonly transport: Transport;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly fib: Fib;
  /** Next-hop reachability and IGP cost (RFC 4271 §9.1.2.1); default: every next hop reachable at cost 0. */
  readonly resolver?: NextHopResolver;
  /** Gateways for a recursive next hop (FIB installation). */
  readonly gateways?: GatewayLookup;
  /** Run `fn` soon, after the current batch of input (default setImmediate). */
  readonly defer?: (fn: () => void) => void;
  /** BGP4MP-style tap of every message (MRT log). */
  readonly tap?: MessageTap;
  /** RFC 4271 §10 jitter seed for the sessions (0 = none, tests). */
  readonly jitterSeed?: number;
  readonly wallClock?: () => number;
}

export class SpeakerError extends AnycastError {}
export class UnknownNeighborError extends AnycastError {
  constructor(name: string, known: readonly string[]) {
    super('ERR_UNKNOWN_NEIGHBOR', `no neighbor named or addressed "${name}" (neighbors: ${known.join(', ') || 'none'})`);
  }
}

export class Speaker implements NeighborHost {
  config: SpeakerConfig;
  readonly rib: Rib;
  readonly clock: Clock;
  readonly encoder = new AttrEncoder();
  readonly fibSync: FibSync;
  readonly originated: Originated;
  readonly log: Logger;
  readonly listener: BgpListener;
  readonly startedAt: number;
  private readonly transport: TrackingTransport;
  /** The sessions' clock: cancelled as a whole when the speaker is abandoned for a graceful restart. */
  private readonly sessionClock: TrackingClock;
  private readonly deps: SpeakerDeps;
  private readonly defer: (fn: () => void) => void;
  readonly neighbors = new Map<string, Neighbor>();
  private readonly byInfo = new Map<PeerInfo, Neighbor>();
  private pendingPrefixes = 0;
  private flushScheduled = false;
  private lastFlushAt = -Infinity;
  private lastFlushPrefixes = 0;
  private flushing = false;
  private started = false;
  private stopped = false;
  /** RFC 4724 §4.1 restarting speaker: decision deferred until End-of-RIB from every neighbor. */
  private deferral: { timer: TimerHandle | undefined; since: number } | null = null;
  restarting = false;
  readonly stats = { flushes: 0, locChanges: 0, outChanges: 0, notices: 0, lastFlushMs: 0 };
  private readonly sink: RibSink;

  constructor(config: SpeakerConfig, deps: SpeakerDeps) {
    this.config = config;
    this.deps = deps;
    this.clock = deps.clock;
    this.log = deps.logger;
    this.defer = deps.defer ?? ((fn) => { setImmediate(fn); });
    this.startedAt = deps.clock.now();
    this.transport = new TrackingTransport(deps.transport);
    this.sessionClock = new TrackingClock(deps.clock);
    const d = config.decision;
    this.rib = new Rib({
      localAs: config.localAs, routerId: config.routerId, rfc8212: config.rfc8212,
      ...(config.clusterId !== undefined ? { clusterId: config.clusterId } : {}),
      ...(config.confederation !== undefined ? { confederation: config.confederation } : {}),
      decision: { alwaysCompareMed: d.alwaysCompareMed, deterministicMed: d.deterministicMed, missingMedWorst: d.missingMedWorst,
        compareAsPathLength: d.compareAsPathLength, igpMetric: d.igpMetric, defaultLocalPref: d.defaultLocalPref,
        multipath: { enabled: d.multipath.enabled, maxPaths: d.multipath.maxPaths, asPathRelax: d.multipath.relax } },
      ...(deps.resolver !== undefined ? { resolver: deps.resolver } : {}),
    });
    // Without a FIB the Loc-RIB changes are not reported (the sink below has no `loc`).
    this.rib.reportsLoc = deps.fib.kind !== 'noop';
    this.fibSync = new FibSync(deps.fib, this.log.child({ component: 'fib' }), deps.gateways);
    this.originated = new Originated(this.rib, () => this.input(0));
    this.listener = new BgpListener(this.peerDeps(false));
    this.listener.onPeerCreated((p) => this.dynamicCreated(p));
    this.listener.onPeerRemoved((p) => this.dynamicRemoved(p));
    this.sink = {
      // Without a FIB the Loc-RIB changes are not even built (the RIB skips them when nobody listens).
      ...(deps.fib.kind === 'noop' ? {} : { loc: (c: LocChange) => { this.stats.locChanges++; this.fibSync.add(c); } }),
      out: (peer, afi, prefix, pathId, attrs) => {
        this.stats.outChanges++;
        this.neighborOf(peer)?.queueChange(afi, prefix, pathId, attrs);
      },
      notice: (n) => this.notice(n),
    };
  }

  private peerDeps(counted: boolean, n?: () => Neighbor | undefined): PeerDeps {
    const d = this.deps;
    return {
      transport: this.transport, clock: this.sessionClock, logger: this.log, attrCacheEntries: ATTR_CACHE_ENTRIES,
      ...(d.tap !== undefined ? { tap: d.tap } : {}),
      ...(d.jitterSeed !== undefined ? { jitterSeed: d.jitterSeed } : {}),
      ...(d.wallClock !== undefined ? { wallClock: d.wallClock } : {}),
      // Max-prefix counts the routes the neighbor has in the Adj-RIB-In (after import policy, as BIRD's import
      // limit), which the RIB already knows: no second per-prefix set.
      ...(counted && n !== undefined ? { prefixCounter: {
        count: (f: number) => {
          const info = n()?.info;
          if (info == null) return 0;
          const held = this.rib.heldFrom(info);
          const afi = afiOf(f);
          return afi === null ? 0 : held[afi];
        },
        reset: () => {},
      } } : {}),
    };
  }

  policy(name: string | null): Policy | null {
    if (name === null) return null;
    if (name === 'accept') return ACCEPT_ALL;
    if (name === 'reject') return REJECT_ALL;
    const p = this.config.policy.policies.get(name);
    if (p === undefined) throw new SpeakerError('ERR_UNKNOWN_POLICY', `no policy named "${name}"`);
    return p;
  }

  private neighborOf(info: PeerInfo): Neighbor | undefined {
    let n = this.byInfo.get(info);
    if (n === undefined) {
      for (const x of this.neighbors.values()) if (x.info === info) { n = x; break; }
      if (n !== undefined) this.byInfo.set(info, n);
    }
    return n;
  }

  // -- lifecycle -------------------------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.started) throw new SpeakerError('ERR_STARTED', 'the speaker is already started');
    this.started = true;
    const gr = this.config.gracefulRestart;
    if (gr.enabled && gr.restarting !== false) {
      const stale = await this.deps.fib.markStale();
      this.restarting = gr.restarting === true || stale > 0;
      if (this.restarting) {
        this.log.info('graceful restart: restarting speaker; forwarding state kept, decision deferred until End-of-RIB from every neighbor',
          { staleFibRoutes: stale, selectionDeferral: gr.selectionDeferral });
        this.deferral = { since: this.clock.now(), timer: this.clock.setTimeout(() => this.endDeferral('selection deferral time expired'), gr.selectionDeferral * 1000) };
      }
    }
    for (const l of this.config.listen) {
      try {
        await this.listener.listen({ address: l.host, port: l.port });
      } catch (e) {
        throw new SpeakerError('ERR_LISTEN', `cannot listen on ${l.host.includes(':') ? `[${l.host}]` : l.host}:${l.port}: ${errorMessage(e)}`);
      }
    }
    for (const r of this.config.dynamic) {
      const problems = this.listener.addRange(dynamicRange(this.config, r, this.restarting));
      if (problems.length > 0) throw new SpeakerError('ERR_DYNAMIC_RANGE', `dynamic-neighbors ${r.name}: ${problems.map((p) => `${p.key}: ${p.reason}`).join('; ')}`);
    }
    for (const net of this.config.networks) this.originated.set(net, 'config');
    for (const nc of this.config.neighbors) this.addNeighbor(nc.name);
    this.log.info('speaker started', { routerId: this.config.routerId, localAs: this.config.localAs,
      neighbors: this.config.neighbors.length, dynamicRanges: this.config.dynamic.length, networks: this.config.networks.length,
      listen: this.listener.endpoints.map((e) => `${e.address}:${e.port}`), fib: this.deps.fib.kind, restarting: this.restarting });
    this.eorProgress();
    this.input(0);
  }

  /** Create, register and start the configured neighbor `name` (from this.config). */
  addNeighbor(name: string): Neighbor {
    const nc = this.config.neighbors.find((x) => x.name === name);
    if (nc === undefined) throw new SpeakerError('ERR_UNKNOWN_NEIGHBOR', `no configured neighbor ${name}`);
    let self: Neighbor | undefined;
    const peer = Peer.create(peerInput(this.config, nc, this.restarting), this.peerDeps(true, () => self));
    const n = new Neighbor(peer, neighborSettings(nc), this, this.log);
    self = n;
    n.register(nc.remoteAs);
    this.neighbors.set(nc.name, n);
    this.listener.add(peer);
    if (!nc.shutdown) peer.start();
    else this.log.info('neighbor configured administratively down (shutdown: true)', { peer: nc.name });
    return n;
  }

  /** Remove a neighbor: Cease 3 "peer de-configured" (RFC 4486) if a session is up, routes withdrawn. */
  removeNeighbor(name: string, message = 'peer de-configured'): void {
    const n = this.neighbors.get(name);
    if (n === undefined) return;
    n.peer.close(message);
    this.listener.remove(n.peer);
    n.dispose();
    if (n.info !== null) this.byInfo.delete(n.info);
    n.unregister();
    this.neighbors.delete(name);
    this.input(0);
  }

  private dynamicCreated(p: Peer): void {
    const range = this.config.dynamic.find((r) => p.name.startsWith(`${r.name}-`));
    if (range === undefined) { p.close('no range'); return; }
    const n = new Neighbor(p, { ...neighborSettings(range), name: p.name, dynamic: true, range: range.name }, this, this.log);
    this.neighbors.set(p.name, n);
  }

  private dynamicRemoved(p: Peer): void {
    const n = this.neighbors.get(p.name);
    if (n === undefined || n.peer !== p) return;
    n.dispose();
    if (n.info !== null) this.byInfo.delete(n.info);
    n.unregister();
    this.neighbors.delete(p.name);
    this.input(0);
  }

  /**
   * Stop. Default: every session closed with Cease 2 (Administrative Shutdown, RFC 8203 communication
   * `message`) and our routes removed from the FIB. `graceful`: sessions dropped without a NOTIFICATION and the
   * FIB routes kept, so that neighbors with graceful restart keep forwarding while we restart (RFC 4724).
   */
  async stop(opts: { graceful?: boolean; message?: string } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clock.clearTimeout(this.deferral?.timer);
    this.deferral = null;
    if (opts.graceful) {
      // Dropped without a NOTIFICATION (the neighbors' graceful restart keeps our routes); the sessions are
      // abandoned as they are: no timer of theirs runs again.
      this.transport.abandonAll();
      this.sessionClock.cancelAll();
      for (const n of this.neighbors.values()) n.dispose();
    } else {
      for (const n of this.neighbors.values()) if (n.peer.status().adminUp) n.peer.stop(opts.message ?? 'speaker shutting down');
      // Let the NOTIFICATIONs reach the wire before the connections go.
      await new Promise((r) => setTimeout(r, 20));
      for (const n of this.neighbors.values()) {
        n.peer.close();
        n.dispose();
      }
    }
    await this.listener.close();
    this.transport.abandonAll();
    try {
      await this.fibSync.idle();
      await this.deps.fib.close({ keepRoutes: opts.graceful === true });
    } catch (e) {
      this.log.error('FIB close failed', { error: errorMessage(e) });
    }
    this.log.info('speaker stopped', { graceful: opts.graceful === true });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  // -- flushing --------------------------------------------------------------------------------------------------

  /** Routes came in (or state changed): flush at the end of this turn, or now past FLUSH_PREFIXES. */
  input(prefixes: number): void {
    if (this.stopped) return;
    this.pendingPrefixes += prefixes;
    if (this.pendingPrefixes >= FLUSH_PREFIXES && !this.flushing && this.deferral === null) { this.flush(); return; }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const wait = this.lastFlushPrefixes >= BUSY_PREFIXES ? this.lastFlushAt + BUSY_FLUSH_MS - this.clock.now() : 0;
    if (wait > 0) this.clock.setTimeout(() => { this.flushScheduled = false; this.flush(); }, wait);
    else this.defer(() => { this.flushScheduled = false; this.flush(); });
  }

  /** Decide, update the FIB and send what changed. Synchronous except for the FIB (applied in the background). */
  flush(): void {
    if (this.stopped || this.flushing || this.deferral !== null) return;
    this.flushing = true;
    const t0 = performance.now();
    try {
      this.lastFlushPrefixes = this.pendingPrefixes;
      this.pendingPrefixes = 0;
      this.rib.flush(this.sink);
      this.stats.flushes++;
      for (const n of this.neighbors.values()) {
        try {
          n.afterFlush();
        } catch (e) {
          this.log.error('sending to a neighbor failed', { peer: n.name, error: errorMessage(e) });
        }
      }
      this.encoder.clear();
      this.fibSync.kick();
    } finally {
      this.flushing = false;
      this.lastFlushAt = this.clock.now();
      this.stats.lastFlushMs = performance.now() - t0;
    }
  }

  private notice(n: RibNotice): void {
    this.stats.notices++;
    if (n.kind === 'rfc8212') {
      this.log.warn(n.message, { peer: n.peer, code: n.code, direction: n.direction });
    } else {
      this.log.warn('routes ineligible on receipt', { peer: n.peer, reason: n.reason, routes: n.count });
    }
  }

  /** Prefixes received since the last flush (decision still to run). */
  get pending(): number {
    return this.flushScheduled || this.pendingPrefixes > 0 ? Math.max(1, this.pendingPrefixes) : 0;
  }

  get deferring(): boolean {
    return this.deferral !== null;
  }

  /** Restarting speaker: end the deferral once every configured, enabled neighbor has sent its End-of-RIBs. */
  eorProgress(): void {
    if (this.deferral === null || !this.started) return;
    const waiting: string[] = [];
    for (const n of this.neighbors.values()) {
      if (n.settings.dynamic || !n.peer.status().adminUp) continue;
      const s = n.peer.session;
      // A neighbor without graceful restart does not owe End-of-RIB (RFC 4724 §2 is its capability's).
      if (s === null) { waiting.push(n.name); continue; }
      if (s.peerGracefulRestart === null) continue;
      const afis = s.families.length;
      if (n.eorReceived.size < afis) waiting.push(n.name);
    }
    if (waiting.length === 0) this.endDeferral('End-of-RIB received from every neighbor');
  }

  private endDeferral(why: string): void {
    if (this.deferral === null) return;
    this.clock.clearTimeout(this.deferral.timer);
    const waited = (this.clock.now() - this.deferral.since) / 1000;
    this.deferral = null;
    this.log.info('graceful restart: deferral over, selecting and advertising', { why, waitedSeconds: Math.round(waited) });
    this.flush();
    // Sweep what the decision did not re-install (RFC 4724 §4.1), once the FIB has applied this flush.
    void this.fibSync.idle().then(async () => {
      if (this.stopped) return;
      const r = await this.deps.fib.sweepStale();
      this.log.info('graceful restart: stale FIB routes swept', { deleted: r.deleted, failures: r.failures.length });
    }).catch((e: unknown) => this.log.error('stale FIB sweep failed', { error: errorMessage(e) }));
  }

  // -- lookups for the API ---------------------------------------------------------------------------------------

  /** A neighbor by name or address. */
  neighbor(nameOrAddress: string): Neighbor {
    const n = this.neighbors.get(nameOrAddress) ??
      [...this.neighbors.values()].find((x) => x.peer.config.remoteAddress === nameOrAddress);
    if (n === undefined) throw new UnknownNeighborError(nameOrAddress, [...this.neighbors.keys()]);
    return n;
  }

  /** Replace a neighbor's run-time settings (reload: description, MRAI, policies are applied by the caller). */
  updateSettings(n: Neighbor, s: NeighborSettings): void {
    n.settings = s;
  }

  /**
   * Wait until the FIB has applied everything received so far (tests, shutdown). A flush still scheduled runs now:
   * a lookup already shows the decided best path, and the FIB must not lag behind what it shows.
   */
  async settled(): Promise<void> {
    if (this.pending > 0 && this.deferral === null) this.flush();
    await this.fibSync.idle();
  }
}
