// Learning the kernel's routes: what `ip monitor` costs and buys against polling. In a namespace with a
// connected network: (1) latency from `ip addr add/del` returning to the resolver's change notification, 20
// times each way; (2) the watcher's CPU while 100k of our own routes are written (every one of them is a
// monitor line the watcher must drop); (3) what one poll would cost instead — a full re-read of the table with
// those 100k routes present, and a re-read of one protocol (what the watcher does per change). Needs root.
//   node dist/bench/fib/resolver.js

import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { createTopology, ResourceRegistry, uniqueNsName } from '../../src/netns/index.js';
import { KernelFib } from '../../src/fib/kernel.js';
import { KernelRouteWatcher } from '../../src/fib/kernel-routes.js';
import { NextHopResolver } from '../../src/fib/resolver.js';
import type { FibChange } from '../../src/fib/types.js';

const registry = new ResourceRegistry({ label: 'acf-bench-res' });
const ns = uniqueNsName('acf', 'r');
const ip = (...a: string[]) => spawnSync('ip', ['-n', ns, ...a]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  await createTopology({ namespaces: [{ name: ns }, { name: `${ns}p` }], links: [{ a: { ns, ifname: 'r0', addrs: ['172.16.0.1/24'] }, b: { ns: `${ns}p`, ifname: 'r1', addrs: ['172.16.0.2/24'] } }] }, registry);
  const resolver = new NextHopResolver({ excludeProtocols: [172] });
  const watcher = new KernelRouteWatcher(resolver, { ns, debounceMs: 0 });
  await watcher.start();
  resolver.track('10.200.0.5');
  let notified: (() => void) | null = null;
  resolver.onChange(() => notified?.());
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < 20; i++) {
    for (const [verb, into] of [['add', up], ['del', down]] as const) {
      const seen = new Promise<void>((r) => (notified = r));
      ip('addr', verb, '10.200.0.1/24', 'dev', 'r0');
      const t = performance.now(); // from the command's return: what a user sees
      await seen;
      into.push(performance.now() - t);
    }
  }
  console.log(`monitor latency, address added → notified: median ${median(up).toFixed(1)} ms, max ${Math.max(...up).toFixed(1)} ms`);
  console.log(`monitor latency, address removed → notified: median ${median(down).toFixed(1)} ms, max ${Math.max(...down).toFixed(1)} ms`);

  const fib = new KernelFib({ ns });
  const n = 100_000;
  const adds: FibChange[] = Array.from({ length: n }, (_, i) => ({ kind: 'replace', prefix: `10.${(i >> 12) & 255}.${(i >> 4) & 255}.${(i & 15) * 16}/28`, nextHops: [{ gateway: '172.16.0.2' }] }));
  // The same write without a watcher, for comparison.
  watcher.stop();
  {
    const c = process.cpuUsage();
    const t0 = performance.now();
    await fib.apply(adds);
    await new Promise((r) => setTimeout(r, 500));
    const u = process.cpuUsage(c);
    console.log(`${n} routes written without a watcher: ${((performance.now() - t0) / 1000).toFixed(2)} s (incl. 0.5 s wait); process CPU ${((u.user + u.system) / 1000).toFixed(0)} ms`);
    await fib.apply(adds.map((a) => ({ kind: 'delete', prefix: a.prefix })));
  }
  const w2 = new KernelRouteWatcher(resolver, { ns, debounceMs: 0 });
  await w2.start();
  const lines0 = w2.stats.ours;
  const c0 = process.cpuUsage();
  let t = performance.now();
  await fib.apply(adds);
  await new Promise((r) => setTimeout(r, 500)); // let the monitor catch up
  const withWatcher = process.cpuUsage(c0);
  console.log(`${n} routes written with the watcher running: ${((performance.now() - t) / 1000).toFixed(2)} s (incl. 0.5 s wait); ${w2.stats.ours - lines0} monitor lines of ours seen and dropped, ${w2.stats.overflows} overflow reports; process CPU ${((withWatcher.user + withWatcher.system) / 1000).toFixed(0)} ms`);
  await w2.settled();
  t = performance.now();
  await w2.fullRead();
  console.log(`one full re-read (what a poll costs) with ${n} routes of ours present: ${(performance.now() - t).toFixed(0)} ms`);
  t = performance.now();
  ip('route', 'add', '10.201.0.0/24', 'via', '172.16.0.2', 'proto', 'static');
  const seen = new Promise<void>((r) => (notified = r));
  resolver.track('10.201.0.9');
  void seen;
  await w2.settled();
  await new Promise((r) => setTimeout(r, 50));
  await w2.settled();
  console.log(`per-protocol re-read after a static route appeared (kernel-filtered dump, ${n} of ours present): ${(performance.now() - t).toFixed(0)} ms incl. 50 ms wait; reachable: ${resolver.current('10.201.0.9')?.reachable}`);
  w2.stop();
  await fib.close();
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  registry.cleanup();
}
