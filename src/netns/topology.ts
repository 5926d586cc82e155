// Creating and removing a namespace topology (I/O side of plan.ts): the names are checked free and recorded
// in the registry first, then one global `ip -batch` creates every namespace and veth, then each namespace gets
// its sysctls and its own `ip -batch` (addresses, routes, links up) in one process, several namespaces at once.

import { planTopology, type TopologySpec } from './plan.js';
import type { ResourceRegistry } from './registry.js';
import { ipBatch, runCommand } from './run.js';

export interface TopologyTimings {
  globalMs: number;
  perNsMs: number;
}

async function pool<T>(items: readonly T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

/** Creates the namespaces and links of `topo`, recorded in `registry` before anything is created. */
export async function createTopology(topo: TopologySpec, registry: ResourceRegistry): Promise<TopologyTimings> {
  const plan = planTopology(topo);
  registry.addNamespaces(topo.namespaces.map((n) => n.name));
  const t0 = Date.now();
  await ipBatch(plan.global);
  const t1 = Date.now();
  await pool([...plan.perNs.keys()], 8, async (ns) => {
    const sysctls = plan.sysctls.get(ns) ?? [];
    // One process chain per namespace: sysctls, then `ip -batch -` reading this namespace's lines from stdin.
    // nsenter --net only switches the network namespace (what /proc/sys/net and ip act on); `ip netns exec`
    // would also build a mount namespace and remount /sys, which costs more than the work itself.
    // The sysctls are written by the shell itself (no sysctl process); sysctl names swap '.' and '/'.
    const writes = sysctls.map((kv) => {
      const [key, value] = kv.split('=') as [string, string];
      const path = key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
      return `echo ${value} > /proc/sys/${path}`;
    });
    const script = `${writes.join(' && ')} && exec ip -batch -`;
    await runCommand(['nsenter', `--net=/run/netns/${ns}`, 'sh', '-c', script], {
      input: plan.perNs.get(ns)!.join('\n') + '\n',
      timeoutMs: 30_000,
    });
  });
  return { globalMs: t1 - t0, perNsMs: Date.now() - t1 };
}

/** Runs `ip` batch lines in one namespace (e.g. `link set X down` for a link failure). */
export function nsIpBatch(ns: string, lines: readonly string[]): Promise<void> {
  return ipBatch(lines, ns);
}

/** Lists the namespaces whose names start with `prefix` (to check nothing of ours is left). */
export async function listNamespaces(prefix = ''): Promise<string[]> {
  const r = await runCommand(['ip', 'netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n && n.startsWith(prefix));
}
