// Session operations between two of our speakers: max-prefix (warn, teardown with the RFC 4486 data, restart
// after a delay, Hard Reset per RFC 8538), shutdown communication (RFC 8203/9003) on administrative stop and
// reset, route refresh and enhanced route refresh markers, soft reset in/out, the message tap, dynamic
// neighbors from a range, and refusal of unknown addresses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/log.js';
import { BgpListener, Peer, type TappedMessage } from '../../../src/bgp/peer/index.js';
import { MemoryNetwork } from '../../../src/bgp/transport/index.js';
import type { PathAttribute } from '../../../src/bgp/wire/attributes.js';
import { IPV4_UNICAST } from '../../../src/bgp/wire/context.js';
import { notificationInfo } from '../../../src/bgp/wire/notification.js';
import { packAnnouncements, packWithdrawals } from '../../../src/bgp/wire/pack.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';
import { A_ADDR, B_ADDR, pair, Recorder, settle, until } from './helpers.js';
import { rawConnect } from './raw.js';

const S = 1000;
const ATTRS: PathAttribute[] = [
  { name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 },
  { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [65001] }] },
  { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: A_ADDR },
];
const prefixes = (n: number, base = 0) => PrefixList.parse(1, Array.from({ length: n }, (_, i) => `10.${(base + i) >> 8}.${(base + i) & 255}.0/24`));

async function up(o: Parameters<typeof pair>[0] = {}) {
  const p = await pair({ ...o, b: { passive: true, ...o.b } });
  p.b.peer.start(); p.a.peer.start();
  assert.ok(await until(p.clock as FakeClock, () => p.a.peer.established && p.b.peer.established));
  return { ...p, clock: p.clock as FakeClock };
}

test('max-prefix teardown: Cease 1 with AFI/SAFI/limit (RFC 4486), restart after the configured delay', async () => {
  const { clock, a, b } = await up({ a: { gracefulRestart: false }, b: { gracefulRestart: false, maxPrefix: { limit: 10, restartAfter: 30 } } });
  a.peer.sendUpdates(packAnnouncements(ATTRS, prefixes(8), a.peer.encodeContext));
  await until(clock, () => b.peer.counters.prefixesAnnounced === 8, 1000, 10);
  assert.ok(b.peer.established);
  assert.equal(b.rec.count('prefixLimit'), 0, 'no warning below 90 %');
  a.peer.sendUpdates(packAnnouncements(ATTRS, prefixes(1, 8), a.peer.encodeContext));
  await until(clock, () => b.rec.count('prefixLimit') === 1, 1000, 10);
  assert.deepEqual(b.rec.all('prefixLimit').map((e) => [e.level, e.count, e.action]), [['threshold', 9, 'warn']]);
  // Re-announcing known prefixes does not count twice.
  a.peer.sendUpdates(packAnnouncements(ATTRS, prefixes(9), a.peer.encodeContext));
  await settle();
  assert.ok(b.peer.established);
  a.peer.sendUpdates(packAnnouncements(ATTRS, prefixes(2, 9), a.peer.encodeContext));
  assert.ok(await until(clock, () => !b.peer.established, 1000, 10));
  const n = a.rec.all('notification').find((x) => x.direction === 'received')!;
  assert.deepEqual([n.code, n.subcode, [...n.data]], [6, 1, [0, 1, 1, 0, 0, 0, 10]]);
  assert.match(n.text, /Maximum Number of Prefixes Reached, ipv4-unicast limit 10/);
  const d = b.rec.all('down')[0]!;
  assert.equal(d.cause.kind, 'maxPrefix');
  assert.match(d.text, /ipv4-unicast 11 prefixes > limit 10/);
  // Back after 30 s, not before.
  await until(clock, () => false, 28 * S, 500);
  assert.equal(b.rec.count('established'), 1);
  assert.ok(await until(clock, () => b.rec.count('established') === 2 && b.peer.established, 10 * S));
});

test('max-prefix warn: logged and reported, the session stays; with RFC 8538 a teardown is a Hard Reset', async () => {
  {
    const { clock, a, b } = await up({ b: { maxPrefix: { limit: 3, action: 'warn', warnPercent: 0 } } });
    a.peer.sendUpdates(packAnnouncements(ATTRS, prefixes(5), a.peer.encodeContext));
    await until(clock, () => b.rec.count('prefixLimit') === 1, 1000, 10);
    assert.deepEqual(b.rec.all('prefixLimit').map((e) => [e.level, e.count, e.action]), [['exceeded', 5, 'warn']]);
    assert.ok(b.peer.established);
    assert.ok(b.log.records.some((r) => r.msg === 'max-prefix' && r.level === 'warn'));
  }
  {
    const { clock, a, b } = await up({ b: { maxPrefix: { limit: 3 } } });
    assert.equal(b.peer.session!.hardResetNegotiated, true);
    a.peer.sendUpdates(packAnnouncements(ATTRS, prefixes(5), a.peer.encodeContext));
    assert.ok(await until(clock, () => !a.peer.established, 1000, 10));
    const n = a.rec.all('notification').find((x) => x.direction === 'received')!;
    assert.deepEqual([n.code, n.subcode], [6, 9]);
    assert.deepEqual(notificationInfo({ type: 'NOTIFICATION', code: 6, subcode: 9, data: n.data }).hardReset?.subcode, 1);
    assert.equal(a.rec.all('down')[0]!.graceful, null, 'a Hard Reset never keeps routes');
    assert.equal(b.peer.status().adminUp, true);
    await until(clock, () => false, 60 * S, 1000);
    assert.equal(b.peer.established, false, "restartAfter 'never': stays down");
  }
});

test('administrative shutdown carries the shutdown communication (RFC 9003), logged by the receiver', async () => {
  const { clock, a, b } = await up({ a: { gracefulRestart: false } });
  a.peer.stop('maintenance: replacing line card, back at 14:00 UTC — ☕');
  assert.ok(await until(clock, () => !b.peer.established, 1000, 10));
  const n = b.rec.all('notification').find((x) => x.direction === 'received')!;
  assert.deepEqual([n.code, n.subcode], [6, 2]);
  assert.equal(notificationInfo({ type: 'NOTIFICATION', code: 6, subcode: 2, data: n.data }).shutdown,
    'maintenance: replacing line card, back at 14:00 UTC — ☕');
  const d = b.rec.all('down')[0]!;
  assert.ok(d.reason.kind === 'notificationReceived' && d.reason.communication === 'maintenance: replacing line card, back at 14:00 UTC — ☕');
  assert.ok(b.log.records.some((r) => r.msg === 'NOTIFICATION received' && /shutdown communication "maintenance/.test(String(r.text))));
  await until(clock, () => false, 30 * S, 1000);
  assert.equal(a.peer.state, 'Idle', 'stopped stays stopped');
  assert.equal(a.peer.status().adminUp, false);
});

test('with RFC 8538 the shutdown goes inside a Hard Reset; reset (Cease 4) restarts and keeps routes unless hard', async () => {
  const { clock, a, b } = await up({ a: { gracefulRestart: { forwarding: true } } });
  a.peer.reset('policy change');
  assert.ok(await until(clock, () => b.rec.count('down') === 1, 1000, 10));
  const n = b.rec.all('notification').find((x) => x.direction === 'received')!;
  assert.deepEqual([n.code, n.subcode], [6, 4], 'Administrative Reset is left to the user: soft by default');
  assert.deepEqual(b.rec.all('down')[0]!.graceful?.families, [IPV4_UNICAST], 'B keeps A\'s routes as stale');
  assert.ok(await until(clock, () => a.peer.established && b.peer.established && a.rec.count('established') === 2, 20 * S));
  a.peer.stop('bye');
  assert.ok(await until(clock, () => b.rec.count('down') === 2, 1000, 10));
  const n2 = b.rec.all('notification').filter((x) => x.direction === 'received')[1]!;
  assert.deepEqual([n2.code, n2.subcode], [6, 9]);
  assert.match(n2.text, /Hard Reset \(Cease \/ Administrative Shutdown, shutdown communication "bye"\)/);
  assert.equal(b.rec.all('down')[1]!.graceful, null);
});

test('close() from inside an event handler still sends Cease 3 and reports the session down', async () => {
  const { clock, a, b } = await up({ a: { gracefulRestart: false } });
  a.peer.on('update', () => a.peer.close('neighbor removed from the configuration'));
  b.peer.sendUpdates(packAnnouncements([...ATTRS.slice(0, 2), { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: B_ADDR }],
    prefixes(1), b.peer.encodeContext));
  assert.ok(await until(clock, () => b.rec.count('down') === 1, 1000, 10));
  const n = b.rec.all('notification').find((x) => x.direction === 'received')!;
  assert.deepEqual([n.code, n.subcode], [6, 3]);
  assert.equal(a.rec.count('down'), 1);
  assert.throws(() => a.peer.start(), { code: 'ERR_PEER_CLOSED' });
  await until(clock, () => false, 20 * S, 1000);
  assert.equal(b.peer.established, false, 'nobody answers any more');
});

test('route refresh (RFC 2918) and enhanced route refresh markers (RFC 7313) both ways; soft reset in and out', async () => {
  const { clock, a, b } = await up();
  assert.equal(a.peer.softResetIn(), 'route-refresh');
  await until(clock, () => b.rec.count('routeRefresh') === 1, 1000, 10);
  assert.deepEqual(b.rec.all('routeRefresh').map((r) => [r.family, r.kind, r.origin]), [[IPV4_UNICAST, 'request', 'peer']]);
  assert.equal(b.peer.sendRefreshMarker(IPV4_UNICAST, 'begin'), true);
  b.peer.sendUpdates(packAnnouncements(ATTRS, prefixes(2), b.peer.encodeContext));
  assert.equal(b.peer.sendRefreshMarker(IPV4_UNICAST, 'end'), true);
  await until(clock, () => a.rec.count('routeRefresh') === 2, 1000, 10);
  assert.deepEqual(a.rec.all('routeRefresh').map((r) => r.kind), ['begin', 'end']);
  const order = a.rec.events.filter((e) => e.name === 'routeRefresh' || e.name === 'update').map((e) => e.name);
  assert.deepEqual(order, ['routeRefresh', 'update', 'routeRefresh'], 'BoRR, routes, EoRR in order');
  b.peer.softResetOut();
  assert.deepEqual(b.rec.all('routeRefresh').at(-1), { family: IPV4_UNICAST, kind: 'request', origin: 'local' });
});

test('without the capability: soft reset in says not-supported, requestRouteRefresh throws, markers are no-ops', async () => {
  const { a } = await up({ b: { routeRefresh: false, enhancedRouteRefresh: false } });
  assert.equal(a.peer.softResetIn(), 'not-supported');
  assert.throws(() => a.peer.requestRouteRefresh(), { code: 'ERR_ROUTE_REFRESH_NOT_SUPPORTED' });
  assert.equal(a.peer.sendRefreshMarker(IPV4_UNICAST, 'begin'), false);
});

test('the message tap sees every message both ways with its time, endpoints and AS numbers', async () => {
  const tapped: TappedMessage[] = [];
  const states: string[] = [];
  const clock = new FakeClock(0);
  const net = new MemoryNetwork();
  const mk = (local: string, remote: string, las: number, ras: number, id: string, passive: boolean, tap = false) => {
    const deps = { transport: net, clock, jitterSeed: 0, wallClock: () => 1_700_000_000_123.456,
      ...(tap ? { tap: { message: (m: TappedMessage) => tapped.push(m), state: (s: { to: string }) => states.push(s.to) } } : {}) };
    const p = Peer.create({ localAs: las, routerId: id, remoteAddress: remote, peerAs: ras, localAddress: local, holdTime: 9, passive }, deps);
    const l = new BgpListener(deps);
    l.add(p);
    return { p, l };
  };
  const a = mk(A_ADDR, B_ADDR, 65001, 65002, '192.0.2.1', false, true);
  const b = mk(B_ADDR, A_ADDR, 65002, 65001, '192.0.2.2', true);
  await a.l.listen({ address: A_ADDR, port: 179 });
  await b.l.listen({ address: B_ADDR, port: 179 });
  b.p.start(); a.p.start();
  assert.ok(await until(clock, () => a.p.established && b.p.established));
  a.p.sendUpdates(packWithdrawals(prefixes(1), a.p.encodeContext));
  await settle();
  const kinds = tapped.map((m) => `${m.direction}:${m.bytes[18]}`);
  assert.deepEqual(kinds.slice(0, 4).sort(), ['in:1', 'in:4', 'out:1', 'out:4']);
  assert.equal(kinds.at(-1), 'out:2');
  const last = tapped.at(-1)!;
  assert.equal(last.time, 1_700_000_000_123.456);
  assert.deepEqual([last.local.address, last.remote.address, last.localAs, last.peerAs, last.as4], [A_ADDR, B_ADDR, 65001, 65002, true]);
  assert.deepEqual(states, ['Connect', 'OpenSent', 'OpenConfirm', 'Established']);
});

test('dynamic neighbors: a connection from a range creates a passive neighbor, removed when its session ends', async () => {
  const clock = new FakeClock(0);
  const net = new MemoryNetwork();
  const log = memoryLogger();
  const deps = { transport: net, clock, logger: log, jitterSeed: 0 };
  const hub = new BgpListener(deps);
  assert.deepEqual(hub.addRange({ name: 'edge', prefix: '198.51.100.0/24', peerAsRange: [65100, 65199],
    template: { localAs: 65000, routerId: '192.0.2.100', holdTime: 9 } }), []);
  assert.deepEqual(hub.addRange({ name: 'bad', prefix: '198.51.100.0/33', template: { localAs: 65000, routerId: '192.0.2.100' } })
    .map((p) => p.key), ['prefix']);
  await hub.listen({ address: '192.0.2.100', port: 179 });
  const created: Peer[] = [], removed: Peer[] = [];
  hub.onPeerCreated((p) => created.push(p));
  hub.onPeerRemoved((p) => removed.push(p));
  const spoke = (addr: string, as: number) => {
    const p = Peer.create({ localAs: as, routerId: addr, remoteAddress: '192.0.2.100', peerAs: 65000, localAddress: addr, holdTime: 9,
      idleHoldTime: 30 }, deps);
    return { p, rec: new Recorder(p) };
  };
  const s1 = spoke('198.51.100.7', 65101);
  const s2 = spoke('198.51.100.8', 65300); // AS outside the range
  s1.p.start(); s2.p.start();
  assert.ok(await until(clock, () => s1.p.established, 5 * S));
  assert.equal(created.length, 2);
  assert.equal(hub.dynamicPeers.length >= 1, true);
  const dyn = created.find((p) => p.config.remoteAddress === '198.51.100.7')!;
  assert.equal(dyn.name, 'edge-198.51.100.7');
  assert.equal(dyn.established, true);
  assert.equal(dyn.session!.peerAs, 65101);
  // The out-of-range AS was refused with Bad Peer AS and its neighbor removed.
  const n = s2.rec.all('notification').find((x) => x.direction === 'received')!;
  assert.deepEqual([n.code, n.subcode], [2, 2]);
  await until(clock, () => removed.length === 1, 2 * S);
  assert.equal(removed[0]!.config.remoteAddress, '198.51.100.8');
  s1.p.stop('bye');
  assert.ok(await until(clock, () => removed.length === 2, 2 * S));
  assert.equal(hub.dynamicPeers.length, 0);
  assert.equal(hub.peer('198.51.100.7'), undefined);
  // An address outside every range is refused outright.
  const stranger = await rawConnect(net, '203.0.113.5', '192.0.2.100');
  await settle();
  assert.equal(stranger.closed, true);
  assert.ok(log.records.some((r) => r.msg === 'connection from an unknown address refused'));
  void B_ADDR;
});
