// The anchor of the session benchmark: BIRD 2 receiving the same stream from the same feeder (a child process)
// over TCP, in two network namespaces joined by a veth (so BIRD sees the feeder as a directly connected
// neighbor and every next hop resolves). Measured from the feeder's first UPDATE octet until BIRD's import
// statistics count every prefix received; BIRD's CPU time is read from /proc. BIRD does more than our session layer here (it also
// stores every route and runs its decision process), so the ratio is an upper bound of the layer's share.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type BirdDaemon, createDaemon } from '../../src/daemons/index.js';
import { createTopology, detectCapabilities, makeTempDir, ResourceRegistry } from '../../src/netns/index.js';

export interface AnchorRun { wallMs: number; cpuMs: number }

function cpuOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* gone */ }
  }
  return ticks * 10; // USER_HZ = 100 on Linux
}

/** Why the anchor cannot run here, or null. */
export async function anchorUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  const c = await detectCapabilities('acs');
  if (!c.netns) return 'network namespaces unavailable';
  if (c.daemons.bird === undefined) return 'BIRD is not installed (Debian package bird2)';
  return null;
}

export async function birdAnchor(streamSpec: object, expected: number, tag: string): Promise<AnchorRun> {
  const registry = new ResourceRegistry({ label: 'bench-session' });
  try {
    const nsF = `acs-${process.pid}-f${tag}`, nsB = `acs-${process.pid}-b${tag}`;
    await createTopology({ namespaces: [{ name: nsF }, { name: nsB }],
      links: [{ a: { ns: nsF, ifname: 'f0', addrs: ['192.0.2.1/24', '2001:db8::1/64'] }, b: { ns: nsB, ifname: 'b0', addrs: ['192.0.2.2/24', '2001:db8::2/64'] } }] }, registry);
    const bird = createDaemon('bird', { name: 'dut', routerId: '192.0.2.2', localAs: 65000,
      neighbors: [{ address: '192.0.2.1', localAddress: '192.0.2.2', remoteAs: 64512, passive: true, holdTime: 90, families: ['ipv4', 'ipv6'] }] },
    { ns: nsB, dir: makeTempDir(registry, 'bird'), registry }) as BirdDaemon;
    await bird.start();
    const argv = [process.execPath, fileURLToPath(new URL('./feeder-main.js', import.meta.url)), '192.0.2.2', '179', '192.0.2.1'];
    const child = spawn('ip', ['netns', 'exec', nsF, ...argv], { stdio: ['pipe', 'pipe', 'inherit'] });
    registry.addProcess(child.pid!, argv, { ns: nsF, name: 'feeder' });
    const started = new Promise<void>((resolve) => createInterface({ input: child.stdout! }).on('line', (l) => { if (l.includes('started')) resolve(); }));
    child.stdin!.end(JSON.stringify(streamSpec));
    await started;
    const t0 = performance.now(), c0 = cpuOf(bird.pids());
    // Done when BIRD has processed every announcement (accepted, or rejected as an invalid prefix: the random
    // table contains a few reserved ones BIRD refuses): the "received" column of its import statistics.
    for (;;) {
      const out = await bird.birdc(['show', 'protocols', 'all']).catch(() => '');
      let n = 0;
      for (const m of out.matchAll(/Import updates:\s+(\d+)/g)) n += Number(m[1]);
      if (n >= expected) break;
      if (performance.now() - t0 > 600_000) throw new Error(`BIRD holds ${n} of ${expected} prefixes after 10 minutes`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const run = { wallMs: performance.now() - t0, cpuMs: cpuOf(bird.pids()) - c0 };
    await bird.stop();
    return run;
  } finally {
    registry.cleanup();
  }
}
