// One transition in the making: a private draft of the next FsmState plus the outputs emitted so far, with the
// building blocks that RFC 4271 §8.2.2 repeats in nearly every row (start/stop a timer, start the FSM, tear the
// connection down to Idle with the right NOTIFICATION, ConnectRetryCounter change and restart policy).
// The draft is local to one step() call, so step() stays a pure function of (state, input).
//
// Deliberate choices (docs/fsm.md "Deliberate choices"):
//  - Every teardown emits outputs in one canonical order: SendNotification, StopTimer (each running timer, in
//    TIMERS order), DeleteRoutes (from Established only), ReleaseResources, DropTcp, SessionDown, then the restart
//    timer. The I/O layer executes them in order, so the NOTIFICATION is written before the socket is closed.
//  - Peer oscillation damping ("(optionally) performs peer oscillation damping") happens exactly in the rows that
//    increment the ConnectRetryCounter: the IdleHoldTimer runs with the current IdleHoldTime, which then doubles
//    (up to idleHoldTimeMax). Rows that leave the counter alone restart after the current IdleHoldTime unchanged.
import { CeaseSubcode, ceaseNotification, receivedCommunication } from './notification.js';
import type {
  CeaseRequest, DownReason, EventName, FsmOutput, FsmState, Notification, StateName, StepResult, TimerName,
} from './types.js';
import { TIMERS } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type CounterChange = 'zero' | 'inc' | 'keep';
/** After a teardown: 'auto' = IdleHoldTimer restart/damping per config; 'none' = stay Idle; n = restart after n s. */
export type RestartPolicy = 'auto' | 'none' | number;

export interface Teardown {
  readonly notify?: Notification;
  readonly counter: CounterChange;
  readonly reason: DownReason;
  readonly restart: RestartPolicy;
}

export class Tx {
  readonly s: Mutable<FsmState>;
  readonly timers: Record<TimerName, boolean>;
  readonly out: FsmOutput[] = [];

  constructor(readonly prev: FsmState, readonly event: EventName) {
    this.timers = { ...prev.timers };
    this.s = { ...prev, timers: this.timers };
  }

  get config() {
    return this.s.config;
  }

  running(name: TimerName): boolean {
    return this.timers[name];
  }

  emit(o: FsmOutput): this {
    this.out.push(o);
    return this;
  }

  /** Start, or restart, a timer. */
  start(name: TimerName, seconds: number): this {
    this.timers[name] = true;
    return this.emit({ type: 'StartTimer', name, seconds });
  }

  /** Stop a timer ("sets ... to zero"); no output when it is not running. */
  stop(name: TimerName): this {
    if (!this.timers[name]) return this;
    this.timers[name] = false;
    return this.emit({ type: 'StopTimer', name });
  }

  go(state: StateName): this {
    this.s.state = state;
    return this;
  }

  notify(n: Notification): this {
    return this.emit({ type: 'SendNotification', code: n.code, subcode: n.subcode, data: n.data });
  }

  result(): StepResult {
    return { state: this.s, outputs: this.out, event: this.event };
  }

  /**
   * Idle → Connect (or Active): RFC 4271 §8.2.2 Idle, events 1/3 and 4/5. `mode` is what the event asked for;
   * a `passive` configuration never initiates TCP, so it always lands in Active.
   * `kind`: 'manual' (events 1/4) also forgives past flapping (IdleHoldTime back to its initial value);
   * 'automatic' (3/5) zeroes the ConnectRetryCounter as the RFC says; 'damped' (the damping path: events 6/7 and
   * the IdleHoldTimer restart, whose behaviour RFC 4271 leaves open) keeps the counter, so that it counts the
   * consecutive failed attempts since the last operator or explicit automatic start.
   */
  startFsm(mode: 'active' | 'passive', kind: 'manual' | 'automatic' | 'damped'): StepResult {
    this.stop('IdleHoldTimer');
    this.s.restartPending = false;
    if (kind === 'manual') this.s.idleHoldTime = this.config.idleHoldTime;
    if (kind !== 'damped') this.s.connectRetryCounter = 0;
    this.s.startMode = mode;
    this.start('ConnectRetryTimer', this.config.connectRetryTime);
    if (mode === 'active' && !this.config.passive) {
      this.emit({ type: 'ConnectTcp' });
      this.go('Connect');
    } else {
      this.go('Active');
    }
    return this.result();
  }

  /** Any transition to Idle that ends a connection attempt or session. */
  teardown(t: Teardown): StepResult {
    const from = this.prev.state;
    if (t.notify !== undefined) this.notify(t.notify);
    for (const name of TIMERS) this.stop(name);
    if (from === 'Established') this.emit({ type: 'DeleteRoutes' });
    this.emit({ type: 'ReleaseResources' });
    this.emit({ type: 'DropTcp' });
    if (t.counter === 'zero') this.s.connectRetryCounter = 0;
    else if (t.counter === 'inc') this.s.connectRetryCounter += 1;
    this.s.lastDown = t.reason;
    this.s.peer = undefined;
    this.s.holdTime = 0;
    this.s.keepaliveTime = 0;
    this.s.restartPending = false;
    this.go('Idle');
    this.emit({ type: 'SessionDown', from, reason: t.reason });
    this.scheduleRestart(t.restart, t.counter === 'inc');
    return this.result();
  }

  private scheduleRestart(policy: RestartPolicy, failure: boolean): void {
    const c = this.config;
    if (policy === 'none') return;
    if (typeof policy === 'number') {
      this.start('IdleHoldTimer', policy);
      this.s.restartPending = true;
      return;
    }
    // The IdleHoldTimer also runs without automatic restart when damping is on, so that a later
    // AutomaticStart_with_DampPeerOscillations waits for it.
    if (!c.allowAutomaticStart && !c.dampPeerOscillations) return;
    this.start('IdleHoldTimer', this.s.idleHoldTime);
    this.s.restartPending = c.allowAutomaticStart;
    if (failure && c.dampPeerOscillations) {
      this.s.idleHoldTime = Math.min(this.s.idleHoldTime * 2, c.idleHoldTimeMax);
    }
  }

  /** ManualStop's Cease (default: Administrative Shutdown, RFC 4486) and the matching reason. */
  static manualStopCease(req: CeaseRequest | undefined): { notify: Notification; reason: DownReason } {
    const r = req ?? { subcode: CeaseSubcode.AdministrativeShutdown };
    const notify = ceaseNotification(r);
    const reason: DownReason = r.communication !== undefined
      ? { kind: 'manualStop', subcode: r.subcode, communication: r.communication }
      : { kind: 'manualStop', subcode: r.subcode };
    return { notify, reason };
  }

  static automaticStopCease(req: CeaseRequest): { notify: Notification; reason: DownReason } {
    const notify = ceaseNotification(req);
    return { notify, reason: { kind: 'automaticStop', subcode: req.subcode, data: notify.data } };
  }

  static received(n: Notification): DownReason {
    const communication = receivedCommunication(n);
    return communication !== undefined
      ? { kind: 'notificationReceived', code: n.code, subcode: n.subcode, data: n.data, communication }
      : { kind: 'notificationReceived', code: n.code, subcode: n.subcode, data: n.data };
  }

  static sent(n: Notification): DownReason {
    return { kind: 'notificationSent', code: n.code, subcode: n.subcode, data: n.data };
  }
}
