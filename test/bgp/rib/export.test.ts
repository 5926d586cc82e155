// Export (RFC 4271 §9.1.3, §5.1): attribute rules per neighbor kind, route-server clients, confederation eBGP,
// unrecognized transitive attributes, split horizon towards the source, runtime export-policy changes, add-path
// send (RFC 7911), and a missing local address.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCEPT_ALL, compilePolicy } from '../../../src/bgp/policy/compile.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { PeerConfig } from '../../../src/bgp/rib/peer.js';
import { Rib } from '../../../src/bgp/rib/rib.js';
import { LOCAL_AS } from './helpers.js';

const P = parsePrefix('198.51.100.0/24')!.key as number;
const P6 = parsePrefix('2001:db8:100::/48')!.key as string;
const LOCAL = { ipv4: '192.0.2.254', ipv6: '2001:db8::fe', ipv6LinkLocal: 'fe80::fe' };

function setup(extra: Record<string, Partial<PeerConfig>> = {}) {
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254' });
  const mk = (name: string, address: string, asn: number) => {
    const p = rib.addPeer({ name, address, asn, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL, localAddress: LOCAL, ...extra[name] });
    rib.peerUp(p, { routerId: `10.0.0.${address.split('.').pop()}` });
    return p;
  };
  const peers = {
    src: mk('src', '192.0.2.1', 64601),
    ext: mk('ext', '192.0.2.2', 64602),
    int: mk('int', '192.0.2.3', LOCAL_AS),
  };
  rib.flush();
  return { rib, peers };
}

function sent(rib: Rib) {
  return Object.fromEntries(rib.flush().out.map((o) => [o.peer.name, o.attrs]));
}

test('to eBGP: own AS prepended, next hop self, LOCAL_PREF and learned MED removed; to iBGP: kept / defaulted', () => {
  const { rib, peers } = setup();
  rib.announce(peers.src, 'ipv4', rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1', med: 50, communities: ['64601:1'] }), [P]);
  const out = sent(rib);
  assert.deepEqual(Object.keys(out).sort(), ['ext', 'int']);
  const e = out.ext!;
  assert.equal(e.asPath.text(), '65000 64601 64500');
  assert.equal(e.nextHop?.address, '192.0.2.254');
  assert.equal(e.localPref, null);
  assert.equal(e.med, null);
  assert.deepEqual(e.communities?.values, [64601 * 65536 + 1]);
  const i = out.int!;
  assert.equal(i.asPath.text(), '64601 64500');
  assert.equal(i.nextHop?.address, '192.0.2.1');
  assert.equal(i.localPref, 100);
  assert.equal(i.med, 50);
});

test('a MED set by the export policy is sent to eBGP; so is the MED of a route we originate', () => {
  const pol = compilePolicy('med', { terms: [{ set: { med: 7 }, action: 'accept' }] }, new Map());
  const { rib, peers } = setup({ ext: { exportPolicy: pol } });
  rib.announce(peers.src, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1', med: 50 }), [P]);
  assert.equal(sent(rib).ext!.med, 7);
  const { rib: r2 } = setup();
  r2.originate('ipv4', P, { med: 33 });
  const out = sent(r2);
  assert.equal(out.ext!.med, 33);
  assert.equal(out.ext!.asPath.text(), '65000');
  assert.equal(out.ext!.origin, 0);
  assert.equal(out.int!.nextHop?.address, '192.0.2.254'); // originated routes have no next hop: self
  assert.equal(out.int!.asPath.text(), '');
});

test('IPv6: next hop self is the global and the link-local address', () => {
  const { rib, peers } = setup();
  rib.announce(peers.src, 'ipv6', rib.store.intern({ asPath: '64601', nextHop: '2001:db8::1', nextHopLinkLocal: 'fe80::1' }), [P6]);
  const out = sent(rib);
  assert.equal(out.ext!.nextHop?.address, '2001:db8::fe');
  assert.equal(out.ext!.nextHop?.linkLocal, 'fe80::fe');
  assert.equal(out.int!.nextHop?.address, '2001:db8::1');
  assert.equal(out.int!.nextHop?.linkLocal, 'fe80::1');
});

test('next-hop-self towards iBGP, and an explicit next hop from the export policy', () => {
  const nh = compilePolicy('nh', { terms: [{ set: { 'next-hop': '203.0.113.9' }, action: 'accept' }] }, new Map());
  const { rib, peers } = setup({ int: { nextHopSelf: true }, ext: { exportPolicy: nh } });
  rib.announce(peers.src, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P]);
  const out = sent(rib);
  assert.equal(out.int!.nextHop?.address, '192.0.2.254');
  assert.equal(out.ext!.nextHop?.address, '203.0.113.9');
});

test('route-server client: AS path, next hop and MED unchanged', () => {
  const { rib, peers } = setup({ ext: { rsClient: true } });
  rib.announce(peers.src, 'ipv4', rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1', med: 9 }), [P]);
  const e = sent(rib).ext!;
  assert.equal(e.asPath.text(), '64601 64500');
  assert.equal(e.nextHop?.address, '192.0.2.1');
  assert.equal(e.med, 9);
});

test('unrecognized optional transitive attributes are passed on with the Partial bit; non-transitive dropped', () => {
  const { rib, peers } = setup();
  rib.announce(peers.src, 'ipv4', rib.store.intern({
    asPath: '64601', nextHop: '192.0.2.1',
    opaque: [{ code: 99, flags: 0xc0, data: new Uint8Array([1, 2]) }, { code: 98, flags: 0x80, data: new Uint8Array([3]) }],
  }), [P]);
  const e = sent(rib).ext!;
  assert.deepEqual(e.opaque?.items.map((o) => [o.code, o.flags, [...o.data]]), [[99, 0xe0, [1, 2]]]);
});

test('a route is never sent back to the neighbor it came from', () => {
  const { rib, peers } = setup();
  rib.announce(peers.src, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P]);
  assert.equal(sent(rib).src, undefined);
  assert.equal(rib.explainExport(peers.src, 'ipv4', P).blocked, 'source-peer');
});

test('an export policy change recomputes the neighbor\'s Adj-RIB-Out: newly rejected routes are withdrawn', () => {
  const { rib, peers } = setup();
  const Q = parsePrefix('198.51.101.0/24')!.key as number;
  rib.announce(peers.src, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P, Q]);
  rib.flush();
  assert.equal([...rib.adjRibOut(peers.ext, 'ipv4')].length, 2);
  rib.setExportPolicy(peers.ext, compilePolicy('only-p', {
    terms: [{ match: { prefix: '198.51.100.0/24' }, action: 'accept' }], default: 'reject',
  }, new Map()));
  const ch = rib.flush();
  assert.deepEqual(ch.out.map((o) => [o.peer.name, o.prefix, o.attrs === null]), [['ext', Q, true]]);
  assert.deepEqual([...rib.adjRibOut(peers.ext, 'ipv4')].map((r) => r.prefix), [P]);
  assert.equal(rib.explainExport(peers.ext, 'ipv4', Q).blocked, 'policy');
});

test('no next hop of the family for next-hop-self: not sent, with the reason', () => {
  const { rib, peers } = setup({ ext: { localAddress: { ipv4: '192.0.2.254' } } });
  rib.announce(peers.src, 'ipv6', rib.store.intern({ asPath: '64601', nextHop: '2001:db8::1' }), [P6]);
  assert.equal(sent(rib).ext, undefined);
  assert.equal(rib.explainExport(peers.ext, 'ipv6', P6).blocked, 'no-next-hop');
});

test('add-path send "all": every eligible path with its own path id; withdrawals by path id', () => {
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254' });
  const a = rib.addPeer({ name: 'a', address: '192.0.2.1', asn: 64601, importPolicy: ACCEPT_ALL });
  const b = rib.addPeer({ name: 'b', address: '192.0.2.2', asn: 64602, importPolicy: ACCEPT_ALL });
  const r = rib.addPeer({ name: 'r', address: '192.0.2.3', asn: LOCAL_AS, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
  rib.peerUp(a, { routerId: '10.0.0.1' });
  rib.peerUp(b, { routerId: '10.0.0.2' });
  rib.peerUp(r, { routerId: '10.0.0.3', addPathSend: 'all' });
  rib.flush();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1' }), [P]);
  rib.announce(b, 'ipv4', rib.store.intern({ asPath: '64602', nextHop: '192.0.2.2' }), [P]);
  const ch = rib.flush();
  assert.deepEqual(ch.out.map((o) => [o.pathId, o.attrs?.nextHop?.address]).sort(), [[1, '192.0.2.2'], [2, '192.0.2.1']]);
  rib.withdraw(b, 'ipv4', [P]);
  const ch2 = rib.flush();
  assert.deepEqual(ch2.out.map((o) => [o.pathId, o.attrs]), [[1, null]]);
  assert.deepEqual([...rib.adjRibOut(r, 'ipv4')].map((x) => x.pathId), [2]);
  // A change of a non-best path is sent too.
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 64501', nextHop: '192.0.2.1' }), [P]);
  rib.announce(b, 'ipv4', rib.store.intern({ asPath: '64602', nextHop: '192.0.2.2' }), [P]);
  const ch3 = rib.flush();
  assert.deepEqual(ch3.out.map((o) => [o.pathId, o.attrs?.asPath.text()]).sort(), [[1, '64602'], [2, '64601 64501']]);
});

test('add-path send "ecmp": the multipath set', () => {
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254', decision: { multipath: { enabled: true } } });
  const mk = (n: string, addr: string, asn: number) => {
    const p = rib.addPeer({ name: n, address: addr, asn, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
    rib.peerUp(p, { routerId: addr.replace('192.0.2', '10.0.0'), addPathSend: n === 'r' ? 'ecmp' : false });
    return p;
  };
  const a = mk('a', '192.0.2.1', 64601), b = mk('b', '192.0.2.2', 64602), c = mk('c', '192.0.2.4', 64603);
  mk('r', '192.0.2.3', LOCAL_AS);
  rib.flush();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P]);
  rib.announce(b, 'ipv4', rib.store.intern({ asPath: '64602', nextHop: '192.0.2.2' }), [P]);
  rib.announce(c, 'ipv4', rib.store.intern({ asPath: '64603 64500', nextHop: '192.0.2.4' }), [P]);
  const out = rib.flush().out.filter((o) => o.peer.name === 'r');
  assert.deepEqual(out.map((o) => o.attrs?.nextHop?.address).sort(), ['192.0.2.1', '192.0.2.2']);
});

test('resend(): a route refresh request re-sends the whole Adj-RIB-Out', () => {
  const { rib, peers } = setup();
  rib.announce(peers.src, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P]);
  rib.flush();
  rib.resend(peers.ext, 'ipv4');
  const ch = rib.flush();
  assert.deepEqual(ch.out.map((o) => [o.peer.name, o.prefix]), [['ext', P]]);
});

test('one attribute set exported as IPv4 and as IPv6 routes gets each family\'s own next hop (the export cache is per family)', () => {
  const { rib } = setup();
  const attrs = rib.store.intern({ communities: ['65000:1'] });
  rib.originate('ipv6', P6, attrs);
  rib.originate('ipv4', P, attrs);
  const out = rib.flush().out.filter((o) => o.peer.name === 'ext');
  const nh = Object.fromEntries(out.map((o) => [o.afi, o.attrs?.nextHop?.address]));
  assert.deepEqual(nh, { ipv4: '192.0.2.254', ipv6: '2001:db8::fe' });
});
