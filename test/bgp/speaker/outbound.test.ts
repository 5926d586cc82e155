// The speaker's UPDATE builder against the wire codec: for generated attribute sets and prefix lists, every
// message it builds decodes without error, fits the negotiated size, carries the attribute set exactly (IPv4
// NEXT_HOP or IPv6 MP_REACH_NLRI with link-local), 2-octet sessions get AS_TRANS + AS4_PATH, add-path ids
// survive, and the union of the messages' NLRI is exactly the routes given, in order. Also the inbound converter
// turns the decoded set back into the same interned RIB attributes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttrStore, type AttrsInput } from '../../../src/bgp/rib/attrs.js';
import { formatPrefix, parsePrefix, type PrefixKey } from '../../../src/bgp/rib/prefix.js';
import { AttrConverter } from '../../../src/bgp/speaker/inbound.js';
import { AttrEncoder, buildAnnouncements, buildWithdrawals } from '../../../src/bgp/speaker/outbound.js';
import { decode } from '../../../src/bgp/wire/decode.js';
import { IPV4_UNICAST, IPV6_UNICAST, symmetricContext, type CodecContext } from '../../../src/bgp/wire/context.js';
import { findAttr } from '../../../src/bgp/wire/attributes.js';
import type { UpdateMessage } from '../../../src/bgp/wire/messages.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';

const v4Prefix = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
  .map(([a, l]) => parsePrefix(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${l}`)!.key);
const v6Prefix = fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }))
  .map(([g, l]) => parsePrefix(`${g.map((x) => x.toString(16)).join(':')}/${l}`)!.key);
const asns = fc.array(fc.integer({ min: 1, max: 4294967294 }), { minLength: 0, maxLength: 12 });

const attrsArb = (afi: 'ipv4' | 'ipv6') => fc.record({
  origin: fc.integer({ min: 0, max: 2 }),
  asPath: fc.tuple(asns, fc.option(fc.array(fc.integer({ min: 1, max: 70000 }), { minLength: 1, maxLength: 3 }), { nil: undefined }))
    .map(([seq, set]) => [...(seq.length > 0 ? [{ type: 2, asns: seq }] : []), ...(set ? [{ type: 1, asns: set }] : [])]),
  nextHop: afi === 'ipv4' ? fc.constantFrom('192.0.2.1', '198.51.100.7', '203.0.113.254') : fc.constantFrom('2001:db8::1', '2001:db8:ffff::2'),
  nextHopLinkLocal: afi === 'ipv6' ? fc.option(fc.constant('fe80::1'), { nil: undefined }) : fc.constant(undefined),
  med: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
  localPref: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
  atomicAggregate: fc.boolean(),
  aggregator: fc.option(fc.record({ asn: fc.integer({ min: 1, max: 4294967294 }), address: fc.constant('192.0.2.9') }), { nil: undefined }),
  communities: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 40 }),
  largeCommunities: fc.array(fc.record({ global: fc.nat(), local1: fc.nat(), local2: fc.nat() }), { maxLength: 5 }),
  extCommunities: fc.array(fc.record({ hi: fc.integer({ min: 0, max: 0xffffffff }), lo: fc.integer({ min: 0, max: 0xffffffff }) }), { maxLength: 4 }),
  otc: fc.option(fc.integer({ min: 1, max: 4294967294 }), { nil: undefined }),
}).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as AttrsInput);

function prefixesOf(m: UpdateMessage, field: 'nlri' | 'withdrawn' | 'mpReach' | 'mpUnreach'): [string, number][] {
  const l = m[field];
  if (l === null || !(l instanceof PrefixList)) return [];
  return Array.from({ length: l.length }, (_, i) => [formatPrefix(parsePrefix(l.text(i))!.key), l.pathIds?.[i] ?? 0]);
}

function check(afi: 'ipv4' | 'ipv6', ctx: CodecContext, input: AttrsInput, keys: PrefixKey[], max: number): void {
  const store = new AttrStore();
  const attrs = store.intern(input);
  const enc = new AttrEncoder().get(attrs, afi, ctx);
  assert.ok(typeof enc !== 'string', `encodable: ${String(enc)}`);
  const addPath = ctx.addPath.send.size > 0;
  const routes = keys.map((prefix, i) => ({ prefix, pathId: addPath ? i * 7 + 1 : 0 }));
  const out = { keys, ids: addPath ? routes.map((r) => r.pathId) : null };
  const msgs: Uint8Array[] = [];
  buildAnnouncements(enc, afi, out, addPath, max, msgs);
  const recv = symmetricContext({ as4: ctx.as4, addPath: ctx.addPath.send });
  const conv = new AttrConverter(store, recv);
  const seen: [string, number][] = [];
  for (const b of msgs) {
    assert.ok(b.length <= max);
    const r = decode(b, recv, { localAs: 65000, peerAs: 65000 }); // iBGP: LOCAL_PREF allowed
    assert.ok(r.ok, `decodes: ${r.ok ? '' : r.error.reason}`);
    assert.equal(r.errors.length, 0, r.errors.map((e) => e.reason).join('; '));
    const m = r.msg as UpdateMessage;
    seen.push(...prefixesOf(m, afi === 'ipv4' ? 'nlri' : 'mpReach'));
    // The attribute set survives: converted back, it is the very same interned object. (RFC 6793 §4.2.3: an old
    // speaker's AGGREGATOR with a 2-octet AS makes the receiver ignore AS4_PATH, so that case cannot round-trip.)
    const lossy = !ctx.as4 && attrs.aggregatorAs !== null && attrs.aggregatorAs <= 0xffff && attrs.asPath.data.some((x) => x > 0xffff);
    if (!lossy) assert.equal(conv.convert(m.attrs, afi), attrs);
    if (!ctx.as4 && JSON.stringify(input.asPath).match(/\d{6,}/)) {
      assert.ok(findAttr(m.attrs.list, 'AS4_PATH') !== undefined || !attrs.asPath.data.some((x) => x > 0xffff));
    }
  }
  assert.deepEqual(seen, routes.map((r) => [formatPrefix(r.prefix), r.pathId]));
  // Withdrawals of the same routes.
  const w: Uint8Array[] = [];
  buildWithdrawals(afi, out, addPath, max, w);
  const wseen: [string, number][] = [];
  for (const b of w) {
    assert.ok(b.length <= max);
    const r = decode(b, recv);
    assert.ok(r.ok && r.errors.length === 0);
    wseen.push(...prefixesOf(r.msg as UpdateMessage, afi === 'ipv4' ? 'withdrawn' : 'mpUnreach'));
  }
  assert.deepEqual(wseen, routes.map((r) => [formatPrefix(r.prefix), r.pathId]));
}

test('IPv4 UPDATEs: every attribute, 4-octet and 2-octet sessions, 4096 and 65535 octets, add-path', () => {
  fc.assert(fc.property(attrsArb('ipv4'), fc.uniqueArray(v4Prefix, { maxLength: 1500 }), fc.boolean(), fc.boolean(), fc.boolean(),
    (input, keys, as4, ext, ap) => {
      const ctx = symmetricContext({ as4, extendedMessages: ext, addPath: ap ? [IPV4_UNICAST] : [] });
      check('ipv4', ctx, input, keys, ext ? 65535 : 4096);
    }), { numRuns: 150 });
});

test('IPv6 UPDATEs: MP_REACH_NLRI / MP_UNREACH_NLRI with global and link-local next hops', () => {
  fc.assert(fc.property(attrsArb('ipv6'), fc.uniqueArray(v6Prefix, { maxLength: 800 }), fc.boolean(), fc.boolean(),
    (input, keys, as4, ap) => {
      const ctx = symmetricContext({ as4, addPath: ap ? [IPV6_UNICAST] : [] });
      check('ipv6', ctx, input, keys, 4096);
    }), { numRuns: 150 });
});

test('a set whose next hop cannot be sent on the session is reported, not encoded', () => {
  const store = new AttrStore();
  const e = new AttrEncoder();
  const ctx = symmetricContext({ as4: true });
  assert.equal(e.get(store.intern({ asPath: '65000', nextHop: '2001:db8::1' }), 'ipv4', ctx), 'next-hop-family');
  assert.equal(e.get(store.intern({ asPath: '65000', nextHop: '192.0.2.1' }), 'ipv6', ctx), 'next-hop-family');
  assert.equal(e.get(store.intern({ asPath: '65000' }), 'ipv4', ctx), 'no-next-hop');
  // One encoding per set and session kind, however many times it is asked for.
  const a = store.intern({ asPath: '65000', nextHop: '192.0.2.1' });
  for (let i = 0; i < 5; i++) e.get(a, 'ipv4', ctx);
  e.get(a, 'ipv4', symmetricContext({ as4: false }));
  assert.equal(e.encodings, 5);
});
