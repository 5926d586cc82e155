// Properties on the real AS graph (the shipped CAIDA 2018-01-01 file) with the shipped K-root deployment:
// every route valley-free and loop-free, the result independent of the input order, every AS with a
// valley-free path gets a catchment, the fast RTT pass equals the detailed one, and the textbook reference
// simulator (bench/sim/reference.ts) reaches the very same state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { referenceSimulate } from '../../bench/sim/reference.js';
import { perAsGeo, perAsRtt } from '../../src/sim/catchment.js';
import { parseAsRel } from '../../src/sim/caida.js';
import { compileDeployment, type Compiled } from '../../src/sim/compile.js';
import { parseDeployment, type Deployment } from '../../src/sim/deployment.js';
import { buildGraph } from '../../src/sim/graph.js';
import { defaults, loadWorld, type World } from '../../src/sim/load.js';
import { propagate } from '../../src/sim/propagate.js';
import { readInput } from '../../src/util/open-input.js';
import { checkRoute, valleyFreeReachable } from './helpers.js';

let w: World;
let d: Deployment;
let c: Compiled;
let text: string;
before(async () => {
  w = await loadWorld();
  const f = join(defaults.examples, 'k-root.yaml');
  d = parseDeployment(readFileSync(f, 'utf8'), f);
  c = compileDeployment(w.graph, d, w);
  text = (await readInput(defaults.graph)).toString('utf8');
});

test('the shipped graph: 60,006 ASes, 117,703 provider-customer and 143,637 peer links', () => {
  assert.equal(w.graph.n, 60006);
  assert.equal(w.graph.cust.length, 117703);
  assert.equal(w.graph.peer.length / 2, 143637);
  assert.equal(w.source.stats.format, 'serial-1');
});

test('every route is valley-free, loop-free and of the recorded length (both modes)', () => {
  for (const mode of ['lowest-asn', 'all'] as const) {
    const r = propagate(w.graph, c.ann, mode);
    let bad = 0;
    let first = '';
    for (let v = 0; v < w.graph.n; v++) {
      const why = checkRoute(w.graph, c, r, v, mode === 'lowest-asn');
      if (why !== '') { bad++; first ||= `AS${w.graph.asn[v]}: ${why}`; }
    }
    assert.equal(bad, 0, first);
    assert.ok(r.reached > 59000, `reached ${r.reached}`);
  }
});

test('the result does not depend on the order of the input lines', () => {
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  // A fixed shuffle, peers turned round.
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  const turned = lines.map((l) => { const f = l.split('|'); return f[2] === '0' && rnd() < 0.5 ? `${f[1]}|${f[0]}|0` : l; });
  const g2 = buildGraph(parseAsRel(Buffer.from(turned.join('\n')), 'shuffled').edges);
  const c2 = compileDeployment(g2, d, w);
  for (const mode of ['lowest-asn', 'all'] as const) {
    const a = propagate(w.graph, c.ann, mode);
    const b = propagate(g2, c2.ann, mode);
    assert.deepEqual(b.site, a.site);
    assert.deepEqual(b.len, a.len);
    assert.deepEqual(b.cls, a.cls);
    assert.equal(b.uncertain, a.uncertain);
  }
});

test('without NO_EXPORT sites, exactly the ASes with a valley-free path to a site get a catchment', () => {
  const global = compileDeployment(w.graph, { ...d, sites: d.sites.filter((x) => !x.noExport) }, w);
  const r = propagate(w.graph, global.ann);
  const reach = valleyFreeReachable(w.graph, global);
  let diff = 0;
  let reached = 0;
  for (let v = 0; v < w.graph.n; v++) {
    if (reach[v]) reached++;
    if ((r.site[v]! >= 0) !== (reach[v] === 1)) diff++;
  }
  assert.equal(diff, 0);
  assert.ok(reached > 59000);
});

test('the table-driven RTT pass equals the detailed one', () => {
  const r = propagate(w.graph, c.ann);
  const a = perAsRtt(w.graph, w.geo, c, r);
  const b = perAsGeo(w.graph, w.geo, c, r).rtt;
  let diff = 0;
  for (let v = 0; v < w.graph.n; v++) {
    if (Number.isNaN(a[v]!) !== Number.isNaN(b[v]!) || Math.abs((a[v]! || 0) - (b[v]! || 0)) > 1e-6) diff++;
  }
  assert.equal(diff, 0);
});

test('the textbook reference simulator reaches the same state on the full graph (lowest-asn)', () => {
  const links = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => {
    const f = l.split('|');
    return [Number(f[0]), Number(f[1]), Number(f[2])] as const;
  });
  const ref = referenceSimulate(links, d.sites, 'lowest-asn');
  const r = propagate(w.graph, c.ann);
  let bad = 0;
  for (let i = 0; i < w.graph.n; i++) {
    const b = ref.best.get(w.graph.asn[i]!);
    if ((r.site[i]! >= 0) !== (b !== undefined)) { bad++; continue; }
    if (b === undefined) continue;
    if (b.site !== r.site[i] || (b.cls === 'origin' ? 0 : b.path.length) !== r.len[i]) bad++;
  }
  assert.equal(bad, 0);
});
