// Time as an injected dependency. Everything that waits (BGP timers, health checks, MRAI, probes) takes a Clock,
// so that tests run it under FakeClock: deterministic, instant, and able to assert exact timings.

export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Milliseconds since an arbitrary origin (monotonic for SystemClock). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /**
   * Runs `fn` once the I/O already received has been handled. A deadline that lapsed while the process itself
   * was not running (starved of CPU, a long pause) must not beat an answer that is sitting in a socket: the
   * timer fires before the socket is read, so a timeout's verdict goes through here. Clocks without I/O (the
   * FakeClock) leave it out and the verdict is given at once.
   */
  afterIo?(fn: () => void): void;
}

/** Calls `fn` after the I/O pending right now has been read (setImmediate runs after the event loop's poll). */
export function afterPendingIo(fn: () => void): void {
  setImmediate(fn);
}

/** The real clock: performance.now() and node's timers. Timers do not keep the process alive unless `ref`. */
export class SystemClock implements Clock {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private next = 1;
  constructor(private readonly ref = true) {}
  now(): number {
    return performance.now();
  }
  afterIo(fn: () => void): void {
    afterPendingIo(fn);
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms));
    if (!this.ref) t.unref();
    this.timers.set(id, t);
    return { id };
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    const t = this.timers.get(handle.id);
    if (t !== undefined) {
      clearTimeout(t);
      this.timers.delete(handle.id);
    }
  }
}

/** A clock that moves only when told to. Timers due at the same instant fire in the order they were set. */
export class FakeClock implements Clock {
  private t: number;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  constructor(start = 0) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    this.pending.set(id, { at: this.t + Math.max(0, ms), fn });
    return { id };
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.pending.delete(handle.id);
  }
  /** Number of timers not yet fired. */
  get timerCount(): number {
    return this.pending.size;
  }
  /** Advance time by `ms`, firing every timer that falls due (including timers set by fired timers). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let dueId = -1;
      let dueAt = Infinity;
      for (const [id, p] of this.pending) {
        if (p.at <= end && (p.at < dueAt || (p.at === dueAt && id < dueId))) {
          dueAt = p.at;
          dueId = id;
        }
      }
      if (dueId < 0) break;
      const p = this.pending.get(dueId)!;
      this.pending.delete(dueId);
      this.t = Math.max(this.t, p.at);
      p.fn();
    }
    this.t = end;
  }
  /** Advance to the next due timer and fire it (and any due at the same instant); false if none is pending. */
  step(): boolean {
    let at = Infinity;
    for (const p of this.pending.values()) at = Math.min(at, p.at);
    if (at === Infinity) return false;
    this.advance(at - this.t);
    return true;
  }
}
