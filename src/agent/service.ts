// One service at run time: its check runners, their combination, and its state machine. It turns check changes,
// operator drains, the maintenance file and shutdown into ServiceInputs, steps the pure FSM, keeps the transition
// history (with reasons), and arms the one Clock timer the FSM asks for (drain deadline, hold-down, damping reuse).
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { evaluateTree, leafNames } from '../health/combine.js';
import type { CheckDefinition, ProbeFactory } from '../health/checks.js';
import { canonicalJson } from './config/hash.js';
import { CheckRunner } from '../health/runner.js';
import type { Health, Observation } from '../health/types.js';
import type { ServiceConfig } from './config/types.js';
import {
  initialServiceState, nextWake, step, type FsmConfig, type ServiceFsmState, type ServiceInputs, type Transition,
} from './service-fsm.js';

export interface ServiceDeps {
  clock: Clock;
  random: () => number;
  wall: () => number;
  probes: ProbeFactory;
  logger: Logger;
  /** The service's FSM moved (or its inputs changed): the agent re-evaluates and reconciles. */
  onChange: (svc: ServiceRuntime) => void;
  onResult?: (svc: ServiceRuntime, check: string, obs: Observation) => void;
  onCheckChange?: (svc: ServiceRuntime, check: string, to: Health, from: Health, obs: Observation) => void;
}

export interface TransitionRecord extends Transition {
  wallAt: number;
}

const HISTORY = 50;

export class ServiceRuntime {
  fsm: ServiceFsmState;
  adminDrain = false;
  maintenanceFile: string | null = null;
  health: Health = 'unknown';
  healthDetail = 'no check has run yet';
  readonly transitions: TransitionRecord[] = [];
  runners = new Map<string, CheckRunner>();
  private timer: TimerHandle | undefined;
  private started = false;

  constructor(public config: ServiceConfig, private readonly deps: ServiceDeps) {
    this.fsm = initialServiceState(deps.clock.now());
    for (const c of config.checks) this.runners.set(c.name, this.makeRunner(c));
  }

  get name(): string {
    return this.config.name;
  }

  get fsmConfig(): FsmConfig {
    return { degrade: this.config.degrade, holdDownMs: this.config.holdDownMs, damping: this.config.damping };
  }

  private makeRunner(c: CheckDefinition): CheckRunner {
    return new CheckRunner(c.name, c.timing, this.deps.probes(c, this.config.name), {
      clock: this.deps.clock,
      random: this.deps.random,
      wall: this.deps.wall,
      onResult: (obs) => this.deps.onResult?.(this, c.name, obs),
      onChange: (to, from, obs) => {
        this.deps.onCheckChange?.(this, c.name, to, from, obs);
        this.refreshHealth();
        this.deps.onChange(this);
      },
    });
  }

  start(): void {
    this.started = true;
    for (const r of this.runners.values()) r.start();
  }

  stop(): void {
    this.started = false;
    for (const r of this.runners.values()) r.stop();
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Recompute the combined health from the checks' states. */
  refreshHealth(): void {
    const state = (n: string) => this.runners.get(n)?.state ?? 'unknown';
    this.health = evaluateTree(this.config.require, state);
    const names = leafNames(this.config.require);
    const detail = (n: string) => {
      const last = this.runners.get(n)?.status().last;
      return last ? `${n}: ${last.detail}` : n;
    };
    if (this.health === 'down') this.healthDetail = `checks down: ${names.filter((n) => state(n) === 'down').map(detail).join('; ')}`;
    else if (this.health === 'up') this.healthDetail = `checks up: ${names.filter((n) => state(n) === 'up').join(', ')}`;
    else this.healthDetail = `waiting for checks: ${names.filter((n) => state(n) === 'unknown').join(', ')}`;
  }

  inputs(shutdown: ServiceInputs['shutdown']): ServiceInputs {
    return {
      health: this.health, healthDetail: this.healthDetail, adminDrain: this.adminDrain,
      maintenanceFile: this.maintenanceFile, shutdown,
    };
  }

  /** Step the FSM with the current inputs; returns the transitions made. Re-arms the wake-up timer. */
  evaluate(shutdown: ServiceInputs['shutdown']): TransitionRecord[] {
    const now = this.deps.clock.now();
    const r = step(this.fsm, this.inputs(shutdown), this.fsmConfig, now);
    this.fsm = r.state;
    const recs = r.transitions.map((t) => ({ ...t, wallAt: this.deps.wall() }));
    for (const t of recs) {
      this.transitions.push(t);
      if (this.transitions.length > HISTORY) this.transitions.shift();
    }
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const wake = nextWake(this.fsm, this.fsmConfig, now);
    if (wake !== null) {
      this.timer = this.deps.clock.setTimeout(() => {
        this.timer = undefined;
        this.deps.onChange(this);
      }, Math.max(0, wake - now));
    }
    return recs;
  }

  /**
   * Take a new configuration (reload). The FSM state, operator drain and history stay; a check whose definition
   * is unchanged keeps its runner and its rise/fall counters; a new or changed check starts unknown.
   */
  reconfigure(next: ServiceConfig): { kept: string[]; replaced: string[]; removed: string[] } {
    const old = new Map(this.config.checks.map((c) => [c.name, c]));
    const runners = new Map<string, CheckRunner>();
    const kept: string[] = [];
    const replaced: string[] = [];
    for (const c of next.checks) {
      const prev = old.get(c.name);
      const runner = this.runners.get(c.name);
      if (prev && runner && canonicalJson(prev) === canonicalJson(c)) {
        runners.set(c.name, runner);
        kept.push(c.name);
      } else {
        runner?.stop();
        const r = this.makeRunner(c);
        runners.set(c.name, r);
        replaced.push(c.name);
        if (this.started) r.start();
      }
    }
    const removed = [...this.runners.keys()].filter((n) => !runners.has(n));
    for (const n of removed) this.runners.get(n)!.stop();
    this.runners = runners;
    this.config = next;
    this.refreshHealth();
    return { kept, replaced, removed };
  }
}
