// The BGP listener: accepts TCP connections on port 179 (or any configured port) and hands each to its neighbor
// (RFC 4271 §8: the FSM of a configured peer sees TcpConnectionConfirmed). Connections from addresses that are
// not configured neighbors are closed, unless the address falls in a range of dynamic (range-based, passive)
// neighbors: then a Peer is created for it on the spot from the range's template, with the range's remote AS or
// AS range, and removed again when its session ends (as BIRD's "dynamic" and FRR's "bgp listen range" do).
import { errorMessage } from '../../util/errors.js';
import { type Logger, silentLogger } from '../../util/log.js';
import { type AddressRange, canonicalAddress, endpointText, inRange, parseRange } from '../transport/address.js';
import type { Connection, Endpoint, Listener, ListenOptions } from '../transport/types.js';
import { type PeerConfigInput, type PeerConfigProblem, resolvePeerConfig } from './config.js';
import type { PeerDeps } from './core.js';
import { Peer } from './peer.js';

export interface DynamicRange {
  /** Name for logs; dynamic peers are named `${name}-${address}`. */
  readonly name: string;
  /** Source addresses accepted, as a prefix: "192.0.2.0/24", "2001:db8::/64". */
  readonly prefix: string;
  /** The AS the neighbors must have, or a range of acceptable AS numbers. */
  readonly peerAs?: number;
  readonly peerAsRange?: readonly [number, number];
  /** Everything else of the neighbors' configuration. */
  readonly template: Omit<PeerConfigInput, 'remoteAddress' | 'peerAs' | 'peerAsRange' | 'passive' | 'dynamic' | 'name'>;
  /** Most neighbors alive at once from this range (default 100); connections beyond are refused. */
  readonly limit?: number;
}

interface RangeEntry {
  readonly def: DynamicRange;
  readonly range: AddressRange;
  readonly peers: Set<Peer>;
}

export class BgpListener {
  private readonly log: Logger;
  private readonly byAddress = new Map<string, Peer>();
  private readonly ranges: RangeEntry[] = [];
  private readonly listeners: Listener[] = [];
  private readonly created: ((p: Peer) => void)[] = [];
  private readonly removed: ((p: Peer) => void)[] = [];

  constructor(private readonly deps: PeerDeps) {
    this.log = (deps.logger ?? silentLogger).child({ component: 'listener' });
  }

  /** Bind one address/port (call again for more, e.g. '0.0.0.0' and '::' with ipv6Only). */
  async listen(opts: ListenOptions): Promise<Endpoint> {
    const l = await this.deps.transport.listen(opts, (c) => this.accept(c));
    this.listeners.push(l);
    this.log.info('listening', { local: endpointText(l.local) });
    return l.local;
  }

  /** The local endpoints bound. */
  get endpoints(): Endpoint[] {
    return this.listeners.map((l) => l.local);
  }

  /** Route connections from the peer's address to it. */
  add(peer: Peer): void {
    this.byAddress.set(peer.config.remoteAddress, peer);
  }

  remove(peer: Peer): void {
    if (this.byAddress.get(peer.config.remoteAddress) === peer) this.byAddress.delete(peer.config.remoteAddress);
  }

  peer(address: string): Peer | undefined {
    const a = canonicalAddress(address);
    return a === null ? undefined : this.byAddress.get(a);
  }

  /** Accept dynamic neighbors from a range. Returns the configuration problems (none: added). */
  addRange(def: DynamicRange): PeerConfigProblem[] {
    const range = parseRange(def.prefix);
    if (range === null) return [{ key: 'prefix', reason: `not a prefix: ${JSON.stringify(def.prefix)}` }];
    const probe = resolvePeerConfig({ ...def.template, remoteAddress: canonicalAddress(ipOf(range)) ?? '0.0.0.0',
      ...(def.peerAs !== undefined ? { peerAs: def.peerAs } : {}), ...(def.peerAsRange !== undefined ? { peerAsRange: def.peerAsRange } : {}),
      passive: true, dynamic: true });
    if (!probe.ok) return probe.problems;
    if (def.limit !== undefined && !(Number.isInteger(def.limit) && def.limit >= 1)) {
      return [{ key: 'limit', reason: `must be a positive integer, got ${def.limit}` }];
    }
    this.ranges.push({ def, range, peers: new Set() });
    return [];
  }

  /** Called for each dynamic neighbor created, before its first connection is handed over (attach handlers here). */
  onPeerCreated(fn: (p: Peer) => void): void {
    this.created.push(fn);
  }

  /** Called when a dynamic neighbor's session has ended and it is removed. */
  onPeerRemoved(fn: (p: Peer) => void): void {
    this.removed.push(fn);
  }

  /** Dynamic neighbors alive now. */
  get dynamicPeers(): Peer[] {
    return this.ranges.flatMap((r) => [...r.peers]);
  }

  async close(): Promise<void> {
    await Promise.all(this.listeners.splice(0).map((l) => l.close()));
  }

  private accept(conn: Connection): void {
    const addr = conn.remote.address;
    const peer = this.byAddress.get(addr);
    if (peer !== undefined) {
      this.log.debug('incoming connection', { peer: peer.name, remote: endpointText(conn.remote) });
      peer.acceptConnection(conn);
      return;
    }
    const r = this.ranges.find((x) => inRange(addr, x.range));
    if (r === undefined) {
      this.log.info('connection from an unknown address refused', { remote: endpointText(conn.remote) });
      conn.destroy();
      return;
    }
    const limit = r.def.limit ?? 100;
    if (r.peers.size >= limit) {
      this.log.warn('dynamic neighbor limit reached; connection refused', { range: r.def.name, limit, remote: addr });
      conn.destroy();
      return;
    }
    let peer2: Peer;
    try {
      peer2 = Peer.create({ ...r.def.template, name: `${r.def.name}-${addr}`, remoteAddress: addr,
        ...(r.def.peerAs !== undefined ? { peerAs: r.def.peerAs } : {}),
        ...(r.def.peerAsRange !== undefined ? { peerAsRange: r.def.peerAsRange } : {}),
        passive: true, dynamic: true }, this.deps);
    } catch (e) {
      this.log.error('dynamic neighbor could not be created', { range: r.def.name, remote: addr, error: errorMessage(e) });
      conn.destroy();
      return;
    }
    r.peers.add(peer2);
    this.byAddress.set(addr, peer2);
    this.log.info('dynamic neighbor created', { range: r.def.name, remote: addr });
    for (const fn of this.created) fn(peer2);
    // Removed once back in Idle (its session is over; a new connection creates a new neighbor). Deferred so that
    // the step that went to Idle finishes (its 'down' event included) first.
    peer2.on('state', ({ to }) => {
      if (to !== 'Idle') return;
      queueMicrotask(() => {
        if (peer2.state !== 'Idle' || !r.peers.has(peer2)) return;
        r.peers.delete(peer2);
        if (this.byAddress.get(addr) === peer2) this.byAddress.delete(addr);
        peer2.close();
        this.log.info('dynamic neighbor removed', { range: r.def.name, remote: addr });
        for (const fn of this.removed) fn(peer2);
      });
    });
    peer2.start();
    peer2.acceptConnection(conn);
  }
}

function ipOf(r: AddressRange): string {
  if (r.family === 4) return Array.from(r.bytes).join('.');
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((r.bytes[i]! << 8) | r.bytes[i + 1]!).toString(16));
  return g.join(':');
}
