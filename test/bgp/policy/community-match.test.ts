// Community patterns: exact, wildcards and ranges per field; well-known names; large and extended communities.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommunityPattern, ExtCommunityPattern, LargeCommunityPattern } from '../../../src/bgp/policy/community-match.js';
import { NO_EXPORT } from '../../../src/bgp/rib/communities.js';

const c = (a: number, b: number) => a * 65536 + b;

test('standard community patterns', () => {
  const cases: [string, number, boolean][] = [
    ['64500:100', c(64500, 100), true], ['64500:100', c(64500, 101), false], ['64500:*', c(64500, 7), true],
    ['64500:*', c(64501, 7), false], ['*:100', c(1, 100), true], ['64500:100-199', c(64500, 150), true],
    ['64500:100-199', c(64500, 200), false], ['no-export', NO_EXPORT, true], ['*:*', 0, true],
  ];
  for (const [p, v, expect] of cases) assert.equal(CommunityPattern.parse(p)!.test(v), expect, `${p} ~ ${v}`);
  assert.equal(CommunityPattern.parse('64500:100')!.exact, c(64500, 100));
  assert.equal(CommunityPattern.parse('64500:*')!.exact, null);
  for (const bad of ['64500', '70000:1', '1:2:3', '5-1:0', 'x:y']) assert.equal(CommunityPattern.parse(bad), null, bad);
  assert.equal(CommunityPattern.parse('64500:*')!.any([c(1, 1), c(64500, 9)]), true);
  assert.equal(CommunityPattern.parse('64500:*')!.any(undefined), false);
});

test('large community patterns', () => {
  const p = LargeCommunityPattern.parse('4200000000:1:*')!;
  assert.equal(p.any([4200000000, 1, 77]), true);
  assert.equal(p.any([4200000000, 2, 77, 1, 1, 1]), false);
  assert.equal(LargeCommunityPattern.parse('1:2-3:4')!.any([1, 3, 4]), true);
  assert.deepEqual(LargeCommunityPattern.parse('1:2:3')!.exact, [1, 2, 3]);
  assert.equal(LargeCommunityPattern.parse('1:2'), null);
});

test('extended community patterns: route target / origin by administrator kind', () => {
  const rt2 = [0x0002fbf4, 100]; // rt:64500:100
  const rt4 = [0x0202fa56, 0xea000005]; // rt:4200000000L:5
  const rtip = [0x0102c000, 0x02010009]; // rt:192.0.2.1:9
  const ro = [0x0003fbf4, 100]; // ro:64500:100
  assert.equal(ExtCommunityPattern.parse('rt:64500:*')!.any(rt2), true);
  assert.equal(ExtCommunityPattern.parse('rt:64500:*')!.any(ro), false);
  assert.equal(ExtCommunityPattern.parse('ro:64500:*')!.any(ro), true);
  assert.equal(ExtCommunityPattern.parse('rt:4200000000:*')!.any(rt4), true);
  assert.equal(ExtCommunityPattern.parse('rt:192.0.2.1:*')!.any(rtip), true);
  assert.equal(ExtCommunityPattern.parse('rt:192.0.2.1:*')!.any(rt2), false);
  assert.equal(ExtCommunityPattern.parse('rt:*:*')!.any([...ro, ...rtip]), true);
  assert.equal(ExtCommunityPattern.parse('rt:*:1-9')!.any(rtip), true);
  assert.equal(ExtCommunityPattern.parse('rt:64500:100')!.any(rt2), true);
  assert.equal(ExtCommunityPattern.parse('0x0002fbf400000064')!.any(rt2), true);
  assert.equal(ExtCommunityPattern.parse('rt:x:*'), null);
});
