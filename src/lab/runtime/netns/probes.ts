// Probers in the clients' namespaces: a short-lived process running one job (probe/jobs.ts), one per client, or
// for a stream job one for all the clients (its sockets made in each client's namespace by the native addon),
// recorded in the caller's registry, writing each client's JSON lines into a file the lab reads while it runs
// and at the end.

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceRegistry } from '../../../netns/registry.js';
import { loadNetnsSockets } from '../../../netns/sockets.js';
import { nsSpawn, type NsProcess } from '../../../netns/spawn.js';
import { UsageError } from '../../../util/errors.js';
import { nodeOf, type LabModel } from '../../model.js';
import { parseProbeLines, type ProbeJob, type ProbeLine } from '../../probe/jobs.js';
import type { ProbeRun } from '../types.js';

const PROBE_MAIN = fileURLToPath(new URL('../../probe/main.js', import.meta.url));

function netnsSocketsAvailable(): boolean {
  try {
    loadNetnsSockets();
    return true;
  } catch {
    return false;
  }
}

export function startProbes(model: LabModel, pdir: string, reg: ResourceRegistry, clients: string[], job: ProbeJob, run: number): ProbeRun {
  mkdirSync(pdir, { recursive: true });
  const targets = clients.map((c) => {
    const n = nodeOf(model, c);
    if (n?.kind !== 'client') throw new UsageError(`"${c}" is not a client`);
    const logFile = join(pdir, `${process.pid}-${run}-${c}.jsonl`);
    rmSync(logFile, { force: true });
    return { c, ns: n.ns, logFile };
  });
  const start = (ns: string, j: ProbeJob, logFile: string, name: string) =>
    nsSpawn(ns, [process.execPath, PROBE_MAIN, JSON.stringify(j)], reg, { logFile, name });
  let procs: NsProcess[];
  const ownLog = join(pdir, `${process.pid}-${run}.log`);
  if (job.kind === 'stream' && targets.length > 1 && netnsSocketsAvailable()) {
    // One prober for every client: twenty processes each waking every 10 ms would take a 2-core machine's CPU
    // from the services and routers they measure.
    const streamClients = targets.map((t) => ({ name: t.c, ns: t.ns, log: t.logFile }));
    procs = [start(targets[0]!.ns, { ...job, clients: streamClients }, ownLog, `probe(${targets.length} clients)`)];
  } else {
    procs = targets.map((t) => start(t.ns, job, t.logFile, `probe(${t.c})`));
  }
  const read = async (): Promise<Map<string, ProbeLine[]>> => {
    const out = new Map<string, ProbeLine[]>();
    for (const { c, logFile } of targets) {
      let text = '';
      try {
        text = readFileSync(logFile, 'utf8');
      } catch {
        /* not written yet */
      }
      out.set(c, parseProbeLines(text));
    }
    return out;
  };
  const finish = async (stopFirst: boolean) => {
    if (stopFirst) for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.stop(3000)));
    const lines = await read();
    for (const { logFile } of targets) rmSync(logFile, { force: true });
    rmSync(ownLog, { force: true });
    return lines;
  };
  let ended: Promise<Map<string, ProbeLine[]>> | undefined;
  return {
    lines: read,
    stop: () => (ended ??= finish(true)),
    done: async () => {
      await Promise.all(procs.map((p) => p.exited));
      return (ended ??= finish(false));
    },
  };
}
