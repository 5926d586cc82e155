// A realistic full-table UPDATE stream for the decode benchmark: IPv4 and IPv6 unicast prefixes with a realistic
// prefix-length mix, grouped into attribute sets (AS paths of realistic lengths with some prepending, communities,
// large communities, MEDs, a few aggregators and unknown transitive attributes), assigned to sets with a skewed
// (Zipf-like) distribution, and packed into 4096-octet UPDATEs as a router packs them. Deterministic (seeded).
import type { PathAttribute } from '../../src/bgp/wire/attributes.js';
import { type CodecContext } from '../../src/bgp/wire/context.js';
import { packAnnouncements } from '../../src/bgp/wire/pack.js';
import { PrefixList } from '../../src/bgp/wire/prefix.js';

export interface StreamSpec {
  v4: number;
  v6: number;
  v4Sets: number;
  v6Sets: number;
  seed: number;
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 4294967296; };
}

function pick<T>(r: () => number, weighted: [T, number][]): T {
  const total = weighted.reduce((a, [, w]) => a + w, 0);
  let v = r() * total;
  for (const [x, w] of weighted) { v -= w; if (v <= 0) return x; }
  return weighted[weighted.length - 1]![0];
}

function attrSet(r: () => number, v6: boolean, i: number): PathAttribute[] {
  const pathLen = pick(r, [[1, 3], [2, 12], [3, 25], [4, 25], [5, 15], [6, 9], [7, 5], [8, 3], [10, 2], [14, 1]]);
  const asns: number[] = [];
  for (let k = 0; k < pathLen; k++) asns.push(r() < 0.15 ? 4200000000 + Math.floor(r() * 1e6) : 1 + Math.floor(r() * 64000));
  if (r() < 0.1) { const rep = 1 + Math.floor(r() * 4); for (let k = 0; k < rep; k++) asns.push(asns[asns.length - 1]!); }
  asns[0] = 64512; // the peer
  const l: PathAttribute[] = [{ name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: r() < 0.9 ? 0 : 2 },
    { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns }] }];
  if (v6) {
    l.push({ name: 'MP_REACH_NLRI', typeCode: 14, flags: 0x80, afi: 2, safi: 1,
      nextHop: ['2001:db8::1', 'fe80::1'], nextHopBytes: new Uint8Array(0), reserved: 0 });
  } else {
    l.push({ name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: '192.0.2.1' });
  }
  if (r() < 0.4) l.push({ name: 'MULTI_EXIT_DISC', typeCode: 4, flags: 0x80, med: Math.floor(r() * 1000) });
  if (r() < 0.05) l.push({ name: 'ATOMIC_AGGREGATE', typeCode: 6, flags: 0x40 });
  if (r() < 0.05) l.push({ name: 'AGGREGATOR', typeCode: 7, flags: 0xc0, asn: asns[asns.length - 1]!, address: '198.51.100.1' });
  const nc = pick(r, [[0, 30], [1, 15], [2, 20], [4, 20], [8, 10], [16, 5]]);
  if (nc > 0) {
    const c: number[] = [];
    for (let k = 0; k < nc; k++) c.push((64512 + Math.floor(r() * 20)) * 65536 + Math.floor(r() * 3000));
    l.push({ name: 'COMMUNITIES', typeCode: 8, flags: 0xc0, communities: c });
  }
  if (r() < 0.15) {
    l.push({ name: 'LARGE_COMMUNITY', typeCode: 32, flags: 0xc0,
      communities: [{ global: 64512, local1: i % 100, local2: Math.floor(r() * 1000) }] });
  }
  if (r() < 0.02) l.push({ name: 'UNKNOWN', typeCode: 200, flags: 0xe0, value: new Uint8Array([1, 2, 3, 4]) });
  return l;
}

function v4Prefix(r: () => number, i: number): { len: number; addr: Uint8Array } {
  const len = pick(r, [[24, 60], [23, 8], [22, 10], [21, 5], [20, 5], [19, 3], [18, 2], [17, 1], [16, 4], [12, 1], [8, 1]]);
  // Spread the index over the space so prefixes are distinct: i -> a.b.c.0 scaled to the length.
  const base = (((i * 2654435761) >>> 0) & (len === 32 ? 0xffffffff : ~((1 << (32 - len)) - 1))) >>> 0;
  const a = [base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255];
  return { len, addr: Uint8Array.from(a) };
}

function v6Prefix(r: () => number, i: number): { len: number; addr: Uint8Array } {
  const len = pick(r, [[48, 70], [32, 8], [40, 5], [44, 7], [36, 2], [29, 3], [64, 5]]);
  const addr = new Uint8Array(16);
  addr[0] = 0x20; addr[1] = 0x01 + (i % 8); addr[2] = (i >> 16) & 255; addr[3] = (i >> 8) & 255; addr[4] = i & 255;
  addr[5] = Math.floor(r() * 256);
  const nb = (len + 7) >> 3;
  addr.fill(0, nb);
  if (len % 8 !== 0) addr[nb - 1]! &= (0xff00 >> (len % 8)) & 255;
  return { len, addr };
}

/** UPDATE messages (each a whole message) announcing the table, and the number of prefixes of each family. */
export function buildStream(spec: StreamSpec, ctx: CodecContext): { messages: Uint8Array[]; v4: number; v6: number; sets: number } {
  const r = rng(spec.seed);
  const messages: Uint8Array[] = [];
  for (const [afi, total, nsets] of [[1, spec.v4, spec.v4Sets], [2, spec.v6, spec.v6Sets]] as const) {
    const sets = Array.from({ length: nsets }, (_, i) => attrSet(r, afi === 2, i));
    const members: number[][] = Array.from({ length: nsets }, () => []);
    for (let i = 0; i < total; i++) {
      // Zipf-like: a few sets carry many prefixes, most carry a handful.
      const s = Math.min(nsets - 1, Math.floor(nsets * Math.pow(r(), 2.2)));
      members[s]!.push(i);
    }
    const seen = new Set<string>();
    sets.forEach((attrs, s) => {
      const ps = members[s]!.map((i) => (afi === 1 ? v4Prefix(r, i) : v6Prefix(r, i)))
        .filter((p) => { const k = `${p.len}/${p.addr.join('.')}`; if (seen.has(k)) return false; seen.add(k); return true; })
        .map((p) => ({ afi, ...p }));
      if (ps.length > 0) messages.push(...packAnnouncements(attrs, PrefixList.from(afi, ps), ctx));
    });
  }
  // Interleave as a router's output would be in table order, not set by set: shuffle deterministically.
  for (let i = messages.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [messages[i], messages[j]] = [messages[j]!, messages[i]!];
  }
  return { messages, v4: spec.v4, v6: spec.v6, sets: spec.v4Sets + spec.v6Sets };
}
