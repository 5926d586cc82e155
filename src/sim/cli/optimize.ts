// `anycast sim optimize K` and `anycast sim add-site`: choose sites for mean estimated latency (optimize.ts),
// evaluating candidate sets on all cores.
import { UsageError } from '../../util/errors.js';
import { topCandidates } from '../candidates.js';
import { compileDeployment } from '../compile.js';
import { parseDeployment, type Deployment, type SiteSpec } from '../deployment.js';
import { csv, json, table, type Cell } from '../format.js';
import { selectSites, type SearchResult, type Step } from '../optimize.js';
import { SweepPool, sweepContext, sweepThreads } from '../sweep.js';
import { commonHelp, loadDeployment, outputKind, parse, Progress, progressEnabled, readText, tieMode, weights, world, write } from './common.js';
import type { Values } from './common.js';
import type { World } from '../load.js';

const OPTS = {
  candidates: { type: 'string' },
  count: { type: 'string', default: '1' },
  budget: { type: 'string', default: '2000' },
  'no-swap': { type: 'boolean', default: false },
  workers: { type: 'string' },
} as const;

const CAND_HELP = `  --candidates C      a deployment file whose sites are the candidates, or top:N (the N best-connected ASes)
  --budget N          evaluations allowed for the swap search / exhaustive search (default 2000)
  --no-swap           greedy only
  --workers N         worker threads (default: one per core)`;

function candidates(v: Values, w: World, base: Deployment, dflt: string): SiteSpec[] {
  const spec = (v.candidates as string | undefined) ?? dflt;
  if (spec === 'self') return base.sites;
  const m = /^top:(\d+)$/.exec(spec);
  if (m) return topCandidates(w.graph, w.info, Number(m[1]), base);
  return parseDeployment(readText(spec), spec).sites;
}

async function search(v: Values, fixedSites: SiteSpec[], cands: SiteSpec[], k: number, base: Deployment, w: World) {
  const ids = new Set(fixedSites.map((s) => s.id));
  const candSites = cands.filter((s) => !ids.has(s.id));
  if (candSites.length === 0) throw new UsageError('no candidate sites');
  const all: Deployment = { ...base, sites: [...fixedSites, ...candSites] };
  const c = compileDeployment(w.graph, all, w);
  const mode = tieMode(v);
  const wt = weights(v, w);
  const prog = new Progress(progressEnabled(v), 'evaluating');
  const sopts = { ...(v.workers ? { workers: Number(v.workers) } : {}) };
  const pool = new SweepPool(sweepContext(w.graph, w.geo, c, mode, wt?.w), sopts);
  const fixed = fixedSites.map((_, i) => i);
  const candIdx = candSites.map((_, i) => fixedSites.length + i);
  const t0 = performance.now();
  let res: SearchResult;
  try {
    res = await selectSites(fixed, candIdx, k, async (sets) => {
      const tasks = sets.map((set) => { const e = new Uint8Array(c.sites.length); for (const i of set) e[i] = 1; return { enabled: e }; });
      return (await pool.run(tasks, (d, t) => prog.tick(d, t))).map((r) => r.objectiveMs);
    }, { budget: Number(v.budget), swap: !v['no-swap'],
      onStep: (s) => prog.note(`${s.action} ${c.sites[s.site]!.id}${s.removed !== undefined ? ` for ${c.sites[s.removed]!.id}` : ''}: mean RTT ${s.meanRttMs.toFixed(2)} ms`) });
  } finally {
    await pool.close();
  }
  return { c, res, ms: performance.now() - t0, threads: sweepThreads(candIdx.length, sopts), mode };
}

function stepRows(steps: Step[], name: (i: number) => string): Cell[][] {
  return steps.map((s, i) => [i + 1, s.action, name(s.site), s.removed === undefined ? '' : name(s.removed), s.meanRttMs, Number.isNaN(s.gainMs) ? '-' : s.gainMs.toFixed(2)]);
}

function report(v: Values, title: string, r: Awaited<ReturnType<typeof search>>): number {
  const { c, res } = r;
  const name = (i: number) => c.sites[i]!.id;
  if (outputKind(v) === 'json') {
    write(json({ deployment: c.name, mode: r.mode, method: res.method, localOptimum: res.localOptimum, evaluations: res.evaluations, elapsedMs: r.ms,
      chosen: res.chosen.map(name), meanRttMs: res.meanRttMs, greedyMeanRttMs: res.greedyMeanRttMs,
      greedy: res.greedy.map((s) => ({ ...s, site: name(s.site) })),
      swaps: res.swaps.map((s) => ({ ...s, site: name(s.site), removed: name(s.removed!) })) }));
    return 0;
  }
  if (outputKind(v) === 'csv') {
    write(csv(['step', 'action', 'site', 'replaces', 'mean_rtt_ms', 'gain_ms'], stepRows([...res.greedy, ...res.swaps], name)));
    return 0;
  }
  write(`${title}\n${res.evaluations} evaluations in ${(r.ms / 1000).toFixed(1)} s on ${r.threads} thread${r.threads > 1 ? 's' : ''}; tie-break ${r.mode}; ` +
    `objective: mean estimated RTT (an AS without a route counts 1000 ms)\n`);
  write(table([{ title: '#' }, { title: 'step' }, { title: 'site' }, { title: 'replaces' }, { title: 'mean-RTT-ms', digits: 2 }, { title: 'gain-ms', align: 'right' }],
    stepRows([...res.greedy, ...res.swaps], name)));
  const better = res.greedyMeanRttMs - res.meanRttMs;
  write(`\nmethod: ${res.method}${res.localOptimum && res.method !== 'exhaustive' ? ' (local optimum: no single swap improves)' : ''}` +
    `${res.method === 'exhaustive' ? ' (every subset evaluated: the optimum)' : ''}; ` +
    `greedy ${res.greedyMeanRttMs.toFixed(2)} ms -> final ${res.meanRttMs.toFixed(2)} ms (${better > 1e-9 ? `${better.toFixed(2)} ms better than greedy` : 'greedy was already best'})`);
  write(`chosen: ${res.chosen.map(name).join(' ')}`);
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, OPTS, true);
  if (v.help) {
    write(`usage: anycast sim optimize K [options]\n  The best K sites out of the candidates (default: the deployment's own sites) for mean estimated RTT:\n` +
      `  greedy, then swap local search (or every subset when few enough).\n${CAND_HELP}\n${commonHelp}`);
    return 0;
  }
  const k = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(k) || k < 1) throw new UsageError('give K, the number of sites to choose (anycast sim optimize 5)');
  const w = await world(v);
  const base = loadDeployment(v, w);
  const cands = candidates(v, w, base, 'self');
  if (k > cands.length) throw new UsageError(`K=${k} but there are only ${cands.length} candidates`);
  const r = await search(v, [], cands, k, base, w);
  return report(v, `${base.name}: the best ${k} of ${cands.length} candidate sites`, r);
}

export async function runAddSite(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTS);
  if (v.help) {
    write(`usage: anycast sim add-site [--count N] [options]\n  The best site(s) to add to the deployment, out of candidates (default: top:100),\n` +
      `  for mean estimated RTT; greedy with each step's gain, then swap among the added ones.\n  --count N           sites to add (default 1)\n${CAND_HELP}\n${commonHelp}`);
    return 0;
  }
  const k = Number(v.count);
  if (!Number.isInteger(k) || k < 1) throw new UsageError('--count must be a positive integer');
  const w = await world(v);
  const base = loadDeployment(v, w);
  const cands = candidates(v, w, base, 'top:100');
  const r = await search(v, base.sites, cands, k, base, w);
  return report(v, `${base.name} (${base.sites.length} sites): adding ${k} of ${cands.length} candidate sites`, r);
}
