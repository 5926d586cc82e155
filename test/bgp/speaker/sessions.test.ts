// Session-level behaviour of the speaker between our own speakers (in-memory transport): graceful restart as
// helper and as restarting speaker (forwarding kept in the FIB, R bit, deferral until End-of-RIB, stale routes
// swept), route refresh both ways, max-prefix, RFC 8203 shutdown communication, and reload semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFib } from '../../../src/fib/memory.js';
import { parseSpeakerConfig } from '../../../src/bgp/config/index.js';
import { neighborRefresh, neighborShutdown, routeAdd } from '../../../src/bgp/speaker/ops.js';
import { applyReload } from '../../../src/bgp/speaker/reload.js';
import { Lab, best, waitFor, established } from './harness.js';
import { speakerYaml } from './yaml.js';

const yamlA = (extra = '', nExtra = '') => speakerYaml({ id: '192.0.2.1', as: 65001, addr: '192.0.2.1',
  extra: `networks: [ { prefix: 203.0.113.0/24, communities: ["65001:1"] } ]\n${extra}`,
  neighbors: [{ name: 'b', address: '192.0.2.2', as: 65002, local: '192.0.2.1', extra: `import: accept, export: accept${nExtra}` }] });
const yamlB = (extra = '', nExtra = '') => speakerYaml({ id: '192.0.2.2', as: 65002, addr: '192.0.2.2',
  extra: `networks: [ 198.51.100.0/24 ]\n${extra}`,
  neighbors: [{ name: 'a', address: '192.0.2.1', as: 65001, local: '192.0.2.2', extra: `import: accept, export: accept, passive: true${nExtra}` }] });

test('graceful restart: the helper keeps the restarting speaker\'s routes (and forwarding); the restarted speaker keeps its kernel routes, defers, then sweeps', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const b = await lab.node(yamlB());
  const a = await lab.node(yamlA());
  await waitFor(() => best(b.speaker, '203.0.113.0/24') !== null && a.fib.size === 1 && b.fib.size === 1, 'routes both ways');
  // A stops for a restart: sessions dropped without NOTIFICATION, FIB routes kept.
  await a.speaker.stop({ graceful: true });
  await waitFor(() => !established(b.speaker, 'a'), 'B sees the session go');
  const stale = best(b.speaker, '203.0.113.0/24');
  assert.ok(stale !== null && stale.stale, 'B keeps A\'s route, marked stale');
  assert.equal(b.fib.size, 1, 'and keeps forwarding on it');
  assert.ok(b.log.records.some((r) => r.msg === 'graceful restart: keeping routes as stale' && r.peer === 'a'));

  // The restarted A finds its routes still in the kernel: one B still sends, one it no longer does.
  const fib2 = new MemoryFib();
  await fib2.apply([{ kind: 'replace', prefix: '198.51.100.0/24', nextHops: [{ gateway: '192.0.2.2' }] },
    { kind: 'replace', prefix: '192.0.2.128/25', nextHops: [{ gateway: '192.0.2.2' }] }]);
  const a2 = await lab.node(yamlA(), { fib: fib2 });
  assert.equal(a2.speaker.restarting, true, 'our routes in the FIB at start mean we restarted');
  await waitFor(() => established(a2.speaker, 'b'), 'session back');
  const session = b.speaker.neighbor('a').peer.session!;
  assert.equal(session.peerGracefulRestart?.restarting, true, 'the new OPEN carries the Restart State bit');
  await waitFor(() => a2.log.records.some((r) => r.msg === 'graceful restart: stale FIB routes swept'), 'A swept its stale FIB routes');
  assert.ok(a2.log.records.some((r) => r.msg === 'graceful restart: deferral over, selecting and advertising' && r.why === 'End-of-RIB received from every neighbor'));
  assert.deepEqual((await fib2.list()).map((r) => r.prefix), ['198.51.100.0/24'], 'the route B still sends stays; the other is swept');
  assert.equal(fib2.staleCount(), 0);
  await waitFor(() => best(b.speaker, '203.0.113.0/24')?.stale === false, 'B: the route is fresh again after A\'s End-of-RIB');
  assert.equal(b.fib.size, 1);
});

test('graceful restart helper: a neighbor that does not come back within its restart time loses its routes', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const b = await lab.node(yamlB());
  const a = await lab.node(yamlA('', ', graceful-restart: { restart-time: 1 }'));
  await waitFor(() => best(b.speaker, '203.0.113.0/24') !== null, 'route at B');
  await a.speaker.stop({ graceful: true });
  await waitFor(() => best(b.speaker, '203.0.113.0/24')?.stale === true, 'stale');
  await waitFor(() => best(b.speaker, '203.0.113.0/24') === null, 'flushed after the restart time', 5000);
  // A lookup decides on demand; the FIB follows at the next flush, applied asynchronously.
  await b.speaker.settled();
  assert.equal(b.fib.size, 0);
});

test('route refresh: an import policy change re-evaluates through ROUTE-REFRESH without resetting the session; soft reset out resends', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const policy = (lp: number) => `policies:\n  from-a:\n    terms:\n      - { set: { local-pref: ${lp} }, action: accept }\n`;
  const yb = (lp: number) => speakerYaml({ id: '192.0.2.2', as: 65002, addr: '192.0.2.2', extra: policy(lp),
    neighbors: [{ name: 'a', address: '192.0.2.1', as: 65001, local: '192.0.2.2', extra: 'import: from-a, export: accept, passive: true' }] });
  const b = await lab.node(yb(120));
  const a = await lab.node(yamlA());
  await waitFor(() => best(b.speaker, '203.0.113.0/24')?.attrs.localPref === 120, 'route with local-pref 120');
  const r = applyReload(b.speaker, parseSpeakerConfig(yb(80), 'b.yaml'));
  assert.equal(r.ok, true);
  assert.ok(r.changes.some((c) => /import policy changed, ROUTE-REFRESH sent/.test(c)), r.changes.join('; '));
  await waitFor(() => best(b.speaker, '203.0.113.0/24')?.attrs.localPref === 80, 're-evaluated: local-pref 80');
  const na = a.speaker.neighbor('b');
  assert.equal(na.counters.refreshIn, 1, 'A answered one ROUTE-REFRESH');
  assert.equal(b.speaker.neighbor('a').peer.counters.flaps, 0, 'no session reset');
  assert.equal(b.speaker.neighbor('a').peer.counters.established, 1);
  // Soft reset out from A: B receives everything again (and enhanced route refresh markers around it).
  const before = b.speaker.neighbor('a').peer.counters.prefixesAnnounced;
  const markers = b.speaker.neighbor('a').peer.counters.messagesIn[5]!;
  neighborRefresh(a.speaker, 'b', 'out');
  await waitFor(() => b.speaker.neighbor('a').peer.counters.prefixesAnnounced > before, 'resent');
  await waitFor(() => b.speaker.neighbor('a').peer.counters.messagesIn[5] === markers + 2, 'BoRR and EoRR (RFC 7313) around the resend');
});

test('max-prefix: teardown with Cease 1 when the neighbor sends more than the limit; warn mode only logs', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const b = await lab.node(yamlB('', ', max-prefix: { limit: 2, action: teardown, restart-after: 60 }'));
  const a = await lab.node(yamlA('networks: [ 192.0.2.128/25, 198.51.100.128/25 ]'.replace('networks:', '#')));
  await waitFor(() => best(b.speaker, '203.0.113.0/24') !== null, 'first route');
  routeAdd(a.speaker, { prefix: '203.0.114.0/24' });
  routeAdd(a.speaker, { prefix: '203.0.115.0/24' });
  await waitFor(() => a.speaker.neighbor('b').lastNotification?.direction === 'received', 'NOTIFICATION at A');
  const n = a.speaker.neighbor('b').lastNotification!;
  // RFC 8538: with the N bit on both sides the Cease goes inside a Hard Reset (6/9), so A drops B's routes too.
  assert.deepEqual([n.code, n.subcode], [6, 9]);
  assert.match(n.text, /Hard Reset.*Maximum Number of Prefixes Reached/);
  assert.ok(b.log.records.some((r) => r.msg === 'max-prefix: tearing the session down' && r.peer === 'a'));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(established(b.speaker, 'a'), false, 'stays down for restart-after');
  assert.equal(best(b.speaker, '203.0.113.0/24'), null, 'its routes are gone');

  const lab2 = new Lab();
  t.after(() => lab2.close());
  const b2 = await lab2.node(yamlB('', ', max-prefix: { limit: 1, action: warn }'));
  const a2 = await lab2.node(yamlA());
  routeAdd(a2.speaker, { prefix: '203.0.114.0/24' });
  await waitFor(() => b2.log.records.some((r) => r.msg === 'max-prefix' && r.level === 'warn'), 'warning');
  assert.equal(established(b2.speaker, 'a'), true);
  await waitFor(() => best(b2.speaker, '203.0.114.0/24') !== null, 'routes kept');
});

test('administrative shutdown carries the RFC 8203 communication; the neighbor stays down until enabled', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const b = await lab.node(yamlB());
  const a = await lab.node(yamlA());
  await waitFor(() => established(a.speaker, 'b'), 'session');
  neighborShutdown(a.speaker, 'b', 'maintenance window 42');
  await waitFor(() => b.speaker.neighbor('a').lastNotification !== null, 'NOTIFICATION at B');
  const n = b.speaker.neighbor('a').lastNotification!;
  assert.deepEqual([n.code, n.subcode], [6, 9], 'inside a Hard Reset (RFC 8538)');
  assert.match(n.text, /Administrative Shutdown.*maintenance window 42/);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(established(a.speaker, 'b'), false);
  assert.equal(a.speaker.neighbor('b').peer.status().adminUp, false);
});

test('reload: a new neighbor starts, a removed one gets Cease "peer de-configured", a changed AS resets only that neighbor', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const hub = (ns: string) => `router-id: 192.0.2.10
local-as: 65010
listen: ["192.0.2.10:179"]
networks: [ 203.0.113.0/24 ]
neighbors:
${ns}`;
  const n1 = '  - { name: x, address: 192.0.2.1, remote-as: 65001, local-address: 192.0.2.10, import: accept, export: accept, passive: true }\n';
  const n2 = '  - { name: y, address: 192.0.2.2, remote-as: 65002, local-address: 192.0.2.10, import: accept, export: accept, passive: true }\n';
  const n3 = '  - { name: z, address: 192.0.2.3, remote-as: 65003, local-address: 192.0.2.10, import: accept, export: accept, passive: true }\n';
  const h = await lab.node(hub(n1 + n2));
  const spoke = (i: number, as: number, localAs = 65000 + i) => speakerYaml({ id: `192.0.2.${i}`, as: localAs, addr: `192.0.2.${i}`,
    neighbors: [{ name: 'hub', address: '192.0.2.10', as, local: `192.0.2.${i}`, extra: 'import: accept, export: accept' }] });
  const x = await lab.node(spoke(1, 65010));
  const y = await lab.node(spoke(2, 65010));
  const z = await lab.node(spoke(3, 65010));
  await waitFor(() => established(x.speaker, 'hub') && established(y.speaker, 'hub'), 'x and y up');
  // y removed, z added.
  let r = applyReload(h.speaker, parseSpeakerConfig(hub(n1 + n3), 'hub.yaml'));
  assert.deepEqual(r.changes, ['neighbor y removed (Cease: peer de-configured)', 'neighbor z added']);
  await waitFor(() => y.speaker.neighbor('hub').lastNotification !== null, 'y told');
  assert.match(y.speaker.neighbor('hub').lastNotification!.text, /Peer De-configured/);
  await waitFor(() => established(z.speaker, 'hub') && best(z.speaker, '203.0.113.0/24') !== null, 'z up with routes');
  assert.equal(x.speaker.neighbor('hub').peer.counters.flaps, 0, 'x untouched');
  // x's AS changes: x alone is reset (and now refused: its OPEN says 65001).
  r = applyReload(h.speaker, parseSpeakerConfig(hub(n1.replace('65001', '65009') + n3), 'hub.yaml'));
  assert.deepEqual(r.changes, ['neighbor x reset (remote-as changed)']);
  await waitFor(() => x.speaker.neighbor('hub').peer.counters.flaps === 1, 'x reset');
  assert.equal(z.speaker.neighbor('hub').peer.counters.flaps, 0, 'z untouched');
  // What cannot change at run time is refused whole.
  r = applyReload(h.speaker, parseSpeakerConfig(hub(n1 + n3).replace('65010', '65011'), 'hub.yaml'));
  assert.equal(r.ok, false);
  assert.match(r.error!, /local-as changed: these take effect only after a restart/);
  assert.equal(h.speaker.config.localAs, 65010);
});
