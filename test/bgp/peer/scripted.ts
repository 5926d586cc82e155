// Our peer A (active) towards a scripted peer at B_ADDR on the in-memory network, under a FakeClock.
import { FakeClock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/log.js';
import { Peer, type PeerConfigInput } from '../../../src/bgp/peer/index.js';
import { MemoryNetwork, type MemoryNetworkOptions } from '../../../src/bgp/transport/index.js';
import type { Capability } from '../../../src/bgp/wire/capabilities.js';
import type { OpenMessage } from '../../../src/bgp/wire/messages.js';
import { A_ADDR, B_ADDR, Recorder } from './helpers.js';
import { RawListener, type RawConn } from './raw.js';

/** Our peer A (active) towards a scripted peer at B_ADDR that answers each connection with `script`. */
export async function scripted(script: (c: RawConn, open: OpenMessage, attempt: number) => void, extra: Partial<PeerConfigInput> = {},
  netOpts: MemoryNetworkOptions = {}) {
  const clock = new FakeClock(0);
  const net = new MemoryNetwork(netOpts);
  const raw = await RawListener.on(net, B_ADDR);
  let attempt = 0;
  raw.onConnection = (c) => {
    const n = attempt++;
    c.onMessage = (m) => { if (m.type === 'OPEN') script(c, m, n); };
  };
  const log = memoryLogger();
  const peer = Peer.create({ localAs: 65001, routerId: '192.0.2.1', remoteAddress: B_ADDR, peerAs: 65002, localAddress: A_ADDR,
    holdTime: 9, idleHoldTime: 1, families: ['ipv4-unicast', 'ipv6-unicast'], addPath: { 'ipv4-unicast': 'both' }, role: 'customer',
    ...extra }, { transport: net, clock, logger: log, jitterSeed: 0 });
  const rec = new Recorder(peer);
  peer.start();
  return { clock, net, raw, peer, rec, log, opens: () => raw.conns.map((c) => c.of('OPEN')[0]!).filter((o) => o !== undefined) };
}

/** Answer with an OPEN (AS 65002, hold 9) and a KEEPALIVE. */
export function accept(c: RawConn, caps?: Capability[]): void {
  c.sendOpen({ as: 65002, holdTime: 9, ...(caps !== undefined ? { caps } : {}) });
  c.keepalive();
}

