// Property tests (fast-check) of the RIB as a whole:
//  - the winner does not depend on the order candidates arrive in (deterministic MED, the default);
//  - after any sequence of announcements, withdrawals, neighbors going down and flushes, the Loc-RIB equals a
//    from-scratch computation over the surviving routes, and the deltas reported along the way add up to it
//    (Loc-RIB deltas and one neighbor's Adj-RIB-Out deltas);
//  - when everything is withdrawn, every interned attribute set is freed (reference counts are exact);
//  - the best kept up to date change by change (the incremental decision) equals a full decision after every
//    change, whatever the decision options.
// Lookups in the middle of a batch (which decide a changed prefix early) and a neighbor whose export policy flips
// between reject-all (a neighbor the flush does not visit) and accept-all are part of the sequences.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ACCEPT_ALL, REJECT_ALL } from '../../../src/bgp/policy/compile.js';
import { AttrsInput } from '../../../src/bgp/rib/attrs.js';
import { Attrs } from '../../../src/bgp/rib/attrs.js';
import type { DecisionOptions } from '../../../src/bgp/rib/decision/options.js';
import { Rib } from '../../../src/bgp/rib/rib.js';
import { PeerInfo } from '../../../src/bgp/rib/peer.js';
import { v4Key } from '../../../src/bgp/rib/prefix.js';
import { LOCAL_AS, tableResolver } from './helpers.js';

const NEIGHBORS = [
  { name: 'e1', address: '192.0.2.1', asn: 64601, routerId: '10.0.0.5' },
  { name: 'e2', address: '192.0.2.2', asn: 64601, routerId: '10.0.0.4' },
  { name: 'e3', address: '192.0.2.3', asn: 64602, routerId: '10.0.0.3' },
  { name: 'i1', address: '192.0.2.4', asn: LOCAL_AS, routerId: '10.0.0.2' },
  { name: 'i2', address: '2001:db8::5', asn: LOCAL_AS, routerId: '10.0.0.2' },
];
const PREFIXES = [0, 1, 2, 3].map((i) => v4Key(0xc6336400 + i * 256, 24)); // 198.51.100.0/24 .. 198.51.103.0/24
const NEXT_HOPS = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'];
const COSTS = { '203.0.113.1': 10, '203.0.113.2': 10, '203.0.113.3': 20 };
const UNREACHABLE = ['203.0.113.4'];

const randomAttrs: fc.Arbitrary<AttrsInput> = fc.record({
  localPref: fc.option(fc.constantFrom(50, 100, 200), { nil: undefined }),
  asPath: fc.array(fc.constantFrom(64500, 64501, 64502, 64601, 64602), { minLength: 0, maxLength: 3 })
    .map((a) => a.join(' ')),
  origin: fc.constantFrom<'igp' | 'egp' | 'incomplete'>('igp', 'egp', 'incomplete'),
  med: fc.option(fc.constantFrom(0, 10, 20), { nil: undefined }),
  nextHop: fc.constantFrom(...NEXT_HOPS),
  communities: fc.constantFrom([], ['64500:1'], ['no-export']),
});
// Routes that tie up to the IGP cost step half of the time, so multipath sets and deep tie-breaks occur.
const plainAttrs: fc.Arbitrary<AttrsInput> = fc.record({
  asPath: fc.constantFrom('64500', '64501'),
  nextHop: fc.constantFrom('203.0.113.1', '203.0.113.2'),
  communities: fc.constantFrom([], ['64500:1']),
});
const attrsArb = fc.oneof(randomAttrs, plainAttrs);

type Op =
  | { kind: 'announce'; peer: number; prefix: number; attrs: AttrsInput; pathId: number }
  | { kind: 'withdraw'; peer: number; prefix: number; pathId: number }
  | { kind: 'down'; peer: number }
  | { kind: 'lookup'; prefix: number }
  | { kind: 'export'; accept: boolean }
  | { kind: 'flush' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('announce' as const), peer: fc.nat(NEIGHBORS.length - 1), prefix: fc.nat(PREFIXES.length - 1), attrs: attrsArb, pathId: fc.constantFrom(0, 1, 2) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), peer: fc.nat(NEIGHBORS.length - 1), prefix: fc.nat(PREFIXES.length - 1), pathId: fc.constantFrom(0, 1, 2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('down' as const), peer: fc.nat(NEIGHBORS.length - 1) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lookup' as const), prefix: fc.nat(PREFIXES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('export' as const), accept: fc.boolean() }) },
);

interface Built { rib: Rib; peers: PeerInfo[]; observer: PeerInfo; gated: PeerInfo }

function build(opts: { multipath: boolean; addPath: boolean; decision?: Partial<DecisionOptions> }): Built {
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254', resolver: tableResolver(COSTS, UNREACHABLE),
    decision: { ...opts.decision, multipath: { enabled: opts.multipath } } });
  const peers = NEIGHBORS.map((n, i) => {
    const p = rib.addPeer({ ...n, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
    rib.peerUp(p, { routerId: n.routerId, addPathReceive: opts.addPath && i >= 3 });
    return p;
  });
  const observer = rib.addPeer({ name: 'obs', address: '192.0.2.100', asn: 64999, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL,
    localAddress: { ipv4: '192.0.2.254' } });
  rib.peerUp(observer, { routerId: '10.0.0.100' });
  // Exports nothing until its policy is changed to accept-all (and back).
  const gated = rib.addPeer({ name: 'gated', address: '192.0.2.101', asn: 64998, importPolicy: ACCEPT_ALL, exportPolicy: REJECT_ALL,
    localAddress: { ipv4: '192.0.2.254' } });
  rib.peerUp(gated, { routerId: '10.0.0.101' });
  return { rib, peers, observer, gated };
}

/** (peer name, path id, attrs) of best per prefix. */
function snapshot(rib: Rib): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of rib.locRib('ipv4')) {
    out.set(r.prefix as number, r.multipath.map((m) => `${m.peer.name}/${m.pathId}/${m.attrs.asPath.text()}/${m.attrs.med}`).join(' '));
  }
  return out;
}

test('property: the Loc-RIB after any sequence of changes equals a from-scratch computation, and deltas add up', () => {
  fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), fc.boolean(), fc.boolean(), (ops, multipath, addPath) => {
    const a = build({ multipath, addPath });
    const loc = new Map<number, string>();
    const out = new Map<string, Attrs>();
    const gatedOut = new Map<string, Attrs>();
    let gatedAccepts = false;
    const apply = () => {
      const ch = a.rib.flush();
      for (const l of ch.loc) {
        if (l.best === null) loc.delete(l.prefix as number);
        else loc.set(l.prefix as number, l.multipath.map((m) => `${m.peer.name}/${m.pathId}/${m.attrs.asPath.text()}/${m.attrs.med}`).join(' '));
      }
      for (const o of ch.out) {
        if (o.peer === a.gated) {
          if (o.attrs === null) assert.ok(gatedOut.delete(`${o.prefix}/${o.pathId}`), 'withdrawal of something not sent');
          else gatedOut.set(`${o.prefix}/${o.pathId}`, o.attrs);
          continue;
        }
        if (o.peer !== a.observer) continue;
        if (o.attrs === null) { assert.ok(out.delete(`${o.prefix}/${o.pathId}`), 'withdrawal of something not sent'); }
        else out.set(`${o.prefix}/${o.pathId}`, o.attrs);
      }
    };
    // The final state of each (peer, prefix, path id), to replay from scratch.
    const final = new Map<string, { peer: number; prefix: number; pathId: number; attrs: AttrsInput }>();
    for (const op of ops) {
      if (op.kind === 'flush') { apply(); continue; }
      if (op.kind === 'lookup') { a.rib.lookup('ipv4', PREFIXES[op.prefix]!); continue; }
      if (op.kind === 'export') { gatedAccepts = op.accept; a.rib.setExportPolicy(a.gated, op.accept ? ACCEPT_ALL : REJECT_ALL); continue; }
      if (op.kind === 'down') {
        a.rib.peerDown(a.peers[op.peer]!);
        a.rib.peerUp(a.peers[op.peer]!, { routerId: NEIGHBORS[op.peer]!.routerId, addPathReceive: addPath && op.peer >= 3 });
        for (const k of [...final.keys()]) if (k.startsWith(`${op.peer}/`)) final.delete(k);
        continue;
      }
      const pathId = addPath && op.peer >= 3 ? op.pathId : 0;
      const k = `${op.peer}/${op.prefix}/${pathId}`;
      if (op.kind === 'announce') {
        a.rib.announce(a.peers[op.peer]!, 'ipv4', a.rib.store.intern(op.attrs), [PREFIXES[op.prefix]!], [op.pathId]);
        final.set(k, { peer: op.peer, prefix: op.prefix, pathId, attrs: op.attrs });
      } else {
        a.rib.withdraw(a.peers[op.peer]!, 'ipv4', [PREFIXES[op.prefix]!], [op.pathId]);
        final.delete(k);
      }
    }
    apply();
    const b = build({ multipath, addPath });
    for (const r of final.values()) {
      b.rib.announce(b.peers[r.peer]!, 'ipv4', b.rib.store.intern(r.attrs), [PREFIXES[r.prefix]!], [r.pathId]);
    }
    b.rib.flush();
    assert.deepEqual(snapshot(a.rib), snapshot(b.rib));
    assert.deepEqual(loc, snapshot(a.rib));
    const held = new Map([...a.rib.adjRibOut(a.observer, 'ipv4')].map((r) => [`${r.prefix}/${r.pathId}`, r.attrs]));
    assert.deepEqual(out, held);
    // The gated neighbor was sent exactly what it holds: nothing while it rejects, the same prefixes as the
    // observer (an eBGP neighbor with the same policy) while it accepts.
    const gatedHeld = new Map([...a.rib.adjRibOut(a.gated, 'ipv4')].map((r) => [`${r.prefix}/${r.pathId}`, r.attrs]));
    assert.deepEqual(gatedOut, gatedHeld);
    assert.deepEqual([...gatedHeld.keys()].sort(), gatedAccepts ? [...held.keys()].sort() : []);
  }), { numRuns: 300 });
});

// A prefix's best is kept up to date change by change where the one changed candidate settles it
// (decision/incremental.ts); after every single change it must be what the full decision over the prefix's
// candidates gives (explain runs that from scratch), under every combination of the options that shape it.
test('property: the best kept up to date change by change equals a full decision after every change', () => {
  const decisionArb = fc.record({
    deterministicMed: fc.boolean(), alwaysCompareMed: fc.boolean(), missingMedWorst: fc.boolean(), igpMetric: fc.boolean(),
  });
  // Besides the general operations, routes that tie up to the MED step (one AS, two neighbor ASes, MEDs that
  // differ) on two prefixes, so that the MED step removes routes because of others, which is where a change
  // cannot always be settled from the changed candidate alone.
  const medAttrs: fc.Arbitrary<AttrsInput> = fc.record({
    asPath: fc.constantFrom('64601', '64602', '64601 64500'),
    med: fc.option(fc.constantFrom(0, 10, 20), { nil: undefined }),
    nextHop: fc.constantFrom(...NEXT_HOPS),
  });
  const medOp: fc.Arbitrary<Op> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('announce' as const), peer: fc.nat(NEIGHBORS.length - 1), prefix: fc.nat(1), attrs: medAttrs, pathId: fc.constantFrom(0, 1, 2) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), peer: fc.nat(NEIGHBORS.length - 1), prefix: fc.nat(1), pathId: fc.constantFrom(0, 1, 2) }) },
  );
  let settled = 0, changes = 0;
  fc.assert(fc.property(fc.array(fc.oneof({ weight: 1, arbitrary: opArb }, { weight: 3, arbitrary: medOp }), { maxLength: 60, size: 'medium' }), decisionArb, fc.boolean(), fc.boolean(), (ops, decision, multipath, addPath) => {
    const a = build({ multipath, addPath, decision });
    const check = (op: Op | null) => {
      for (const p of PREFIXES) {
        const got = a.rib.lookup('ipv4', p);
        const want = a.rib.explain('ipv4', p);
        const name = (i: number) => `${want!.candidates[i - 1]!.peer}/${want!.candidates[i - 1]!.pathId}`;
        const bestWant = want === null || want.best === null ? 'none' : name(want.best);
        const bestGot = got === null || got.best === null ? 'none' : `${got.best.peer.name}/${got.best.pathId}`;
        assert.equal(bestGot, bestWant, `after ${JSON.stringify(op)}`);
        if (want !== null && want.best !== null) {
          assert.deepEqual(got!.multipath.map((m) => `${m.peer.name}/${m.pathId}`), want.multipath.map(name));
        }
      }
    };
    for (const op of ops) {
      if (op.kind === 'flush') a.rib.flush();
      else if (op.kind === 'down') {
        a.rib.peerDown(a.peers[op.peer]!);
        a.rib.peerUp(a.peers[op.peer]!, { routerId: NEIGHBORS[op.peer]!.routerId, addPathReceive: addPath && op.peer >= 3 });
      } else if (op.kind === 'announce') {
        a.rib.announce(a.peers[op.peer]!, 'ipv4', a.rib.store.intern(op.attrs), [PREFIXES[op.prefix]!], [op.pathId]);
      } else if (op.kind === 'withdraw') {
        a.rib.withdraw(a.peers[op.peer]!, 'ipv4', [PREFIXES[op.prefix]!], [op.pathId]);
      } else continue;
      check(op);
    }
    settled += a.rib.stats().bestPath.incremental;
    changes += ops.filter((o) => o.kind === 'announce' || o.kind === 'withdraw').length;
  }), { numRuns: 600 });
  // The sequences do exercise the incremental step.
  assert.ok(settled > changes / 4, `only ${settled} of ${changes} changes settled incrementally`);
});

test('property: the winner is independent of the order routes arrive in', () => {
  const entry = fc.record({ peer: fc.nat(NEIGHBORS.length - 1), attrs: attrsArb });
  fc.assert(fc.property(fc.uniqueArray(entry, { selector: (e) => e.peer, minLength: 1, maxLength: NEIGHBORS.length }),
    fc.func(fc.integer()), (entries, key) => {
      const shuffled = entries.map((e, i) => ({ e, k: key(i) })).sort((x, y) => x.k - y.k).map((x) => x.e);
      const winners = [entries, shuffled, [...entries].reverse()].map((order) => {
        const { rib, peers } = build({ multipath: true, addPath: false });
        for (const e of order) rib.announce(peers[e.peer]!, 'ipv4', rib.store.intern(e.attrs), [PREFIXES[0]!]);
        rib.flush();
        return snapshot(rib).get(PREFIXES[0]!) ?? 'none';
      });
      assert.equal(winners[1], winners[0]);
      assert.equal(winners[2], winners[0]);
    }), { numRuns: 300 });
});

test('property: withdrawing everything frees every interned attribute set', () => {
  fc.assert(fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
    const a = build({ multipath: false, addPath: true });
    for (const op of ops) {
      if (op.kind === 'announce') a.rib.announce(a.peers[op.peer]!, 'ipv4', a.rib.store.intern(op.attrs), [PREFIXES[op.prefix]!], [op.pathId]);
      else if (op.kind === 'withdraw') a.rib.withdraw(a.peers[op.peer]!, 'ipv4', [PREFIXES[op.prefix]!], [op.pathId]);
      else if (op.kind === 'flush') a.rib.flush();
    }
    a.rib.flush();
    for (const p of a.peers) a.rib.peerDown(p);
    a.rib.flush();
    const s = a.rib.store.stats();
    assert.deepEqual([s.attrs, s.asPaths, s.communityLists, s.nextHops], [0, 1, 0, 0]);
  }), { numRuns: 200 });
});
