// The bgperf-style tester: N minimal BGP peers (one connection each, from its own source address) that open a
// session to the device under test, write a prepared full-table UPDATE stream as fast as the transport takes it,
// then End-of-RIB, and keep the session alive; optionally one "sink" peer that only counts the prefixes the
// device sends it. The same tester drives our speaker, BIRD and GoBGP. The streams come from bench/rib/gen.ts
// (the same prefixes from every peer, per-peer paths, realistic attribute variety) encoded with the wire codec.
import type { PathAttribute } from '../../src/bgp/wire/attributes.js';
import { KEEPALIVE_BYTES } from '../../src/bgp/wire/codec.js';
import { symmetricContext } from '../../src/bgp/wire/context.js';
import { FrameReader } from '../../src/bgp/wire/framing.js';
import { chunkMessages, endOfRib, feederOpen, packAnnouncements } from '../../src/bgp/wire/pack.js';
import { PrefixList } from '../../src/bgp/wire/prefix.js';
import { v4KeyAddr, v4KeyLen } from '../../src/bgp/rib/prefix.js';
import { parseCommunity } from '../../src/bgp/rib/communities.js';
import type { Connection, Transport } from '../../src/bgp/transport/index.js';
import { Feed, type FeedPeer } from '../rib/gen.js';

export const CTX = symmetricContext({ as4: true });

export interface TesterSpec {
  /** Device under test. */
  readonly dut: { address: string; port: number; asn: number };
  readonly peers: number;
  readonly prefixes: number;
  readonly maxGroup?: number;
  /** Source address of peer p (0-based); the sink is peer index `peers`. */
  readonly addressOf: string;
  /** Add a sink peer that counts what the device sends (propagation runs). */
  readonly sink?: boolean;
  /** Router ids in the opposite order of the addresses (the differential test's tie-break check). */
  readonly reverseRouterIds?: boolean;
}

export const peerAddress = (tpl: string, p: number) => tpl.replace('%', String(p + 2));

/** One peer's UPDATE stream in ~64 KiB chunks, followed by its End-of-RIB. */
export function buildStream(feed: Feed, p: number): { chunks: Uint8Array[]; routes: number } {
  const msgs: Uint8Array[] = [];
  let routes = 0;
  for (const u of feed.updatesOf(p)) {
    const a = u.attrs;
    const list: PathAttribute[] = [
      { name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: a.origin === 'igp' ? 0 : 2 },
      { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: (a.asPath as unknown as { asns: number[] }[]).map((s) => ({ type: 2, asns: s.asns })) },
      { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: a.nextHop as string },
    ];
    if (a.med !== null && a.med !== undefined) list.push({ name: 'MULTI_EXIT_DISC', typeCode: 4, flags: 0x80, med: a.med });
    const comm = (a.communities ?? []).map((c) => (typeof c === 'number' ? c : parseCommunity(c)!));
    if (comm.length > 0) list.push({ name: 'COMMUNITIES', typeCode: 8, flags: 0xc0, communities: comm });
    const large = a.largeCommunities as { global: number; local1: number; local2: number }[] | null | undefined;
    if (large) list.push({ name: 'LARGE_COMMUNITY', typeCode: 32, flags: 0xc0, communities: large });
    // 0/8 and 127/8 are not routable (BIRD drops them): left out so that every device sees the same table.
    const keys = u.prefixes.filter((k) => { const a = v4KeyAddr(k) >>> 24; return a !== 0 && a !== 127; });
    if (keys.length === 0) continue;
    routes += keys.length;
    const lens = Uint8Array.from(keys.map(v4KeyLen));
    const words = Uint32Array.from(keys.map(v4KeyAddr));
    msgs.push(...packAnnouncements(list, new PrefixList(1, lens, words), CTX));
  }
  msgs.push(endOfRib(1, 1, CTX));
  return { chunks: chunkMessages(msgs), routes };
}

/** Count the IPv4 NLRI of an UPDATE without decoding its attributes. */
function nlriCount(b: Uint8Array): number {
  const wl = (b[19]! << 8) | b[20]!;
  const al = (b[21 + wl]! << 8) | b[22 + wl]!;
  let o = 23 + wl + al, n = 0;
  while (o < b.length) { o += 1 + ((b[o]! + 7) >> 3); n++; }
  return n;
}

export interface TesterEvents {
  established?(): void;
  /** Every session is up and the streams start; `routes` is what they carry in all. */
  sending?(routes: number): void;
  sent?(): void;
  sinkCount?(n: number): void;
}

/** Run the tester peers over `transport`; resolves when every stream is written. */
export function runTester(spec: TesterSpec, transport: Transport, ev: TesterEvents = {}, feed?: Feed): Promise<{ keepalive: () => void; close: () => void }> {
  const f = feed ?? new Feed({ peers: spec.peers, prefixes: spec.prefixes, maxGroup: spec.maxGroup ?? 32 });
  // Next hop = the peer's own session address (single-hop eBGP: BIRD wants it on the connected network).
  for (let p = 0; p < spec.peers; p++) (f.peers as FeedPeer[])[p] = { ...f.peers[p]!, address: peerAddress(spec.addressOf, p) };
  const built = Array.from({ length: spec.peers }, (_, p) => buildStream(f, p));
  const streams = built.map((b) => b.chunks);
  const routes = built.reduce((n, b) => n + b.routes, 0);
  const total = spec.peers + (spec.sink ? 1 : 0);
  const conns: Connection[] = [];
  let up = 0, done = 0;
  return new Promise((resolve, reject) => {
    const starters: (() => void)[] = [];
    for (let p = 0; p < total; p++) {
      const isSink = p === spec.peers;
      const asn = 65001 + p;
      transport.connect({ remote: { address: spec.dut.address, port: spec.dut.port }, localAddress: peerAddress(spec.addressOf, p) }, (err, c) => {
        if (err !== null || c === null) { reject(new Error(`tester peer ${p}: ${err}`)); return; }
        conns.push(c);
        const reader = new FrameReader(CTX);
        let opened = false, i = 0, sinkN = 0;
        const chunks = isSink ? [] : streams[p]!;
        const pump = () => {
          while (i < chunks.length) if (!c.write(chunks[i++]!)) return;
          if (!isSink && i === chunks.length) { i++; if (++done === spec.peers) { ev.sent?.(); resolve({ keepalive, close }); } }
        };
        c.attach({
          data: (d) => {
            reader.push(d);
            for (let fr = reader.next(); fr.kind === 'frame'; fr = reader.next()) {
              if (fr.type === 3) { reject(new Error(`NOTIFICATION ${fr.bytes[19]}/${fr.bytes[20]} to tester peer ${p}`)); return; }
              if (fr.type === 4 && !opened) {
                opened = true;
                c.write(KEEPALIVE_BYTES);
                if (!isSink) starters.push(pump);
                if (++up === total) go();
              }
              if (isSink && fr.type === 2) { sinkN += nlriCount(fr.bytes); ev.sinkCount?.(sinkN); }
            }
          },
          close: (e) => { if (!opened) reject(new Error(`tester peer ${p} closed: ${e}`)); },
          drain: () => { if (!isSink) pump(); },
        });
        c.write(feederOpen(asn, `10.255.${spec.reverseRouterIds ? total - 1 - p : p}.1`, [[1, 1]]));
      });
    }
    const go = () => { ev.established?.(); ev.sending?.(routes); for (const s of starters) s(); };
    const keepalive = () => { for (const c of conns) c.write(KEEPALIVE_BYTES); };
    const close = () => { for (const c of conns) c.destroy(); };
  });
}
