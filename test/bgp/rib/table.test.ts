// A prefix's entry (table.ts Dest, one array: header, then candidates): candidates kept in arrival order within a
// capacity that grows in steps (or, at the third candidate, to the number of neighbors that may send the family),
// the unused tail empty (so removed attribute sets are not held), capacity given back when a prefix loses most of
// its paths. Checked against a plain list over random sequences of additions, replacements and removals; and
// through a Table, whose entries (in its map, its list of changed prefixes and its arrival order) follow each new
// array, and which finds a neighbor's next prefix through the arrival order when neighbors send in one order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttrStore } from '../../../src/bgp/rib/attr-store.js';
import {
  type Dest, FIRST, Table, UNDECIDED, attrsAt, bestOf, destAppend, destCapacity, destEnd, destRemoveAt, destReplaceAt,
  destSize, findSlot, isDirty, makeMeta, metaAt, newDest, setDecision,
} from '../../../src/bgp/rib/table.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { announceSpec, ribWith, type Spec } from './helpers.js';
import { ACCEPT_ALL } from '../../../src/bgp/policy/compile.js';

const store = new AttrStore();
const ATTRS = [0, 1, 2, 3].map((i) => store.intern({ asPath: `6451${i}`, nextHop: `192.0.2.${i + 1}` }));

function contents(d: Dest): [number, number][] {
  const out: [number, number][] = [];
  for (let s = FIRST; s < destEnd(d); s += 2) out.push([ATTRS.indexOf(attrsAt(d, s)), metaAt(d, s)]);
  return out;
}

test('Dest: capacity grows 1, 2, 4, 8, 12 candidates and the unused tail is empty', () => {
  let d = newDest();
  const caps: number[] = [];
  for (let i = 0; i < 13; i++) {
    d = destAppend(d, ATTRS[i % 4]!, makeMeta(i, 0, 0));
    caps.push(destCapacity(d));
  }
  assert.deepEqual(caps, [1, 2, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12, 16]);
  assert.equal(destSize(d), 13);
  assert.ok(d.slice(destEnd(d)).every((v) => v === undefined));
  assert.equal(findSlot(d, makeMeta(7, 0, 0)), FIRST + 14);
  assert.equal(findSlot(d, makeMeta(99, 0, 0)), -1);
});

test('Dest: the third candidate sizes the array for every neighbor up (at most 16), the first two do not', () => {
  const sizes = (sources: number, count: number) => {
    let d = newDest();
    const caps: number[] = [];
    for (let i = 0; i < count; i++) { d = destAppend(d, ATTRS[i % 4]!, makeMeta(i, 0, 0), sources); caps.push(destCapacity(d)); }
    return caps;
  };
  assert.deepEqual(sizes(10, 11), [1, 2, 10, 10, 10, 10, 10, 10, 10, 10, 12]);
  assert.deepEqual(sizes(2, 3), [1, 2, 4]);
  assert.deepEqual(sizes(100, 3), [1, 2, 16]);
});

test('Dest: a new entry of any capacity is empty, with no best, and not listed as changed', () => {
  for (let pairs = 0; pairs <= 20; pairs++) {
    const d = newDest(pairs);
    assert.equal(destCapacity(d), pairs);
    assert.deepEqual([destSize(d), bestOf(d), isDirty(d)], [0, -1, false]);
    assert.ok(d.slice(FIRST).every((v) => v === undefined));
  }
});

test('Dest: a replaced candidate moves last in place, without a new array', () => {
  let d = newDest();
  for (let i = 0; i < 3; i++) d = destAppend(d, ATTRS[i]!, makeMeta(i, 0, 0), 10);
  const arr = d;
  destReplaceAt(d, findSlot(d, makeMeta(0, 0, 0)), ATTRS[3]!, makeMeta(0, 0, 0));
  assert.equal(d, arr);
  assert.deepEqual(contents(d), [[1, makeMeta(1, 0, 0)], [2, makeMeta(2, 0, 0)], [3, makeMeta(0, 0, 0)]]);
});

test('Dest: removal keeps the order, clears the freed slots, and gives capacity back', () => {
  let d = newDest();
  for (let i = 0; i < 12; i++) d = destAppend(d, ATTRS[i % 4]!, makeMeta(i, 0, 0));
  d = destRemoveAt(d, findSlot(d, makeMeta(0, 0, 0)));
  assert.deepEqual(contents(d).map(([, m]) => m), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(d[destEnd(d)], undefined);
  for (let i = 1; i < 10; i++) d = destRemoveAt(d, findSlot(d, makeMeta(i, 0, 0)));
  assert.deepEqual(contents(d).map(([, m]) => m), [10, 11]);
  assert.ok(destCapacity(d) <= 8, `capacity ${destCapacity(d)} pairs for 2 candidates`);
  d = destRemoveAt(d, FIRST);
  d = destRemoveAt(d, FIRST);
  assert.equal(destSize(d), 0);
  assert.ok(d.slice(FIRST).every((v) => v === undefined), 'no attribute set held by an empty prefix');
});

test('property: a Dest holds what a plain list would, in the same order', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), peer: fc.nat(20), attrs: fc.nat(3) }),
    fc.record({ kind: fc.constant('remove' as const), pick: fc.nat(40) }),
    fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(40), attrs: fc.nat(3) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 80 }), fc.nat(40), (ops, sources) => {
    let d = newDest();
    const model: [number, number][] = [];
    for (const o of ops) {
      if (o.kind === 'add') {
        d = destAppend(d, ATTRS[o.attrs]!, makeMeta(o.peer, 0, 0), sources);
        model.push([o.attrs, makeMeta(o.peer, 0, 0)]);
      } else if (model.length > 0) {
        const i = o.pick % model.length;
        const [gone] = model.splice(i, 1);
        if (o.kind === 'remove') d = destRemoveAt(d, FIRST + 2 * i);
        else { destReplaceAt(d, FIRST + 2 * i, ATTRS[o.attrs]!, gone![1]); model.push([o.attrs, gone![1]]); }
      }
      assert.deepEqual(contents(d), model);
      assert.equal(destSize(d), model.length);
      assert.ok(d.length >= destEnd(d) && d.slice(destEnd(d)).every((v) => v === undefined));
      // Never more unused pairs than the neighbors up (capped) or 4 beyond the step the count needs.
      assert.ok(destCapacity(d) - destSize(d) <= Math.max(8, Math.min(sources, 16)), `${destCapacity(d)} pairs for ${destSize(d)}`);
    }
  }), { numRuns: 300 });
});

test('the RIB tells each table how many neighbors may send its family; a third candidate gets room for them', () => {
  const specs: Spec[] = [{}, {}, {}, {}, {}, {}];
  const { rib, peers } = ribWith(specs);
  assert.deepEqual([rib.ipv4.sources, rib.ipv6.sources], [6, 6]);
  rib.peerUp(peers[1]!, { routerId: '10.0.0.2', afis: ['ipv4'] }); // negotiated IPv4 only
  assert.deepEqual([rib.ipv4.sources, rib.ipv6.sources], [6, 5]);
  rib.peerDown(peers[1]!); // not up: counted by its configuration (both families)
  assert.deepEqual([rib.ipv4.sources, rib.ipv6.sources], [6, 6]);
  rib.peerUp(peers[1]!, { routerId: '10.0.0.2' });
  const P = parsePrefix('203.0.113.0/24')!.key as number;
  for (const i of [0, 1]) announceSpec(rib, peers, specs, i, P);
  assert.equal(destCapacity(rib.ipv4.get(P)!), 2); // two candidates: two pairs, whatever the neighbors
  announceSpec(rib, peers, specs, 2, P);
  assert.equal(destCapacity(rib.ipv4.get(P)!), 6); // the third: room for the six neighbors
  rib.removePeer(peers[5]!);
  assert.deepEqual([rib.ipv4.sources, rib.ipv6.sources], [5, 5]);
  rib.addPeer({ name: 'v6', address: '2001:db8::9', asn: 64999, afis: ['ipv6'], importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
  assert.deepEqual([rib.ipv4.sources, rib.ipv6.sources], [5, 6]);
});

test('property: a Table follows each entry it replaces (a new capacity) in its map and its list of changed prefixes', () => {
  const decider = {
    decide: (d: Dest) => setDecision(d, destSize(d) > 0 ? FIRST : -1, null),
    admit: () => UNDECIDED,
    neighborBit: () => 0,
    keeps: () => false,
  };
  const op = fc.oneof(
    fc.record({ kind: fc.constant('upsert' as const), key: fc.nat(5), peer: fc.nat(12), attrs: fc.nat(3) }),
    fc.record({ kind: fc.constant('remove' as const), key: fc.nat(5), peer: fc.nat(12) }),
    fc.record({ kind: fc.constant('removePeer' as const), peer: fc.nat(12) }),
    fc.record({ kind: fc.constant('flush' as const) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 120 }), fc.nat(20), (ops, sources) => {
    const st = new AttrStore();
    const attrs = [0, 1, 2, 3].map((i) => st.intern({ asPath: `6452${i}`, nextHop: `192.0.2.${i + 1}` }));
    const t = new Table<number>('ipv4', st, decider);
    t.sources = sources;
    const model = new Map<number, Map<number, number>>(); // key -> peer -> attrs index
    const flush = () => {
      for (let i = 0; i < t.dirty.count; i++) {
        const d = t.dirty.dests[i]!;
        if (bestOf(d) === UNDECIDED) decider.decide(d);
        t.pruneIfEmpty(t.dirty.keys[i]!, d);
      }
      t.dirty.clear();
    };
    for (const o of ops) {
      const key = 2 + ('key' in o ? o.key : 0);
      if (o.kind === 'upsert') {
        t.upsert(key, o.peer, 0, attrs[o.attrs]!, 0);
        if (!model.has(key)) model.set(key, new Map());
        model.get(key)!.set(o.peer, o.attrs);
      } else if (o.kind === 'remove') {
        assert.equal(t.remove(key, o.peer, 0), model.get(key)?.delete(o.peer) ?? false);
      } else if (o.kind === 'removePeer') {
        let n = 0;
        for (const m of model.values()) if (m.delete(o.peer)) n++;
        assert.equal(t.removePeer(o.peer), n);
      } else {
        flush();
        for (const [k, m] of model) if (m.size === 0) model.delete(k);
      }
      // Every listed change is the entry the map holds now, and marked as listed.
      for (let i = 0; i < t.dirty.count; i++) {
        assert.equal(t.dirty.dests[i], t.dests.get(t.dirty.keys[i]!));
        assert.ok(isDirty(t.dirty.dests[i]!));
      }
      for (const [k, d] of t.dests) {
        const listed = t.dirty.keys.slice(0, t.dirty.count).includes(k);
        assert.equal(isDirty(d), listed);
        const got = new Map<number, number>();
        for (let s = FIRST; s < destEnd(d); s += 2) got.set(metaAt(d, s), attrs.indexOf(attrsAt(d, s)));
        assert.deepEqual(got, model.get(k) ?? new Map());
      }
    }
  }), { numRuns: 300 });
});

/** A Table whose decider only picks the first candidate, and a count of its map lookups. */
function countingTable(): { t: Table<number>; lookups: () => number } {
  const decider = {
    decide: (d: Dest) => setDecision(d, destSize(d) > 0 ? FIRST : -1, null),
    admit: () => UNDECIDED,
    neighborBit: () => 0,
    keeps: () => false,
  };
  const t = new Table<number>('ipv4', store, decider);
  let n = 0;
  const get = t.dests.get.bind(t.dests);
  t.dests.get = (k: number) => { n++; return get(k); };
  return { t, lookups: () => n };
}

function flushTable(t: Table<number>): void {
  for (let i = 0; i < t.dirty.count; i++) {
    const d = t.dirty.dests[i]!;
    if (bestOf(d) === UNDECIDED) setDecision(d, destSize(d) > 0 ? FIRST : -1, null);
    t.pruneIfEmpty(t.dirty.keys[i]!, d);
  }
  t.dirty.clear();
}

test('Table: neighbors sending their prefixes in one order find them through the arrival order, not the map', () => {
  const { t, lookups } = countingTable();
  const keys = Array.from({ length: 2000 }, (_, i) => (1 << 24) + ((i * 7919) % (1 << 24)));
  for (const k of keys) t.upsert(k, 1, 0, ATTRS[0]!, 0);
  const first = lookups(); // new prefixes: each looked up once
  assert.equal(first, keys.length);
  for (const peer of [2, 3, 4]) for (const k of keys) t.upsert(k, peer, 0, ATTRS[peer - 1]!, 0);
  assert.equal(lookups() - first, 0, 'the same order: no map lookup');
  // A neighbor that skips prefixes loses its place once per skip, and finds it again through the map.
  const before = lookups();
  for (let i = 0; i < keys.length; i++) if (i % 100 !== 50) t.upsert(keys[i]!, 5, 0, ATTRS[0]!, 0);
  assert.equal(lookups() - before, keys.length / 100);
  // Another order entirely: every prefix through the map, and every route still lands on its prefix.
  const shuffled = keys.map((_, i) => keys[(i * 101) % keys.length]!);
  for (const k of shuffled) t.upsert(k, 6, 0, ATTRS[2]!, 0);
  for (const k of keys) t.remove(k, 3, 0);
  for (const k of keys) {
    const d = t.get(k)!;
    const got = contents(d).map(([a, m]) => [a, m % 65536]);
    const want = [[0, 1], [1, 2], [3, 4]];
    if (keys.indexOf(k) % 100 !== 50) want.push([0, 5]);
    want.push([2, 6]);
    assert.deepEqual(got, want);
  }
});

test('Table: prefixes removed leave gaps in the arrival order, rebuilt once half of it is gaps', () => {
  const { t, lookups } = countingTable();
  const keys = Array.from({ length: 10000 }, (_, i) => (1 << 24) + i * 3);
  for (const peer of [1, 2]) for (const k of keys) t.upsert(k, peer, 0, ATTRS[peer]!, 0);
  flushTable(t);
  assert.equal(t.orderLength, keys.length);
  const gone = keys.filter((_, i) => i % 5 !== 0); // 8000 prefixes
  for (const peer of [1, 2]) for (const k of gone) t.remove(k, peer, 0);
  flushTable(t);
  // Rebuilt at the 5000th gap (with 5000 prefixes in the map); 3000 more gaps after it, up to 4 in a row, which
  // a neighbor's guess steps over.
  assert.equal(t.dests.size, 2000);
  assert.equal(t.orderLength, 5000);
  const kept = keys.filter((_, i) => i % 5 === 0);
  const before = lookups();
  for (const k of kept) t.upsert(k, 3, 0, ATTRS[3]!, 0);
  assert.ok(lookups() - before <= 2, 'the rebuilt order still follows the arrival order');
  for (const k of kept) assert.deepEqual(contents(t.get(k)!).map(([a, m]) => [a, m % 65536]), [[1, 1], [2, 2], [3, 3]]);
  for (const k of gone) assert.equal(t.get(k), undefined);
  // A prefix that comes back goes last in the order, and is found there.
  for (const k of gone.slice(0, 10)) t.upsert(k, 1, 0, ATTRS[0]!, 0);
  assert.equal(t.orderLength, 5010);
  const again = lookups();
  for (const k of gone.slice(0, 10)) t.upsert(k, 2, 0, ATTRS[0]!, 0);
  assert.ok(lookups() - again <= 1);
});
