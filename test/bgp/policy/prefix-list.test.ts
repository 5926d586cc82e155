// Prefix lists with ge/le (the Cisco / Junos / BIRD semantics): a table of entries and routes, both families,
// the text forms, and errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PrefixSet, parsePrefixEntry } from '../../../src/bgp/policy/prefix-list.js';
import { compilePrefixList } from '../../../src/bgp/policy/compile.js';
import { formatPrefix, parsePrefix, prefixCovers, prefixLength, v4Key } from '../../../src/bgp/rib/prefix.js';

const k = (s: string) => parsePrefix(s)!.key;

function set(...entries: string[]): PrefixSet {
  const s = new PrefixSet();
  for (const e of entries) {
    const r = parsePrefixEntry(e);
    if (typeof r === 'string') throw new Error(r);
    s.add(r);
  }
  return s;
}

test('entry semantics: exact, le, ge, ge+le, "+", BIRD braces', () => {
  const cases: [string, string, boolean][] = [
    ['192.0.2.0/24', '192.0.2.0/24', true], ['192.0.2.0/24', '192.0.2.0/25', false], ['192.0.2.0/24', '192.0.0.0/16', false],
    ['192.0.2.0/24 le 26', '192.0.2.64/26', true], ['192.0.2.0/24 le 26', '192.0.2.0/24', true], ['192.0.2.0/24 le 26', '192.0.2.0/27', false],
    ['192.0.2.0/24 ge 26', '192.0.2.0/24', false], ['192.0.2.0/24 ge 26', '192.0.2.128/32', true],
    ['192.0.2.0/24 ge 25 le 27', '192.0.2.0/28', false], ['192.0.2.0/24 ge 25 le 27', '192.0.2.32/27', true],
    ['192.0.2.0/24+', '192.0.2.1/32', true], ['192.0.2.0/24+', '192.0.3.0/24', false],
    ['192.0.2.0/24{25,26}', '192.0.2.0/25', true], ['192.0.2.0/24{25,26}', '192.0.2.0/24', false],
    ['0.0.0.0/0 le 32', '203.0.113.7/32', true], ['0.0.0.0/0', '0.0.0.0/0', true], ['0.0.0.0/0', '10.0.0.0/8', false],
    ['2001:db8::/32 le 48', '2001:db8:ff::/48', true], ['2001:db8::/32 le 48', '2001:db8:ff::/49', false],
    ['2001:db8::/32 le 48', '2001:db9::/48', false], ['2001:db8::/32', '192.0.2.0/24', false],
  ];
  for (const [entry, route, expect] of cases) assert.equal(set(entry).matches(k(route)), expect, `${entry} ~ ${route}`);
});

test('a list matches when any entry does; overlapping entries at one node', () => {
  const s = set('10.0.0.0/8 ge 24 le 24', '10.0.0.0/8', '10.1.0.0/16 le 20');
  assert.equal(s.matches(k('10.0.0.0/8')), true);
  assert.equal(s.matches(k('10.9.9.0/24')), true);
  assert.equal(s.matches(k('10.1.16.0/20')), true);
  assert.equal(s.matches(k('10.9.0.0/16')), false);
  assert.equal(s.size, 3);
  assert.deepEqual([...s.entries()].map((e) => `${formatPrefix(e.key)} ${e.ge}-${e.le}`).sort(),
    ['10.0.0.0/8 24-24', '10.0.0.0/8 8-8', '10.1.0.0/16 16-20']);
});

test('errors name the problem', () => {
  for (const [e, re] of [
    ['192.0.2.0/24 ge 20', /shorter than the prefix length/], ['192.0.2.0/24 ge 28 le 26', /greater than le/],
    ['192.0.2.0/24 le 33', /outside 0\.\.32/], ['192.0.2.0', /missing \/length/], ['banana/8', /not a valid prefix/],
    ['192.0.2.0/24 lt 5', /cannot read/], ['192.0.2.0/24+ le 30', /cannot be combined/],
  ] as const) {
    const r = parsePrefixEntry(e);
    assert.equal(typeof r, 'string', e);
    assert.match(r as string, re, e);
  }
  assert.throws(() => compilePrefixList(['192.0.2.0/24', { prefix: '10.0.0.0/8', ge: 4 }], 'prefix-lists.x'),
    (err: Error & { key?: string }) => err.key === 'prefix-lists.x[1]' && /shorter/.test(err.message));
});

test('property: the trie agrees with a linear scan of the entries', () => {
  const entry = fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 }))
    .map(([addr, len, a, b]) => ({ key: v4Key(addr, len), ge: Math.max(len, Math.min(a, b)), le: Math.max(len, a, b) }));
  const route = fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 })).map(([a, l]) => v4Key(a, l));
  fc.assert(fc.property(fc.array(entry, { maxLength: 20 }), fc.array(route, { maxLength: 20 }), (entries, routes) => {
    const s = new PrefixSet();
    for (const e of entries) s.add(e);
    // Routes inside some entry too, so that matches happen.
    const probes = [...routes, ...entries.map((e) => e.key)];
    for (const r of probes) {
      const linear = entries.some((e) => prefixCovers(e.key, r) && prefixLength(r) >= e.ge && prefixLength(r) <= e.le);
      if (s.matches(r) !== linear) return false;
    }
    return true;
  }), { numRuns: 300 });
});
