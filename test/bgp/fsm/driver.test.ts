// Timing sequences through the pure driver under a FakeClock: keepalive every hold/3, hold expiry, connect retry,
// delay open, IdleHoldTime backoff doubling and its reset after a stable period, RFC 4271 §10 jitter, and the
// driver's own rules (an overdue timer fires before a later input; a late wake-up fires a timer once).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createDriver, deadlinesOf, driverAdvance, driverInput, type DriverState, type FsmInput, type FsmOutput,
} from '../../../src/bgp/fsm/index.js';
import { BASE, I, OPEN_OK } from './helpers.js';
import { Harness, gaps, type Peer } from './harness.js';

const S = 1000;

function establish(h: Harness, peerHold = 90): void {
  h.input({ type: 'ManualStart' });
  h.input({ type: 'Tcp_CR_Acked' });
  h.input(I.open({ holdTime: peerHold }));
  h.input({ type: 'KeepAliveMsg' });
  assert.equal(h.state, 'Established');
}

test('keepalive every hold/3 while the peer talks; hold timer expiry 90 s after its last message', () => {
  const h = new Harness({ ...BASE, holdTime: 90 });
  establish(h);
  for (let t = 30; t <= 300; t += 30) h.later(t * S, { type: 'KeepAliveMsg' });
  h.advance(300 * S);
  assert.equal(h.state, 'Established');
  h.advance(90 * S - 1);
  assert.equal(h.state, 'Established', 'still up 1 ms before the hold time');
  h.advance(1);
  assert.equal(h.state, 'Idle');
  // Our KEEPALIVEs: the one answering the OPEN at 0, then every 30 s; the one due at 390 s loses the tie with the
  // HoldTimer (TIMERS order) and is never sent.
  const expected = Array.from({ length: 13 }, (_, i) => i * 30 * S);
  assert.deepEqual(h.times('SendKeepalive'), expected);
  const n = h.log.find((l) => l.action.type === 'SendNotification');
  assert.deepEqual(n, { t: 390 * S, action: { type: 'SendNotification', code: 4, subcode: 0, data: new Uint8Array(0) } });
  const downs = h.log.filter((l) => l.action.type === 'SessionDown').map((l) => l.action);
  assert.deepEqual(downs, [{ type: 'SessionDown', from: 'Established', reason: { kind: 'holdTimerExpired' } }]);
});

test('UPDATEs received restart the hold timer, UPDATEs sent restart the keepalive timer', () => {
  const h = new Harness({ ...BASE, holdTime: 30 });
  establish(h, 30); // hold 30, keepalive 10
  h.later(5 * S, { type: 'UpdateSent' });
  h.later(25 * S, { type: 'UpdateMsg', update: 'u' });
  h.advance(54 * S);
  assert.equal(h.state, 'Established', 'hold restarted at 25 s: expires at 55 s');
  h.advance(1 * S);
  assert.equal(h.state, 'Idle');
  // Keepalives: 0 (answer to OPEN), then 15 (5 + 10, restarted by the UPDATE sent), 25, 35, 45.
  assert.deepEqual(h.times('SendKeepalive'), [0, 15 * S, 25 * S, 35 * S, 45 * S]);
});

test('hold time 0: no KEEPALIVEs and no hold timer, the session stays up without traffic', () => {
  const h = new Harness({ ...BASE, holdTime: 90 });
  establish(h, 0);
  assert.equal(h.d.fsm.holdTime, 0);
  h.advance(3600 * S);
  assert.equal(h.state, 'Established');
  assert.deepEqual(h.times('SendKeepalive'), [0], 'only the KEEPALIVE that answers the OPEN');
  assert.deepEqual(h.remaining(), {});
});

test('connect retry: a new TCP attempt every ConnectRetryTime while nobody answers', () => {
  const h = new Harness({ ...BASE });
  h.input({ type: 'ManualStart' });
  h.advance(360 * S);
  assert.deepEqual(h.times('ConnectTcp'), [0, 120 * S, 240 * S, 360 * S]);
  assert.deepEqual(h.times('DropTcp'), [120 * S, 240 * S, 360 * S], 'the pending attempt is dropped first');
  assert.equal(h.state, 'Connect');

  const fast = new Harness({ ...BASE, connectRetryTime: 30 });
  fast.input({ type: 'ManualStart_with_PassiveTcpEstablishment' });
  fast.advance(60 * S);
  // Passive start: listen first, then (not a `passive` configuration) connect after ConnectRetryTime.
  assert.deepEqual(fast.times('ConnectTcp'), [30 * S, 60 * S]);
});

test('a passive configuration never initiates TCP', () => {
  const h = new Harness({ ...BASE, passive: true, connectRetryTime: 10 });
  h.input({ type: 'ManualStart' });
  h.advance(600 * S);
  assert.deepEqual(h.times('ConnectTcp'), []);
  assert.equal(h.state, 'Active');
});

test('delay open: our OPEN goes out DelayOpenTime after the connection, or at once when theirs comes first', () => {
  const h = new Harness({ ...BASE, delayOpen: true, delayOpenTime: 5 });
  h.input({ type: 'ManualStart' });
  h.later(1 * S, { type: 'Tcp_CR_Acked' });
  h.advance(6 * S - 1);
  assert.deepEqual(h.times('SendOpen'), []);
  h.advance(1);
  assert.deepEqual(h.times('SendOpen'), [6 * S]);
  assert.equal(h.state, 'OpenSent');
  assert.equal(h.remaining().HoldTimer, 240, 'large hold timer while waiting for their OPEN');

  const g = new Harness({ ...BASE, delayOpen: true, delayOpenTime: 5 });
  g.input({ type: 'ManualStart' });
  g.later(1 * S, { type: 'Tcp_CR_Acked' });
  g.later(3 * S, I.open());
  g.advance(10 * S);
  assert.deepEqual(g.times('SendOpen'), [3 * S]);
  assert.deepEqual(g.times('SendKeepalive'), [3 * S]);
  assert.equal(g.state, 'OpenConfirm');
});

/**
 * A peer that accepts every connection, completes the handshake, answers each KEEPALIVE, and kills the i-th session
 * upFor(i) ms after it came up.
 */
function flappingPeer(upFor: (attempt: number) => number): Peer {
  let attempt = 0;
  return (a: FsmOutput) => {
    switch (a.type) {
      case 'ConnectTcp': return [[10, { type: 'Tcp_CR_Acked' }]];
      case 'SendOpen': return [[10, { type: 'BGPOpen', open: OPEN_OK }]];
      case 'SendKeepalive': return [[10, { type: 'KeepAliveMsg' }]];
      case 'SessionUp': return [[upFor(attempt++), { type: 'TcpConnectionFails' }]];
      default: return [];
    }
  };
}
function waitsAfterDown(h: Harness): number[] {
  const downs = h.times('SessionDown');
  const connects = h.times('ConnectTcp');
  return downs.map((d) => connects.find((c) => c > d)).filter((c): c is number => c !== undefined)
    .map((c, i) => c - downs[i]!);
}

test('IdleHold backoff: a flapping peer waits 5, 10, 20, ... s, capped at idleHoldTimeMax', () => {
  const h = new Harness({ ...BASE }, flappingPeer(() => 1 * S));
  h.input({ type: 'ManualStart' });
  h.advance(1500 * S);
  const waits = waitsAfterDown(h).slice(0, 9);
  assert.deepEqual(waits, [5, 10, 20, 40, 80, 160, 300, 300, 300].map((x) => x * S));
  assert.ok(h.times('SessionUp').length >= 9);
});

test('IdleHold backoff resets after idleHoldResetTime of stable session, not before', () => {
  for (const [stable, expectWait] of [[300 * S, 5 * S], [299 * S, 80 * S]] as const) {
    // Attempts 0-3 flap after 1 s (waits 5, 10, 20, 40 → IdleHoldTime now 80); attempt 4 stays up `stable`.
    const h = new Harness({ ...BASE, idleHoldResetTime: 300 }, flappingPeer((i) => (i === 4 ? stable : 1 * S)));
    h.input({ type: 'ManualStart' });
    h.advance(800 * S);
    const waits = waitsAfterDown(h);
    assert.deepEqual(waits.slice(0, 5), [5 * S, 10 * S, 20 * S, 40 * S, expectWait], `stable for ${stable} ms`);
  }
});

test('connection refused: retried every IdleHoldTime without backoff (the counter does not move)', () => {
  const peer: Peer = (a) => (a.type === 'ConnectTcp' ? [[1, { type: 'TcpConnectionFails', error: 'ECONNREFUSED' }]] : []);
  const h = new Harness({ ...BASE }, peer);
  h.input({ type: 'ManualStart' });
  h.advance(30 * S);
  assert.deepEqual(gaps(h.times('ConnectTcp')), Array(5).fill(5 * S + 1));
  assert.equal(h.d.fsm.connectRetryCounter, 0);
});

test('jitter (RFC 4271 §10): ConnectRetry and Keepalive in (0.75, 1] of their value, Hold exact', () => {
  const h = new Harness({ ...BASE, connectRetryTime: 100 }, undefined, 0x9e3779b9);
  h.input({ type: 'ManualStart' });
  h.advance(1000 * S);
  const cr = gaps(h.times('ConnectTcp'));
  assert.ok(cr.length >= 9);
  for (const g of cr) assert.ok(g > 75 * S && g <= 100 * S, `connect retry gap ${g}`);
  assert.ok(new Set(cr).size > 1, 'jittered values differ');

  const k = new Harness({ ...BASE }, undefined, 12345);
  establish(k);
  for (let t = 10; t <= 600; t += 10) k.later(t * S, { type: 'KeepAliveMsg' });
  k.advance(600 * S);
  const ka = gaps(k.times('SendKeepalive'));
  assert.ok(ka.length >= 20);
  for (const g of ka) assert.ok(g > 22.5 * S && g <= 30 * S, `keepalive gap ${g}`);
  assert.ok(new Set(ka).size > 1);
  k.advance(90 * S);
  const n = k.log.find((l) => l.action.type === 'SendNotification');
  assert.equal(n?.t, 690 * S, 'the hold timer is not jittered');
});

test('jitter is deterministic for a seed and absent with seed 0', () => {
  const run = (seed: number) => {
    const h = new Harness({ ...BASE, connectRetryTime: 100 }, undefined, seed);
    h.input({ type: 'ManualStart' });
    h.advance(500 * S);
    return h.times('ConnectTcp');
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
  assert.deepEqual(run(0), [0, 100 * S, 200 * S, 300 * S, 400 * S, 500 * S]);
});

function establishedDriver(): DriverState {
  let d = createDriver({ ...BASE }, { jitterSeed: 0 });
  const inputs: FsmInput[] = [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, I.open(), { type: 'KeepAliveMsg' }];
  for (const i of inputs) d = driverInput(d, 0, i).state;
  return d;
}

test('an input arriving after an overdue deadline is processed after that timer fires', () => {
  const d = establishedDriver();
  assert.deepEqual(deadlinesOf(d), { HoldTimer: 90 * S, KeepaliveTimer: 30 * S });
  const r = driverInput(d, 95 * S, { type: 'KeepAliveMsg' });
  // The keepalive due at 30 s fires first; restarted from `now` (95 s) it does not fire again before the hold timer.
  assert.deepEqual(r.steps.map((s) => [s.at, s.event, s.from, s.to]), [
    [30 * S, 'KeepaliveTimer_Expires', 'Established', 'Established'],
    [90 * S, 'HoldTimer_Expires', 'Established', 'Idle'],
    [95 * S, 'KeepAliveMsg', 'Idle', 'Idle'],
  ]);
  assert.equal(r.state.fsm.state, 'Idle');
  assert.ok(r.actions.some((a) => a.type === 'SendNotification' && a.code === 4));
  assert.equal(r.state.fsm.lastDown?.kind, 'holdTimerExpired');
});

test('a late wake-up fires each due timer once and re-arms from the current time', () => {
  let d = createDriver({ ...BASE }, { jitterSeed: 0 });
  d = driverInput(d, 0, { type: 'ManualStart' }).state;
  assert.equal(deadlinesOf(d).ConnectRetryTimer, 120 * S);
  const r = driverAdvance(d, 500 * S);
  assert.equal(r.actions.filter((a) => a.type === 'ConnectTcp').length, 1);
  assert.equal(r.nextDeadline, 620 * S);
  assert.deepEqual(driverAdvance(r.state, 600 * S).actions, [], 'nothing due: no-op');
});

test('the driver removes timer outputs from actions and keeps deadlines in step with the FSM', () => {
  const d = establishedDriver();
  const r = driverInput(d, 10 * S, { type: 'UpdateMsg', update: 1 });
  assert.deepEqual(r.actions, [{ type: 'ProcessUpdate', update: 1 }]);
  assert.equal(deadlinesOf(r.state).HoldTimer, 100 * S);
  assert.equal(r.nextDeadline, 30 * S);
  const running = Object.entries(r.state.fsm.timers).filter(([, on]) => on).map(([n]) => n).sort();
  assert.deepEqual(Object.keys(deadlinesOf(r.state)).sort(), running);
});
