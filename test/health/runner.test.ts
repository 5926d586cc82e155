import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/util/clock.js';
import { CheckRunner } from '../../src/health/runner.js';
import type { CheckTiming, Health, ProbeResult } from '../../src/health/types.js';

const timing = (t: Partial<CheckTiming> = {}): CheckTiming => ({
  intervalMs: 1000, timeoutMs: 300, rise: 3, fall: 2, fastIntervalMs: 200, jitterMs: 0, ...t,
});

/** A scripted probe: answers synchronously from `ok`, recording the Clock time of each call. */
function scripted(clock: FakeClock) {
  const p = { ok: true, calls: [] as number[], detail: 'scripted' };
  const probe = (): ProbeResult => {
    p.calls.push(clock.now());
    return { ok: p.ok, detail: p.ok ? 'fine' : 'broken' };
  };
  return { p, probe };
}

test('rise: up after exactly `rise` successes, the later ones at the fast interval', () => {
  const clock = new FakeClock();
  const { p, probe } = scripted(clock);
  const changes: Array<[Health, number]> = [];
  const r = new CheckRunner('c', timing(), probe, { clock, random: () => 0, onChange: (s) => changes.push([s, clock.now()]) });
  r.start();
  clock.advance(0);
  clock.advance(1000);
  // First probe at 0 (no jitter). Pending after it → fast interval 200 ms: probes at 0, 200, 400 → up at 400.
  assert.deepEqual(p.calls.slice(0, 3), [0, 200, 400]);
  assert.deepEqual(changes, [['up', 400]]);
  // No longer pending: back to the regular interval.
  assert.deepEqual(p.calls.slice(3), []);
  clock.advance(1000);
  assert.deepEqual(p.calls.slice(3), [1400]);
});

test('fall: down after `fall` failures, detected within interval + (fall-1) x fast interval', () => {
  const clock = new FakeClock();
  const { p, probe } = scripted(clock);
  let downAt = -1;
  const r = new CheckRunner('c', timing({ rise: 1 }), probe, {
    clock, random: () => 0, onChange: (s) => { if (s === 'down') downAt = clock.now(); },
  });
  r.start();
  clock.advance(0);
  assert.equal(r.state, 'up');
  clock.advance(500);
  p.ok = false; // fails at t=500; next probe at 1000
  clock.advance(2000);
  assert.equal(downAt, 1200, 'probe at 1000 fails (pending), fast probe at 1200 fails → down');
  assert.ok(downAt - 500 <= 1000 + 200);
});

test('a single disagreeing result switches to the fast interval; an agreeing one switches back', () => {
  const clock = new FakeClock();
  const { p, probe } = scripted(clock);
  const r = new CheckRunner('c', timing({ rise: 1, fall: 3 }), probe, { clock, random: () => 0 });
  r.start();
  clock.advance(0); // up at 0
  clock.advance(999);
  p.ok = false;
  clock.advance(1); // t=1000 fails → pending
  assert.equal(r.status().pending, true);
  assert.equal(r.status().nextAt, 1200);
  p.ok = true;
  clock.advance(200); // t=1200 succeeds → not pending
  assert.equal(r.status().pending, false);
  assert.equal(r.status().nextAt, 2200);
  assert.equal(r.state, 'up');
});

test('start-up jitter: the first probe is within [0, jitter), spread by the random source', () => {
  for (const rnd of [0, 0.25, 0.5, 0.999999]) {
    const clock = new FakeClock();
    const { p, probe } = scripted(clock);
    const r = new CheckRunner('c', timing({ jitterMs: 800 }), probe, { clock, random: () => rnd });
    r.start();
    clock.advance(800);
    assert.ok(p.calls[0]! >= 0 && p.calls[0]! < 800, `first probe at ${p.calls[0]} for random ${rnd}`);
    assert.equal(p.calls[0], Math.floor(rnd * 800));
    r.stop();
  }
});

test('timeout: a probe that does not answer fails after timeoutMs and is aborted', async () => {
  const clock = new FakeClock();
  let aborted = false;
  const r = new CheckRunner('c', timing({ rise: 1, fall: 1 }), ({ signal }) => new Promise<ProbeResult>(() => {
    signal.addEventListener('abort', () => { aborted = true; });
  }), { clock, random: () => 0 });
  r.start();
  clock.advance(299);
  assert.equal(r.status().last, null);
  clock.advance(1);
  assert.equal(aborted, true);
  const last = r.status().last!;
  assert.equal(last.ok, false);
  assert.equal(last.timedOut, true);
  assert.equal(last.latencyMs, 300);
  assert.equal(r.state, 'down');
});

test('timeout: an answer already received when the deadline is seen wins over the timeout', async () => {
  // A clock with I/O: the timeout's verdict is handed to afterIo, as the system clock does after the poll phase.
  class IoClock extends FakeClock {
    readonly deferred: Array<() => void> = [];
    afterIo(fn: () => void): void {
      this.deferred.push(fn);
    }
  }
  const clock = new IoClock();
  let answer: ((r: ProbeResult) => void) | undefined;
  let aborted = false;
  const r = new CheckRunner('c', timing({ rise: 1, fall: 1 }), ({ signal }) => new Promise<ProbeResult>((res) => {
    answer = res;
    signal.addEventListener('abort', () => { aborted = true; });
  }), { clock, random: () => 0 });
  r.start();
  clock.advance(300);
  // The deadline has passed but nothing is decided yet: the answer waiting in the socket is read first.
  assert.equal(r.status().last, null);
  assert.equal(clock.deferred.length, 1);
  answer!({ ok: true, detail: 'late but there' });
  await Promise.resolve();
  for (const f of clock.deferred.splice(0)) f();
  assert.equal(aborted, false);
  assert.equal(r.status().last!.ok, true);
  assert.equal(r.status().last!.timedOut, false);
  assert.equal(r.state, 'up');
  // With no answer by then, the deferred verdict is the timeout.
  clock.advance(1000);
  assert.equal(clock.deferred.length, 1);
  for (const f of clock.deferred.splice(0)) f();
  assert.equal(aborted, true);
  assert.equal(r.status().last!.timedOut, true);
  assert.equal(r.state, 'down');
});

async function probeStarts(delay: number, until: number): Promise<{ starts: number[]; latency: number }> {
  const clock = new FakeClock();
  const starts: number[] = [];
  const r = new CheckRunner('c', timing({ intervalMs: 1000, timeoutMs: 2000, fastIntervalMs: 1000, rise: 1 }),
    () => {
      starts.push(clock.now());
      return new Promise<ProbeResult>((res) => clock.setTimeout(() => res({ ok: true, detail: '' }), delay));
    }, { clock, random: () => 0 });
  r.start();
  for (let t = 0; t < until; t += 50) {
    clock.advance(50);
    await new Promise((res) => setImmediate(res));
  }
  return { starts, latency: r.status().last!.latencyMs };
}

test('spacing is start-to-start, and a slow probe delays the next one to its completion', async () => {
  const fast = await probeStarts(250, 3100);
  assert.deepEqual(fast.starts, [0, 1000, 2000, 3000]);
  assert.equal(fast.latency, 250);
  const slow = await probeStarts(1300, 4000);
  assert.deepEqual(slow.starts, [0, 1300, 2600, 3900], 'never two probes of one check at once');
  assert.equal(slow.latency, 1300);
});

test('a throwing or rejecting probe is a failure with its message', async () => {
  const clock = new FakeClock();
  const r = new CheckRunner('c', timing({ fall: 1 }), () => { throw new Error('boom'); }, { clock, random: () => 0 });
  r.start();
  clock.advance(0);
  assert.equal(r.status().last!.detail, 'boom');
  assert.equal(r.state, 'down');
  const r2 = new CheckRunner('c', timing({ fall: 1 }), () => Promise.reject(new Error('nope')), { clock, random: () => 0 });
  r2.start();
  clock.advance(0);
  await new Promise((res) => setImmediate(res));
  assert.equal(r2.status().last!.detail, 'nope');
});

test('stop() cancels the schedule and ignores a result still in flight', async () => {
  const clock = new FakeClock();
  let resolve: (r: ProbeResult) => void = () => {};
  const r = new CheckRunner('c', timing(), () => new Promise<ProbeResult>((res) => { resolve = res; }), { clock, random: () => 0 });
  r.start();
  clock.advance(0);
  r.stop();
  resolve({ ok: true, detail: '' });
  await new Promise((res) => setImmediate(res));
  assert.equal(r.status().probes, 0);
  assert.equal(clock.timerCount, 0);
});
