// Synthetic full-table feed for the in-process RIB benchmark: N peers announcing the same P IPv4 prefixes with
// realistic attribute variety. Deterministic (seeded) so runs are comparable, and generated lazily, UPDATE by
// UPDATE, the way a session delivers them: the feed does not sit in the heap being measured, and its garbage is
// as short-lived as a decoded UPDATE's.
//
// Shape, modelled on a real DFZ feed: each prefix has an origin AS; origins own a Zipf-like number of prefixes
// (many own one, a few own hundreds); a peer's path to an origin is [peer AS, 0-5 transit ASes, origin], the
// same for every prefix of that origin (a pure function of peer and origin), so consecutive prefixes of one
// origin share an attribute set and go out as UPDATE-sized groups of up to `maxGroup` prefixes; prefix lengths
// are /24 for ~60%, /16-/23 for the rest; 0-6 communities from the peer's tags per UPDATE, a large community on
// a third, MED on 30% of origins. Communities are numbers, as the wire codec decodes them.

import type { AttrsInput } from '../../src/bgp/rib/attrs.js';
import { v4Key } from '../../src/bgp/rib/prefix.js';
import { rng } from '../../src/util/rng.js';

export interface FeedOptions {
  peers: number;
  prefixes: number;
  seed?: number;
  maxGroup?: number;
}

export interface FeedUpdate {
  readonly peer: number;
  readonly attrs: AttrsInput;
  readonly prefixes: number[];
}

export interface FeedPeer {
  readonly name: string;
  readonly asn: number;
  readonly address: string;
  readonly routerId: string;
}

function hash2(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 13)) >>> 0;
}

export class Feed {
  readonly peers: FeedPeer[];
  /** Prefix keys, and the origin index of each. Typed arrays: ~1 MB for 100k prefixes. */
  readonly prefixes: Float64Array;
  readonly origin: Int32Array;
  private readonly hasMed: Uint8Array;
  readonly maxGroup: number;
  readonly seed: number;

  constructor(o: FeedOptions) {
    this.seed = o.seed ?? 1;
    this.maxGroup = o.maxGroup ?? 32;
    const rnd = rng(this.seed);
    const int = (n: number) => Math.floor(rnd() * n);
    const seen = new Set<number>();
    this.prefixes = new Float64Array(o.prefixes);
    for (let n = 0; n < o.prefixes;) {
      const r = rnd();
      const len = r < 0.6 ? 24 : r < 0.7 ? 22 : r < 0.8 ? 23 : r < 0.88 ? 20 : r < 0.95 ? 21 : 16 + int(4);
      const key = v4Key(((int(223) + 1) * 2 ** 24 + int(2 ** 24)) >>> 0, len);
      if (seen.has(key)) continue;
      seen.add(key);
      this.prefixes[n++] = key;
    }
    this.origin = new Int32Array(o.prefixes);
    let org = 0;
    for (let i = 0; i < o.prefixes;) {
      const size = Math.max(1, Math.min(this.maxGroup * 8, Math.floor(1 / (rnd() ** 1.3 + 0.002)) - 1));
      for (let k = 0; k < size && i < o.prefixes; k++, i++) this.origin[i] = org;
      org++;
    }
    this.hasMed = new Uint8Array(org);
    for (let i = 0; i < org; i++) this.hasMed[i] = rnd() < 0.3 ? 1 : 0;
    this.peers = Array.from({ length: o.peers }, (_, p) => ({
      name: `peer${p + 1}`, asn: 65001 + p, address: `10.0.${p}.2`, routerId: `10.255.${p}.1`,
    }));
  }

  /** Peer p's path to origin `org`: a pure function of both. */
  private path(p: number, org: number): number[] {
    const h = hash2(p + 1, org);
    const hops = h % 6;
    const path = [this.peers[p]!.asn];
    for (let k = 0; k < hops; k++) path.push(4200100000 + (hash2(h, k) % 300));
    path.push(4200000000 + org);
    return path;
  }

  /** One peer's UPDATEs in order. */
  *updatesOf(p: number): Generator<FeedUpdate> {
    const rnd = rng(this.seed * 1000 + p + 1);
    const int = (n: number) => Math.floor(rnd() * n);
    const peer = this.peers[p]!;
    let i = 0;
    while (i < this.prefixes.length) {
      const org = this.origin[i]!;
      const prefixes: number[] = [];
      while (i < this.prefixes.length && this.origin[i] === org && prefixes.length < this.maxGroup) prefixes.push(this.prefixes[i++]!);
      const ncomm = int(7);
      const communities: number[] = [];
      for (let c = 0; c < ncomm; c++) communities.push(peer.asn * 65536 + int(100) + 1);
      const attrs: AttrsInput = {
        origin: rnd() < 0.9 ? 'igp' : 'incomplete',
        asPath: [{ type: 'sequence', asns: this.path(p, org) }],
        nextHop: peer.address,
        med: this.hasMed[org] ? int(100) : null,
        communities,
        largeCommunities: rnd() < 0.33 ? [{ global: peer.asn, local1: 1, local2: int(50) }] : null,
      };
      yield { peer: p, attrs, prefixes };
    }
  }

  /** Every peer's UPDATEs interleaved one by one, as concurrent sessions deliver them. */
  *interleaved(): Generator<FeedUpdate> {
    const its = this.peers.map((_, p) => this.updatesOf(p));
    let live = its.length;
    while (live > 0) {
      live = 0;
      for (const it of its) {
        const r = it.next();
        if (!r.done) { live++; yield r.value; }
      }
    }
  }
}
