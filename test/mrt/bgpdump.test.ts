// The bgpdump -m format rules, one by one, on records built in memory (the interop tests check the same rules
// against the real bgpdump on files): IPv6 text, AS path text, communities, absent attributes, AS4 interworking in
// 2-octet contexts, line labels and timestamps, and what happens without a peer index table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AS_CONFED_SEQUENCE, AS_CONFED_SET, AS_SEQUENCE, AS_SET, type PathAttribute, PrefixList } from '../../src/bgp/wire/index.js';
import { bgpdumpAsPath, bgpdumpIpv6 } from '../../src/mrt/bgpdump-attrs.js';
import { BgpdumpFormatter } from '../../src/mrt/bgpdump.js';
import { attrSet, messageRecord, mrtNextHop, peerIndexTable, ribRecord, stateChangeRecord } from '../../src/mrt/build.js';
import { hex } from './helpers.js';

const A = (a: object) => a as PathAttribute;
const ORIGIN = (origin: number) => A({ name: 'ORIGIN', typeCode: 1, flags: 0x40, origin });
const PATH = (...segments: { type: number; asns: number[] }[]) => A({ name: 'AS_PATH', typeCode: 2, flags: 0x40, segments });
const NH = A({ name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: '192.0.2.1' });
const PEERS = peerIndexTable({ timestamp: 1, collectorBgpId: '192.0.2.254', peers: [
  { bgpId: '192.0.2.1', address: '192.0.2.1', asn: 64512 }, { bgpId: '192.0.2.2', address: '2001:db8::2', asn: 4200000002 }] });

function rib(attrs: PathAttribute[], prefix = '198.51.100.0/24', peerIndex = 0): string {
  const f = new BgpdumpFormatter();
  f.format(PEERS);
  return f.format(ribRecord({ timestamp: 1700000000, sequence: 0, prefix, routes: [{ peerIndex, originatedTime: 5, attributes: attrs }] }));
}

test('IPv6 text as bgpdump prints it (its own -T vectors, and one-group compression)', () => {
  const cases: [string, string][] = [
    ['fe800000000000000000000000000000', 'fe80::'], ['20010db8000000000000000000000001', '2001:db8::1'],
    ['00000000000000000000ffffc0a80201', '::ffff:192.168.2.1'], ['000000000000000000000000c0a80102', '::192.168.1.2'],
    ['200107f8003000000002000100008447', '2001:7f8:30::2:1:0:8447'], ['20010db8000000010002000300040005', '2001:db8::1:2:3:4:5'],
    ['00000000000000000000000000000001', '::1'], ['00000000000000000000000000000000', '::'],
    ['20010db8000000000001000000000000', '2001:db8:0:0:1::'],
  ];
  for (const [h, text] of cases) assert.equal(bgpdumpIpv6(hex(h)), text, h);
});

test('AS path text: sequences, {sets}, (confed sequences), [confed sets], and the cut past 7900 characters', () => {
  assert.equal(bgpdumpAsPath([{ type: AS_SEQUENCE, asns: [64512, 4200000001] }, { type: AS_SET, asns: [64513, 64514] }]),
    '64512 4200000001 {64513,64514}');
  assert.equal(bgpdumpAsPath([{ type: AS_CONFED_SEQUENCE, asns: [64600, 64601] }, { type: AS_CONFED_SET, asns: [64602, 64603] },
    { type: AS_SEQUENCE, asns: [64512] }]), '(64600 64601) [64602,64603] 64512');
  assert.equal(bgpdumpAsPath([{ type: AS_SET, asns: [1] }, { type: AS_SET, asns: [2] }]), '{1} {2}');
  assert.equal(bgpdumpAsPath([]), '');
  const long = bgpdumpAsPath([{ type: AS_SEQUENCE, asns: Array.from({ length: 2000 }, () => 4200000000) }]);
  assert.ok(long.endsWith('...') && long.length <= 7911, String(long.length));
});

test('TABLE_DUMP2 line: fields, named communities, AG/NAG, aggregator, MED/LOCAL_PREF as unsigned', () => {
  const line = rib([ORIGIN(0), PATH({ type: 2, asns: [64512, 4200000001] }), NH,
    A({ name: 'MULTI_EXIT_DISC', typeCode: 4, flags: 0x80, med: 4294967295 }), A({ name: 'LOCAL_PREF', typeCode: 5, flags: 0x40, localPref: 100 }),
    A({ name: 'ATOMIC_AGGREGATE', typeCode: 6, flags: 0x40 }), A({ name: 'AGGREGATOR', typeCode: 7, flags: 0xc0, asn: 4200000009, address: '192.0.2.9' }),
    A({ name: 'COMMUNITIES', typeCode: 8, flags: 0xc0, communities: [0xffffff01, 0xffffff02, 0xffffff03, 0xffffff04, 0xfc000007] })]);
  assert.equal(line, 'TABLE_DUMP2|1700000000|B|192.0.2.1|64512|198.51.100.0/24|64512 4200000001|IGP|192.0.2.1|100|4294967295|' +
    'no-export no-advertise local-AS 65535:65284 64512:7|AG|4200000009 192.0.2.9|\n');
});

test('absent attributes: INCOMPLETE origin, empty path, next hop 255.255.255.255, zeros, NAG', () => {
  assert.equal(rib([]), 'TABLE_DUMP2|1700000000|B|192.0.2.1|64512|198.51.100.0/24||INCOMPLETE|255.255.255.255|0|0||NAG||\n');
});

test('IPv6 RIB entry: next hop from the abbreviated MP_REACH_NLRI (global of global + link-local), IPv6 peer', () => {
  assert.equal(rib([ORIGIN(1), mrtNextHop(2, ['2001:db8::1', 'fe80::1'])], '2001:db8:1::/48', 1),
    'TABLE_DUMP2|1700000000|B|2001:db8::2|4200000002|2001:db8:1::/48||EGP|2001:db8::1|0|0||NAG||\n');
});

test('add-path RIB entries: TABLE_DUMP2_AP with the path id after the prefix; -l adds large communities', () => {
  const f = new BgpdumpFormatter({ largeCommunities: true });
  f.format(PEERS);
  const out = f.format(ribRecord({ timestamp: 1700000000, sequence: 0, prefix: '203.0.113.0/25', routes: [
    { peerIndex: 0, originatedTime: 5, pathId: 77, attributes: [ORIGIN(2), NH,
      A({ name: 'LARGE_COMMUNITY', typeCode: 32, flags: 0xc0, communities: [{ global: 4200000001, local1: 1, local2: 2 }] })] }] }));
  assert.equal(out, 'TABLE_DUMP2_AP|1700000000|B|192.0.2.1|64512|203.0.113.0/25|77||INCOMPLETE|192.0.2.1|0|0||4200000001:1:2|NAG||\n');
});

test('-t change prints the originated time of each RIB entry', () => {
  const f = new BgpdumpFormatter({ time: 'change' });
  f.format(PEERS);
  assert.match(f.format(ribRecord({ timestamp: 1700000000, sequence: 0, prefix: '198.51.100.0/24',
    routes: [{ peerIndex: 0, originatedTime: 1234, attributes: [] }] })), /^TABLE_DUMP2\|1234\|B\|/);
});

test('RIB records without a peer table, or with an unknown peer index, are reported and not printed', () => {
  const problems: string[] = [];
  const f = new BgpdumpFormatter({}, (m) => problems.push(m));
  const r = ribRecord({ timestamp: 1, sequence: 0, prefix: '198.51.100.0/24', routes: [{ peerIndex: 5, originatedTime: 1, attributes: [] }] });
  assert.equal(f.format(r), '');
  f.format(PEERS);
  assert.equal(f.format(r), '');
  assert.equal(problems.length, 2);
  assert.match(problems[1]!, /peer index 5 not in the peer table of 2 peers/);
});

const peering = { peer: { asn: 64512, ip: '192.0.2.1' }, local: { asn: 64513, ip: '192.0.2.2' }, timestamp: 1700000000 };
const upd = (list: PathAttribute[], withdrawn: PrefixList, nlri: PrefixList) =>
  ({ type: 'UPDATE' as const, withdrawn, attrs: attrSet(list), nlri, mpReach: null, mpUnreach: null });

test('BGP4MP on a 2-octet session: AS4_PATH merged and AS4_AGGREGATOR used when AGGREGATOR is AS_TRANS', () => {
  const list = [ORIGIN(0), PATH({ type: 2, asns: [64512, 23456] }), NH,
    A({ name: 'AGGREGATOR', typeCode: 7, flags: 0xc0, asn: 23456, address: '192.0.2.5' }),
    A({ name: 'AS4_PATH', typeCode: 17, flags: 0xc0, segments: [{ type: 2, asns: [4200000001] }] }),
    A({ name: 'AS4_AGGREGATOR', typeCode: 18, flags: 0xc0, asn: 4200000005, address: '192.0.2.5' })];
  const out = new BgpdumpFormatter().format(messageRecord({ ...peering, direction: 'received', as4: false,
    message: upd(list, PrefixList.parse(1, ['10.0.0.0/8']), PrefixList.parse(1, ['198.51.100.0/24'])) }));
  assert.equal(out, 'BGP4MP|1700000000|W|192.0.2.1|64512|10.0.0.0/8\n' +
    'BGP4MP|1700000000|A|192.0.2.1|64512|198.51.100.0/24|64512 4200000001|IGP|192.0.2.1|0|0||NAG|4200000005 192.0.2.5|\n');
});

test('BGP4MP labels and peers: _LOCAL prints the peer; _LOCAL_ADDPATH prints the local end as BGP4MP_ET_AP', () => {
  const m = upd([ORIGIN(0), NH], PrefixList.empty(1), PrefixList.parse(1, ['198.51.100.0/24'], [7]));
  const plain = upd([ORIGIN(0), NH], PrefixList.empty(1), PrefixList.parse(1, ['198.51.100.0/24']));
  const f = new BgpdumpFormatter();
  assert.match(f.format(messageRecord({ ...peering, direction: 'sent', as4: true, message: plain })),
    /^BGP4MP_LOCAL\|1700000000\|A\|192\.0\.2\.1\|64512\|/);
  assert.match(f.format(messageRecord({ ...peering, microseconds: 5, direction: 'sent', as4: true, addPath: true, message: m })),
    /^BGP4MP_ET_AP\|1700000000\.000005\|A\|192\.0\.2\.2\|64513\|198\.51\.100\.0\/24\|7\|/);
});

test('STATE lines, BGP4MP_ET microseconds; KEEPALIVE prints nothing', () => {
  const f = new BgpdumpFormatter();
  assert.equal(f.format(stateChangeRecord({ ...peering, microseconds: 999999, oldState: 1, newState: 6 })),
    'BGP4MP_ET|1700000000.999999|STATE|192.0.2.1|64512|1|6\n');
  assert.equal(f.format(messageRecord({ ...peering, direction: 'received', as4: false, message: { type: 'KEEPALIVE' } })), '');
});
