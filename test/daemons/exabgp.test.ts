import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exabgpConfig } from '../../src/daemons/index.js';
import { exabgpApiScript, exabgpEnv, exabgpRouteText } from '../../src/daemons/exabgp/config.js';
import { replayExabgpEvents } from '../../src/daemons/exabgp/parse.js';
import { block, resolved, sample } from './fixtures.js';
import { ConfigError } from '../../src/util/errors.js';

const conf = exabgpConfig(resolved, { apiScript: '/d/api.sh' });

test('neighbors: addresses, ASNs, hold time, passive, families, capabilities, static routes by family', () => {
  const cust = block(conf, /^neighbor 10\.0\.1\.2 \{/);
  for (const l of ['router-id 10.255.0.1;', 'local-address 10.0.1.1;', 'local-as 65001;', 'peer-as 65002;', 'hold-time 9;', 'ipv4 unicast;', 'route-refresh;']) {
    assert.ok(cust.includes(l), l);
  }
  assert.ok(cust.some((l) => l.startsWith('route 192.0.2.0/24 ')));
  assert.ok(!cust.some((l) => l.startsWith('route 2001:db8:1::/48')), 'IPv6 route not on an IPv4-only session');
  assert.ok(block(conf, /^neighbor 10\.0\.2\.2 \{/).includes('passive true;'));
  const v6 = block(conf, /^neighbor fd00:3::2 \{/);
  assert.ok(v6.includes('graceful-restart 60;'));
  assert.ok(v6.includes('add-path send/receive;'));
  assert.ok(v6.some((l) => l.startsWith('route 2001:db8:1::/48 ')));
  assert.match(conf, /process anycast_api \{\n  run \/d\/api\.sh;\n  encoder json;\n\}/);
});

test('a session without a local address is refused (ExaBGP needs it)', () => {
  const spec = { ...resolved, neighbors: [{ ...resolved.neighbors[0]!, localAddress: undefined }] };
  assert.throws(() => exabgpConfig(spec, { apiScript: '/d/api.sh' }), (e: unknown) => e instanceof ConfigError && e.key === 'neighbors[0].localAddress');
});

test('route text: the whole AS path is written (ExaBGP sends it verbatim), local-pref only on iBGP', () => {
  const ebgp = resolved.neighbors[0]!;
  const ibgp = resolved.neighbors[4]!;
  assert.equal(exabgpRouteText(resolved.originate[0]!, 65001, ebgp),
    '192.0.2.0/24 next-hop self origin egp as-path [ 65001 65001 65001 ] med 50 community [ 65001:100 ] large-community [ 65001:1:2 ]');
  assert.equal(exabgpRouteText({ prefix: '192.0.2.0/24', localPref: 300, asPath: [64999] }, 65001, ibgp),
    '192.0.2.0/24 next-hop self origin igp as-path [ 64999 ] local-preference 300');
});

test('environment and API bridge', () => {
  const env = exabgpEnv(resolved);
  assert.equal(env['exabgp.daemon.user'], 'root');
  assert.equal(env['exabgp.daemon.daemonize'], 'false');
  assert.equal(env['exabgp.tcp.bind'], '10.0.2.1', 'listens only for the passive session');
  const sh = exabgpApiScript('/d/ev.jsonl', '/d/api.fifo');
  assert.match(sh, /cat <&3 >> '\/d\/ev\.jsonl' &/);
  assert.match(sh, /exec cat 0<> '\/d\/api\.fifo'/);
});

test('replay of captured events: states, announcements with attributes, withdrawals, acks ignored', () => {
  const v = replayExabgpEvents(sample('exabgp-received.jsonl'));
  assert.equal(v.neighbors.get('10.0.3.1')!.state, 'established');
  assert.equal(v.neighbors.get('fd03::1')!.state, 'established');
  const keys = [...v.routes.keys()];
  assert.ok(!keys.includes('10.0.3.1 198.51.100.0/24'), 'withdrawn');
  const r = v.routes.get('10.0.3.1 192.0.2.0/24')!;
  assert.deepEqual(r.asPath, [65001, 65099]);
  assert.deepEqual(r.communities, ['65001:100']);
  assert.deepEqual(r.largeCommunities, ['65001:1:2']);
  assert.equal(r.nextHop, '10.0.3.1');
  assert.equal(v.routes.get('fd03::1 2001:db8:3::/48')!.family, 'ipv6');
  assert.equal(v.neighbors.get('10.0.3.1')!.received, [...v.routes.values()].filter((x) => x.from === '10.0.3.1').length);
});

test('a session going down drops the neighbor\'s routes', () => {
  const down = '{"type":"state","neighbor":{"address":{"local":"10.0.3.2","peer":"10.0.3.1"},"asn":{"peer":65001},"state":"down"}}\n';
  const v = replayExabgpEvents(sample('exabgp-received.jsonl') + down);
  assert.equal(v.neighbors.get('10.0.3.1')!.state, 'idle');
  assert.equal([...v.routes.keys()].filter((k) => k.startsWith('10.0.3.1 ')).length, 0);
  assert.ok([...v.routes.keys()].some((k) => k.startsWith('fd03::1 ')));
});
