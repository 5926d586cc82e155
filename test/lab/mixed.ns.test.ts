// One router of each implementation in one lab (this project's speaker, BIRD, FRR, GoBGP, OpenBGPD): it
// converges to the predicted routes and every router forwards real packets (each one is on some client's
// measured path to a site that answered, DNS and HTTP alike); our speaker ranks what it learns by the
// Gao-Rexford policy the lab generated for it; teardown leaves nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCatchment } from '../../src/lab/experiments/catchment.js';
import { expectedCatchment } from '../../src/lab/predict.js';
import { NetnsLab } from '../../src/lab/runtime/netns/lab.js';
import { labDir } from '../../src/lab/state.js';
import { loadTopology } from '../../src/lab/topology/parse.js';
import { ROOT } from './helpers.js';
import { assertNothingLeft, skip, useStateDir } from './ns-helpers.js';

const MIXED = join(ROOT, 'examples', 'lab', 'mixed.yaml');

test('anycast, bird, frr, gobgp and openbgpd in one lab: converge, answer, forward', { skip, timeout: 300_000 }, async (t) => {
  useStateDir('mixed');
  const topo = loadTopology(MIXED);
  const prefix = `aclm${process.pid}`;
  const name = `acl-mixed-${process.pid}`;
  const { lab, report } = await NetnsLab.up(topo, { keep: false, name, prefix });
  let downDone = false;
  t.after(async () => {
    if (!downDone) await lab.down();
  });
  assert.equal(report.convergence.speakers, 7);
  assert.deepEqual([...new Set(topo.routers.map((r) => r.implementation))].sort(), ['anycast', 'bird', 'frr', 'gobgp', 'openbgpd']);
  const c = await runCatchment(lab);
  assert.equal(c.rows.length, 2 * topo.clients.length);
  const onPath = new Set<string>();
  for (const r of c.rows) {
    const exp = expectedCatchment(lab.model, r.family === 'ipv4' ? '192.0.2.0/24' : '2001:db8:53::/48', c.announcing).find((e) => e.client === r.client)!.sites;
    assert.ok(r.site && exp.includes(r.site), `${r.client} ${r.family}: ${r.site} vs ${exp.join('|')}`);
    assert.equal(r.pathSite, r.site);
    assert.equal(r.httpSite, r.site);
    for (const h of [...r.path, ...r.returnPath]) onPath.add(h);
  }
  for (const router of ['r-any', 'r-bird', 'r-frr', 'r-gobgp', 'r-obgpd']) assert.ok(onPath.has(router), `${router} forwarded packets`);
  // Our speaker prefers its customer (OpenBGPD's network) over its provider (BIRD): local-pref 200 on import.
  for (const p of ['192.0.2.0/24', '2001:db8:53::/48']) {
    const best = await lab.bestRoute('r-any', p);
    assert.deepEqual(best?.asPath, [64504, 65000], p);
    assert.equal(best?.localPref, 200, `${p}: a customer route, ranked by the Gao-Rexford import policy`);
  }
  const d = await lab.down();
  downDone = true;
  assert.deepEqual(d.errors, []);
  assertNothingLeft(prefix, labDir(name), lab.model.nodes.map((n) => n.name));
});
