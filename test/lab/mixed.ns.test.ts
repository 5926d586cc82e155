// One router of each implementation in one lab (BIRD, FRR, GoBGP, OpenBGPD): it converges to the predicted
// routes and every router forwards real packets (each one is on some client's measured path to a site that
// answered). Our own speaker (`implementation: anycast`) joins the mix where the build has its daemon, and is
// refused up front where it does not.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCatchment } from '../../src/lab/experiments/catchment.js';
import { expectedCatchment } from '../../src/lab/predict.js';
import { NetnsLab } from '../../src/lab/runtime/netns/lab.js';
import { speakerAvailable } from '../../src/lab/runtime/netns/speakers.js';
import { labDir } from '../../src/lab/state.js';
import { loadTopology, parseTopology } from '../../src/lab/topology/parse.js';
import { MissingCapabilityError } from '../../src/util/errors.js';
import { ROOT } from './helpers.js';
import { assertNothingLeft, namespacesWith, skip, useStateDir } from './ns-helpers.js';

const MIXED = join(ROOT, 'examples', 'lab', 'mixed.yaml');

test('bird, frr, gobgp and openbgpd in one lab: converge, answer, forward', { skip, timeout: 300_000 }, async (t) => {
  useStateDir('mixed');
  const topo = loadTopology(MIXED);
  const prefix = `aclm${process.pid}`;
  const name = `acl-mixed-${process.pid}`;
  const { lab, report } = await NetnsLab.up(topo, { keep: false, name, prefix });
  let downDone = false;
  t.after(async () => {
    if (!downDone) await lab.down();
  });
  assert.equal(report.convergence.speakers, 6);
  // Sites run BIRD and the agent, routers the four implementations.
  assert.deepEqual([...new Set(topo.routers.map((r) => r.implementation))].sort(), ['bird', 'frr', 'gobgp', 'openbgpd']);
  const c = await runCatchment(lab);
  const onPath = new Set<string>();
  for (const r of c.rows) {
    const exp = expectedCatchment(lab.model, r.family === 'ipv4' ? '192.0.2.0/24' : '2001:db8:53::/48', c.announcing).find((e) => e.client === r.client)!.sites;
    assert.ok(r.site && exp.includes(r.site), `${r.client} ${r.family}: ${r.site} vs ${exp.join('|')}`);
    assert.equal(r.pathSite, r.site);
    assert.equal(r.httpSite, r.site);
    for (const h of [...r.path, ...r.returnPath]) onPath.add(h);
  }
  for (const router of ['r-bird', 'r-frr', 'r-gobgp', 'r-obgpd']) assert.ok(onPath.has(router), `${router} forwarded packets`);
  const d = await lab.down();
  downDone = true;
  assert.deepEqual(d.errors, []);
  assertNothingLeft(prefix, labDir(name), lab.model.nodes.map((n) => n.name));
});

test('our speaker (implementation: anycast) in the mix: converges with the others and forwards, or, in a build without its daemon, is refused before anything is created', { skip, timeout: 300_000 }, async (t) => {
  useStateDir('anycast');
  // FRR's router becomes ours: BIRD, GoBGP and OpenBGPD around it.
  const topo = parseTopology(readFileSync(MIXED, 'utf8').replace('r-frr: {implementation: frr}', 'r-frr: {implementation: anycast}').replace('prefix: mixed', 'prefix: mixany'), MIXED);
  const prefix = `acla${process.pid}`;
  const name = `acl-any-${process.pid}`;
  if (!speakerAvailable()) {
    await assert.rejects(NetnsLab.up(topo, { keep: false, name, prefix }), (e: unknown) => e instanceof MissingCapabilityError && /anycast speaker/.test((e as Error).message));
    assert.deepEqual(namespacesWith(prefix), []);
    return;
  }
  const { lab } = await NetnsLab.up(topo, { keep: false, name, prefix });
  let downDone = false;
  t.after(async () => {
    if (!downDone) await lab.down();
  });
  const c = await runCatchment(lab);
  const onPath = new Set<string>();
  for (const r of c.rows) {
    const exp = expectedCatchment(lab.model, r.family === 'ipv4' ? '192.0.2.0/24' : '2001:db8:53::/48', c.announcing).find((e) => e.client === r.client)!.sites;
    assert.ok(r.site && exp.includes(r.site), `${r.client} ${r.family}: ${r.site} vs ${exp.join('|')}`);
    assert.equal(r.pathSite, r.site);
    for (const h of [...r.path, ...r.returnPath]) onPath.add(h);
  }
  assert.ok(onPath.has('r-frr'), 'our speaker\'s router forwarded packets');
  const best = await lab.bestRoute('r-frr', '192.0.2.0/24');
  assert.deepEqual(best?.asPath, [64504, 65000]);
  assert.equal(best?.localPref, 200, 'a customer route, ranked by the Gao-Rexford import policy');
  const d = await lab.down();
  downDone = true;
  assert.deepEqual(d.errors, []);
  assertNothingLeft(prefix, labDir(name), lab.model.nodes.map((n) => n.name));
});
