// Synthetic full-table feed for the in-process RIB benchmark: N peers announcing the same P IPv4 prefixes with
// realistic attribute variety. Deterministic (seeded PRNG) so runs are comparable.
//
// Shape, modelled on a real DFZ feed: each prefix has an origin AS; origins own a Zipf-like number of prefixes
// (many own one, a few own hundreds); a peer's path to an origin is [peer AS, 0-5 transit ASes, origin], the
// same for every prefix of that origin (so consecutive prefixes of one origin share one attribute set, and the
// feed is sent as UPDATE-sized groups of up to `maxGroup` prefixes); prefix lengths are /24 for ~60%, /16-/23
// for the rest; communities 0-6 from the peer's tags, large communities on a third, MED on 30% of origins.

import type { AttrsInput } from '../../src/bgp/rib/attrs.js';
import { v4Key } from '../../src/bgp/rib/prefix.js';

export interface Update {
  readonly attrs: AttrsInput;
  readonly prefixes: number[];
}

export interface Feed {
  readonly peers: { name: string; asn: number; address: string; routerId: string }[];
  /** Per peer, its UPDATEs in order. */
  readonly updates: Update[][];
  readonly prefixCount: number;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeFeed(opts: { peers: number; prefixes: number; seed?: number; maxGroup?: number }): Feed {
  const rnd = mulberry32(opts.seed ?? 1);
  const maxGroup = opts.maxGroup ?? 32;
  const int = (n: number) => Math.floor(rnd() * n);
  // Unique prefixes.
  const seen = new Set<number>();
  const prefixes: number[] = [];
  while (prefixes.length < opts.prefixes) {
    const r = rnd();
    const len = r < 0.6 ? 24 : r < 0.7 ? 22 : r < 0.8 ? 23 : r < 0.88 ? 20 : r < 0.95 ? 21 : 16 + int(4);
    const addr = ((int(224 - 1) + 1) * 2 ** 24 + int(2 ** 24)) >>> 0;
    const key = v4Key(addr, len);
    if (seen.has(key)) continue;
    seen.add(key);
    prefixes.push(key);
  }
  // Origins with Zipf-like sizes.
  const origin: number[] = [];
  let o = 0;
  for (let i = 0; i < prefixes.length;) {
    const size = Math.max(1, Math.min(maxGroup * 8, Math.floor(1 / (rnd() ** 1.3 + 0.002)) - 1));
    for (let k = 0; k < size && i < prefixes.length; k++, i++) origin.push(o);
    o++;
  }
  const origins = o;
  const originAs = Array.from({ length: origins }, (_, i) => 4200000000 + i);
  const transit = Array.from({ length: 300 }, (_, i) => 4200100000 + i);
  const hasMed = Array.from({ length: origins }, () => rnd() < 0.3);
  const peers = Array.from({ length: opts.peers }, (_, p) => ({
    name: `peer${p + 1}`, asn: 65001 + p, address: `10.0.${p}.2`, routerId: `10.255.${p}.1`,
  }));
  const updates: Update[][] = peers.map((peer) => {
    const out: Update[] = [];
    // Per-origin path for this peer.
    const pathOf = new Map<number, number[]>();
    let cur: Update | null = null;
    let curOrigin = -1;
    for (let i = 0; i < prefixes.length; i++) {
      const org = origin[i]!;
      if (cur === null || org !== curOrigin || cur.prefixes.length >= maxGroup) {
        let path = pathOf.get(org);
        if (path === undefined) {
          const hops = int(6);
          path = [peer.asn];
          for (let h = 0; h < hops; h++) path.push(transit[int(transit.length)]!);
          path.push(originAs[org]!);
          pathOf.set(org, path);
        }
        const ncomm = int(7);
        // Numbers, as the wire codec decodes them.
        const communities: number[] = [];
        for (let c = 0; c < ncomm; c++) communities.push(peer.asn * 65536 + int(100) + 1);
        const attrs: AttrsInput = {
          origin: rnd() < 0.9 ? 'igp' : 'incomplete',
          asPath: [{ type: 'sequence', asns: path }],
          nextHop: peer.address,
          med: hasMed[org] ? int(100) : null,
          communities,
          largeCommunities: rnd() < 0.33 ? [{ global: peer.asn, local1: 1, local2: int(50) }] : null,
        };
        cur = { attrs, prefixes: [] };
        curOrigin = org;
        out.push(cur);
      }
      cur.prefixes.push(prefixes[i]!);
    }
    return out;
  });
  return { peers, updates, prefixCount: prefixes.length };
}
