// Combinators over check states: all / any / at-least-N, nestable. Tri-state logic (up, down, unknown) so that a
// group is `down` only when its verdict can no longer become `up` with the unknown members, and `up` only when it
// can no longer become `down`: an unknown member never flips a decided group.
import type { Health } from './types.js';

export type CheckTree =
  | { kind: 'check'; name: string }
  | { kind: 'all'; of: CheckTree[] }
  | { kind: 'any'; of: CheckTree[] }
  | { kind: 'at-least'; n: number; of: CheckTree[] };

export function evaluateTree(tree: CheckTree, stateOf: (name: string) => Health): Health {
  if (tree.kind === 'check') return stateOf(tree.name);
  const states = tree.of.map((t) => evaluateTree(t, stateOf));
  const up = states.filter((s) => s === 'up').length;
  const unknown = states.filter((s) => s === 'unknown').length;
  const need = tree.kind === 'all' ? states.length : tree.kind === 'any' ? 1 : tree.n;
  if (up >= need) return 'up';
  if (up + unknown < need) return 'down';
  return 'unknown';
}

/** The names of the leaf checks of a tree, in order. */
export function leafNames(tree: CheckTree): string[] {
  return tree.kind === 'check' ? [tree.name] : tree.of.flatMap(leafNames);
}

/** A compact rendering of the tree for status output: all(dns, any(http-a, http-b)). */
export function describeTree(tree: CheckTree): string {
  switch (tree.kind) {
    case 'check': return tree.name;
    case 'all': return `all(${tree.of.map(describeTree).join(', ')})`;
    case 'any': return `any(${tree.of.map(describeTree).join(', ')})`;
    case 'at-least': return `at-least-${tree.n}(${tree.of.map(describeTree).join(', ')})`;
  }
}
