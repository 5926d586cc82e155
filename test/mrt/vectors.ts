// Hand-written (bytes, record) vectors, one or more per MRT record type and subtype (RFC 6396 §4, RFC 8050). Every
// octet of a record body is written here in hex; mrt() only adds the header arithmetic (Length) and bgp() the BGP
// header arithmetic. `check` asserts the fields the decoder must produce.
import assert from 'node:assert/strict';
import { findAttr, toHex } from '../../src/bgp/wire/index.js';
import type { MrtRecord } from '../../src/mrt/model.js';
import { hex } from './helpers.js';

const h4 = (n: number) => n.toString(16).padStart(8, '0');
const h2 = (n: number) => n.toString(16).padStart(4, '0');

/** An MRT record: timestamp, type, subtype, [microseconds], body. */
export function mrt(ts: number, type: number, subtype: number, body: string, usec?: number): Uint8Array {
  const b = toHex(hex(body));
  const et = usec === undefined ? '' : h4(usec);
  return hex(h4(ts) + h2(type) + h2(subtype) + h4(b.length / 2 + et.length / 2) + et + b);
}

/** A BGP message (marker, length, type, body) as hex. */
export function bgp(type: number, body: string): string {
  const b = toHex(hex(body));
  return 'ff'.repeat(16) + h2(19 + b.length / 2) + type.toString(16).padStart(2, '0') + b;
}

/** One path attribute (length computed). */
export function attr(flags: number, type: number, value: string): string {
  const v = toHex(hex(value));
  const len = (flags & 0x10) !== 0 ? h2(v.length / 2) : (v.length / 2).toString(16).padStart(2, '0');
  return flags.toString(16).padStart(2, '0') + type.toString(16).padStart(2, '0') + len + v;
}

/** An attribute section with its 2-octet length. */
export function section(attrs: string): string {
  const a = toHex(hex(attrs));
  return h2(a.length / 2) + a;
}

/** UPDATE body: withdrawn, attributes, NLRI (lengths computed). */
export function updateBody(withdrawn: string, attrs: string, nlri: string): string {
  const w = toHex(hex(withdrawn));
  return h2(w.length / 2) + w + section(attrs) + toHex(hex(nlri));
}

const ORIGIN_IGP = attr(0x40, 1, '00');
const PATH4 = attr(0x40, 2, '0202 0000fc00 fa56ea01'); // AS_SEQUENCE 64512 4200000001 (4-octet)
const PATH2 = attr(0x40, 2, '0202 fc00 5ba0'); // AS_SEQUENCE 64512 23456 (2-octet)
const AS4PATH = attr(0xc0, 17, '0202 0000fc00 fa56ea01');
const NH = attr(0x40, 3, 'c0000201');
const MED = attr(0x80, 4, '00000064');
const COMM = attr(0xc0, 8, 'fc000001 ffffff01');
const MRT_NH6 = attr(0x80, 14, '20 20010db8000000000000000000000001 fe800000000000000000000000000001');
const MRT_NH4 = attr(0x80, 14, '04 c0000209');

export interface Vector {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly check: (r: MrtRecord) => void;
}

function is<K extends MrtRecord['kind']>(r: MrtRecord, kind: K): Extract<MrtRecord, { kind: K }> {
  assert.equal(r.kind, kind);
  return r as Extract<MrtRecord, { kind: K }>;
}

export const VECTORS: readonly Vector[] = [
  {
    name: 'PEER_INDEX_TABLE: IPv4/2-octet, IPv4/4-octet and IPv6/4-octet peers',
    bytes: mrt(1700000000, 13, 1, 'c00002fe 0004 74657374 0003' +
      '00 c0000202 c0000202 fc00' + '02 c0000203 c0000203 fa56ea01' +
      '03 c0000204 20010db8000000000000000000000004 0000fc01'),
    check: (x) => {
      const r = is(x, 'PEER_INDEX_TABLE');
      assert.equal(r.collectorBgpId, '192.0.2.254');
      assert.equal(r.viewName, 'test');
      assert.deepEqual(r.peers, [
        { peerType: 0, bgpId: '192.0.2.2', address: '192.0.2.2', asn: 64512 },
        { peerType: 2, bgpId: '192.0.2.3', address: '192.0.2.3', asn: 4200000001 },
        { peerType: 3, bgpId: '192.0.2.4', address: '2001:db8::4', asn: 64513 },
      ]);
    },
  },
  {
    name: 'PEER_INDEX_TABLE: view name that is not UTF-8 kept as octets',
    bytes: mrt(1700000000, 13, 1, 'c00002fe 0002 ff41 0000'),
    check: (x) => {
      const r = is(x, 'PEER_INDEX_TABLE');
      assert.equal(toHex(r.viewNameBytes!), 'ff41');
      assert.equal(r.peers.length, 0);
    },
  },
  {
    name: 'RIB_IPV4_UNICAST: one entry, 4-octet AS_PATH, NEXT_HOP, MED, COMMUNITIES',
    bytes: mrt(1700000001, 13, 2, '00000007 18 c63364 0001 0002 65000000' + section(ORIGIN_IGP + PATH4 + NH + MED + COMM)),
    check: (x) => {
      const r = is(x, 'RIB');
      assert.deepEqual([r.subtype, r.afi, r.safi, r.addPath, r.sequence], [2, 1, 1, false, 7]);
      assert.deepEqual([r.prefix.len, toHex(r.prefix.addr)], [24, 'c6336400']);
      assert.equal(r.entries.length, 1);
      const e = r.entries[0]!;
      assert.deepEqual([e.peerIndex, e.originatedTime, e.pathId], [2, 0x65000000, null]);
      assert.deepEqual(findAttr(e.attrs.list, 'AS_PATH')!.segments, [{ type: 2, asns: [64512, 4200000001] }]);
      assert.equal(findAttr(e.attrs.list, 'NEXT_HOP')!.nextHop, '192.0.2.1');
      assert.equal(findAttr(e.attrs.list, 'MULTI_EXIT_DISC')!.med, 100);
      assert.deepEqual(findAttr(e.attrs.list, 'COMMUNITIES')!.communities, [0xfc000001, 0xffffff01]);
      assert.deepEqual(e.errors, []);
    },
  },
  {
    name: 'RIB_IPV6_UNICAST: abbreviated MP_REACH_NLRI with global + link-local next hop; two entries',
    bytes: mrt(1700000002, 13, 4, '00000008 30 20010db80001 0002' +
      '0000 65000000' + section(ORIGIN_IGP + PATH4 + MRT_NH6) + '0001 65000001' + section(ORIGIN_IGP + PATH4 + MRT_NH6)),
    check: (x) => {
      const r = is(x, 'RIB');
      assert.deepEqual([r.afi, r.safi, r.prefix.len], [2, 1, 48]);
      assert.equal(r.entries.length, 2);
      const mp = findAttr(r.entries[0]!.attrs.list, 'MP_REACH_NLRI')!;
      assert.equal(mp.mrt, true);
      assert.deepEqual(mp.nextHop, ['2001:db8::1', 'fe80::1']);
      assert.equal(r.entries[1]!.peerIndex, 1);
    },
  },
  {
    name: 'RIB_IPV4_MULTICAST: abbreviated MP_REACH_NLRI with an IPv4 next hop',
    bytes: mrt(1700000003, 13, 3, '00000009 10 c633 0001 0000 65000000' + section(ORIGIN_IGP + PATH4 + MRT_NH4)),
    check: (x) => {
      const r = is(x, 'RIB');
      assert.deepEqual([r.afi, r.safi, r.prefix.len], [1, 2, 16]);
      assert.deepEqual(findAttr(r.entries[0]!.attrs.list, 'MP_REACH_NLRI')!.nextHop, ['192.0.2.9']);
    },
  },
  {
    name: 'RIB_IPV6_MULTICAST: /0 prefix',
    bytes: mrt(1700000003, 13, 5, '0000000a 00 0001 0000 65000000' + section(ORIGIN_IGP + MRT_NH6)),
    check: (x) => {
      const r = is(x, 'RIB');
      assert.deepEqual([r.afi, r.safi, r.prefix.len], [2, 2, 0]);
    },
  },
  {
    name: 'RIB_IPV4_UNICAST_ADDPATH: entries carry a Path Identifier (RFC 8050 §4.1)',
    bytes: mrt(1700000004, 13, 8, '0000000b 19 cb007180 0002' +
      '0000 65000000 00000001' + section(ORIGIN_IGP + PATH4 + NH) + '0000 65000000 00000002' + section(ORIGIN_IGP + PATH4 + NH)),
    check: (x) => {
      const r = is(x, 'RIB');
      assert.deepEqual([r.subtype, r.addPath, r.prefix.len, toHex(r.prefix.addr)], [8, true, 25, 'cb007180']);
      assert.deepEqual(r.entries.map((e) => e.pathId), [1, 2]);
    },
  },
  {
    name: 'RIB_IPV6_UNICAST_ADDPATH',
    bytes: mrt(1700000004, 13, 10, '0000000c 40 20010db800020003 0001 0001 65000000 ffffffff' + section(ORIGIN_IGP + MRT_NH6)),
    check: (x) => {
      const r = is(x, 'RIB');
      assert.deepEqual([r.subtype, r.afi, r.addPath, r.entries[0]!.pathId], [10, 2, true, 0xffffffff]);
    },
  },
  {
    name: 'RIB_IPV4_MULTICAST_ADDPATH and RIB_IPV6_MULTICAST_ADDPATH subtypes',
    bytes: mrt(1700000004, 13, 9, '0000000d 08 0a 0001 0000 65000000 00000005' + section(ORIGIN_IGP + MRT_NH4)),
    check: (x) => {
      const r = is(x, 'RIB');
      assert.deepEqual([r.subtype, r.afi, r.safi, r.addPath, r.entries[0]!.pathId], [9, 1, 2, true, 5]);
    },
  },
  {
    name: 'RIB_GENERIC for IPv4 unicast',
    bytes: mrt(1700000005, 13, 6, '0000000e 0001 01 18 c63364 0001 0000 65000000' + section(ORIGIN_IGP + PATH4 + NH)),
    check: (x) => {
      const r = is(x, 'RIB_GENERIC');
      assert.deepEqual([r.afi, r.safi, r.prefix.len, r.prefix.pathId, r.entries[0]!.pathId], [1, 1, 24, undefined, null]);
    },
  },
  {
    name: 'RIB_GENERIC_ADDPATH: the Path Identifier heads the NLRI, entries unchanged (RFC 8050 §4.2)',
    bytes: mrt(1700000005, 13, 12, '0000000f 0002 01 0000002a 20 20010db8 0001 0000 65000000' + section(ORIGIN_IGP + MRT_NH6)),
    check: (x) => {
      const r = is(x, 'RIB_GENERIC');
      assert.deepEqual([r.afi, r.prefix.len, r.prefix.pathId, r.entries[0]!.pathId], [2, 32, 42, null]);
    },
  },
  {
    name: 'RIB_GENERIC of a family whose NLRI are not interpreted (L2VPN EVPN): UNKNOWN, kept whole',
    bytes: mrt(1700000005, 13, 6, '00000010 0019 46 0102030405'),
    check: (x) => {
      const r = is(x, 'UNKNOWN');
      assert.deepEqual([r.type, r.subtype, toHex(r.body)], [13, 6, '00000010001946' + '0102030405']);
    },
  },
  {
    name: 'TABLE_DUMP_V2 GEO_PEER_TABLE (RFC 6397): UNKNOWN, kept whole',
    bytes: mrt(1700000005, 13, 7, 'c0000201 42280000 c2f6e666 0000'),
    check: (x) => assert.equal(is(x, 'UNKNOWN').subtype, 7),
  },
  {
    name: 'BGP4MP_STATE_CHANGE: IPv4, 2-octet AS, Active -> OpenSent',
    bytes: mrt(1700000006, 16, 0, 'fc00 fc01 0003 0001 c0000201 c0000202 0003 0004'),
    check: (x) => {
      const r = is(x, 'BGP4MP_STATE_CHANGE');
      assert.deepEqual([r.as4, r.peerAs, r.localAs, r.ifIndex, r.afi, r.peerIp, r.localIp, r.oldState, r.newState, r.extended],
        [false, 64512, 64513, 3, 1, '192.0.2.1', '192.0.2.2', 3, 4, false]);
    },
  },
  {
    name: 'BGP4MP_STATE_CHANGE_AS4: IPv6',
    bytes: mrt(1700000006, 16, 5, 'fa56ea01 0000fc01 0000 0002 20010db8000000000000000000000001 20010db8000000000000000000000002 0006 0001'),
    check: (x) => {
      const r = is(x, 'BGP4MP_STATE_CHANGE');
      assert.deepEqual([r.as4, r.peerAs, r.afi, r.peerIp, r.localIp, r.oldState, r.newState], [true, 4200000001, 2, '2001:db8::1', '2001:db8::2', 6, 1]);
    },
  },
  {
    name: 'BGP4MP_MESSAGE: UPDATE with 2-octet AS_PATH + AS4_PATH',
    bytes: mrt(1700000007, 16, 1, 'fc00 fc01 0000 0001 c0000201 c0000202' +
      bgp(2, updateBody('08 0a', ORIGIN_IGP + PATH2 + NH + AS4PATH, '18 c63364'))),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      assert.deepEqual([r.subtype, r.as4, r.local, r.addPath, r.error], [1, false, false, false, null]);
      const m = r.message!;
      assert.equal(m.type, 'UPDATE');
      if (m.type !== 'UPDATE') return;
      assert.deepEqual(m.withdrawn.texts(), ['10.0.0.0/8']);
      assert.deepEqual(m.nlri.texts(), ['198.51.100.0/24']);
      assert.deepEqual(findAttr(m.attrs.list, 'AS_PATH')!.segments, [{ type: 2, asns: [64512, 23456] }]);
    },
  },
  {
    name: 'BGP4MP_MESSAGE_AS4: UPDATE with IPv6 MP_REACH_NLRI (full form)',
    bytes: mrt(1700000007, 16, 4, 'fa56ea01 0000fc01 0000 0002 20010db8000000000000000000000001 20010db8000000000000000000000002' +
      bgp(2, updateBody('', ORIGIN_IGP + PATH4 + attr(0x90, 14, '0002 01 10 20010db8000000000000000000000001 00 30 20010db80001'), ''))),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      assert.deepEqual([r.subtype, r.as4, r.afi], [4, true, 2]);
      const m = r.message!;
      if (m.type !== 'UPDATE' || m.mpReach === null || 'opaque' in m.mpReach) return assert.fail('no MP_REACH prefixes');
      assert.deepEqual(m.mpReach.texts(), ['2001:db8:1::/48']);
    },
  },
  {
    name: 'BGP4MP_MESSAGE_LOCAL: OPEN sent by the local system',
    bytes: mrt(1700000008, 16, 6, 'fc00 fc01 0000 0001 c0000201 c0000202' +
      bgp(1, '04 fc01 00b4 c0000202 08 0206 0104 00010001')),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      assert.deepEqual([r.subtype, r.local, r.as4, r.message?.type], [6, true, false, 'OPEN']);
    },
  },
  {
    name: 'BGP4MP_MESSAGE_AS4_LOCAL: NOTIFICATION (Cease / administrative shutdown)',
    bytes: mrt(1700000008, 16, 7, '0000fc00 0000fc01 0000 0001 c0000201 c0000202' + bgp(3, '0602 00')),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      assert.deepEqual([r.subtype, r.local, r.as4, r.message?.type], [7, true, true, 'NOTIFICATION']);
    },
  },
  {
    name: 'BGP4MP_MESSAGE_ADDPATH: IPv4 NLRI and withdrawn routes with Path Identifiers (RFC 8050 §5)',
    bytes: mrt(1700000009, 16, 8, 'fc00 fc01 0000 0001 c0000201 c0000202' +
      bgp(2, updateBody('00000009 08 0a', ORIGIN_IGP + PATH2 + NH, '00000007 18 c63364'))),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      assert.deepEqual([r.subtype, r.addPath, r.as4], [8, true, false]);
      const m = r.message!;
      if (m.type !== 'UPDATE') return assert.fail('not an UPDATE');
      assert.deepEqual([...m.nlri.pathIds!], [7]);
      assert.deepEqual([...m.withdrawn.pathIds!], [9]);
    },
  },
  {
    name: 'BGP4MP_MESSAGE_AS4_ADDPATH: IPv6 MP_REACH_NLRI with Path Identifiers',
    bytes: mrt(1700000009, 16, 9, '0000fc00 0000fc01 0000 0001 c0000201 c0000202' +
      bgp(2, updateBody('', ORIGIN_IGP + PATH4 + attr(0x80, 14, '0002 01 10 20010db8000000000000000000000001 00 00000003 30 20010db80001'), ''))),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      const m = r.message!;
      if (m.type !== 'UPDATE' || m.mpReach === null || 'opaque' in m.mpReach) return assert.fail('no MP_REACH prefixes');
      assert.deepEqual([...m.mpReach.pathIds!], [3]);
    },
  },
  {
    name: 'BGP4MP_MESSAGE_LOCAL_ADDPATH',
    bytes: mrt(1700000010, 16, 10, 'fc00 fc01 0000 0001 c0000201 c0000202' + bgp(2, updateBody('00000001 08 0a', '', ''))),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      assert.deepEqual([r.subtype, r.local, r.addPath, r.as4], [10, true, true, false]);
    },
  },
  {
    name: 'BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH: KEEPALIVE',
    bytes: mrt(1700000010, 16, 11, '0000fc00 0000fc01 0000 0001 c0000201 c0000202' + bgp(4, '')),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      assert.deepEqual([r.subtype, r.local, r.addPath, r.as4, r.message?.type], [11, true, true, true, 'KEEPALIVE']);
    },
  },
  {
    name: 'BGP4MP_ET MESSAGE_AS4: microsecond timestamp counted in Length (RFC 6396 §3)',
    bytes: mrt(1700000011, 17, 4, '0000fc00 0000fc01 0000 0001 c0000201 c0000202' + bgp(4, ''), 123456),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      assert.deepEqual([r.extended, r.microseconds, r.timestamp], [true, 123456, 1700000011]);
    },
  },
  {
    name: 'BGP4MP_ET STATE_CHANGE',
    bytes: mrt(1700000011, 17, 0, 'fc00 fc01 0000 0001 c0000201 c0000202 0001 0002', 999999),
    check: (x) => {
      const r = is(x, 'BGP4MP_STATE_CHANGE');
      assert.deepEqual([r.extended, r.microseconds], [true, 999999]);
    },
  },
  {
    name: 'BGP4MP_MESSAGE whose BGP marker is wrong: the record is kept, the message as octets with its error',
    bytes: mrt(1700000012, 16, 1, 'fc00 fc01 0000 0001 c0000201 c0000202' + '00'.repeat(16) + '0013 04'),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      assert.equal(r.message, null);
      assert.equal(r.error?.kind, 'header-marker');
      assert.equal(r.bytes.length, 19);
    },
  },
  {
    name: 'BGP4MP_MESSAGE with octets after the BGP message: kept as trailing',
    bytes: mrt(1700000012, 16, 1, 'fc00 fc01 0000 0001 c0000201 c0000202' + bgp(4, '') + 'abcd'),
    check: (x) => {
      const r = is(x, 'BGP4MP_MESSAGE');
      assert.equal(r.message?.type, 'KEEPALIVE');
      assert.equal(toHex(r.trailing!), 'abcd');
    },
  },
  {
    name: 'TABLE_DUMP AFI_IPv4 (legacy): full address, 2-octet AS',
    bytes: mrt(1700000013, 12, 1, '0000 0005 c6336400 18 01 65000000 c0000201 fc00' + section(ORIGIN_IGP + PATH2 + NH)),
    check: (x) => {
      const r = is(x, 'TABLE_DUMP');
      assert.deepEqual([r.viewNumber, r.sequence, r.prefix.len, r.status, r.peerIp, r.peerAs], [0, 5, 24, 1, '192.0.2.1', 64512]);
      assert.deepEqual(findAttr(r.attrs.list, 'AS_PATH')!.segments, [{ type: 2, asns: [64512, 23456] }]);
    },
  },
  {
    name: 'TABLE_DUMP AFI_IPv6 (legacy)',
    bytes: mrt(1700000013, 12, 2, '0000 0006 20010db8000100000000000000000000 30 01 65000000 20010db8000000000000000000000001 fc00' +
      section(ORIGIN_IGP + attr(0x80, 14, '0002 01 10 20010db8000000000000000000000001 00'))),
    check: (x) => {
      const r = is(x, 'TABLE_DUMP');
      assert.deepEqual([r.subtype, r.prefix.len, r.peerIp], [2, 48, '2001:db8::1']);
    },
  },
  {
    name: 'OSPFv2 (type 11): UNKNOWN, kept whole',
    bytes: mrt(1700000014, 11, 0, 'c0000201 c0000202 0102'),
    check: (x) => assert.deepEqual([is(x, 'UNKNOWN').type, is(x, 'UNKNOWN').body.length], [11, 10]),
  },
  {
    name: 'ISIS_ET (type 33): UNKNOWN with its microseconds',
    bytes: mrt(1700000014, 33, 0, '8301', 42),
    check: (x) => assert.deepEqual([is(x, 'UNKNOWN').microseconds, toHex(is(x, 'UNKNOWN').body)], [42, '8301']),
  },
  {
    name: 'RIB entry with an unrecognized well-known attribute: the section kept as octets with the error',
    bytes: mrt(1700000015, 13, 2, '00000011 18 c63364 0001 0000 65000000' + section(ORIGIN_IGP + attr(0x40, 99, '01') + NH)),
    check: (x) => {
      const e = is(x, 'RIB').entries[0]!;
      assert.ok(e.rawAttributes !== undefined);
      assert.ok(e.errors.some((er) => er.kind === 'attr-unrecognized-well-known'));
      assert.equal(findAttr(e.attrs.list, 'NEXT_HOP')!.nextHop, '192.0.2.1');
    },
  },
];
