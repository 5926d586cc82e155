import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initialHysteresis, observe, type HysteresisState } from '../../src/health/hysteresis.js';

function run(results: boolean[], rise: number, fall: number, start: HysteresisState = initialHysteresis) {
  let s = start;
  const states: string[] = [];
  for (const ok of results) {
    s = observe(s, ok, rise, fall).next;
    states.push(s.state);
  }
  return states;
}

test('rise: up only after `rise` consecutive successes; a failure in between restarts the count', () => {
  assert.deepEqual(run([true, true, true], 3, 2), ['unknown', 'unknown', 'up']);
  assert.deepEqual(run([true, true, false, true, true, true], 3, 2),
    ['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'up']);
});

test('fall: down only after `fall` consecutive failures; a success in between restarts the count', () => {
  const up: HysteresisState = { state: 'up', okStreak: 0, failStreak: 0 };
  assert.deepEqual(run([false, true, false, false], 3, 2, up), ['up', 'up', 'up', 'down']);
});

test('from unknown, failures need `fall` and successes need `rise`', () => {
  assert.deepEqual(run([false, false], 3, 2), ['unknown', 'down']);
  assert.deepEqual(run([false], 3, 1), ['down']);
});

test('pending is set by a disagreeing result and cleared by an agreeing one', () => {
  const up: HysteresisState = { state: 'up', okStreak: 0, failStreak: 0 };
  const a = observe(up, false, 3, 3);
  assert.equal(a.pending, true);
  assert.equal(a.changed, false);
  const b = observe(a.next, true, 3, 3);
  assert.equal(b.pending, false);
  const c = observe(observe(b.next, false, 3, 2).next, false, 3, 2);
  assert.equal(c.changed, true);
  assert.equal(c.next.state, 'down');
  assert.equal(c.pending, false, 'a completed change is no longer pending');
});

test('property: the state changes exactly when the trailing run reaches rise/fall', () => {
  fc.assert(fc.property(fc.array(fc.boolean(), { maxLength: 60 }), fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 1, max: 5 }), (results, rise, fall) => {
      let s = initialHysteresis;
      let run = 0;
      let last: boolean | null = null;
      for (const ok of results) {
        run = ok === last ? run + 1 : 1;
        last = ok;
        const prev = s.state;
        const st = observe(s, ok, rise, fall);
        s = st.next;
        const target = ok ? 'up' : 'down';
        if (prev === target) assert.equal(st.changed, false);
        else assert.equal(st.changed, run >= (ok ? rise : fall) && (ok ? s.okStreak === 0 : s.failStreak === 0));
      }
    }));
});
