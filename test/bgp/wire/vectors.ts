// (bytes, message) vectors: each message written as hex by hand from the RFC layouts, with the decoded form it
// must produce (as messageJson). Used by vectors.test.ts for round trip, offsets and split points.
import { type CodecContext, IPV4_UNICAST, IPV6_UNICAST, symmetricContext } from '../../../src/bgp/wire/context.js';
import { attr, BASE_ATTRS, msg, openBody, update } from './helpers.js';

export interface Vector {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly ctx: CodecContext;
  /** Expected fields of messageJson(decoded) (a subset is compared deeply). */
  readonly json: Record<string, unknown>;
  /** Expected non-fatal error kinds, in order (none when omitted). */
  readonly errors?: readonly string[];
}

const C2 = symmetricContext();
const C4 = symmetricContext({ as4: true });
const C4AP = symmetricContext({ as4: true, addPath: [IPV4_UNICAST, IPV6_UNICAST] });
const CX = symmetricContext({ as4: true, extendedMessages: true });

export const VECTORS: Vector[] = [
  { name: 'KEEPALIVE', bytes: msg(4, ''), ctx: C2, json: { type: 'KEEPALIVE' } },
  {
    name: 'OPEN with every implemented capability',
    ctx: C4,
    bytes: msg(1, openBody('04 fc00 005a c0000201', [['0104 0001 0001', '0104 0002 0001', '0200', '4600',
      '4104 fa56ea01', '4006 8078 0001 0180', '4508 0001 0103 0002 0101', '0600', '0901 03', '4907 02 7231 03 6c6162',
      '0506 0001 0001 0002', '8000', '0000']])),
    json: {
      type: 'OPEN', version: 4, myAs: 64512, holdTime: 90, bgpId: '192.0.2.1', extendedParams: false,
      params: [{ capabilities: [
        { name: 'multiprotocol', code: 1, family: 'ipv4-unicast' },
        { name: 'multiprotocol', code: 1, family: 'ipv6-unicast' },
        { name: 'route-refresh', code: 2 },
        { name: 'enhanced-route-refresh', code: 70 },
        { name: 'as4', code: 65, asn: 4200000001 },
        { name: 'graceful-restart', code: 64, flags: 8, time: 120, families: [{ afi: 1, safi: 1, flags: 128 }] },
        { name: 'add-path', code: 69, families: [{ afi: 1, safi: 1, mode: 3 }, { afi: 2, safi: 1, mode: 1 }] },
        { name: 'extended-message', code: 6 },
        { name: 'role', code: 9, role: 'customer' },
        { name: 'fqdn', code: 73, hostname: 'r1', domain: 'lab' },
        { name: 'extended-next-hop', code: 5, families: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
        { name: 'unknown', code: 128, hex: '' },
        { name: 'unknown', code: 0, hex: '' },
      ] }],
    },
  },
  {
    name: 'OPEN with one capability per parameter (as older routers send)',
    ctx: C2,
    bytes: msg(1, openBody('04 fde8 00b4 c6336401', [['0104 00010001'], ['0200'], ['4104 0000fde8']])),
    json: { type: 'OPEN', myAs: 65000, holdTime: 180, bgpId: '198.51.100.1', params: [
      { capabilities: [{ name: 'multiprotocol', code: 1, family: 'ipv4-unicast' }] },
      { capabilities: [{ name: 'route-refresh', code: 2 }] },
      { capabilities: [{ name: 'as4', code: 65, asn: 65000 }] }] },
  },
  {
    name: 'OPEN in the RFC 9072 extended optional parameters format',
    ctx: C2,
    bytes: msg(1, '04 fde8 00b4 c6336401 ff ff 000b 02 0008 0104 00010001 0200'),
    json: { type: 'OPEN', extendedParams: true, params: [{ capabilities: [
      { name: 'multiprotocol', code: 1, family: 'ipv4-unicast' }, { name: 'route-refresh', code: 2 }] }] },
  },
  {
    name: 'OPEN with an unknown optional parameter type (kept for stage 2 to refuse)',
    ctx: C2,
    bytes: msg(1, '04 fde8 00b4 c6336401 04 0102 abcd'),
    json: { type: 'OPEN', params: [{ paramType: 1, hex: 'abcd' }] },
  },
  {
    name: 'UPDATE, IPv4, 2-octet AS, every classic attribute',
    ctx: C2,
    bytes: update('18c63364', attr(0x40, 1, '01') + attr(0x40, 2, '0203fc00fc01fc02 0102fc03fc04') +
      attr(0x40, 3, 'c0000201') + attr(0x80, 4, '00000064') + attr(0x40, 5, '000000c8') + attr(0x40, 6, '') +
      attr(0xc0, 7, 'fc00c0000202') + attr(0xc0, 8, 'fde80001ffffff01') + attr(0x80, 9, 'c0000203') +
      attr(0x80, 10, 'c0000204c0000205'), '18c00002 19cb007180 20cb0071ff 00'),
    json: {
      type: 'UPDATE', withdrawn: ['198.51.100.0/24'], nlri: ['192.0.2.0/24', '203.0.113.128/25', '203.0.113.255/32', '0.0.0.0/0'],
      attributes: [
        { type: 'ORIGIN', code: 1, flags: '0x40', value: 'EGP' },
        { type: 'AS_PATH', code: 2, flags: '0x40', value: '64512 64513 64514 {64515,64516}',
          segments: [{ type: 2, asns: [64512, 64513, 64514] }, { type: 1, asns: [64515, 64516] }] },
        { type: 'NEXT_HOP', code: 3, flags: '0x40', value: '192.0.2.1' },
        { type: 'MULTI_EXIT_DISC', code: 4, flags: '0x80', value: 100 },
        { type: 'LOCAL_PREF', code: 5, flags: '0x40', value: 200 },
        { type: 'ATOMIC_AGGREGATE', code: 6, flags: '0x40' },
        { type: 'AGGREGATOR', code: 7, flags: '0xc0', asn: 64512, address: '192.0.2.2' },
        { type: 'COMMUNITIES', code: 8, flags: '0xc0', value: ['65000:1', '65535:65281'] },
        { type: 'ORIGINATOR_ID', code: 9, flags: '0x80', value: '192.0.2.3' },
        { type: 'CLUSTER_LIST', code: 10, flags: '0x80', value: ['192.0.2.4', '192.0.2.5'] },
      ],
      mpReach: null, mpUnreach: null,
    },
  },
  {
    name: 'UPDATE, 4-octet AS path with confederation segments, AS4-era attributes',
    ctx: C4,
    bytes: update('', attr(0x40, 1, '00') + attr(0x40, 2, '0301 0000fde9 0201 fa56ea01 0401 0000fdea') +
      attr(0x40, 3, 'c0000201') + attr(0xc0, 7, 'fa56ea01c0000202') +
      attr(0xc0, 16, '0002fde800000064 0102c000020100 07 0202fa56ea010001 030c000000000008') +
      attr(0xc0, 32, 'fa56ea01 00000001 00000002') + attr(0xc0, 35, '0000fde8'), '18c00002'),
    json: {
      type: 'UPDATE', nlri: ['192.0.2.0/24'],
      attributes: [
        { type: 'ORIGIN', code: 1, flags: '0x40', value: 'IGP' },
        { type: 'AS_PATH', code: 2, flags: '0x40', value: '(65001) 4200000001 [65002]',
          segments: [{ type: 3, asns: [65001] }, { type: 2, asns: [4200000001] }, { type: 4, asns: [65002] }] },
        { type: 'NEXT_HOP', code: 3, flags: '0x40', value: '192.0.2.1' },
        { type: 'AGGREGATOR', code: 7, flags: '0xc0', asn: 4200000001, address: '192.0.2.2' },
        { type: 'EXTENDED_COMMUNITIES', code: 16, flags: '0xc0',
          value: ['rt:65000:100', 'rt:192.0.2.1:7', 'rt:4200000001:1', '0x030c000000000008'] },
        { type: 'LARGE_COMMUNITY', code: 32, flags: '0xc0', value: ['4200000001:1:2'] },
        { type: 'ONLY_TO_CUSTOMER', code: 35, flags: '0xc0', value: 65000 },
      ],
    },
  },
  {
    name: 'UPDATE from a 2-octet speaker with AS_TRANS, AS4_PATH and AS4_AGGREGATOR',
    ctx: C2,
    bytes: update('', attr(0x40, 1, '00') + attr(0x40, 2, '0203 fc00 5ba0 5ba0') + attr(0x40, 3, 'c0000201') +
      attr(0xc0, 7, '5ba0c0000202') + attr(0xc0, 17, '0202 fa56ea01 fa56ea02') + attr(0xc0, 18, 'fa56ea02c0000202'),
    '18c00002'),
    json: { type: 'UPDATE', attributes: [
      { type: 'ORIGIN', code: 1, flags: '0x40', value: 'IGP' },
      { type: 'AS_PATH', code: 2, flags: '0x40', value: '64512 23456 23456', segments: [{ type: 2, asns: [64512, 23456, 23456] }] },
      { type: 'NEXT_HOP', code: 3, flags: '0x40', value: '192.0.2.1' },
      { type: 'AGGREGATOR', code: 7, flags: '0xc0', asn: 23456, address: '192.0.2.2' },
      { type: 'AS4_PATH', code: 17, flags: '0xc0', value: '4200000001 4200000002', segments: [{ type: 2, asns: [4200000001, 4200000002] }] },
      { type: 'AS4_AGGREGATOR', code: 18, flags: '0xc0', asn: 4200000002, address: '192.0.2.2' },
    ] },
  },
  {
    name: 'UPDATE, IPv6 MP_REACH with global and link-local next hop',
    ctx: C4,
    bytes: update('', attr(0x40, 1, '00') + attr(0x40, 2, '') +
      attr(0x80, 14, '0002 01 20 20010db8000000000000000000000001 fe800000000000000000000000000001 00 ' +
        '30 20010db80001 40 20010db800020000 00 80 20010db8000000000000000000000000'), ''),
    json: { type: 'UPDATE', withdrawn: [], nlri: [],
      attributes: [
        { type: 'ORIGIN', code: 1, flags: '0x40', value: 'IGP' },
        { type: 'AS_PATH', code: 2, flags: '0x40', value: '', segments: [] },
        { type: 'MP_REACH_NLRI', code: 14, flags: '0x80', afi: 2, safi: 1, family: 'ipv6-unicast',
          nextHop: ['2001:db8::1', 'fe80::1'], nextHopHex: '20010db8000000000000000000000001fe800000000000000000000000000001' },
      ],
      mpReach: ['2001:db8:1::/48', '2001:db8:2::/64', '::/0', '2001:db8::/128'], mpUnreach: null },
  },
  {
    name: 'UPDATE, IPv6 MP_UNREACH with the extended-length bit on a short value',
    ctx: C2,
    bytes: update('', attr(0x90, 15, '0002 01 30 20010db80001 20 20010db8'), ''),
    json: { type: 'UPDATE', attributes: [{ type: 'MP_UNREACH_NLRI', code: 15, flags: '0x90', afi: 2, safi: 1,
      family: 'ipv6-unicast' }], mpUnreach: ['2001:db8:1::/48', '2001:db8::/32'] },
  },
  {
    name: 'UPDATE with add-path on IPv4 (NLRI and withdrawn) and IPv6 (MP_REACH)',
    ctx: C4AP,
    bytes: update('00000001 18c63364', attr(0x40, 1, '00') + attr(0x40, 2, '02010000fc00') + attr(0x40, 3, 'c0000201') +
      attr(0x80, 14, '0002 01 10 20010db8000000000000000000000001 00 00000007 30 20010db80001'),
    '00000002 18c00002 00000003 18c00002'),
    json: { type: 'UPDATE', withdrawn: [{ prefix: '198.51.100.0/24', pathId: 1 }],
      nlri: [{ prefix: '192.0.2.0/24', pathId: 2 }, { prefix: '192.0.2.0/24', pathId: 3 }],
      mpReach: [{ prefix: '2001:db8:1::/48', pathId: 7 }] },
  },
  {
    name: 'UPDATE with host bits set past the prefix length',
    ctx: C2,
    bytes: update('17c63365', BASE_ATTRS, '15c00007 01ff'),
    json: { type: 'UPDATE', withdrawn: ['198.51.101.0/23'], nlri: ['192.0.7.0/21', '255.0.0.0/1'] },
  },
  {
    name: 'UPDATE with unknown optional transitive and non-transitive attributes, extended length on a short value',
    ctx: C2,
    bytes: update('', BASE_ATTRS + attr(0xe0, 0x63, 'deadbeef') + attr(0x80, 0x64, '01') + attr(0xd0, 0x65, 'cafe'),
      '18c00002'),
    json: { type: 'UPDATE', attributes: [
      { type: 'ORIGIN', code: 1, flags: '0x40', value: 'IGP' },
      { type: 'AS_PATH', code: 2, flags: '0x40', value: '64512', segments: [{ type: 2, asns: [64512] }] },
      { type: 'NEXT_HOP', code: 3, flags: '0x40', value: '192.0.2.1' },
      { type: 'UNKNOWN', code: 0x63, flags: '0xe0', hex: 'deadbeef' },
      { type: 'UNKNOWN', code: 0x64, flags: '0x80', hex: '01' },
      { type: 'UNKNOWN', code: 0x65, flags: '0xd0', hex: 'cafe' },
    ] },
  },
  {
    name: 'UPDATE for a family the codec keeps opaque (VPNv4 MP_REACH)',
    ctx: C4,
    bytes: update('', attr(0x40, 1, '00') + attr(0x40, 2, '') + attr(0x80, 14,
      '0001 80 0c 0000000000000000c0000201 00 70 000011 0000fde800000001 c00002'), ''),
    json: { type: 'UPDATE', mpReach: { afi: 1, safi: 128, hex: '700000110000fde800000001c00002' } },
  },
  { name: 'End-of-RIB IPv4 (empty UPDATE)', ctx: C2, bytes: update('', '', ''),
    json: { type: 'UPDATE', withdrawn: [], attributes: [], nlri: [], mpReach: null, mpUnreach: null } },
  { name: 'End-of-RIB IPv6 (empty MP_UNREACH)', ctx: C2, bytes: update('', attr(0x80, 15, '000201'), ''),
    json: { type: 'UPDATE', mpUnreach: [] } },
  {
    name: 'NOTIFICATION Cease/Administrative Shutdown with an RFC 9003 communication',
    ctx: C2,
    bytes: msg(3, '0602 0f 6d61696e74656e616e636520e28094'.replace('0f', '0f')),
    json: { type: 'NOTIFICATION', code: 6, subcode: 2, codeName: 'Cease', subcodeName: 'Administrative Shutdown',
      shutdown: 'maintenance —' },
  },
  {
    name: 'NOTIFICATION Cease/Maximum Number of Prefixes Reached (RFC 4486 data)',
    ctx: C2,
    bytes: msg(3, '0601 0001 01 000003e8'),
    json: { type: 'NOTIFICATION', code: 6, subcode: 1, maxPrefix: { afi: 1, safi: 1, limit: 1000 } },
  },
  {
    name: 'NOTIFICATION Cease/Hard Reset wrapping Hold Timer Expired (RFC 8538)',
    ctx: C2,
    bytes: msg(3, '0609 0400'),
    json: { type: 'NOTIFICATION', code: 6, subcode: 9, subcodeName: 'Hard Reset', hardReset: { code: 4, subcode: 0, data: '' } },
  },
  {
    name: 'NOTIFICATION UPDATE Message Error/Attribute Length Error with data',
    ctx: C2,
    bytes: msg(3, '0305 40010200ff'),
    json: { type: 'NOTIFICATION', code: 3, subcode: 5, codeName: 'UPDATE Message Error',
      subcodeName: 'Attribute Length Error', data: '40010200ff' },
  },
  { name: 'NOTIFICATION Send Hold Timer Expired (RFC 9687)', ctx: C2, bytes: msg(3, '0800'),
    json: { type: 'NOTIFICATION', code: 8, subcode: 0, codeName: 'Send Hold Timer Expired' } },
  { name: 'ROUTE-REFRESH normal', ctx: C2, bytes: msg(5, '0001 00 01'),
    json: { type: 'ROUTE_REFRESH', afi: 1, safi: 1, family: 'ipv4-unicast', subtype: 'normal', rest: '' } },
  { name: 'ROUTE-REFRESH BoRR', ctx: C2, bytes: msg(5, '0002 01 01'), json: { type: 'ROUTE_REFRESH', subtype: 'BoRR' } },
  { name: 'ROUTE-REFRESH EoRR', ctx: C2, bytes: msg(5, '0002 02 01'), json: { type: 'ROUTE_REFRESH', subtype: 'EoRR' } },
  { name: 'ROUTE-REFRESH with ORF entries (RFC 5291)', ctx: C2, bytes: msg(5, '0001 00 01 01 0007 40 0000000000'),
    json: { type: 'ROUTE_REFRESH', subtype: 'normal', rest: '01000740' + '0000000000' } },
  {
    name: 'UPDATE longer than 4096 octets with extended messages (RFC 8654)',
    ctx: CX,
    bytes: update('', attr(0x40, 1, '00') + attr(0x40, 2, '02010000fc00') + attr(0x40, 3, 'c0000201') +
      attr(0xd0, 0x70, 'ab'.repeat(5000)), '18c00002'),
    json: { type: 'UPDATE', nlri: ['192.0.2.0/24'] },
  },
  {
    name: 'UPDATE with a duplicate COMMUNITIES (later copy discarded, kept for re-encoding)',
    ctx: C2,
    bytes: update('', BASE_ATTRS + attr(0xc0, 8, 'fde80001') + attr(0xc0, 8, 'fde80002'), '18c00002'),
    json: { type: 'UPDATE', nlri: ['192.0.2.0/24'] },
    errors: ['attr-duplicate'],
  },
  {
    name: 'UPDATE with a malformed AGGREGATOR (discarded) and a bad-length MED (treat-as-withdraw)',
    ctx: C2,
    bytes: update('', BASE_ATTRS + attr(0xc0, 7, 'fc00c00002') + attr(0x80, 4, '000064'), '18c00002'),
    json: { type: 'UPDATE', nlri: ['192.0.2.0/24'] },
    errors: ['attr-length', 'attr-length'],
  },
  {
    name: 'UPDATE whose attribute section ends with a truncated attribute header (RFC 7606 §4)',
    ctx: C2,
    bytes: update('', BASE_ATTRS + '4001', '18c00002'),
    json: { type: 'UPDATE', nlri: ['192.0.2.0/24'] },
    errors: ['attr-list-malformed'],
  },
];
