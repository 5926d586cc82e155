// The start-up warm-up (speaker/warm-up.ts): its synthetic table goes through a throw-away speaker completely (every
// route held: the generated prefixes are distinct), per family, with or without a peer to export to; the deadline
// ends it; the plan follows the configuration's neighbors; `anycast speaker` runs it unless `warm-up: false`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpeakerConfig } from '../../../src/bgp/config/index.js';
import { ConfigError } from '../../../src/util/errors.js';
import { startDaemon } from '../../../src/bgp/speaker/daemon.js';
import { applyReload } from '../../../src/bgp/speaker/reload.js';
import { warmUp, warmUpPlan } from '../../../src/bgp/speaker/warm-up.js';

test('warm-up: both families, every generated route held by the throw-away speaker', async () => {
  const r = await warmUp({ prefixes: 2000, families: ['ipv4', 'ipv6'] });
  assert.equal(r.completed, true);
  assert.equal(r.sent, 3 * (2000 + 200));
  assert.equal(r.routes, r.sent);
});

test('warm-up: one family, no exporting peer', async () => {
  const r = await warmUp({ prefixes: 3000, families: ['ipv4'], exporting: false });
  assert.deepEqual([r.completed, r.sent, r.routes], [true, 9000, 9000]);
  const r6 = await warmUp({ prefixes: 3000, families: ['ipv6'] });
  assert.deepEqual([r6.completed, r6.sent, r6.routes], [true, 900, 900]);
});

test('warm-up: the largest table it generates is still all distinct prefixes', async () => {
  const r = await warmUp({ prefixes: 1e9, families: ['ipv4'], exporting: false, timeoutMs: 60_000 });
  assert.equal(r.sent, 3 * 49152);
  assert.equal(r.routes, r.sent);
});

test('warm-up: the deadline cuts it short and the speaker is stopped anyway', async () => {
  const r = await warmUp({ prefixes: 20000, timeoutMs: 0 });
  assert.equal(r.completed, false);
  assert.equal(r.failed, null, 'cut short by the deadline, not by a failure');
  assert.ok(r.routes < r.sent);
});

const base = 'router-id: 192.0.2.1\nlocal-as: 65001\nlisten: false\nfib: noop\n';

test('warm-up plan: the families and exports of the configured neighbors and ranges', () => {
  const plan = (y: string) => warmUpPlan(parseSpeakerConfig(base + y, 't.yaml'));
  assert.deepEqual(plan('neighbors:\n  - { name: a, address: 192.0.2.2, remote-as: 65002, import: accept, export: reject }\n'),
    { families: ['ipv4'], exporting: false });
  assert.deepEqual(plan('neighbors:\n  - { name: a, address: 2001:db8::2, remote-as: 65002, import: accept, export: accept }\n'),
    { families: ['ipv6'], exporting: true });
  assert.deepEqual(plan('neighbors:\n  - { name: a, address: 192.0.2.2, remote-as: 65002, families: [ipv4-unicast, ipv6], import: accept, export: reject }\n'),
    { families: ['ipv4', 'ipv6'], exporting: false });
  assert.deepEqual(plan('dynamic-neighbors:\n  - { name: r, prefix: "2001:db8:1::/64", remote-as: 65002, import: accept, export: reject }\n'),
    { families: ['ipv6'], exporting: false });
  assert.deepEqual(plan(''), { families: [], exporting: false });
});

test('warm-up config: on by default, a boolean, and a change on reload applies at the next start', () => {
  assert.equal(parseSpeakerConfig(base, 't.yaml').warmUp, true);
  assert.equal(parseSpeakerConfig(base + 'warm-up: false\n', 't.yaml').warmUp, false);
  assert.throws(() => parseSpeakerConfig(base + 'warm-up: sometimes\n', 't.yaml'),
    (e: unknown) => e instanceof ConfigError && /t\.yaml/.test(e.message) && /warm-up/.test(e.message));
});

test('anycast speaker warms up before it starts, unless the configuration says warm-up: false', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-warm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 's.yaml');
  const run = async (extra: string) => {
    writeFileSync(file, base + `control: { socket: ${dir}/s.sock }\n${extra}` +
      'neighbors:\n  - { name: a, address: 192.0.2.2, remote-as: 65002, passive: true, import: accept, export: reject }\n');
    const logs: string[] = [];
    const d = await startDaemon(file, { write: (l) => logs.push(l), signals: false, warmUp: true });
    await d.stop();
    return logs.filter((l) => l.includes('warm-up'));
  };
  const on = await run('');
  assert.equal(on.length, 1);
  const e = JSON.parse(on[0]!) as { msg: string; routes: number; of: number; families: string[] };
  assert.equal(e.msg, 'warm-up done');
  assert.equal(e.routes, e.of);
  assert.ok(e.of > 0);
  assert.deepEqual(e.families, ['ipv4']);
  assert.deepEqual(await run('warm-up: false\n'), []);
});

test('reload: a changed warm-up setting is reported, not refused', async () => {
  const { Speaker } = await import('../../../src/bgp/speaker/speaker.js');
  const { MemoryNetwork } = await import('../../../src/bgp/transport/index.js');
  const { NoopFib } = await import('../../../src/fib/noop.js');
  const { silentLogger } = await import('../../../src/util/log.js');
  const { SystemClock } = await import('../../../src/util/clock.js');
  const sp = new Speaker(parseSpeakerConfig(base, 't.yaml'), { transport: new MemoryNetwork(), clock: new SystemClock(false), logger: silentLogger, fib: new NoopFib() });
  await sp.start();
  try {
    const r = applyReload(sp, parseSpeakerConfig(base + 'warm-up: false\n', 't.yaml'));
    assert.equal(r.ok, true);
    assert.deepEqual(r.changes, ['warm-up off (it runs only when the speaker starts)']);
  } finally {
    await sp.stop();
  }
});
