// What BGP should converge to (pure), computed from the topology alone: for each prefix, which ASes reach it,
// with which relationship class (customer > peer > provider: Gao-Rexford's local preference), which AS-path
// length, and — for anycast prefixes — which sites are among the equally good routes. Used to tell when the lab
// has converged (every router holds every prefix it should, at the predicted path length), to show the
// expected catchment beside the measured one, and by the tests as their independent expectation.
//
// Model: a node per AS that has routers (its routers share one view through the iBGP full mesh) and a node
// per site (sites of one operator AS are separate islands; AS-path loop detection, RFC 4271 §9.1.2, keeps one
// site from accepting another's route). Export follows Gao-Rexford: routes from customers and our own go to
// everyone, routes from peers and providers only to customers; NO_EXPORT routes stay in the receiving AS.
// Ties: every route with the best (class, length) is kept — which one a router picks is the BGP tie-break
// (router id, neighbor address), so a prediction is a set of sites when paths tie.

import type { Role } from '../daemons/types.js';
import type { LabModel } from './model.js';
import { roleOf, siteRoutes } from './policy.js';

export type RouteClass = 'origin' | Role;
const RANK: Record<RouteClass, number> = { origin: 0, customer: 1, peer: 2, provider: 3 };

export interface PredictedRoute {
  class: RouteClass;
  /** AS-path length as received (0 at the origin). */
  length: number;
  /** The equally good AS paths (each starting with the neighbor AS, ending with the origin AS). */
  paths: number[][];
  /** Origin nodes (site names for anycast prefixes, router names for client subnets) among the best routes. */
  origins: string[];
  noExport: boolean;
}

/** Per node id ("as:64500" or "site:tokyo"): its best routes, for one prefix. */
export type Prediction = Map<string, PredictedRoute>;

interface Graph {
  nodes: Map<string, { asn: number; site?: string }>;
  /** Directed edges with the role of the *receiver's* neighbor (the sender, seen from the receiver). */
  edges: Array<{ from: string; to: string; senderRole: Role }>;
}

const MAX_PATHS = 64;
const INVERSE: Record<Role, Role> = { customer: 'provider', provider: 'customer', peer: 'peer' };

export const asNode = (asn: number) => `as:${asn}`;
export const siteNode = (name: string) => `site:${name}`;

const graphs = new WeakMap<LabModel, Graph & { inbound: Map<string, Graph['edges']> }>();

/** The AS-level graph of a model, built once per model object. */
function graphOf(m: LabModel): Graph & { inbound: Map<string, Graph['edges']> } {
  let g = graphs.get(m);
  if (!g) {
    const built = buildGraph(m);
    const inbound = new Map<string, Graph['edges']>();
    for (const e of built.edges) inbound.set(e.to, [...(inbound.get(e.to) ?? []), e]);
    g = { ...built, inbound };
    graphs.set(m, g);
  }
  return g;
}

function buildGraph(m: LabModel): Graph {
  const t = m.topology;
  const nodes: Graph['nodes'] = new Map();
  for (const a of t.ases) nodes.set(asNode(a.asn), { asn: a.asn });
  for (const s of t.sites) nodes.set(siteNode(s.name), { asn: s.asn, site: s.name });
  const idOf = (name: string): string | undefined => {
    const r = t.routers.find((x) => x.name === name);
    if (r) return asNode(r.asn);
    return t.sites.some((s) => s.name === name) ? siteNode(name) : undefined;
  };
  const seen = new Set<string>();
  const edges: Graph['edges'] = [];
  for (const l of m.links) {
    const a = idOf(l.a);
    const b = idOf(l.b);
    if (!a || !b || a === b) continue;
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const key = `${from}>${to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const role = roleOf(t, nodes.get(to)!.asn, nodes.get(from)!.asn);
      if (role) edges.push({ from, to, senderRole: role });
    }
  }
  return { nodes, edges };
}

interface Held {
  route: PredictedRoute;
  /** Each best path with its origin, so the origins of a tie are exactly those of its paths. */
  paths: Array<{ asns: number[]; origin: string; key: string }>;
}

/**
 * Propagates routes for one prefix from its origin nodes to a fixed point. Every round recomputes each node's
 * best routes from what its neighbors currently offer (so a route replaced upstream disappears downstream too);
 * with no provider→customer cycle (checked by validate.ts) this converges (Gao & Rexford's safety result).
 */
export function propagate(m: LabModel, origins: Array<{ node: string; name: string; noExport?: boolean }>, withPaths = true): Prediction {
  const g = graphOf(m);
  const fixed = new Map<string, Held>();
  for (const o of origins) {
    const cur = fixed.get(o.node) ?? { route: { class: 'origin', length: 0, paths: [[]], origins: [], noExport: o.noExport ?? false }, paths: [] };
    // In the no-paths mode, asns holds just the origin's AS (for the one loop that matters, see below).
    cur.paths.push({ asns: withPaths ? [] : [m.nodes.find((n) => n.name === o.name)?.asn ?? g.nodes.get(o.node)!.asn], origin: o.name, key: `${o.name}|` });
    cur.route.origins = [...new Set([...cur.route.origins, o.name])].sort();
    fixed.set(o.node, cur);
  }
  const inbound = g.inbound;
  let held = new Map(fixed);
  const sig = (h: Held | undefined) => (h ? `${h.route.class}/${h.route.length}/${h.paths.map((p) => p.key).join(',')}` : '');
  for (let round = 0; ; round++) {
    if (round > 4 * g.nodes.size + 8) throw new Error('route prediction did not converge (relationships should prevent this)');
    const next = new Map(fixed);
    for (const [node, info] of g.nodes) {
      if (fixed.has(node)) continue;
      let best: Held | undefined;
      for (const e of inbound.get(node) ?? []) {
        const r = held.get(e.from);
        if (!r) continue;
        // The receiver seen from the sender: the inverse of the sender seen from the receiver.
        const receiverRoleAtSender = INVERSE[e.senderRole];
        const exportable = r.route.class === 'origin' || r.route.class === 'customer' || receiverRoleAtSender === 'customer';
        if (!exportable || (r.route.noExport && r.route.class !== 'origin')) continue;
        const fromAsn = g.nodes.get(e.from)!.asn;
        // Without paths (withPaths false: only classes, lengths and origins are wanted) a path is summed up by
        // its origin: the only AS that can appear twice on a best path is the origin's own when several nodes
        // share it (sites of one operator), since a path through the receiver is always longer than the
        // receiver's own route and valley-free export never offers it a better class.
        const offered = withPaths
          ? r.paths.filter((p) => !p.asns.includes(info.asn)).map((p) => ({ asns: [fromAsn, ...p.asns], origin: p.origin, key: `${fromAsn} ${p.key}` }))
          : r.paths.filter((p) => p.asns[0] !== info.asn && fromAsn !== info.asn).map((p) => ({ asns: p.asns, origin: p.origin, key: p.key }));
        if (offered.length === 0) continue;
        const cls = e.senderRole as RouteClass;
        const len = r.route.length + 1;
        const b = best?.route;
        if (!b || RANK[cls] < RANK[b.class] || (RANK[cls] === RANK[b.class] && len < b.length)) {
          best = { route: { class: cls, length: len, paths: [], origins: [], noExport: r.route.noExport }, paths: [...offered] };
        } else if (best && b.class === cls && b.length === len) {
          for (const p of offered) {
            if (best.paths.length < MAX_PATHS && !best.paths.some((q) => q.key === p.key)) best.paths.push(p);
          }
        }
      }
      if (best) {
        best.paths.sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0));
        best.route.paths = withPaths ? best.paths.map((p) => p.asns) : [];
        best.route.origins = [...new Set(best.paths.map((p) => p.origin))].sort();
        next.set(node, best);
      }
    }
    let changed = next.size !== held.size;
    if (!changed) for (const [k, v] of next) if (sig(v) !== sig(held.get(k))) { changed = true; break; }
    held = next;
    if (!changed) break;
  }
  return new Map([...held].map(([k, v]) => [k, v.route]));
}

export interface PrefixPrediction {
  prefix: string;
  /** What kind of prefix: an anycast prefix, or a client subnet (originated by its access router). */
  kind: 'anycast' | 'client';
  byNode: Prediction;
}

/** Predictions for every prefix of the lab (anycast prefixes of announcing sites, clients' subnets). */
export function predictAll(m: LabModel, announcing: readonly string[] = m.topology.sites.filter((s) => s.announce).map((s) => s.name),
  only?: readonly string[], withPaths = true): PrefixPrediction[] {
  const t = m.topology;
  const out: PrefixPrediction[] = [];
  const anycast = new Map<string, Array<{ node: string; name: string; noExport: boolean }>>();
  for (const s of t.sites) {
    for (const r of siteRoutes(t, s.name)) if (!anycast.has(r.prefix)) anycast.set(r.prefix, []);
    if (!announcing.includes(s.name)) continue;
    for (const r of siteRoutes(t, s.name)) anycast.get(r.prefix)!.push({ node: siteNode(s.name), name: s.name, noExport: s.scope === 'local' });
  }
  for (const [prefix, origins] of anycast) if (!only || only.includes(prefix)) out.push({ prefix, kind: 'anycast', byNode: propagate(m, origins, withPaths) });
  for (const [router, prefixes] of Object.entries(m.clientPrefixes)) {
    if (only && !prefixes.some((p) => only.includes(p))) continue;
    const asn = m.nodes.find((x) => x.name === router)!.asn!;
    const byNode = propagate(m, [{ node: asNode(asn), name: router }], withPaths);
    for (const prefix of prefixes) out.push({ prefix, kind: 'client', byNode });
  }
  return out;
}

/** The node id whose view a lab node (router, site or client) shares. */
export function viewOf(m: LabModel, node: string): string {
  const n = m.nodes.find((x) => x.name === node)!;
  return n.kind === 'site' ? siteNode(n.name) : asNode(n.asn!);
}

export interface ClientExpectation {
  client: string;
  prefix: string;
  /** Sites among the best routes (one unless paths tie); empty: unreachable. */
  sites: string[];
  class?: RouteClass;
  /** AS-path length at the client's AS. */
  length?: number;
  paths: number[][];
}

/** The expected catchment: for each client, the sites it may reach for `prefix`. */
export function expectedCatchment(m: LabModel, prefix: string, announcing?: readonly string[]): ClientExpectation[] {
  const p = predictAll(m, announcing, [prefix]).find((x) => x.prefix === prefix);
  return m.nodes.filter((n) => n.kind === 'client').map((c) => {
    const r = p?.byNode.get(asNode(c.asn!));
    return r ? { client: c.name, prefix, sites: r.origins, class: r.class, length: r.length, paths: r.paths }
      : { client: c.name, prefix, sites: [], paths: [] };
  });
}
