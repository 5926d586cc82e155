// A prefix's candidate storage (table.ts Dest): candidates kept in arrival order within a capacity that grows in
// steps (or, at the second candidate, to the number of neighbors up), the unused tail empty (so removed attribute
// sets are not held), capacity given back when a prefix loses most of its paths. Checked against a plain list over
// random sequences of additions, replacements and removals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttrStore } from '../../../src/bgp/rib/attr-store.js';
import { Dest, makeMeta } from '../../../src/bgp/rib/table.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { announceSpec, ribWith, type Spec } from './helpers.js';
import { ACCEPT_ALL } from '../../../src/bgp/policy/compile.js';

const store = new AttrStore();
const ATTRS = [0, 1, 2, 3].map((i) => store.intern({ asPath: `6451${i}`, nextHop: `192.0.2.${i + 1}` }));

function contents(d: Dest): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < d.end; s += 2) out.push([ATTRS.indexOf(d.attrsAt(s)), d.metaAt(s)]);
  return out;
}

test('Dest: capacity grows 1, 2, 4, 8, 12 candidates and the unused tail is empty', () => {
  const d = new Dest();
  const caps: number[] = [];
  for (let i = 0; i < 13; i++) {
    d.append(ATTRS[i % 4]!, makeMeta(i, 0, 0));
    caps.push(d.c.length / 2);
  }
  assert.deepEqual(caps, [1, 2, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12, 16]);
  assert.equal(d.size, 13);
  assert.ok(d.c.slice(d.end).every((v) => v === undefined));
  assert.equal(d.find(makeMeta(7, 0, 0)), 14);
  assert.equal(d.find(makeMeta(99, 0, 0)), -1);
});

test('Dest: the third candidate sizes the array for every neighbor up (at most 16), the first two do not', () => {
  const sizes = (sources: number, count: number) => {
    const d = new Dest();
    const caps: number[] = [];
    for (let i = 0; i < count; i++) { d.append(ATTRS[i % 4]!, makeMeta(i, 0, 0), sources); caps.push(d.c.length / 2); }
    return caps;
  };
  assert.deepEqual(sizes(10, 11), [1, 2, 10, 10, 10, 10, 10, 10, 10, 10, 12]);
  assert.deepEqual(sizes(2, 3), [1, 2, 4]);
  assert.deepEqual(sizes(100, 3), [1, 2, 16]);
});

test('Dest: a replaced candidate moves last in place, without a new array', () => {
  const d = new Dest();
  for (let i = 0; i < 3; i++) d.append(ATTRS[i]!, makeMeta(i, 0, 0), 10);
  const arr = d.c;
  d.replaceAt(d.find(makeMeta(0, 0, 0)), ATTRS[3]!, makeMeta(0, 0, 0));
  assert.equal(d.c, arr);
  assert.deepEqual(contents(d), [[1, makeMeta(1, 0, 0)], [2, makeMeta(2, 0, 0)], [3, makeMeta(0, 0, 0)]]);
});

test('Dest: removal keeps the order, clears the freed slots, and gives capacity back', () => {
  const d = new Dest();
  for (let i = 0; i < 12; i++) d.append(ATTRS[i % 4]!, makeMeta(i, 0, 0));
  d.removeAt(d.find(makeMeta(0, 0, 0)));
  assert.deepEqual(contents(d).map(([, m]) => m), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(d.c[d.end], undefined);
  for (let i = 1; i < 10; i++) d.removeAt(d.find(makeMeta(i, 0, 0)));
  assert.deepEqual(contents(d).map(([, m]) => m), [10, 11]);
  assert.ok(d.c.length <= 2 * 4 + 2 * 4, `capacity ${d.c.length / 2} pairs for 2 candidates`);
  d.removeAt(0);
  d.removeAt(0);
  assert.equal(d.size, 0);
  assert.equal(d.c.length, 0);
});

test('property: a Dest holds what a plain list would, in the same order', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), peer: fc.nat(20), attrs: fc.nat(3) }),
    fc.record({ kind: fc.constant('remove' as const), pick: fc.nat(40) }),
    fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(40), attrs: fc.nat(3) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 80 }), fc.nat(40), (ops, sources) => {
    const d = new Dest();
    const model: [number, number][] = [];
    for (const o of ops) {
      if (o.kind === 'add') {
        d.append(ATTRS[o.attrs]!, makeMeta(o.peer, 0, 0), sources);
        model.push([o.attrs, makeMeta(o.peer, 0, 0)]);
      } else if (model.length > 0) {
        const i = o.pick % model.length;
        const [gone] = model.splice(i, 1);
        if (o.kind === 'remove') d.removeAt(2 * i);
        else { d.replaceAt(2 * i, ATTRS[o.attrs]!, gone![1]); model.push([o.attrs, gone![1]]); }
      }
      assert.deepEqual(contents(d), model);
      assert.ok(d.c.length >= d.end && d.c.slice(d.end).every((v) => v === undefined));
      // Never more unused pairs than the neighbors up (capped) or 4 beyond the step the count needs.
      assert.ok(d.c.length / 2 - d.size <= Math.max(8, Math.min(sources, 16)), `${d.c.length / 2} pairs for ${d.size}`);
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
  assert.equal(rib.ipv4.get(P)!.c.length, 4); // two candidates: two pairs, whatever the neighbors
  announceSpec(rib, peers, specs, 2, P);
  assert.equal(rib.ipv4.get(P)!.c.length, 12); // the third: room for the six neighbors
  rib.removePeer(peers[5]!);
  assert.deepEqual([rib.ipv4.sources, rib.ipv6.sources], [5, 5]);
  rib.addPeer({ name: 'v6', address: '2001:db8::9', asn: 64999, afis: ['ipv6'], importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
  assert.deepEqual([rib.ipv4.sources, rib.ipv6.sources], [5, 6]);
});
