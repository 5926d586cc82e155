// The in-process runtime without root: `anycast demo` run as an unprivileged user (nobody, when the tests run as
// root) picks the in-process runtime by itself and runs the default scenario — this project's speakers over
// in-memory transports, forwarding by FIB lookups hop by hop. Its JSON report must show every client answered at
// a site the topology predicts, Tokyo's failure moving exactly Tokyo's clients (to the sites predicted without
// Tokyo) and the restore bringing them back, the attack landing where its sources' catchment is, and the report
// labelled in-process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildModel } from '../../src/lab/model.js';
import { expectedCatchment } from '../../src/lab/predict.js';
import type { DemoReport } from '../../src/lab/demo.js';
import { loadTopology } from '../../src/lab/topology/parse.js';
import { ROOT, WORLD } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

test('anycast demo without root: the default scenario in one process, as predicted', { timeout: 240_000 }, () => {
  const asRoot = process.getuid?.() === 0;
  // As root, drop to nobody with no capabilities: the point is that nothing here needs privileges.
  const cmd = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath] : [process.execPath];
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), CLI, 'demo', '--json'], {
    encoding: 'utf8', timeout: 230_000, cwd: ROOT, env: { ...process.env, ANYCAST_STATE_DIR: '/nonexistent/anycast-state', HOME: '/nonexistent' },
  });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stderr, /no network namespaces here/);
  const rep = JSON.parse(r.stdout) as DemoReport;
  assert.equal(rep.runtime, 'inproc');
  assert.equal(rep.catchment.runtime, 'inproc');
  const m = buildModel(loadTopology(WORLD));

  // Catchment: both families, every client, at a predicted site, over a path that ends there.
  const c = rep.catchment;
  assert.equal(c.rows.length, 2 * m.topology.clients.length);
  for (const r of c.rows) {
    const exp = expectedCatchment(m, r.family === 'ipv4' ? '192.0.2.0/24' : '2001:db8:53::/48', c.announcing).find((e) => e.client === r.client)!.sites;
    assert.ok(r.site && exp.includes(r.site), `${r.client} ${r.family}: ${r.site} vs ${exp.join('|')}`);
    assert.equal(r.pathSite, r.site);
  }
  const v4 = new Map(c.rows.filter((r) => r.family === 'ipv4').map((r) => [r.client, r.site]));
  assert.equal(v4.get('perth'), 'tokyo');

  // Failover of Tokyo: exactly its clients move, to the predicted sites, and come back.
  const f = rep.failover;
  assert.equal(f.site, 'tokyo');
  const without = expectedCatchment(m, '192.0.2.0/24', c.announcing.filter((s) => s !== 'tokyo'));
  const tokyo = f.rows.filter((r) => r.family === 'ipv4' && r.before === 'tokyo');
  assert.ok(tokyo.length >= 5);
  for (const r of f.rows.filter((x) => x.family === 'ipv4')) {
    assert.equal(r.before, v4.get(r.client), r.client);
    if (r.before === 'tokyo') {
      assert.ok(r.after && without.find((e) => e.client === r.client)!.sites.includes(r.after), `${r.client} → ${r.after}`);
      assert.equal(r.back, 'tokyo', `${r.client} back to Tokyo`);
    } else {
      assert.equal(r.moved, false, r.client);
      assert.equal(r.lost, 0, r.client);
    }
  }

  // DDoS: with every site announcing, the attack lands at the site of its sources' catchment.
  assert.ok(rep.ddos);
  const attackSites = new Set(rep.ddos.sources.map((s) => v4.get(s)));
  const p0 = rep.ddos.phases[0]!;
  const hit = p0.sites.filter((s) => s.attackShare > 0).map((s) => s.site);
  assert.deepEqual(hit.sort(), [...attackSites].sort());
  assert.equal(rep.down.errors.length, 0);
});
