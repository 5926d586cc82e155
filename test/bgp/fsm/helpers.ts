// Shared fixtures for the FSM tests: a configuration, named setups that reach each state through real events
// (never by building a state object by hand), output constructors, and the runner for transition-table rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createFsm, step, eventNumber, TIMERS,
  type DownReason, type EventName, type FsmConfigInput, type FsmInput, type FsmOutput, type FsmState,
  type Notification, type OpenInfo, type StateName, type TimerName,
} from '../../../src/bgp/fsm/index.js';

export function ip(s: string): number {
  const p = s.split('.').map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export const LOCAL_AS = 65001;
export const PEER_AS = 65002;
export const LOCAL_ID = ip('192.0.2.1');
export const PEER_ID = ip('192.0.2.2');

export const BASE: FsmConfigInput = { localAs: LOCAL_AS, localBgpId: LOCAL_ID, peerAs: PEER_AS };

export const OPEN_OK: OpenInfo = { version: 4, as: PEER_AS, holdTime: 90, bgpId: PEER_ID, capabilities: ['caps'] };
export const bytes = (...b: number[]) => new Uint8Array(b);
export const NONE = new Uint8Array(0);

// ---- inputs ----
export const I = {
  open: (o: Partial<OpenInfo> = {}): FsmInput => ({ type: 'BGPOpen', open: { ...OPEN_OK, ...o } }),
  notif: (code: number, subcode: number, data: Uint8Array = NONE): FsmInput =>
    ({ type: 'NotifMsg', notification: { code, subcode, data } }),
  headerErr: (subcode: number, data: Uint8Array = NONE): FsmInput =>
    ({ type: 'BGPHeaderErr', error: { code: 1, subcode, data } }),
  openErr: (subcode: number, data: Uint8Array = NONE): FsmInput =>
    ({ type: 'BGPOpenMsgErr', error: { code: 2, subcode, data } }),
  updateErr: (subcode: number, data: Uint8Array = NONE): FsmInput =>
    ({ type: 'UpdateMsgErr', error: { code: 3, subcode, data } }),
  simple: (type: FsmInput['type']): FsmInput => ({ type } as FsmInput),
};

// ---- outputs ----
export const start = (name: TimerName, seconds: number): FsmOutput => ({ type: 'StartTimer', name, seconds });
export const stop = (name: TimerName): FsmOutput => ({ type: 'StopTimer', name });
export const CONNECT: FsmOutput = { type: 'ConnectTcp' };
export const DROP: FsmOutput = { type: 'DropTcp' };
export const REJECT: FsmOutput = { type: 'RejectTcp' };
export const OPEN: FsmOutput = { type: 'SendOpen' };
export const KA: FsmOutput = { type: 'SendKeepalive' };
export const RELEASE: FsmOutput = { type: 'ReleaseResources' };
export const DELETE: FsmOutput = { type: 'DeleteRoutes' };
export const notify = (code: number, subcode: number, data: Uint8Array = NONE): FsmOutput =>
  ({ type: 'SendNotification', code, subcode, data });
export const down = (from: StateName, reason: DownReason): FsmOutput => ({ type: 'SessionDown', from, reason });
export const R = {
  unexpected: (event: EventName): DownReason => ({ kind: 'unexpectedEvent', event }),
  sent: (code: number, subcode: number, data: Uint8Array = NONE): DownReason =>
    ({ kind: 'notificationSent', code, subcode, data }),
  notSent: (code: number, subcode: number, data: Uint8Array = NONE): DownReason =>
    ({ kind: 'errorNotSent', code, subcode, data }),
  received: (code: number, subcode: number, data: Uint8Array = NONE): DownReason =>
    ({ kind: 'notificationReceived', code, subcode, data }),
  tcp: { kind: 'tcpFailed' } as DownReason,
  hold: { kind: 'holdTimerExpired' } as DownReason,
  collision: { kind: 'collision' } as DownReason,
  manual: (subcode = 2): DownReason => ({ kind: 'manualStop', subcode }),
  auto: (subcode: number, data: Uint8Array = NONE): DownReason => ({ kind: 'automaticStop', subcode, data }),
};

// ---- setups ----
export type Setup =
  | 'Idle' | 'Idle/holding' | 'Connect' | 'Connect/delayOpen' | 'Active' | 'Active/delayOpen'
  | 'OpenSent' | 'OpenConfirm' | 'Established';

export interface SetupOptions {
  readonly config?: Partial<FsmConfigInput>;
  /** Skip the failure prologue: counter 0 and IdleHoldTime at its initial value. */
  readonly fresh?: boolean;
  /** Hold time in the peer's OPEN (default 90). */
  readonly peerHold?: number;
}

function feed(s: FsmState, ...inputs: FsmInput[]): FsmState {
  for (const i of inputs) s = step(s, i).state;
  return s;
}

/**
 * Reach a state through real events. Unless `fresh`, the path first fails once (an unexpected KEEPALIVE in
 * Connect/Active) and restarts through the IdleHoldTimer, so ConnectRetryCounter = 1 and IdleHoldTime = 10 s
 * (5 s doubled): counter changes to 0, 1 (unchanged) and 2 are then all distinguishable.
 */
export function setup(name: Setup, opts: SetupOptions = {}): FsmState {
  const delay = name.endsWith('/delayOpen');
  const passive = name.startsWith('Active');
  const config = { ...BASE, ...(delay ? { delayOpen: true } : {}), ...opts.config };
  let s = createFsm(config);
  if (name === 'Idle') return s;
  const startInput: FsmInput = { type: passive ? 'ManualStart_with_PassiveTcpEstablishment' : 'ManualStart' };
  s = feed(s, startInput);
  if (!opts.fresh || name === 'Idle/holding') {
    s = feed(s, { type: 'KeepAliveMsg' });
    assert.equal(s.state, 'Idle');
    assert.equal(s.connectRetryCounter, 1);
    if (name === 'Idle/holding') return s;
    s = feed(s, { type: 'IdleHoldTimer_Expires' });
  }
  assert.equal(s.state, passive ? 'Active' : 'Connect');
  if (name === 'Connect' || name === 'Active') return s;
  s = feed(s, { type: passive ? 'TcpConnectionConfirmed' : 'Tcp_CR_Acked' });
  if (delay) {
    assert.equal(s.timers.DelayOpenTimer, true);
    return s;
  }
  assert.equal(s.state, 'OpenSent');
  if (name === 'OpenSent') return s;
  s = feed(s, I.open({ holdTime: opts.peerHold ?? 90 }));
  assert.equal(s.state, 'OpenConfirm');
  if (name === 'OpenConfirm') return s;
  s = feed(s, { type: 'KeepAliveMsg' });
  assert.equal(s.state, 'Established');
  return s;
}

// ---- table rows ----
export interface Row {
  readonly from: Setup;
  readonly input: FsmInput;
  /** Expected classified event (default: the input's type). */
  readonly event?: EventName;
  readonly to: StateName;
  readonly out: readonly FsmOutput[];
  readonly counter: number;
  /** Expected IdleHoldTime (s) after the step. */
  readonly idleHold?: number;
  readonly opts?: SetupOptions;
  readonly note?: string;
}

export function rowName(r: Row): string {
  const ev = r.event ?? r.input.type;
  const n = eventNumber(ev);
  const cfg = r.opts?.config ? ` ${JSON.stringify(r.opts.config)}` : '';
  const extra = [r.opts?.fresh ? 'fresh' : '', r.opts?.peerHold !== undefined ? `peer hold ${r.opts.peerHold}` : '']
    .filter(Boolean).join(', ');
  return `${r.from}${cfg}${extra ? ` (${extra})` : ''} + ${ev}${n ? ` (${n})` : ''}${r.note ? ` [${r.note}]` : ''} → ${r.to}`;
}

/** Timers running after a step must be exactly: before − stopped − expired + started. */
export function checkTimerBookkeeping(before: FsmState, input: FsmInput, after: FsmState, out: readonly FsmOutput[]): void {
  const running = new Set<TimerName>(TIMERS.filter((t) => before.timers[t]));
  const expired = input.type.endsWith('_Expires') ? (input.type.replace('_Expires', '') as TimerName) : undefined;
  if (expired !== undefined) running.delete(expired);
  for (const o of out) {
    if (o.type === 'StartTimer') running.add(o.name);
    if (o.type === 'StopTimer') {
      assert.ok(running.has(o.name), `StopTimer ${o.name} for a timer that is not running`);
      running.delete(o.name);
    }
  }
  assert.deepEqual(TIMERS.filter((t) => after.timers[t]), TIMERS.filter((t) => running.has(t)));
}

export function runRows(title: string, rows: readonly Row[]): void {
  for (const r of rows) {
    test(`${title}: ${rowName(r)}`, () => {
      const s = setup(r.from, r.opts);
      const snapshot = JSON.stringify(s);
      const res = step(s, r.input);
      assert.equal(res.event, r.event ?? r.input.type, 'classified event');
      assert.equal(res.state.state, r.to, 'next state');
      assert.deepEqual(res.outputs, r.out, 'outputs');
      assert.equal(res.state.connectRetryCounter, r.counter, 'ConnectRetryCounter');
      if (r.idleHold !== undefined) assert.equal(res.state.idleHoldTime, r.idleHold, 'IdleHoldTime');
      checkTimerBookkeeping(s, r.input, res.state, res.outputs);
      assert.equal(JSON.stringify(s), snapshot, 'step() must not modify its input state');
    });
  }
}

export type { Notification };
