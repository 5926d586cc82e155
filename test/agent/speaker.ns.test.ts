// `anycast agent` with the embedded speaker backend, as a real process in a namespace, peering directly with a real
// BIRD 2 over IPv4 (IPv4 and IPv6 routes) and over IPv6. What BIRD holds, its UPDATE counters and its session
// state are the test's truth: announcement, drain attributes, withdrawal, the SIGTERM order (withdrawn, then Cease,
// then the service address removed), and kill -9 (the session dies with the process; with graceful restart on,
// BIRD keeps the routes as stale for the restart time).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canRunNamespaces, SpeakerLab } from './speaker-ns-lab.js';

const skip = canRunNamespaces();
const lab = skip ? null : new SpeakerLab();
const main = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');

before(async () => { await lab?.start(); });
after(() => lab?.cleanup());
process.on('exit', () => lab?.cleanup());

function config(o: { gr?: boolean } = {}): string {
  const d = lab!.dir;
  return `
agent: { name: site-k }
control: { socket: ${d}/agent.sock }
log: { level: info }
backend:
  type: speaker
  speaker:
    local-as: 64512
    router-id: 10.202.0.1
    graceful-restart: ${o.gr === true}
    restart-time: 3
    peers:
      - { name: up4, address: 10.202.0.2, as: 64500, families: [ipv4-unicast, ipv6-unicast], hold-time: 9 }
      - { name: up6, address: "fd00:acb::2", as: 64500, hold-time: 9 }
loopback: { manage: true, interface: lo }
shutdown: { drain: true, drain-time: 2s, linger: 500ms }
defaults:
  check: { interval: 200ms, timeout: 150ms, fast-interval: 100ms, rise: 2, fall: 2, jitter: 0s }
  hold-down: 1s
services:
  dns:
    prefixes: [192.0.2.0/24, "2001:db8:53::/48"]
    addresses: [192.0.2.53/32]
    communities: [64512:100]
    degrade: { mode: drain, drain-time: 4s, prepend: 2, med: 500, large-communities: [64512:5:1] }
    checks: [{ name: ready, type: exec, command: "test -e ${d}/ok" }]
`;
}

interface Running {
  proc: ChildProcess;
  logs: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; at: number }>;
}

let agent: Running;

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

const V4 = '192.0.2.0/24|agent4';
const V6_OVER_V4 = '2001:db8:53::/48|agent4';
const V6 = '2001:db8:53::/48|agent6';
const ours = async () => {
  const r = await lab!.routes();
  return [V4, V6_OVER_V4, V6].filter((k) => r.has(k)).length;
};

test('healthy service → BIRD has the IPv4 and IPv6 prefixes over both sessions; status shows peers and exports', { skip: skip ?? false }, async (t) => {
  const file = join(lab!.dir, 'agent.yaml');
  writeFileSync(file, config());
  writeFileSync(join(lab!.dir, 'ok'), '');
  agent = startAgent(file);
  await lab!.waitFor('three routes at BIRD', async () => (await ours()) === 3);
  const r = await lab!.routes();
  for (const k of [V4, V6_OVER_V4, V6]) {
    assert.equal(r.get(k)!.asPath, '64512', k);
    assert.deepEqual(r.get(k)!.communities, ['64512:100'], k);
    assert.equal(r.get(k)!.med, null, k);
  }
  const detail = await lab!.birdc('show route all for 2001:db8:53::/48');
  assert.match(detail, /BGP\.next_hop: fd00:acb::1/, 'IPv6 next hop: the site\'s global address on both sessions');
  assert.doesNotMatch(detail, /BGP\.next_hop: fe80/);
  assert.match(lab!.siteAddresses(), /inet 192\.0\.2\.53\/32/);
  const st = await cli('status');
  assert.equal(st.code, 0, st.stderr);
  t.diagnostic(`anycast agent status:\n${st.stdout}`);
  assert.match(st.stdout, /backend speaker AS64512/);
  assert.match(st.stdout, /^\s+up4\s+Established\s+192\.0\.2\.0\/24 2001:db8:53::\/48/m);
  assert.match(st.stdout, /^\s+up6\s+Established\s+2001:db8:53::\/48/m);
  const js = JSON.parse((await cli('status', '--json')).stdout) as { backend: { kind: string; healthy: boolean; peers: Array<{ name: string; exported: string[] }> } };
  assert.equal(js.backend.kind, 'speaker');
  assert.equal(js.backend.healthy, true);
  assert.deepEqual(js.backend.peers.map((p) => [p.name, p.exported]), [['up4', ['192.0.2.0/24', '2001:db8:53::/48']], ['up6', ['2001:db8:53::/48']]]);
});

test('service fails → BIRD sees the drain (prepend, MED, GRACEFUL_SHUTDOWN, large community), then the withdrawal; recovers', { skip: skip ?? false }, async (t) => {
  const before = await lab!.protocol('agent6');
  const failedAt = Date.now();
  rmSync(join(lab!.dir, 'ok'));
  await lab!.waitFor('drained path at BIRD', async () => (await lab!.routes()).get(V4)?.med === 500);
  const r = await lab!.routes();
  for (const k of [V4, V6_OVER_V4, V6]) {
    assert.equal(r.get(k)!.asPath, '64512 64512 64512', k);
    assert.deepEqual(r.get(k)!.communities, ['64512:100', '65535:0', '64512:5:1'], k);
  }
  const goneAt = await lab!.waitFor('withdrawn after the drain time', async () => (await ours()) === 0, 10_000, 20);
  t.diagnostic(`check failed → withdrawn at BIRD after ${goneAt - failedAt} ms (fall 2 × 100-200 ms + drain-time 4 s)`);
  assert.ok(goneAt - failedAt >= 4000, 'not before the drain time');
  const after1 = await lab!.protocol('agent6');
  assert.equal(after1.state, 'Established', 'the sessions stay up');
  assert.equal(after1.importUpdates - before.importUpdates, 1, 'one UPDATE on the IPv6 session for the drain');
  assert.equal(after1.importWithdraws - before.importWithdraws, 1, 'one withdrawal');
  writeFileSync(join(lab!.dir, 'ok'), '');
  await lab!.waitFor('re-announced', async () => (await ours()) === 3 && (await lab!.routes()).get(V4)!.med === null, 10_000);
});

test('SIGTERM → drained, withdrawn while the sessions are up, then Cease; the loopback address goes only after', { skip: skip ?? false }, async () => {
  const seen: string[] = [];
  let polling = true;
  let withdrawnAt = 0, ceaseAt = 0, addrGoneAt = 0;
  const poll = (async () => {
    while (polling) {
      const [routes, p4, p6] = await Promise.all([lab!.routes(), lab!.protocol('agent4'), lab!.protocol('agent6')]);
      const mine = [V4, V6_OVER_V4, V6].filter((k) => routes.has(k));
      if (mine.some((k) => routes.get(k)!.communities.includes('65535:0')) && !seen.includes('drained')) seen.push('drained');
      if (mine.length === 0 && withdrawnAt === 0) {
        // Withdrawn while both sessions were still established: the UPDATEs came before the NOTIFICATIONs.
        seen.push(p4.state === 'Established' && p6.state === 'Established' ? 'withdrawn (sessions up)' : 'gone with the sessions');
        withdrawnAt = Date.now();
      }
      if (p4.state !== 'Established' && p6.state !== 'Established' && ceaseAt === 0) {
        seen.push(`closed: ${p4.lastError} / ${p6.lastError}`);
        ceaseAt = Date.now();
      }
      if (addrGoneAt === 0 && !/192\.0\.2\.53/.test(lab!.siteAddresses())) addrGoneAt = Date.now();
      await new Promise((res) => setTimeout(res, 15));
    }
  })();
  agent.proc.kill('SIGTERM');
  const exit = await agent.exited;
  await new Promise((r) => setTimeout(r, 300));
  polling = false;
  await poll;
  assert.equal(exit.code, 0);
  assert.deepEqual(seen, ['drained', 'withdrawn (sessions up)', 'closed: Received: Administrative shutdown / Received: Administrative shutdown']);
  assert.ok(withdrawnAt > 0 && withdrawnAt <= addrGoneAt, 'the address is removed only after BIRD has the withdrawal');
  assert.ok(ceaseAt >= withdrawnAt);
  assert.doesNotMatch(lab!.siteAddresses(), /192\.0\.2\.53/);
  const steps = agent.logs.filter((l) => String(l.msg).startsWith('shutdown: ')).map((l) => l.msg);
  assert.deepEqual(steps, ['shutdown: drain', 'shutdown: withdraw', 'shutdown: withdrawn', 'shutdown: linger',
    'shutdown: addresses', 'shutdown: close', 'shutdown: done']);
});

test('kill -9 → the sessions die with the process and BIRD drops the routes (graceful restart off)', { skip: skip ?? false }, async (t) => {
  const file = join(lab!.dir, 'agent.yaml');
  writeFileSync(file, config());
  agent = startAgent(file);
  await lab!.waitFor('announced', async () => (await ours()) === 3);
  const killedAt = Date.now();
  agent.proc.kill('SIGKILL');
  const goneAt = await lab!.waitFor('routes gone from BIRD', async () => (await ours()) === 0, 5000, 10);
  t.diagnostic(`kill -9 → routes gone at BIRD in ${goneAt - killedAt} ms`);
  assert.ok(goneAt - killedAt < 2000, 'well within the hold time (9 s): the kernel closed the TCP sessions');
  const p = await lab!.protocol('agent4');
  assert.notEqual(p.state, 'Established');
});

test('kill -9 with graceful restart on → BIRD keeps the routes as stale for the restart time (3 s), then drops them', { skip: skip ?? false }, async (t) => {
  const file = join(lab!.dir, 'agent.yaml');
  writeFileSync(file, config({ gr: true }));
  agent = startAgent(file);
  await lab!.waitFor('announced', async () => (await ours()) === 3, 20_000);
  const killedAt = Date.now();
  agent.proc.kill('SIGKILL');
  await lab!.waitFor('session down at BIRD', async () => (await lab!.protocol('agent4')).state !== 'Established', 5000, 20);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await ours(), 3, 'still there one second after the kill: kept as stale by the graceful restart helper');
  assert.notEqual((await lab!.protocol('agent4')).state, 'Established', 'held by BIRD with the session down');
  const goneAt = await lab!.waitFor('stale routes flushed', async () => (await ours()) === 0, 10_000, 50);
  t.diagnostic(`kill -9 with graceful restart (restart time 3 s) → routes gone at BIRD after ${goneAt - killedAt} ms`);
  assert.ok(goneAt - killedAt >= 2500, `dropped after ${goneAt - killedAt} ms, before the restart time`);
});
