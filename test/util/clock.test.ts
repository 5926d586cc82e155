import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/util/clock.js';

test('FakeClock fires timers in due order, including timers set by timers', () => {
  const c = new FakeClock(1000);
  const fired: string[] = [];
  c.setTimeout(() => fired.push(`b@${c.now()}`), 20);
  c.setTimeout(() => {
    fired.push(`a@${c.now()}`);
    c.setTimeout(() => fired.push(`c@${c.now()}`), 5);
  }, 10);
  c.advance(14);
  assert.deepEqual(fired, ['a@1010']);
  assert.equal(c.now(), 1014);
  c.advance(100);
  assert.deepEqual(fired, ['a@1010', 'c@1015', 'b@1020']);
  assert.equal(c.now(), 1114);
});

test('FakeClock clearTimeout cancels and step() jumps to the next timer', () => {
  const c = new FakeClock();
  let n = 0;
  const h = c.setTimeout(() => (n += 1), 50);
  c.setTimeout(() => (n += 10), 70);
  c.clearTimeout(h);
  assert.equal(c.timerCount, 1);
  assert.equal(c.step(), true);
  assert.equal(c.now(), 70);
  assert.equal(n, 10);
  assert.equal(c.step(), false);
});
