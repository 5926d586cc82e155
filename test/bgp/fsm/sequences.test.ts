// Multi-step behaviour that single table rows cannot show: the automatic restart and its options, how the
// ConnectRetryCounter counts consecutive failures, reset/shutdown cycles, and configuration checking.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FsmConfigError, checkFsmConfig, createFsm, resolveFsmConfig, step,
  type FsmConfigInput, type FsmInput, type FsmOutput, type FsmState,
} from '../../../src/bgp/fsm/index.js';
import { BASE, I, setup } from './helpers.js';

function run(s: FsmState, ...inputs: FsmInput[]): { s: FsmState; out: FsmOutput[] } {
  const out: FsmOutput[] = [];
  for (const i of inputs) {
    const r = step(s, i);
    s = r.state;
    out.push(...r.outputs);
  }
  return { s, out };
}
const fail: FsmInput = { type: 'KeepAliveMsg' }; // unexpected in Connect/Active: an attempt that fails
const restart: FsmInput = { type: 'IdleHoldTimer_Expires' };

test('damping with a passive request: the pending start remembers the mode', () => {
  const s = setup('Idle/holding');
  const { s: t } = run(s, { type: 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment' }, restart);
  assert.equal(t.state, 'Active');
});

test('ManualStop in Idle cancels a pending automatic restart', () => {
  const { s } = run(setup('Idle/holding'), { type: 'ManualStop' }, restart);
  assert.equal(s.state, 'Idle');
  assert.equal(s.restartPending, false);
});

test('without AllowAutomaticStart and damping the FSM stays Idle after a failure until started again', () => {
  const cfg: FsmConfigInput = { ...BASE, allowAutomaticStart: false, dampPeerOscillations: false };
  const { s, out } = run(createFsm(cfg), { type: 'ManualStart' }, fail);
  assert.equal(s.state, 'Idle');
  assert.ok(!out.some((o) => o.type === 'StartTimer' && o.name === 'IdleHoldTimer'));
  assert.equal(run(s, { type: 'AutomaticStart' }).s.state, 'Connect');
});

test('damping without automatic restart: AutomaticStart_with_DampPeerOscillations waits for the IdleHoldTimer', () => {
  const cfg: FsmConfigInput = { ...BASE, allowAutomaticStart: false };
  let { s } = run(createFsm(cfg), { type: 'ManualStart' }, fail);
  assert.equal(s.timers.IdleHoldTimer, true);
  assert.equal(s.restartPending, false);
  assert.equal(run(s, restart).s.state, 'Idle', 'expiry alone does not start');
  s = run(s, { type: 'AutomaticStart_with_DampPeerOscillations' }).s;
  assert.equal(s.state, 'Idle', 'waits while the IdleHoldTimer runs');
  assert.equal(run(s, restart).s.state, 'Connect');
});

test('damping off: the restart delay stays at IdleHoldTime', () => {
  let s = createFsm({ ...BASE, dampPeerOscillations: false, idleHoldTime: 7 });
  const waits: number[] = [];
  s = run(s, { type: 'ManualStart' }).s;
  for (let i = 0; i < 4; i++) {
    const r = run(s, fail);
    const t = r.out.find((o) => o.type === 'StartTimer' && o.name === 'IdleHoldTimer');
    waits.push(t?.type === 'StartTimer' ? t.seconds : -1);
    s = run(r.s, restart).s;
  }
  assert.deepEqual(waits, [7, 7, 7, 7]);
});

test('ConnectRetryCounter counts consecutive failed attempts across automatic restarts; starts zero it', () => {
  let s = run(createFsm(BASE), { type: 'ManualStart' }).s;
  for (let i = 1; i <= 3; i++) {
    s = run(s, { type: 'Tcp_CR_Acked' }, { type: 'HoldTimer_Expires' }).s;
    assert.equal(s.connectRetryCounter, i);
    s = run(s, restart).s;
    assert.equal(s.connectRetryCounter, i, 'the damped restart keeps the count');
  }
  // An operator start or an explicit AutomaticStart (RFC 4271: "sets ConnectRetryCounter to zero").
  const stopped = run(s, { type: 'ManualStop' }).s;
  assert.equal(stopped.connectRetryCounter, 0);
  const again = run(run(s, { type: 'Tcp_CR_Acked' }, { type: 'HoldTimer_Expires' }).s, { type: 'AutomaticStart' }).s;
  assert.equal(again.connectRetryCounter, 0);
});

test('neighbor reset: ManualStop with Administrative Reset then ManualStart re-establishes', () => {
  let { s, out } = run(setup('Established', { fresh: true }), { type: 'ManualStop', cease: { subcode: 4, communication: 'reset by operator' } });
  assert.equal(s.state, 'Idle');
  assert.deepEqual(s.lastDown, { kind: 'manualStop', subcode: 4, communication: 'reset by operator' });
  assert.ok(out.some((o) => o.type === 'DeleteRoutes'));
  ({ s, out } = run(s, { type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, I.open(), { type: 'KeepAliveMsg' }));
  assert.equal(s.state, 'Established');
  assert.equal(out.filter((o) => o.type === 'SessionUp').length, 1);
});

test('a peer refusing a capability: the NOTIFICATION reaches SessionDown for the retry logic', () => {
  const unsupported = new Uint8Array([2, 0]); // capability 2 (route refresh), length 0
  const { s, out } = run(setup('OpenSent'), I.notif(2, 7, unsupported));
  const d = out.find((o) => o.type === 'SessionDown');
  assert.deepEqual(d, { type: 'SessionDown', from: 'OpenSent', reason: { kind: 'notificationReceived', code: 2, subcode: 7, data: unsupported } });
  assert.equal(s.timers.IdleHoldTimer, true, 'retried automatically');
});

test('configuration: defaults, every problem reported with its key, createFsm refuses a bad one', () => {
  const c = resolveFsmConfig(BASE);
  assert.equal(c.connectRetryTime, 120);
  assert.equal(c.holdTime, 90);
  assert.equal(c.largeHoldTime, 240);
  assert.deepEqual(checkFsmConfig(c), []);
  const bad = resolveFsmConfig({
    ...BASE, localAs: 0, localBgpId: 0, holdTime: 2, minHoldTime: 1, connectRetryTime: 0, idleHoldTime: 0,
    idleHoldTimeMax: 3, keepaliveTime: 0, peerAs: 2 ** 32,
  });
  assert.deepEqual(checkFsmConfig(bad).map((p) => p.key),
    ['localAs', 'localBgpId', 'peerAs', 'holdTime', 'keepaliveTime', 'minHoldTime', 'connectRetryTime', 'idleHoldTime']);
  assert.deepEqual(checkFsmConfig(resolveFsmConfig({ ...BASE, idleHoldTime: 10, idleHoldTimeMax: 5 })).map((p) => p.key),
    ['idleHoldTimeMax']);
  assert.deepEqual(checkFsmConfig(resolveFsmConfig({ ...BASE, holdTime: 0 })), []);
  assert.throws(() => createFsm({ ...BASE, holdTime: 1 }), (e: unknown) =>
    e instanceof FsmConfigError && e.code === 'ERR_FSM_CONFIG' && /holdTime: must be 0 or 3\.\.65535/.test(e.message));
});
