// The in-process runtime (no root): the world in one process with this project's speakers — catchment at the
// predicted sites over the data plane, Tokyo's failure moving exactly its clients, the restore bringing them
// back. In a build without the speaker it must refuse with the reason, not fall back to anything else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCatchment } from '../../src/lab/experiments/catchment.js';
import { runFailover } from '../../src/lab/experiments/failover.js';
import { expectedCatchment } from '../../src/lab/predict.js';
import { InprocLab } from '../../src/lab/runtime/inproc/index.js';
import { speakerAvailable } from '../../src/lab/runtime/netns/speakers.js';
import { loadTopology } from '../../src/lab/topology/parse.js';
import { MissingCapabilityError } from '../../src/util/errors.js';
import { WORLD } from './helpers.js';

test('the world in one process: catchment as predicted, failover and restore (or, without the speaker, a clear refusal)', { timeout: 180_000 }, async (t) => {
  const topo = loadTopology(WORLD);
  if (!speakerAvailable()) {
    await assert.rejects(InprocLab.up(topo), (e: unknown) => e instanceof MissingCapabilityError && /speaker/.test((e as Error).message));
    return;
  }
  const { lab, report } = await InprocLab.up(topo);
  t.after(() => lab.down());
  assert.equal(report.speakers, 31);
  const c = await runCatchment(lab);
  assert.equal(c.runtime, 'inproc');
  for (const r of c.rows) {
    const exp = expectedCatchment(lab.model, r.family === 'ipv4' ? '192.0.2.0/24' : '2001:db8:53::/48', c.announcing).find((e) => e.client === r.client)!.sites;
    assert.ok(r.site && exp.includes(r.site), `${r.client} ${r.family}: ${r.site} vs ${exp.join('|')}`);
    assert.equal(r.pathSite, r.site);
  }
  const v4 = new Map(c.rows.filter((r) => r.family === 'ipv4').map((r) => [r.client, r.site]));
  const f = await runFailover(lab, 'tokyo');
  const without = expectedCatchment(lab.model, '192.0.2.0/24', c.announcing.filter((s) => s !== 'tokyo'));
  for (const r of f.rows) {
    assert.equal(r.before, v4.get(r.client));
    if (r.before === 'tokyo') {
      assert.ok(r.after && without.find((e) => e.client === r.client)!.sites.includes(r.after), `${r.client} → ${r.after}`);
      assert.equal(r.back, 'tokyo');
    } else {
      assert.equal(r.moved, false, r.client);
      assert.equal(r.lost, 0, r.client);
    }
  }
});
