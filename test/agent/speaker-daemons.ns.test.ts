// `anycast agent` with the embedded speaker backend against GoBGP and FRR (their runners in src/daemons), each in
// its own namespace: GoBGP over one IPv4 session carrying IPv4 and IPv6 routes, FRR over an IPv4 and an IPv6
// session. Their own query commands are the truth: announcement with the agent's attributes, the drain
// attributes, the withdrawal, and SIGTERM leaving nothing announced.
//
//   [gobgp AS64501] 10.203.1.2 ── 10.203.1.1, fd00:acc:1::1 [site: agent AS64512] 10.203.2.1, fd00:acc:2::1
//        ── 10.203.2.2, fd00:acc:2::2 [frr AS64502]
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDaemon, type Daemon, type RouteEntry } from '../../src/daemons/index.js';

const root = process.getuid?.() === 0;
const missing = ['gobgpd', 'gobgp', 'vtysh'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
const skip = !root ? 'needs root (network namespaces)' : missing !== undefined ? `${missing} is not installed` : false;
const P = `aca-${process.pid}`;
const SITE = `${P}-ds`, GO = `${P}-dg`, FRR = `${P}-df`;
const main = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'aca-dmn-'));
const daemons: Daemon[] = [];
let created = false;
let agent: { proc: ChildProcess; exited: Promise<number | null> } | null = null;

function cleanup(): void {
  if (!created) return;
  created = false;
  if (agent && agent.proc.exitCode === null) agent.proc.kill('SIGKILL');
  for (const ns of [SITE, GO, FRR]) {
    const pids = spawnSync('ip', ['netns', 'pids', ns]).stdout?.toString().split(/\s+/).filter(Boolean) ?? [];
    for (const p of pids) { try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ } }
  }
  spawnSync('sleep', ['0.3']);
  for (const ns of [SITE, GO, FRR]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

before(async () => {
  if (skip) return;
  const ip = (...a: string[]) => execFileSync('ip', a, { stdio: 'pipe' });
  for (const ns of [SITE, GO, FRR]) ip('netns', 'add', ns);
  created = true;
  const links: Array<[string, number]> = [[GO, 1], [FRR, 2]];
  for (const [ns, i] of links) {
    const a = `aca${process.pid}d${i}`, b = `aca${process.pid}e${i}`;
    ip('link', 'add', a, 'netns', SITE, 'type', 'veth', 'peer', 'name', b, 'netns', ns);
    ip('-n', SITE, 'addr', 'add', `10.203.${i}.1/30`, 'dev', a);
    ip('-n', ns, 'addr', 'add', `10.203.${i}.2/30`, 'dev', b);
    ip('-n', SITE, 'addr', 'add', `fd00:acc:${i}::1/64`, 'dev', a, 'nodad');
    ip('-n', ns, 'addr', 'add', `fd00:acc:${i}::2/64`, 'dev', b, 'nodad');
    ip('-n', SITE, 'link', 'set', a, 'up');
    ip('-n', ns, 'link', 'set', b, 'up');
  }
  for (const ns of [SITE, GO, FRR]) ip('-n', ns, 'link', 'set', 'lo', 'up');
  daemons.push(createDaemon('gobgp', { name: 'gobgp', routerId: '10.203.1.2', localAs: 64501, neighbors: [
    { name: 'agent', address: '10.203.1.1', remoteAs: 64512, localAddress: '10.203.1.2', passive: true, families: ['ipv4', 'ipv6'], export: 'reject-all' },
  ] }, { ns: GO, dir: join(dir, 'gobgp') }));
  daemons.push(createDaemon('frr', { name: 'frr', routerId: '10.203.2.2', localAs: 64502, neighbors: [
    { name: 'agent4', address: '10.203.2.1', remoteAs: 64512, localAddress: '10.203.2.2', export: 'reject-all' },
    { name: 'agent6', address: 'fd00:acc:2::1', remoteAs: 64512, localAddress: 'fd00:acc:2::2', export: 'reject-all' },
  ] }, { ns: FRR, dir: join(dir, 'frr') }));
  await Promise.all(daemons.map((d) => d.start()));
});
after(async () => {
  for (const d of daemons) await d.stop().catch(() => {});
  cleanup();
});
process.on('exit', cleanup);

const go = () => daemons[0]!;
const frr = () => daemons[1]!;
const fromAgent = (list: RouteEntry[], prefix: string) => list.find((r) => r.prefix === prefix && r.asPath[0] === 64512);

function config(): string {
  return `
agent: { name: site-d }
control: { socket: ${dir}/agent.sock }
backend:
  type: speaker
  speaker:
    local-as: 64512
    router-id: 10.203.1.1
    peers:
      - { name: gobgp, address: 10.203.1.2, as: 64501, families: [ipv4-unicast, ipv6-unicast], local-address: 10.203.1.1, hold-time: 9 }
      - { name: frr4, address: 10.203.2.2, as: 64502, hold-time: 9 }
      - { name: frr6, address: "fd00:acc:2::2", as: 64502, hold-time: 9 }
shutdown: { drain: false, linger: 200ms }
defaults:
  check: { interval: 200ms, timeout: 150ms, fast-interval: 100ms, rise: 2, fall: 2, jitter: 0s }
  hold-down: 1s
services:
  dns:
    prefixes: [192.0.2.0/24, "2001:db8:53::/48"]
    communities: [64512:100]
    degrade: { mode: drain, drain-time: 10s, prepend: 2, med: 500, large-communities: [64512:5:1] }
    checks: [{ name: ready, type: exec, command: "test -e ${dir}/ok" }]
`;
}

const PREFIXES = ['192.0.2.0/24', '2001:db8:53::/48'];

/** Polls both daemons until `pred` holds for every prefix at each; returns that snapshot. */
async function waitAll(what: string, pred: (r: RouteEntry | undefined, d: Daemon, prefix: string) => boolean, ms = 15_000): Promise<RouteEntry[][]> {
  const end = Date.now() + ms;
  for (;;) {
    let ok = true;
    const snap = await Promise.all(daemons.map((d) => d.routes()));
    daemons.forEach((d, i) => { for (const p of PREFIXES) if (!pred(fromAgent(snap[i]!, p), d, p)) ok = false; });
    if (ok) return snap;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('GoBGP and FRR receive the agent\'s IPv4 and IPv6 prefixes with its attributes', { skip }, async () => {
  writeFileSync(join(dir, 'config.yaml'), config());
  writeFileSync(join(dir, 'ok'), '');
  const proc = spawn('ip', ['netns', 'exec', SITE, process.execPath, main, 'agent', '--config', join(dir, 'config.yaml')], { stdio: 'ignore' });
  agent = { proc, exited: new Promise((r) => proc.on('exit', (c) => r(c))) };
  await waitAll('the routes at GoBGP and FRR', (r) => r !== undefined, 30_000);
  for (const d of daemons) {
    const routes = await d.routes();
    for (const p of PREFIXES) {
      const r = fromAgent(routes, p)!;
      assert.deepEqual(r.asPath, [64512], `${d.kind} ${p}`);
      assert.deepEqual(r.communities, ['64512:100'], `${d.kind} ${p}`);
      assert.equal(r.med, null, `${d.kind} ${p}`);
    }
  }
  const v6 = fromAgent(await go().routes(), '2001:db8:53::/48')!;
  assert.equal(v6.nextHop, 'fd00:acc:1::1', 'GoBGP: IPv6 over the IPv4 session with the site\'s global IPv6 address as next hop');
  assert.equal(fromAgent(await frr().routes(), '2001:db8:53::/48')!.nextHop, 'fd00:acc:2::1');
});

test('service fails → GoBGP and FRR see the drain attributes, then the withdrawal', { skip }, async () => {
  rmSync(join(dir, 'ok'));
  const snap = await waitAll('drained paths', (r) => r?.med === 500);
  for (const [i, d] of daemons.entries()) {
    for (const p of PREFIXES) {
      const r = fromAgent(snap[i]!, p)!;
      assert.deepEqual(r.asPath, [64512, 64512, 64512], `${d.kind} ${p}`);
      assert.deepEqual([...r.communities].sort(), ['64512:100', '65535:0'], `${d.kind} ${p}`);
      assert.deepEqual(r.largeCommunities, ['64512:5:1'], `${d.kind} ${p}`);
    }
  }
  // The drain time is long so that a slow poll of both daemons on a loaded machine still sees the drained paths.
  await waitAll('withdrawn', (r) => r === undefined, 20_000);
  writeFileSync(join(dir, 'ok'), '');
  await waitAll('re-announced', (r) => r !== undefined && r.med === null, 10_000);
});

test('SIGTERM → nothing left at GoBGP or FRR, sessions closed', { skip }, async () => {
  agent!.proc.kill('SIGTERM');
  assert.equal(await agent!.exited, 0);
  await waitAll('withdrawn everywhere', (r) => r === undefined, 5000);
  for (const d of daemons) {
    const n = await d.neighbors();
    assert.ok(n.every((x) => x.state !== 'established'), `${d.kind}: ${JSON.stringify(n)}`);
  }
});
