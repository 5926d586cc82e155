// The pure parts of the session layer: configuration checks (every problem with its key), the OPEN we build
// (capabilities, AS_TRANS, R/N/F bits, refusals left out), reading refusals (RFC 5492 §5), the receive decoder's
// End-of-RIB detection and interning, the exact prefix counter and the max-prefix guard, address helpers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyRefusal, buildOpen, ExactPrefixCounter, InboundDecoder, MaxPrefixGuard, negotiateSession, peerConfig,
  resolvePeerConfig, type Refusals, type UpdateIn,
} from '../../../src/bgp/peer/index.js';
import { canonicalAddress, inRange, parseRange, addressFamily } from '../../../src/bgp/transport/index.js';
import { encodeCapabilityValue } from '../../../src/bgp/wire/capabilities.js';
import { family, IPV4_UNICAST, IPV6_UNICAST, symmetricContext } from '../../../src/bgp/wire/context.js';
import { openCapabilities } from '../../../src/bgp/wire/open.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';
import { AS_PATH, BASIC, COMMUNITIES, ORIGIN, update } from './bytes.js';

const BASE = { localAs: 65001, routerId: '192.0.2.1', remoteAddress: '192.0.2.2', peerAs: 65002 };
const NONE: Refusals = { codes: new Set(), families: new Set(), bare: false };

test('config: defaults, family from the neighbor address, and every problem reported with its key', () => {
  const c = peerConfig(BASE);
  assert.deepEqual(c.families, [IPV4_UNICAST]);
  assert.equal(c.holdTime, 90);
  assert.equal(c.sendHoldTime, 480, 'RFC 9687: max(8 min, 2 x hold)');
  assert.equal(peerConfig({ ...BASE, holdTime: 300 }).sendHoldTime, 600);
  assert.equal(peerConfig({ ...BASE, holdTime: 0 }).sendHoldTime, 0);
  assert.deepEqual(peerConfig({ ...BASE, remoteAddress: '2001:DB8::2', peerAs: 65002 }).families, [IPV6_UNICAST]);
  assert.equal(peerConfig({ ...BASE, remoteAddress: '::ffff:192.0.2.2' }).remoteAddress, '192.0.2.2');
  const r = resolvePeerConfig({ ...BASE, remoteAddress: 'nope', localAddress: '2001:db8::1', holdTime: 2, routerId: '0.0.0.0',
    families: ['ipv4-unicast', 'ipv9'], addPath: { 'ipv6-unicast': 'both' }, gracefulRestart: { restartTime: 5000 },
    maxPrefix: { 'ipv4-unicast': { limit: 0 } }, strictRole: true, idleHoldTime: 10, idleHoldTimeMax: 5 });
  assert.ok(!r.ok);
  assert.deepEqual(r.problems.map((p) => p.key).sort(), ['addPath.ipv6-unicast', 'families', 'gracefulRestart.restartTime',
    'holdTime', 'idleHoldTimeMax', 'maxPrefix.ipv4-unicast.limit', 'remoteAddress', 'routerId', 'strictRole'].sort());
  assert.match(r.problems.find((p) => p.key === 'holdTime')!.reason, /0 or 3\.\.65535 seconds, got 2/);
  assert.throws(() => peerConfig({ ...BASE, holdTime: 1 }), { code: 'ERR_PEER_CONFIG' });
});

test('the OPEN we send: capabilities from the config, AS_TRANS, graceful restart bits, refusals left out', () => {
  const c = peerConfig({ ...BASE, localAs: 4200000001, families: ['ipv4-unicast', 'ipv6-unicast'], addPath: { 'ipv6-unicast': 'send' },
    role: 'peer', hostname: 'r1', domain: 'example.net', gracefulRestart: { restartTime: 77, forwarding: ['ipv6-unicast'] } });
  const o = buildOpen(c, NONE, true);
  assert.equal(o.myAs, 23456);
  assert.equal(o.holdTime, 90);
  const caps = openCapabilities(o);
  assert.deepEqual(caps.map((x) => x.code), [1, 1, 2, 70, 6, 9, 64, 65, 69, 73]);
  const g = caps.find((x) => x.name === 'graceful-restart')!;
  assert.ok(g.name === 'graceful-restart');
  assert.deepEqual([g.flags, g.time, g.families], [8 | 4, 77, [{ afi: 2, safi: 1, flags: 0x80 }]]);
  const as4 = caps.find((x) => x.name === 'as4')!;
  assert.ok(as4.name === 'as4' && as4.asn === 4200000001);
  const refused: Refusals = { codes: new Set([69, 64]), families: new Set([IPV6_UNICAST]), bare: false };
  assert.deepEqual(openCapabilities(buildOpen(c, refused, false)).map((x) => x.code), [1, 2, 70, 6, 9, 65, 73]);
  assert.deepEqual(buildOpen(c, { ...NONE, bare: true }, false).params, []);
  assert.deepEqual(buildOpen(peerConfig({ ...BASE, gracefulRestart: false, routeRefresh: false, enhancedRouteRefresh: false,
    extendedMessages: false, as4: false }), NONE, false).params.flatMap((p) => p.kind === 'capabilities' ? p.capabilities.map((x) => x.code) : []), [1]);
});

test('refusals: 2/7 data read as capabilities; 2/4, empty or unreadable data mean "no optional parameters"', () => {
  const ap = Uint8Array.from([69, 4, ...encodeCapabilityValue({ name: 'add-path', code: 69, families: [{ afi: 1, safi: 1, mode: 3 }] })]);
  const mp6 = Uint8Array.from([1, 4, 0, 2, 0, 1]);
  const r = applyRefusal(NONE, 2, 7, Uint8Array.from([...ap, ...mp6]))!;
  assert.deepEqual([...r.refusals.codes], [69]);
  assert.deepEqual([...r.refusals.families], [IPV6_UNICAST]);
  assert.equal(r.what, 'add-path (69), multiprotocol 2/1');
  assert.equal(applyRefusal(r.refusals, 2, 7, ap), null, 'nothing new');
  assert.equal(applyRefusal(NONE, 2, 7, new Uint8Array(0))!.refusals.bare, true);
  assert.equal(applyRefusal(NONE, 2, 7, Uint8Array.of(69, 9, 1))!.refusals.bare, true);
  assert.equal(applyRefusal(NONE, 2, 4, new Uint8Array(0))!.refusals.bare, true);
  assert.equal(applyRefusal(NONE, 2, 2, new Uint8Array(0)), null);
  assert.equal(applyRefusal(NONE, 6, 7, new Uint8Array(0)), null);
});

test('negotiation of two OPENs: families, add-path directions, hard reset needs N on both sides', () => {
  const ca = peerConfig({ ...BASE, families: ['ipv4-unicast', 'ipv6-unicast'], addPath: { 'ipv4-unicast': 'both', 'ipv6-unicast': 'receive' } });
  const cb = peerConfig({ ...BASE, localAs: 65002, peerAs: 65001, routerId: '192.0.2.2', remoteAddress: '192.0.2.1',
    families: ['ipv6-unicast', 'ipv4-unicast'], addPath: { 'ipv4-unicast': 'send', 'ipv6-unicast': 'send' }, gracefulRestart: { notification: false } });
  const n = negotiateSession(ca, buildOpen(ca, NONE, false), buildOpen(cb, NONE, false));
  assert.deepEqual(n.families, [IPV4_UNICAST, IPV6_UNICAST]);
  assert.deepEqual(n.addPathReceive, [IPV4_UNICAST, IPV6_UNICAST]);
  assert.deepEqual(n.addPathSend, []);
  assert.equal(n.hardResetNegotiated, false);
  assert.equal(n.peerGracefulRestart!.notification, false);
});

test('receive decoder: End-of-RIB shapes, interned sets kept by identity, per-family lists', () => {
  const d = new InboundDecoder(symmetricContext({ as4: true }), { localAs: 65001, peerAs: 65002, families: new Set([IPV4_UNICAST]) }, [IPV4_UNICAST]);
  assert.deepEqual(d.decode(update({})), { kind: 'end-of-rib', family: IPV4_UNICAST });
  const r1 = d.decode(update({ attrs: [...BASIC(), ...COMMUNITIES(7)], nlri: [24, 198, 51, 100] }));
  const r2 = d.decode(update({ attrs: [...BASIC(), ...COMMUNITIES(7)], nlri: [24, 203, 0, 113], withdrawn: [16, 10, 1] }));
  assert.ok(r1.kind === 'update' && r2.kind === 'update');
  assert.equal(r1.update.attrs, r2.update.attrs, 'same bytes, same set object');
  assert.deepEqual(r2.update.withdraw.map((w) => [w.family, w.prefixes.texts()]), [[IPV4_UNICAST, ['10.1.0.0/16']]]);
  assert.deepEqual(r2.update.announce.map((w) => [w.family, w.prefixes.texts()]), [[IPV4_UNICAST, ['203.0.113.0/24']]]);
  assert.equal(d.cache.hits, 1);
  // Discard keeps the reduced set interned too.
  const r3 = d.decode(update({ attrs: [...BASIC(), ...COMMUNITIES(1), ...COMMUNITIES(2)], nlri: [24, 198, 51, 100] }));
  const r4 = d.decode(update({ attrs: [...BASIC(), ...COMMUNITIES(1), ...COMMUNITIES(2)], nlri: [24, 198, 51, 101] }));
  assert.ok(r3.kind === 'update' && r4.kind === 'update');
  assert.equal(r3.update.treatment, 'discard');
  assert.equal(r3.update.attrs, r4.update.attrs);
  assert.notEqual(r3.update.attrs, r3.update.message.attrs);
});

test('receive decoder with a small attribute cache: bounded, and still correct after the cache is cleared', () => {
  const d = new InboundDecoder(symmetricContext({ as4: true }), { localAs: 65001, peerAs: 65002, families: new Set([IPV4_UNICAST]) }, [IPV4_UNICAST], 2);
  for (let i = 0; i < 10; i++) {
    const r = d.decode(update({ attrs: [...BASIC(), ...COMMUNITIES(i)], nlri: [24, 198, 51, i] }));
    assert.ok(r.kind === 'update');
    const c = r.update.attrs.list.find((a) => a.name === 'COMMUNITIES');
    assert.ok(c !== undefined && c.name === 'COMMUNITIES' && c.communities[0] === i);
    assert.ok(d.cache.size <= 2);
  }
  const again = d.decode(update({ attrs: [...BASIC(), ...COMMUNITIES(1), ...COMMUNITIES(1)], nlri: [24, 198, 51, 1] }));
  assert.ok(again.kind === 'update' && again.update.treatment === 'discard');
});

test('receive decoder: the set index, and the session checks kept per set and per UPDATE shape', () => {
  const d = new InboundDecoder(symmetricContext({ as4: true }), { localAs: 65001, peerAs: 65002, families: new Set([IPV4_UNICAST]) }, [IPV4_UNICAST]);
  const noNextHop = [...ORIGIN(0), ...AS_PATH(65002)];
  // The same set with only withdrawals (NEXT_HOP not required), then with NLRI (required: RFC 7606 §3 d,
  // treat-as-withdraw), then withdrawals again: each shape gets its own check, done once per set.
  const w1 = d.decode(update({ attrs: noNextHop, withdrawn: [24, 198, 51, 7] }));
  const a1 = d.decode(update({ attrs: noNextHop, nlri: [24, 198, 51, 8] }));
  const w2 = d.decode(update({ attrs: noNextHop, withdrawn: [24, 198, 51, 9] }));
  const a2 = d.decode(update({ attrs: noNextHop, nlri: [24, 198, 51, 10] }));
  assert.ok(w1.kind === 'update' && a1.kind === 'update' && w2.kind === 'update' && a2.kind === 'update');
  assert.equal(w1.update.treatment, null);
  assert.equal(w2.update.treatment, null);
  assert.equal(a1.update.treatment, 'withdraw');
  assert.equal(a2.update.treatment, 'withdraw');
  assert.deepEqual(a2.update.withdraw.map((w) => w.prefixes.texts()), [['198.51.10.0/24']]);
  assert.equal(a1.update.attrs, w1.update.attrs);
  assert.equal(w1.update.setIndex, 0);
  assert.equal(a2.update.setIndex, 0);
  // A second set gets the next index; an attribute discard's reduced copy is outside the cache.
  const b = d.decode(update({ attrs: [...BASIC(), ...COMMUNITIES(5)], nlri: [24, 203, 0, 113] }));
  assert.ok(b.kind === 'update' && b.update.setIndex === 1 && b.update.treatment === null);
  const disc = d.decode(update({ attrs: [...BASIC(), ...COMMUNITIES(1), ...COMMUNITIES(2)], nlri: [24, 203, 0, 114] }));
  assert.ok(disc.kind === 'update' && disc.update.treatment === 'discard' && disc.update.setIndex === -1);
});

test('receive decoder: a cache that empties itself reuses indices, and no check result follows an index to another set', () => {
  const d = new InboundDecoder(symmetricContext({ as4: true }), { localAs: 65001, peerAs: 65002, families: new Set([IPV4_UNICAST]) }, [IPV4_UNICAST], 1);
  // Index 0 first holds a clean set, then (the cache emptied) a set without NEXT_HOP, then a clean one again.
  const clean = d.decode(update({ attrs: BASIC(), nlri: [24, 198, 51, 1] }));
  const bad = d.decode(update({ attrs: [...ORIGIN(0), ...AS_PATH(65002)], nlri: [24, 198, 51, 2] }));
  const clean2 = d.decode(update({ attrs: [...BASIC(), ...COMMUNITIES(3)], nlri: [24, 198, 51, 3] }));
  assert.ok(clean.kind === 'update' && bad.kind === 'update' && clean2.kind === 'update');
  assert.deepEqual([clean.update.setIndex, bad.update.setIndex, clean2.update.setIndex], [0, 0, 0]);
  assert.deepEqual([clean.update.treatment, bad.update.treatment, clean2.update.treatment], [null, 'withdraw', null]);
});

function upd(announce: PrefixList | null, withdraw: PrefixList | null, f = IPV4_UNICAST): UpdateIn {
  return { announce: announce === null ? [] : [{ family: f, prefixes: announce }], withdraw: withdraw === null ? [] : [{ family: f, prefixes: withdraw }],
    errors: [], treatment: null, disabled: [], attrs: { list: [], key: '', errors: [] }, setIndex: -1, message: null as never };
}

test('exact prefix counter: distinct prefixes (and path ids), withdrawals, IPv6', () => {
  const c = new ExactPrefixCounter([IPV4_UNICAST, IPV6_UNICAST]);
  c.apply(upd(PrefixList.parse(1, ['10.0.0.0/8', '10.0.0.0/16', '10.0.0.0/8']), null));
  assert.equal(c.count(IPV4_UNICAST), 2);
  c.apply(upd(PrefixList.parse(1, ['10.0.0.0/8', '10.0.0.0/8'], [1, 2]), PrefixList.parse(1, ['10.0.0.0/16'])));
  assert.equal(c.count(IPV4_UNICAST), 3);
  c.apply(upd(PrefixList.parse(2, ['2001:db8::/32', '2001:db8::/48']), null, IPV6_UNICAST));
  c.apply(upd(null, PrefixList.parse(2, ['2001:db8::/48']), IPV6_UNICAST));
  assert.equal(c.count(IPV6_UNICAST), 1);
  c.reset();
  assert.equal(c.count(IPV4_UNICAST), 0);
});

test('max-prefix guard: each crossing reported once, again after falling back', () => {
  const limits = new Map([[IPV4_UNICAST, { limit: 10, action: 'teardown' as const, warnPercent: 50, restartAfter: 'never' as const }]]);
  const g = new MaxPrefixGuard(limits, new ExactPrefixCounter([IPV4_UNICAST]));
  const ps = (from: number, n: number) => PrefixList.parse(1, Array.from({ length: n }, (_, i) => `10.0.${from + i}.0/24`));
  assert.equal(g.check(upd(ps(0, 4), null)), null);
  assert.deepEqual(g.check(upd(ps(4, 1), null))!.map((e) => [e.level, e.count, e.action]), [['threshold', 5, 'warn']]);
  assert.equal(g.check(upd(ps(5, 5), null)), null, 'still between 50 % and the limit');
  assert.deepEqual(g.check(upd(ps(10, 1), null))!.map((e) => [e.level, e.count, e.action]), [['exceeded', 11, 'teardown']]);
  assert.equal(g.check(upd(null, ps(0, 9))), null);
  assert.deepEqual(g.check(upd(ps(0, 4), null))!.map((e) => e.level), ['threshold']);
});

test('addresses: canonical text, families, ranges', () => {
  assert.equal(canonicalAddress('::FFFF:192.0.2.1'), '192.0.2.1');
  assert.equal(canonicalAddress('2001:DB8:0:0::1'), '2001:db8::1');
  assert.equal(canonicalAddress('fe80::1%eth0'), 'fe80::1');
  assert.equal(canonicalAddress('300.1.1.1'), null);
  assert.equal(addressFamily('::1'), 6);
  const r = parseRange('198.51.100.128/25')!;
  assert.equal(inRange('198.51.100.200', r), true);
  assert.equal(inRange('198.51.100.127', r), false);
  assert.equal(inRange('::ffff:198.51.100.200', r), true);
  assert.equal(inRange('2001:db8::1', r), false);
  const r6 = parseRange('2001:db8:ff00::/40')!;
  assert.equal(inRange('2001:db8:ff12::9', r6), true);
  assert.equal(inRange('2001:db8:fe00::9', r6), false);
  void family;
});
