// Property tests (fast-check): any sequence of inputs, in any state, with any of the optional attributes, keeps
// the FSM's invariants — it never throws, its idea of running timers matches the timer outputs, each state has
// exactly the timers RFC 4271 §8.2.2 gives it, a NOTIFICATION is always followed by closing the connection, and
// SessionUp/SessionDown pair up. The driver's deadline table stays in step with the FSM under random time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  createDriver, createFsm, deadlinesOf, driverAdvance, driverInput, step, TIMERS,
  type FsmConfigInput, type FsmInput, type FsmState, type StateName, type TimerName,
} from '../../../src/bgp/fsm/index.js';
import { BASE, OPEN_OK, checkTimerBookkeeping } from './helpers.js';

const bytesArb = fc.uint8Array({ maxLength: 4 });
const notif = (code: fc.Arbitrary<number>) =>
  fc.record({ code, subcode: fc.integer({ min: 0, max: 12 }), data: bytesArb });

const simple = fc.constantFrom<FsmInput['type']>(
  'ManualStart', 'ManualStop', 'AutomaticStart', 'ManualStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_PassiveTcpEstablishment', 'AutomaticStart_with_DampPeerOscillations',
  'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment', 'ConnectRetryTimer_Expires',
  'HoldTimer_Expires', 'KeepaliveTimer_Expires', 'DelayOpenTimer_Expires', 'IdleHoldTimer_Expires',
  'IdleHoldResetTimer_Expires', 'TcpConnection_Valid', 'Tcp_CR_Invalid', 'Tcp_CR_Acked', 'TcpConnectionConfirmed',
  'TcpConnectionFails', 'OpenCollisionDump', 'KeepAliveMsg', 'UpdateMsg', 'RouteRefreshMsg', 'UpdateSent',
).map((type) => ({ type }) as FsmInput);

const openArb: fc.Arbitrary<FsmInput> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ type: 'BGPOpen', open: OPEN_OK } as FsmInput) },
  {
    weight: 1,
    arbitrary: fc.record({
      version: fc.constantFrom(3, 4, 4, 5), as: fc.constantFrom(65001, 65002, 65003),
      holdTime: fc.constantFrom(0, 1, 2, 3, 9, 90, 65535), bgpId: fc.constantFrom(0, 1, 0xc0000201, 0xfffffffe),
    }).map((open) => ({ type: 'BGPOpen', open }) as FsmInput),
  },
);

const inputArb: fc.Arbitrary<FsmInput> = fc.oneof(
  { weight: 10, arbitrary: simple },
  { weight: 3, arbitrary: openArb },
  { weight: 1, arbitrary: notif(fc.integer({ min: 1, max: 7 })).map((notification) => ({ type: 'NotifMsg', notification }) as FsmInput) },
  { weight: 1, arbitrary: notif(fc.constant(1)).map((error) => ({ type: 'BGPHeaderErr', error }) as FsmInput) },
  { weight: 1, arbitrary: notif(fc.constant(2)).map((error) => ({ type: 'BGPOpenMsgErr', error }) as FsmInput) },
  { weight: 1, arbitrary: notif(fc.constant(3)).map((error) => ({ type: 'UpdateMsgErr', error }) as FsmInput) },
  { weight: 1, arbitrary: notif(fc.constant(7)).map((error) => ({ type: 'RouteRefreshMsgErr', error }) as FsmInput) },
  {
    weight: 1,
    arbitrary: fc.record({
      subcode: fc.integer({ min: 1, max: 10 }), communication: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
    }).map((cease) => ({ type: 'ManualStop', cease }) as FsmInput),
  },
  {
    weight: 1,
    arbitrary: fc.record({ subcode: fc.integer({ min: 1, max: 10 }), restartAfter: fc.option(fc.oneof(fc.integer({ min: 1, max: 600 }), fc.constant('never' as const)), { nil: undefined }) })
      .map(({ subcode, restartAfter }) => ({ type: 'AutomaticStop', cease: { subcode }, ...(restartAfter !== undefined ? { restartAfter } : {}) }) as FsmInput),
  },
);

/** A run of inputs that drives the FSM forward, so that random sequences reach the late states often. */
const progressArb: fc.Arbitrary<FsmInput[]> = fc.constantFrom<FsmInput[]>(
  [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: OPEN_OK }, { type: 'KeepAliveMsg' }],
  [{ type: 'ManualStart_with_PassiveTcpEstablishment' }, { type: 'TcpConnectionConfirmed' }, { type: 'DelayOpenTimer_Expires' },
    { type: 'BGPOpen', open: OPEN_OK }, { type: 'KeepAliveMsg' }],
  [{ type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: OPEN_OK }, { type: 'KeepAliveMsg' }],
  [{ type: 'BGPOpen', open: OPEN_OK }, { type: 'KeepAliveMsg' }],
).map((xs) => xs.slice());
const sequenceArb: fc.Arbitrary<FsmInput[]> = fc.array(
  fc.oneof({ weight: 4, arbitrary: inputArb.map((i) => [i]) }, { weight: 1, arbitrary: progressArb }),
  { minLength: 1, maxLength: 30 },
).map((chunks) => chunks.flat());

const configArb: fc.Arbitrary<FsmConfigInput> = fc.record({
  delayOpen: fc.boolean(), passive: fc.boolean(), allowAutomaticStart: fc.boolean(), dampPeerOscillations: fc.boolean(),
  sendNotificationWithoutOpen: fc.boolean(), holdTime: fc.constantFrom(0, 3, 90), idleHoldTime: fc.constantFrom(1, 5),
}).map((c) => ({ ...BASE, ...c }));

const ALLOWED: Record<StateName, (t: TimerName) => boolean> = {
  Idle: (t) => t === 'IdleHoldTimer',
  Connect: (t) => t === 'ConnectRetryTimer' || t === 'DelayOpenTimer',
  Active: (t) => t === 'ConnectRetryTimer' || t === 'DelayOpenTimer',
  OpenSent: (t) => t === 'HoldTimer',
  OpenConfirm: (t) => t === 'HoldTimer' || t === 'KeepaliveTimer',
  Established: (t) => t === 'HoldTimer' || t === 'KeepaliveTimer' || t === 'IdleHoldResetTimer',
};

function checkInvariants(before: FsmState, input: FsmInput, after: FsmState, outputs: ReturnType<typeof step>['outputs']): void {
  checkTimerBookkeeping(before, input, after, outputs);
  const running = TIMERS.filter((t) => after.timers[t]);
  for (const t of running) assert.ok(ALLOWED[after.state](t), `${t} running in ${after.state}`);
  if (after.state === 'Connect' || after.state === 'Active') {
    assert.equal(running.length, 1, `${after.state}: exactly one of ConnectRetryTimer/DelayOpenTimer (${running})`);
  }
  if (after.state === 'OpenSent') assert.deepEqual(running, ['HoldTimer']);
  if (after.state === 'OpenConfirm' || after.state === 'Established') {
    assert.ok(after.peer !== undefined);
    assert.equal(after.timers.HoldTimer, after.holdTime !== 0);
    assert.equal(after.timers.KeepaliveTimer, after.holdTime !== 0);
    if (after.holdTime !== 0) assert.ok(after.keepaliveTime >= 1 && after.keepaliveTime <= after.holdTime / 3);
  }
  if (after.restartPending) assert.ok(after.timers.IdleHoldTimer && after.state === 'Idle');
  assert.ok(Number.isInteger(after.connectRetryCounter) && after.connectRetryCounter >= 0);
  assert.ok(after.idleHoldTime >= after.config.idleHoldTime && after.idleHoldTime <= after.config.idleHoldTimeMax);
  for (const o of outputs) {
    if (o.type === 'StartTimer') assert.ok(o.seconds > 0, `${o.name} armed with ${o.seconds} s`);
  }
  // A NOTIFICATION is always followed by closing the connection.
  const n = outputs.findIndex((o) => o.type === 'SendNotification');
  if (n >= 0) assert.ok(outputs.slice(n + 1).some((o) => o.type === 'DropTcp'), 'SendNotification without DropTcp');
  // SessionUp exactly on OpenConfirm → Established; SessionDown whenever a connection is lost.
  const up = outputs.some((o) => o.type === 'SessionUp');
  assert.equal(up, before.state === 'OpenConfirm' && after.state === 'Established');
  const down = outputs.find((o) => o.type === 'SessionDown');
  if (before.state !== 'Idle' && after.state === 'Idle') assert.ok(down, 'SessionDown on the way to Idle');
  if (down?.type === 'SessionDown') {
    assert.equal(down.from, before.state);
    assert.equal(outputs.some((o) => o.type === 'DeleteRoutes'), before.state === 'Established');
  }
  if (before.state === 'Established' && after.state !== 'Established') assert.ok(down);
}

test('property: random input sequences keep the FSM invariants', () => {
  const reached = new Set<StateName>();
  fc.assert(
    fc.property(configArb, sequenceArb, (config, inputs) => {
      let s = createFsm(config);
      for (const input of inputs) {
        const r = step(s, input);
        checkInvariants(s, input, r.state, r.outputs);
        s = r.state;
        reached.add(s.state);
      }
    }),
    { numRuns: 1500 },
  );
  // The generator must actually explore the machine, or the property proves little.
  assert.deepEqual([...reached].sort(), ['Active', 'Connect', 'Established', 'Idle', 'OpenConfirm', 'OpenSent']);
});

test('property: the driver\'s deadlines always match the FSM\'s running timers', () => {
  const op = fc.oneof(
    { weight: 3, arbitrary: inputArb.map((i) => [{ input: i }]) },
    { weight: 1, arbitrary: progressArb.map((xs) => xs.map((i) => ({ input: i }))) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 400_000 }).map((ms) => [{ ms }]) },
  );
  fc.assert(
    fc.property(configArb, fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.array(op, { maxLength: 40 }), (config, seed, chunks) => {
      const ops: ({ input: FsmInput } | { ms: number })[] = chunks.flat();
      let d = createDriver(config, { jitterSeed: seed });
      let now = 0;
      for (const o of ops) {
        const r = 'ms' in o ? driverAdvance(d, (now += o.ms)) : driverInput(d, now, o.input);
        d = r.state;
        const deadlines = deadlinesOf(d);
        const running = TIMERS.filter((t) => d.fsm.timers[t]);
        assert.deepEqual(TIMERS.filter((t) => deadlines[t] !== undefined), running);
        for (const t of running) assert.ok(deadlines[t]! > now, `${t} deadline not in the future`);
        assert.ok(r.actions.every((a) => a.type !== 'StartTimer' && a.type !== 'StopTimer'));
        const min = running.length ? Math.min(...running.map((t) => deadlines[t]!)) : undefined;
        assert.equal(r.nextDeadline, min);
        // Steps are in time order and never in the future.
        let last = -Infinity;
        for (const st of r.steps) {
          assert.ok(st.at >= last && st.at <= now);
          last = st.at;
        }
      }
    }),
    { numRuns: 500 },
  );
});
