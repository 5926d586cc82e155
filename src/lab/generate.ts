// Generated topologies (pure, seeded): N routers shaped like the internet's hierarchy — a clique of tier-1
// ASes (several routers each, an iBGP mesh over a ring of internal links) peering with each other, tier-2
// ASes buying transit from one or two tier-1s and peering among themselves now and then, stub ASes buying
// from tier-2s — plus anycast sites under a few of the ASes and a client under every stub. For the bring-up
// benchmark (20, 50, 100 routers) and for experiments at scale. The same seed gives the same topology.

import { DEFAULTS, type RouterImpl } from './topology/types.js';

export interface GenerateOptions {
  routers: number;
  seed?: number;
  implementation?: RouterImpl;
  sites?: number;
  name?: string;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** A topology object (the YAML's shape), ready for topologyFromObject(). */
export function generateTopology(o: GenerateOptions): Record<string, unknown> {
  const n = Math.max(4, o.routers);
  const rand = rng(o.seed ?? 1);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const impl = o.implementation ?? DEFAULTS.implementation;
  const tier1 = 3;
  const perTier1 = Math.max(1, Math.min(4, Math.floor(n / 12)));
  const restCount = n - tier1 * perTier1;
  const tier2 = Math.max(1, Math.round(restCount * 0.3));
  const stubs = Math.max(0, restCount - tier2);
  const ases: Record<string, { routers: Record<string, { implementation: RouterImpl }> }> = {};
  const relationships: unknown[] = [];
  const links: Array<{ a: string; b: string; delay: string }> = [];
  const d = () => `${(1 + rand() * 30).toFixed(1)}ms`;
  const t1: string[][] = [];
  for (let i = 0; i < tier1; i++) {
    const asn = 64600 + i;
    const rs = Array.from({ length: perTier1 }, (_, j) => `t${i}r${j}`);
    ases[asn] = { routers: Object.fromEntries(rs.map((r) => [r, { implementation: impl }])) };
    for (let j = 0; j + 1 < rs.length; j++) links.push({ a: rs[j]!, b: rs[j + 1]!, delay: d() });
    if (rs.length > 2) links.push({ a: rs[rs.length - 1]!, b: rs[0]!, delay: d() });
    t1.push(rs);
  }
  for (let i = 0; i < tier1; i++) {
    for (let j = i + 1; j < tier1; j++) {
      relationships.push({ peers: [64600 + i, 64600 + j] });
      links.push({ a: pick(t1[i]!), b: pick(t1[j]!), delay: d() });
    }
  }
  const t2: string[] = [];
  for (let i = 0; i < tier2; i++) {
    const asn = 64700 + i;
    const r = `m${i}`;
    ases[asn] = { routers: { [r]: { implementation: impl } } };
    const ups = rand() < 0.5 ? [i % tier1] : [i % tier1, (i + 1) % tier1];
    for (const u of ups) {
      relationships.push({ provider: 64600 + u, customer: asn });
      links.push({ a: r, b: pick(t1[u]!), delay: d() });
    }
    // Occasional peering with an earlier tier-2 (never with a provider: no cycles).
    if (i > 0 && rand() < 0.3) {
      const p = Math.floor(rand() * i);
      relationships.push({ peers: [64700 + p, asn] });
      links.push({ a: `m${p}`, b: r, delay: d() });
    }
    t2.push(r);
  }
  const stubRouters: string[] = [];
  for (let i = 0; i < stubs; i++) {
    const asn = 65100 + i;
    const r = `s${i}`;
    ases[asn] = { routers: { [r]: { implementation: impl } } };
    const u = i % tier2;
    relationships.push({ provider: 64700 + u, customer: asn });
    links.push({ a: r, b: t2[u]!, delay: d() });
    stubRouters.push(r);
  }
  const sites: Record<string, unknown> = {};
  const siteCount = Math.max(1, o.sites ?? 3);
  for (let i = 0; i < siteCount; i++) {
    const up = i < tier1 ? t1[i]![0]! : pick([...t2, ...stubRouters]);
    const upAs = Number(Object.entries(ases).find(([, a]) => up in a.routers)![0]);
    // Sites: the agent with its embedded speaker beside our routers, BIRD driven by the agent beside the others.
    sites[`site${i}`] = { as: 65000, upstreams: [up], implementation: impl === 'anycast' ? 'anycast' : 'bird' };
    relationships.push({ provider: upAs, customer: 65000 });
  }
  // One relationship per AS pair: a site AS with several sites under the same AS needs it once.
  const seen = new Set<string>();
  const rels = relationships.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const clients: Record<string, unknown> = {};
  (stubRouters.length ? stubRouters : t2).forEach((r, i) => {
    if (i % 2 === 0) clients[`c${i}`] = { router: r };
  });
  return {
    name: o.name ?? `gen${n}`, description: `generated: ${n} routers (${tier1}×${perTier1} tier-1, ${tier2} tier-2, ${stubs} stubs), seed ${o.seed ?? 1}`,
    defaults: { implementation: impl }, ases, relationships: rels, links, sites, clients,
  };
}
