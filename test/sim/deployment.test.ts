// Deployment files: strict checks (file, key, reason), unknown keys rejected, defaults, round trip, and every
// shipped example parses and compiles against the shipped graph.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { compileDeployment } from '../../src/sim/compile.js';
import { deploymentToData, parseDeployment } from '../../src/sim/deployment.js';
import { graphFromLinks } from '../../src/sim/graph.js';
import { defaults, loadGraph } from '../../src/sim/load.js';
import { ConfigError } from '../../src/util/errors.js';

const ok = `name: test
sites:
  - id: ams
    origin: 64500
    country: NL
    neighbors:
      - {asn: 64501, relationship: provider, prepend: 2}
      - 64502
    no-export: true
  - id: nyc
    origin: AS64503
    location: {lat: 40.7, lon: -74}
    prepend: 1
    capacity: 100
`;

test('a valid deployment with defaults filled in', () => {
  const d = parseDeployment(ok, 'd.yaml');
  assert.equal(d.sites.length, 2);
  assert.deepEqual(d.sites[0], { id: 'ams', origin: 64500, country: 'NL', prepend: 0, noExport: true,
    neighbors: [{ asn: 64501, relationship: 'provider', prepend: 2 }, { asn: 64502 }] });
  assert.deepEqual(d.sites[1], { id: 'nyc', origin: 64503, location: { lat: 40.7, lon: -74 }, prepend: 1, noExport: false, capacity: 100 });
  // Round trip through the documented form.
  assert.deepEqual(parseDeployment(stringify(deploymentToData(d)), 'x').sites, d.sites);
});

test('errors name the file, the key and the reason', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['name: x\nsites: []\n', 'sites', /non-empty list/],
    ['name: x\nsite: []\n', 'site', /unknown key/],
    ['sites: [{id: a, origin: 1}]\n', 'name', /required/],
    ['name: x\nsites: [{id: a, origin: 1, colour: red}]\n', 'sites[0].colour', /unknown key/],
    ['name: x\nsites: [{id: a, origin: 0}]\n', 'sites[0].origin', /AS number/],
    ['name: x\nsites: [{id: a, origin: 1, prepend: 31}]\n', 'sites[0].prepend', /0\.\.30/],
    ['name: x\nsites: [{id: a, origin: 1, location: {lat: 91, lon: 0}}]\n', 'sites[0].location.lat', /-90\.\.90/],
    ['name: x\nsites: [{id: a, origin: 1, country: Netherlands}]\n', 'sites[0].country', /two-letter/],
    ['name: x\nsites: [{id: a, origin: 1, neighbors: [{asn: 2, relationship: sibling}]}]\n', 'sites[0].neighbors[0].relationship', /provider, peer or customer/],
    ['name: x\nsites: [{id: a, origin: 1, neighbors: [2, 2]}]\n', 'sites[0].neighbors[1].asn', /listed twice/],
    ['name: x\nsites: [{id: a, origin: 1, neighbors: [1]}]\n', 'sites[0].neighbors[0].asn', /own origin/],
    ['name: x\nsites: [{id: a, origin: 1}, {id: a, origin: 2}]\n', 'sites[1].id', /used twice/],
    ['name: x\nsites: [{id: a, origin: 1, no-export: yes}]\n', 'sites[0].no-export', /true or false/],
    ['name: x\nname: y\nsites: []\n', 'line 2', /unique/],
  ];
  for (const [text, key, reason] of cases) {
    assert.throws(() => parseDeployment(text, 'f.yaml'), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.file, 'f.yaml');
      assert.equal(e.key, key, text);
      assert.match(e.reason, reason);
      return true;
    });
  }
});

test('compile: neighbors must be in the graph; an unlinked neighbor needs its relationship', () => {
  const g = graphFromLinks([[1, 2, -1], [3, 4, 0]]);
  const d = (neighbors: unknown) => parseDeployment(JSON.stringify({ name: 'x', sites: [{ id: 'a', origin: 2, neighbors }] }), 'd.json');
  assert.throws(() => compileDeployment(g, d([9])), /sites\[0\]\.neighbors\[0\]\.asn: AS9 is not in the AS graph/);
  assert.throws(() => compileDeployment(g, d([3])), /sites\[0\]\.neighbors\[0\]\.relationship: AS3 and AS2 are not linked/);
  const c = compileDeployment(g, d([{ asn: 3, relationship: 'peer' }, 1]));
  assert.equal(c.sites[0]!.neighborCount, 2);
});

test('every shipped example parses and compiles against the shipped graph', async () => {
  const { graph } = await loadGraph();
  const files = readdirSync(defaults.examples).filter((f) => /\.(ya?ml|json)$/.test(f));
  assert.ok(files.length >= 3, files.join(' '));
  for (const f of files) {
    const path = join(defaults.examples, f);
    const text = readFileSync(path, 'utf8');
    if (/^(measured|weights|attack)/.test(f)) continue;
    const c = compileDeployment(graph, parseDeployment(text, path));
    assert.ok(c.sites.length > 0, f);
  }
});
