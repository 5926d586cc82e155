// How an attack splits over the sites of an anycast deployment, and the classic choice of an attacked site
// (Moura et al., "Anycast vs. DDoS", IMC 2016): absorb (keep announcing, take the attack, maybe overload, but
// keep the attack away from other sites) or withdraw (stop announcing; the attack and the legitimate users of
// that catchment move to other sites, which may then overload). Pure: routes in, loads out.
import { NONE } from './announce.js';
import { forEachSite } from './catchment.js';
import { customerCount, type AsGraph } from './graph.js';
import type { Routes } from './propagate.js';
import type { Rng } from '../util/rng.js';

export interface SiteLoad { attack: number; legit: number }

export interface Split {
  sites: SiteLoad[];
  /** Attack and legitimate weight of ASes without a route (they reach no site). */
  unrouted: SiteLoad;
}

export function split(g: AsGraph, siteCount: number, r: Routes, attack: Float64Array, legit?: Float64Array): Split {
  const sites: SiteLoad[] = Array.from({ length: siteCount }, () => ({ attack: 0, legit: 0 }));
  const unrouted = { attack: 0, legit: 0 };
  for (let v = 0; v < g.n; v++) {
    const a = attack[v]!;
    const l = legit === undefined ? 1 : legit[v]!;
    if (a === 0 && l === 0) continue;
    if (r.cls[v] === NONE) { unrouted.attack += a; unrouted.legit += l; continue; }
    forEachSite(r, v, (s, p) => { sites[s]!.attack += p * a; sites[s]!.legit += p * l; });
  }
  return { sites, unrouted };
}

export interface Outcome {
  overloaded: number[];
  /** Share of the legitimate weight that reaches a site that is not overloaded (and has a route at all). */
  legitServed: number;
}

/** Overload under per-site capacities (same units as attack + legit); sites without a capacity never overload. */
export function outcome(s: Split, capacity: Array<number | undefined>, withdrawn: Set<number> = new Set()): Outcome {
  const overloaded: number[] = [];
  let served = 0;
  let total = s.unrouted.legit;
  s.sites.forEach((x, i) => {
    total += x.legit;
    const cap = capacity[i];
    const over = !withdrawn.has(i) && cap !== undefined && x.attack + x.legit > cap;
    if (over) overloaded.push(i);
    else served += x.legit;
  });
  return { overloaded, legitServed: total > 0 ? served / total : 1 };
}

/** `count` distinct attack sources of volume 1: among stub ASes (no customers: where botnets' hosts sit) or any. */
export function generateSources(g: AsGraph, count: number, random: Rng, kind: 'stub' | 'any' = 'stub'): Float64Array {
  const pool: number[] = [];
  for (let i = 0; i < g.n; i++) if (kind === 'any' || customerCount(g, i) === 0) pool.push(i);
  const w = new Float64Array(g.n);
  const k = Math.min(count, pool.length);
  // Partial Fisher-Yates: the first k of a seeded shuffle.
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    w[pool[i]!] = 1;
  }
  return w;
}
