// A deliberately straightforward reference simulator, for the benchmark's side-by-side run and as an independent
// check of the engine: plain object maps and full AS paths as arrays, and the textbook algorithm — every AS
// repeatedly recomputes its best route from what its neighbors currently export (synchronous rounds, like a
// BGP network where everyone re-runs the decision process), until nothing changes. Gao-Rexford conditions make
// this converge to the same unique stable state as the engine's three phases. Same rules: origin > customer >
// peer > provider, shortest AS path (prepends counted), lowest neighbor ASN (then site order for two sites of one
// origin ASN); loops rejected by AS-path check; valley-free export; NO_EXPORT kept by the receiver.
import type { SiteSpec } from '../../src/sim/deployment.js';

type Cls = 'origin' | 'customer' | 'peer' | 'provider';
const RANK: Record<Cls, number> = { origin: 0, customer: 1, peer: 2, provider: 3 };

interface RefRoute {
  cls: Cls;
  /** AS path as received: the neighbor first, the origin (with its prepends) last. Empty for the origin. */
  path: number[];
  from: number;
  seedOrder: number;
  site: number;
  noExport: boolean;
}

interface Node { customers: Set<number>; peers: Set<number>; providers: Set<number> }

export interface RefResult {
  /** ASN -> chosen route's class / length / site, or undefined. */
  best: Map<number, RefRoute>;
  /** ASN -> every tied route (mode 'all'). */
  ties: Map<number, RefRoute[]>;
  rounds: number;
  /** ASN -> site index -> probability (mode 'all'). */
  dist?: Map<number, Map<number, number>>;
}

export function referenceSimulate(links: ReadonlyArray<readonly [number, number, number]>, sites: SiteSpec[],
  mode: 'lowest-asn' | 'all' = 'lowest-asn', enabled?: boolean[]): RefResult {
  const nodes: Record<number, Node> = {};
  const node = (a: number) => (nodes[a] ??= { customers: new Set(), peers: new Set(), providers: new Set() });
  for (const [a, b, rel] of links) {
    if (a === b) continue;
    const na = node(a);
    const nb = node(b);
    if (na.customers.has(b) || na.peers.has(b) || na.providers.has(b)) continue; // first given wins
    if (rel === 0) { na.peers.add(b); nb.peers.add(a); } else { na.customers.add(b); nb.providers.add(a); }
  }
  const asns = Object.keys(nodes).map(Number).sort((x, y) => x - y);
  // Seeds: what each AS hears straight from the sites.
  const seeds: Record<number, RefRoute[]> = {};
  const origins: Record<number, number[]> = {};
  let order = 0;
  sites.forEach((s, i) => {
    if (enabled !== undefined && !enabled[i]) return;
    const o = nodes[s.origin];
    if (o !== undefined) (origins[s.origin] ??= []).push(i);
    const nbrs: Array<{ asn: number; rel: 'provider' | 'peer' | 'customer'; prepend: number }> = [];
    if (s.neighbors === undefined) {
      for (const p of [...o!.providers].sort((a, b) => a - b)) nbrs.push({ asn: p, rel: 'provider', prepend: s.prepend });
      for (const p of [...o!.peers].sort((a, b) => a - b)) nbrs.push({ asn: p, rel: 'peer', prepend: s.prepend });
      for (const p of [...o!.customers].sort((a, b) => a - b)) nbrs.push({ asn: p, rel: 'customer', prepend: s.prepend });
    } else {
      for (const nb of s.neighbors) {
        const rel = nb.relationship ?? (o!.providers.has(nb.asn) ? 'provider' : o!.peers.has(nb.asn) ? 'peer' : 'customer');
        nbrs.push({ asn: nb.asn, rel, prepend: nb.prepend ?? s.prepend });
      }
    }
    nbrs.sort((a, b) => a.asn - b.asn);
    for (const nb of nbrs) {
      const cls: Cls = nb.rel === 'provider' ? 'customer' : nb.rel === 'peer' ? 'peer' : 'provider';
      (seeds[nb.asn] ??= []).push({ cls, path: Array(1 + nb.prepend).fill(s.origin), from: s.origin,
        seedOrder: order++, site: i, noExport: s.noExport });
    }
  });
  const better = (a: RefRoute, b: RefRoute) => RANK[a.cls] - RANK[b.cls] || a.path.length - b.path.length ||
    a.from - b.from || a.seedOrder - b.seedOrder;
  const exportable = (ties: RefRoute[]) => mode === 'all' ? ties.some((r) => !r.noExport) : !ties[0]!.noExport;

  let ties = new Map<number, RefRoute[]>();
  let rounds = 0;
  for (;;) {
    rounds++;
    const next = new Map<number, RefRoute[]>();
    for (const a of asns) {
      if (origins[a] !== undefined) {
        next.set(a, origins[a]!.map((i) => ({ cls: 'origin', path: [], from: a, seedOrder: -1, site: i, noExport: false })));
        continue;
      }
      const cand: RefRoute[] = [...(seeds[a] ?? [])];
      const n = nodes[a]!;
      const consider = (nbr: number, cls: Cls) => {
        const t = ties.get(nbr);
        if (t === undefined || t[0]!.cls === 'origin' || !exportable(t)) return;
        const r = t[0]!;
        // Valley-free export: only customer routes go to peers and providers.
        if (cls !== 'provider' && r.cls !== 'customer') return;
        const path = [nbr, ...r.path];
        if (path.includes(a)) return; // loop
        cand.push({ cls, path, from: nbr, seedOrder: -1, site: r.site, noExport: false });
      };
      for (const c of n.customers) consider(c, 'customer');
      for (const p of n.peers) consider(p, 'peer');
      for (const p of n.providers) consider(p, 'provider');
      if (cand.length === 0) continue;
      cand.sort(better);
      const top = cand[0]!;
      next.set(a, mode === 'all'
        ? cand.filter((r) => r.cls === top.cls && r.path.length === top.path.length)
        : [top]);
    }
    const same = next.size === ties.size && [...next].every(([a, t]) => {
      const o = ties.get(a);
      return o !== undefined && o.length === t.length &&
        t.every((r, k) => r.cls === o[k]!.cls && r.path.length === o[k]!.path.length && r.from === o[k]!.from &&
          r.site === o[k]!.site && r.seedOrder === o[k]!.seedOrder);
    });
    ties = next;
    if (same || rounds > 1000) break;
  }
  const best = new Map<number, RefRoute>();
  for (const [a, t] of ties) best.set(a, t[0]!);
  const res: RefResult = { best, ties, rounds };
  if (mode === 'all') {
    const memo = new Map<number, Map<number, number>>();
    const exMemo = new Map<number, Map<number, number>>();
    const mix = (routes: RefRoute[], self: number): Map<number, number> => {
      const out = new Map<number, number>();
      for (const r of routes) {
        const d = r.cls === 'origin' || r.seedOrder >= 0 ? new Map([[r.site, 1]]) : exported(r.from);
        for (const [s, p] of d) out.set(s, (out.get(s) ?? 0) + p / routes.length);
      }
      void self;
      return out;
    };
    const own = (a: number): Map<number, number> => {
      let d = memo.get(a);
      if (d === undefined) { d = mix(ties.get(a)!, a); memo.set(a, d); }
      return d;
    };
    const exported = (a: number): Map<number, number> => {
      let d = exMemo.get(a);
      if (d === undefined) { d = mix(ties.get(a)!.filter((r) => !r.noExport), a); exMemo.set(a, d); }
      return d;
    };
    res.dist = new Map([...ties.keys()].map((a) => [a, own(a)]));
  }
  return res;
}
