import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frrConfig } from '../../src/daemons/index.js';
import { frrOrigRouteMap } from '../../src/daemons/frr/config.js';
import { parseFrrNeighbors, parseFrrPrefixes, parseFrrTablePrefixes, splitJsonObjects } from '../../src/daemons/frr/parse.js';
import { resolved, sample } from './fixtures.js';

const conf = frrConfig(resolved, { logFile: '/d/bgpd.log' });
const lines = conf.split('\n');
const has = (l: string) => assert.ok(lines.includes(l), `missing line: ${l}`);

test('router bgp: RFC 8212 knob off (policies are explicit), no import check without zebra, timers', () => {
  has('router bgp 65001');
  has(' bgp router-id 10.255.0.1');
  has(' no bgp ebgp-requires-policy');
  has(' no bgp network import-check');
  has(' no bgp default ipv4-unicast');
  has(' neighbor 10.0.1.2 remote-as 65002');
  has(' neighbor 10.0.1.2 timers 3 9');
  has(' neighbor 10.0.1.2 timers connect 1');
  has(' neighbor 10.0.1.2 update-source 10.0.1.1');
  has(' neighbor 10.0.2.2 passive');
  has(' neighbor 10.0.2.2 timers 10 30');
  has(' neighbor fd00:3::2 ebgp-multihop 2');
  has(' neighbor fd00:3::2 graceful-restart');
  has(' bgp graceful-restart restart-time 60');
});

test('address families: activation, route-maps, add-path, next-hop-self, networks', () => {
  const af4 = lines.slice(lines.indexOf(' address-family ipv4 unicast'), lines.indexOf(' address-family ipv6 unicast'));
  const af6 = lines.slice(lines.indexOf(' address-family ipv6 unicast'));
  assert.ok(af4.includes('  network 192.0.2.0/24 route-map ORIG_192_0_2_0_24'));
  assert.ok(af4.includes('  neighbor 10.0.1.2 activate'));
  assert.ok(af4.includes('  neighbor 10.0.1.2 route-map IN_cust in'));
  assert.ok(af4.includes('  neighbor 10.0.1.2 route-map OUT_cust out'));
  assert.ok(af4.includes('  neighbor 10.0.4.2 route-map DENY_ALL in'));
  assert.ok(af4.includes('  neighbor 10.0.5.2 next-hop-self'));
  assert.ok(!af4.includes('  neighbor fd00:3::2 activate'));
  assert.ok(af6.includes('  neighbor fd00:3::2 activate'));
  assert.ok(af6.includes('  neighbor fd00:3::2 addpath-tx-all-paths'));
  assert.ok(af6.includes('  neighbor 10.0.4.2 activate'), 'IPv6 over an IPv4 session when asked');
  assert.ok(af6.includes('  network 2001:db8:1::/48 route-map ORIG_2001_db8_1___48'));
});

test('Gao-Rexford route-maps: tag and local-pref in, local and customer routes out to a provider', () => {
  const text = conf;
  assert.match(text, /route-map IN_cust permit 10\n set large-community 65001:990:1 additive\n set local-preference 200/);
  assert.match(text, /route-map IN_up permit 10\n set large-community 65001:990:3 additive\n set local-preference 50/);
  assert.match(text, /route-map OUT_up permit 10\n match ip address prefix-list ORIG4/);
  assert.match(text, /route-map OUT_up permit 11\n match ipv6 address prefix-list ORIG6/);
  has('ip prefix-list ORIG4 permit 192.0.2.0/24');
  has('ipv6 prefix-list ORIG6 permit 2001:db8:1::/48');
  assert.match(text, /route-map OUT_up permit 20\n match large-community GR_CUSTOMER\n set large-comm-list GR_TAGS delete/);
  assert.match(text, /route-map OUT_cust permit 20\n set large-comm-list GR_TAGS delete/);
  has('bgp large-community-list standard GR_CUSTOMER permit 65001:990:1');
  has('route-map DENY_ALL deny 10');
});

test('originated route-map carries the attributes; the path tail is prepended (bgpd adds our AS)', () => {
  assert.deepEqual(frrOrigRouteMap(resolved.originate[0]!, 65001), [
    'route-map ORIG_192_0_2_0_24 permit 10', ' set community 65001:100', ' set large-community 65001:1:2', ' set metric 50',
    ' set origin egp', ' set as-path prepend 65001 65001', 'exit',
  ]);
  assert.ok(frrOrigRouteMap({ prefix: '2001:db8::/32', nextHop: 'fd00::9' }, 1).includes(' set ipv6 next-hop global fd00::9'));
});

test('parse show bgp neighbors json', () => {
  const ns = parseFrrNeighbors(sample('frr-neighbors.json'));
  assert.deepEqual(ns.map((n) => [n.address, n.remoteAs, n.state]), [['10.0.1.1', 65001, 'established'], ['fd01::1', 65001, 'established']]);
  assert.equal(ns[0]!.received, 1);
});

test('parse per-prefix JSON, concatenated as vtysh prints several -c outputs', () => {
  const text = sample('frr-prefix4.json') + sample('frr-prefix6.json');
  assert.equal(splitJsonObjects(text).length, 2);
  const [local, recv] = parseFrrPrefixes(text);
  assert.deepEqual(local, {
    prefix: '203.0.113.0/24', family: 'ipv4', best: true, nextHop: '0.0.0.0', asPath: [65003, 65003], origin: 'igp', med: 33,
    localPref: null, communities: ['65003:9'], largeCommunities: ['65003:1:9'], from: 'local',
  });
  assert.equal(recv!.from, 'fd01::1');
  assert.equal(recv!.nextHop, 'fd01::1');
  assert.deepEqual(recv!.asPath, [65001]);
  assert.deepEqual(parseFrrTablePrefixes(sample('frr-rib4.json')), ['192.0.2.0/24', '203.0.113.0/24']);
});

test('parse neighbors: the NOTIFICATION that ended a session', () => {
  const [n] = parseFrrNeighbors(sample('frr-neighbors-error.json'));
  assert.equal(n!.state, 'idle');
  assert.equal(n!.lastError, 'OPEN Message Error/Bad Peer AS');
});
