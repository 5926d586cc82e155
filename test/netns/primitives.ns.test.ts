// The namespace primitives on their own: capability detection, exec with output and time limit, a tracked
// long-running process frozen and thawed, link down/up through a per-namespace batch, and collision checks.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CommandFailedError, CommandTimeoutError, createTopology, detectCapabilities, listNamespaces, nsExec, nsIpBatch, nsSpawn,
  readIdentity, ResourceExistsError, ResourceRegistry,
} from '../../src/netns/index.js';

const root = process.getuid?.() === 0;
const skip = root ? false : 'needs root for network namespaces';
const P = `acp-${process.pid}-p`;
let registry: ResourceRegistry;

before(async () => {
  if (!root) return;
  registry = new ResourceRegistry({ label: 'acp-prim' });
  await createTopology({
    namespaces: [{ name: `${P}-a`, loopbacks: ['192.0.2.53/32', '2001:db8::53/128'] }, { name: `${P}-b`, routes: [{ dst: '192.0.2.53/32', via: '10.79.0.1' }] }],
    links: [{ a: { ns: `${P}-a`, ifname: 'pa', addrs: ['10.79.0.1/24', 'fd79::1/64'] }, b: { ns: `${P}-b`, ifname: 'pb', addrs: ['10.79.0.2/24', 'fd79::2/64'] } }],
  }, registry);
});

after(() => {
  if (root) assert.deepEqual(registry.cleanup().errors, []);
});

test('capabilities: root and ip netns detected, netem probed on a scratch namespace that is then removed', { skip }, async () => {
  const caps = await detectCapabilities(`acp-${process.pid}`);
  assert.equal(caps.root, true);
  assert.equal(caps.netns, true);
  assert.equal(typeof caps.netem, 'boolean');
  if (!caps.netem) assert.ok(caps.notes.some((n) => n.includes('netem')), 'says why netem is missing');
  assert.equal(caps.tcpdump, true);
  assert.match(caps.daemons.bird ?? '', /^2\./);
  assert.deepEqual(await listNamespaces(`acp-${process.pid}-cap`), []);
});

test('exec: output captured, sysctls applied, loopback service address routed, IPv6 usable at once (nodad)', { skip }, async () => {
  assert.equal((await nsExec(`${P}-a`, ['sysctl', '-n', 'net.ipv4.ip_forward'])).stdout.trim(), '1');
  const ping = await nsExec(`${P}-b`, ['ping', '-c', '1', '-W', '2', '192.0.2.53']);
  assert.match(ping.stdout, /1 received/);
  const addr = await nsExec(`${P}-a`, ['ip', '-6', 'addr', 'show', 'dev', 'pa']);
  assert.doesNotMatch(addr.stdout, /tentative/);
  await assert.rejects(nsExec(`${P}-a`, ['sh', '-c', 'echo oops >&2; exit 3']), (e: unknown) =>
    e instanceof CommandFailedError && e.exitCode === 3 && e.stderr.includes('oops'));
  await assert.rejects(nsExec(`${P}-a`, ['sleep', '5'], { timeoutMs: 200 }), CommandTimeoutError);
});

test('link down and up through the namespace batch', { skip }, async () => {
  await nsIpBatch(`${P}-b`, ['link set pb down']);
  assert.notEqual((await nsExec(`${P}-b`, ['ping', '-c', '1', '-W', '1', '10.79.0.1'], { allowFailure: true })).code, 0);
  await nsIpBatch(`${P}-b`, ['link set pb up']);
  assert.equal((await nsExec(`${P}-b`, ['ping', '-c', '1', '-W', '2', '10.79.0.1'], { allowFailure: true })).code, 0);
});

test('spawned process: PID is the program itself, recorded; freeze and thaw change its state; stop ends it', { skip }, async () => {
  const p = nsSpawn(`${P}-a`, ['sleep', '30'], registry);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(readIdentity(p.pid)!.cmdline, ['sleep', '30']);
  assert.ok(registry.state.processes.some((r) => r.pid === p.pid));
  const state = () => readIdentityState(p.pid);
  p.freeze();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(state(), 'T');
  p.thaw();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(state(), 'S');
  const exit = await p.stop();
  assert.equal(exit.signal, 'SIGTERM');
  assert.ok(!registry.state.processes.some((r) => r.pid === p.pid));
});

test('names already taken are refused before anything is created', { skip }, async () => {
  await assert.rejects(createTopology({ namespaces: [{ name: `${P}-a` }], links: [] }, registry), ResourceExistsError);
});

import { readFileSync } from 'node:fs';
function readIdentityState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
}

test('capture: tcpdump in the namespace records the packets, stopped by PID', { skip }, async () => {
  const { startCapture } = await import('../../src/netns/index.js');
  const { mkdtempSync, statSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'acp-cap-'));
  try {
    const cap = await startCapture(`${P}-b`, 'pb', join(dir, 'c.pcap'), registry, { filter: 'icmp', logFile: join(dir, 'tcpdump.log') });
    await nsExec(`${P}-b`, ['ping', '-c', '3', '-i', '0.2', '-W', '1', '10.79.0.1']);
    // The last reply may still be on its way through tcpdump on a loaded machine: wait (bounded) until it is written.
    const echoes = async () => (await nsExec(`${P}-b`, ['tcpdump', '-r', join(dir, 'c.pcap'), '-n'], { allowFailure: true }))
      .stdout.trim().split('\n').filter((l) => /ICMP echo/.test(l)).length;
    for (let i = 0; i < 30 && (await echoes()) < 6; i++) await new Promise((r) => setTimeout(r, 100));
    await cap.stop();
    assert.ok(statSync(join(dir, 'c.pcap')).size > 24, 'more than a pcap header');
    assert.equal(await echoes(), 6, '3 requests and 3 replies');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
