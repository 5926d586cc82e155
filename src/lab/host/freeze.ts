// Freezing one speaker of a shared process, as SIGSTOP freezes a speaker that has a process of its own: its
// timers stop firing (no KEEPALIVE goes out, its own hold timers do not run: RFC 4271 §4.4, §8 Timer events),
// it stops reading its sockets (the peers' data backs up in TCP), connections that arrive or close wait, and
// nothing is lost: on thaw the overdue timers fire at once and the backlog is read, as when a stopped process
// gets SIGCONT. Its peers see exactly a silent peer whose TCP stays up, so their hold timers expire.
// What differs from SIGSTOP: the speaker's control API still answers (it runs on the shared event loop), and a
// route added through it while frozen is sent at once. The lab never does that to a frozen node.
import type { Clock, TimerHandle } from '../../util/clock.js';
import { SystemClock } from '../../util/clock.js';
import type {
  ConnectAttempt, ConnectCallback, ConnectOptions, Connection, ConnectionHandlers, Listener, ListenOptions, Transport,
} from '../../bgp/transport/types.js';

export class Freezer {
  private frozenNow = false;
  private readonly onThaw = new Set<() => void>();
  private readonly onFreeze = new Set<() => void>();

  get frozen(): boolean {
    return this.frozenNow;
  }
  freeze(): void {
    if (this.frozenNow) return;
    this.frozenNow = true;
    for (const f of [...this.onFreeze]) f();
  }
  thaw(): void {
    if (!this.frozenNow) return;
    this.frozenNow = false;
    for (const f of [...this.onThaw]) f();
  }
  /** Runs `fn` now, or at thaw when frozen. */
  run(fn: () => void): void {
    if (!this.frozenNow) return fn();
    const once = () => { this.onThaw.delete(once); fn(); };
    this.onThaw.add(once);
  }
  watch(onFreeze: () => void, onThaw: () => void): () => void {
    this.onFreeze.add(onFreeze);
    this.onThaw.add(onThaw);
    return () => { this.onFreeze.delete(onFreeze); this.onThaw.delete(onThaw); };
  }
}

/** A clock whose timers wait while frozen (time itself goes on, as it does for a stopped process). */
export class FreezableClock implements Clock {
  private readonly inner: Clock;
  constructor(private readonly freezer: Freezer, inner?: Clock) {
    this.inner = inner ?? new SystemClock();
  }
  now(): number {
    return this.inner.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const h = { id: 0, live: true };
    const inner = this.inner.setTimeout(() => this.freezer.run(() => { if (h.live) fn(); }), ms);
    h.id = inner.id;
    this.handles.set(inner.id, h);
    return h;
  }
  private readonly handles = new Map<number, { id: number; live: boolean }>();
  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    const h = this.handles.get(handle.id);
    if (h) {
      h.live = false;
      this.handles.delete(handle.id);
    }
    this.inner.clearTimeout(handle);
  }
}

class FreezableConnection implements Connection {
  private paused = false;
  private readonly unwatch: () => void;
  constructor(private readonly inner: Connection, private readonly freezer: Freezer) {
    this.unwatch = freezer.watch(() => inner.pauseReading(), () => { if (!this.paused) inner.resumeReading(); });
    if (freezer.frozen) inner.pauseReading();
  }
  get local() { return this.inner.local; }
  get remote() { return this.inner.remote; }
  get writeBuffered() { return this.inner.writeBuffered; }
  attach(h: ConnectionHandlers): void {
    this.inner.attach({
      // Data can still be in flight when the freeze starts (one chunk already read): hold it until thaw.
      data: (chunk) => {
        if (!this.freezer.frozen) return h.data(chunk);
        const copy = Uint8Array.from(chunk);
        this.freezer.run(() => h.data(copy));
      },
      close: (e) => { this.unwatch(); this.freezer.run(() => h.close(e)); },
      drain: () => this.freezer.run(() => h.drain()),
    });
  }
  write(bytes: Uint8Array): boolean { return this.inner.write(bytes); }
  pauseReading(): void { this.paused = true; this.inner.pauseReading(); }
  resumeReading(): void { this.paused = false; if (!this.freezer.frozen) this.inner.resumeReading(); }
  end(): void { this.unwatch(); this.inner.end(); }
  destroy(): void { this.unwatch(); this.inner.destroy(); }
}

/** Wraps a transport so that its connections and listeners obey the freezer. */
export class FreezableTransport implements Transport {
  constructor(private readonly inner: Transport, private readonly freezer: Freezer) {}
  connect(opts: ConnectOptions, cb: ConnectCallback): ConnectAttempt {
    return this.inner.connect(opts, (err, conn) => {
      const c = conn === null ? null : new FreezableConnection(conn, this.freezer);
      this.freezer.run(() => cb(err, c));
    });
  }
  listen(opts: ListenOptions, onConnection: (conn: Connection) => void): Promise<Listener> {
    return this.inner.listen(opts, (conn) => {
      const c = new FreezableConnection(conn, this.freezer);
      this.freezer.run(() => onConnection(c));
    });
  }
}
