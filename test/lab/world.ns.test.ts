// The default scenario end to end, as root, with real daemons and real packets (what `npm start` shows): the
// world comes up with this project's speaker on every router and the agent's embedded speaker at every site, and
// converges; every client's queries (IPv4 and IPv6, DNS and HTTP) are answered by a site
// the topology predicts from its relationships and path lengths, over the path traceroute measures; Tokyo's
// service is killed and exactly Tokyo's clients move (to the sites predicted without Tokyo) while no other
// client loses a query; the restore brings them back; teardown leaves no namespace, interface or process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostApi } from '../../src/lab/host/control.js';
import type { HostedRouterStatus } from '../../src/lab/host/host.js';
import { test } from 'node:test';
import { runCatchment } from '../../src/lab/experiments/catchment.js';
import { runFailover } from '../../src/lab/experiments/failover.js';
import { expectedCatchment } from '../../src/lab/predict.js';
import { NetnsLab } from '../../src/lab/runtime/netns/lab.js';
import { labDir } from '../../src/lab/state.js';
import { loadTopology } from '../../src/lab/topology/parse.js';
import { WORLD } from './helpers.js';
import { assertNothingLeft, processesMentioning, skip, useStateDir } from './ns-helpers.js';

test('the world: catchment as predicted, failover moves exactly the failed site\'s clients, restore, clean teardown', { skip, timeout: 300_000 }, async (t) => {
  useStateDir('world');
  const topo = loadTopology(WORLD);
  const prefix = `acl${process.pid}`;
  const name = `acl-world-${process.pid}`;
  const { lab, report } = await NetnsLab.up(topo, { keep: false, name, prefix });
  const dir = labDir(name);
  let downDone = false;
  t.after(async () => {
    if (!downDone) await lab.down();
  });
  const m = lab.model;
  assert.equal(report.namespaces, 51);
  assert.equal(report.convergence.speakers, 31);
  assert.ok(report.sessions >= 2 * 90, `sessions ${report.sessions}`);
  // Ours everywhere: every router runs our speaker (in the router host, or a process each), every site the agent with its embedded speaker (no BIRD).
  const cmdlines = processesMentioning(dir).map((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      return [];
    }
  });
  if (lab.state.routers === 'host') {
    // All 24 routers in the lab's one router host process, each running with its sessions up.
    assert.equal(cmdlines.filter((c) => c.some((x) => x.endsWith('lab/host/main.js'))).length, 1, 'one router host');
    const hosted = (await hostApi(join(dir, 'router-host.sock'), 'GET', '/v1/routers')).routers as HostedRouterStatus[];
    assert.equal(hosted.length, 24, 'every router in the host');
    assert.deepEqual(hosted.filter((r) => r.state !== 'running' || r.established !== r.neighbors).map((r) => r.name), []);
  } else {
    assert.equal(cmdlines.filter((c) => c.includes('speaker')).length, 24, 'one anycast speaker per router');
  }
  assert.equal(cmdlines.filter((c) => c.includes('agent')).length, 7, 'one agent per site');
  assert.deepEqual(cmdlines.filter((c) => /(^|\/)bird$/.test(c[0] ?? '')), [], 'no BIRD anywhere');

  // Catchment: answered everywhere, by a predicted site, consistently (DNS, HTTP, measured path).
  const c = await runCatchment(lab);
  assert.equal(c.rows.length, 2 * topo.clients.length);
  for (const r of c.rows) {
    const prefixOf = r.family === 'ipv4' ? '192.0.2.0/24' : '2001:db8:53::/48';
    const exp = expectedCatchment(m, prefixOf, c.announcing).find((e) => e.client === r.client)!.sites;
    assert.ok(r.site !== null, `${r.client} ${r.family} answered`);
    assert.ok(exp.includes(r.site!), `${r.client} ${r.family}: answered by ${r.site}, predicted ${exp.join('|')}`);
    assert.equal(r.httpSite, r.site, `${r.client} ${r.family}: HTTP from the same site`);
    assert.equal(r.pathSite, r.site, `${r.client} ${r.family}: the measured path ends at the answering site`);
    assert.ok(r.modeledRttMs !== null && r.modeledRttMs > 0);
    assert.equal(r.asPath[r.asPath.length - 1], 65000);
  }
  const v4 = new Map(c.rows.filter((r) => r.family === 'ipv4').map((r) => [r.client, r.site]));
  assert.equal(v4.get('perth'), 'tokyo', 'routing is not geography: Perth is served by Tokyo');
  assert.equal(v4.get('lima'), 'newyork');

  // Failover of Tokyo.
  const f = await runFailover(lab, 'tokyo', { families: ['ipv4'] });
  const tokyoClients = [...v4].filter(([, s]) => s === 'tokyo').map(([cl]) => cl).sort();
  assert.ok(tokyoClients.length >= 5);
  assert.deepEqual(f.rows.filter((r) => r.before === 'tokyo').map((r) => r.client).sort(), tokyoClients, 'the clients of Tokyo are the ones the catchment found');
  const without = expectedCatchment(m, '192.0.2.0/24', c.announcing.filter((s) => s !== 'tokyo'));
  for (const r of f.rows) {
    if (r.before === 'tokyo') {
      const exp = without.find((e) => e.client === r.client)!.sites;
      assert.ok(r.after && exp.includes(r.after), `${r.client} moved to ${r.after}, predicted ${exp.join('|')}`);
      assert.ok(r.outageMs !== null && r.outageMs < 10_000, `${r.client} outage ${r.outageMs}`);
      assert.equal(r.back, 'tokyo', `${r.client} back to Tokyo after the restore`);
    } else {
      assert.equal(r.moved, false, `${r.client} did not move`);
      assert.equal(r.after, r.before);
      // No routing change reached them; a probe or two may still go unanswered within its 1 s timeout when the
      // shared machine starves a prober, which is not a move (a blackhole would cost dozens at 10 ms apart).
      assert.ok(r.lost <= 3, `${r.client} lost no query during the failure (${JSON.stringify(r)})`);
      assert.ok(r.lostOnRestore <= 3, `${r.client} lost no query during the restore (${JSON.stringify(r)})`);
    }
  }
  assert.equal(f.summary.moved, tokyoClients.length);
  assert.equal(f.summary.returned, tokyoClients.length);

  // Teardown.
  const d = await lab.down();
  downDone = true;
  assert.deepEqual(d.errors, []);
  assert.equal(d.namespacesDeleted, 51);
  assertNothingLeft(prefix, dir, m.nodes.map((n) => n.name));
});
