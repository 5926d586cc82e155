// Pictures of the topology: every node and link in Mermaid and DOT, transit drawn from provider to customer,
// peering dashed; the simulator's inputs (CAIDA relationships, deployment).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { toAsRel, toDot, toMermaid, toSimDeployment } from '../../src/lab/graph.js';
import { buildModel } from '../../src/lab/model.js';
import { parseTopology } from '../../src/lab/topology/parse.js';
import { WORLD } from './helpers.js';

const m = buildModel(parseTopology(readFileSync(WORLD, 'utf8'), WORLD));

test('Mermaid: every node, every link; transit from provider to customer, peering dashed', () => {
  const t = toMermaid(m);
  for (const n of m.nodes) assert.match(t, new RegExp(`\\b${n.name.replace(/-/g, '_')}\\b`));
  const edges = t.split('\n').filter((l) => /-->|---|-\.-/.test(l));
  assert.equal(edges.length, m.links.length);
  assert.ok(t.includes('atl_chi -->|1ms| pn_chi'), 'Atlas (provider) → Prairie Net (customer)');
  assert.ok(t.includes('atl_nyc -.-|1ms| bor_nyc'), 'tier-1 peering dashed');
  assert.ok(t.includes('mer_tyo -->|1ms| tokyo'), 'a site under its provider');
});

test('DOT: one cluster per AS, every link once', () => {
  const d = toDot(m);
  assert.equal((d.match(/subgraph "cluster_/g) ?? []).length, m.topology.ases.length);
  assert.equal((d.match(/ -- /g) ?? []).length, m.links.length);
  assert.match(d, /"atl-nyc" -- "bor-nyc" \[label="1ms", style=dashed/);
});

test('simulator inputs: CAIDA serial-1 relationships and the sites as a deployment', () => {
  const rel = toAsRel(m).split('\n').filter((l) => l && !l.startsWith('#'));
  assert.equal(rel.length, m.topology.relationships.length);
  assert.ok(rel.includes('64600|64700|-1'));
  assert.ok(rel.includes('64600|64620|0'));
  const dep = parseYaml(toSimDeployment(m)) as { sites: Array<{ id: string; origin: number; neighbors: Array<{ asn: number; relationship: string }> }> };
  const tokyo = dep.sites.find((s) => s.id === 'tokyo')!;
  assert.equal(tokyo.origin, 65000);
  assert.deepEqual(tokyo.neighbors, [{ asn: 64610, relationship: 'provider' }]);
});
