// The router host process (src/lab/host) running two speakers, each in its own namespace, over its control
// socket (root): both start and report readiness; freezing one silences it (its peer's hold timer expires while
// the frozen one's own timers wait) and thawing it brings the session back; stopping one withdraws its routes
// from the other's kernel table and leaves the other running; it starts again in the same host; unknown
// routers and double starts are refused with their codes; SIGTERM to the host removes every route it wrote.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTopology, nsExec, ResourceRegistry, uniqueNsName } from '../../../src/netns/index.js';
import { hostApi } from '../../../src/lab/host/control.js';
import type { HostedRouterStatus } from '../../../src/lab/host/host.js';
import { loadRtnl } from '../../../src/fib/netlink.js';

const root = process.getuid?.() === 0;
const skip = !root ? 'needs root for network namespaces' : loadRtnl() === null ? 'the native addon is not built' : false;
const MAIN = fileURLToPath(new URL('../../../src/lab/host/main.js', import.meta.url));
const A = uniqueNsName('acx', 'ha');
const B = uniqueNsName('acx', 'hb');
const dir = mkdtempSync(join(tmpdir(), 'acx-host-'));
const sock = join(dir, 'host.sock');
let registry: ResourceRegistry | null = null;
let child: ChildProcess | null = null;

const killChild = () => { if (child && child.exitCode === null) child.kill('SIGKILL'); };
process.on('exit', killChild);
after(async () => {
  killChild();
  await registry?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string, as: number, peerAs: number, me: string, peer: string, net: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `router-id: ${me}
local-as: ${as}
listen: ["[::]:179"]
fib: kernel
graceful-restart: false
control: { socket: ${join(dir, `${name}.sock`)} }
log: { level: info }
networks: ["${net}"]
neighbors:
  - { name: peer, address: "${peer}", remote-as: ${peerAs}, hold-time: 3, idle-hold-time: 1, connect-retry-time: 1, import: accept, export: accept }
`);
  return file;
}

async function until<T>(what: string, ms: number, f: () => Promise<T | null>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const status = async (name: string) => ((await hostApi(sock, 'GET', `/v1/routers/${name}`)).routers as HostedRouterStatus[])[0]!;
const routes = async (ns: string) => (await nsExec(ns, ['ip', '-4', 'route', 'show', 'proto', '172'])).stdout.trim();

test('router host: start, readiness, freeze/thaw, stop/start one router, SIGTERM cleans up', { skip }, async () => {
  registry = new ResourceRegistry({ label: 'acx-host' });
  await createTopology({
    namespaces: [{ name: A }, { name: B }],
    links: [{ a: { ns: A, ifname: 'ha0', addrs: ['10.67.0.1/30'] }, b: { ns: B, ifname: 'hb0', addrs: ['10.67.0.2/30'] } }],
  }, registry);
  child = spawn(process.execPath, [MAIN, '--socket', sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child!.stdout!.once('data', (d: Buffer) => (String(d).startsWith('ready') ? resolve() : reject(new Error(String(d)))));
    child!.once('exit', (c) => reject(new Error(`host exited ${c}`)));
  });
  const specA = { name: 'a', ns: A, config: config('a', 65001, 65002, '10.67.0.1', '10.67.0.2', '192.0.2.0/24'), log: join(dir, 'a.log') };
  const specB = { name: 'b', ns: B, config: config('b', 65002, 65001, '10.67.0.2', '10.67.0.1', '198.51.100.0/24'), log: join(dir, 'b.log') };
  const started = (await hostApi(sock, 'POST', '/v1/routers', { routers: [specA, specB] })).routers as HostedRouterStatus[];
  assert.deepEqual(started.map((r) => [r.name, r.state, r.error]), [['a', 'running', null], ['b', 'running', null]]);
  await until('both ready', 15_000, async () => ((await status('a')).established === 1 && (await status('b')).established === 1 ? true : null));
  await until('routes in both namespaces', 10_000, async () => ((await routes(A)).startsWith('198.51.100.0/24 via 10.67.0.2') && (await routes(B)).startsWith('192.0.2.0/24 via 10.67.0.1') ? true : null));
  // Each router logs to its own file.
  assert.match(readFileSync(specA.log, 'utf8'), /"msg":"[^"]*established/i);
  assert.doesNotMatch(readFileSync(specA.log, 'utf8'), /"local-as":65002|198\.51\.100\.0\/24 originated/);

  // A double start and an unknown router are refused, with their codes.
  await assert.rejects(hostApi(sock, 'POST', '/v1/routers', specA), (e: Error & { code?: string }) => e.code === 'ERR_HOST_ROUTER_EXISTS');
  await assert.rejects(hostApi(sock, 'POST', '/v1/routers/nothere/stop', {}), (e: Error & { code?: string }) => e.code === 'ERR_HOST_NO_ROUTER');

  // Freeze B: A's hold timer (3 s) expires and A drops the session and B's route; B, frozen, still counts its
  // session established (its own timers wait, as in a stopped process).
  const frozenAt = Date.now();
  assert.equal(((await hostApi(sock, 'POST', '/v1/routers/b/freeze', {})).routers as HostedRouterStatus[])[0]!.state, 'frozen');
  await until('A to drop the frozen B', 8000, async () => ((await status('a')).established === 0 ? true : null));
  const heldMs = Date.now() - frozenAt;
  assert.ok(heldMs >= 2000, `A dropped B after ${heldMs} ms: before its hold time, so B was not merely silent`);
  assert.equal((await status('b')).established, 1);
  assert.equal(await until('B\'s route gone from A', 5000, async () => ((await routes(A)) === '' ? '' : null)), '');
  // Thaw: the session comes back.
  await hostApi(sock, 'POST', '/v1/routers/b/thaw', {});
  await until('session back after thaw', 15_000, async () => ((await status('a')).established === 1 && (await status('b')).established === 1 ? true : null));

  // Stop B: its routes leave A's table and its own; A keeps running.
  const stopped = ((await hostApi(sock, 'POST', '/v1/routers/b/stop', {})).routers as HostedRouterStatus[])[0]!;
  assert.equal(stopped.state, 'stopped');
  await until('B\'s route gone from A', 5000, async () => ((await routes(A)) === '' ? true : null));
  assert.equal(await routes(B), '');
  assert.equal((await status('a')).state, 'running');
  // Start B again in the same host.
  await hostApi(sock, 'POST', '/v1/routers', specB);
  await until('B back', 15_000, async () => ((await status('a')).established === 1 && (await routes(A)).startsWith('198.51.100.0/24') ? true : null));

  // SIGTERM: every router stops cleanly, their kernel routes with them, and the host exits 0.
  const exited = new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(await routes(A), '');
  assert.equal(await routes(B), '');
});
