// The graph builder and the CAIDA parser: CSR lists by relationship, ASN order, duplicates, both serial formats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphFormatError, parseAsRel } from '../../src/sim/caida.js';
import { buildGraph, graphFromLinks, indexOfAsn, linkCount, relationshipOf } from '../../src/sim/graph.js';

test('CSR lists per relationship, indices in ASN order', () => {
  const g = graphFromLinks([[300, 20, -1], [300, 1000, 0], [5, 300, -1]]);
  assert.deepEqual([...g.asn], [5, 20, 300, 1000]);
  const i = indexOfAsn(g, 300);
  assert.equal(relationshipOf(g, i, indexOfAsn(g, 20)), 'customer');
  assert.equal(relationshipOf(g, i, indexOfAsn(g, 1000)), 'peer');
  assert.equal(relationshipOf(g, i, indexOfAsn(g, 5)), 'provider');
  assert.equal(relationshipOf(g, indexOfAsn(g, 20), indexOfAsn(g, 1000)), undefined);
  assert.deepEqual(linkCount(g), { providerCustomer: 2, peer: 1 });
  assert.equal(indexOfAsn(g, 7), -1);
});

test('repeated pairs: the first relationship given wins, and every drop is counted', () => {
  const g = graphFromLinks([[1, 2, -1], [2, 1, 0], [1, 2, -1], [3, 3, 0], [4, 5, 0], [5, 4, 0]]);
  assert.equal(relationshipOf(g, indexOfAsn(g, 1), indexOfAsn(g, 2)), 'customer');
  assert.deepEqual(g.dropped, { selfLoops: 1, duplicates: 3, conflicting: 1 });
  assert.deepEqual(linkCount(g), { providerCustomer: 1, peer: 1 });
});

test('serial-1 and serial-2 parse to the same links; comments, CRLF and relationship 1/2 handled', () => {
  const s1 = '# comment\n1|2|-1\n2|3|0\r\n4|3|1\n5|6|2\n';
  const s2 = '# serial-2\n1|2|-1|bgp\n2|3|0|mlp\n4|3|1|bgp\n5|6|2|bgp';
  const a = parseAsRel(Buffer.from(s1), 'a');
  const b = parseAsRel(Buffer.from(s2), 'b');
  assert.equal(a.stats.format, 'serial-1');
  assert.equal(b.stats.format, 'serial-2');
  assert.equal(a.stats.siblings, 1);
  for (const p of [a, b]) {
    assert.equal(p.edges.count, 4);
    assert.deepEqual([...p.edges.a.subarray(0, 4)], [1, 2, 3, 5]);
    assert.deepEqual([...p.edges.b.subarray(0, 4)], [2, 3, 4, 6]);
    assert.deepEqual([...p.edges.rel.subarray(0, 4)], [-1, 0, -1, 0]);
  }
  const g = buildGraph(a.edges);
  assert.equal(relationshipOf(g, indexOfAsn(g, 3), indexOfAsn(g, 4)), 'customer', '4|3|1 means 4 is a customer of 3');
});

test('malformed lines are reported with file and line', () => {
  for (const [text, re] of [
    ['1|2|-1\n1|x|0\n', /f.txt:2: field 2 is not a number/],
    ['1|2\n', /f.txt:1: expected '\|' after field 2/],
    ['1|2|7\n', /unknown relationship 7/],
    ['1|2|0 junk\n', /trailing characters/],
    ['99999999999|2|0\n', /ASN out of range/],
  ] as const) {
    assert.throws(() => parseAsRel(Buffer.from(text), 'f.txt'), (e: unknown) => e instanceof GraphFormatError && re.test(e.message));
  }
});
