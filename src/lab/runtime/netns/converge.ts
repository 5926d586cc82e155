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
  /** What the check needs of a speaker: its spec (neighbors), best routes, sessions. */
  daemon: Pick<Daemon, 'spec' | 'bestRoutes' | 'neighbors'>;
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
    // As the src/daemons runner reports it: 'local' for our originations, the neighbor's address for a session.
    const fromOf = (p: string) => (p === 'orig4' || p === 'orig6' ? 'local'
      : h.daemon.spec.neighbors.find((n) => `bgp_${n.name}` === p)?.address ?? p);
    // Both tables in one command (their "Table …:" headings are not route lines).
    return parseBirdRoutes(await birdCommand(h.birdSocket, 'show route table all primary all'), fromOf);
  }
  const [v4, v6] = await Promise.all([h.daemon.bestRoutes('ipv4'), h.daemon.bestRoutes('ipv6')]);
  return [...v4, ...v6];
}

export async function sessionsOf(h: SpeakerHandle): Promise<NeighborStatus[]> {
  if (h.birdSocket) return parseBirdProtocols(await birdCommand(h.birdSocket, 'show protocols all', 2000));
  return h.daemon.neighbors();
}

/**
 * The expected sessions that are not established (one short command per BIRD: `show protocols`). `expected`:
 * neighbor addresses whose session should be up (not across a link that is down or to a stopped node).
 */
async function sessionsDown(h: SpeakerHandle, expected: Set<string>): Promise<{ total: number; down: string[] }> {
  const want = h.daemon.spec.neighbors.filter((n) => expected.has(n.address));
  if (h.birdSocket) {
    const rows = (await birdCommand(h.birdSocket, 'show protocols')).split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === 'BGP');
    const up = new Set(rows.filter((f) => f.slice(5).join(' ') === 'Established').map((f) => f[0]));
    return { total: rows.length, down: want.filter((n) => !up.has(`bgp_${n.name}`)).map((n) => `${n.name} (${n.address})`) };
  }
  const ns = await h.daemon.neighbors();
  const up = new Set(ns.filter((n) => n.state === 'established').map((n) => n.address));
  return { total: ns.length, down: want.filter((n) => !up.has(n.address)).map((n) => `${n.name} (${n.address})`) };
}

/** Neighbor addresses of sessions that should be established in this (possibly reduced) model. */
export function expectedNeighbors(m: LabModel): Set<string> {
  const out = new Set<string>();
  for (const n of m.nodes) {
    for (const i of n.interfaces) {
      out.add(i.peer4.split('/')[0]!);
      out.add(i.peer6.split('/')[0]!);
    }
    // iBGP over loopbacks: the other routers of the AS still in the model, reached by the static IGP.
    if (n.kind === 'router' && n.interfaces.length > 0) {
      out.add(n.loopback4!);
      out.add(n.loopback6!);
    }
  }
  return out;
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

/** `originateOnly`: sites whose speaker learns nothing (the agent's embedded speaker): they hold their own prefixes only. */
export function expectations(m: LabModel, announcing: readonly string[], originateOnly: ReadonlySet<string> = new Set()): Map<string, Expect> {
  const preds = predictAll(m, announcing, undefined, false);
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
      else if (!originateOnly.has(node)) {
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
  opts: { timeoutMs?: number; quietMs?: number; intervalMs?: number; originateOnly?: ReadonlySet<string>; onRound?: (pending: number, sample: string) => void } = {}): Promise<ConvergenceReport> {
  const t0 = Date.now();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const quietMs = opts.quietMs ?? 250;
  const exp = expectations(m, announcing, opts.originateOnly);
  const all = speakers.filter((s) => exp.has(s.node));
  const neighbors = expectedNeighbors(m);
  let pending = all;
  const last = new Map<string, string>();
  // The routes each speaker showed when it last matched: the first snapshot of the quiet-period comparison.
  const matched = new Map<string, string>();
  let rounds = 0;
  for (;;) {
    rounds++;
    const results = await Promise.all(pending.map(async (s) => {
      try {
        const routes = await bestRoutesOf(s);
        return { s, problem: mismatch(exp.get(s.node)!, routes), fp: fingerprint(routes, exp.get(s.node)!.universe) };
      } catch (e) {
        return { s, problem: (e as Error).message, fp: '' };
      }
    }));
    for (const r of results) {
      last.set(r.s.node, r.problem);
      if (r.problem === '') matched.set(r.s.node, r.fp);
      else matched.delete(r.s.node);
    }
    pending = results.filter((r) => r.problem !== '').map((r) => r.s);
    opts.onRound?.(pending.length, results.find((r) => r.problem)?.problem.slice(0, 120) ?? '');
    if (pending.length === 0) {
      // Every speaker matches: after a quiet period, the same routes again everywhere and every session up.
      await new Promise((r) => setTimeout(r, quietMs));
      const again = await Promise.all(all.map(async (s) => {
        try {
          const [routes, sessions] = await Promise.all([bestRoutesOf(s), sessionsDown(s, neighbors)]);
          return { s, same: fingerprint(routes, exp.get(s.node)!.universe) === matched.get(s.node), sessions };
        } catch (e) {
          return { s, same: false, sessions: { total: 0, down: [(e as Error).message] } };
        }
      }));
      const unsettled = again.filter((x) => !x.same || x.sessions.down.length > 0);
      if (unsettled.length === 0) {
        return { ms: Date.now() - t0, rounds, speakers: all.length, prefixes: exp.values().next().value?.universe.size ?? 0,
          sessions: again.reduce((n, x) => n + x.sessions.total, 0) };
      }
      for (const x of unsettled) last.set(x.s.node, x.same ? `sessions not established: ${x.sessions.down.join(', ')}` : 'routes changed during the quiet period');
      pending = unsettled.map((x) => x.s);
    }
    if (Date.now() - t0 > timeoutMs) {
      const what = [...last].filter(([, p]) => p !== '').slice(0, 6).map(([n, p]) => `${n}: ${p}`).join(' | ');
      throw new WaitTimeoutError('the lab to converge', timeoutMs, what || 'nothing yet');
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
