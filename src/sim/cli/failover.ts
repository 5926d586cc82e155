// `anycast sim failover [SITE…]`: each site failed in turn (every site when none is named): where its catchment
// goes, what is lost, the resulting load per site and the change in mean estimated RTT. Runs on all cores.
import { evaluate } from '../catchment.js';
import { csv, json, pct, table, type Cell } from '../format.js';
import { propagate } from '../propagate.js';
import { sweep, sweepContext, sweepThreads } from '../sweep.js';
import type { Task } from '../sweep-task.js';
import { commonHelp, compile, limitOf, outputKind, parse, Progress, progressEnabled, siteByName, tieMode, weights, world, write } from './common.js';

const HELP = `usage: anycast sim failover [SITE…] [options]
  Fails each named site (default: every site) alone and reports where its catchment goes.
  --top N             destinations to show per failed site (default 3)
  --limit N           the table shows the N failures with the largest catchments only
  --workers N         worker threads (default: one per core)
${commonHelp}`;

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { top: { type: 'string', default: '3' }, workers: { type: 'string' }, limit: { type: 'string' } }, true);
  const limit = limitOf(v);
  if (v.help) { write(HELP); return 0; }
  const out = outputKind(v);
  const mode = tieMode(v);
  const w = await world(v);
  const c = compile(v, w);
  const wt = weights(v, w);
  const failed = positionals.length > 0 ? positionals.map((id) => siteByName(c, id)) : c.sites.map((s) => s.index);
  const base = propagate(w.graph, c.ann, mode);
  const before = evaluate(w.graph, w.geo, c, base, wt?.w);
  const total = before.siteWeight.reduce((a, b) => a + b, 0);
  const tasks: Task[] = failed.map((f) => {
    const enabled = new Uint8Array(c.sites.length).fill(1);
    enabled[f] = 0;
    return { enabled, movedFrom: f };
  });
  const prog = new Progress(progressEnabled(v), 'failover');
  const t0 = performance.now();
  const sopts = { ...(v.workers ? { workers: Number(v.workers) } : {}), onProgress: (d: number, t: number) => prog.tick(d, t) };
  const threads = sweepThreads(tasks.length, sopts);
  const res = await sweep(sweepContext(w.graph, w.geo, c, mode, wt?.w, base.site), tasks, sopts);
  const ms = performance.now() - t0;
  const top = Number(v.top);
  const rows = failed.map((f, k) => {
    const r = res[k]!;
    const dest = [...r.moved!].map((x, s) => [s, x] as const).filter(([, x]) => x > 0).sort((a, b) => b[1] - a[1]);
    let maxS = 0;
    for (let s = 0; s < r.siteWeight.length; s++) if (r.siteWeight[s]! > r.siteWeight[maxS]!) maxS = s;
    return {
      site: c.sites[f]!.id, catchment: before.siteWeight[f]!, lost: r.lostWeight!, lostAses: r.lostAses!,
      movedTo: Object.fromEntries(dest.map(([s, x]) => [c.sites[s]!.id, x])),
      busiestAfter: { site: c.sites[maxS]!.id, weight: r.siteWeight[maxS]!, share: r.siteWeight[maxS]! / total },
      meanRttMsBefore: before.meanRttMs, meanRttMsAfter: r.meanRttMs,
      loadAfter: Object.fromEntries(c.sites.map((s, i) => [s.id, r.siteWeight[i]!])),
    };
  });
  if (out === 'json') {
    write(json({ deployment: c.name, mode, weighted: wt !== undefined, elapsedMs: ms, failovers: rows }));
    return 0;
  }
  if (out === 'csv') {
    write(csv(['failed_site', 'catchment', 'lost', 'destinations', 'busiest_after', 'busiest_share', 'mean_rtt_ms_before', 'mean_rtt_ms_after'],
      rows.map((r) => [r.site, r.catchment, r.lost, Object.entries(r.movedTo).map(([s, x]) => `${s}:${x}`).join(' '),
        r.busiestAfter.site, r.busiestAfter.share, r.meanRttMsBefore, r.meanRttMsAfter])));
    return 0;
  }
  const unit = wt ? 'weight' : 'ASes';
  write(`${c.name}: ${rows.length} site failure${rows.length > 1 ? 's' : ''}, each alone; tie-break ${mode}; ` +
    `${(ms / 1000).toFixed(1)} s on ${threads} thread${threads > 1 ? 's' : ''}\n` +
    `mean estimated RTT (ASes with a route) with all sites up: ${before.meanRttMs.toFixed(1)} ms\n`);
  const sorted = [...rows].sort((a, b) => b.catchment - a.catchment);
  write(table([{ title: 'failed site' }, { title: unit, digits: 0 }, { title: `went to (top ${top})` }, { title: 'lost', digits: 0 },
    { title: 'busiest site after' }, { title: 'share', align: 'right' }, { title: 'ΔRTT-ms', align: 'right' }],
  sorted.slice(0, limit).map((r): Cell[] => [r.site, r.catchment,
    Object.entries(r.movedTo).slice(0, top).map(([s, x]) => `${s} ${pct(x / (r.catchment || 1), 0)}`).join(', ') || '-',
    r.lost, r.busiestAfter.site, pct(r.busiestAfter.share),
    `${r.meanRttMsAfter - r.meanRttMsBefore >= 0 ? '+' : ''}${(r.meanRttMsAfter - r.meanRttMsBefore).toFixed(2)}`])));
  if (sorted.length > limit) write(`… ${sorted.length - limit} more (--limit)`);
  if (rows.length === 1) {
    const r = rows[0]!;
    write('\nload per site (sites whose load changed):');
    write(table([{ title: 'site' }, { title: 'before', digits: 0 }, { title: 'after', digits: 0 }, { title: 'change', align: 'right' }],
      c.sites.map((s, i): Cell[] => [s.id, before.siteWeight[i]!, r.loadAfter[s.id]!, before.siteWeight[i]! === r.loadAfter[s.id]! ? '' :
        `${r.loadAfter[s.id]! - before.siteWeight[i]! >= 0 ? '+' : ''}${Math.round(r.loadAfter[s.id]! - before.siteWeight[i]!)}`])
        .filter((x) => x[3] !== '').sort((a, b) => (b[2] as number) - (a[2] as number))));
  }
  return 0;
}
