// Every transition of the service state machine, in every degrade mode, with exact timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  initialServiceState, nextWake, step, blockers, type FsmConfig, type ServiceFsmState, type ServiceInputs,
} from '../../src/agent/service-fsm.js';
import { DEFAULT_DAMPING, DEFAULT_DEGRADE } from '../../src/agent/config/defaults.js';
import type { DegradeConfig } from '../../src/agent/config/types.js';

const cfg = (d: Partial<DegradeConfig> = {}, holdDownMs = 3000): FsmConfig => ({
  degrade: { ...DEFAULT_DEGRADE, drainTimeMs: 5000, ...d }, holdDownMs, damping: { ...DEFAULT_DAMPING },
});
const healthy: ServiceInputs = { health: 'up', healthDetail: 'checks up: probe', adminDrain: false, maintenanceFile: null, shutdown: null };
const failing: ServiceInputs = { ...healthy, health: 'down', healthDetail: 'checks down: probe: HTTP 503' };

/** Drive a sequence of (time, inputs) and collect "from→to@t: reason". */
class Driver {
  s: ServiceFsmState;
  log: string[] = [];
  constructor(readonly c: FsmConfig, t0 = 0) {
    this.s = initialServiceState(t0);
  }
  at(t: number, i: ServiceInputs): this {
    const r = step(this.s, i, this.c, t);
    this.s = r.state;
    for (const x of r.transitions) this.log.push(`${x.from}→${x.to}@${t}: ${x.reason}`);
    return this;
  }
  get phase() { return this.s.phase; }
}

test('down → up on healthy checks (no hold-down at start); unknown health moves nothing', () => {
  const d = new Driver(cfg());
  d.at(0, { ...healthy, health: 'unknown' });
  assert.equal(d.phase, 'down');
  d.at(10, healthy);
  assert.deepEqual(d.log, ['down→up@10: healthy (checks up: probe)']);
  d.at(20, { ...healthy, health: 'unknown' });
  assert.equal(d.phase, 'up', 'unknown (e.g. a check added by a reload) does not withdraw');
});

test('mode withdraw: up → down at once on failure', () => {
  const d = new Driver(cfg({ mode: 'withdraw' })).at(0, healthy).at(100, failing);
  assert.equal(d.log[1], 'up→down@100: checks down: probe: HTTP 503');
  assert.equal(d.s.holdDownUntil, 3100);
});

test('mode drain: up → draining on failure, → down exactly drain-time later', () => {
  const d = new Driver(cfg({ mode: 'drain' })).at(0, healthy).at(100, failing);
  assert.equal(d.phase, 'draining');
  assert.equal(d.s.drainUntil, 5100);
  assert.equal(nextWake(d.s, d.c, 100), 5100);
  d.at(5099, failing);
  assert.equal(d.phase, 'draining');
  d.at(5100, failing);
  assert.equal(d.phase, 'down');
  assert.match(d.log[2]!, /^draining→down@5100: drain time elapsed \(checks down/);
});

test('mode drain: draining → up when the service recovers before the deadline', () => {
  const d = new Driver(cfg({ mode: 'drain' })).at(0, healthy).at(100, failing).at(2000, healthy);
  assert.equal(d.phase, 'up');
  assert.equal(d.log[2], 'draining→up@2000: healthy again (checks up: probe)');
  assert.equal(d.s.drainUntil, null);
});

test('mode worse-path: a failed service stays announced with the worse path until it recovers', () => {
  const d = new Driver(cfg({ mode: 'worse-path' })).at(0, healthy).at(100, failing);
  assert.equal(d.phase, 'draining');
  assert.equal(d.s.drainUntil, null);
  assert.equal(nextWake(d.s, d.c, 100), null);
  d.at(3_600_000, failing);
  assert.equal(d.phase, 'draining', 'no deadline in worse-path mode');
  d.at(3_600_001, healthy);
  assert.equal(d.phase, 'up');
  assert.match(d.log[1]!, /announcing a worse path/);
});

test('operator drain (maintenance: drain): up → draining → down after drain-time; undrain → up after hold-down', () => {
  const d = new Driver(cfg()).at(0, healthy).at(1000, { ...healthy, adminDrain: true });
  assert.equal(d.log[1], 'up→draining@1000: operator drain');
  d.at(6000, { ...healthy, adminDrain: true });
  assert.equal(d.log[2], 'draining→down@6000: drain time elapsed (operator drain)');
  d.at(7000, healthy);
  assert.equal(d.phase, 'down', 'hold-down of 3 s after the withdrawal at 6000');
  assert.deepEqual(blockers(d.s, healthy, d.c, 7000), ['hold-down 2s']);
  assert.equal(nextWake(d.s, d.c, 7000), 9000);
  d.at(9000, healthy);
  assert.equal(d.log[3], 'down→up@9000: healthy (checks up: probe), hold-down elapsed');
});

test('undrain before the drain deadline returns to up at once (no withdrawal happened, no hold-down)', () => {
  const d = new Driver(cfg()).at(0, healthy).at(1000, { ...healthy, adminDrain: true }).at(2000, healthy);
  assert.deepEqual(d.log.slice(1), ['up→draining@1000: operator drain', 'draining→up@2000: undrained, checks up']);
});

test('maintenance: withdraw takes the service straight down; the maintenance file is named in the reason', () => {
  const d = new Driver(cfg({ maintenance: 'withdraw' })).at(0, healthy).at(500, { ...healthy, maintenanceFile: '/etc/anycast/maint' });
  assert.equal(d.log[1], 'up→down@500: maintenance file /etc/anycast/maint present');
  d.at(10_000, { ...healthy, maintenanceFile: '/etc/anycast/maint' });
  assert.equal(d.phase, 'down', 'stays down while the file is there');
});

test('shutdown with drain: up → draining (shutdown drain time) → down; without drain: straight down', () => {
  const sd = { drain: true, drainTimeMs: 2000 };
  const d = new Driver(cfg()).at(0, healthy).at(100, { ...healthy, shutdown: sd });
  assert.equal(d.log[1], 'up→draining@100: shutdown: draining before withdrawal');
  assert.equal(d.s.drainUntil, 2100);
  d.at(2100, { ...healthy, shutdown: sd });
  assert.equal(d.log[2], 'draining→down@2100: shutdown: drain time elapsed');
  const e = new Driver(cfg()).at(0, healthy).at(100, { ...healthy, shutdown: { drain: false, drainTimeMs: null } });
  assert.equal(e.log[1], 'up→down@100: shutdown');
  // A shut-down service never comes back, whatever its health.
  e.at(100_000, { ...healthy, shutdown: { drain: false, drainTimeMs: null } });
  assert.equal(e.phase, 'down');
});

test('shutdown while already draining keeps the earlier deadline; a shutdown drain of 0 withdraws at once', () => {
  const d = new Driver(cfg()).at(0, healthy).at(100, failing); // draining until 5100
  d.at(200, { ...failing, shutdown: { drain: true, drainTimeMs: 10_000 } });
  assert.equal(d.phase, 'draining');
  assert.equal(d.s.drainCause, 'shutdown');
  assert.equal(d.s.drainUntil, 5100);
  const e = new Driver(cfg()).at(0, healthy).at(100, failing).at(200, { ...failing, shutdown: { drain: true, drainTimeMs: 0 } });
  assert.equal(e.phase, 'down');
  const f = new Driver(cfg({ mode: 'worse-path' })).at(0, healthy).at(100, failing)
    .at(200, { ...failing, shutdown: { drain: true, drainTimeMs: 1000 } });
  assert.equal(f.s.drainUntil, 1200, 'worse-path has no deadline of its own: the shutdown one applies');
});

test('a failed, draining (worse-path) service that is then drained by the operator gets a deadline', () => {
  const d = new Driver(cfg({ mode: 'worse-path' })).at(0, healthy).at(100, failing)
    .at(1000, { ...failing, adminDrain: true });
  assert.equal(d.s.drainCause, 'maintenance');
  assert.equal(d.s.drainUntil, 6000);
  d.at(6000, { ...failing, adminDrain: true });
  assert.equal(d.phase, 'down');
});

test('undrained while failing: the failure mode takes over (withdraw → down)', () => {
  const d = new Driver(cfg({ mode: 'withdraw' })).at(0, healthy).at(100, { ...healthy, adminDrain: true })
    .at(200, { ...failing, adminDrain: true }).at(300, failing);
  assert.equal(d.phase, 'down');
  assert.equal(d.log[d.log.length - 1], 'draining→down@300: checks down: probe: HTTP 503');
});

test('flap damping: each up→down health edge adds a penalty; suppressed services stay down until reuse', () => {
  const c = { ...cfg({ mode: 'withdraw' }, 0), damping: { ...DEFAULT_DAMPING, penalty: 1000, suppress: 2500, reuse: 750, halfLifeMs: 10_000 } };
  const d = new Driver(c);
  let t = 0;
  for (let i = 0; i < 3; i++) {
    d.at(t, healthy);
    t += 100;
    d.at(t, failing);
    t += 100;
  }
  assert.equal(d.s.damping.flaps, 3);
  assert.equal(d.s.damping.suppressed, true);
  d.at(t, healthy);
  assert.equal(d.phase, 'down', 'suppressed');
  const wake = nextWake(d.s, d.c, t)!;
  assert.ok(wake > t);
  // reuse = t_last + half-life * log2(P / 750)
  const p = d.s.damping.penalty;
  assert.ok(Math.abs(wake - (d.s.damping.at + 10_000 * Math.log2(p / 750))) <= 2);
  d.at(wake - 5, healthy);
  assert.equal(d.phase, 'down');
  d.at(wake, healthy);
  assert.equal(d.phase, 'up');
  const ups = d.log.filter((l) => l.startsWith('down→up')).length;
  assert.equal(ups, 4, 'announced three times before the third failure suppressed it, once after reuse');
});

test('health flapping between unknown and down is not a flap; only up→down edges count', () => {
  const d = new Driver(cfg());
  d.at(0, failing).at(10, { ...healthy, health: 'unknown' }).at(20, failing);
  assert.equal(d.s.damping.flaps, 0);
  d.at(30, healthy).at(40, { ...healthy, health: 'unknown' }).at(50, failing);
  assert.equal(d.s.damping.flaps, 1, 'up → unknown → down is one failure');
});
