// `anycast sim converge`: event-driven BGP with MRAI on the AS graph: convergence after a site announces and
// after it withdraws, with UPDATE counts, path exploration and transient loss of reachability.
import { UsageError } from '../../util/errors.js';
import { DEFAULT_TIMING, type TimingModel } from '../converge/bgp.js';
import { geoLinkDelay, runScenario } from '../converge/scenario.js';
import { csv, json, table, type Cell } from '../format.js';
import { propagate } from '../propagate.js';
import { commonHelp, compile, outputKind, parse, progressEnabled, rejectUnused, siteByName, world, write } from './common.js';

const HELP = `usage: anycast sim converge [options]
  From the stable state of every other site: SITE announces, the network settles, SITE withdraws, it settles.
  Event-driven: per-session MRAI with jitter (RFC 4271 §9.2.1.1, §10), link and processing delays.
  --site ID           the site (default: the one with the largest catchment)
  --mrai S            MinRouteAdvertisementInterval in seconds (default 30; 0 = off)
  --no-jitter         MRAI without the random 0.75–1 factor
  --wrate             rate-limit withdrawals too (default: withdrawals go at once)
  --proc MIN-MAX      processing delay per UPDATE in ms (default 1-10)
  --link-delay MS     fixed link delay (default: distance between the ASes' countries / 200 km/ms + 1 ms)
  --seed N            random seed for jitter and processing delays (default 1)
  --bucket S          timeline bucket in seconds (default 5)
  (tie-break: lowest-asn; BGP picks one route)
${commonHelp}`;

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, {
    site: { type: 'string' }, mrai: { type: 'string', default: '30' }, 'no-jitter': { type: 'boolean', default: false },
    wrate: { type: 'boolean', default: false }, proc: { type: 'string', default: '1-10' }, 'link-delay': { type: 'string' },
    seed: { type: 'string', default: '1' }, bucket: { type: 'string', default: '5' },
  });
  if (v.help) { write(HELP); return 0; }
  if (v.mode !== 'lowest-asn') throw new UsageError('converge simulates BGP, which picks one route: --mode lowest-asn only');
  rejectUnused(v, 'converge', ['weights']);
  const out = outputKind(v);
  const mrai = Number(v.mrai);
  if (!(mrai >= 0)) throw new UsageError('--mrai must be a number of seconds >= 0');
  const pm = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(String(v.proc));
  if (!pm || Number(pm[1]) > Number(pm[2])) throw new UsageError('--proc is MIN-MAX in ms, e.g. 1-10');
  const bucket = Number(v.bucket);
  if (!(bucket > 0)) throw new UsageError('--bucket must be > 0 seconds');
  const w = await world(v);
  const c = compile(v, w);
  let site: number;
  if (v.site !== undefined) site = siteByName(c, v.site as string);
  else {
    const r = propagate(w.graph, c.ann, 'lowest-asn');
    const count = new Float64Array(c.sites.length);
    for (let i = 0; i < w.graph.n; i++) if (r.site[i]! >= 0) count[r.site[i]!]!++;
    site = 0;
    for (let s = 1; s < count.length; s++) if (count[s]! > count[site]!) site = s;
  }
  const fixed = v['link-delay'] === undefined ? undefined : Number(v['link-delay']);
  if (fixed !== undefined && !(fixed >= 0)) throw new UsageError('--link-delay must be ms >= 0');
  const timing: TimingModel = {
    ...DEFAULT_TIMING, mraiMs: mrai * 1000, jitterMin: v['no-jitter'] ? 1 : DEFAULT_TIMING.jitterMin, wrate: v.wrate === true,
    procMinMs: Number(pm[1]), procMaxMs: Number(pm[2]),
    linkDelayMs: fixed !== undefined ? () => fixed : geoLinkDelay(w.geo),
  };
  let lastNote = 0;
  const res = runScenario(w.graph, c, { site, timing, seed: Number(v.seed), bucketMs: bucket * 1000,
    onProgress: (phase, s, ev) => {
      if (!progressEnabled(v) || Date.now() - lastNote < 500) return;
      lastNote = Date.now();
      process.stderr.write(`\r${phase}: simulated ${s.toFixed(1)} s, ${ev} events   `);
    } });
  if (progressEnabled(v)) process.stderr.write('\n');
  const timingText = `MRAI ${mrai} s${mrai > 0 ? (v['no-jitter'] ? ' (no jitter)' : ' (jitter ×0.75–1)') : ''}, withdrawals ${timing.wrate ? 'rate-limited' : 'not rate-limited'}, ` +
    `processing ${timing.procMinMs}–${timing.procMaxMs} ms, link delay ${fixed !== undefined ? `${fixed} ms` : 'from distance'}; seed ${v.seed}`;
  if (out === 'json') {
    write(json({ deployment: c.name, ...res, timing: { ...res.timing, linkDelay: fixed !== undefined ? `${fixed} ms` : 'distance/200 km/ms + 1 ms' } }));
    return 0;
  }
  const rows = res.phases.map((p): Cell[] => [p.phase, p.convergenceS, p.lastChangeS, p.updates, `${p.announcements}/${p.withdrawals}`,
    p.asesChanged, p.pathExploration, p.maxChanges, p.transientNoRoute, p.noRouteAsSeconds, p.matchesStatic ? 'yes' : `NO (${p.mismatches})`]);
  const head = ['phase', 'converged-s', 'last-change-s', 'UPDATEs', 'ann/wdr', 'ASes-changed', 'explored', 'max-changes',
    'lost-route', 'no-route-AS·s', 'end=static'];
  if (out === 'csv') {
    write(csv(['phase', 'converged_s', 'last_change_s', 'updates', 'announcements', 'withdrawals', 'ases_changed', 'explored',
      'max_changes', 'lost_route', 'no_route_as_seconds', 'peak_no_route', 'end_no_route', 'matches_static'],
    res.phases.map((p) => [p.phase, p.convergenceS, p.lastChangeS, p.updates, p.announcements, p.withdrawals, p.asesChanged,
      p.pathExploration, p.maxChanges, p.transientNoRoute, p.noRouteAsSeconds, p.peakNoRoute, p.endNoRoute, p.matchesStatic ? 'yes' : 'no'])));
    return 0;
  }
  write(`${c.name}: site ${res.site}; ${w.graph.n} ASes; ${timingText}; ${(res.wallMs / 1000).toFixed(1)} s wall clock\n`);
  write(table(head.map((t, i) => ({ title: t, ...(i === 1 || i === 2 || i === 9 ? { digits: 1 } : {}) })), rows));
  write('\nconverged: last UPDATE processed; last change: last best-route change; explored: ASes whose best route changed more than once;\n' +
    'lost-route: ASes that were briefly without a route and got one back; end=static: final state equals the static engine\'s.');
  for (const p of res.phases.slice(1)) {
    const max = Math.max(1, ...p.timeline);
    write(`\nUPDATEs sent after "${p.phase}", per ${p.bucketS} s:`);
    const last = p.timeline.length;
    for (let b = 0; b < last; b++) {
      const n = p.timeline[b]!;
      if (n === 0 && b > 0 && b < last - 1 && p.timeline[b - 1] === 0) continue;
      write(`  ${String(b * p.bucketS).padStart(5)}-${String((b + 1) * p.bucketS).padEnd(5)}s ${String(n).padStart(7)} ${'#'.repeat(Math.ceil((40 * n) / max))}`.trimEnd());
    }
  }
  return 0;
}
