// AS_PATH model (RFC 4271 §5.1.2, §9.1.2.2 a; RFC 5065 confederation segments): decision length, neighbor and
// origin AS, text form round trip, prepending, stripping confederation segments, loop counting.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttrStore } from '../../../src/bgp/rib/attrs.js';
import { AS_CONFED_SEQUENCE, flattenSegments, parseAsPathText, prependData, stripConfedData } from '../../../src/bgp/rib/aspath.js';

const store = new AttrStore();
const path = (t: string) => store.asPathFromSegments(t);

test('decision length: a set counts 1, confederation segments 0', () => {
  for (const [t, len] of [
    ['', 0], ['64500', 1], ['64500 64501 64502', 3], ['64500 {1,2,3}', 2], ['{1,2,3}', 1],
    ['(65010 65011) 64500', 1], ['[65010,65011] (65012) 64500 64501', 2], ['64500 64500 64500', 3],
  ] as const) assert.equal(path(t).length, len, t);
});

test('neighbor AS and origin AS', () => {
  for (const [t, neighbor, origin] of [
    ['', -1, -1], ['64500 64501', 64500, 64501], ['(65010) 64500 64501', 64500, 64501], ['{1,2} 64500', -1, 64500],
    ['64500 {1,2}', 64500, -1], ['(65010 65011)', -1, 65011],
  ] as const) {
    assert.equal(path(t).neighborAs, neighbor, `neighbor of ${t}`);
    assert.equal(path(t).originAs, origin, `origin of ${t}`);
  }
});

test('text form round-trips and segments are exposed', () => {
  for (const t of ['64500 64501 {64502,64503} (64504 64505) [64506,64507]', '', '{1}', '4200000000 65000']) {
    assert.equal(path(t).text(), t);
  }
  assert.deepEqual(path('(65010) 64500 {1,2}').segments(), [
    { type: 'confed-sequence', asns: [65010] }, { type: 'sequence', asns: [64500] }, { type: 'set', asns: [1, 2] },
  ]);
  assert.equal(parseAsPathText('64500 {'), null);
  assert.equal(parseAsPathText('64500 4294967296'), null);
});

test('segments longer than 255 ASes are split as on the wire', () => {
  const long = store.asPathFromSegments([{ type: 'sequence', asns: Array.from({ length: 300 }, (_, i) => 64512 + (i % 100)) }]);
  assert.equal(long.length, 300);
  assert.equal(long.segments().length, 2);
  assert.deepEqual(long.data.slice(0, 2), [2, 255]);
  assert.deepEqual(long.data.slice(257, 259), [2, 45]);
  assert.equal(long.data.length, 300 + 4);
});

test('flattened segments fill their array exactly: empty segments dropped, no unused slots', () => {
  const d = flattenSegments([{ type: 'sequence', asns: [64500, 4200000000] }, { type: 'set', asns: [] }, { type: 'set', asns: [1, 2] },
    { type: 'confed-sequence', asns: [65010] }]);
  assert.deepEqual(d, [2, 2, 64500, 4200000000, 1, 2, 1, 2, 3, 1, 65010]);
  assert.equal(Object.keys(d).length, d.length); // no holes left by the pre-sized array
  assert.throws(() => flattenSegments([{ type: 'sequence', asns: [2 ** 32] }]), /bad AS number/);
});

test('prepend and strip confederation segments', () => {
  assert.deepEqual(prependData(path('64500'), 65000, 2), [2, 3, 65000, 65000, 64500]);
  assert.deepEqual(prependData(path(''), 65000, 1), [2, 1, 65000]);
  assert.deepEqual(prependData(path('{1,2}'), 65000, 1), [2, 1, 65000, 1, 2, 1, 2]);
  assert.deepEqual(prependData(path('(65010) 64500'), 65011, 1, AS_CONFED_SEQUENCE), [3, 2, 65011, 65010, 2, 1, 64500]);
  assert.equal(store.asPath(stripConfedData(path('(65010) [65012] 64500 {1}'))).text(), '64500 {1}');
});

test('loop counting sees ASes in sets and sequences', () => {
  assert.equal(path('65000 64500 {65000,1} (65000)').count(65000), 3);
});

test('equal paths are one interned object', () => {
  assert.equal(path('64500 64501'), store.asPathFromSegments([{ type: 2, asns: [64500, 64501] }]));
  assert.notEqual(path('64500 64501'), path('64500 {64501}'));
});

test('property: any path text round-trips', () => {
  const seg = fc.record({
    type: fc.constantFrom('sequence', 'set', 'confed-sequence', 'confed-set') as fc.Arbitrary<'sequence' | 'set' | 'confed-sequence' | 'confed-set'>,
    asns: fc.array(fc.nat(0xffffffff), { minLength: 1, maxLength: 5 }),
  });
  fc.assert(fc.property(fc.array(seg, { maxLength: 5 }), (segs) => {
    const p = store.asPathFromSegments(segs);
    const q = store.asPathFromSegments(p.text()); // adjacent sequences come back merged: same text and length
    return q.text() === p.text() && q.length === p.length && q.neighborAs === p.neighborAs && q.originAs === p.originAs;
  }));
});
