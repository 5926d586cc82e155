// The agent driving a real BIRD 2 (its site router) that peers over eBGP with a second real BIRD (the upstream),
// each in its own network namespace. What the upstream sees is the test's truth: routes, AS paths, MED,
// communities, and its UPDATE counters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canRunNamespaces, Lab } from './ns-lab.js';

const skip = canRunNamespaces();
const lab = skip ? null : new Lab();
const main = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const INTERVAL = 200;
const FALL = 3;

before(async () => { await lab?.start(); });
after(() => lab?.cleanup());
process.on('exit', () => lab?.cleanup());

function config(guard: boolean, override = ''): string {
  const d = lab!.dir;
  return `
agent: { name: site-a }
control: { socket: ${d}/agent.sock }
backend:
  type: bird
  bird: { socket: ${lab!.siteCtl}, include-file: ${lab!.include}, local-as: 64512, coalesce: 10ms, guard: ${guard} }
loopback: { manage: true, interface: lo }
shutdown: { drain: true, drain-time: 1s, linger: 500ms }
maintenance-poll: 100ms
defaults:
  check: { interval: ${INTERVAL}ms, timeout: 150ms, fast-interval: 100ms, rise: 2, fall: ${FALL}, jitter: 0s }
  hold-down: 1s
services:
  dns:
    prefixes: [192.0.2.0/24, "2001:db8:53::/48"]
    addresses: [192.0.2.53/32]
    communities: [64512:100]
    ${override}
    degrade: { mode: withdraw, maintenance: drain, drain-time: 2s, prepend: 3, med: 1000 }
    checks:
      - { name: port, type: tcp, host: 127.0.0.1, port: 8053 }
      - { name: address, type: address, address: 192.0.2.53/32, interface: lo }
  web:
    prefixes: [198.51.100.0/24]
    degrade: { mode: drain, drain-time: 2s, prepend: 3, med: 1000, graceful-shutdown: true }
    checks: [{ type: exec, command: "test -e ${d}/web-ok" }]
  flappy:
    prefixes: [203.0.113.0/24]
    hold-down: 0s
    degrade: { mode: withdraw, maintenance: withdraw, graceful-shutdown: false }
    damping: { penalty: 1000, half-life: 1m, suppress: 2500, reuse: 750, max-suppress: 10m }
    checks: [{ type: exec, command: "test -e ${d}/flappy-ok", interval: 100ms, fast-interval: 100ms, timeout: 90ms, rise: 1, fall: 1 }]
`;
}

interface Running {
  proc: ChildProcess;
  logs: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; at: number }>;
}

let agent: Running;
let service: ChildProcess;

function startService(): ChildProcess {
  service = lab!.spawnInSite([process.execPath, '-e',
    "require('net').createServer((c) => c.destroy()).listen(8053, '127.0.0.1')"]);
  return service;
}

function startAgent(file: string): Running {
  const logs: Array<Record<string, unknown>> = [];
  const proc = lab!.spawnInSite([process.execPath, main, 'agent', '--config', file], {
    stderr: (l) => { try { logs.push(JSON.parse(l) as Record<string, unknown>); } catch { logs.push({ msg: l }); } },
  });
  const exited = new Promise<{ code: number | null; at: number }>((r) => proc.on('exit', (code) => r({ code, at: Date.now() })));
  return { proc, logs, exited };
}

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, 'agent', ...args, '--socket', join(lab!.dir, 'agent.sock')], { timeout: 10_000 },
      (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }));
  });
}

const announced = async (p: string) => (await lab!.upstreamRoutes()).get(p);

test('service up → its prefixes reach the upstream with the normal attributes; the address is on lo', { skip: skip ?? false }, async () => {
  const file = join(lab!.dir, 'agent.yaml');
  writeFileSync(file, config(false));
  writeFileSync(join(lab!.dir, 'web-ok'), '');
  writeFileSync(join(lab!.dir, 'flappy-ok'), '');
  startService();
  agent = startAgent(file);
  await lab!.waitFor('192.0.2.0/24 at the upstream', async () => (await announced('192.0.2.0/24')) !== undefined);
  await lab!.waitFor('all four prefixes', async () => (await lab!.upstreamRoutes()).size === 4);
  const r = (await lab!.upstreamRoutes()).get('192.0.2.0/24')!;
  assert.equal(r.asPath, '64512');
  assert.equal(r.med, null);
  assert.deepEqual(r.communities, ['64512:100']);
  assert.equal((await lab!.upstreamRoutes()).get('2001:db8:53::/48')!.asPath, '64512');
  assert.match(lab!.siteAddresses(), /inet 192\.0\.2\.53\/32/);
  const st = await cli('status');
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, /^dns\s+up\s/m);
  assert.match(st.stdout, /upstream\s+Established\s+192\.0\.2\.0\/24 198\.51\.100\.0\/24 203\.0\.113\.0\/24 2001:db8:53::\/48/);
});

test('service killed → withdrawn at the upstream within interval x fall (+ one interval)', { skip: skip ?? false }, async (t) => {
  const killedAt = Date.now();
  service.kill('SIGKILL');
  const goneAt = await lab!.waitFor('withdrawal at the upstream', async () => (await announced('192.0.2.0/24')) === undefined,
    5000, 10);
  const elapsed = goneAt - killedAt;
  t.diagnostic(`service killed → withdrawn at the upstream in ${elapsed} ms (budget ${INTERVAL * FALL + INTERVAL} ms)`);
  assert.ok(elapsed <= INTERVAL * FALL + INTERVAL, `withdrawal took ${elapsed} ms`);
  assert.equal(await announced('2001:db8:53::/48'), undefined, 'both families');
  assert.notEqual(await announced('198.51.100.0/24'), undefined, 'other services unaffected');
  // Back: after rise checks and the 1 s hold-down.
  startService();
  await lab!.waitFor('re-announcement', async () => (await announced('192.0.2.0/24')) !== undefined, 10_000);
});

test('drain → the upstream sees the prepends, the MED and GRACEFUL_SHUTDOWN, then the withdrawal; undrain restores', { skip: skip ?? false }, async () => {
  const dr = await cli('drain', 'web');
  assert.equal(dr.code, 0, dr.stderr);
  await lab!.waitFor('drained path', async () => (await announced('198.51.100.0/24'))?.med === 1000);
  const r = (await announced('198.51.100.0/24'))!;
  assert.equal(r.asPath, '64512 64512 64512 64512');
  assert.deepEqual(r.communities, ['65535:0']);
  await lab!.waitFor('withdrawal after drain-time', async () => (await announced('198.51.100.0/24')) === undefined, 5000);
  assert.equal((await cli('undrain', 'web')).code, 0);
  await lab!.waitFor('re-announced', async () => (await announced('198.51.100.0/24'))?.asPath === '64512', 10_000);
  // The maintenance drain of a failed service in drain mode: the check failing gives the same worse path.
  rmSync(join(lab!.dir, 'web-ok'));
  await lab!.waitFor('drained on failure', async () => (await announced('198.51.100.0/24'))?.communities.includes('65535:0') === true);
  writeFileSync(join(lab!.dir, 'web-ok'), '');
  await lab!.waitFor('recovered', async () => (await announced('198.51.100.0/24'))?.med === null, 10_000);
});

test('a flapping service is damped: no UPDATE storm at the upstream', { skip: skip ?? false }, async (t) => {
  const before = await lab!.upstreamUpdates();
  const flag = join(lab!.dir, 'flappy-ok');
  let toggles = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < 6000) { // health flips every 300 ms: 10 failures
    if (existsSync(flag)) rmSync(flag);
    else writeFileSync(flag, '');
    toggles++;
    await new Promise((r) => setTimeout(r, 300));
  }
  writeFileSync(flag, '');
  await new Promise((r) => setTimeout(r, 1000));
  const afterCount = await lab!.upstreamUpdates();
  const changes = afterCount.updates - before.updates + afterCount.withdraws - before.withdraws;
  t.diagnostic(`${toggles} health flips → ${changes} UPDATE changes at the upstream`);
  assert.ok(changes <= 6, `${changes} route changes reached the upstream for ${toggles} flips`);
  const st = JSON.parse((await cli('status', '--json')).stdout) as { services: Array<{ name: string; damping: { suppressed: boolean; flaps: number } }> };
  const f = st.services.find((s) => s.name === 'flappy')!;
  assert.equal(f.damping.suppressed, true);
  assert.ok(f.damping.flaps >= 8, `${f.damping.flaps} flaps counted`);
  assert.equal(await announced('203.0.113.0/24'), undefined, 'suppressed: stays withdrawn though healthy now');
});

test('reload with a bad file keeps the running config and logs the error; a good one is applied', { skip: skip ?? false }, async () => {
  const file = join(lab!.dir, 'agent.yaml');
  const hash = (JSON.parse((await cli('status', '--json')).stdout) as { agent: { configHash: string } }).agent.configHash;
  writeFileSync(file, config(false).replace('port: 8053', 'port: 80530'));
  agent.proc.kill('SIGHUP');
  await lab!.waitFor('error logged', () => agent.logs.some((l) => l.msg === 'reload rejected; keeping the running configuration'));
  const err = agent.logs.find((l) => l.msg === 'reload rejected; keeping the running configuration')!;
  assert.equal(err.file, file);
  assert.equal(err.key, 'services.dns.checks[0].port');
  const st = JSON.parse((await cli('status', '--json')).stdout) as { agent: { configHash: string; lastReload: { ok: boolean } } };
  assert.equal(st.agent.configHash, hash);
  assert.equal(st.agent.lastReload.ok, false);
  assert.notEqual(await announced('192.0.2.0/24'), undefined, 'still announced');
  writeFileSync(file, config(false, 'med: 50'));
  agent.proc.kill('SIGHUP');
  await lab!.waitFor('new MED at the upstream', async () => (await announced('192.0.2.0/24'))?.med === 50);
});

test('SIGTERM → drained, then withdrawn at the upstream before the agent exits; the address goes after', { skip: skip ?? false }, async () => {
  const seen: string[] = [];
  let polling = true;
  let withdrawnAt = 0;
  const poll = (async () => {
    while (polling) {
      const r = await announced('192.0.2.0/24');
      if (r?.communities.includes('65535:0') && !seen.includes('drained')) seen.push('drained');
      if (r === undefined && !seen.includes('withdrawn')) { seen.push('withdrawn'); withdrawnAt = Date.now(); }
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  agent.proc.kill('SIGTERM');
  const exit = await agent.exited;
  polling = false;
  await poll;
  assert.equal(exit.code, 0);
  assert.deepEqual(seen, ['drained', 'withdrawn']);
  assert.ok(withdrawnAt > 0 && withdrawnAt < exit.at, 'withdrawn at the upstream before the agent exited');
  assert.equal((await lab!.upstreamRoutes()).size, 0, 'nothing left announced');
  assert.doesNotMatch(lab!.siteAddresses(), /192\.0\.2\.53/);
  const steps = agent.logs.filter((l) => String(l.msg).startsWith('shutdown: ')).map((l) => l.msg);
  assert.deepEqual(steps, ['shutdown: drain', 'shutdown: withdraw', 'shutdown: withdrawn', 'shutdown: linger',
    'shutdown: addresses', 'shutdown: close', 'shutdown: done']);
});

test('kill -9 without the guard leaves the routes (BIRD keeps them); cleanup or the guard removes them', { skip: skip ?? false }, async () => {
  const file = join(lab!.dir, 'agent.yaml');
  writeFileSync(file, config(false));
  writeFileSync(join(lab!.dir, 'flappy-ok'), '');
  agent = startAgent(file);
  await lab!.waitFor('announced', async () => (await announced('192.0.2.0/24')) !== undefined);
  agent.proc.kill('SIGKILL');
  await agent.exited;
  await new Promise((r) => setTimeout(r, 1000));
  assert.notEqual(await announced('192.0.2.0/24'), undefined, 'without the guard, a killed agent leaves its routes in BIRD');
  const clean = await new Promise<{ code: number; out: string }>((resolve) => execFile(process.execPath,
    [main, 'agent', 'cleanup', '--config', file], (e, out) => resolve({ code: e ? 1 : 0, out })));
  assert.equal(clean.code, 0);
  await lab!.waitFor('cleanup withdrew everything', async () => (await lab!.upstreamRoutes()).size === 0);

  writeFileSync(file, config(true));
  agent = startAgent(file);
  await lab!.waitFor('announced with the guard', async () => (await announced('192.0.2.0/24')) !== undefined);
  const killedAt = Date.now();
  agent.proc.kill('SIGKILL');
  // The guard is a Node.js process of its own: on a loaded machine its start and its reconfiguration take
  // seconds, so the bound is generous; the time it took is printed.
  const goneAt = await lab!.waitFor('the guard withdrew everything', async () => (await lab!.upstreamRoutes()).size === 0, 20_000, 20);
  console.log(`# guard: routes gone ${goneAt - killedAt} ms after kill -9`);
});
