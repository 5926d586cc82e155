// Shared fixtures for the session-layer tests: two of our speakers on an in-memory network (or loopback TCP),
// an event recorder, and helpers that let microtask-delivered messages and FakeClock timers settle.
import { FakeClock, type Clock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/log.js';
import { BgpListener, Peer, type PeerConfigInput, type PeerDeps, type PeerEventMap } from '../../../src/bgp/peer/index.js';
import { MemoryNetwork, type MemoryNetworkOptions, type Transport } from '../../../src/bgp/transport/index.js';

export const A_ADDR = '192.0.2.1';
export const B_ADDR = '192.0.2.2';
export const A_AS = 65001;
export const B_AS = 65002;

/** Let queued microtasks (in-memory delivery) run. */
export async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Advance a FakeClock in steps, letting deliveries settle after each, until `cond` holds or `maxMs` passes. */
export async function until(clock: FakeClock, cond: () => boolean, maxMs = 600_000, stepMs = 100): Promise<boolean> {
  await settle();
  for (let t = 0; t <= maxMs; t += stepMs) {
    if (cond()) return true;
    clock.advance(stepMs);
    await settle();
  }
  return cond();
}

/** Wait on real time for a condition (TCP tests). */
export async function waitFor(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Records every event of a peer, in order. */
export class Recorder {
  readonly events: { name: keyof PeerEventMap; value: unknown }[] = [];
  constructor(peer: Peer) {
    const names: (keyof PeerEventMap)[] = ['state', 'established', 'down', 'update', 'endOfRib', 'routeRefresh',
      'familyDisabled', 'staleFlush', 'prefixLimit', 'notification', 'drain'];
    for (const n of names) peer.on(n, (v) => this.events.push({ name: n, value: v }));
  }
  all<K extends keyof PeerEventMap>(name: K): PeerEventMap[K][] {
    return this.events.filter((e) => e.name === name).map((e) => e.value as PeerEventMap[K]);
  }
  count(name: keyof PeerEventMap): number {
    return this.events.filter((e) => e.name === name).length;
  }
  clear(): void {
    this.events.length = 0;
  }
}

export interface Side {
  peer: Peer;
  listener: BgpListener;
  rec: Recorder;
  log: ReturnType<typeof memoryLogger>;
}

export interface PairOptions {
  a?: Partial<PeerConfigInput>;
  b?: Partial<PeerConfigInput>;
  net?: MemoryNetworkOptions;
  transport?: Transport;
  clock?: Clock;
}

/** Speaker A (AS 65001, 192.0.2.1) and B (AS 65002, 192.0.2.2), each configured with the other, each listening. */
export async function pair(o: PairOptions = {}): Promise<{ net: MemoryNetwork | null; clock: Clock; a: Side; b: Side }> {
  const clock = o.clock ?? new FakeClock(0);
  const net = o.transport === undefined ? new MemoryNetwork(o.net) : null;
  const transport = o.transport ?? net!;
  const side = async (local: string, remote: string, localAs: number, peerAs: number, id: string, extra: Partial<PeerConfigInput> = {}): Promise<Side> => {
    const log = memoryLogger();
    const deps: PeerDeps = { transport, clock, logger: log, jitterSeed: 0 };
    const peer = Peer.create({ localAs, routerId: id, remoteAddress: remote, peerAs, localAddress: local,
      holdTime: 9, connectRetryTime: 2, idleHoldTime: 1, ...extra }, deps);
    const listener = new BgpListener(deps);
    listener.add(peer);
    await listener.listen({ address: local, port: 179 });
    return { peer, listener, rec: new Recorder(peer), log };
  };
  const a = await side(A_ADDR, B_ADDR, A_AS, B_AS, '192.0.2.1', o.a);
  const b = await side(B_ADDR, A_ADDR, B_AS, A_AS, '192.0.2.2', o.b);
  return { net, clock, a, b };
}

/** Wraps a transport and keeps every connection it hands out (to pause, inspect or kill them in tests). */
export class RecordingTransport implements Transport {
  readonly conns: import('../../../src/bgp/transport/index.js').Connection[] = [];
  constructor(private readonly inner: Transport) {}
  connect(o: Parameters<Transport['connect']>[0], cb: Parameters<Transport['connect']>[1]) {
    return this.inner.connect(o, (e, c) => { if (c !== null) this.conns.push(c); cb(e, c); });
  }
  listen(o: Parameters<Transport['listen']>[0], on: Parameters<Transport['listen']>[1]) {
    return this.inner.listen(o, (c) => { this.conns.push(c); on(c); });
  }
}
