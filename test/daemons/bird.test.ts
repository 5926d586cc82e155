import { test } from 'node:test';
import assert from 'node:assert/strict';
import { birdConfig, birdOriginateConf } from '../../src/daemons/index.js';
import { parseBirdProtocols, parseBirdRoutes } from '../../src/daemons/bird/parse.js';
import { block, resolved, sample } from './fixtures.js';

const conf = birdConfig(resolved, { dir: '/d', originateFile: '/d/originate.conf', logFile: '/d/bird.log' });
const orig = birdOriginateConf(resolved);

test('bird.conf: router id, include of the originate file, fast timers per protocol', () => {
  assert.match(conf, /^router id 10\.255\.0\.1;$/m);
  assert.match(conf, /^include "\/d\/originate\.conf";$/m);
  const p = block(conf, /^protocol bgp bgp_cust \{/);
  assert.ok(p.includes('local 10.0.1.1 as 65001;'));
  assert.ok(p.includes('neighbor 10.0.1.2 as 65002;'));
  assert.ok(p.includes('hold time 9;'));
  assert.ok(p.includes('connect delay time 1;'));
  assert.ok(p.includes('direct;'));
});

test('bird.conf: passive, multihop, add-path, graceful restart, next hop self, families', () => {
  assert.ok(block(conf, /^protocol bgp bgp_up \{/).includes('passive on;'));
  assert.ok(block(conf, /^protocol bgp bgp_up \{/).includes('hold time 30;'));
  const v6 = block(conf, /^protocol bgp bgp_v6peer \{/);
  assert.ok(v6.includes('multihop 2;'));
  assert.ok(v6.includes('add paths on;'));
  assert.ok(v6.includes('graceful restart time 60;'));
  assert.ok(v6.includes('ipv6 {'));
  assert.ok(!v6.includes('ipv4 {'));
  const closed = block(conf, /^protocol bgp bgp_closed \{/);
  assert.equal(closed.filter((l) => l === 'import none;').length, 2, 'both families');
  assert.equal(closed.filter((l) => l === 'export none;').length, 2);
  assert.ok(block(conf, /^protocol bgp bgp_ibgp \{/).includes('next hop self;'));
  // multihop / iBGP need next hops resolved through kernel and direct routes
  assert.match(conf, /protocol direct/);
  assert.match(conf, /learn;/);
  assert.doesNotMatch(conf, /export where source = RTS_BGP/, 'no kernel export unless asked');
  assert.match(birdConfig({ ...resolved, kernelExport: true }, { dir: '/d', originateFile: '/o', logFile: '/l' }), /export where source = RTS_BGP;/);
});

test('bird.conf: Gao-Rexford import tags and ranks, export to a provider only customer routes, tags stripped', () => {
  const cust = block(conf, /^protocol bgp bgp_cust \{/).join(' ');
  assert.match(cust, /bgp_large_community\.add\(\(65001, 990, 1\)\); bgp_local_pref = 200;/);
  assert.doesNotMatch(cust, /!~ bgp_large_community then reject/, 'a customer gets everything');
  const up = block(conf, /^protocol bgp bgp_up \{/).join(' ');
  assert.match(up, /bgp_large_community\.add\(\(65001, 990, 3\)\); bgp_local_pref = 50;/);
  assert.match(up, /if \(65001, 990, 1\) !~ bgp_large_community then reject;/);
  assert.match(up, /bgp_large_community\.delete\(\[\(65001, 990, \*\)\]\); accept;/);
  assert.match(up, /originated_attrs4\(\); accept;/, 'originated routes go to everyone');
});

test('originate.conf: blackhole statics carrying their attributes; MED re-set on export', () => {
  const line4 = orig.split('\n').find((l) => l.includes('route 192.0.2.0/24 blackhole'))!;
  assert.match(line4, /bgp_community\.add\(\(65001,100\)\);/);
  assert.match(line4, /bgp_large_community\.add\(\(65001,1,2\)\);/);
  assert.match(line4, /bgp_med = 50;/);
  assert.match(line4, /bgp_origin = ORIGIN_EGP;/);
  assert.equal(line4.match(/bgp_path\.prepend\(65001\);/g)?.length, 2, 'two extra copies of our AS');
  assert.match(orig, /protocol static orig4 \{\n  ipv4;\n  route 192\.0\.2\.0\/24 blackhole \{/);
  const line6 = orig.split('\n').find((l) => l.includes('route 2001:db8:1::/48 blackhole'))!;
  assert.match(line6, /bgp_path\.prepend\(64999\);/);
  assert.match(orig, /function originated_attrs4\(\) \{\n  if defined\(bgp_med\) then bgp_med = bgp_med;/);
  assert.match(birdOriginateConf(resolved, [{ prefix: '192.0.2.0/24', nextHop: '10.0.0.9' }]), /if net = 192\.0\.2\.0\/24 then bgp_next_hop = 10\.0\.0\.9;/);
  assert.equal(birdOriginateConf(resolved, []).includes('route '), false);
});

test('parse show route all: attributes, best flag, second path of a prefix, protocol → neighbor', () => {
  const rs = parseBirdRoutes(sample('bird-multipath.txt'), (p) => ({ p4: '10.0.0.2', e4: '10.0.3.2' })[p] ?? p);
  assert.equal(rs.length, 2);
  assert.deepEqual(rs[0], {
    prefix: '198.51.100.0/24', family: 'ipv4', best: true, nextHop: '10.0.0.2', asPath: [65002, 65100, 65101], origin: 'egp',
    med: 20, localPref: 100, communities: ['65002:7'], largeCommunities: ['65002:1:1'], from: '10.0.0.2',
  });
  assert.equal(rs[1]!.prefix, '198.51.100.0/24');
  assert.equal(rs[1]!.best, false);
  assert.equal(rs[1]!.origin, 'incomplete');
  assert.equal(rs[1]!.med, null);
  assert.deepEqual(rs[1]!.asPath, [65005, 65120, 4200000001]);
  assert.deepEqual(rs[1]!.communities, ['65005:1', '65535:65281']);
  assert.equal(rs[1]!.from, '10.0.3.2');
});

test('parse show route all: both tables, static routes, IPv6 next hop', () => {
  const rs = parseBirdRoutes(sample('bird-route-all.txt'), (p) => (p.startsWith('s') ? 'local' : p));
  assert.deepEqual(rs.map((r) => r.prefix), ['198.51.100.0/24', '192.0.2.0/24', '2001:db8:1::/48', '2001:db8:2::/48']);
  assert.equal(rs[1]!.from, 'local');
  assert.equal(rs[3]!.family, 'ipv6');
  assert.equal(rs[3]!.nextHop, 'fd00::2');
  assert.equal(rs[3]!.med, 5);
});

test('parse show protocols all: BGP protocols only, state, neighbor, AS, imported routes', () => {
  const ps = parseBirdProtocols(sample('bird-protocols-all.txt'));
  assert.deepEqual(ps.map((p) => p.name), ['p4', 'p6', 'c4', 'c6', 'd4', 'd6', 'e4', 'e6']);
  assert.deepEqual(ps[0], { name: 'p4', address: '10.0.0.2', remoteAs: 65002, state: 'established', received: 1 });
  assert.equal(ps[1]!.address, 'fd00::2');
  assert.ok(ps.every((p) => p.state === 'established'));
});

test('parse show protocols all: the last error of a refused session', () => {
  const ps = parseBirdProtocols(sample('bird-protocols-errors.txt'));
  const frr = ps.find((p) => p.name === 'bgp_frr')!;
  assert.equal(frr.state, 'idle');
  assert.equal(frr.lastError, 'Received: Bad peer AS');
  assert.equal(frr.address, '10.90.1.2');
});
