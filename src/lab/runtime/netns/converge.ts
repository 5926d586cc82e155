// When is the lab converged? When every BGP speaker holds exactly the prefixes the topology predicts
// (predict.ts: Gao-Rexford reachability), each at the predicted AS-path length, every session is established,
// and the best paths stay the same over a quiet period (ties are broken by the daemons; the quiet period makes
// sure no late route changes a tie). BIRD is polled over its control socket in process; the other daemons
// through their runner's CLI queries. Only speakers not yet satisfied are polled again.

import { WaitTimeoutError } from '../../../netns/errors.js';
import { parseBirdProtocols, parseBirdRoutes } from '../../../daemons/bird/parse.js';
import type { Daemon, NeighborStatus, RouteEntry } from '../../../daemons/index.js';
import type { LabModel } from '../../model.js';
import { predictAll, viewOf } from '../../predict.js';
import { birdCommand } from './birdctl.js';

export interface SpeakerHandle {
  node: string;
  daemon: Daemon;
  /** BIRD's control socket (fast path), when the speaker is BIRD. */
  birdSocket?: string;
}

export interface ConvergenceReport {
  ms: number;
  rounds: number;
  speakers: number;
  prefixes: number;
  sessions: number;
}

export async function bestRoutesOf(h: SpeakerHandle): Promise<RouteEntry[]> {
  if (h.birdSocket) {
    const fromOf = (p: string) => (p === 'orig4' || p === 'orig6' ? 'local' : p);
    const [v4, v6] = await Promise.all([
      birdCommand(h.birdSocket, 'show route table master4 primary all'),
      birdCommand(h.birdSocket, 'show route table master6 primary all'),
    ]);
    return [...parseBirdRoutes(v4, fromOf), ...parseBirdRoutes(v6, fromOf)];
  }
  const [v4, v6] = await Promise.all([h.daemon.bestRoutes('ipv4'), h.daemon.bestRoutes('ipv6')]);
  return [...v4, ...v6];
}

export async function sessionsOf(h: SpeakerHandle): Promise<NeighborStatus[]> {
  if (h.birdSocket) return parseBirdProtocols(await birdCommand(h.birdSocket, 'show protocols all'));
  return h.daemon.neighbors();
}

interface Expect {
  /** prefix → expected AS-path length of the best route, or 'local' (originated here). */
  want: Map<string, number | 'local'>;
  universe: Set<string>;
}

/** The lab without some links (down) or nodes (stopped): what the prediction must be made on. */
export function reducedModel(m: LabModel, linksDown: readonly number[], nodesDown: readonly string[]): LabModel {
  const gone = (l: { index: number; a: string; b: string }) => linksDown.includes(l.index) || nodesDown.includes(l.a) || nodesDown.includes(l.b);
  return {
    ...m,
    links: m.links.filter((l) => !gone(l)),
    nodes: m.nodes.map((n) => ({ ...n, interfaces: n.interfaces.filter((i) => !gone(m.links[i.link]!)) })),
  };
}

export function expectations(m: LabModel, announcing: readonly string[]): Map<string, Expect> {
  const preds = predictAll(m, announcing);
  const universe = new Set(preds.map((p) => p.prefix));
  const out = new Map<string, Expect>();
  for (const node of Object.keys(m.speakers)) {
    const spec = m.speakers[node]!;
    const originated = new Set((spec.originate ?? []).map((r) => r.prefix));
    const n = m.nodes.find((x) => x.name === node)!;
    if (n.kind === 'site') {
      originated.clear();
      if (announcing.includes(node)) for (const p of preds) if (p.kind === 'anycast' && p.byNode.get(viewOf(m, node))?.class === 'origin') originated.add(p.prefix);
    }
    const want = new Map<string, number | 'local'>();
    for (const p of preds) {
      if (originated.has(p.prefix)) want.set(p.prefix, 'local');
      else {
        // Learned from outside at the predicted length; or, from another router of our own AS (over iBGP), with
        // an empty AS path.
        const r = p.byNode.get(viewOf(m, node));
        if (r && (r.class !== 'origin' || n.kind === 'router')) want.set(p.prefix, r.length);
      }
    }
    out.set(node, { want, universe });
  }
  return out;
}

/** What is still wrong at one speaker ('' when it matches). */
export function mismatch(e: Expect, routes: RouteEntry[]): string {
  const best = new Map<string, RouteEntry>();
  for (const r of routes) if (r.best && e.universe.has(r.prefix) && !best.has(r.prefix)) best.set(r.prefix, r);
  const problems: string[] = [];
  for (const [p, len] of e.want) {
    const r = best.get(p);
    if (!r) problems.push(`${p} missing`);
    else if (len !== 'local' && r.asPath.length !== len) problems.push(`${p} AS path [${r.asPath.join(' ')}], expected length ${len}`);
  }
  for (const p of best.keys()) if (!e.want.has(p)) problems.push(`${p} present, not expected`);
  return problems.join('; ');
}

const fingerprint = (routes: RouteEntry[], universe: Set<string>) => routes.filter((r) => r.best && universe.has(r.prefix))
  .map((r) => `${r.prefix} ${r.nextHop} ${r.asPath.join(' ')}`).sort().join('\n');

export async function waitConverged(m: LabModel, speakers: SpeakerHandle[], announcing: readonly string[],
  opts: { timeoutMs?: number; quietMs?: number; intervalMs?: number } = {}): Promise<ConvergenceReport> {
  const t0 = Date.now();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const quietMs = opts.quietMs ?? 400;
  const exp = expectations(m, announcing);
  let pending = speakers.filter((s) => exp.has(s.node));
  const last = new Map<string, string>();
  let rounds = 0;
  for (;;) {
    rounds++;
    const results = await Promise.all(pending.map(async (s) => {
      try {
        return { s, problem: mismatch(exp.get(s.node)!, await bestRoutesOf(s)) };
      } catch (e) {
        return { s, problem: (e as Error).message };
      }
    }));
    for (const r of results) last.set(r.s.node, r.problem);
    pending = results.filter((r) => r.problem !== '').map((r) => r.s);
    if (pending.length === 0) {
      // Every speaker matches: sessions, then the quiet period over all of them.
      const all = speakers.filter((s) => exp.has(s.node));
      const sessions = await Promise.all(all.map(async (s) => ({ s, ns: await sessionsOf(s).catch(() => [] as NeighborStatus[]) })));
      const down = sessions.flatMap(({ s, ns }) => ns.filter((n) => n.state !== 'established').map((n) => `${s.node}: session ${n.name ?? n.address} ${n.state}`));
      const snap1 = await Promise.all(all.map(async (s) => fingerprint(await bestRoutesOf(s), exp.get(s.node)!.universe)));
      await new Promise((r) => setTimeout(r, quietMs));
      const snap2 = await Promise.all(all.map(async (s) => fingerprint(await bestRoutesOf(s), exp.get(s.node)!.universe)));
      const moved = all.filter((_, i) => snap1[i] !== snap2[i]);
      if (down.length === 0 && moved.length === 0) {
        return { ms: Date.now() - t0, rounds, speakers: all.length, prefixes: exp.values().next().value?.universe.size ?? 0,
          sessions: sessions.reduce((n, x) => n + x.ns.length, 0) };
      }
      for (const d of down) last.set(d.split(':')[0]!, d);
      pending = all.filter((s) => moved.includes(s) || down.some((d) => d.startsWith(`${s.node}:`)));
      if (pending.length === 0) pending = all;
    }
    if (Date.now() - t0 > timeoutMs) {
      const what = [...last].filter(([, p]) => p !== '').slice(0, 6).map(([n, p]) => `${n}: ${p}`).join(' | ');
      throw new WaitTimeoutError('the lab to converge', timeoutMs, what || 'nothing yet');
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
