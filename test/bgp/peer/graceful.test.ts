// Graceful restart (RFC 4724) at the session level: the helper's timers and decisions on their own, then with
// two of our speakers — a restarting peer's routes kept as stale when its connection fails, End-of-RIB ending
// staleness, the restart timer, forwarding state not preserved, a restart detected by a new OPEN while the old
// session is still up, the R bit of a restarting speaker, and the RFC 8538 rules for NOTIFICATIONs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/log.js';
import { BgpListener, GracefulRestartHelper, gracefulEnd, Peer, type NegotiatedSession, type StaleFlush } from '../../../src/bgp/peer/index.js';
import { IPV4_UNICAST, IPV6_UNICAST } from '../../../src/bgp/wire/context.js';
import { packAnnouncements } from '../../../src/bgp/wire/pack.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';
import type { PathAttribute } from '../../../src/bgp/wire/attributes.js';
import { A_ADDR, B_ADDR, pair, Recorder, until } from './helpers.js';

const S = 1000;
const gr = (restartTime: number, fam: [number, boolean][], notification = false) =>
  ({ restartTime, restarting: false, notification, families: new Map(fam) });

test('helper: keep the listed families, flush on the restart timer', () => {
  const clock = new FakeClock(0);
  const flushed: StaleFlush[] = [];
  const h = new GracefulRestartHelper(clock, 360, (f) => flushed.push(f));
  const d = h.sessionDown(gr(120, [[IPV4_UNICAST, true], [IPV6_UNICAST, false]]), true, [IPV4_UNICAST, IPV6_UNICAST]);
  assert.deepEqual(d, { families: [IPV4_UNICAST, IPV6_UNICAST], restartTime: 120, forwarding: [IPV4_UNICAST] });
  clock.advance(120 * S - 1);
  assert.deepEqual(flushed, []);
  assert.equal(h.timerState()!.kind, 'restart');
  clock.advance(1);
  assert.deepEqual(flushed, [{ families: [IPV4_UNICAST, IPV6_UNICAST], reason: 'restart-time-expired' }]);
  assert.deepEqual(h.staleFamilies, []);
});

test('helper: back in time — no F bit flushes at once, End-of-RIB ends the rest, the stale-path timer bounds it', () => {
  const clock = new FakeClock(0);
  const flushed: StaleFlush[] = [];
  const h = new GracefulRestartHelper(clock, 360, (f) => flushed.push(f));
  h.sessionDown(gr(120, [[IPV4_UNICAST, true], [IPV6_UNICAST, true]]), true, [IPV4_UNICAST, IPV6_UNICAST]);
  clock.advance(30 * S);
  h.sessionUp(gr(120, [[IPV4_UNICAST, true], [IPV6_UNICAST, false]]), [IPV4_UNICAST, IPV6_UNICAST]);
  assert.deepEqual(flushed, [{ families: [IPV6_UNICAST], reason: 'forwarding-not-preserved' }]);
  assert.equal(h.timerState()!.kind, 'stale-path');
  assert.equal(h.endOfRib(IPV6_UNICAST), false);
  assert.equal(h.endOfRib(IPV4_UNICAST), true);
  assert.equal(h.timerState(), null);
  // Again, but no End-of-RIB: the stale-path time ends it.
  h.sessionDown(gr(120, [[IPV4_UNICAST, true]]), true, [IPV4_UNICAST]);
  h.sessionUp(gr(120, [[IPV4_UNICAST, true]]), [IPV4_UNICAST]);
  clock.advance(360 * S);
  assert.deepEqual(flushed.at(-1), { families: [IPV4_UNICAST], reason: 'stale-path-time-expired' });
});

test('helper: not graceful, no capability, no families or restart time 0 keep nothing', () => {
  const h = new GracefulRestartHelper(new FakeClock(0), 360, () => {});
  assert.equal(h.sessionDown(gr(120, [[IPV4_UNICAST, true]]), false, [IPV4_UNICAST]), null);
  assert.equal(h.sessionDown(null, true, [IPV4_UNICAST]), null);
  assert.equal(h.sessionDown(gr(120, []), true, [IPV4_UNICAST]), null);
  assert.equal(h.sessionDown(gr(0, [[IPV4_UNICAST, true]]), true, [IPV4_UNICAST]), null);
  assert.equal(h.sessionDown(gr(120, [[IPV6_UNICAST, true]]), true, [IPV4_UNICAST]), null, 'family not negotiated');
});

test('which session ends are graceful (RFC 4724 §4.2, RFC 8538 §4)', () => {
  const n = { hardResetNegotiated: true } as NegotiatedSession, o = { hardResetNegotiated: false } as NegotiatedSession;
  assert.equal(gracefulEnd({ kind: 'tcpFailed' }, o), true);
  assert.equal(gracefulEnd({ kind: 'holdTimerExpired' }, o), false);
  assert.equal(gracefulEnd({ kind: 'holdTimerExpired' }, n), true);
  assert.equal(gracefulEnd({ kind: 'notificationReceived', code: 6, subcode: 2, data: new Uint8Array() }, o), false);
  assert.equal(gracefulEnd({ kind: 'notificationReceived', code: 6, subcode: 2, data: new Uint8Array() }, n), true);
  assert.equal(gracefulEnd({ kind: 'notificationReceived', code: 6, subcode: 9, data: new Uint8Array() }, n), false);
  assert.equal(gracefulEnd({ kind: 'manualStop', subcode: 9 }, n), false);
  assert.equal(gracefulEnd({ kind: 'collision' }, n), false);
});

const ATTRS: PathAttribute[] = [
  { name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 },
  { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [65002] }] },
  { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: B_ADDR },
];

/** A (helper, passive) and B (restarting speaker with forwarding state for IPv4). */
async function grPair(bExtra: Record<string, unknown> = {}) {
  const p = await pair({ a: { passive: true, gracefulRestart: { notification: false } },
    b: { gracefulRestart: { restartTime: 90, forwarding: true, notification: false }, ...bExtra } });
  p.a.peer.start(); p.b.peer.start();
  const clock = p.clock as FakeClock;
  assert.ok(await until(clock, () => p.a.peer.established && p.b.peer.established));
  p.b.peer.sendUpdates(packAnnouncements(ATTRS, PrefixList.parse(1, ['198.51.100.0/24']), p.b.peer.encodeContext));
  p.b.peer.sendEndOfRib(IPV4_UNICAST);
  await until(clock, () => p.a.rec.count('endOfRib') === 1, 1000, 10);
  assert.deepEqual(p.a.rec.all('endOfRib')[0], { family: IPV4_UNICAST, stale: false });
  return { ...p, clock };
}

/** B comes back as a new process: a new Peer with the R bit set (its forwarding state was kept). */
async function restartB(p: Awaited<ReturnType<typeof grPair>>, grExtra: Record<string, unknown> = {}) {
  await p.b.listener.close();
  const deps = { transport: p.net!, clock: p.clock, logger: memoryLogger(), jitterSeed: 0 };
  const b2 = Peer.create({ localAs: 65002, routerId: '192.0.2.2', remoteAddress: A_ADDR, peerAs: 65001, localAddress: B_ADDR, holdTime: 9,
    idleHoldTime: 1, gracefulRestart: { restartTime: 90, forwarding: true, restarting: true, notification: false, ...grExtra } }, deps);
  const l2 = new BgpListener(deps);
  l2.add(b2);
  await l2.listen({ address: B_ADDR, port: 179 });
  const rec = new Recorder(b2);
  b2.start();
  return { b2, rec };
}

test('the peer\'s connection fails: its routes stay stale until its End-of-RIB after the restart', async () => {
  const p = await grPair();
  for (const c of p.net!.connections(B_ADDR)) c.destroy(); // B's process dies: the kernel resets its connections
  p.b.peer.close();
  assert.ok(await until(p.clock, () => p.a.rec.count('down') === 1, 1000, 10));
  const d = p.a.rec.all('down')[0]!;
  assert.equal(d.reason.kind, 'tcpFailed');
  assert.deepEqual(d.graceful, { families: [IPV4_UNICAST], restartTime: 90, forwarding: [IPV4_UNICAST] });
  assert.deepEqual(p.a.peer.staleFamilies, [IPV4_UNICAST]);
  p.clock.advance(20 * S);
  const { b2 } = await restartB(p);
  assert.ok(await until(p.clock, () => p.a.peer.established && b2.established, 10 * S));
  assert.equal(p.a.peer.session!.peerGracefulRestart!.restarting, true, 'R bit seen');
  assert.deepEqual(p.a.rec.all('staleFlush'), [], 'forwarding preserved: nothing flushed yet');
  b2.sendUpdates(packAnnouncements(ATTRS, PrefixList.parse(1, ['198.51.100.0/24']), b2.encodeContext));
  b2.sendEndOfRib(IPV4_UNICAST);
  await until(p.clock, () => p.a.rec.count('endOfRib') === 2, 1000, 10);
  assert.deepEqual(p.a.rec.all('endOfRib')[1], { family: IPV4_UNICAST, stale: true });
  assert.deepEqual(p.a.peer.staleFamilies, []);
  // The R bit is sent only in the first OPEN after the restart.
  b2.reset();
  assert.ok(await until(p.clock, () => p.a.rec.count('established') === 3 && p.a.peer.established, 20 * S));
  assert.equal(p.a.peer.session!.peerGracefulRestart!.restarting, false);
});

test('the peer does not come back within its restart time: the stale routes are flushed', async () => {
  const p = await grPair();
  for (const c of p.net!.connections(B_ADDR)) c.destroy();
  p.b.peer.close();
  assert.ok(await until(p.clock, () => p.a.rec.count('down') === 1, 1000, 10));
  await until(p.clock, () => p.a.rec.count('staleFlush') === 1, 100 * S, 1000);
  assert.deepEqual(p.a.rec.all('staleFlush'), [{ families: [IPV4_UNICAST], reason: 'restart-time-expired' }]);
  const t = p.a.log.records.find((r) => r.msg === 'graceful restart: stale routes flushed');
  assert.ok(t !== undefined);
});

test('the peer comes back without preserved forwarding (F bit clear): flushed at once', async () => {
  const p = await grPair();
  for (const c of p.net!.connections(B_ADDR)) c.destroy();
  p.b.peer.close();
  assert.ok(await until(p.clock, () => p.a.rec.count('down') === 1, 1000, 10));
  const { b2 } = await restartB(p, { forwarding: false });
  assert.ok(await until(p.clock, () => p.a.peer.established && b2.established, 10 * S));
  assert.deepEqual(p.a.rec.all('staleFlush'), [{ families: [IPV4_UNICAST], reason: 'forwarding-not-preserved' }]);
});

test('a restart seen as a new OPEN with graceful restart while the old session is still up (RFC 4724 §4.2)', async () => {
  const p = await grPair();
  p.net!.crash(B_ADDR); // no FIN, no RST: A's session stays Established
  p.b.peer.close();
  p.clock.advance(1 * S);
  assert.ok(p.a.peer.established);
  const { b2 } = await restartB(p);
  assert.ok(await until(p.clock, () => b2.established && p.a.rec.count('established') === 2, 10 * S));
  const d = p.a.rec.all('down')[0]!;
  assert.equal(d.cause.kind, 'peerRestarted');
  assert.deepEqual(d.graceful?.families, [IPV4_UNICAST]);
  assert.ok(p.a.peer.established);
  assert.ok(p.clock.now() < 5 * S, 'well before the hold timer (9 s) would have noticed');
});

test('without RFC 8538 a NOTIFICATION ends graceful restart; with it, a hold timer expiry keeps routes', async () => {
  {
    const p = await grPair();
    p.b.peer.stop('maintenance');
    assert.ok(await until(p.clock, () => p.a.rec.count('down') === 1, 1000, 10));
    assert.equal(p.a.rec.all('down')[0]!.graceful, null);
  }
  {
    const p = await pair({ a: { passive: true }, b: { gracefulRestart: { restartTime: 90, forwarding: true } } });
    p.a.peer.start(); p.b.peer.start();
    const clock = p.clock as FakeClock;
    assert.ok(await until(clock, () => p.a.peer.established && p.b.peer.established));
    assert.equal(p.a.peer.session!.hardResetNegotiated, true);
    for (const c of p.net!.connections(A_ADDR)) c.pauseReading();
    assert.ok(await until(clock, () => p.a.rec.count('down') === 1, 20 * S));
    const d = p.a.rec.all('down')[0]!;
    assert.equal(d.reason.kind, 'holdTimerExpired');
    assert.deepEqual(d.graceful?.families, [IPV4_UNICAST]);
  }
});
