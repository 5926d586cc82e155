// Runs one check on a schedule: start-up jitter, the regular interval, the fast interval while a change is
// pending, a timeout that aborts the probe, and rise/fall hysteresis. Time comes only from the injected Clock and
// I/O only from the injected Probe, so the whole schedule is exact under FakeClock.
//
// Spacing is start-to-start (like HAProxy's `inter`): the next probe starts `interval` after the previous one
// started, or immediately after it finished if it took longer. Only one probe of a check is ever in flight.
import type { Clock, TimerHandle } from '../util/clock.js';
import { errorMessage } from '../util/errors.js';
import { initialHysteresis, isPending, observe, type HysteresisState } from './hysteresis.js';
import type { CheckTiming, Health, Observation, Probe, ProbeResult } from './types.js';

export interface CheckRunnerDeps {
  clock: Clock;
  /** Uniform in [0, 1); injected so that jitter is reproducible in tests. */
  random: () => number;
  /** Epoch milliseconds for display; defaults to Date.now. */
  wall?: () => number;
  /** Called after every probe, before onChange. */
  onResult?: (obs: Observation, runner: CheckRunner) => void;
  /** Called when the check's state changes (after rise/fall). */
  onChange?: (state: Health, previous: Health, obs: Observation, runner: CheckRunner) => void;
}

export interface CheckRunnerStatus {
  name: string;
  state: Health;
  okStreak: number;
  failStreak: number;
  pending: boolean;
  probes: number;
  last: Observation | null;
  lastChange: { at: number; wallAt: number; from: Health; to: Health; detail: string } | null;
  /** Clock time of the next scheduled probe, or null while one is running / when stopped. */
  nextAt: number | null;
}

export class CheckRunner {
  private hyst: HysteresisState;
  private timer: TimerHandle | undefined;
  private timeoutTimer: TimerHandle | undefined;
  private abort: AbortController | undefined;
  private running = false;
  private stopped = true;
  private generation = 0;
  private probes = 0;
  private last: Observation | null = null;
  private lastChange: CheckRunnerStatus['lastChange'] = null;
  private nextAt: number | null = null;
  private readonly wall: () => number;

  constructor(
    readonly name: string,
    readonly timing: CheckTiming,
    private readonly probe: Probe,
    private readonly deps: CheckRunnerDeps,
    initial: HysteresisState = initialHysteresis,
  ) {
    this.hyst = initial;
    this.wall = deps.wall ?? Date.now;
  }

  get state(): Health {
    return this.hyst.state;
  }

  get hysteresis(): HysteresisState {
    return this.hyst;
  }

  /** Schedule the first probe at a random offset in [0, jitter). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const j = this.timing.jitterMs > 0 ? Math.floor(this.deps.random() * this.timing.jitterMs) : 0;
    this.schedule(Math.min(j, Math.max(0, this.timing.jitterMs - 1)));
  }

  /** Stop probing; a probe in flight is aborted and its result ignored. */
  stop(): void {
    this.stopped = true;
    this.generation++;
    this.deps.clock.clearTimeout(this.timer);
    this.deps.clock.clearTimeout(this.timeoutTimer);
    this.timer = this.timeoutTimer = undefined;
    this.abort?.abort();
    this.abort = undefined;
    this.running = false;
    this.nextAt = null;
  }

  status(): CheckRunnerStatus {
    return {
      name: this.name, state: this.hyst.state, okStreak: this.hyst.okStreak, failStreak: this.hyst.failStreak,
      pending: isPending(this.hyst), probes: this.probes, last: this.last, lastChange: this.lastChange,
      nextAt: this.nextAt,
    };
  }

  private schedule(delay: number): void {
    this.deps.clock.clearTimeout(this.timer);
    this.nextAt = this.deps.clock.now() + delay;
    this.timer = this.deps.clock.setTimeout(() => this.run(), delay);
  }

  private run(): void {
    if (this.stopped || this.running) return;
    this.timer = undefined;
    this.nextAt = null;
    this.running = true;
    const gen = this.generation;
    const started = this.deps.clock.now();
    const ac = new AbortController();
    this.abort = ac;
    let done = false;
    const finish = (r: ProbeResult, timedOut: boolean) => {
      if (done || gen !== this.generation) return;
      done = true;
      this.deps.clock.clearTimeout(this.timeoutTimer);
      this.timeoutTimer = undefined;
      this.abort = undefined;
      this.running = false;
      this.complete(r, started, timedOut);
    };
    // The verdict waits for the I/O already received: a reply that arrived while this process was not running
    // (CPU starved, a pause) is the service's answer in time, not a timeout of the service.
    const timedOut = () => {
      if (done || gen !== this.generation) return;
      ac.abort(new Error('timeout'));
      finish({ ok: false, detail: `timeout after ${this.timing.timeoutMs} ms` }, true);
    };
    this.timeoutTimer = this.deps.clock.setTimeout(() => {
      if (this.deps.clock.afterIo) this.deps.clock.afterIo(timedOut);
      else timedOut();
    }, this.timing.timeoutMs);
    let out: ProbeResult | Promise<ProbeResult>;
    try {
      out = this.probe({ signal: ac.signal, timeoutMs: this.timing.timeoutMs });
    } catch (e) {
      finish({ ok: false, detail: errorMessage(e) }, false);
      return;
    }
    if (out instanceof Promise) {
      out.then((r) => finish(r, false), (e: unknown) => finish({ ok: false, detail: errorMessage(e) }, false));
    } else {
      finish(out, false);
    }
  }

  private complete(r: ProbeResult, started: number, timedOut: boolean): void {
    const now = this.deps.clock.now();
    const obs: Observation = {
      // Microsecond precision is plenty (performance.now() has more, all noise).
      ok: r.ok, detail: r.detail, latencyMs: Math.round((now - started) * 1000) / 1000, at: now, wallAt: this.wall(), timedOut,
    };
    this.probes++;
    this.last = obs;
    const prev = this.hyst.state;
    const step = observe(this.hyst, r.ok, this.timing.rise, this.timing.fall);
    this.hyst = step.next;
    // Schedule before notifying, so that a listener that stops the runner wins.
    const spacing = step.pending ? this.timing.fastIntervalMs : this.timing.intervalMs;
    this.schedule(Math.max(0, started + spacing - now));
    this.deps.onResult?.(obs, this);
    if (step.changed) {
      this.lastChange = { at: now, wallAt: obs.wallAt, from: prev, to: step.next.state, detail: r.detail };
      this.deps.onChange?.(step.next.state, prev, obs, this);
    }
  }
}
