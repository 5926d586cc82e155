// The agent under FakeClock: checks → state machine → reconciliation → backend, with exact timings, and the
// shutdown and reload sequences. Probes are scripted; the backend records every call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/util/errors.js';
import { buildStatus } from '../../src/agent/status.js';
import { renderMetrics } from '../../src/agent/metrics-render.js';
import { formatStatus } from '../../src/agent/status-format.js';
import { agentConfig, fastTiming, loaded, service } from './fixtures.js';
import { Harness } from './harness.js';

// fastTiming: interval 1 s, fast 250 ms, rise 2, fall 2, no jitter. Service: drain 5 s (prepend 2, med 500, GS),
// hold-down 3 s.

test('start: the backend is cleaned first, the service is announced after `rise` checks, then nothing while stable', async () => {
  const h = new Harness(agentConfig([service('dns')]));
  await h.agent.start();
  await h.advance(60_000, 250);
  assert.deepEqual(h.log.slice(0, 3), ['0 start', '250 dns down→up', '250 apply 192.0.2.0/24[-]']);
  assert.equal(h.applies().length, 1, 'no redundant apply while the state is unchanged');
});

test('drain mode: failure → worse path at once, withdrawal exactly drain-time later, within interval x fall + 1 interval', async () => {
  const h = new Harness(agentConfig([service('dns')]));
  await h.agent.start();
  await h.advance(2000, 250);
  h.health.set('dns/probe', false); // at t=2000; probes at 2250? no: up since 250, regular interval 1 s → 1250, 2250
  await h.advance(10_000, 250);
  const a = h.applies();
  assert.deepEqual(a, [
    '250 apply 192.0.2.0/24[-]',
    '2500 apply 192.0.2.0/24[prepend 2, med 500, 65535:0]', // fails at 2250 (pending), 2500 (fast) → down
    '7500 apply (empty)', // drain time 5 s
  ]);
  assert.ok(2500 - 2000 <= 1000 * 2 + 1000, 'detected within interval x fall (+ one interval)');
});

test('withdraw mode and hold-down: re-announced only hold-down after the withdrawal, then stays', async () => {
  const h = new Harness(agentConfig([service('dns', { degrade: { ...service('x').degrade, mode: 'withdraw' } })]));
  await h.agent.start();
  await h.advance(2000, 250);
  h.health.set('dns/probe', false);
  await h.advance(1000, 250); // withdrawn at 2500
  h.health.set('dns/probe', true); // healthy again at 3000: rise needs 3250, 3500 → but hold-down until 5500
  await h.advance(10_000, 250);
  assert.deepEqual(h.applies(), ['250 apply 192.0.2.0/24[-]', '2500 apply (empty)', '5500 apply 192.0.2.0/24[-]']);
  const st = h.agent.services.get('dns')!;
  assert.equal(st.transitions[2]!.reason, 'healthy (checks up: probe), hold-down elapsed');
});

test('no redundant backend calls: changes that do not change the announced set are not sent', async () => {
  // Two services share the prefix (optimistic): one failing changes nothing on the wire.
  const noDamping = { ...service('x').damping, enabled: false };
  const h = new Harness(agentConfig([
    service('dns', { degrade: { ...service('x').degrade, mode: 'withdraw' }, damping: noDamping }),
    service('ntp', { degrade: { ...service('x').degrade, mode: 'withdraw' }, damping: noDamping }),
  ]));
  await h.agent.start();
  await h.advance(2000, 250);
  for (let i = 0; i < 5; i++) {
    h.health.set('dns/probe', false);
    await h.advance(3000, 250);
    h.health.set('dns/probe', true);
    await h.advance(6000, 250);
  }
  assert.equal(h.transitions('dns').length, 11, 'dns went up and down');
  assert.deepEqual(h.applies(), ['250 apply 192.0.2.0/24[-]'], 'but the shared prefix never changed');
  // And consecutive applies always differ.
  const calls = h.backend.applyCalls.map((c) => JSON.stringify([...c.desired]));
  for (let i = 1; i < calls.length; i++) assert.notEqual(calls[i], calls[i - 1]);
});

test('flap damping: a flapping service is suppressed, stops causing updates, and returns after reuse', async () => {
  const h = new Harness(agentConfig([service('dns', {
    degrade: { ...service('x').degrade, mode: 'withdraw' }, holdDownMs: 0,
    damping: { enabled: true, penalty: 1000, halfLifeMs: 20_000, suppress: 2500, reuse: 750, maxSuppressMs: 600_000 },
  })]));
  await h.agent.start();
  let ok = true;
  for (let i = 0; i < 40; i++) { // flip every 1.5 s for 60 s
    await h.advance(1500, 250);
    ok = !ok;
    h.health.set('dns/probe', ok);
  }
  const during = h.applies().length;
  assert.ok(during <= 6, `at most 3 announce/withdraw pairs before suppression, got ${during}`);
  const svc = h.agent.services.get('dns')!;
  assert.ok(svc.fsm.damping.flaps >= 15, 'every failure still counts');
  const s = await buildStatus(h.agent);
  assert.equal(s.services[0]!.damping.suppressed, true);
  assert.ok(s.services[0]!.blockers.some((b) => b.startsWith('suppressed by damping')));
  h.health.set('dns/probe', true);
  // Penalty ≤ ceiling; decays below reuse within max-suppress.
  await h.advance(600_000, 1000);
  assert.equal(svc.fsm.phase, 'up');
  assert.equal(h.applies().length, during + 1, 'announced once more after reuse');
});

test('operator drain and undrain: worse path for drain-time, withdrawal, re-announcement after hold-down', async () => {
  const h = new Harness(agentConfig([service('dns')]));
  await h.agent.start();
  await h.advance(1000, 250);
  h.agent.drain('dns');
  await h.advance(6000, 250);
  h.agent.undrain('dns');
  await h.advance(5000, 250);
  assert.deepEqual(h.applies(), [
    '250 apply 192.0.2.0/24[-]',
    '1000 apply 192.0.2.0/24[prepend 2, med 500, 65535:0]',
    '6000 apply (empty)',
    '9000 apply 192.0.2.0/24[-]', // hold-down 3 s after 6000
  ]);
  assert.throws(() => h.agent.drain('nope'), /no service "nope" \(services: dns\)/);
});

test('maintenance file: its presence drains every service; its removal undrains', async () => {
  const h = new Harness(agentConfig([service('dns'), service('web', { prefixes: ['198.51.100.0/24'], maintenanceFile: '/m/web' })],
    { maintenanceFile: '/m/all', maintenancePollMs: 500 }));
  await h.agent.start();
  await h.advance(1000, 250);
  h.files.add('/m/web');
  await h.advance(1000, 250);
  assert.match(h.applies()[1]!, /^1500 apply 192\.0\.2\.0\/24\[-\] 198\.51\.100\.0\/24\[prepend 2/);
  h.files.delete('/m/web');
  await h.advance(500, 250);
  assert.match(h.applies()[2]!, /^2500 apply 192\.0\.2\.0\/24\[-\] 198\.51\.100\.0\/24\[-\]$/, 'seen by the poll at 2500');
  h.files.add('/m/all');
  await h.advance(6000, 250);
  assert.deepEqual(h.applies().slice(3), [
    '3000 apply 192.0.2.0/24[prepend 2, med 500, 65535:0] 198.51.100.0/24[prepend 2, med 500, 65535:0]',
    '8000 apply (empty)',
  ]);
  const s = await buildStatus(h.agent);
  assert.equal(s.services[0]!.maintenanceFile, '/m/all');
  assert.match(s.services[0]!.transitions.at(-1)!.reason, /maintenance file \/m\/all present/);
});

test('pessimistic covering prefix: withdrawn when any service under it fails, back when all are up', async () => {
  const withdraw = { ...service('x').degrade, mode: 'withdraw' as const };
  const h = new Harness(agentConfig([
    service('dns', { prefixes: ['192.0.2.0/24'], degrade: withdraw, holdDownMs: 0 }),
    service('ntp', { prefixes: ['192.0.2.123/32'], degrade: withdraw, holdDownMs: 0 }),
  ], { prefixes: { '192.0.2.0/24': { coLocation: 'pessimistic' } } }));
  await h.agent.start();
  await h.advance(1000, 250);
  assert.deepEqual(h.applies(), ['250 apply 192.0.2.0/24[-] 192.0.2.123/32[-]']);
  h.health.set('ntp/probe', false);
  await h.advance(2000, 250);
  assert.match(h.applies()[1]!, / apply \(empty\)$/, 'the /24 goes with the failed /32 service');
  h.health.set('ntp/probe', true);
  await h.advance(2000, 250);
  assert.match(h.applies()[2]!, / apply 192\.0\.2\.0\/24\[-\] 192\.0\.2\.123\/32\[-\]$/);
});

test('SIGTERM sequence: drain → withdraw → linger → remove addresses → close, in that order and timing', async () => {
  const h = new Harness(agentConfig([service('dns', { addresses: ['192.0.2.53/32'] })],
    { loopback: { manage: true, interface: 'lo' }, shutdown: { drain: true, drainTimeMs: 2000, lingerMs: 500, timeoutMs: 30_000 } }));
  await h.agent.start();
  await h.advance(1000, 250);
  const done = h.agent.shutdown();
  await h.advance(5000, 250);
  assert.equal(await done, true);
  const tail = h.log.slice(h.log.indexOf('1000 shutdown drain'));
  assert.deepEqual(tail, [
    '1000 shutdown drain',
    '1000 dns up→draining',
    '1000 apply 192.0.2.0/24[prepend 2, med 500, 65535:0]',
    '3000 dns draining→down',
    '3000 apply (empty)',
    '3000 shutdown withdraw',
    '3000 shutdown withdrawn',
    '3000 shutdown linger',
    '3500 shutdown addresses',
    '3500 address remove 192.0.2.53/32',
    '3500 shutdown close',
    '3500 close',
    '3500 shutdown done',
  ]);
  assert.equal(h.log[0], '0 start');
  assert.equal(h.log[1], '0 address add 192.0.2.53/32', 'the address is added after the cleanup, before any announcement');
});

test('SIGTERM: the withdrawal must be confirmed before the addresses go; a second SIGTERM skips the drain', async () => {
  const h = new Harness(agentConfig([service('dns', { addresses: ['192.0.2.53/32'] })],
    { loopback: { manage: true, interface: 'lo' }, shutdown: { drain: true, drainTimeMs: 60_000, lingerMs: 0, timeoutMs: 120_000 } }));
  await h.agent.start();
  await h.advance(1000, 250);
  const done = h.agent.shutdown();
  await h.advance(1000, 250);
  h.backend.hold = true;
  void h.agent.shutdown(); // second signal
  await h.advance(1000, 250);
  assert.ok(h.log.some((l) => l === '2000 apply (empty)'), 'drain cut short by the second signal');
  assert.ok(!h.log.some((l) => l.includes('address remove')), 'address stays until the backend confirms');
  h.backend.release();
  await h.advance(250, 250);
  assert.equal(await done, true);
  assert.ok(h.log.some((l) => l.includes('address remove')));
});

test('SIGTERM with a failing backend: retries until shutdown.timeout, reports failure, still closes', async () => {
  const h = new Harness(agentConfig([service('dns')], { shutdown: { drain: false, drainTimeMs: null, lingerMs: 0, timeoutMs: 5000 } }));
  await h.agent.start();
  await h.advance(1000, 250);
  h.backend.failWith = 'BIRD is gone';
  const done = h.agent.shutdown();
  await h.advance(8000, 250);
  assert.equal(await done, false);
  assert.ok(h.backend.applyCalls.length >= 4, 'retried');
  assert.equal(h.backend.calls.at(-1)!.op, 'close');
  assert.ok(h.logger.records.some((r) => /did not confirm the withdrawal/.test(String(r.msg))));
});

test('reload with a bad file keeps the running configuration and logs file, key and reason', async () => {
  const h = new Harness(agentConfig([service('dns')]));
  await h.agent.start();
  await h.advance(1000, 250);
  const before = h.agent.loaded.hash;
  h.configs.set('agent.yaml', new ConfigError('agent.yaml', 'services.dns.checks[0].port', 'expected an integer 1..65535'));
  const r = h.agent.reloadFromFile();
  assert.equal(r.ok, false);
  assert.equal(r.hash, before);
  assert.equal(h.agent.loaded.hash, before);
  const rec = h.logger.records.find((x) => x.msg === 'reload rejected; keeping the running configuration')!;
  assert.equal(rec.file, 'agent.yaml');
  assert.equal(rec.key, 'services.dns.checks[0].port');
  assert.equal(rec.reason, 'expected an integer 1..65535');
  await h.advance(5000, 250);
  assert.equal(h.applies().length, 1, 'nothing changed on the wire');
  const s = await buildStatus(h.agent);
  assert.equal(s.agent.lastReload!.ok, false);
  assert.match(formatStatus(s), /last reload .* FAILED: agent\.yaml: services\.dns\.checks\[0\]\.port/);
  assert.match(renderMetrics(h.agent, s), /anycast_agent_reloads_total\{result="error"\} 1/);
});

test('reload with a good file applies the change (one update), keeps unchanged checks running, refuses restart-only changes', async () => {
  const cfg = agentConfig([service('dns')]);
  const h = new Harness(cfg);
  await h.agent.start();
  await h.advance(1000, 250);
  const runner = h.agent.services.get('dns')!.runners.get('probe');
  const next = loaded(agentConfig([service('dns', { med: 42 })]));
  h.configs.set('agent.yaml', next);
  const r = h.agent.reloadFromFile();
  assert.equal(r.ok, true);
  assert.equal(h.agent.loaded.hash, next.hash);
  assert.equal(h.agent.services.get('dns')!.runners.get('probe'), runner, 'same check, same runner (state kept)');
  await h.advance(1000, 250);
  assert.deepEqual(h.applies().slice(1), ['1000 apply 192.0.2.0/24[med 42]']);
  assert.equal(h.agent.services.get('dns')!.fsm.phase, 'up', 'no flap on reload');
  // A new check starts unknown and does not withdraw the healthy service.
  h.configs.set('agent.yaml', loaded(agentConfig([service('dns', { med: 42, checks: [...service('x').checks,
    { name: 'extra', spec: { type: 'tcp', host: '127.0.0.1', port: 2 }, timing: fastTiming }],
  require: { kind: 'all', of: [{ kind: 'check', name: 'probe' }, { kind: 'check', name: 'extra' }] } })])));
  assert.equal(h.agent.reloadFromFile().ok, true);
  assert.equal(h.agent.services.get('dns')!.health, 'unknown');
  assert.equal(h.agent.services.get('dns')!.fsm.phase, 'up');
  // Restart-only sections are refused whole.
  h.configs.set('agent.yaml', loaded(agentConfig([service('dns')], { control: { socket: '/elsewhere.sock', listen: null } })));
  const refused = h.agent.reloadFromFile();
  assert.equal(refused.ok, false);
  assert.match(refused.error!, /control changed: this needs a restart/);
});

test('status and metrics report state, check timings, transitions with reasons, damping and announcements', async () => {
  const h = new Harness(agentConfig([service('dns')]));
  await h.agent.start();
  await h.advance(1000, 250);
  h.health.set('dns/probe', false);
  await h.advance(1500, 250);
  const s = await buildStatus(h.agent);
  const d = s.services[0]!;
  assert.equal(d.state, 'draining');
  assert.equal(d.health, 'down');
  assert.equal(d.checks[0]!.last!.detail, 'broken');
  assert.equal(d.checks[0]!.rise, 2);
  assert.deepEqual(d.transitions.map((t) => `${t.from}→${t.to}`), ['down→up', 'up→draining']);
  assert.match(d.transitions[1]!.reason, /checks down: probe: broken/);
  assert.equal(d.damping.flaps, 1);
  assert.ok(d.damping.penalty > 950 && d.damping.penalty < 1000, `penalty ${d.damping.penalty} decays from 1000`);
  assert.equal(s.announced[0]!.degraded, true);
  assert.equal(s.announced[0]!.summary, 'prepend 2, med 500, 65535:0');
  const text = formatStatus(s);
  assert.match(text, /^Service\s+State\s+Since\s+Health\s+Penalty\s+Info$/m);
  assert.match(text, /dns\s+draining\s+\S+\s+down\s+\d+\s+withdrawal in 4s/);
  const m = renderMetrics(h.agent, s);
  assert.match(m, /anycast_agent_service_state\{service="dns",state="draining"\} 1/);
  assert.match(m, /anycast_agent_service_transitions_total\{service="dns",from="up",to="draining"\} 1/);
  assert.match(m, /anycast_agent_check_duration_seconds_count\{service="dns",check="probe",type="tcp"\} \d+/);
  assert.match(m, /anycast_agent_prefix_announced\{prefix="192.0.2.0\/24",degraded="1"\} 1/);
  assert.match(m, /anycast_agent_service_flaps\{service="dns"\} 1/);
  assert.match(m, new RegExp(`anycast_agent_info\\{name="test-site",config_hash="${h.agent.loaded.hash}"`));
});

test('SIGTERM with a backend that never answers: gives up at shutdown.timeout instead of hanging', async () => {
  const h = new Harness(agentConfig([service('dns')], { shutdown: { drain: false, drainTimeMs: null, lingerMs: 0, timeoutMs: 4000 } }));
  await h.agent.start();
  await h.advance(1000, 250);
  h.backend.hold = true;
  let result: boolean | null = null;
  void h.agent.shutdown().then((r) => { result = r; });
  await h.advance(3750, 250);
  assert.equal(result, null, 'still waiting before the deadline');
  await h.advance(500, 250);
  assert.equal(result, false);
  assert.equal(h.backend.calls.at(-1)!.op, 'close');
  assert.equal(h.clock.timerCount, 0, 'no timer left behind');
});
