// Probers in the clients' namespaces: one short-lived process per client running one job (probe/jobs.ts),
// recorded in the caller's registry, writing JSON lines into a log file the lab reads while it runs and at the end.

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceRegistry } from '../../../netns/registry.js';
import { nsSpawn } from '../../../netns/spawn.js';
import { UsageError } from '../../../util/errors.js';
import { nodeOf, type LabModel } from '../../model.js';
import { parseProbeLines, type ProbeJob, type ProbeLine } from '../../probe/jobs.js';
import type { ProbeRun } from '../types.js';

const PROBE_MAIN = fileURLToPath(new URL('../../probe/main.js', import.meta.url));

export function startProbes(model: LabModel, pdir: string, reg: ResourceRegistry, clients: string[], job: ProbeJob, run: number): ProbeRun {
  mkdirSync(pdir, { recursive: true });
  const procs = clients.map((c) => {
    const n = nodeOf(model, c);
    if (n?.kind !== 'client') throw new UsageError(`"${c}" is not a client`);
    const logFile = join(pdir, `${process.pid}-${run}-${c}.jsonl`);
    rmSync(logFile, { force: true });
    return { c, logFile, p: nsSpawn(n.ns, [process.execPath, PROBE_MAIN, JSON.stringify(job)], reg, { logFile, name: `probe(${c})` }) };
  });
  const read = async (): Promise<Map<string, ProbeLine[]>> => {
    const out = new Map<string, ProbeLine[]>();
    for (const { c, logFile } of procs) {
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
    if (stopFirst) for (const { p } of procs) p.kill('SIGTERM');
    await Promise.all(procs.map(({ p }) => p.stop(3000)));
    const lines = await read();
    for (const { logFile } of procs) rmSync(logFile, { force: true });
    return lines;
  };
  let ended: Promise<Map<string, ProbeLine[]>> | undefined;
  return {
    lines: read,
    stop: () => (ended ??= finish(true)),
    done: async () => {
      await Promise.all(procs.map(({ p }) => p.exited));
      return (ended ??= finish(false));
    },
  };
}
