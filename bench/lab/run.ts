// Lab bring-up benchmark: generated topologies of 20, 50 and 100 routers (tiered ASes, `anycast lab generate`),
// each brought up (namespaces and links in batches, every speaker started, site services, convergence to the
// predicted routes) and torn down, several rounds; medians reported per implementation. BIRD on every router (and
// BIRD driven by the agent at the sites) is the anchor; our speaker on every router (and the agent's embedded
// speaker at the sites) runs side by side in the same run.
//   node dist/bench/lab/run.js [--sizes 20,50,100] [--rounds 3] [--impl bird,anycast,anycast-process] [--timeout S] [--json]
// `anycast` runs our routers in the lab's router host process (src/lab/host); `anycast-process` one process each.
// Needs root. Target: 100 routers up and converged in <= 10 s.

import { readFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { generateTopology } from '../../src/lab/generate.js';
import { NetnsLab } from '../../src/lab/runtime/netns/lab.js';
import { requireSpeaker } from '../../src/lab/runtime/netns/speakers.js';
import { recordedProcesses } from '../../src/lab/state.js';
import { topologyFromObject } from '../../src/lab/topology/parse.js';
import type { RouterImpl } from '../../src/lab/topology/types.js';
import { median } from '../stats.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '20,50,100' }, rounds: { type: 'string', default: '3' }, impl: { type: 'string', default: 'bird,anycast' }, json: { type: 'boolean' }, timeout: { type: 'string' } } });
const failures: string[] = [];
const sizes = values.sizes!.split(',').map(Number);
const rounds = Number(values.rounds);
const impls = values.impl!.split(',');
/** The implementation and router runner a bench label names. */
const implOf = (label: string): { impl: RouterImpl; routers: 'host' | 'process' } =>
  label === 'anycast-process' ? { impl: 'anycast', routers: 'process' } : { impl: label as RouterImpl, routers: 'host' };
process.env.ANYCAST_STATE_DIR ??= '/tmp/anycast-bench-state';

interface Round { namespacesMs: number; speakersMs: number; servicesMs: number; convergeMs: number; upMs: number; downMs: number; sessions: number; namespaces: number; cpuMs: number }

/** CPU time (ms) of a process from /proc/PID/stat: utime + stime, plus its reaped children's when `children`. */
function cpuOf(pid: number | 'self', children: boolean): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // Fields after the command: state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based in proc(5)).
    const v = (i: number) => Number(f[i - 3]);
    return (v(14) + v(15) + (children ? v(16) + v(17) : 0)) * 10; // 100 clock ticks per second
  } catch {
    return 0;
  }
}

const results: Array<{ impl: string; routers: number; available: boolean; reason?: string; rounds: Round[]; median?: Round }> = [];
for (const impl of impls) {
  const { impl: kind, routers } = implOf(impl);
  try {
    requireSpeaker(kind);
  } catch (e) {
    for (const n of sizes) results.push({ impl, routers: n, available: false, reason: (e as Error).message, rounds: [] });
    continue;
  }
  for (const n of sizes) {
    const t = topologyFromObject(generateTopology({ routers: n, seed: 1, implementation: kind }), `gen${n}`);
    const rs: Round[] = [];
    for (let r = 0; r < rounds; r++) {
      const name = `bench-${impl}-${n}-${process.pid}`;
      // Let the previous round's processes be reaped first: their CPU would land in this round's children total.
      await new Promise((r) => setTimeout(r, 1500));
      const cpu0 = cpuOf('self', true);
      let up: Awaited<ReturnType<typeof NetnsLab.up>>;
      try {
        up = await NetnsLab.up(t, { keep: false, name, prefix: `aclb${process.pid}n${n}`, routers, ...(values.timeout ? { timeoutMs: Number(values.timeout) * 1000 } : {}) });
      } catch (e) {
        // A round that did not converge is reported as such (up() has taken the lab down) and the run goes on.
        failures.push(`${impl} ${n} routers, round ${r + 1}: ${(e as Error).message.slice(0, 300)}`);
        process.stderr.write(`${failures.at(-1)}\n`);
        continue;
      }
      const { lab, report } = up;
      // CPU used by the bring-up: this process and the short-lived commands it ran and reaped, plus every daemon,
      // agent and service still running. On an idle machine with C cores the wall time is at least cpu / C.
      const selfMs = cpuOf('self', true) - cpu0;
      const byKind = new Map<string, number>([['lab process and its commands', selfMs]]);
      for (const p of recordedProcesses(name).filter((x) => x.alive)) {
        const k = (p.name ?? '?').replace(/\(.*$/, '');
        byKind.set(k, (byKind.get(k) ?? 0) + cpuOf(p.pid, true));
      }
      const cpuMs = [...byKind.values()].reduce((a, b) => a + b, 0);
      process.stderr.write(`  CPU by kind: ${[...byKind].map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ')}\n`);
      const down = await lab.down();
      if (down.errors.length) throw new Error(down.errors.join('; '));
      const tm = report.timings;
      rs.push({ namespacesMs: tm.namespacesMs, speakersMs: tm.speakersMs, servicesMs: tm.servicesMs, convergeMs: tm.convergeMs, upMs: tm.totalMs,
        downMs: down.ms, sessions: report.sessions, namespaces: report.namespaces, cpuMs });
      process.stderr.write(`${impl} ${n} routers, round ${r + 1}: up ${(tm.totalMs / 1000).toFixed(2)} s (CPU ${(cpuMs / 1000).toFixed(2)} s), down ${(down.ms / 1000).toFixed(2)} s, load ${loadavg()[0]!.toFixed(1)}\n`);
    }
    if (rs.length === 0) {
      results.push({ impl, routers: n, available: false, reason: 'no round converged', rounds: [] });
      continue;
    }
    const med = Object.fromEntries(Object.keys(rs[0]!).map((k) => [k, median(rs.map((x) => x[k as keyof Round]))])) as unknown as Round;
    results.push({ impl, routers: n, available: true, rounds: rs, median: med });
  }
}

if (failures.length) process.stdout.write(`rounds that did not converge:\n${failures.map((f) => `- ${f}`).join('\n')}\n\n`);
const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? '?', loadavg: loadavg().map((x) => Math.round(x * 10) / 10) };
if (values.json) {
  process.stdout.write(JSON.stringify({ machine, rounds, results, failures }, null, 2) + '\n');
} else {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  process.stdout.write(`machine: ${machine.cpus} × ${machine.model}, load average ${machine.loadavg.join(' ')}; median of the converged rounds (of ${rounds})\n\n`);
  process.stdout.write('| routers | speaker | namespaces | sessions | namespaces + links | speakers started | site services | converged after | **up + converged** | CPU used | teardown |\n');
  process.stdout.write('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n');
  for (const r of results) {
    if (!r.available) {
      process.stdout.write(`| ${r.routers} | ${r.impl} | – | – | not available: ${r.reason} | | | | | | |\n`);
      continue;
    }
    const m = r.median!;
    process.stdout.write(`| ${r.routers} | ${r.impl === 'anycast' ? 'anycast (ours, router host; sites: agent\'s speaker)' : r.impl === 'anycast-process' ? 'anycast (ours, a process each; sites: agent\'s speaker)' : `${r.impl} (sites: BIRD + agent)`} | ${m.namespaces} | ${m.sessions} (${r.rounds.length}/${rounds} rounds) | ${s(m.namespacesMs)} | ${s(m.speakersMs)} | ${s(m.servicesMs)} | ${s(m.convergeMs)} | **${s(m.upMs)}** | ${s(m.cpuMs)} | ${s(m.downMs)} |\n`);
  }
}
