import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gobgpConfig } from '../../src/daemons/index.js';
import { gobgpRibAddArgs } from '../../src/daemons/gobgp/config.js';
import { parseGobgpNeighbors, parseGobgpRib } from '../../src/daemons/gobgp/parse.js';
import { resolved, sample } from './fixtures.js';

const conf = gobgpConfig(resolved);
/** The TOML text of the [[neighbors]] entry for `addr`. */
const neighbor = (addr: string) => conf.split('[[neighbors]]').find((b) => b.includes(`neighbor-address = "${addr}"`)) ?? '';

test('global section and fast timers per neighbor', () => {
  assert.match(conf, /\[global\.config\]\n  as = 65001\n  router-id = "10\.255\.0\.1"/);
  const n = neighbor('10.0.1.2');
  assert.match(n, /peer-as = 65002/);
  assert.match(n, /connect-retry = 1/);
  assert.match(n, /hold-time = 9/);
  assert.match(n, /keepalive-interval = 3/);
  assert.match(n, /local-address = "10\.0\.1\.1"/);
  assert.match(n, /passive-mode = false/);
  assert.match(neighbor('10.0.2.2'), /passive-mode = true/);
});

test('multihop, add-path, graceful restart, families', () => {
  const n = neighbor('fd00:3::2');
  assert.match(n, /\[neighbors\.ebgp-multihop\.config\]\n    enabled = true\n    multihop-ttl = 2/);
  assert.match(n, /\[neighbors\.graceful-restart\.config\]\n    enabled = true\n    restart-time = 60/);
  assert.match(n, /afi-safi-name = "ipv6-unicast"/);
  assert.match(n, /receive = true\n      send-max = 16/);
  const both = neighbor('10.0.4.2');
  assert.match(both, /afi-safi-name = "ipv4-unicast"[\s\S]*afi-safi-name = "ipv6-unicast"/);
});

test('policies: per-neighbor statements on neighbor sets', () => {
  assert.match(conf, /neighbor-set-name = "ns_cust"\n  neighbor-info-list = \["10\.0\.1\.2"\]/);
  assert.match(conf, /import-policy-list = \["anycast_import"\]/);
  assert.match(conf, /export-policy-list = \["anycast_export"\]/);
  const stmt = (name: string) => conf.split('[[policy-definitions.statements]]').find((s) => s.includes(`name = "${name}"`)) ?? '';
  assert.match(stmt('import_cust'), /set-local-pref = 200/);
  assert.match(stmt('import_cust'), /options = "add"[\s\S]*communities-list = \["65001:990:1"\]/);
  assert.match(stmt('import_up'), /set-local-pref = 50/);
  assert.match(stmt('import_closed'), /route-disposition = "reject-route"/);
  assert.match(stmt('export_closed'), /route-disposition = "reject-route"/);
  assert.match(stmt('export_up_local'), /route-type = "local"[\s\S]*accept-route/);
  assert.match(stmt('export_up_noncust'), /large-community-set = "gr_from_customer"\n\s+match-set-options = "invert"[\s\S]*reject-route/);
  assert.equal(stmt('export_cust_noncust'), '', 'a customer gets all routes');
  assert.match(stmt('export_cust_strip'), /options = "remove"/);
  assert.match(stmt('export_ibgp'), /set-next-hop = "self"/);
  assert.match(conf, /large-community-list = \["\^65001:990:1\$"\]/);
});

test('rib add arguments: path without our own AS (gobgpd adds it), attributes', () => {
  assert.deepEqual(gobgpRibAddArgs(resolved.originate[0]!, 65001), [
    '192.0.2.0/24', 'origin', 'egp', 'aspath', '65001,65001', 'community', '65001:100', 'large-community', '65001:1:2', 'med', '50',
  ]);
  assert.deepEqual(gobgpRibAddArgs({ prefix: '2001:db8::/32', asPath: [64999], nextHop: 'fd00::1', localPref: 300 }, 65001), [
    '2001:db8::/32', 'origin', 'igp', 'aspath', '64999', 'local-pref', '300', 'nexthop', 'fd00::1',
  ]);
});

test('parse gobgp -j neighbor', () => {
  const ns = parseGobgpNeighbors(sample('gobgp-neighbor.json'));
  assert.deepEqual(ns, [
    { address: '10.0.0.1', remoteAs: 65001, state: 'established', received: 1 },
    { address: 'fd00::1', remoteAs: 65001, state: 'established', received: 1 },
  ]);
  assert.equal(parseGobgpNeighbors('[{"conf":{"neighbor_address":"10.0.0.9","peer_asn":65009},"state":{"session_state":3}}]')[0]!.state, 'active');
  assert.equal(parseGobgpNeighbors('[{"conf":{"neighbor_address":"10.0.0.9"},"state":{}}]')[0]!.state, 'idle');
});

test('parse gobgp -j global rib: received and local paths, communities decoded from 32-bit values', () => {
  const rs = parseGobgpRib(sample('gobgp-rib4.json'));
  const recv = rs.find((r) => r.prefix === '192.0.2.0/24')!;
  assert.deepEqual(recv, {
    prefix: '192.0.2.0/24', family: 'ipv4', best: true, nextHop: '10.0.0.1', asPath: [65001, 65099], origin: 'igp', med: null,
    localPref: null, communities: ['65001:100'], largeCommunities: ['65001:1:2'], from: '10.0.0.1',
  });
  const local = rs.find((r) => r.prefix === '198.51.100.0/24')!;
  assert.equal(local.from, 'local');
  assert.equal(local.med, 20);
  assert.equal(local.localPref, 150);
  assert.equal(local.origin, 'egp');
  assert.deepEqual(local.communities, ['65002:7']);
  const v6 = parseGobgpRib(sample('gobgp-rib6.json'));
  assert.equal(v6.find((r) => r.prefix === '2001:db8:1::/48')!.nextHop, 'fd00::1');
  assert.equal(v6.find((r) => r.prefix === '2001:db8:2::/48')!.origin, 'incomplete');
  assert.deepEqual(parseGobgpRib(''), []);
});
