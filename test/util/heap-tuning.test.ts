// The daemons' heap growth step: the default, the ANYCAST_HEAP_GROWTH override, and what a bad value gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAEMON_HEAP_GROWTH_PERCENT, tuneDaemonHeap } from '../../src/util/heap-tuning.js';

test('heap growth step: default, override, V8 default on 0, default on a bad value', () => {
  assert.equal(tuneDaemonHeap({}), DAEMON_HEAP_GROWTH_PERCENT);
  assert.equal(tuneDaemonHeap({ ANYCAST_HEAP_GROWTH: '30' }), 30);
  assert.equal(tuneDaemonHeap({ ANYCAST_HEAP_GROWTH: 'lots' }), DAEMON_HEAP_GROWTH_PERCENT);
  assert.equal(tuneDaemonHeap({ ANYCAST_HEAP_GROWTH: '-5' }), DAEMON_HEAP_GROWTH_PERCENT);
  assert.equal(tuneDaemonHeap({ ANYCAST_HEAP_GROWTH: '0' }), 0);
});
