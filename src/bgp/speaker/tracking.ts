// A transport (and a clock) wrapper that remembers every open connection (and pending timer), so that the speaker can drop them all at once
// without a NOTIFICATION (graceful restart, RFC 4724 §4.1: the peers see the TCP session end and keep our
// routes as stale) — what a crash does, on purpose.
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { ConnectAttempt, ConnectCallback, ConnectOptions, Connection, ConnectionHandlers, Listener, ListenOptions, Transport } from '../transport/types.js';

export class TrackingTransport implements Transport {
  private readonly open = new Set<Connection>();

  constructor(private readonly inner: Transport) {}

  private track(c: Connection): Connection {
    this.open.add(c);
    const attach = c.attach.bind(c);
    const self = this;
    // Forget the connection when it ends, whichever side ends it.
    const wrapped: Connection = Object.create(c) as Connection;
    Object.defineProperties(wrapped, {
      attach: { value: (h: ConnectionHandlers) => attach({ ...h, close: (e?: string) => { self.open.delete(c); h.close(e); } }) },
      end: { value: () => { self.open.delete(c); c.end(); } },
      destroy: { value: () => { self.open.delete(c); c.destroy(); } },
      write: { value: (b: Uint8Array) => c.write(b) },
      pauseReading: { value: () => c.pauseReading() },
      resumeReading: { value: () => c.resumeReading() },
      writeBuffered: { get: () => c.writeBuffered },
      local: { get: () => c.local },
      remote: { get: () => c.remote },
    });
    return wrapped;
  }

  connect(opts: ConnectOptions, cb: ConnectCallback): ConnectAttempt {
    return this.inner.connect(opts, (err, conn) => cb(err, conn === null ? null : this.track(conn)));
  }

  listen(opts: ListenOptions, onConnection: (conn: Connection) => void): Promise<Listener> {
    return this.inner.listen(opts, (c) => onConnection(this.track(c)));
  }

  /** Connections still open. */
  get size(): number {
    return this.open.size;
  }

  /** Close every connection now, without telling the BGP sessions (they are being abandoned). */
  abandonAll(): void {
    for (const c of [...this.open]) c.destroy();
    this.open.clear();
  }
}

/**
 * A clock wrapper that remembers pending timers, so that a speaker abandoned for a graceful restart can cancel
 * every session timer at once (the sessions are dropped without a word; nothing of them may run afterwards).
 */
export class TrackingClock implements Clock {
  private readonly pending = new Set<TimerHandle>();

  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const h: TimerHandle = this.inner.setTimeout(() => { this.pending.delete(h); fn(); }, ms);
    this.pending.add(h);
    return h;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    this.pending.delete(handle);
    this.inner.clearTimeout(handle);
  }

  cancelAll(): void {
    for (const h of this.pending) this.inner.clearTimeout(h);
    this.pending.clear();
  }
}
