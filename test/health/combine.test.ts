import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTree, evaluateTree, leafNames, type CheckTree } from '../../src/health/combine.js';
import type { Health } from '../../src/health/types.js';

const leaf = (name: string): CheckTree => ({ kind: 'check', name });
const states = (m: Record<string, Health>) => (n: string) => m[n] ?? 'unknown';

test('all: down if any is down, up only if all are up, else unknown', () => {
  const t: CheckTree = { kind: 'all', of: [leaf('a'), leaf('b')] };
  assert.equal(evaluateTree(t, states({ a: 'up', b: 'up' })), 'up');
  assert.equal(evaluateTree(t, states({ a: 'up', b: 'down' })), 'down');
  assert.equal(evaluateTree(t, states({ a: 'up' })), 'unknown');
  assert.equal(evaluateTree(t, states({ a: 'down' })), 'down', 'an unknown member cannot rescue a failed all');
});

test('any: up if any is up, down only if all are down', () => {
  const t: CheckTree = { kind: 'any', of: [leaf('a'), leaf('b')] };
  assert.equal(evaluateTree(t, states({ a: 'down', b: 'up' })), 'up');
  assert.equal(evaluateTree(t, states({ a: 'down', b: 'down' })), 'down');
  assert.equal(evaluateTree(t, states({ a: 'down' })), 'unknown');
  assert.equal(evaluateTree(t, states({ a: 'up' })), 'up');
});

test('at-least-N counts ups, and is down once the unknowns cannot reach N', () => {
  const t: CheckTree = { kind: 'at-least', n: 2, of: [leaf('a'), leaf('b'), leaf('c')] };
  assert.equal(evaluateTree(t, states({ a: 'up', b: 'up', c: 'down' })), 'up');
  assert.equal(evaluateTree(t, states({ a: 'up', b: 'down', c: 'down' })), 'down');
  assert.equal(evaluateTree(t, states({ a: 'up', b: 'down' })), 'unknown');
  assert.equal(evaluateTree(t, states({ a: 'down', b: 'down' })), 'down');
});

test('nested groups and descriptions', () => {
  const t: CheckTree = { kind: 'all', of: [leaf('dns'), { kind: 'any', of: [leaf('h1'), leaf('h2')] }] };
  assert.equal(evaluateTree(t, states({ dns: 'up', h1: 'down', h2: 'up' })), 'up');
  assert.equal(evaluateTree(t, states({ dns: 'up', h1: 'down', h2: 'down' })), 'down');
  assert.deepEqual(leafNames(t), ['dns', 'h1', 'h2']);
  assert.equal(describeTree(t), 'all(dns, any(h1, h2))');
});
