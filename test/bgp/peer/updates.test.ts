// The UPDATE path between two of our speakers (packed UPDATEs out, decoded UpdateIn events in), delivery split
// and coalesced at arbitrary boundaries, End-of-RIB, and the RFC 7606 treatments a scripted peer's malformed
// UPDATEs get, as the speaker interface sees them (treat-as-withdraw, attribute discard, AFI/SAFI disable,
// session reset with the right NOTIFICATION).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../../src/util/clock.js';
import { fixedChunks, randomChunks } from '../../../src/bgp/transport/index.js';
import type { PathAttribute } from '../../../src/bgp/wire/attributes.js';
import { family, IPV4_UNICAST, IPV6_UNICAST } from '../../../src/bgp/wire/context.js';
import { packAnnouncements, packWithdrawals } from '../../../src/bgp/wire/pack.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';
import type { Capability } from '../../../src/bgp/wire/capabilities.js';
import type { UpdateIn } from '../../../src/bgp/peer/index.js';
import { A_ADDR, pair, until } from './helpers.js';
import { accept, scripted } from './scripted.js';
import { AS_PATH, BASIC, COMMUNITIES, LOCAL_PREF, MP_REACH6, MP_UNREACH6, NEXT_HOP, NH6, ORIGIN, update } from './bytes.js';

const S = 1000;

function attrs4(communities: number[] = []): PathAttribute[] {
  return [
    { name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 },
    { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [65001, 64512] }] },
    { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: A_ADDR },
    ...(communities.length > 0 ? [{ name: 'COMMUNITIES', typeCode: 8, flags: 0xc0, communities } as PathAttribute] : []),
  ];
}

function attrs6(): PathAttribute[] {
  return [
    { name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 },
    { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [65001] }] },
    { name: 'MP_REACH_NLRI', typeCode: 14, flags: 0x80, afi: 2, safi: 1, nextHop: ['2001:db8::1'],
      nextHopBytes: Uint8Array.from([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), reserved: 0 },
  ];
}

/** Every announced / withdrawn prefix text, per family, from a list of UpdateIn. */
function texts(us: UpdateIn[], what: 'announce' | 'withdraw', f = IPV4_UNICAST): string[] {
  return us.flatMap((u) => u[what].filter((x) => x.family === f).flatMap((x) => x.prefixes.texts()));
}

async function established(o: Parameters<typeof pair>[0] = {}) {
  const p = await pair({ ...o, a: { families: ['ipv4-unicast', 'ipv6-unicast'], ...o.a },
    b: { passive: true, families: ['ipv4-unicast', 'ipv6-unicast'], ...o.b } });
  p.b.peer.start(); p.a.peer.start();
  assert.ok(await until(p.clock as FakeClock, () => p.a.peer.established && p.b.peer.established));
  return p;
}

test('packed UPDATEs with communities reach the other speaker as UpdateIn events (IPv4 and IPv6)', async () => {
  const { clock, a, b } = await established();
  const ctx = a.peer.encodeContext;
  const v4 = PrefixList.parse(1, ['198.51.100.0/24', '203.0.113.0/25', '203.0.113.128/25']);
  const v6 = PrefixList.parse(2, ['2001:db8:1::/48', '2001:db8:2::/48']);
  a.peer.sendUpdates([...packAnnouncements(attrs4([0xfde80001, 0xfde80002]), v4, ctx), ...packAnnouncements(attrs6(), v6, ctx)]);
  a.peer.sendEndOfRib(IPV4_UNICAST);
  a.peer.sendEndOfRib(IPV6_UNICAST);
  await until(clock as FakeClock, () => b.rec.count('endOfRib') === 2, 1000, 10);
  const us = b.rec.all('update');
  assert.deepEqual(texts(us, 'announce'), v4.texts());
  assert.deepEqual(texts(us, 'announce', IPV6_UNICAST), v6.texts());
  const u4 = us.find((u) => u.announce[0]!.family === IPV4_UNICAST)!;
  assert.equal(u4.treatment, null);
  const comm = u4.attrs.list.find((x) => x.name === 'COMMUNITIES');
  assert.ok(comm !== undefined && comm.name === 'COMMUNITIES');
  assert.deepEqual(comm.communities, [0xfde80001, 0xfde80002]);
  const nh = u4.attrs.list.find((x) => x.name === 'NEXT_HOP');
  assert.ok(nh !== undefined && nh.name === 'NEXT_HOP' && nh.nextHop === A_ADDR);
  assert.deepEqual(b.rec.all('endOfRib').map((e) => e.family), [IPV4_UNICAST, IPV6_UNICAST]);
  assert.equal(b.peer.counters.prefixesAnnounced, 5);
  // Withdrawals.
  a.peer.sendUpdates([...packWithdrawals(v4, ctx), ...packWithdrawals(v6, ctx)]);
  await until(clock as FakeClock, () => b.peer.counters.prefixesWithdrawn === 5, 1000, 10);
  assert.deepEqual(texts(b.rec.all('update'), 'withdraw', IPV6_UNICAST), v6.texts());
  // The same attribute bytes give the same interned set (identity) on the receiving side.
  const before = b.rec.all('update').length;
  a.peer.sendUpdates(packAnnouncements(attrs4([0xfde80001, 0xfde80002]), v4, ctx));
  await until(clock as FakeClock, () => b.rec.all('update').length > before, 1000, 10);
  assert.equal(b.rec.all('update').at(-1)!.attrs, u4.attrs);
});

for (const [name, chunker] of [
  ['one octet at a time', fixedChunks([1])],
  ['random pieces of 1..97 octets', randomChunks(7, 97)],
  ['pieces of 4095 and 1 octets', fixedChunks([4095, 1])],
] as const) {
  test(`UPDATE stream split ${name} arrives complete and in order`, async () => {
    const { clock, a, b } = await established({ net: { chunker } });
    const ctx = a.peer.encodeContext;
    const all: string[] = [];
    const msgs: Uint8Array[] = [];
    for (let i = 0; i < 60; i++) {
      const n = 1 + (i * 7) % 40;
      const ps = Array.from({ length: n }, (_, k) => `10.${i}.${k}.0/24`);
      all.push(...ps);
      msgs.push(...packAnnouncements(attrs4([i]), PrefixList.parse(1, ps), ctx));
    }
    a.peer.sendUpdates(msgs);
    a.peer.sendEndOfRib(IPV4_UNICAST);
    assert.ok(await until(clock as FakeClock, () => b.rec.count('endOfRib') === 1, 5 * S, 10));
    assert.deepEqual(texts(b.rec.all('update'), 'announce'), all);
    assert.ok(a.peer.established && b.peer.established);
  });
}

test('coalesced delivery: 500 messages in one chunk, each delivered exactly once', async () => {
  const { clock, a, b } = await established();
  const ctx = a.peer.encodeContext;
  const msgs = Array.from({ length: 500 }, (_, i) => packAnnouncements(attrs4([i]), PrefixList.parse(1, [`10.${i >> 8}.${i & 255}.0/24`]), ctx)[0]!);
  a.peer.sendUpdates(msgs);
  await until(clock as FakeClock, () => b.rec.count('update') === 500, 1000, 10);
  assert.equal(b.rec.count('update'), 500);
  assert.equal(b.peer.counters.messagesIn[2], 500);
});

test('sendUpdates refuses what is not an UPDATE of the negotiated size, and needs Established', async () => {
  const { a } = await established({ b: { extendedMessages: false } });
  const big = new Uint8Array(5000).fill(0xff);
  big[16] = 5000 >> 8; big[17] = 5000 & 255; big[18] = 2;
  assert.throws(() => a.peer.sendUpdates(big), { code: 'ERR_PEER_MESSAGE' });
  const ka = new Uint8Array(19).fill(0xff); ka[16] = 0; ka[17] = 19; ka[18] = 4;
  assert.throws(() => a.peer.sendUpdates(ka), { code: 'ERR_PEER_MESSAGE' });
  a.peer.stop();
  assert.throws(() => a.peer.sendUpdates([]), { code: 'ERR_PEER_NOT_ESTABLISHED' });
});

// ---- RFC 7606 treatments seen through the speaker interface, from a scripted peer ----

const CAPS6: Capability[] = [{ name: 'multiprotocol', code: 1, afi: 1, safi: 1, reserved: 0 },
  { name: 'multiprotocol', code: 1, afi: 2, safi: 1, reserved: 0 }, { name: 'as4', code: 65, asn: 65002 }];

async function malformed(bytes: Uint8Array[]) {
  const s = await scripted((c) => {
    accept(c, CAPS6);
    c.onMessage = (m) => { if (m.type === 'KEEPALIVE' && c.of('KEEPALIVE').length === 1) for (const b of bytes) c.send(b); };
  }, { role: undefined, addPath: {} });
  await until(s.clock, () => s.rec.count('update') + s.rec.count('down') + s.rec.count('familyDisabled') >= 1 &&
    (s.rec.count('update') >= bytes.length || !s.peer.established), 5 * S, 10);
  return s;
}

test('invalid ORIGIN: treat-as-withdraw — the NLRI arrive as withdrawals, the session stays up', async () => {
  const s = await malformed([update({ attrs: [...ORIGIN(5), ...AS_PATH(65002), ...NEXT_HOP(192, 0, 2, 2)], nlri: [24, 198, 51, 100] })]);
  const u = s.rec.all('update')[0]!;
  assert.equal(u.treatment, 'withdraw');
  assert.deepEqual(u.announce, []);
  assert.deepEqual(texts([u], 'withdraw'), ['198.51.100.0/24']);
  assert.equal(u.errors[0]!.kind, 'origin-invalid');
  assert.ok(s.peer.established);
  assert.ok(s.log.records.some((r) => r.msg === 'malformed UPDATE (RFC 7606)' && r.action === 'withdraw'));
});

test('missing AS_PATH, and a leftmost AS that is not the peer: treat-as-withdraw', async () => {
  const s = await malformed([
    update({ attrs: [...ORIGIN(0), ...NEXT_HOP(192, 0, 2, 2)], nlri: [24, 198, 51, 100] }),
    update({ attrs: [...ORIGIN(0), ...AS_PATH(64999), ...NEXT_HOP(192, 0, 2, 2)], nlri: [24, 203, 0, 113] }),
  ]);
  const [u1, u2] = s.rec.all('update');
  assert.equal(u1!.treatment, 'withdraw');
  assert.equal(u1!.errors[0]!.kind, 'attr-missing');
  assert.equal(u2!.treatment, 'withdraw');
  assert.equal(u2!.errors[0]!.kind, 'as-path-malformed');
  assert.deepEqual(texts([u2!], 'withdraw'), ['203.0.113.0/24']);
  assert.ok(s.peer.established);
});

test('LOCAL_PREF from an external peer and a duplicate COMMUNITIES: attribute discard, routes kept', async () => {
  const s = await malformed([update({ attrs: [...BASIC(), ...LOCAL_PREF(500), ...COMMUNITIES(1), ...COMMUNITIES(2)], nlri: [24, 198, 51, 100] })]);
  const u = s.rec.all('update')[0]!;
  assert.equal(u.treatment, 'discard');
  assert.deepEqual(texts([u], 'announce'), ['198.51.100.0/24']);
  assert.deepEqual(u.attrs.list.map((a) => a.name), ['ORIGIN', 'AS_PATH', 'NEXT_HOP', 'COMMUNITIES']);
  const c = u.attrs.list[3]!;
  assert.ok(c.name === 'COMMUNITIES' && c.communities[0] === 1, 'the first copy stays');
  assert.ok(u.message.attrs.list.some((a) => a.name === 'LOCAL_PREF'), 'the message itself is untouched');
  assert.ok(s.peer.established);
});

test('malformed MP_REACH_NLRI: AFI/SAFI disable — IPv6 disabled for the session, IPv4 goes on', async () => {
  const s = await malformed([
    update({ attrs: [...ORIGIN(0), ...AS_PATH(65002), ...MP_REACH6(NH6, [200, 0x20, 0x01])] }),
    update({ attrs: [...ORIGIN(0), ...AS_PATH(65002), ...MP_REACH6(NH6, [48, 0x20, 0x01, 0x0d, 0xb8, 0, 1])] }),
    update({ attrs: BASIC(), nlri: [24, 198, 51, 100] }),
  ]);
  assert.ok(s.peer.established, 'no session reset');
  const d = s.rec.all('familyDisabled');
  assert.deepEqual(d.map((x) => x.family), [IPV6_UNICAST]);
  assert.equal(d[0]!.error.kind, 'nlri-invalid');
  const us = s.rec.all('update');
  assert.equal(us[0]!.treatment, 'afi-safi-disable');
  assert.deepEqual(us[0]!.disabled, [IPV6_UNICAST]);
  assert.deepEqual(texts(us, 'announce', IPV6_UNICAST), [], 'later IPv6 routes are ignored');
  assert.deepEqual(texts(us, 'announce'), ['198.51.100.0/24']);
});

test('an NLRI prefix longer than 32 bits: session reset with NOTIFICATION 3/10', async () => {
  const s = await malformed([update({ attrs: BASIC(), nlri: [33, 198, 51, 100, 0, 0] })]);
  assert.ok(await until(s.clock, () => s.raw.conns[0]!.of('NOTIFICATION').length > 0, 2 * S, 10));
  const n = s.raw.conns[0]!.of('NOTIFICATION')[0]!;
  assert.deepEqual([n.code, n.subcode], [3, 10]);
  assert.equal(s.rec.count('update'), 0);
  const d = s.rec.all('down')[0]!;
  assert.match(d.text, /NOTIFICATION sent: UPDATE Message Error \/ Invalid Network Field/);
  assert.equal(d.graceful, null);
});

test('an unrecognized well-known attribute: NOTIFICATION 3/2 with the attribute as data', async () => {
  const s = await malformed([update({ attrs: [...BASIC(), 0x40, 99, 1, 7], nlri: [24, 198, 51, 100] })]);
  assert.ok(await until(s.clock, () => s.raw.conns[0]!.of('NOTIFICATION').length > 0, 2 * S, 10));
  const n = s.raw.conns[0]!.of('NOTIFICATION')[0]!;
  assert.deepEqual([n.code, n.subcode, [...n.data]], [3, 2, [0x40, 99, 1, 7]]);
});

test('MP_UNREACH_NLRI with no prefixes and nothing else is the IPv6 End-of-RIB; an empty UPDATE the IPv4 one', async () => {
  const s = await malformed([update({ attrs: MP_UNREACH6([]) }), update({}), update({ attrs: MP_UNREACH6([32, 0x20, 0x01, 0x0d, 0xb8]) })]);
  await until(s.clock, () => s.rec.count('endOfRib') === 2 && s.rec.count('update') === 1, 2 * S, 10);
  assert.deepEqual(s.rec.all('endOfRib').map((e) => e.family), [IPV6_UNICAST, IPV4_UNICAST]);
  assert.deepEqual(texts(s.rec.all('update'), 'withdraw', IPV6_UNICAST), ['2001:db8::/32']);
});

test('an UPDATE before the KEEPALIVE (OpenConfirm): FSM error 5/2 (RFC 6608)', async () => {
  const s = await scripted((c) => {
    c.sendOpen({ as: 65002, holdTime: 9 });
    c.send(update({ attrs: BASIC(), nlri: [24, 198, 51, 100] }));
  }, { role: undefined, addPath: {} });
  assert.ok(await until(s.clock, () => s.raw.conns[0]?.of('NOTIFICATION').length === 1, 2 * S, 10));
  const n = s.raw.conns[0]!.of('NOTIFICATION')[0]!;
  assert.deepEqual([n.code, n.subcode], [5, 2]);
  void family;
});
