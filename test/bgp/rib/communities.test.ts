// Community text forms (RFC 1997, RFC 8092, RFC 4360 / RFC 5668) and the well-known values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  GRACEFUL_SHUTDOWN, canonicalCommunities, canonicalTriples, canonicalWords, NO_EXPORT, NumList, wordsOf, extCommunityIsTransitive, formatCommunity, formatExtCommunity, parseCommunity,
  parseExtCommunity, parseLargeCommunity,
} from '../../../src/bgp/rib/communities.js';

test('standard communities', () => {
  assert.equal(parseCommunity('64500:100'), 64500 * 65536 + 100);
  assert.equal(parseCommunity('no-export'), NO_EXPORT);
  assert.equal(parseCommunity('GRACEFUL-SHUTDOWN'), GRACEFUL_SHUTDOWN);
  assert.equal(parseCommunity('65536:1'), null);
  assert.equal(parseCommunity('1:2:3'), null);
  assert.equal(formatCommunity(0xffffff01), 'no-export');
  assert.equal(formatCommunity(0xffffff01, false), '65535:65281');
  assert.equal(formatCommunity(64500 * 65536 + 7), '64500:7');
});

test('large communities', () => {
  assert.deepEqual(parseLargeCommunity('4200000000:1:2'), [4200000000, 1, 2]);
  assert.equal(parseLargeCommunity('4294967296:1:2'), null);
  assert.equal(parseLargeCommunity('1:2'), null);
});

test('extended communities: route target / origin with 2-octet AS, 4-octet AS, IPv4; raw hex', () => {
  const cases: [string, [number, number], string][] = [
    ['rt:64500:100', [0x0002fbf4, 100], 'rt:64500:100'],
    ['ro:64500:7', [0x0003fbf4, 7], 'ro:64500:7'],
    ['rt:4200000000:5', [0x0202fa56, 0xea000005], 'rt:4200000000L:5'],
    ['rt:64500L:5', [0x0202_0000, 0xfbf40005], 'rt:64500L:5'],
    ['rt:192.0.2.1:9', [0x0102c000, 0x02010009], 'rt:192.0.2.1:9'],
    ['0x0006000000000001', [0x00060000, 1], '0x0006000000000001'],
  ];
  for (const [text, v, out] of cases) {
    assert.deepEqual(parseExtCommunity(text), v, text);
    assert.equal(formatExtCommunity(v[0], v[1]), out, text);
  }
  assert.equal(parseExtCommunity('rt:192.0.2.1:70000'), null);
  assert.equal(parseExtCommunity('xx:1:2'), null);
  assert.equal(extCommunityIsTransitive(0x0002fbf4), true);
  assert.equal(extCommunityIsTransitive(0x4002fbf4), false);
});

test('property: a canonical community list is the values sorted with duplicates removed (short and long lists)', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(0, 1, 65536, 0xfde80064, 0xffffff01, 0xffffffff, 7, 64500), { maxLength: 60 }), (values) => {
    const input = values.slice();
    assert.deepEqual(canonicalCommunities(values), [...new Set(values)].sort((a, b) => a - b));
    assert.deepEqual(values, input); // the input is not changed
  }), { numRuns: 500 });
  assert.throws(() => canonicalCommunities([1, 2 ** 32]), /bad community value/);
});

test('property: a canonical large community list is the triples sorted by (global, local1, local2), duplicates removed', () => {
  const triple = fc.tuple(fc.constantFrom(0, 1, 64500, 0xffffffff), fc.constantFrom(0, 1, 2), fc.constantFrom(0, 7, 0xffffffff));
  fc.assert(fc.property(fc.array(triple, { maxLength: 12 }), (triples) => {
    const want = [...new Map(triples.map((t) => [t.join(':'), t])).values()]
      .sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]).flat();
    assert.deepEqual(canonicalTriples(triples.flat()), want);
  }), { numRuns: 500 });
  assert.throws(() => canonicalTriples([1, 2]), /multiple of 3/);
  assert.throws(() => canonicalTriples([1, 2, -1]), /bad value/);
});

test('community lists read from their bytes: canonical order checked, hash and values as from the numbers', () => {
  const words = (v: readonly number[]) => {
    const b = new Uint8Array(2 + 4 * v.length);
    v.forEach((x, i) => new DataView(b.buffer).setUint32(2 + 4 * i, x));
    return b;
  };
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 12 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 12 }), (v, w) => {
    const b = words(v), end = b.length;
    assert.deepEqual(wordsOf(b, 2, end), v);
    assert.equal(NumList.hashOfWords(b, 2, end), NumList.hashOf(v));
    // The numbers' canonical form is the list itself exactly when it is strictly ascending already.
    assert.equal(canonicalWords(b, 2, end, 1), canonicalCommunities(v) === v);
    const span = { b, from: 2, to: end };
    assert.equal(NumList.hasWords(NumList.make(v), span), true);
    assert.equal(NumList.hasWords(NumList.make(w), span), w.length === v.length && w.every((x, i) => x === v[i]));
    if (v.length % 3 === 0) assert.equal(canonicalWords(b, 2, end, 3), canonicalTriples(v) === v);
  }), { numRuns: 500 });
  // Triples: ordered by global administrator, then the local parts; a repeated triple is not canonical.
  assert.equal(canonicalWords(words([1, 2, 3, 1, 2, 4]), 2, 26, 3), true);
  assert.equal(canonicalWords(words([1, 2, 4, 1, 2, 3]), 2, 26, 3), false);
  assert.equal(canonicalWords(words([1, 2, 3, 1, 2, 3]), 2, 26, 3), false);
  assert.equal(canonicalWords(words([5, 6]), 2, 10, 1), true);
  assert.equal(canonicalWords(words([5, 5]), 2, 10, 1), false);
});
