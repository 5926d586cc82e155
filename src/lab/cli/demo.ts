// The `anycast demo` command line: picks the runtime (network namespaces as root; in-process otherwise, once
// it exists), loads the world, runs the demo, prints the report (or its JSON).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detectCapabilities, hasProgram } from '../../netns/capabilities.js';
import { errorMessage, UsageError } from '../../util/errors.js';
import { runDemo } from '../demo.js';
import { type DryRunCapabilities, formatDemoPlan, planDemo } from '../demo-plan.js';
import { requireSpeaker } from '../runtime/netns/speakers.js';
import { listLabs, ownerAlive, readLab } from '../state.js';
import type { Topology } from '../topology/types.js';
import { loadTopology } from '../topology/parse.js';
import { json, parse, progress, write } from './common.js';

export const DEFAULT_WORLD = fileURLToPath(new URL('../../../../examples/world.yaml', import.meta.url));

export async function demo(argv: string[]): Promise<number> {
  const a = parse(argv, {
    topology: { type: 'string', short: 't' }, runtime: { type: 'string' }, fail: { type: 'string' }, 'no-ddos': { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
    'dry-run': { type: 'boolean', short: 'n' },
  }, `usage: anycast demo [--topology FILE] [--runtime auto|netns|inproc] [--fail SITE] [--no-ddos] [--dry-run] [--json] [-q]
  Brings the world up (default examples/world.yaml), shows the catchment, fails a site (default tokyo) and
  restores it, splits a DDoS, tears everything down, and explains each step. Needs root for network
  namespaces; --runtime inproc runs the same in one process. --dry-run (-n) prints the runtime it would
  choose and why, the topology and the steps, creating nothing (no root needed); it exits 1 if the demo
  could not start.`);
  if (!a) return 0;
  if (a.positionals.length > 0) throw new UsageError(`unexpected argument '${a.positionals[0]}' (anycast demo --help)`);
  let runtime = a.values.runtime ?? 'auto';
  if (!['auto', 'netns', 'inproc'].includes(runtime)) {
    throw new UsageError(`--runtime '${runtime}' is not valid (accepted: auto, netns, inproc)`);
  }
  const file = a.values.topology ?? DEFAULT_WORLD;
  const t = loadTopology(file);
  // A misspelt site would otherwise be found only at step 3, after the world is built.
  if (a.values.fail !== undefined && !t.sites.some((s) => s.name === a.values.fail)) {
    throw new UsageError(`--fail '${a.values.fail}' is not a site of ${t.file} (sites: ${t.sites.map((s) => s.name).join(', ')})`);
  }
  if (a.values['dry-run']) {
    const plan = planDemo(t, {
      runtime: runtime as 'auto' | 'netns' | 'inproc', skipDdos: !!a.values['no-ddos'], caps: dryRunCapabilities(t),
      ...(a.values.fail ? { failSite: a.values.fail } : {}), ...earlierDemo(),
    });
    write(a.values.json ? json(plan) : formatDemoPlan(plan));
    return plan.ready ? 0 : 1;
  }
  if (runtime === 'auto') {
    const caps = await detectCapabilities('acd');
    runtime = caps.root && caps.netns ? 'netns' : 'inproc';
    if (runtime === 'inproc') process.stderr.write(`anycast demo: no network namespaces here (${caps.notes.join('; ')}); trying the in-process runtime\n`);
  }
  const quiet = !!a.values.quiet || !!a.values.json;
  const report = await runDemo(t, {
    runtime: runtime as 'netns' | 'inproc',
    ...(a.values.fail ? { failSite: a.values.fail } : {}), skipDdos: !!a.values['no-ddos'],
    write: a.values.json ? () => undefined : write, progress: progress(quiet),
  });
  if (a.values.json) write(json(report));
  return 0;
}

/** Capabilities found without creating anything (the real run's detectCapabilities makes a scratch namespace). */
function dryRunCapabilities(t: Topology): DryRunCapabilities {
  const missing: string[] = [];
  const kinds = new Set([...t.routers.map((r) => r.implementation), ...t.sites.map((s) => s.implementation)]);
  for (const k of kinds) {
    try {
      requireSpeaker(k);
    } catch (e) {
      missing.push(errorMessage(e));
    }
  }
  return { root: process.getuid?.() === 0, ip: hasProgram('ip'), kernelNetns: existsSync('/proc/self/ns/net'), missing };
}

function earlierDemo(): { earlier?: { pid: number; alive: boolean } } {
  if (!listLabs().includes('demo')) return {};
  try {
    const st = readLab('demo');
    return { earlier: { pid: st.owner.pid, alive: ownerAlive(st) } };
  } catch {
    return {};
  }
}
