import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { advance, ceiling, decayed, initialDamping, recordFlap, reuseAt } from '../../src/agent/damping.js';
import type { DampingConfig } from '../../src/agent/config/types.js';

const cfg: DampingConfig = { enabled: true, penalty: 1000, halfLifeMs: 60_000, suppress: 3000, reuse: 750, maxSuppressMs: 15 * 60_000 };
const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

test('the penalty halves every half-life', () => {
  const s = recordFlap(initialDamping(0), cfg, 0);
  close(s.penalty, 1000);
  close(decayed(s, cfg, 60_000), 500);
  close(decayed(s, cfg, 120_000), 250);
  close(decayed(s, cfg, 30_000), 1000 / Math.SQRT2);
});

test('failures add up with decay; suppression starts at the suppress threshold', () => {
  let s = initialDamping(0);
  s = recordFlap(s, cfg, 0); // 1000
  s = recordFlap(s, cfg, 0); // 2000
  assert.equal(s.suppressed, false);
  s = recordFlap(s, cfg, 60_000); // 1000 + 1000 = 2000
  close(s.penalty, 2000);
  assert.equal(s.suppressed, false);
  s = recordFlap(s, cfg, 60_000); // 3000 → suppressed
  close(s.penalty, 3000);
  assert.equal(s.suppressed, true);
  assert.equal(s.flaps, 4);
});

test('reuse time is t + half-life * log2(penalty / reuse), and the state is released exactly then', () => {
  let s = initialDamping(0);
  for (let i = 0; i < 3; i++) s = recordFlap(s, cfg, 0);
  assert.equal(s.suppressed, true);
  const r = reuseAt(s, cfg)!;
  // 3000 → 750 is two half-lives.
  assert.ok(Math.abs(r - 120_000) <= 2, `reuse at ${r}`);
  assert.equal(advance(s, cfg, r - 3).suppressed, true);
  assert.equal(advance(s, cfg, r).suppressed, false);
});

test('the penalty is capped so that suppression never outlasts max-suppress after the last failure', () => {
  const short = { ...cfg, maxSuppressMs: 3 * 60_000 };
  close(ceiling(short), 750 * 2 ** 3);
  let s = initialDamping(0);
  for (let i = 0; i < 100; i++) s = recordFlap(s, short, i * 1000);
  close(s.penalty, 6000);
  const r = reuseAt(s, short)!;
  assert.ok(r - 99_000 <= short.maxSuppressMs + 2 && r - 99_000 >= short.maxSuppressMs - 2, `reuse ${r - 99_000} ms after`);
});

test('disabled damping counts flaps but never suppresses', () => {
  const off = { ...cfg, enabled: false };
  let s = initialDamping(0);
  for (let i = 0; i < 10; i++) s = recordFlap(s, off, 0);
  assert.equal(s.suppressed, false);
  assert.equal(s.penalty, 0);
  assert.equal(s.flaps, 10);
});

test('property: decay is multiplicative over any split of the interval', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 0, max: 600_000 }), (a, b) => {
    const s = recordFlap(initialDamping(0), cfg, 0);
    const direct = decayed(s, cfg, a + b);
    const stepped = decayed(advance(s, cfg, a), cfg, a + b);
    assert.ok(Math.abs(direct - stepped) < 1e-6 || (direct < 1e-6 && stepped < 1e-6));
  }));
});
