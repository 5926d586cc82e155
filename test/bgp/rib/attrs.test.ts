// Attribute interning: identity for equal sets (components shared), canonical community order, derive(),
// reference counting and collection, opaque attributes, and validation of inputs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttrStore, attrsToJSON } from '../../../src/bgp/rib/attrs.js';
import { Interner, keepNumbers } from '../../../src/bgp/rib/intern.js';
import { NumList } from '../../../src/bgp/rib/communities.js';

test('equal inputs intern to one object; components are shared between sets', () => {
  const s = new AttrStore();
  const a = s.intern({ asPath: '64500 64501', nextHop: '192.0.2.1', med: 5, communities: ['64500:2', '64500:1'] });
  const b = s.intern({ asPath: '64500 64501', nextHop: '192.0.2.1', med: 5, communities: ['64500:1', '64500:2', '64500:1'] });
  const c = s.intern({ asPath: '64500 64501', nextHop: '192.0.2.1', med: 6, communities: ['64500:1', '64500:2'] });
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.equal(a.asPath, c.asPath);
  assert.equal(a.communities, c.communities);
  assert.equal(a.nextHop, c.nextHop);
  assert.deepEqual(a.communities!.values, [64500 * 65536 + 1, 64500 * 65536 + 2]);
});

test('absent and zero are different values (MED 0 vs no MED)', () => {
  const s = new AttrStore();
  assert.notEqual(s.intern({ med: 0 }), s.intern({}));
  assert.notEqual(s.intern({ localPref: 0 }), s.intern({}));
  assert.notEqual(s.intern({ otc: 0 }), s.intern({}));
});

test('derive() changes fields and returns the interned result; an empty change returns the same object', () => {
  const s = new AttrStore();
  const a = s.intern({ asPath: '64500', nextHop: '192.0.2.1', localPref: 100 });
  assert.equal(s.derive(a, {}), a);
  assert.equal(s.derive(a, { localPref: 100 }), a);
  const b = s.derive(a, { localPref: 200 });
  assert.equal(b.localPref, 200);
  assert.equal(b, s.intern({ asPath: '64500', nextHop: '192.0.2.1', localPref: 200 }));
  assert.equal(s.derive(b, { localPref: null }).localPref, null);
});

test('reference counting: held sets survive collect(), released ones and their components go', () => {
  const s = new AttrStore();
  const a = s.intern({ asPath: '64500', nextHop: '192.0.2.1', communities: ['1:1'] });
  const b = s.intern({ asPath: '64501', nextHop: '192.0.2.1', communities: ['1:1'] });
  s.retain(a);
  s.retain(b);
  s.collect();
  assert.equal(s.stats().attrs, 2);
  s.release(a);
  s.collect();
  assert.deepEqual([s.stats().attrs, s.stats().asPaths, s.stats().communityLists, s.stats().nextHops], [1, 2, 1, 1]);
  assert.equal(a.live, false);
  assert.throws(() => s.retain(a), /collected/);
  s.release(b);
  s.collect();
  assert.deepEqual(s.stats(), { attrs: 0, asPaths: 1, communityLists: 0, extCommunityLists: 0, largeCommunityLists: 0, clusterLists: 0, nextHops: 0, opaqueLists: 0 });
  // Interning again after the free gives a new live object.
  const a2 = s.intern({ asPath: '64500', nextHop: '192.0.2.1', communities: ['1:1'] });
  assert.equal(a2.live, true);
  assert.notEqual(a2, a);
});

test('an interner keeps hash collisions apart', () => {
  const t = new Interner<NumList>(NumList.equals);
  const x = NumList.make([1]);
  const y = NumList.make([2]);
  (y as { hash: number }).hash = x.hash;
  assert.equal(t.intern(x), x);
  assert.equal(t.intern(y), y);
  assert.equal(t.intern(NumList.make([1])), x);
  assert.equal(t.size, 2);
  t.collect();
  assert.equal(t.size, 0);
  assert.throws(() => t.release(x), /no holders/);
});

test('an interner finds every live object through growth, removals and shrinking (hashes kept beside the objects)', () => {
  const t = new Interner<NumList>(NumList.equals);
  const made: NumList[] = [];
  // A third of the values share 7 hashes, so that probe chains are long and cross removed slots.
  const make = (i: number) => {
    const x = NumList.make([i]);
    if (i % 3 === 0) (x as { hash: number }).hash = i % 7;
    return x;
  };
  for (let i = 0; i < 3000; i++) {
    const x = make(i);
    assert.equal(t.intern(x), x);
    made.push(x);
  }
  assert.equal(t.size, 3000);
  for (let i = 0; i < 3000; i++) if (i % 4 !== 0) t.retain(made[i]!);
  assert.equal(t.collect(), 750); // the unretained quarter
  for (let i = 0; i < 3000; i++) {
    const probe = make(i);
    assert.equal(t.intern(probe), i % 4 !== 0 ? made[i] : probe, `value ${i}`);
  }
  // Release all but a few: the table shrinks and still finds those.
  for (let i = 0; i < 3000; i++) if (i % 4 !== 0 && i % 500 !== 1) t.release(made[i]!);
  t.collect();
  assert.equal(t.size, 6);
  for (let i = 1; i < 3000; i += 500) assert.equal(t.intern(make(i)), made[i]);
});

test('keepNumbers copies a list of any length (one literal per length up to 16, then a slice)', () => {
  for (let n = 0; n <= 20; n++) {
    const src = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i : 4200000000 + i));
    const copy = keepNumbers(src);
    assert.deepEqual(copy, src);
    assert.notEqual(copy, src);
    copy.push(1);
    assert.equal(src.length, n, 'the source is not shared');
  }
});

test('interning a path or a list that exists makes nothing new and keeps no reference to the caller\'s array', () => {
  const s = new AttrStore();
  const data = [2, 2, 64500, 64501];
  const p = s.asPath(data);
  assert.notEqual(p.data, data);
  data[2] = 1; // the caller may reuse its array
  assert.deepEqual(p.data, [2, 2, 64500, 64501]);
  assert.equal(s.asPath([2, 2, 64500, 64501]), p);
  const c = s.communities([5, 3]);
  assert.equal(s.communities([3, 5, 5]), c);
  assert.deepEqual(c!.values, [3, 5]);
  const sorted = [7, 9]; // already canonical: the store still keeps its own copy
  const l = s.communities(sorted)!;
  sorted[0] = 1;
  assert.deepEqual(l.values, [7, 9]);
  const large = [64500, 1, 2];
  const ll = s.largeCommunities(large)!;
  large[2] = 9;
  assert.deepEqual(ll.values, [64500, 1, 2]);
  const ids = [167772161, 167772162];
  const cl = s.clusterList(ids)!;
  ids[0] = 0;
  assert.deepEqual(cl.values, [167772161, 167772162]);
});

test('opaque attributes are compared by bytes and kept in code order', () => {
  const s = new AttrStore();
  const a = s.intern({ opaque: [{ code: 99, flags: 0xc0, data: new Uint8Array([1]) }, { code: 40, flags: 0xc0, data: new Uint8Array([]) }] });
  const b = s.intern({ opaque: [{ code: 40, flags: 0xc0, data: new Uint8Array([]) }, { code: 99, flags: 0xc0, data: new Uint8Array([1]) }] });
  const c = s.intern({ opaque: [{ code: 40, flags: 0xc0, data: new Uint8Array([]) }, { code: 99, flags: 0xc0, data: new Uint8Array([2]) }] });
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.deepEqual(attrsToJSON(a).opaque, [{ code: 40, flags: 0xc0, hex: '' }, { code: 99, flags: 0xc0, hex: '01' }]);
});

test('every attribute of the model is represented and rendered', () => {
  const s = new AttrStore();
  const a = s.intern({
    origin: 'egp', asPath: '64500 {1,2}', nextHop: '2001:db8::1', nextHopLinkLocal: 'fe80::1', med: 3, localPref: 90,
    atomicAggregate: true, aggregator: { asn: 64500, address: '192.0.2.9' }, communities: ['no-export', '64500:1'],
    extCommunities: ['rt:64500:1', { hi: 0x0003fbf4, lo: 2 }], largeCommunities: ['64500:1:2', { global: 1, local1: 2, local2: 3 }],
    originatorId: '10.0.0.1', clusterList: ['10.0.0.2', 167772163], otc: 64501,
  });
  assert.deepEqual(attrsToJSON(a), {
    origin: 'egp', asPath: '64500 {1,2}', nextHop: '2001:db8::1', nextHopLinkLocal: 'fe80::1', med: 3, localPref: 90,
    atomicAggregate: true, aggregator: { asn: 64500, address: '192.0.2.9' }, communities: ['64500:1', 'no-export'],
    extCommunities: ['rt:64500:1', 'ro:64500:2'], largeCommunities: ['1:2:3', '64500:1:2'], originatorId: '10.0.0.1',
    clusterList: ['10.0.0.2', '10.0.0.3'], otc: 64501,
  });
});

test('malformed inputs are rejected with the value named', () => {
  const s = new AttrStore();
  assert.throws(() => s.intern({ origin: 3 }), /origin/);
  assert.throws(() => s.intern({ med: -1 }), /MED/);
  assert.throws(() => s.intern({ communities: ['x'] }), /community "x"/);
  assert.throws(() => s.intern({ nextHop: '300.1.1.1' }), /next hop/);
  assert.throws(() => s.intern({ asPath: '64500 {' }), /AS path/);
  assert.throws(() => s.intern({ originatorId: 'abc' }), /originator id/);
  assert.throws(() => s.intern({ extCommunities: ['rt:1'] }), /extended community/);
});

test('attrsToInput is the inverse of intern, in the wire codec\'s shapes', async () => {
  const { attrsToInput } = await import('../../../src/bgp/rib/attrs.js');
  const s = new AttrStore();
  const a = s.intern({
    origin: 'incomplete', asPath: '(65010) 64500 {1,2}', nextHop: '2001:db8::1', nextHopLinkLocal: 'fe80::1', med: 0,
    atomicAggregate: true, aggregator: { asn: 64500, address: '192.0.2.9' }, communities: ['64500:1'],
    extCommunities: ['rt:64500:1'], largeCommunities: ['64500:1:2'], originatorId: '10.0.0.1', clusterList: ['10.0.0.2'],
    otc: 64501, opaque: [{ code: 99, flags: 0xc0, data: new Uint8Array([7]) }],
  });
  const v = attrsToInput(a);
  assert.deepEqual(v.asPath, [{ type: 3, asns: [65010] }, { type: 2, asns: [64500] }, { type: 1, asns: [1, 2] }]);
  assert.deepEqual(v.extCommunities, [{ hi: 0x0002fbf4, lo: 1 }]);
  assert.deepEqual(v.largeCommunities, [{ global: 64500, local1: 1, local2: 2 }]);
  assert.equal(v.originatorId, '10.0.0.1');
  assert.equal(s.intern(v), a);
  const b = s.intern({});
  assert.equal(s.intern(attrsToInput(b)), b);
});
