import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openbgpdConfig, resolveRouter, UnsupportedFeatureError } from '../../src/daemons/index.js';
import { parseOpenbgpdNeighbors, parseOpenbgpdRib } from '../../src/daemons/openbgpd/parse.js';
import { block, resolved, router, sample } from './fixtures.js';

const noPath = resolveRouter({ ...router, originate: [{ ...router.originate![0]! }, { prefix: '2001:db8:1::/48', communities: ['65001:6'] }] });
const conf = openbgpdConfig(noPath, { socket: '/d/bgpd.sock' });
const lines = conf.split('\n');

test('globals: AS, socket, no FIB unless asked, fast connect retry, networks with attributes', () => {
  for (const l of ['AS 65001', 'router-id 10.255.0.1', 'socket "/d/bgpd.sock"', 'fib-update no', 'connect-retry 1']) assert.ok(lines.includes(l), l);
  assert.ok(lines.includes('network 192.0.2.0/24 set { community 65001:100 large-community 65001:1:2 med 50 prepend-self 2 origin egp }'));
  assert.ok(lines.includes('network 2001:db8:1::/48 set { community 65001:6 }'));
  assert.match(openbgpdConfig({ ...noPath, kernelExport: true }, { socket: '/s' }), /^fib-update no$/m, 'the runner installs routes');
});

test('neighbors: local address, holdtime, passive, multihop, families, add-path, restart, refresh', () => {
  const up = block(conf, /^neighbor 10\.0\.2\.2 \{/);
  for (const l of ['remote-as 65003', 'local-address 10.0.2.1', 'holdtime 30', 'passive', 'announce IPv4 unicast', 'announce IPv6 none', 'announce refresh yes', 'announce restart no']) {
    assert.ok(up.includes(l), l);
  }
  const v6 = block(conf, /^neighbor fd00:3::2 \{/);
  for (const l of ['multihop 2', 'announce IPv4 none', 'announce IPv6 unicast', 'announce add-path recv yes', 'announce add-path send all', 'announce restart yes']) {
    assert.ok(v6.includes(l), l);
  }
});

test('filters: deny by default, quick rules per neighbor, Gao-Rexford by tags', () => {
  const i = lines.indexOf('deny from any');
  assert.ok(i > 0 && lines[i + 1] === 'deny to any');
  const rules = lines.slice(i + 2);
  assert.ok(rules.includes('allow quick from 10.0.1.2 set { large-community 65001:990:1 localpref 200 }'));
  assert.ok(rules.includes('allow quick from 10.0.2.2 set { large-community 65001:990:3 localpref 50 }'));
  assert.ok(rules.includes('deny quick to 10.0.2.2 large-community 65001:990:2'));
  assert.ok(rules.includes('deny quick to 10.0.2.2 large-community 65001:990:3'));
  assert.ok(rules.includes('allow quick to 10.0.2.2 set { large-community delete 65001:990:* }'));
  assert.ok(!rules.includes('deny quick to 10.0.1.2 large-community 65001:990:2'), 'customers get everything');
  assert.ok(rules.includes('deny quick from 10.0.4.2'));
  assert.ok(rules.includes('deny quick to 10.0.4.2'));
  assert.ok(rules.includes('allow quick to 10.0.5.2 set nexthop self'));
});

test('an originated AS path is refused: OpenBGPD can only prepend itself', () => {
  assert.throws(() => openbgpdConfig(resolved, { socket: '/s' }), UnsupportedFeatureError);
});

test('parse bgpctl -j show neighbor / show rib detail', () => {
  const ns = parseOpenbgpdNeighbors(sample('obgpd-neighbor.json'));
  assert.deepEqual(ns.map((n) => [n.address, n.remoteAs, n.state, n.received]), [['10.0.2.1', 65001, 'established', 3], ['fd02::1', 65001, 'established', 3]]);
  const rib = parseOpenbgpdRib(sample('obgpd-rib.json'));
  const r = rib.find((x) => x.prefix === '198.51.100.0/24')!;
  assert.deepEqual(r, {
    prefix: '198.51.100.0/24', family: 'ipv4', best: true, nextHop: '10.0.2.1', asPath: [65001, 65002, 65100, 65101], origin: 'egp',
    med: 0, localPref: 100, communities: ['65002:7'], largeCommunities: ['65002:1:1'], from: '10.0.2.1',
  });
  const local = rib.find((x) => x.prefix === '203.0.113.128/25')!;
  assert.equal(local.from, 'local');
  assert.equal(local.nextHop, null);
  assert.equal(local.med, 44);
  assert.equal(rib.find((x) => x.prefix === '2001:db8:2::/48')!.origin, 'incomplete');
});

test('parse neighbor: the error it sent', () => {
  const [n] = parseOpenbgpdNeighbors(sample('obgpd-neighbor-error.json'));
  assert.equal(n!.state, 'idle');
  assert.equal(n!.lastError, 'error in OPEN message, AS unacceptable');
});
