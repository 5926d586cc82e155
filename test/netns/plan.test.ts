import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planTopology, routeLine, TopologyError, uniqueNsName, ifName } from '../../src/netns/index.js';

const topo = {
  namespaces: [
    { name: 'acp-1-a', loopbacks: ['192.0.2.1/32', '2001:db8::1/128'], routes: [{ dst: '198.51.100.0/24', via: '10.0.0.2' }] },
    { name: 'acp-1-b', forwarding: false },
  ],
  links: [{ a: { ns: 'acp-1-a', ifname: 'ab', addrs: ['10.0.0.1/24', 'fd00::1/64'] }, b: { ns: 'acp-1-b', ifname: 'ba', addrs: ['10.0.0.2/24'] }, mtu: 1400 }],
};

test('one global batch creates namespaces and veths directly inside them', () => {
  const p = planTopology(topo);
  assert.deepEqual(p.global, [
    'netns add acp-1-a',
    'netns add acp-1-b',
    'link add name ab netns acp-1-a mtu 1400 type veth peer name ba netns acp-1-b mtu 1400',
  ]);
});

test('per-namespace batch: lo up, addresses (IPv6 with nodad), links up, loopbacks, routes', () => {
  const a = planTopology(topo).perNs.get('acp-1-a')!;
  assert.equal(a[0], 'link set lo up');
  assert.ok(a.includes('address add 10.0.0.1/24 dev ab'));
  assert.ok(a.includes('address add fd00::1/64 dev ab nodad'));
  assert.ok(a.includes('link set dev ab up'), 'dev keyword: an interface may be named "up"');
  assert.ok(a.includes('address add 192.0.2.1/32 dev lo'));
  assert.ok(a.includes('address add 2001:db8::1/128 dev lo nodad'));
  assert.ok(a.includes('route replace 198.51.100.0/24 via 10.0.0.2'));
  // addresses come before the routes that need them
  assert.ok(a.indexOf('address add 10.0.0.1/24 dev ab') < a.indexOf('route replace 198.51.100.0/24 via 10.0.0.2'));
});

test('sysctls: forwarding on by default, off when asked; DAD off', () => {
  const s = planTopology(topo).sysctls;
  assert.ok(s.get('acp-1-a')!.includes('net.ipv4.ip_forward=1'));
  assert.ok(s.get('acp-1-a')!.includes('net.ipv6.conf.all.forwarding=1'));
  assert.ok(s.get('acp-1-b')!.includes('net.ipv4.ip_forward=0'));
  assert.ok(s.get('acp-1-b')!.includes('net.ipv6.conf.default.accept_dad=0'));
  assert.ok(s.get('acp-1-b')!.includes('net.ipv6.conf.ba.accept_dad=0'), 'existing veths one by one');
  assert.ok(!s.get('acp-1-b')!.includes('net.ipv6.conf.ab.accept_dad=0'), 'only its own interfaces');
});

test('route lines: IPv6, default, blackhole, metric', () => {
  assert.equal(routeLine({ dst: '2001:db8::/32', via: 'fd00::2' }), 'route replace 2001:db8::/32 via fd00::2');
  assert.equal(routeLine({ dst: 'default', via: 'fd00::2' }), 'route replace ::/0 via fd00::2');
  assert.equal(routeLine({ dst: 'default', via: '10.0.0.2', metric: 10 }), 'route replace default via 10.0.0.2 metric 10');
  assert.equal(routeLine({ dst: '192.0.2.0/24', type: 'blackhole' }), 'route replace blackhole 192.0.2.0/24');
});

test('rejects: unknown namespace, long or duplicate interface, duplicate namespace, bad CIDR', () => {
  const bad = (t: unknown, key: RegExp) =>
    assert.throws(() => planTopology(t as never), (e: unknown) => e instanceof TopologyError && key.test(e.key));
  bad({ namespaces: [{ name: 'x' }], links: [{ a: { ns: 'x', ifname: 'a' }, b: { ns: 'y', ifname: 'b' } }] }, /^links\[0\]\.b\.ns$/);
  bad({ namespaces: [{ name: 'x' }, { name: 'y' }], links: [{ a: { ns: 'x', ifname: 'a234567890123456' }, b: { ns: 'y', ifname: 'b' } }] }, /ifname/);
  bad({ namespaces: [{ name: 'x' }, { name: 'y' }], links: [
    { a: { ns: 'x', ifname: 'a' }, b: { ns: 'y', ifname: 'b' } }, { a: { ns: 'x', ifname: 'a' }, b: { ns: 'y', ifname: 'c' } }] }, /^links\[1\]\.a\.ifname$/);
  bad({ namespaces: [{ name: 'x' }, { name: 'x' }], links: [] }, /^namespaces\[1\]\.name$/);
  bad({ namespaces: [{ name: 'x', loopbacks: ['192.0.2.1'] }], links: [] }, /loopbacks\[0\]/);
  bad({ namespaces: [{ name: 'x', loopbacks: ['192.0.2.1/33'] }], links: [] }, /loopbacks\[0\]/);
  bad({ namespaces: [{ name: 'x', routes: [{ dst: '192.0.2.0/24', via: 'nope' }] }], links: [] }, /routes\[0\]\.via/);
});

test('names: unique per process, interface names limited to 15 characters', () => {
  assert.equal(uniqueNsName('acp', 'r1', 42), 'acp-42-r1');
  assert.equal(ifName('abcdefghijklmno'), 'abcdefghijklmno');
  assert.throws(() => ifName('abcdefghijklmnop'), TopologyError);
});
