// The common IPv4 attribute sets read straight from their bytes (speaker/common-attrs.ts) give the same interned
// RIB attributes as the general conversion; sets with anything else, sets of a 2-octet-AS session and sets that
// are not packed go to the general path. The sets are made the way a session receives them: attributes encoded
// into an UPDATE, decoded through the session's attribute cache.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttrStore, attrsToInput, type Attrs, type AttrsInput } from '../../../src/bgp/rib/attrs.js';
import { v4Key } from '../../../src/bgp/rib/prefix.js';
import { InboundDecoder } from '../../../src/bgp/peer/inbound.js';
import { commonIpv4Attrs } from '../../../src/bgp/speaker/common-attrs.js';
import { AttrConverter } from '../../../src/bgp/speaker/inbound.js';
import { AttrEncoder, buildAnnouncements } from '../../../src/bgp/speaker/outbound.js';
import { PackedAttrSet } from '../../../src/bgp/wire/attr-set.js';
import { IPV4_UNICAST, symmetricContext, type CodecContext } from '../../../src/bgp/wire/context.js';
import type { AttrSet } from '../../../src/bgp/wire/messages.js';
import type { PathAttribute } from '../../../src/bgp/wire/attributes.js';
import { packAnnouncements } from '../../../src/bgp/wire/pack.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';

const AS4 = symmetricContext({ as4: true });
const AS2 = symmetricContext({ as4: false });

/** The attribute set a session (iBGP, so LOCAL_PREF is accepted) gets for `input`. */
function received(input: AttrsInput, ctx: CodecContext): { set: AttrSet; sent: Attrs } {
  const sender = new AttrStore();
  const sent = sender.intern(input);
  const enc = new AttrEncoder().get(sent, 'ipv4', ctx);
  if (typeof enc === 'string') throw new Error(enc);
  const msgs: Uint8Array[] = [];
  buildAnnouncements(enc, 'ipv4', { keys: [v4Key(0xc0000200, 24)], ids: null }, false, 4096, msgs);
  const r = new InboundDecoder(ctx, { localAs: 65000, peerAs: 65000 }, [IPV4_UNICAST], 64).decode(msgs[0]!);
  if (r.kind !== 'update') throw new Error(r.kind);
  assert.equal(r.update.errors.length, 0);
  return { set: r.update.attrs, sent };
}

const asn = fc.integer({ min: 1, max: 0xffffffff });
const common: fc.Arbitrary<AttrsInput> = fc.record({
  origin: fc.constantFrom<'igp' | 'egp' | 'incomplete'>('igp', 'egp', 'incomplete'),
  asPath: fc.array(fc.record({
    type: fc.constantFrom<'sequence' | 'set' | 'confed-sequence' | 'confed-set'>('sequence', 'sequence', 'set', 'confed-sequence', 'confed-set'),
    asns: fc.array(asn, { minLength: 1, maxLength: 6 }),
  }), { maxLength: 3 }),
  nextHop: fc.tuple(fc.integer({ min: 1, max: 126 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((o) => o.join('.')),
  med: fc.option(fc.nat(0xffffffff), { nil: undefined }),
  localPref: fc.option(fc.nat(0xffffffff), { nil: undefined }),
  communities: fc.array(fc.constantFrom(1, 65536 * 64500 + 1, 65536 * 64500 + 7, 0xffffff01, 0xffffffff), { maxLength: 6 }),
  largeCommunities: fc.array(fc.record({ global: asn, local1: fc.constantFrom(0, 1, 2), local2: fc.constantFrom(0, 9) }), { maxLength: 3 }),
});

test('property: a common set read from its bytes is the set the general conversion interns', () => {
  fc.assert(fc.property(common, (input) => {
    const { set, sent } = received(input, AS4);
    assert.ok(set instanceof PackedAttrSet);
    const store = new AttrStore();
    const fast = commonIpv4Attrs(set, AS4, store, null);
    assert.ok(fast !== undefined);
    assert.equal(fast, store.intern(attrsToInput(sent)));
    // The converter takes this path and gives the same set.
    assert.equal(new AttrConverter(store, AS4).convert(set, 'ipv4'), fast);
    // The other way round: with the set and its parts interned by the general conversion first, the bytes find
    // them (AS path, community lists and set), and nothing new is interned.
    const other = new AttrStore();
    const general = other.intern(attrsToInput(sent));
    other.retain(general);
    const before = other.stats();
    assert.equal(commonIpv4Attrs(set, AS4, other, null), general);
    assert.deepEqual(other.stats(), before);
  }), { numRuns: 300 });
});

/** The set a session gets for these attributes as given: in their order, duplicates included. */
function receivedRaw(list: PathAttribute[]): AttrSet {
  const msgs = packAnnouncements(list, new PrefixList(1, Uint8Array.of(24), Uint32Array.of(0xc0000200)), AS4);
  const r = new InboundDecoder(AS4, { localAs: 65000, peerAs: 64501 }, [IPV4_UNICAST], 64).decode(msgs[0]!);
  if (r.kind !== 'update') throw new Error(r.kind);
  assert.equal(r.update.errors.length, 0);
  return r.update.attrs;
}

test('communities and large communities received out of order or repeated give the canonical lists', () => {
  const base: PathAttribute[] = [
    { name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 },
    { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [64501, 64510] }] },
    { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: '192.0.2.1' },
  ];
  const comm = [65536 * 64501 + 7, 65536 * 64501 + 1, 65536 * 64501 + 7, 1];
  const large = [{ global: 64501, local1: 2, local2: 0 }, { global: 64501, local1: 1, local2: 9 }, { global: 64501, local1: 2, local2: 0 }];
  const set = receivedRaw([...base,
    { name: 'COMMUNITIES', typeCode: 8, flags: 0xc0, communities: comm },
    { name: 'LARGE_COMMUNITY', typeCode: 32, flags: 0xc0, communities: large }]);
  const store = new AttrStore();
  const a = commonIpv4Attrs(set, AS4, store, null)!;
  assert.deepEqual(a.communities?.values, [1, 65536 * 64501 + 1, 65536 * 64501 + 7]);
  assert.deepEqual(a.largeCommunities?.values, [64501, 1, 9, 64501, 2, 0]);
  assert.equal(a, store.intern({ asPath: '64501 64510', nextHop: '192.0.2.1', origin: 'igp', communities: comm, largeCommunities: large }));
  // The same lists in canonical order on the wire are found by their bytes: the same set.
  const sorted = receivedRaw([...base,
    { name: 'COMMUNITIES', typeCode: 8, flags: 0xc0, communities: [1, 65536 * 64501 + 1, 65536 * 64501 + 7] },
    { name: 'LARGE_COMMUNITY', typeCode: 32, flags: 0xc0, communities: [large[1]!, large[0]!] }]);
  const stats = store.stats();
  assert.equal(commonIpv4Attrs(sorted, AS4, store, null), a);
  assert.deepEqual(store.stats(), stats);
});

test('a long AS path (more than 255 ASes, several segments on the wire) reads the same', () => {
  const input: AttrsInput = { asPath: [{ type: 'sequence', asns: Array.from({ length: 600 }, (_, i) => 4200000000 + i) }], nextHop: '192.0.2.1' };
  const { set, sent } = received(input, AS4);
  const store = new AttrStore();
  assert.equal(commonIpv4Attrs(set, AS4, store, null), store.intern(attrsToInput(sent)));
});

test('the preset applies as on the general path (LOCAL_PREF for an external neighbor)', () => {
  const { set } = received({ asPath: '64501 64500', nextHop: '192.0.2.1', localPref: 300 }, AS4);
  const store = new AttrStore();
  const a = commonIpv4Attrs(set, AS4, store, (i) => { i.localPref = 100; i.originatorId = null; i.clusterList = null; });
  assert.equal(a?.localPref, 100);
  assert.equal(commonIpv4Attrs(set, AS4, store, null)?.localPref, 300);
});

test('sets with other attributes, of a 2-octet-AS session, or not packed take the general path', () => {
  const store = new AttrStore();
  const others: AttrsInput[] = [
    { asPath: '64501', nextHop: '192.0.2.1', atomicAggregate: true },
    { asPath: '64501', nextHop: '192.0.2.1', aggregator: { asn: 64501, address: '192.0.2.9' } },
    { asPath: '64501', nextHop: '192.0.2.1', originatorId: '10.0.0.1' },
    { asPath: '64501', nextHop: '192.0.2.1', extCommunities: ['rt:64500:1'] },
    { asPath: '64501', nextHop: '192.0.2.1', opaque: [{ code: 99, flags: 0xc0, data: new Uint8Array([1, 2]) }] },
  ];
  for (const input of others) {
    const { set, sent } = received(input, AS4);
    assert.equal(commonIpv4Attrs(set, AS4, store, null), undefined, JSON.stringify(input));
    assert.equal(new AttrConverter(store, AS4).convert(set, 'ipv4'), store.intern(attrsToInput(sent)));
  }
  const { set } = received({ asPath: '64501', nextHop: '192.0.2.1' }, AS2);
  assert.equal(commonIpv4Attrs(set, AS2, store, null), undefined);
  assert.equal(commonIpv4Attrs({ list: [], key: '', errors: [] }, AS4, store, null), undefined);
});

test('the converter keeps its results by the set index: once per set and family, never for another set at the index', () => {
  const store = new AttrStore();
  const conv = new AttrConverter(store, AS4);
  const a = received({ asPath: '64501', nextHop: '192.0.2.1' }, AS4).set;
  const b = received({ asPath: '64502', nextHop: '192.0.2.1' }, AS4).set;
  const first = conv.convert(a, 'ipv4', 0);
  assert.equal(first?.asPath.text(), '64501');
  assert.equal(conv.convert(a, 'ipv4', 0), first);
  assert.equal(conv.conversions, 1, 'the second call reads the kept result');
  // The cache emptied itself and gave index 0 to another set: converted anew, not the first set's result.
  const second = conv.convert(b, 'ipv4', 0);
  assert.equal(second?.asPath.text(), '64502');
  assert.equal(conv.conversions, 2);
  // IPv6 is kept apart (this set has no MP_REACH_NLRI next hop, so it is unusable there); without an index, the map.
  assert.equal(conv.convert(b, 'ipv6', 0), null);
  assert.equal(conv.conversions, 3);
  assert.equal(conv.convert(b, 'ipv4', 0), second);
  assert.equal(conv.convert(a, 'ipv4'), first);
  assert.equal(conv.convert(a, 'ipv4'), first);
  assert.equal(conv.conversions, 4);
});
