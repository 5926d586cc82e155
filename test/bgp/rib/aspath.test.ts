// AS_PATH model (RFC 4271 §5.1.2, §9.1.2.2 a; RFC 5065 confederation segments): decision length, neighbor and
// origin AS, text form round trip, prepending, stripping confederation segments, loop counting.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttrStore } from '../../../src/bgp/rib/attrs.js';
import { AS_CONFED_SEQUENCE, AsPath, flattenSegments, parseAsPathText, prependData, stripConfedData } from '../../../src/bgp/rib/aspath.js';

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

test('4-octet ASes beyond 2^31 - 1: neighbor and origin as the AS numbers, kept as int32 in the path', () => {
  for (const [t, neighbor, origin] of [
    ['4200000001 64500 4294967295', 4200000001, 4294967295], ['4294967295', 4294967295, 4294967295],
    ['2147483648 {4200000002}', 2147483648, -1], ['(4200000003) 4200000004 2147483647', 4200000004, 2147483647],
  ] as [string, number, number][]) {
    const p = path(t);
    assert.equal(p.neighborAs, neighbor, `neighbor of ${t}`);
    assert.equal(p.originAs, origin, `origin of ${t}`);
    assert.equal(p.nbr, neighbor === -1 ? null : neighbor | 0, `stored neighbor of ${t}`);
    assert.equal(p.org, origin === -1 ? null : origin | 0, `stored origin of ${t}`);
  }
  // None is not any AS, not even 4294967295 (whose int32 form is -1).
  assert.equal(path('{1,2}').nbr, null);
  assert.notEqual(path('4294967295').nbr, null);
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

/** The 4-octet AS_PATH bytes of flat segments (type, count, ASes ...), after `pad` octets of something else. */
function wire(data: readonly number[], pad = 3): Uint8Array {
  const out: number[] = Array<number>(pad).fill(0xee);
  for (let i = 0; i < data.length;) {
    const n = data[i + 1]!;
    out.push(data[i]!, n);
    for (let k = 0; k < n; k++) { const a = data[i + 2 + k]!; out.push(a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255); }
    i += 2 + n;
  }
  return Uint8Array.from(out);
}

test('an AS path read from its bytes: the same hash and data as from its segments, equal only to the same path', () => {
  const segs = fc.array(fc.record({ type: fc.integer({ min: 1, max: 4 }), asns: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 5 }) }), { maxLength: 3 });
  fc.assert(fc.property(segs, segs, (x, y) => {
    const dx = flattenSegments(x), dy = flattenSegments(y);
    const b = wire(dx);
    assert.equal(AsPath.hashOfWire(b, 3, b.length), AsPath.hashOf(dx));
    assert.deepEqual(AsPath.dataOfWire(b, 3, b.length), dx);
    const span = { b, from: 3, to: b.length };
    assert.equal(AsPath.hasWire(AsPath.make(dx), span), true);
    const same = dx.length === dy.length && dx.every((v, i) => v === dy[i]);
    assert.equal(AsPath.hasWire(AsPath.make(dy), span), same);
  }), { numRuns: 300 });
  // Near misses: one AS, a segment type, a missing or an extra segment.
  const d = [2, 2, 64500, 64501, 1, 1, 64502];
  const b = wire(d), span = { b, from: 3, to: b.length };
  for (const other of [[2, 2, 64500, 64509, 1, 1, 64502], [2, 2, 64500, 64501, 2, 1, 64502], [2, 2, 64500, 64501], [...d, 2, 1, 1], []]) {
    assert.equal(AsPath.hasWire(AsPath.make(other), span), false, JSON.stringify(other));
  }
});
