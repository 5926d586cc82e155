// RIB behaviour (RFC 4271 §3.2, §9.1; RFC 7911 add-path; RFC 4724 graceful restart helper; RFC 2918 refresh):
// announce / replace / withdraw and the Loc-RIB and Adj-RIB-Out deltas they produce, coalescing between flushes,
// add-path receive, peers going down (hard and graceful), pre-policy retention and soft reconfiguration,
// next-hop changes, interning identity and freeing.

import { test } from 'node:test';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';
import assert from 'node:assert/strict';
import { ACCEPT_ALL, REJECT_ALL, compilePolicy } from '../../../src/bgp/policy/compile.js';
import { parsePrefix, v4Key, parseIPv4 } from '../../../src/bgp/rib/prefix.js';
import { Rib } from '../../../src/bgp/rib/rib.js';
import { LOCAL_AS, tableResolver } from './helpers.js';

const P = parsePrefix('198.51.100.0/24')!.key as number;
const Q = parsePrefix('198.51.101.0/24')!.key as number;

function twoPeers(extra: { keepPrePolicy?: boolean } = {}) {
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254' });
  const a = rib.addPeer({ name: 'a', address: '192.0.2.1', asn: 64601, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL,
    localAddress: { ipv4: '192.0.2.254' }, ...extra });
  const b = rib.addPeer({ name: 'b', address: '192.0.2.2', asn: 64602, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL,
    localAddress: { ipv4: '192.0.2.254' } });
  rib.peerUp(a, { routerId: '10.0.0.1' });
  rib.peerUp(b, { routerId: '10.0.0.2' });
  rib.flush();
  return { rib, a, b };
}

test('announce, replace and withdraw produce Loc-RIB and Adj-RIB-Out deltas', () => {
  const { rib, a, b } = twoPeers();
  const x1 = rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1' });
  rib.announce(a, 'ipv4', x1, [P]);
  const first = rib.flush();
  assert.equal(first.loc.length, 1);
  const x1in = first.loc[0]!.best!.attrs; // as stored: LOCAL_PREF 100 attached on receipt from eBGP
  assert.equal(x1in.localPref, 100);
  assert.equal(x1in, rib.store.derive(x1, { localPref: 100 }));
  assert.equal(first.loc[0]!.previous, null);
  assert.deepEqual(first.out.map((o) => [o.peer.name, o.attrs?.asPath.text()]), [['b', '65000 64601 64500']]);

  // Same attributes again: nothing to report.
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1' }), [P]);
  let ch = rib.flush();
  assert.deepEqual([ch.loc.length, ch.out.length], [0, 0]);

  // Implicit withdraw: new attributes replace the old path.
  const x2 = rib.store.intern({ asPath: '64601 64501 64500', nextHop: '192.0.2.1' });
  rib.announce(a, 'ipv4', x2, [P]);
  ch = rib.flush();
  assert.equal(ch.loc[0]!.best?.attrs.asPath, x2.asPath);
  assert.equal(ch.loc[0]!.previous?.attrs, x1in);
  assert.equal(rib.lookup('ipv4', P)!.candidates.length, 1);
  assert.equal(ch.out[0]!.attrs?.asPath.text(), '65000 64601 64501 64500');

  rib.withdraw(a, 'ipv4', [P]);
  ch = rib.flush();
  assert.equal(ch.loc[0]!.best, null);
  assert.equal(ch.loc[0]!.previous?.attrs.asPath, x2.asPath);
  assert.deepEqual(ch.out.map((o) => [o.peer.name, o.prefix, o.attrs]), [['b', P, null]]);
  assert.equal(rib.lookup('ipv4', P), null);
  assert.equal(rib.stats().prefixes.ipv4, 0);
  assert.equal(b.stats.advertised, 0);
});

test('changes between flushes are coalesced: announce then withdraw reports nothing', () => {
  const { rib, a } = twoPeers();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P]);
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 1', nextHop: '192.0.2.1' }), [P]);
  rib.withdraw(a, 'ipv4', [P]);
  const ch = rib.flush();
  assert.deepEqual([ch.loc.length, ch.out.length], [0, 0]);
});

test('a second neighbor with a better path takes over; its withdrawal restores the first', () => {
  const { rib, a, b } = twoPeers();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 64500 64499', nextHop: '192.0.2.1' }), [P]);
  rib.flush();
  rib.announce(b, 'ipv4', rib.store.intern({ asPath: '64602 64500', nextHop: '192.0.2.2' }), [P]);
  let ch = rib.flush();
  assert.equal(ch.loc[0]!.best?.peer, b);
  assert.equal(ch.loc[0]!.previous?.peer, a);
  // b's route goes to a; b no longer gets a's route (its own is best): withdrawn from b.
  assert.deepEqual(ch.out.map((o) => [o.peer.name, o.attrs === null]).sort(), [['a', false], ['b', true]]);
  rib.withdraw(b, 'ipv4', [P]);
  ch = rib.flush();
  assert.equal(ch.loc[0]!.best?.peer, a);
});

test('add-path receive: several paths per prefix from one neighbor, withdrawn by path id', () => {
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254' });
  const a = rib.addPeer({ name: 'a', address: '192.0.2.1', asn: LOCAL_AS });
  rib.peerUp(a, { routerId: '10.0.0.1', addPathReceive: true });
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64500 64501', nextHop: '192.0.2.11' }), [P, P], [7, 9]);
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64500', nextHop: '192.0.2.12' }), [P], [8]);
  rib.flush();
  let l = rib.lookup('ipv4', P)!;
  assert.deepEqual(l.candidates.map((c) => c.pathId), [7, 9, 8]);
  assert.equal(l.best?.pathId, 8);
  rib.withdraw(a, 'ipv4', [P], [8]);
  rib.flush();
  l = rib.lookup('ipv4', P)!;
  assert.deepEqual(l.candidates.map((c) => c.pathId), [7, 9]);
  assert.equal(l.best?.pathId, 7);
  assert.deepEqual(rib.heldFrom(a), { ipv4: 2, ipv6: 0 });
});

test('without add-path negotiated, path ids are ignored: the second path replaces the first', () => {
  const { rib, a } = twoPeers();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P], [1]);
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 2', nextHop: '192.0.2.1' }), [P], [2]);
  rib.flush();
  assert.equal(rib.lookup('ipv4', P)!.candidates.length, 1);
});

test('a neighbor going down withdraws its routes everywhere', () => {
  const { rib, a, b } = twoPeers();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P, Q]);
  rib.flush();
  rib.peerDown(a);
  const ch = rib.flush();
  assert.deepEqual(ch.loc.map((l) => l.best), [null, null]);
  assert.deepEqual(ch.out.map((o) => [o.peer.name, o.attrs]), [['b', null], ['b', null]]);
  assert.equal(rib.stats().paths.ipv4, 0);
  assert.equal(a.up, false);
  assert.equal([...rib.adjRibOut(b, 'ipv4')].length, 0);
});

test('a neighbor coming up gets the whole table at the next flush', () => {
  const { rib, a, b } = twoPeers();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P, Q]);
  rib.flush();
  rib.peerDown(b);
  rib.flush();
  rib.peerUp(b, { routerId: '10.0.0.2' });
  const ch = rib.flush();
  assert.deepEqual(ch.out.map((o) => [o.peer.name, o.prefix]).sort(), [['b', P], ['b', Q]]);
});

test('graceful restart helper: routes kept as stale, refreshed ones unmarked, the rest swept', () => {
  const { rib, a, b } = twoPeers();
  const attrs = rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' });
  rib.announce(a, 'ipv4', attrs, [P, Q]);
  rib.flush();
  rib.peerDown(a, { graceful: true });
  let ch = rib.flush();
  assert.deepEqual([ch.loc.length, ch.out.length], [0, 0]); // forwarding and advertisements kept
  assert.equal(rib.lookup('ipv4', P)!.best?.stale, true);
  rib.peerUp(a, { routerId: '10.0.0.1' });
  rib.announce(a, 'ipv4', attrs, [P]);
  ch = rib.flush();
  assert.equal(ch.loc.length, 0);
  assert.equal(rib.lookup('ipv4', P)!.best?.stale, false);
  assert.equal(rib.sweepStale(a), 1);
  ch = rib.flush();
  assert.deepEqual(ch.loc.map((l) => [l.prefix, l.best]), [[Q, null]]);
  assert.deepEqual(ch.out.filter((o) => o.peer === b).map((o) => [o.prefix, o.attrs]), [[Q, null]]);
});

test('pre-policy Adj-RIB-In: kept on request; a new import policy re-evaluates without a refresh', () => {
  const { rib, a } = twoPeers({ keepPrePolicy: true });
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1', communities: ['64601:666'] }), [P]);
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [Q]);
  rib.flush();
  assert.equal([...rib.adjRibIn(a, 'ipv4')].length, 2);
  const drop = compilePolicy('drop-666', {
    terms: [{ match: { community: '64601:666' }, action: 'reject' }], default: 'accept',
  }, new Map());
  assert.deepEqual(rib.setImportPolicy(a, drop), { reevaluated: 2, refreshNeeded: false });
  const ch = rib.flush();
  assert.deepEqual(ch.loc.map((l) => [l.prefix, l.best]), [[P, null]]);
  assert.deepEqual([...rib.adjRibIn(a, 'ipv4')].map((r) => r.prefix), [Q]);
  assert.deepEqual([...rib.adjRibIn(a, 'ipv4', { prePolicy: true })].map((r) => r.prefix).sort(), [P, Q]);
  // Back to accept-all: P comes back from the pre-policy copy.
  rib.setImportPolicy(a, ACCEPT_ALL);
  assert.equal(rib.flush().loc.length, 1);
  rib.withdraw(a, 'ipv4', [P]);
  rib.flush();
  assert.deepEqual([...rib.adjRibIn(a, 'ipv4', { prePolicy: true })].map((r) => r.prefix), [Q]);
});

test('without the pre-policy copy, a new import policy asks for a route refresh', () => {
  const { rib, a } = twoPeers();
  assert.deepEqual(rib.setImportPolicy(a, REJECT_ALL), { reevaluated: 0, refreshNeeded: true });
});

test('next hops changing reachability or cost re-run the decision', () => {
  let costs: Record<string, number> = { '203.0.113.1': 10, '203.0.113.2': 20 };
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254', resolver: { resolve: (nh) => tableResolver(costs).resolve(nh) } });
  const a = rib.addPeer({ name: 'a', address: '192.0.2.1', asn: LOCAL_AS });
  const b = rib.addPeer({ name: 'b', address: '192.0.2.2', asn: LOCAL_AS });
  rib.peerUp(a, { routerId: '10.0.0.1' });
  rib.peerUp(b, { routerId: '10.0.0.2' });
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64500', nextHop: '203.0.113.1' }), [P]);
  rib.announce(b, 'ipv4', rib.store.intern({ asPath: '64500', nextHop: '203.0.113.2' }), [P]);
  assert.equal(rib.flush().loc[0]!.best?.peer, a);
  costs = { '203.0.113.1': 30, '203.0.113.2': 20 };
  rib.nextHopsChanged();
  assert.equal(rib.flush().loc[0]!.best?.peer, b);
  rib.nextHopsChanged(tableResolver({}, ['203.0.113.1', '203.0.113.2']));
  const ch = rib.flush();
  assert.equal(ch.loc[0]!.best, null);
  assert.equal(rib.explain('ipv4', P)!.candidates.every((c) => !c.eligible), true);
});

test('originate / unoriginate', () => {
  const { rib, b } = twoPeers();
  rib.originate('ipv4', P, { communities: ['65000:1'] });
  let ch = rib.flush();
  assert.equal(ch.loc[0]!.best?.peer.kind, 'local');
  assert.equal(ch.out.filter((o) => o.peer === b)[0]!.attrs?.asPath.text(), '65000');
  assert.equal(rib.unoriginate('ipv4', P), true);
  assert.equal(rib.unoriginate('ipv4', P), false);
  ch = rib.flush();
  assert.equal(ch.loc[0]!.best, null);
});

test('interning: equal inputs give one object; withdrawn sets are freed at flush', () => {
  const { rib, a } = twoPeers();
  const x = rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1', communities: ['64601:2', '64601:1'] });
  const y = rib.store.intern({ asPath: [{ type: 'sequence', asns: [64601, 64500] }], nextHop: '192.0.2.1', communities: [64601 * 65536 + 1, 64601 * 65536 + 2, 64601 * 65536 + 1] });
  assert.equal(x, y);
  rib.announce(a, 'ipv4', x, [P, Q]);
  rib.flush();
  const s1 = rib.store.stats();
  assert.equal(s1.attrs, 2); // received, and the one exported to b
  rib.withdraw(a, 'ipv4', [P]);
  rib.flush();
  assert.equal(rib.store.stats().attrs, 2); // Q still holds both
  rib.withdraw(a, 'ipv4', [Q]);
  rib.flush();
  const s = rib.store.stats();
  assert.deepEqual([s.attrs, s.asPaths, s.communityLists, s.nextHops], [0, 1, 0, 0]); // the permanent empty path
  assert.equal(x.live, false);
  // A freed set passed in again is revived: an equal, live set is stored.
  rib.announce(a, 'ipv4', x, [P]);
  rib.flush();
  const stored = rib.lookup('ipv4', P)!.best!.attrs;
  assert.equal(stored.live, true);
  assert.deepEqual(stored.communities?.values, x.communities?.values);
});

test('an interned set that was never stored is freed at the next flush', () => {
  const { rib } = twoPeers();
  const x = rib.store.intern({ asPath: '64999', nextHop: '192.0.2.9' });
  assert.equal(rib.store.stats().attrs, 1);
  rib.flush();
  assert.equal(rib.store.stats().attrs, 0);
  assert.equal(x.live, false);
});

test('announceBatch / withdrawBatch take the wire codec\'s prefix layout (IPv4 and IPv6)', () => {
  const { rib, a } = twoPeers();
  const attrs = rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' });
  rib.announceBatch(a, 'ipv4', attrs, new PrefixList(1, Uint8Array.from([24, 23]), Uint32Array.from([parseIPv4('198.51.100.7')!, parseIPv4('203.0.113.0')!])));
  const v6 = rib.store.intern({ asPath: '64601', nextHop: '2001:db8::1' });
  rib.announceBatch(a, 'ipv6', v6, new PrefixList(2, Uint8Array.from([48]), Uint32Array.from([0x20010db8, 0x01000000, 0, 0])));
  rib.flush();
  assert.ok(rib.lookup('ipv4', P)); // host bits masked
  assert.ok(rib.lookup('ipv4', v4Key(parseIPv4('203.0.112.0')!, 23)));
  assert.ok(rib.lookup('ipv6', parsePrefix('2001:db8:100::/48')!.key));
  rib.withdrawBatch(a, 'ipv4', new PrefixList(1, Uint8Array.from([24]), Uint32Array.from([parseIPv4('198.51.100.0')!])));
  rib.flush();
  assert.equal(rib.lookup('ipv4', P), null);
  assert.throws(() => rib.announce(a, 'ipv6', attrs, [P]), /does not belong/);
});

test('removePeer forgets the neighbor and withdraws its routes; its index is reused later', () => {
  const { rib, a } = twoPeers();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P]);
  rib.flush();
  rib.removePeer('a');
  const ch = rib.flush();
  assert.equal(ch.loc[0]!.best, null);
  assert.equal(ch.loc[0]!.previous?.peer.name, 'a');
  assert.equal(rib.peer('a'), undefined);
  const c = rib.addPeer({ name: 'c', address: '192.0.2.5', asn: 64605 });
  assert.equal(c.index, a.index);
  assert.throws(() => rib.withdraw(a, 'ipv4', [P]), /unknown peer/);
});

test('neighbor counters', () => {
  const { rib, a } = twoPeers();
  rib.setImportPolicy(a, compilePolicy('x', { terms: [{ match: { prefix: '198.51.100.0/24' }, action: 'reject' }], default: 'accept' }, new Map()));
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P, Q]);
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 65000', nextHop: '192.0.2.1' }), [parsePrefix('192.0.2.0/24')!.key]);
  rib.flush();
  assert.deepEqual({ ...a.stats, advertised: undefined }, { received: 3, accepted: 1, rejected: 1, ineligible: 1, advertised: undefined });
  assert.deepEqual(rib.heldFrom(a), { ipv4: 2, ipv6: 0 });
});

test('groupOutChanges: per neighbor and family, withdrawals and one group per attribute set', async () => {
  const { groupOutChanges } = await import('../../../src/bgp/rib/group.js');
  const { rib, a, b } = twoPeers();
  const R = parsePrefix('198.51.102.0/24')!.key as number;
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P, Q]);
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1' }), [R]);
  let groups = groupOutChanges(rib.flush().out);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.peer, b);
  assert.deepEqual([...groups[0]!.announce.entries()].map(([at, ps]) => [at.asPath.text(), ps.map((p) => p.prefix)]),
    [['65000 64601', [P, Q]], ['65000 64601 64500', [R]]]);
  rib.withdraw(a, 'ipv4', [P, R]);
  groups = groupOutChanges(rib.flush().out);
  assert.deepEqual(groups[0]!.withdraw, [{ prefix: P, pathId: 0 }, { prefix: R, pathId: 0 }]);
  assert.equal(groups[0]!.announce.size, 0);
});
