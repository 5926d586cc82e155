// Response rate limiting under a fake clock: the token bucket, the debt window, slip, per-prefix accounting
// (/24, /56), categories, exemptions; and the responder applying it to UDP only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/util/clock.js';
import { ResponseRateLimiter, clientPrefix } from '../../src/dns/rrl.js';
import { decode, query, responder } from './helpers.js';

test('prefixes: /24 for IPv4, /56 for IPv6, IPv4-mapped counts as IPv4', () => {
  assert.equal(clientPrefix('192.0.2.77', 24, 56), '192.0.2.0/24');
  assert.equal(clientPrefix('::ffff:192.0.2.77', 24, 56), '192.0.2.0/24');
  assert.equal(clientPrefix('2001:db8:1:22ff:1::1', 24, 56), '2001:db8:1:2200::/56');
  assert.equal(clientPrefix('nonsense', 24, 56), undefined);
});

test('a bucket allows its rate per second, then drops with every 2nd reply slipped', () => {
  const clock = new FakeClock();
  const rrl = new ResponseRateLimiter({ responsesPerSecond: 5, slip: 2, window: 2 }, clock);
  const verdicts = Array.from({ length: 11 }, () => rrl.check('192.0.2.1', 'answer', 'www'));
  assert.deepEqual(verdicts, ['send', 'send', 'send', 'send', 'send', 'drop', 'slip', 'drop', 'slip', 'drop', 'slip']);
  // Same prefix, other host: same account. Other prefix: its own.
  assert.equal(rrl.check('192.0.2.200', 'answer', 'www'), 'drop');
  assert.equal(rrl.check('192.0.3.1', 'answer', 'www'), 'send');
  // Another name from the same prefix: its own account.
  assert.equal(rrl.check('192.0.2.1', 'answer', 'mail'), 'send');
  assert.deepEqual(rrl.stats(), { accounts: 3, dropped: 4, slipped: 3 });
});

test('debt: a flood keeps the account negative until it has been quiet for a while (window)', () => {
  const clock = new FakeClock();
  const rrl = new ResponseRateLimiter({ responsesPerSecond: 10, slip: 0, window: 3 }, clock);
  for (let i = 0; i < 200; i++) rrl.check('198.51.100.1', 'answer', 'x');
  // Debt is capped at window × rate = 30 tokens; after 2 s (20 tokens back) still limited, after 3.2 s free.
  clock.advance(2000);
  assert.equal(rrl.check('198.51.100.1', 'answer', 'x'), 'drop');
  clock.advance(3200);
  assert.equal(rrl.check('198.51.100.1', 'answer', 'x'), 'send');
});

test('categories: NXDOMAIN per zone at its own rate, errors per prefix; slip 0 drops all; exempt prefixes', () => {
  const clock = new FakeClock();
  const rrl = new ResponseRateLimiter({ responsesPerSecond: 100, nxdomainsPerSecond: 2, errorsPerSecond: 1, slip: 0,
    exempt: ['203.0.113.0/24'] }, clock);
  assert.deepEqual([1, 2, 3].map(() => rrl.check('192.0.2.1', 'nxdomain', 'zone')), ['send', 'send', 'drop']);
  assert.deepEqual([1, 2].map((i) => rrl.check('192.0.2.1', 'error', `n${i}`)), ['send', 'drop']);
  for (let i = 0; i < 50; i++) assert.equal(rrl.check('203.0.113.9', 'nxdomain', 'zone'), 'send');
});

test('the responder rate-limits UDP replies and never TCP; slipped replies are truncated and empty', () => {
  const clock = new FakeClock();
  const r = responder({ rrl: { responsesPerSecond: 3, slip: 2 }, clock });
  const q = query('www.example.com');
  const out = Array.from({ length: 8 }, () => r.handle(q, { address: '192.0.2.5', transport: 'udp' }));
  assert.equal(out.filter((b) => b !== null && !decode(b).tc).length, 3);
  const slipped = out.filter((b) => b !== null && decode(b).tc);
  assert.equal(slipped.length, 2);
  assert.equal(decode(slipped[0]!).answers!.length, 0);
  assert.equal(out.filter((b) => b === null).length, 3);
  for (let i = 0; i < 10; i++) assert.ok(!decode(r.handle(q, { address: '192.0.2.5', transport: 'tcp' })!).tc);
  assert.ok(!decode(r.handle(q, { address: '198.51.100.5', transport: 'udp' })!).tc, 'another prefix is answered');
  assert.equal(r.stats().dropped.rrl, 3);
  assert.equal(r.stats().rrlSlipped, 2);
});
