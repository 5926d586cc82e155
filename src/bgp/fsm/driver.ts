// The session driver: the FSM plus its timer table, still pure. It turns StartTimer/StopTimer outputs into
// absolute deadlines on the caller's clock, fires due timers as their *_Expires events, applies RFC 4271 §10
// jitter, and tells the I/O layer the one deadline it has to arm. The I/O layer then only:
//   1. feeds events:          r = driverInput(d, clock.now(), input)
//   2. executes r.actions     (ConnectTcp, SendOpen, SendNotification, DropTcp, SessionUp, ...) in order
//   3. arms one timer at r.nextDeadline and calls driverAdvance(d, clock.now()) when it fires.
// Times are milliseconds on whatever clock the caller uses (src/util/clock.ts: SystemClock or FakeClock).
//
// Jitter (RFC 4271 §10): ConnectRetryTimer and KeepaliveTimer are multiplied by a factor in (0.75, 1], drawn from
// a xorshift32 generator kept in the state (so the driver stays a pure function of its inputs); seed 0 = off.
import type { FsmConfigInput } from './config.js';
import { createFsm, step } from './step.js';
import type {
  EventName, FsmInput, FsmOutput, FsmState, StateName, TimerName,
} from './types.js';
import { TIMERS } from './types.js';

export interface DriverOptions {
  /** Non-zero: apply RFC 4271 §10 jitter using this seed (the I/O layer passes a random value). 0: no jitter. */
  readonly jitterSeed: number;
}

export interface DriverState {
  readonly fsm: FsmState;
  /**
   * Absolute deadline (ms) of each timer, indexed like TIMERS; NaN when it is not running. An array rather than a
   * record keeps the per-UPDATE path cheap; deadlinesOf() gives the record view.
   */
  readonly at: readonly number[];
  /** xorshift32 state; 0 when jitter is off. */
  readonly rng: number;
}

export interface DriverStep {
  /** When the event was processed (its timer's deadline for expiries, else the input's `now`). */
  readonly at: number;
  readonly event: EventName;
  readonly from: StateName;
  readonly to: StateName;
  readonly outputs: readonly FsmOutput[];
}

export interface DriverResult {
  readonly state: DriverState;
  /** The outputs to execute, in order, without the timer outputs (the driver has handled those). */
  readonly actions: readonly FsmOutput[];
  /** Each FSM step taken: expired timers first, then the input. For logs and tests. */
  readonly steps: readonly DriverStep[];
  /** Earliest deadline (ms), or undefined when no timer runs. */
  readonly nextDeadline: number | undefined;
}

const JITTERED: ReadonlySet<TimerName> = new Set<TimerName>(['ConnectRetryTimer', 'KeepaliveTimer']);

const EXPIRES: Record<TimerName, FsmInput> = {
  ConnectRetryTimer: { type: 'ConnectRetryTimer_Expires' },
  HoldTimer: { type: 'HoldTimer_Expires' },
  KeepaliveTimer: { type: 'KeepaliveTimer_Expires' },
  DelayOpenTimer: { type: 'DelayOpenTimer_Expires' },
  IdleHoldTimer: { type: 'IdleHoldTimer_Expires' },
  IdleHoldResetTimer: { type: 'IdleHoldResetTimer_Expires' },
};

const TIMER_OF: Partial<Record<FsmInput['type'], TimerName>> = Object.fromEntries(
  Object.entries(EXPIRES).map(([timer, input]) => [input.type, timer as TimerName]),
);

export function createDriver(config: FsmConfigInput, opts: DriverOptions): DriverState {
  return { fsm: createFsm(config), at: TIMERS.map(() => NaN), rng: opts.jitterSeed >>> 0 };
}

/** The running timers' deadlines (ms) by name. */
export function deadlinesOf(d: DriverState): Partial<Record<TimerName, number>> {
  const out: Partial<Record<TimerName, number>> = {};
  TIMERS.forEach((t, i) => {
    const at = d.at[i]!;
    if (!Number.isNaN(at)) out[t] = at;
  });
  return out;
}

function xorshift32(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

/** The earliest deadline, or undefined. */
export function nextDeadline(d: DriverState): number | undefined {
  let min: number | undefined;
  for (const at of d.at) if (!Number.isNaN(at) && (min === undefined || at < min)) min = at;
  return min;
}

/** Seconds left on each running timer (for `show neighbor`). */
export function timersRemaining(d: DriverState, now: number): Partial<Record<TimerName, number>> {
  const out: Partial<Record<TimerName, number>> = {};
  for (const [t, at] of Object.entries(deadlinesOf(d))) out[t as TimerName] = Math.max(0, (at - now) / 1000);
  return out;
}

// The working copy of one call: deadlines as a small array indexed like TIMERS (NaN = not running), so the hot
// path (one UPDATE after another) neither deletes properties nor copies a dictionary.
interface Acc {
  fsm: FsmState;
  at: number[];
  rng: number;
  actions: FsmOutput[];
  steps: DriverStep[];
}

const INDEX: Record<TimerName, number> = Object.fromEntries(TIMERS.map((t, i) => [t, i])) as Record<TimerName, number>;
const JITTER_BY_INDEX: readonly boolean[] = TIMERS.map((t) => JITTERED.has(t));

/** One FSM step. `at` is when the event happened; timers it starts count from `base` (the current time). */
function apply(acc: Acc, at: number, base: number, input: FsmInput): void {
  const from = acc.fsm.state;
  // A timer expiry fed from outside (not by fireDue) still ends that timer.
  const expiring = TIMER_OF[input.type];
  if (expiring !== undefined) acc.at[INDEX[expiring]] = NaN;
  const r = step(acc.fsm, input);
  acc.fsm = r.state;
  for (const o of r.outputs) {
    if (o.type === 'StartTimer') {
      const i = INDEX[o.name];
      let ms = o.seconds * 1000;
      if (acc.rng !== 0 && JITTER_BY_INDEX[i]) {
        acc.rng = xorshift32(acc.rng);
        ms *= 1 - 0.25 * (acc.rng / 0x1_0000_0000);
      }
      acc.at[i] = base + Math.round(ms);
    } else if (o.type === 'StopTimer') {
      acc.at[INDEX[o.name]] = NaN;
    } else {
      acc.actions.push(o);
    }
  }
  acc.steps.push({ at, event: r.event, from, to: r.state.state, outputs: r.outputs });
}

/** Fire every timer due at or before `now`, earliest first (ties in TIMERS order). */
function fireDue(acc: Acc, now: number): void {
  // Each firing can start or stop timers; re-scan after every one. Timers started here count from `now`, not
  // from the missed deadline, so a late wake-up (a stalled process) fires each timer once instead of catching up.
  for (let guard = 0; guard < 1000; guard++) {
    let due = -1;
    let dueAt = Infinity;
    for (let i = 0; i < acc.at.length; i++) {
      const at = acc.at[i]!;
      if (at <= now && at < dueAt) { // NaN compares false
        due = i;
        dueAt = at;
      }
    }
    if (due < 0) return;
    acc.at[due] = NaN;
    apply(acc, dueAt, now, EXPIRES[TIMERS[due]!]);
  }
  throw new Error('session driver: timers keep firing (a zero-length timer loop)');
}

function finish(acc: Acc): DriverResult {
  const state: DriverState = { fsm: acc.fsm, at: acc.at, rng: acc.rng };
  return { state, actions: acc.actions, steps: acc.steps, nextDeadline: nextDeadline(state) };
}

function begin(d: DriverState): Acc {
  return { fsm: d.fsm, at: d.at.slice(), rng: d.rng, actions: [], steps: [] };
}

/** Process `input` at time `now`, after firing any timer that was already due (it happened first). */
export function driverInput(d: DriverState, now: number, input: FsmInput): DriverResult {
  const acc = begin(d);
  fireDue(acc, now);
  apply(acc, now, now, input);
  return finish(acc);
}

/** Fire the timers due at `now` (call when the armed timer fires, or any time: nothing due is a no-op). */
export function driverAdvance(d: DriverState, now: number): DriverResult {
  const acc = begin(d);
  fireDue(acc, now);
  return finish(acc);
}

/** The same driver as a small stateful object, for the peer layer's convenience. Still no I/O and no clock. */
export class SessionDriver {
  private d: DriverState;
  constructor(config: FsmConfigInput, opts: DriverOptions) {
    this.d = createDriver(config, opts);
  }
  get state(): DriverState {
    return this.d;
  }
  get fsm(): FsmState {
    return this.d.fsm;
  }
  get nextDeadline(): number | undefined {
    return nextDeadline(this.d);
  }
  input(now: number, input: FsmInput): DriverResult {
    const r = driverInput(this.d, now, input);
    this.d = r.state;
    return r;
  }
  advance(now: number): DriverResult {
    const r = driverAdvance(this.d, now);
    this.d = r.state;
    return r;
  }
  timersRemaining(now: number): Partial<Record<TimerName, number>> {
    return timersRemaining(this.d, now);
  }
}
