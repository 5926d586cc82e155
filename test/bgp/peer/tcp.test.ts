// Two of our speakers over real TCP on loopback (127.0.0.1 / 127.0.0.2 and ::1, random ports, the system clock):
// active/passive establishment on IPv4 and IPv6 transport, both sides active (collision), UPDATEs and End-of-RIB
// through the kernel's TCP, the shutdown communication, and hold timer expiry when one side stops reading.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SystemClock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/log.js';
import { BgpListener, Peer, type PeerConfigInput } from '../../../src/bgp/peer/index.js';
import { TcpTransport } from '../../../src/bgp/transport/index.js';
import type { PathAttribute } from '../../../src/bgp/wire/attributes.js';
import { IPV4_UNICAST, IPV6_UNICAST } from '../../../src/bgp/wire/context.js';
import { packAnnouncements } from '../../../src/bgp/wire/pack.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';
import { RecordingTransport, Recorder, waitFor } from './helpers.js';

interface Side { peer: Peer; listener: BgpListener; rec: Recorder; transport: RecordingTransport }

async function tcpPair(aAddr: string, bAddr: string, a: Partial<PeerConfigInput> = {}, b: Partial<PeerConfigInput> = {}) {
  const clock = new SystemClock();
  const mk = async (addr: string): Promise<{ l: BgpListener; t: RecordingTransport; port: number; log: ReturnType<typeof memoryLogger> }> => {
    const t = new RecordingTransport(new TcpTransport());
    const log = memoryLogger();
    const l = new BgpListener({ transport: t, clock, logger: log });
    const e = await l.listen({ address: addr, port: 0 });
    return { l, t, port: e.port, log };
  };
  const la = await mk(aAddr), lb = await mk(bAddr);
  const side = (x: typeof la, local: string, remote: string, remotePort: number, las: number, ras: number, id: string,
    extra: Partial<PeerConfigInput>): Side => {
    const peer = Peer.create({ localAs: las, routerId: id, remoteAddress: remote, remotePort, peerAs: ras, localAddress: local,
      holdTime: 9, connectRetryTime: 1, idleHoldTime: 1, families: ['ipv4-unicast', 'ipv6-unicast'], ...extra },
    { transport: x.t, clock, logger: x.log });
    x.l.add(peer);
    return { peer, listener: x.l, rec: new Recorder(peer), transport: x.t };
  };
  const A = side(la, aAddr, bAddr, lb.port, 65001, 65002, '192.0.2.1', a);
  const B = side(lb, bAddr, aAddr, la.port, 65002, 65001, '192.0.2.2', b);
  const done = async () => {
    A.peer.close(); B.peer.close();
    await new Promise((r) => setTimeout(r, 20));
    await A.listener.close(); await B.listener.close();
  };
  return { a: A, b: B, done };
}

const ATTRS = (nh: string): PathAttribute[] => [
  { name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 },
  { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [65001] }] },
  { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: nh },
];

/** A port nobody uses right now on `addr`. */
async function freePort(addr: string): Promise<number> {
  const l = await new TcpTransport().listen({ address: addr, port: 0 }, (c) => c.destroy());
  const p = l.local.port;
  await l.close();
  return p;
}

for (const [fam, aAddr, bAddr] of [['IPv4', '127.0.0.1', '127.0.0.2'], ['IPv6', '::1', '::1']] as const) {
  test(`loopback TCP ${fam}: active/passive from a configured source port, UPDATEs, End-of-RIB, shutdown communication`, async () => {
    const sport = await freePort(aAddr);
    const { a, b, done } = await tcpPair(aAddr, bAddr, { localPort: sport }, { passive: true });
    try {
      b.peer.start(); a.peer.start();
      await waitFor(() => a.peer.established && b.peer.established, 10_000, 'Established');
      assert.equal(a.peer.session!.local.address, aAddr);
      assert.equal(a.peer.session!.local.port, sport, 'source port as configured');
      assert.equal(b.peer.session!.remote.port, sport);
      assert.equal(a.peer.session!.remote.address, bAddr);
      assert.equal(b.peer.session!.initiator, 'remote');
      assert.deepEqual(a.peer.session!.families, [IPV4_UNICAST, IPV6_UNICAST]);
      const ps = PrefixList.parse(1, Array.from({ length: 5000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`));
      a.peer.sendUpdates(packAnnouncements(ATTRS('192.0.2.1'), ps, a.peer.encodeContext));
      a.peer.sendEndOfRib(IPV4_UNICAST);
      await waitFor(() => b.rec.count('endOfRib') === 1, 10_000, 'End-of-RIB');
      assert.equal(b.peer.counters.prefixesAnnounced, 5000);
      a.peer.stop('moving to a new rack');
      await waitFor(() => b.rec.count('down') === 1, 5000, 'down');
      assert.match(b.rec.all('down')[0]!.text, /shutdown communication "moving to a new rack"/);
    } finally {
      await done();
    }
  });
}

test('loopback TCP: both sides active at once end with one session (collision resolution)', async () => {
  const { a, b, done } = await tcpPair('127.0.0.1', '127.0.0.2');
  try {
    a.peer.start(); b.peer.start();
    await waitFor(() => a.peer.established && b.peer.established, 10_000, 'Established');
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(a.peer.established && b.peer.established);
    assert.equal(a.peer.status().connections.length, 1);
    assert.equal(b.peer.status().connections.length, 1);
    // Same connection seen from both ends.
    assert.equal(a.peer.session!.local.port, b.peer.session!.remote.port);
  } finally {
    await done();
  }
});

test('loopback TCP: hold timer expiry when one side stops reading its socket', async () => {
  const { a, b, done } = await tcpPair('127.0.0.1', '127.0.0.2', { holdTime: 3 }, { passive: true, holdTime: 3 });
  try {
    b.peer.start(); a.peer.start();
    await waitFor(() => a.peer.established && b.peer.established, 10_000, 'Established');
    const t0 = Date.now();
    for (const c of a.transport.conns) c.pauseReading();
    await waitFor(() => !a.peer.established, 6000, 'hold expiry');
    const waited = Date.now() - t0;
    assert.ok(waited >= 1500 && waited < 4500, `after ${waited} ms`);
    assert.equal(a.rec.all('down')[0]!.reason.kind, 'holdTimerExpired');
    await waitFor(() => b.rec.count('down') === 1, 3000, 'peer sees it');
    assert.match(b.rec.all('down')[0]!.text, /Hold Timer Expired/);
  } finally {
    await done();
  }
});
void IPV6_UNICAST;
