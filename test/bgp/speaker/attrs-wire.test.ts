// The common RIB attribute sets written straight into bytes (speaker/attrs-wire.ts) are the bytes the general
// path (wireAttributes + the codec's encodeAttributes) writes, for IPv4 and IPv6 routes, with values long enough
// to need the Extended Length bit; sets with anything else, and next hops the general path refuses, are left to
// the general path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttrStore, type AttrsInput } from '../../../src/bgp/rib/attrs.js';
import { encodeCommonAttrs } from '../../../src/bgp/speaker/attrs-wire.js';
import { AttrEncoder, wireAttributes } from '../../../src/bgp/speaker/outbound.js';
import { encodeAttributes } from '../../../src/bgp/wire/attr-encode.js';
import { symmetricContext } from '../../../src/bgp/wire/context.js';

const AS4 = symmetricContext({ as4: true });
const AS2 = symmetricContext({ as4: false });

const asn = fc.integer({ min: 0, max: 0xffffffff });
const u32 = fc.nat(0xffffffff);
const common = (nextHop: fc.Arbitrary<string>): fc.Arbitrary<AttrsInput> => fc.record({
  origin: fc.constantFrom<'igp' | 'egp' | 'incomplete'>('igp', 'egp', 'incomplete'),
  asPath: fc.array(fc.record({
    type: fc.constantFrom<'sequence' | 'set' | 'confed-sequence' | 'confed-set'>('sequence', 'sequence', 'set', 'confed-sequence', 'confed-set'),
    // Up to 300 ASes: a run longer than 255 is two segments, and a path over 63 ASes needs the extended length.
    asns: fc.oneof(fc.array(asn, { minLength: 1, maxLength: 6 }), fc.array(asn, { minLength: 60, maxLength: 300 })),
  }), { maxLength: 3 }),
  nextHop,
  med: fc.option(u32, { nil: undefined }),
  localPref: fc.option(u32, { nil: undefined }),
  communities: fc.oneof(fc.array(u32, { maxLength: 6 }), fc.array(u32, { minLength: 60, maxLength: 90 })),
  largeCommunities: fc.array(fc.record({ global: asn, local1: u32, local2: u32 }), { maxLength: 25 }),
});
const v4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const v6 = fc.tuple(fc.integer({ min: 1, max: 0xffff }), fc.nat(0xffff)).map(([a, b]) => `2001:db8:${a.toString(16)}::${b.toString(16)}`);

function general(input: AttrsInput, afi: 'ipv4' | 'ipv6'): { direct: Uint8Array | undefined; general: Uint8Array } {
  const a = new AttrStore().intern(input);
  const list = wireAttributes(a, afi, true);
  if (typeof list === 'string') throw new Error(list);
  return { direct: encodeCommonAttrs(a, afi), general: encodeAttributes(list, AS4) };
}

test('property: a common set written directly is the general path\'s bytes (IPv4 routes)', () => {
  let extended = 0;
  fc.assert(fc.property(common(v4), (input) => {
    const r = general(input, 'ipv4');
    assert.ok(r.direct !== undefined);
    assert.deepEqual(r.direct, r.general);
    // Count sections with an Extended Length attribute (flags bit 0x10) so the property is known to cover them.
    for (let o = 0; o < r.general.length;) {
      const ext = (r.general[o]! & 0x10) !== 0;
      if (ext) extended++;
      o += ext ? 4 + ((r.general[o + 2]! << 8) | r.general[o + 3]!) : 3 + r.general[o + 2]!;
    }
  }), { numRuns: 400 });
  assert.ok(extended > 20, `${extended} extended-length attributes`);
});

test('property: the same for IPv6 routes (no NEXT_HOP attribute: the next hop goes in MP_REACH_NLRI)', () => {
  fc.assert(fc.property(common(v6), (input) => {
    const r = general(input, 'ipv6');
    assert.ok(r.direct !== undefined);
    assert.deepEqual(r.direct, r.general);
  }), { numRuns: 200 });
});

test('sets with other attributes, and next hops the general path refuses, are left to the general path', () => {
  const s = new AttrStore();
  const base: AttrsInput = { asPath: '64500 64501', nextHop: '192.0.2.1', med: 5 };
  const others: AttrsInput[] = [
    { ...base, atomicAggregate: true },
    { ...base, aggregator: { asn: 64500, address: '192.0.2.9' } },
    { ...base, extCommunities: ['rt:64500:1'] },
    { ...base, originatorId: '10.0.0.1', clusterList: ['10.0.0.2'] },
    { ...base, otc: 64501 },
    { ...base, opaque: [{ code: 99, flags: 0xc0, data: new Uint8Array([1]) }] },
  ];
  for (const o of others) assert.equal(encodeCommonAttrs(s.intern(o), 'ipv4'), undefined, JSON.stringify(Object.keys(o)));
  assert.ok(encodeCommonAttrs(s.intern(base), 'ipv4') !== undefined);
  // An IPv6 next hop for IPv4 routes, and none at all: the general path names the problem.
  const v6nh = s.intern({ ...base, nextHop: '2001:db8::1' }), none = s.intern({ asPath: '64500' });
  assert.equal(encodeCommonAttrs(v6nh, 'ipv4'), undefined);
  assert.equal(encodeCommonAttrs(none, 'ipv4'), undefined);
  const enc = new AttrEncoder();
  assert.equal(enc.get(v6nh, 'ipv4', AS4), 'next-hop-family');
  assert.equal(enc.get(none, 'ipv4', AS4), 'no-next-hop');
});

test('the encoder gives the codec path\'s bytes on 4- and 2-octet sessions (AS_TRANS and AS4_PATH on the latter)', () => {
  const s = new AttrStore();
  const a = s.intern({ asPath: [{ type: 'sequence', asns: [64500, 4200000001] }], nextHop: '192.0.2.1', communities: ['64500:1'] });
  const enc = new AttrEncoder();
  const four = enc.get(a, 'ipv4', AS4), two = enc.get(a, 'ipv4', AS2);
  assert.ok(typeof four !== 'string' && typeof two !== 'string');
  assert.deepEqual(four.bytes, encodeAttributes(wireAttributes(a, 'ipv4', true) as never, AS4));
  // Towards a 2-octet speaker: AS_TRANS in AS_PATH and the real path in AS4_PATH (type 17), from the general path.
  assert.deepEqual(two.bytes, encodeAttributes(wireAttributes(a, 'ipv4', false) as never, AS2));
  assert.ok(two.bytes.length > four.bytes.length);
});
