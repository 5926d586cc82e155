// The in-process control plane: one of this project's BGP speakers per router and site, all in this process,
// their sessions over the session layer's MemoryNetwork (each speaker listening on its own interface and loopback
// addresses), each installing its best routes into its node's FIB in the data plane, resolving next hops (iBGP
// over loopbacks) and their IGP cost through that data plane.
//
// A link taken down blackholes the sessions that cross it (their messages are lost, as on a dead fibre): the
// hold timer ends them; new connections across it are refused.

import { MemoryNetwork, type MemoryConnection } from '../../../bgp/transport/memory.js';
import type { ConnectCallback, ConnectOptions, Connection, ListenOptions, Transport } from '../../../bgp/transport/types.js';
import type { NeighborStatus, RouteEntry, RouterSpec } from '../../../daemons/types.js';
import { resolveRouter } from '../../../daemons/spec.js';
import type { ApplyResult, Fib, FibChange, FibRoute, SyncResult } from '../../../fib/types.js';
import { SystemClock } from '../../../util/clock.js';
import { Speaker as SpeakerCore } from '../../../bgp/speaker/index.js';
import { parseNetwork, parseSpeakerConfig } from '../../../bgp/config/load.js';
import { locRibView, neighborSummary } from '../../../bgp/speaker/views.js';
import { silentLogger } from '../../../util/log.js';
import { canonical, hostOf } from '../../ip.js';
import type { LabModel } from '../../model.js';
import { speakerConfig } from '../../speaker/config.js';
import { neighborsFromApi, routesFromApi, type NeighborsJson, type RibJson } from '../../speaker/runner.js';
import type { DataPlane } from './dataplane.js';

interface SpeakerLike {
  start(): Promise<void>;
  stop(opts?: { graceful?: boolean; message?: string }): Promise<void>;
  readonly neighbors: Map<string, unknown>;
  readonly originated: { set(spec: unknown, source: string): void; delete(prefix: string): void };
}

interface SpeakerModules {
  Speaker: new (config: unknown, deps: unknown) => SpeakerLike;
  parseSpeakerConfig(text: string, file: string): unknown;
  parseNetwork(data: unknown): unknown;
  neighborSummary(s: SpeakerLike, n: unknown): unknown;
  locRibView(s: SpeakerLike, filter: string | undefined, limit: number): unknown;
}

/** The speaker's modules, behind the narrow interface this control plane uses. */
export async function loadSpeakerModules(): Promise<SpeakerModules> {
  return { Speaker: SpeakerCore, parseSpeakerConfig, parseNetwork, neighborSummary, locRibView } as unknown as SpeakerModules;
}

/** A node's FIB as the speaker's Fib interface, writing into the data plane. */
class DataPlaneFib implements Fib {
  readonly kind = 'memory' as const;
  private ours = new Map<string, FibRoute>();
  constructor(private readonly dp: DataPlane, private readonly node: string) {}
  private get fib() {
    return this.dp.fibs.get(this.node)!;
  }
  async apply(changes: Iterable<FibChange>): Promise<ApplyResult> {
    const r: ApplyResult = { replaced: 0, deleted: 0, coalesced: 0, failures: [] };
    for (const c of changes) {
      if (c.kind === 'replace') {
        const nh = c.nextHops[0];
        if (!nh) continue;
        this.fib.install({ prefix: c.prefix, nextHop: nh.gateway, dev: nh.dev ?? '' });
        this.ours.set(c.prefix, { prefix: c.prefix, nextHops: c.nextHops });
        r.replaced++;
      } else {
        if (this.ours.delete(c.prefix)) this.fib.remove(c.prefix);
        r.deleted++;
      }
    }
    return r;
  }
  async list(): Promise<FibRoute[]> {
    return [...this.ours.values()].sort((a, b) => a.prefix.localeCompare(b.prefix));
  }
  async sync(desired: Iterable<FibRoute>): Promise<SyncResult> {
    const want = new Map([...desired].map((d) => [d.prefix, d]));
    const changes: FibChange[] = [];
    for (const [p, d] of want) changes.push({ kind: 'replace', prefix: p, nextHops: d.nextHops });
    for (const p of this.ours.keys()) if (!want.has(p)) changes.push({ kind: 'delete', prefix: p });
    return { ...(await this.apply(changes)), unchanged: 0 };
  }
  async markStale(): Promise<number> {
    return 0;
  }
  async sweepStale(): Promise<ApplyResult> {
    return { replaced: 0, deleted: 0, coalesced: 0, failures: [] };
  }
  staleCount(): number {
    return 0;
  }
  async flush(): Promise<number> {
    const n = this.ours.size;
    for (const p of this.ours.keys()) this.fib.remove(p);
    this.ours.clear();
    return n;
  }
  async close(): Promise<void> {
    await this.flush();
  }
}

export interface InprocSpeaker {
  node: string;
  spec: ReturnType<typeof resolveRouter>;
  speaker: SpeakerLike;
  neighbors(): Promise<NeighborStatus[]>;
  bestRoutes(family: 'ipv4' | 'ipv6'): Promise<RouteEntry[]>;
  routes(): Promise<RouteEntry[]>;
}

/** The speakers of a lab, over one memory network, with link state. */
export class ControlPlane {
  readonly net = new MemoryNetwork();
  readonly speakers = new Map<string, InprocSpeaker>();
  private conns: Array<{ a: string; b: string; conn: MemoryConnection }> = [];
  private readonly owner = new Map<string, string>();

  constructor(private readonly m: LabModel, private readonly dp: DataPlane, private readonly mods: SpeakerModules) {
    for (const n of m.nodes) {
      for (const i of n.interfaces) for (const a of [i.addr4, i.addr6]) this.owner.set(canonical(hostOf(a)), n.name);
      if (n.kind === 'router') for (const a of [n.loopback4!, n.loopback6!]) this.owner.set(canonical(a), n.name);
    }
  }

  /** Whether `from` reaches `to` over links that are up (the session's path, IGP included). */
  private reaches(from: string, address: string): boolean {
    return this.dp.forward(from, address).reached !== null;
  }

  private transportOf(node: string): Transport {
    const net = this.net;
    return {
      connect: (o: ConnectOptions, cb: ConnectCallback) => {
        if (!this.reaches(node, o.remote.address)) {
          let cancelled = false;
          setTimeout(() => { if (!cancelled) cb('EHOSTUNREACH', null); }, 50);
          return { cancel: () => { cancelled = true; } };
        }
        return net.connect(o, (err, conn) => {
          if (conn) this.conns.push({ a: node, b: this.owner.get(canonical(o.remote.address)) ?? '?', conn: conn as MemoryConnection });
          cb(err, conn);
        });
      },
      listen: (o: ListenOptions, onConnection: (c: Connection) => void) => net.listen(o, onConnection),
    };
  }

  async start(width = 8): Promise<void> {
    const nodes = this.m.nodes.filter((n) => n.implementation);
    for (let i = 0; i < nodes.length; i += width) {
      await Promise.all(nodes.slice(i, i + width).map((n) => this.startOne(n.name)));
    }
  }

  private async startOne(node: string): Promise<void> {
    const n = this.m.nodes.find((x) => x.name === node)!;
    const spec = resolveRouter(this.m.speakers[node] as RouterSpec);
    const addrs = [...n.interfaces.flatMap((i) => [hostOf(i.addr4), hostOf(i.addr6)]), ...(n.kind === 'router' ? [n.loopback4!, n.loopback6!] : [])];
    const text = speakerConfig(spec, { socket: `/nonexistent/${node}.sock` }, addrs.map((a) => (a.includes(':') ? `[${a}]:179` : `${a}:179`)));
    const config = this.mods.parseSpeakerConfig(text, `${node}.yaml`);
    const resolver = {
      resolve: (nh: { address: string }) => {
        const d = this.dp.forward(node, nh.address);
        return { reachable: d.reached !== null, igpCost: Math.round(d.delayMs * 10) };
      },
    };
    const gateways = (address: string) => {
      const d = this.dp.forward(node, address);
      if (d.reached === null || d.hops.length < 2) return null;
      const next = d.hops[1]!;
      const i = n.interfaces.find((x) => x.peer === next);
      return i ? [{ gateway: hostOf(address.includes(':') ? i.peer6 : i.peer4), dev: next }] : null;
    };
    const speaker = new this.mods.Speaker(config, {
      transport: this.transportOf(node), clock: new SystemClock(false), logger: silentLogger,
      fib: new DataPlaneFib(this.dp, node), resolver, gateways, jitterSeed: 0,
    });
    await speaker.start();
    const mods = this.mods;
    const all = async () => routesFromApi(mods.locRibView(speaker, undefined, 1_000_000) as RibJson);
    this.speakers.set(node, {
      node, spec, speaker,
      neighbors: async () => neighborsFromApi({ neighbors: [...speaker.neighbors.values()].map((x) => mods.neighborSummary(speaker, x)) } as NeighborsJson),
      routes: all,
      bestRoutes: async (family) => (await all()).filter((r) => r.best && r.family === family),
    });
  }

  announce(node: string, routes: Array<Record<string, unknown>>): void {
    const s = this.speakers.get(node)!.speaker;
    for (const r of routes) s.originated.set(this.mods.parseNetwork(r), 'api');
  }

  withdraw(node: string, prefixes: string[]): void {
    const s = this.speakers.get(node)!.speaker;
    for (const p of prefixes) s.originated.delete(p);
  }

  /** A link down loses every message of the sessions crossing it (they end by their hold timers). */
  linkDown(): void {
    for (const c of this.conns) {
      const path = this.dp.forward(c.a, c.conn.remote.address);
      if (path.reached === null) {
        c.conn.blackholed = true;
        (c.conn as unknown as { other: MemoryConnection }).other.blackholed = true;
      }
    }
    this.conns = this.conns.filter((c) => !c.conn.blackholed);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.speakers.values()].map((s) => s.speaker.stop({ message: 'lab down' }).catch(() => undefined)));
  }
}
