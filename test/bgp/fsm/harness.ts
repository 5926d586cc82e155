// A miniature I/O layer for driver tests: the pure driver on a FakeClock, arming one clock timer at the driver's
// next deadline exactly as the real peer layer does, and recording every action with the time it happened.
// An optional scripted peer reacts to our actions (e.g. answers ConnectTcp with a connection and an OPEN).
import {
  createDriver, driverAdvance, driverInput, timersRemaining,
  type DriverResult, type DriverState, type DriverStep, type FsmConfigInput, type FsmInput, type FsmOutput,
} from '../../../src/bgp/fsm/index.js';
import { FakeClock, type TimerHandle } from '../../../src/util/clock.js';

export interface Logged {
  readonly t: number;
  readonly action: FsmOutput;
}

/** Reacts to an action; returns inputs to feed, each after a delay in ms. */
export type Peer = (action: FsmOutput, h: Harness) => readonly [number, FsmInput][];

export class Harness {
  readonly clock = new FakeClock(0);
  d: DriverState;
  readonly log: Logged[] = [];
  readonly steps: DriverStep[] = [];
  private handle: TimerHandle | undefined;

  constructor(config: FsmConfigInput, private readonly peer?: Peer, jitterSeed = 0) {
    this.d = createDriver(config, { jitterSeed });
  }

  get state() {
    return this.d.fsm.state;
  }

  input(i: FsmInput): void {
    this.absorb(driverInput(this.d, this.clock.now(), i));
  }

  /** Feed `i` after `ms` (through the clock, so timers due earlier fire first). */
  later(ms: number, i: FsmInput): void {
    this.clock.setTimeout(() => this.input(i), ms);
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  remaining() {
    return timersRemaining(this.d, this.clock.now());
  }

  /** Times (ms) of the logged actions of one type. */
  times(type: FsmOutput['type']): number[] {
    return this.log.filter((l) => l.action.type === type).map((l) => l.t);
  }

  private absorb(r: DriverResult): void {
    this.d = r.state;
    this.steps.push(...r.steps);
    for (const a of r.actions) this.log.push({ t: this.clock.now(), action: a });
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    if (r.nextDeadline !== undefined) {
      this.handle = this.clock.setTimeout(() => {
        this.handle = undefined;
        this.absorb(driverAdvance(this.d, this.clock.now()));
      }, r.nextDeadline - this.clock.now());
    }
    if (this.peer) {
      for (const a of r.actions) for (const [ms, i] of this.peer(a, this)) this.later(ms, i);
    }
  }
}

/** Gaps between consecutive values. */
export function gaps(xs: readonly number[]): number[] {
  return xs.slice(1).map((x, i) => x - xs[i]!);
}
