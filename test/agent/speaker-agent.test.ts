// The agent (real Agent, scripted probes, real time with short timings) driving the embedded speaker backend over
// the in-memory transport, with one of our own speakers as the upstream receiver. One ordered timeline holds what
// the upstream's session received and what the agent did with the loopback addresses: the drain sequence, the
// operator drain, and the SIGTERM order (drained → withdrawn → address removed → Cease).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpeakerConfig } from '../../src/bgp/config/index.js';
import { Speaker } from '../../src/bgp/speaker/index.js';
import { attrsToJSON } from '../../src/bgp/rib/attrs-view.js';
import { parsePrefix } from '../../src/bgp/rib/prefix.js';
import { MemoryNetwork } from '../../src/bgp/transport/index.js';
import { MemoryFib } from '../../src/fib/memory.js';
import { SystemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/log.js';
import { Agent } from '../../src/agent/agent.js';
import { SpeakerBackend } from '../../src/agent/backends/speaker.js';
import { RecordingAddressManager } from '../../src/agent/loopback.js';
import type { ProbeFactory } from '../../src/health/checks.js';
import { agentConfig, loaded, service } from './fixtures.js';

const timing = { intervalMs: 40, timeoutMs: 30, rise: 1, fall: 1, fastIntervalMs: 20, jitterMs: 0 };

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('agent + speaker backend: failure drains then withdraws; operator drain; SIGTERM order seen by the upstream', async (t) => {
  const net = new MemoryNetwork();
  const timeline: string[] = [];
  const up = new Speaker(parseSpeakerConfig(`router-id: 10.0.0.2
local-as: 64500
listen: ["10.0.0.2:179"]
fib: memory
graceful-restart: false
neighbors:
  - { name: agent, address: "10.0.0.1", remote-as: 64512, local-address: "10.0.0.2", passive: true, import: accept, export: reject }
`), { transport: net, clock: new SystemClock(), logger: memoryLogger(), fib: new MemoryFib(), jitterSeed: 0 });
  await up.start();
  const route = () => {
    const b = up.rib.lookup('ipv4', parsePrefix('192.0.2.0/24')!.key)?.best;
    return b ? attrsToJSON(b.attrs) : null;
  };
  const peer = up.neighbor('agent').peer;
  peer.on('update', () => {
    const r = route();
    timeline.push(r === null ? 'upstream: withdrawn' : `upstream: ${r.asPath}${r.communities?.includes('graceful-shutdown') ? ' +GS' : ''}`);
  });
  peer.on('notification', (n) => timeline.push(`upstream: notification ${(n as { code: number }).code}/${(n as { subcode: number }).subcode}`));

  const backend = new SpeakerBackend({ localAs: 64512, routerId: '10.0.0.1', gracefulRestart: false, restartTimeS: 120,
    peers: [{ name: 'up', address: '10.0.0.2', as: 64500, families: ['ipv4-unicast'], port: 179, localAddress: '10.0.0.1',
      holdTimeS: 90, passive: false, nextHop: null }] },
  { clock: new SystemClock(), logger: memoryLogger(), wall: Date.now, agentName: 'site-t', transport: net, interfaces: () => ({}), closeGraceMs: 20 });
  const healthy = { v: true };
  const probes: ProbeFactory = () => () => ({ ok: healthy.v, detail: healthy.v ? 'fine' : 'broken' });
  const addresses = new RecordingAddressManager((op, cidr) => timeline.push(`address ${op} ${cidr}`));
  const web = service('web', {
    addresses: ['192.0.2.80/32'],
    checks: [{ name: 'probe', spec: { type: 'tcp', host: '127.0.0.1', port: 1 }, timing }],
    degrade: { mode: 'drain', maintenance: 'drain', drainTimeMs: 400, prepend: 2, med: 500, gracefulShutdown: true, communities: [], largeCommunities: [] },
    holdDownMs: 100, damping: { enabled: false, penalty: 1000, halfLifeMs: 60_000, suppress: 3000, reuse: 750, maxSuppressMs: 900_000 },
  });
  const config = agentConfig([web], { loopback: { manage: true, interface: 'lo' },
    shutdown: { drain: true, drainTimeMs: 300, lingerMs: 100, timeoutMs: 5000 } });
  const agent = new Agent(loaded(config), { clock: new SystemClock(), logger: memoryLogger(), backend, probes, addresses, random: () => 0 });
  t.after(async () => { await backend.close(); await up.stop(); });
  await agent.start();

  await waitFor(() => route()?.asPath === '64512', 'announced');
  // The check fails: drained (two prepends and GRACEFUL_SHUTDOWN), then withdrawn after the drain time.
  healthy.v = false;
  await waitFor(() => route()?.communities?.includes('graceful-shutdown') === true, 'drained');
  assert.equal(route()!.asPath, '64512 64512 64512');
  assert.equal(route()!.med, 500);
  await waitFor(() => route() === null, 'withdrawn');
  healthy.v = true;
  await waitFor(() => route()?.asPath === '64512', 're-announced after the hold-down');
  // Operator drain, undrain.
  agent.drain('web');
  await waitFor(() => route()?.med === 500, 'operator drain');
  agent.undrain('web');
  await waitFor(() => route()?.med === null, 'undrained');

  const n = timeline.length;
  assert.equal(await agent.shutdown(), true);
  await waitFor(() => timeline.some((x) => x.startsWith('upstream: notification')), 'Cease');
  assert.deepEqual(timeline.slice(n), ['upstream: 64512 64512 64512 +GS', 'upstream: withdrawn', 'address remove 192.0.2.80/32',
    'upstream: notification 6/2']);
  assert.deepEqual(timeline.slice(0, n).filter((x) => x.startsWith('upstream')), [
    'upstream: 64512',                    // healthy
    'upstream: 64512 64512 64512 +GS',    // check failed: drain
    'upstream: withdrawn',                // drain time elapsed
    'upstream: 64512',                    // healthy again, hold-down elapsed
    'upstream: 64512 64512 64512 +GS',    // operator drain
    'upstream: 64512',                    // undrain
  ], 'one UPDATE per change, nothing redundant');
});
