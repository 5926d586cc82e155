// A prefix's candidate storage (table.ts Dest): candidates kept in arrival order within a capacity that grows in
// steps, the unused tail empty (so removed attribute sets are not held), capacity given back when a prefix loses
// most of its paths. Checked against a plain list over random sequences of additions and removals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttrStore } from '../../../src/bgp/rib/attr-store.js';
import { Dest, makeMeta } from '../../../src/bgp/rib/table.js';

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
    fc.record({ add: fc.constant(true as const), peer: fc.nat(20), attrs: fc.nat(3) }),
    fc.record({ add: fc.constant(false as const), pick: fc.nat(40) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
    const d = new Dest();
    const model: [number, number][] = [];
    for (const o of ops) {
      if (o.add) {
        d.append(ATTRS[o.attrs]!, makeMeta(o.peer, 0, 0));
        model.push([o.attrs, makeMeta(o.peer, 0, 0)]);
      } else if (model.length > 0) {
        const i = o.pick % model.length;
        d.removeAt(2 * i);
        model.splice(i, 1);
      }
      assert.deepEqual(contents(d), model);
      assert.ok(d.c.length >= d.end && d.c.slice(d.end).every((v) => v === undefined));
      // Never more than 4 unused pairs beyond the step the count needs, plus the step itself.
      assert.ok(d.c.length / 2 - d.size <= 8, `${d.c.length / 2} pairs for ${d.size}`);
    }
  }), { numRuns: 300 });
});
