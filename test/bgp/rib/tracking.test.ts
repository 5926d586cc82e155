// Changes recorded only for someone (Rib.reportsLoc, Table.track): with no Loc-RIB listener and no neighbor
// exported to, a table lists only the prefixes a flush must still decide or drop; once a neighbor is exported to,
// every change is listed again and reaches it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCEPT_ALL, REJECT_ALL } from '../../../src/bgp/policy/compile.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { Rib } from '../../../src/bgp/rib/rib.js';
import { LOCAL_AS } from './helpers.js';

const key = (p: string) => parsePrefix(p)!.key as number;
const P = [key('203.0.113.0/24'), key('198.51.100.0/24'), key('192.0.2.0/25')];

function setup(sinkExport = false) {
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254' });
  rib.reportsLoc = false;
  const a = rib.addPeer({ name: 'a', address: '192.0.2.1', asn: 64601, importPolicy: ACCEPT_ALL, exportPolicy: REJECT_ALL });
  const b = rib.addPeer({ name: 'b', address: '192.0.2.2', asn: 64602, importPolicy: ACCEPT_ALL, exportPolicy: REJECT_ALL });
  const s = rib.addPeer({ name: 's', address: '192.0.2.3', asn: 64603, importPolicy: ACCEPT_ALL,
    exportPolicy: sinkExport ? ACCEPT_ALL : REJECT_ALL, localAddress: { ipv4: '192.0.2.254' } });
  for (const [p, id] of [[a, '10.0.0.1'], [b, '10.0.0.2'], [s, '10.0.0.3']] as const) rib.peerUp(p, { routerId: id });
  rib.flush();
  return { rib, a, b, s };
}

test('nobody listening: settled changes are not listed, and the Loc-RIB is right', () => {
  const { rib, a, b } = setup();
  assert.equal(rib.ipv4.track, false);
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1' }), P);
  rib.announce(b, 'ipv4', rib.store.intern({ asPath: '64602', nextHop: '192.0.2.2' }), P);
  assert.equal(rib.ipv4.dirty.count, 0);
  rib.flush();
  for (const p of P) assert.equal(rib.lookup('ipv4', p)!.best!.peer.name, 'b');
});

test('nobody listening: a prefix left without routes is still dropped by the flush', () => {
  const { rib, a, b } = setup();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1' }), P);
  rib.announce(b, 'ipv4', rib.store.intern({ asPath: '64602', nextHop: '192.0.2.2' }), [P[0]!]);
  rib.flush();
  rib.withdraw(a, 'ipv4', P);
  // P[1] and P[2] are empty now (listed); at P[0] a route that was not the best went (settled, not listed).
  assert.equal(rib.ipv4.dirty.count, 2);
  rib.flush();
  assert.equal(rib.ipv4.dests.size, 1);
  assert.equal(rib.lookup('ipv4', P[0]!)!.best!.peer.name, 'b');
  assert.equal(rib.lookup('ipv4', P[1]!), null);
});

test('nobody listening: a prefix whose only route was ineligible (no best) is dropped once it goes', () => {
  const { rib, a } = setup();
  // Our own AS in the path: kept, ineligible (RFC 4271 §9.1.2), so the prefix has no best.
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: `64601 ${LOCAL_AS} 64500`, nextHop: '192.0.2.1' }), [P[0]!]);
  rib.flush();
  assert.equal(rib.lookup('ipv4', P[0]!)!.best, null);
  rib.withdraw(a, 'ipv4', [P[0]!]);
  assert.equal(rib.ipv4.dirty.count, 1);
  rib.flush();
  assert.equal(rib.ipv4.dests.size, 0);
});

test('nobody listening: a change only a full decision settles is listed and decided by the flush', () => {
  const { rib, a, b } = setup();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), [P[0]!]);
  rib.announce(b, 'ipv4', rib.store.intern({ asPath: '64602 64500', nextHop: '192.0.2.2' }), [P[0]!]);
  rib.flush();
  const full = rib.fullDecisions;
  // The best is replaced by a worse route: the incremental step cannot tell the new best.
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 64500 64499', nextHop: '192.0.2.1' }), [P[0]!]);
  assert.equal(rib.ipv4.dirty.count, 1);
  rib.flush();
  assert.equal(rib.fullDecisions, full + 1);
  assert.equal(rib.ipv4.dirty.count, 0);
  assert.equal(rib.lookup('ipv4', P[0]!)!.best!.peer.name, 'b');
});

test('a neighbor exported to: every change is listed and sent to it', () => {
  const { rib, a, b } = setup(true);
  assert.equal(rib.ipv4.track, true);
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1' }), P);
  assert.equal(rib.ipv4.dirty.count, P.length);
  let out = rib.flush().out.filter((o) => o.peer.name === 's');
  assert.deepEqual(out.map((o) => o.prefix).sort(), [...P].sort());
  // A better route replaces the best without a full decision: it must still reach the neighbor.
  rib.announce(b, 'ipv4', rib.store.intern({ asPath: '64602', nextHop: '192.0.2.2' }), [P[1]!]);
  out = rib.flush().out.filter((o) => o.peer.name === 's');
  assert.deepEqual(out.map((o) => [o.prefix, o.attrs?.asPath.text()]), [[P[1], '65000 64602']]);
});

test('a neighbor starts to be exported to: it gets the whole table, and later changes', () => {
  const { rib, a, b, s } = setup();
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601 64500', nextHop: '192.0.2.1' }), P);
  rib.flush();
  rib.setExportPolicy(s, ACCEPT_ALL);
  assert.equal(rib.ipv4.track, true);
  rib.announce(b, 'ipv4', rib.store.intern({ asPath: '64602', nextHop: '192.0.2.2' }), [P[2]!]);
  const out = rib.flush().out.filter((o) => o.peer.name === 's');
  assert.deepEqual(out.map((o) => o.prefix).sort(), [...P].sort());
  assert.equal([...rib.adjRibOut(s, 'ipv4')].find((r) => r.prefix === P[2])?.attrs.asPath.text(), '65000 64602');
  // Back to exporting nothing: its routes are withdrawn first, then nothing is listed any more.
  rib.setExportPolicy(s, REJECT_ALL);
  assert.equal(rib.ipv4.track, true);
  rib.flush();
  assert.equal(rib.ipv4.track, false);
});

test('a Loc-RIB listener: changes are listed whether or not a neighbor is exported to', () => {
  const { rib, a } = setup();
  rib.reportsLoc = true;
  assert.equal(rib.ipv4.track, true);
  rib.announce(a, 'ipv4', rib.store.intern({ asPath: '64601', nextHop: '192.0.2.1' }), P);
  assert.deepEqual(rib.flush().loc.map((c) => c.prefix).sort(), [...P].sort());
});
