// explain(prefix): candidates in arrival order, ineligibility reasons, per-rule eliminations with the compared
// values, the winner, the deciding rule and the multipath set; and its text form.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatExplanation } from '../../../src/bgp/rib/decision/explain.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { announceSpec, ribWith, Spec } from './helpers.js';

const P = parsePrefix('198.51.100.0/24')!.key as number;

const SPECS: Spec[] = [
  { asPath: '65101 64500 64501', communities: ['65101:7'] },
  { asPath: '65102 64500', origin: 'incomplete' },
  { asPath: '65103 64500', routerId: '10.0.0.9' },
  { asPath: '65104 65000 64500' }, // contains our AS: a loop
];

function build() {
  const { rib, peers } = ribWith(SPECS);
  for (let i = 0; i < SPECS.length; i++) announceSpec(rib, peers, SPECS, i, P);
  rib.flush();
  return { rib, peers };
}

test('explain lists every candidate and what each rule eliminated', () => {
  const { rib } = build();
  const e = rib.explain('ipv4', P)!;
  assert.equal(e.prefix, '198.51.100.0/24');
  assert.deepEqual(e.candidates.map((c) => [c.index, c.peer, c.eligible]), [[1, 'p1', true], [2, 'p2', true], [3, 'p3', true], [4, 'p4', false]]);
  assert.match(e.candidates[3]!.ineligible!, /AS path loop/);
  assert.deepEqual(e.candidates[0]!.attrs.communities, ['65101:7']);
  const step = (name: string) => e.steps.find((s) => s.name === name)!;
  assert.deepEqual(step('as-path-length').eliminated, [{ index: 1, value: 3 }]);
  assert.deepEqual(step('origin').eliminated, [{ index: 2, value: 2 }]);
  assert.deepEqual(step('local-pref').eliminated, []);
  assert.deepEqual(step('origin').survivors.map((s) => s.index), [3]);
  assert.equal(e.best, 3);
  assert.deepEqual(e.decidedBy, { rule: '9.1.2.2(b)', name: 'origin', title: 'lowest origin' });
  assert.deepEqual(e.multipath, [3]);
  assert.equal(e.steps.length, 11);
});

test('explain text names the winner, the deciding rule and the eliminations', () => {
  const { rib } = build();
  const text = formatExplanation(rib.explain('ipv4', P)!);
  const lines = text.split('\n');
  assert.equal(lines[0], '198.51.100.0/24: 4 candidate paths, 3 eligible; best #3 from p3 (192.0.2.3, AS65102) — decided by 9.1.2.2(b) lowest origin');
  assert.ok(lines.some((l) => l.startsWith('*#3  p3 (192.0.2.3) AS65102 ebgp')));
  assert.ok(lines.some((l) => /ineligible: AS path loop/.test(l)));
  assert.ok(lines.some((l) => /^9\.1\.2\.2\(a\)\s+shortest AS path\s+#1 \(3\)/.test(l)));
  assert.ok(lines.some((l) => /^9\.1\.2\.2\(b\)\s+lowest origin\s+#2 \(2\)\s+kept #3 \(0\)/.test(l)));
});

test('explain of an unknown prefix is null; of a single candidate says so', () => {
  const { rib, peers } = ribWith([{ asPath: '65101' }]);
  assert.equal(rib.explain('ipv4', P), null);
  announceSpec(rib, peers, [{ asPath: '65101' }], 0, P);
  const e = rib.explain('ipv4', P)!;
  assert.equal(e.decidedBy, null);
  assert.match(formatExplanation(e).split('\n')[0]!, /the only eligible path$/);
});

test('explain is JSON-serialisable', () => {
  const { rib } = build();
  const e = rib.explain('ipv4', P)!;
  assert.deepEqual(JSON.parse(JSON.stringify(e)).best, 3);
});
