// In-memory transport: a MemoryNetwork of listening endpoints and connected pairs of duplex byte streams, for
// tests and for the lab's in-process runtime. It behaves like TCP where the session layer can tell: bytes arrive
// in order but asynchronously (never inside the writer's call), writes are coalesced or re-split at arbitrary
// boundaries (`chunker`), a reader that stops reading makes the writer's buffer grow and write() return false
// (flow control), end() delivers what was written before the close, destroy() drops it, and connecting to an
// address nobody listens on fails with ECONNREFUSED.
import { canonicalAddress } from './address.js';
import type {
  ConnectAttempt, ConnectCallback, ConnectOptions, Connection, ConnectionHandlers, Endpoint, Listener,
  ListenOptions, Transport,
} from './types.js';

export interface MemoryNetworkOptions {
  /**
   * How the bytes queued for a reader are cut into delivered chunks. Receives everything pending (joined) and
   * returns the chunks to deliver, in order, together covering it exactly. Default: one chunk per delivery.
   */
  readonly chunker?: (pending: Uint8Array) => Uint8Array[];
  /** A reader whose unread bytes exceed this makes the writer's write() return false (default 64 KiB). */
  readonly highWaterMark?: number;
  /** Give up connecting to a listener that does not exist with this error (default ECONNREFUSED). */
  readonly refuseWith?: string;
}

const EMPTY = new Uint8Array(0);

function join(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export class MemoryConnection implements Connection {
  other!: MemoryConnection;
  private handlers: ConnectionHandlers | null = null;
  /** Bytes the other side wrote that we have not delivered yet. */
  private inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  private paused = false;
  private scheduled = false;
  /** We closed (end/destroy): no more handler calls here. */
  private closed = false;
  /** The other side ended (FIN) after the bytes now in the inbox, or reset (RST) with `resetError`. */
  private peerEnded = false;
  private resetError: string | undefined;
  private closeReported = false;
  /** The writer was told write() === false and waits for drain. */
  private writerBlocked = false;

  constructor(readonly local: Endpoint, readonly remote: Endpoint, private readonly net: MemoryNetwork) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** The host went away: nothing more is delivered here or sent from here, and the other side is not told. */
  vanish(): void {
    this.closed = true;
    this.inbox = [];
    this.inboxBytes = 0;
    this.other.blackholed = true;
  }

  /** Writes to this side are silently lost (the other side vanished). */
  blackholed = false;

  attach(h: ConnectionHandlers): void {
    this.handlers = h;
    this.schedule();
  }

  write(bytes: Uint8Array): boolean {
    if (this.closed || this.peerEnded) return false;
    return this.other.receive(bytes);
  }

  get writeBuffered(): number {
    return this.other.inboxBytes;
  }

  pauseReading(): void {
    this.paused = true;
  }

  resumeReading(): void {
    this.paused = false;
    this.schedule();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.blackholed) this.other.peerEnd(undefined);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.inbox = [];
    this.inboxBytes = 0;
    if (!this.blackholed) this.other.peerEnd('ECONNRESET');
  }

  /** Bytes from the other side. */
  private receive(bytes: Uint8Array): boolean {
    if (this.closed || this.blackholed) return true; // written into a closed socket: lost, as TCP would (the writer learns on close)
    if (bytes.length === 0) return true;
    this.inbox.push(bytes);
    this.inboxBytes += bytes.length;
    this.schedule();
    const ok = this.inboxBytes < this.net.highWaterMark;
    if (!ok) this.writerBlocked = true;
    return ok;
  }

  private peerEnd(reset: string | undefined): void {
    this.peerEnded = true;
    if (reset !== undefined) {
      this.resetError = reset;
      this.inbox = [];
      this.inboxBytes = 0;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.deliver();
    });
  }

  private deliver(): void {
    const h = this.handlers;
    if (h === null || this.closed) return;
    if (!this.paused && this.inboxBytes > 0) {
      const all = join(this.inbox, this.inboxBytes);
      this.inbox = [];
      this.inboxBytes = 0;
      const chunks = this.net.chunker === undefined ? [all] : this.net.chunker(all);
      for (const c of chunks) {
        if (this.closed || this.paused) {
          // The reader closed or paused itself while handling a chunk: keep the rest for later (or drop it).
          if (!this.closed) { this.inbox.push(c); this.inboxBytes += c.length; }
          continue;
        }
        if (c.length > 0) h.data(c);
      }
      if (this.writerBlocked && this.inboxBytes < this.net.highWaterMark) {
        this.writerBlocked = false;
        this.other.notifyDrain();
      }
    }
    if (this.peerEnded && (this.inboxBytes === 0 || this.resetError !== undefined) && !this.closed && !this.closeReported) {
      this.closeReported = true;
      this.closed = true;
      h.close(this.resetError ?? 'connection closed by peer');
    }
  }

  private notifyDrain(): void {
    queueMicrotask(() => {
      if (!this.closed) this.handlers?.drain();
    });
  }
}

class MemoryListener implements Listener {
  constructor(readonly local: Endpoint, private readonly net: MemoryNetwork) {}
  close(): Promise<void> {
    this.net.unlisten(this.local);
    return Promise.resolve();
  }
}

/** A set of in-process endpoints. One network is one "internet": addresses are whatever the callers use. */
export class MemoryNetwork implements Transport {
  readonly chunker: ((pending: Uint8Array) => Uint8Array[]) | undefined;
  readonly highWaterMark: number;
  private readonly refuseWith: string;
  private readonly listeners = new Map<string, (c: Connection) => void>();
  private nextPort = 40000;
  /** Connections made so far (for tests that count attempts). */
  connectAttempts = 0;
  private readonly live = new Set<MemoryConnection>();

  constructor(opts: MemoryNetworkOptions = {}) {
    this.chunker = opts.chunker;
    this.highWaterMark = opts.highWaterMark ?? 65536;
    this.refuseWith = opts.refuseWith ?? 'ECONNREFUSED';
  }

  private key(address: string, port: number): string {
    return `${canonicalAddress(address) ?? address}|${port}`;
  }

  private lookup(address: string, port: number): ((c: Connection) => void) | undefined {
    const a = canonicalAddress(address) ?? address;
    return this.listeners.get(this.key(a, port)) ??
      this.listeners.get(this.key(a.includes(':') ? '::' : '0.0.0.0', port)) ??
      // A dual-stack '::' listener also accepts IPv4, as a node:net server on '::' does.
      (a.includes(':') ? undefined : this.listeners.get(this.key('::', port)));
  }

  connect(o: ConnectOptions, cb: ConnectCallback): ConnectAttempt {
    this.connectAttempts++;
    let cancelled = false;
    queueMicrotask(() => {
      if (cancelled) return;
      const accept = this.lookup(o.remote.address, o.remote.port);
      if (accept === undefined) { cb(this.refuseWith, null); return; }
      const localAddr = canonicalAddress(o.localAddress ?? '') ?? (o.remote.address.includes(':') ? '::1' : '127.0.0.1');
      const local: Endpoint = { address: localAddr, port: o.localPort !== undefined && o.localPort !== 0 ? o.localPort : this.nextPort++ };
      const remote: Endpoint = { address: canonicalAddress(o.remote.address) ?? o.remote.address, port: o.remote.port };
      const a = new MemoryConnection(local, remote, this);
      const b = new MemoryConnection(remote, local, this);
      a.other = b;
      b.other = a;
      this.live.add(a);
      this.live.add(b);
      // The connecting side learns first, the listening side one turn later (as a SYN-ACK precedes accept()),
      // so that two speakers connecting to each other at once really end up with two connections (§6.8).
      cb(null, a);
      queueMicrotask(() => accept(b));
    });
    return { cancel: () => { cancelled = true; } };
  }

  listen(o: ListenOptions, onConnection: (conn: Connection) => void): Promise<Listener> {
    const port = o.port === 0 ? this.nextPort++ : o.port;
    const k = this.key(o.address, port);
    if (this.listeners.has(k)) return Promise.reject(new Error(`EADDRINUSE ${o.address} ${port}`));
    this.listeners.set(k, onConnection);
    return Promise.resolve(new MemoryListener({ address: canonicalAddress(o.address) ?? o.address, port }, this));
  }

  unlisten(e: Endpoint): void {
    this.listeners.delete(this.key(e.address, e.port));
  }

  /** Open connection ends (both sides of every pair), optionally only those whose local address is `address`. */
  connections(address?: string): MemoryConnection[] {
    const a = address === undefined ? undefined : canonicalAddress(address) ?? address;
    const out: MemoryConnection[] = [];
    for (const c of this.live) {
      if (c.isClosed) { this.live.delete(c); continue; }
      if (a === undefined || c.local.address === a) out.push(c);
    }
    return out;
  }

  /**
   * A host that loses power: every connection whose local address is `address` stops without a FIN or RST (the
   * other sides notice only through their hold timers), and its listeners disappear.
   */
  crash(address: string): void {
    for (const c of this.connections(address)) c.vanish();
    const a = canonicalAddress(address) ?? address;
    for (const k of [...this.listeners.keys()]) if (k.startsWith(`${a}|`)) this.listeners.delete(k);
  }
}

/** A chunker that cuts the stream into pieces of the given sizes, cycling (e.g. [1] = one octet at a time). */
export function fixedChunks(sizes: readonly number[]): (b: Uint8Array) => Uint8Array[] {
  let k = 0;
  return (b) => {
    const out: Uint8Array[] = [];
    for (let o = 0; o < b.length;) {
      const n = Math.max(1, sizes[k++ % sizes.length]!);
      out.push(b.subarray(o, Math.min(b.length, o + n)));
      o += n;
    }
    return out.length === 0 ? [EMPTY] : out;
  };
}

/** A chunker with pseudo-random piece sizes in [1, max] from a seed (deterministic). */
export function randomChunks(seed: number, max: number): (b: Uint8Array) => Uint8Array[] {
  let x = seed >>> 0 || 1;
  return (b) => {
    const out: Uint8Array[] = [];
    for (let o = 0; o < b.length;) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      const n = 1 + (x % max);
      out.push(b.subarray(o, Math.min(b.length, o + n)));
      o += n;
    }
    return out;
  };
}
