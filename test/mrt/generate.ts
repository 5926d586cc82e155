// Deterministic generators of MRT records with varied attributes, for the bgpdump interop tests, round-trip
// properties and the benchmark. Seeded, so a failing case can be reproduced from its seed. Addresses: 2001:db8::/32
// and, because the IPv4 documentation ranges hold too few distinct prefixes for large tables, 10.0.0.0/8 (RFC 1918;
// the files carry no traffic). AS numbers are private (64512-65534, 4200000000-4294967294).
import {
  AS_CONFED_SEQUENCE, AS_CONFED_SET, AS_SEQUENCE, AS_SET, type AsSegment, type BgpMessage, type PathAttribute,
  type Prefix, PrefixList, toTwoOctetPath,
} from '../../src/bgp/wire/index.js';
import {
  attrSet, messageRecord, mrtNextHop, peerIndexTable, ribRecord, stateChangeRecord, type PeerSpec,
} from '../../src/mrt/build.js';
import type { MrtRecord, TableDumpRecord } from '../../src/mrt/model.js';

export { rng, type Rng } from '../../src/util/rng.js';
import type { Rng } from '../../src/util/rng.js';

export const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rng, p: number): boolean => r() < p;

export function asn(r: Rng, four = true): number {
  return four && chance(r, 0.3) ? int(r, 4200000000, 4294967294) : int(r, 64512, 65534);
}

function segments(r: Rng, four: boolean): AsSegment[] {
  const segs: AsSegment[] = [];
  if (chance(r, 0.05)) segs.push({ type: pick(r, [AS_CONFED_SEQUENCE, AS_CONFED_SET]), asns: [asn(r, four), asn(r, four)] });
  const n = int(r, 1, 7);
  segs.push({ type: AS_SEQUENCE, asns: Array.from({ length: n }, () => asn(r, four)) });
  if (chance(r, 0.1)) segs.push({ type: AS_SET, asns: Array.from({ length: int(r, 1, 4) }, () => asn(r, four)) });
  if (chance(r, 0.03)) segs.push({ type: AS_SEQUENCE, asns: [asn(r, four)] });
  return segs;
}

export function v4Address(r: Rng): string {
  return `10.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
}
export function v6Address(r: Rng, linkLocal = false): string {
  // Zero groups in varied places, and now and then IPv4-mapped / -compatible forms, whose text differs by printer.
  const h = () => (chance(r, 0.2) ? '0' : int(r, 0, 0xffff).toString(16));
  if (linkLocal) return `fe80::${h()}:${h()}`;
  if (chance(r, 0.03)) return `::ffff:10.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
  if (chance(r, 0.02)) return `::10.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
  return `2001:db8:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}`;
}

const WELL_KNOWN = [0xffffff01, 0xffffff02, 0xffffff03, 0xffffff04, 0xffff029a, 0xffff0000];

/**
 * Path attributes of one route. `as4`: AS numbers in 4 octets (TABLE_DUMP_V2, _AS4 messages); otherwise 4-octet
 * ASes go through AS_TRANS + AS4_PATH / AS4_AGGREGATOR (RFC 6793 §4.2.2). `nextHop`: which next-hop form to use.
 */
export function attributes(r: Rng, o: { as4: boolean; nextHop: 'v4' | 'mrt4' | 'mrt6' | 'none' }): PathAttribute[] {
  const out: PathAttribute[] = [];
  const A = (a: object) => out.push(a as PathAttribute);
  if (!chance(r, 0.02)) A({ name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: int(r, 0, 2) });
  const ibgp = chance(r, 0.05);
  const segs = ibgp ? [] : segments(r, true);
  if (o.as4) A({ name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: segs });
  else {
    const t = toTwoOctetPath(segs);
    A({ name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: t.asPath });
    if (t.as4Path !== null) A({ name: 'AS4_PATH', typeCode: 17, flags: 0xc0, segments: t.as4Path });
  }
  if (o.nextHop === 'v4') A({ name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: v4Address(r) });
  if (o.nextHop === 'mrt4') out.push(mrtNextHop(1, [v4Address(r)]));
  if (o.nextHop === 'mrt6') out.push(mrtNextHop(2, chance(r, 0.5) ? [v6Address(r)] : [v6Address(r), v6Address(r, true)]));
  if (chance(r, 0.4)) A({ name: 'MULTI_EXIT_DISC', typeCode: 4, flags: 0x80, med: chance(r, 0.1) ? int(r, 2 ** 31, 2 ** 32 - 1) : int(r, 0, 1000) });
  if (chance(r, 0.5)) A({ name: 'LOCAL_PREF', typeCode: 5, flags: 0x40, localPref: chance(r, 0.05) ? int(r, 2 ** 31, 2 ** 32 - 1) : pick(r, [50, 100, 200]) });
  if (chance(r, 0.05)) A({ name: 'ATOMIC_AGGREGATE', typeCode: 6, flags: 0x40 });
  if (chance(r, 0.08)) {
    const a = asn(r);
    if (o.as4 || a <= 0xffff) A({ name: 'AGGREGATOR', typeCode: 7, flags: 0xc0, asn: a, address: v4Address(r) });
    else {
      const addr = v4Address(r);
      A({ name: 'AGGREGATOR', typeCode: 7, flags: 0xc0, asn: 23456, address: addr });
      A({ name: 'AS4_AGGREGATOR', typeCode: 18, flags: 0xc0, asn: a, address: addr });
    }
  }
  if (chance(r, 0.4)) {
    const cs = Array.from({ length: int(r, 1, 6) }, () => (chance(r, 0.15) ? pick(r, WELL_KNOWN)
      : (int(r, 64512, 65534) * 65536 + int(r, 0, 65535)) >>> 0));
    A({ name: 'COMMUNITIES', typeCode: 8, flags: 0xc0, communities: cs });
  }
  if (chance(r, 0.05)) A({ name: 'ORIGINATOR_ID', typeCode: 9, flags: 0x80, originatorId: v4Address(r) });
  if (chance(r, 0.05)) A({ name: 'CLUSTER_LIST', typeCode: 10, flags: 0x80, clusterList: [v4Address(r), v4Address(r)] });
  if (chance(r, 0.1)) A({ name: 'EXTENDED_COMMUNITIES', typeCode: 16, flags: 0xc0, communities: [{ hi: 0x00020000 | int(r, 64512, 65534), lo: int(r, 0, 1000) }] });
  if (chance(r, 0.2)) {
    A({ name: 'LARGE_COMMUNITY', typeCode: 32, flags: 0xc0, communities: Array.from({ length: int(r, 1, 3) },
      () => ({ global: asn(r), local1: int(r, 0, 2 ** 32 - 1), local2: int(r, 0, 100) })) });
  }
  if (chance(r, 0.03)) A({ name: 'ONLY_TO_CUSTOMER', typeCode: 35, flags: 0xc0, asn: asn(r) });
  if (chance(r, 0.03)) A({ name: 'UNKNOWN', typeCode: 99, flags: 0xe0, value: new Uint8Array([1, 2, 3]) });
  return out;
}

export function v4Prefix(r: Rng): Prefix {
  const len = pick(r, [8, 16, 19, 20, 22, 23, 24, 24, 24, 25, 28, 32]);
  const addr = new Uint8Array([10, int(r, 0, 255), int(r, 0, 255), int(r, 0, 255)]);
  for (let bit = len; bit < 32; bit++) addr[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return { afi: 1, len, addr };
}

export function v6Prefix(r: Rng): Prefix {
  const len = pick(r, [32, 36, 40, 44, 48, 48, 56, 64, 128]);
  const addr = new Uint8Array(16);
  addr[0] = 0x20; addr[1] = 0x01; addr[2] = 0x0d; addr[3] = 0xb8;
  for (let i = 4; i < 16; i += 2) if (!chance(r, 0.2)) { addr[i] = int(r, 0, 255); addr[i + 1] = int(r, 0, 255); }
  for (let bit = len; bit < 128; bit++) addr[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return { afi: 2, len, addr };
}

export function peers(n: number): PeerSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    bgpId: `192.0.2.${i + 1}`, address: i % 3 === 2 ? `2001:db8::${(i + 1).toString(16)}` : `192.0.2.${i + 1}`,
    asn: i % 4 === 1 ? 4200000000 + i : 64512 + i, as4: i % 5 !== 4,
  }));
}

/**
 * A TABLE_DUMP_V2 dump: a peer table, then `prefixes` RIB records (IPv4 and IPv6), each with 1..peers entries;
 * add-path records (RFC 8050) for `addPathShare` of them, multicast for `multicastShare`.
 */
export function tableDump(r: Rng, o: TableDumpOptions): MrtRecord[] {
  return [...tableDumpRecords(r, o)];
}

export interface TableDumpOptions {
  peers: number; prefixes: number; v6Share?: number; addPathShare?: number; multicastShare?: number; timestamp?: number;
  /** Exactly this many entries per prefix (peers in turn), else 1..peers at random. */
  entriesPerPrefix?: number;
  /** Draw attribute lists from a pool of this many per family (real tables share sets), else a new list per route. */
  attributePool?: number;
}

/** tableDump() as a lazy sequence, for dumps too large to hold as records. */
export function* tableDumpRecords(r: Rng, o: TableDumpOptions): Generator<MrtRecord> {
  const ts = o.timestamp ?? 1700000000;
  const ps = peers(o.peers);
  yield peerIndexTable({ timestamp: ts, collectorBgpId: '192.0.2.254', viewName: 'generated', peers: ps });
  const pool4 = Array.from({ length: o.attributePool ?? 0 }, () => attributes(r, { as4: true, nextHop: 'v4' }));
  const pool6 = Array.from({ length: o.attributePool ?? 0 }, () => attributes(r, { as4: true, nextHop: 'mrt6' }));
  for (let i = 0; i < o.prefixes; i++) {
    const v6 = chance(r, o.v6Share ?? 0.2);
    const prefix = v6 ? v6Prefix(r) : v4Prefix(r);
    const addPath = chance(r, o.addPathShare ?? 0);
    const n = o.entriesPerPrefix ?? int(r, 1, o.peers);
    const routes = Array.from({ length: n }, (_, k) => ({
      peerIndex: o.entriesPerPrefix !== undefined ? k % o.peers : int(r, 0, o.peers - 1),
      originatedTime: ts - int(r, 0, 86400 * 30),
      ...(addPath ? { pathId: int(r, 0, 2 ** 32 - 1) } : {}),
      attributes: o.attributePool !== undefined ? pick(r, v6 ? pool6 : pool4)
        : attributes(r, { as4: true, nextHop: v6 ? 'mrt6' : chance(r, 0.02) ? 'mrt4' : 'v4' }),
    }));
    yield ribRecord({ timestamp: ts, sequence: i, prefix, safi: chance(r, o.multicastShare ?? 0) ? 2 : 1, routes });
  }
}

function prefixList(r: Rng, afi: number, n: number, addPath: boolean): PrefixList {
  const ps = Array.from({ length: n }, () => {
    const p = afi === 2 ? v6Prefix(r) : v4Prefix(r);
    return addPath ? { ...p, pathId: int(r, 0, 2 ** 32 - 1) } : p;
  });
  return PrefixList.from(afi, ps, addPath);
}

/** An UPDATE with IPv4 and/or IPv6 reachability and withdrawals. */
export function update(r: Rng, o: { as4: boolean; addPath: boolean }): BgpMessage {
  const kind = pick(r, ['v4', 'v4', 'v6', 'mixed', 'withdraw4', 'withdraw6', 'mp4']);
  const empty4 = PrefixList.empty(1);
  const nh6 = chance(r, 0.5) ? [v6Address(r)] : [v6Address(r), v6Address(r, true)];
  const mpReach = (afi: number, nextHop: string[]): PathAttribute => ({ name: 'MP_REACH_NLRI', typeCode: 14, flags: 0x80,
    afi, safi: 1, nextHop, nextHopBytes: new Uint8Array(0), reserved: 0 });
  const base = (nh: 'v4' | 'none') => attributes(r, { as4: o.as4, nextHop: nh });
  const u = (withdrawn: PrefixList, list: PathAttribute[], nlri: PrefixList, reach: PrefixList | null,
    unreach: PrefixList | null): BgpMessage => ({ type: 'UPDATE', withdrawn, attrs: attrSet(list), nlri, mpReach: reach,
    mpUnreach: unreach });
  switch (kind) {
    case 'v4': return u(chance(r, 0.3) ? prefixList(r, 1, int(r, 1, 3), o.addPath) : empty4, base('v4'),
      prefixList(r, 1, int(r, 1, 5), o.addPath), null, null);
    case 'v6': return u(empty4, [...base('none'), mpReach(2, nh6)], empty4, prefixList(r, 2, int(r, 1, 4), o.addPath), null);
    case 'mixed': {
      const list = [...base('v4'), mpReach(2, nh6), { name: 'MP_UNREACH_NLRI', typeCode: 15, flags: 0x80, afi: 2, safi: 1 } as PathAttribute];
      return u(prefixList(r, 1, 1, o.addPath), list, prefixList(r, 1, 2, o.addPath), prefixList(r, 2, 2, o.addPath),
        prefixList(r, 2, 1, o.addPath));
    }
    case 'withdraw4': return u(prefixList(r, 1, int(r, 1, 6), o.addPath), [], empty4, null, null);
    case 'withdraw6': return u(empty4, [{ name: 'MP_UNREACH_NLRI', typeCode: 15, flags: 0x80, afi: 2, safi: 1 } as PathAttribute],
      empty4, null, prefixList(r, 2, int(r, 1, 4), o.addPath));
    default: return u(empty4, [...base('none'), mpReach(1, [v4Address(r)])], empty4, prefixList(r, 1, int(r, 1, 3), o.addPath), null);
  }
}

/** BGP4MP / BGP4MP_ET records of every message subtype (RFC 6396 §4.4, RFC 8050 §5) and state changes. */
export function bgp4mpLog(r: Rng, n: number, o: { timestamp?: number } = {}): MrtRecord[] {
  const out: MrtRecord[] = [];
  let ts = o.timestamp ?? 1700000000;
  for (let i = 0; i < n; i++) {
    ts += int(r, 0, 2);
    const v6 = chance(r, 0.3);
    const peerAsn = asn(r), localAsn = asn(r);
    const as4 = peerAsn > 0xffff || localAsn > 0xffff || chance(r, 0.5);
    const p = { peer: { asn: peerAsn, ip: v6 ? v6Address(r) : v4Address(r) }, local: { asn: localAsn, ip: v6 ? v6Address(r) : v4Address(r) },
      timestamp: ts, ...(chance(r, 0.3) ? { microseconds: int(r, 0, 999999) } : {}) };
    if (chance(r, 0.1)) {
      out.push(stateChangeRecord({ ...p, as4, oldState: int(r, 1, 6), newState: int(r, 1, 6) }));
      continue;
    }
    const addPath = chance(r, 0.25);
    const msg: BgpMessage = chance(r, 0.05) ? { type: 'KEEPALIVE' } : update(r, { as4, addPath });
    out.push(messageRecord({ ...p, direction: chance(r, 0.2) ? 'sent' : 'received', as4, addPath, message: msg }));
  }
  return out;
}

/** Legacy TABLE_DUMP records (RFC 6396 §4.2): IPv4 and IPv6, 2-octet AS. */
export function tableDumpV1(r: Rng, n: number): TableDumpRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const v6 = chance(r, 0.3);
    const prefix = v6 ? v6Prefix(r) : v4Prefix(r);
    return { kind: 'TABLE_DUMP', timestamp: 1700000000 + i, subtype: v6 ? 2 : 1, viewNumber: 0, sequence: i & 0xffff,
      prefix, status: 1, originatedTime: 1690000000 + i, peerIp: v6 ? v6Address(r) : v4Address(r), peerAs: int(r, 64512, 65534),
      attrs: attrSet(attributes(r, { as4: false, nextHop: v6 ? 'mrt6' : 'v4' })), mpReach: null, mpUnreach: null, errors: [] };
  });
}
