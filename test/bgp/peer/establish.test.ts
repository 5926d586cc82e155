// Two of our speakers on the in-memory transport under a FakeClock: active/passive establishment, capability
// negotiation results, both sides active (collision resolved per RFC 4271 §6.8), hold time negotiation, the OPEN
// errors (unacceptable hold time, wrong AS), keepalive cadence, hold timer expiry when a side stops reading, the
// RFC 9687 send hold timer, and IdleHold backoff of a flapping peer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../../src/util/clock.js';
import { IPV4_UNICAST, IPV6_UNICAST } from '../../../src/bgp/wire/context.js';
import { packAnnouncements } from '../../../src/bgp/wire/pack.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';
import type { PathAttribute } from '../../../src/bgp/wire/attributes.js';
import { A_ADDR, B_ADDR, pair, settle, until } from './helpers.js';

const S = 1000;

test('active A, passive B: both Established with the negotiated capabilities', async () => {
  const { clock, a, b } = await pair({ a: { families: ['ipv4-unicast', 'ipv6-unicast'], addPath: { 'ipv4-unicast': 'both' } },
    b: { passive: true, families: ['ipv4-unicast', 'ipv6-unicast'], addPath: { 'ipv4-unicast': 'receive' }, hostname: 'bee', domain: 'example.net' } });
  b.peer.start();
  a.peer.start();
  assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
  const sa = a.peer.session!, sb = b.peer.session!;
  assert.deepEqual(sa.families, [IPV4_UNICAST, IPV6_UNICAST]);
  assert.equal(sa.as4, true);
  assert.equal(sa.extendedMessages, true);
  assert.equal(sa.routeRefresh, true);
  assert.equal(sa.enhancedRouteRefresh, true);
  // A offers both directions, B only receive: A sends path ids, B receives them.
  assert.deepEqual(sa.addPathSend, [IPV4_UNICAST]);
  assert.deepEqual(sa.addPathReceive, []);
  assert.deepEqual(sb.addPathReceive, [IPV4_UNICAST]);
  assert.equal(sa.ctx.addPath.send.has(IPV4_UNICAST), true);
  assert.deepEqual(sa.peerHostname, { hostname: 'bee', domain: 'example.net' });
  assert.equal(sb.peerHostname, undefined);
  assert.equal(sa.initiator, 'local');
  assert.equal(sb.initiator, 'remote');
  assert.equal(sa.peerAs, 65002);
  assert.equal(sa.peerId, '192.0.2.2');
  assert.equal(sa.holdTime, 9);
  assert.equal(sa.keepaliveTime, 3);
  assert.equal(sa.internal, false);
  assert.deepEqual(sa.local, { address: A_ADDR, port: sa.local.port });
  assert.equal(sa.remote.address, B_ADDR);
  assert.equal(sa.remote.port, 179);
  assert.equal(a.rec.count('established'), 1);
  assert.deepEqual(a.rec.all('state').map((s) => s.to), ['Connect', 'OpenSent', 'OpenConfirm', 'Established']);
  assert.deepEqual(b.rec.all('state').map((s) => s.to), ['Active', 'OpenSent', 'OpenConfirm', 'Established']);
});

test('both active at the same time: the collision leaves one session, on the connection the higher id opened', async () => {
  const { clock, a, b } = await pair();
  a.peer.start();
  b.peer.start(); // both connect before either OPEN arrives: two TCP connections, four FSMs for a moment
  assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
  // B's identifier 192.0.2.2 is higher: B is dominant, the connection B initiated survives (RFC 4271 §6.8).
  assert.equal(a.peer.session!.initiator, 'remote');
  assert.equal(b.peer.session!.initiator, 'local');
  const cease7 = [...a.rec.all('notification'), ...b.rec.all('notification')]
    .filter((n) => n.direction === 'sent' && n.code === 6 && n.subcode === 7);
  assert.ok(cease7.length >= 1, 'the losing connection was closed with Cease 7');
  await until(clock as FakeClock, () => false, 60 * S, 500);
  assert.ok(a.peer.established && b.peer.established);
  assert.equal(a.rec.count('established'), 1, 'no flap after the collision');
  assert.equal(b.rec.count('established'), 1);
  assert.equal(a.rec.count('down'), 0);
  assert.equal(a.peer.status().connections.length, 1);
  assert.equal(b.peer.status().connections.length, 1);
  // The surviving session still carries traffic and restarts actively after a drop (it inherited the mode).
  a.peer.reset('test');
  assert.ok(await until(clock as FakeClock, () => a.rec.count('established') === 2 && b.peer.established));
});

test('a connection to a neighbor that is not started is refused with Cease 5 (Connection Rejected)', async () => {
  const { clock, a, b } = await pair({ a: { idleHoldTime: 3 } });
  a.peer.start();
  await until(clock as FakeClock, () => a.peer.status().lastDown !== null, 2 * S);
  const n = a.rec.all('notification').find((x) => x.direction === 'received')!;
  assert.deepEqual([n.code, n.subcode], [6, 5]);
  assert.equal(b.rec.count('state'), 0, 'the stopped neighbor stayed Idle');
  b.peer.start();
  assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established, 20 * S));
});

test('hold time negotiation: the smaller of both; 0 on either side means no keepalives', async () => {
  {
    const { clock, a, b } = await pair({ a: { holdTime: 30 }, b: { holdTime: 9, passive: true } });
    b.peer.start(); a.peer.start();
    assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
    assert.equal(a.peer.session!.holdTime, 9);
    assert.equal(a.peer.session!.keepaliveTime, 3);
  }
  {
    const { clock, a, b } = await pair({ a: { holdTime: 0 }, b: { holdTime: 9, passive: true } });
    b.peer.start(); a.peer.start();
    assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
    assert.equal(b.peer.session!.holdTime, 0);
    const before = a.peer.counters.messagesOut[4]! + b.peer.counters.messagesOut[4]!;
    await until(clock as FakeClock, () => false, 300 * S, 1000);
    assert.ok(a.peer.established && b.peer.established, 'up after 5 minutes of silence');
    assert.equal(a.peer.counters.messagesOut[4]! + b.peer.counters.messagesOut[4]!, before, 'no KEEPALIVE with hold time 0');
  }
});

test('unacceptable hold time: NOTIFICATION 2/6 from the side whose minimum is not met', async () => {
  const { clock, a, b } = await pair({ a: { holdTime: 5 }, b: { minHoldTime: 10, passive: true } });
  b.peer.start(); a.peer.start();
  await until(clock as FakeClock, () => a.peer.status().lastDown !== null, 5 * S);
  const sent = b.rec.all('notification').find((n) => n.direction === 'sent')!;
  assert.deepEqual([sent.code, sent.subcode], [2, 6]);
  const aDown = a.peer.status().lastDown!;
  assert.match(aDown.text, /NOTIFICATION received: OPEN Message Error \/ Unacceptable Hold Time/);
  assert.equal(a.peer.established, false);
});

test('wrong AS: NOTIFICATION 2/2 Bad Peer AS, and the session never comes up', async () => {
  const { clock, a, b } = await pair({ a: { peerAs: 65003 }, b: { passive: true } });
  b.peer.start(); a.peer.start();
  await until(clock as FakeClock, () => false, 20 * S, 200);
  assert.equal(a.rec.count('established') + b.rec.count('established'), 0);
  const sent = a.rec.all('notification').filter((n) => n.direction === 'sent');
  assert.ok(sent.length >= 1);
  assert.deepEqual([sent[0]!.code, sent[0]!.subcode], [2, 2]);
  const got = b.rec.all('notification').find((n) => n.direction === 'received')!;
  assert.deepEqual([got.code, got.subcode], [2, 2]);
  assert.match(b.peer.status().lastDown!.text, /Bad Peer AS/);
});

test('keepalive cadence: one KEEPALIVE every hold/3 seconds, and none in between', async () => {
  const { clock, a, b } = await pair({ b: { passive: true } });
  b.peer.start(); a.peer.start();
  assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
  const times: number[] = [];
  const k0 = a.peer.counters.messagesOut[4]!;
  let last = k0;
  for (let t = 0; t < 30 * S; t += 100) {
    (clock as FakeClock).advance(100);
    await settle();
    const k = a.peer.counters.messagesOut[4]!;
    if (k !== last) { times.push(clock.now()); last = k; }
  }
  assert.equal(last - k0, 10, '30 s / 3 s');
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(gaps.every((g) => g === 3 * S), `gaps ${gaps.join(',')}`);
});

test('hold timer expiry when one side stops reading: NOTIFICATION 4/0, the other side sees it', async () => {
  const { net, clock, a, b } = await pair({ b: { passive: true } });
  b.peer.start(); a.peer.start();
  assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
  const t0 = clock.now();
  for (const c of net!.connections(A_ADDR)) c.pauseReading(); // A reads nothing more: B's KEEPALIVEs pile up
  assert.ok(await until(clock as FakeClock, () => !a.peer.established, 20 * S));
  const waited = clock.now() - t0;
  assert.ok(waited >= 6 * S && waited <= 9 * S + 100, `hold expiry after ${waited} ms (last message at most 3 s before the pause)`);
  assert.equal(a.rec.all('down')[0]!.reason.kind, 'holdTimerExpired');
  assert.ok(await until(clock as FakeClock, () => !b.peer.established, 2 * S));
  const bd = b.rec.all('down')[0]!;
  assert.equal(bd.reason.kind, 'notificationReceived');
  assert.match(bd.text, /Hold Timer Expired/);
  // Both restart by themselves (IdleHold) and come back.
  for (const c of net!.connections(A_ADDR)) c.resumeReading();
  assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established, 60 * S));
});

test('send hold timer (RFC 9687): a peer that reads nothing is dropped after SendHoldTime', async () => {
  const { net, clock, a, b } = await pair({ net: { highWaterMark: 200 }, a: { holdTime: 0, sendHoldTime: 20 }, b: { holdTime: 0, passive: true } });
  b.peer.start(); a.peer.start();
  assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established));
  for (const c of net!.connections(B_ADDR)) c.pauseReading();
  const attrs: PathAttribute[] = [{ name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 },
    { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [65001] }] },
    { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: A_ADDR }];
  const msgs = packAnnouncements(attrs, PrefixList.parse(1, ['198.51.100.0/24', '203.0.113.0/24']), a.peer.encodeContext);
  let ok = true;
  for (let i = 0; i < 10 && ok; i++) ok = a.peer.sendUpdates(msgs);
  assert.equal(ok, false, 'back-pressure reported');
  await until(clock as FakeClock, () => false, 19 * S, 500);
  assert.ok(a.peer.established, 'still up before SendHoldTime');
  assert.ok(await until(clock as FakeClock, () => !a.peer.established, 2 * S));
  const d = a.rec.all('down')[0]!;
  assert.equal(d.cause.kind, 'sendHoldTimerExpired');
  assert.match(d.text, /send hold timer expired/);
});

test('IdleHold backoff: a peer that keeps refusing is retried after 1, 2, 4, 8 s', async () => {
  const { clock, a, b } = await pair({ a: { peerAs: 65009, idleHoldTime: 1, idleHoldTimeMax: 8 }, b: { passive: true } });
  b.peer.start(); a.peer.start();
  const opens: number[] = [];
  a.peer.on('state', (s) => { if (s.to === 'OpenSent') opens.push(clock.now()); });
  await until(clock as FakeClock, () => opens.length >= 6, 60 * S, 50);
  const gaps = opens.slice(1).map((t, i) => Math.round((t - opens[i]!) / S));
  assert.deepEqual(gaps.slice(0, 5), [1, 2, 4, 8, 8], `gaps ${gaps.join(',')}`);
  assert.equal(a.peer.status().idleHoldTime, 8);
});

test('DelayOpen on both sides: OPENs wait for the DelayOpenTimer, then the session comes up', async () => {
  const { clock, a, b } = await pair({ a: { delayOpen: true, delayOpenTime: 3 }, b: { passive: true, delayOpen: true, delayOpenTime: 3 } });
  b.peer.start(); a.peer.start();
  await until(clock as FakeClock, () => false, 2500, 100);
  assert.equal(a.peer.counters.messagesOut[1], 0, 'no OPEN before the DelayOpenTimer');
  assert.equal(a.peer.state, 'Connect');
  assert.ok(await until(clock as FakeClock, () => a.peer.established && b.peer.established, 5 * S));
  assert.equal(a.peer.counters.messagesOut[1], 1);
  assert.equal(b.peer.counters.messagesOut[1], 1);
  assert.equal(a.peer.status().connections.length, 1);
});
