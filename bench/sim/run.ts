// Simulator benchmarks on the full CAIDA 2018-01-01 graph (60,006 ASes, 261,340 links), each step in its own
// process so that its peak RSS is its own:
//   load         graph load (bzip2 + parse + CSR), and the whole world (graph + AS names + centroids)
//   announce13   one anycast announcement of 13 sites (C-root's 13 sites), both tie-break modes
//   announce1000 a 1,000-site deployment (the 1,000 best-connected ASes)
//   failover     failover of every site of K-root (125 sites), worker threads
//   converge     an event-driven convergence run (K-root, the largest site announces and withdraws)
//   reference    the textbook reference simulator (bench/sim/reference.ts) on the same 13-site input, in the
//                same process as the engine, with the answers compared AS by AS
// Usage: node dist/bench/sim/run.js [--out bench/results/sim.md] [--steps a,b,…]
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topCandidates } from '../../src/sim/candidates.js';
import { compileDeployment } from '../../src/sim/compile.js';
import { DEFAULT_TIMING } from '../../src/sim/converge/bgp.js';
import { geoLinkDelay, runScenario } from '../../src/sim/converge/scenario.js';
import { parseDeployment } from '../../src/sim/deployment.js';
import { defaults, loadGraph, loadWorld } from '../../src/sim/load.js';
import { propagate, type TieMode } from '../../src/sim/propagate.js';
import { rootDeployment } from '../../src/sim/root.js';
import { sweep, sweepContext } from '../../src/sim/sweep.js';
import { readInput } from '../../src/util/open-input.js';
import { referenceSimulate } from './reference.js';
import { median } from '../stats.js';

type Row = Record<string, string | number>;

/** CPU time (user + system, all threads of this process) in ms since `from`. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** Wall time (first run, median and best of the others) and CPU time per run (mean over the warm runs). The CPU
 *  figure is what the run costs on an idle core; on a shared machine wall time includes waiting for one. */
function timeRuns(f: () => void, n: number): { first: number; median: number; min: number; cpu: number } {
  const t: number[] = [];
  let c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    if (i === 1) c0 = process.cpuUsage();
    const t0 = performance.now(); f(); t.push(performance.now() - t0);
  }
  return { first: t[0]!, median: median(t.slice(1)), min: Math.min(...t), cpu: cpuMs(c0) / (n - 1) };
}

async function cRoot() {
  const w = await loadWorld();
  const f = join(defaults.rootServers, 'root_c.json');
  const d = rootDeployment(JSON.parse(readFileSync(f, 'utf8')), 'c', f, w.graph, w.info, w.centroids);
  return { w, d, c: compileDeployment(w.graph, d, w) };
}

const steps: Record<string, () => Promise<Row[]>> = {
  async load() {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { graph } = await loadGraph();
    const tg = performance.now() - t0;
    const cg = cpuMs(c0);
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    await loadWorld();
    const tw = performance.now() - t1;
    return [{ what: 'graph load (bzip2 + parse + CSR)', ms: tg, cpu: cg, note: `${graph.n} ASes; CPU excludes the bzip2 child process` },
      { what: 'world load (graph + AS names + centroids)', ms: tw, cpu: cpuMs(c1), note: '' }];
  },
  async announce13() {
    const { w, c } = await cRoot();
    const rows: Row[] = [];
    for (const mode of ['lowest-asn', 'all'] as TieMode[]) {
      let reached = 0;
      const t = timeRuns(() => { reached = propagate(w.graph, c.ann, mode).reached; }, 30);
      rows.push({ what: `13-site announcement (C-root), ${mode}`, ms: t.median, cpu: t.cpu, note: `first run ${t.first.toFixed(1)} ms, best ${t.min.toFixed(1)} ms; ${reached} ASes routed` });
    }
    return rows;
  },
  async announce1000() {
    const w = await loadWorld();
    const sites = topCandidates(w.graph, w.info, 1000);
    const c = compileDeployment(w.graph, { name: '1000', file: 'bench', sites }, w);
    const rows: Row[] = [];
    for (const mode of ['lowest-asn', 'all'] as TieMode[]) {
      let u = 0;
      const t = timeRuns(() => { u = propagate(w.graph, c.ann, mode).uncertain; }, 10);
      rows.push({ what: `1,000-site announcement, ${mode}`, ms: t.median, cpu: t.cpu, note: `first run ${t.first.toFixed(1)} ms; ${c.ann.seedCount} seeds${mode === 'all' ? `; ${u} uncertain ASes` : ''}` });
    }
    return rows;
  },
  async failover() {
    const w = await loadWorld();
    const f = join(defaults.examples, 'k-root.yaml');
    const c = compileDeployment(w.graph, parseDeployment(readFileSync(f, 'utf8'), f), w);
    const base = propagate(w.graph, c.ann);
    const tasks = c.sites.map((s) => { const e = new Uint8Array(c.sites.length).fill(1); e[s.index] = 0; return { enabled: e, movedFrom: s.index }; });
    const rows: Row[] = [];
    for (const workers of [1, cpus().length]) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await sweep(sweepContext(w.graph, w.geo, c, 'lowest-asn', undefined, base.site), tasks, { workers });
      rows.push({ what: `failover of every K-root site (${tasks.length}), ${workers > 1 ? `${workers} worker threads` : 'in the main thread'}`, ms: performance.now() - t0, cpu: cpuMs(c0),
        note: `${((performance.now() - t0) / tasks.length).toFixed(1)} ms per failover incl. analysis` });
    }
    return rows;
  },
  async converge() {
    const w = await loadWorld();
    const f = join(defaults.examples, 'k-root.yaml');
    const c = compileDeployment(w.graph, parseDeployment(readFileSync(f, 'utf8'), f), w);
    const r = propagate(w.graph, c.ann);
    const count = new Float64Array(c.sites.length);
    for (let i = 0; i < w.graph.n; i++) if (r.site[i]! >= 0) count[r.site[i]!]!++;
    let site = 0;
    for (let s = 1; s < count.length; s++) if (count[s]! > count[site]!) site = s;
    const c0 = process.cpuUsage();
    const res = runScenario(w.graph, c, { site, seed: 1, timing: { ...DEFAULT_TIMING, linkDelayMs: geoLinkDelay(w.geo) } });
    const cpu = cpuMs(c0);
    const ev = res.phases.reduce((a, p) => a + p.events, 0);
    return [{ what: `converge: K-root cold start + ${res.site} announce + withdraw, MRAI 30 s`, ms: res.wallMs, cpu,
      note: `${ev} events, ${res.phases.reduce((a, p) => a + p.updates, 0)} UPDATEs; simulated ${res.phases.map((p) => p.convergenceS.toFixed(1)).join(' / ')} s; end = static: ${res.phases.every((p) => p.matchesStatic)}` }];
  },
  async reference() {
    const { w, d, c } = await cRoot();
    const text = (await readInput(defaults.graph)).toString('utf8');
    const links = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => {
      const f = l.split('|');
      return [Number(f[0]), Number(f[1]), Number(f[2])] as const;
    });
    const rows: Row[] = [];
    for (const mode of ['lowest-asn', 'all'] as TieMode[]) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const ref = referenceSimulate(links, d.sites, mode);
      const tr = performance.now() - t0;
      const cr = cpuMs(c0);
      const t = timeRuns(() => propagate(w.graph, c.ann, mode), 10);
      const r = propagate(w.graph, c.ann, mode);
      let bad = 0;
      for (let i = 0; i < w.graph.n; i++) {
        const b = ref.best.get(w.graph.asn[i]!);
        if ((r.cls[i] !== 0) !== (b !== undefined)) { bad++; continue; }
        if (b === undefined) continue;
        if ((b.cls === 'origin' ? 0 : b.path.length) !== r.len[i]) { bad++; continue; }
        if (mode === 'lowest-asn' && b.site !== r.site[i]) { bad++; continue; }
        if (mode === 'all') {
          const pd = ref.dist!.get(w.graph.asn[i]!)!;
          const { start, count, site, prob } = r.dist!;
          if (pd.size !== count[i]) { bad++; continue; }
          for (let e = start[i]!; e < start[i]! + count[i]!; e++) if (Math.abs((pd.get(site[e]!) ?? -1) - prob[e]!) > 1e-9) { bad++; break; }
        }
      }
      rows.push({ what: `reference simulator, 13 sites, ${mode}`, ms: tr, cpu: cr,
        note: `${ref.rounds} rounds; engine on the same input: ${t.median.toFixed(1)} ms wall, ${t.cpu.toFixed(1)} ms CPU — ` +
          `${(cr / t.cpu).toFixed(0)}× less CPU; ASes whose answer differs: ${bad} of ${w.graph.n}` });
    }
    return rows;
  },
};

const me = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
if (args[0] === '--step') {
  const rows = await steps[args[1]!]!();
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(rows.map((r) => ({ ...r, rssMB: rss }))) + '\n');
  process.exit(0);
}
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? args[outIdx + 1] : undefined;
const stIdx = args.indexOf('--steps');
const chosen = stIdx >= 0 ? args[stIdx + 1]!.split(',') : Object.keys(steps);
const all: Row[] = [];
for (const s of chosen) {
  process.stderr.write(`bench sim: ${s}…\n`);
  const r = spawnSync(process.execPath, [me, '--step', s], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) { process.stderr.write(r.stderr); process.exit(1); }
  for (const row of JSON.parse(r.stdout.trim().split('\n').pop()!) as Row[]) {
    all.push(row);
    process.stderr.write(`  ${row.what}: ${Number(row.ms).toFixed(1)} ms (CPU ${Number(row.cpu).toFixed(1)} ms), peak RSS ${Number(row.rssMB).toFixed(0)} MB  ${row.note}\n`);
  }
}
const load = (() => { try { return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '); } catch { return '?'; } })();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}, load average ${load}`;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const table = ['| measurement | wall time | CPU time | peak RSS of its process | note |', '|---|---:|---:|---:|---|',
  ...all.map((r) => `| ${r.what} | ${fmt(Number(r.ms))} | ${fmt(Number(r.cpu))} | ${Number(r.rssMB).toFixed(0)} MB | ${r.note} |`)].join('\n');
process.stdout.write(table + '\n\n' + machine + '\n');
if (out) {
  const rev = (() => { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { return '?'; } })();
  writeFileSync(out, `<!-- generated by: node dist/bench/sim/run.js --out ${out} (commit ${rev}) -->\n${table}\n\nMachine: ${machine}.\n`);
}
