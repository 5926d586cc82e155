// The benchmarks' median: the middle value, or the mean of the two middle ones; order of the input irrelevant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median } from '../../bench/stats.js';

test('median of odd and even counts, in any order; none is an error', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([1.79, 1.65]), 1.72);
  assert.equal(median([5]), 5);
  const xs = [9, 1, 7];
  median(xs);
  assert.deepEqual(xs, [9, 1, 7], 'the input is not sorted in place');
  assert.throws(() => median([]), /no values/);
});
