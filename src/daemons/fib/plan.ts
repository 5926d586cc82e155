// Kernel routes for daemons that cannot install them on Linux themselves (GoBGP without a compatible zebra,
// portable OpenBGPD, whose fib-update does nothing here): the pure part. From the daemon's best paths, the
// wanted kernel table (prefix → next hop); from the last applied table and the wanted one, the `ip -batch`
// lines that turn one into the other, all tagged `proto bgp` so that they are told apart and flushed at exit.

import type { RouteEntry } from '../types.js';

export type FibTable = Map<string, string>;

/** Best, learned (not originated) paths with a next hop. */
export function wantedFib(routes: RouteEntry[]): FibTable {
  const t: FibTable = new Map();
  for (const r of routes) {
    if (!r.best || r.from === 'local' || !r.nextHop) continue;
    if (r.nextHop === '0.0.0.0' || r.nextHop === '::') continue;
    t.set(r.prefix, r.nextHop);
  }
  return t;
}

/** `ip -batch` lines from the applied table to the wanted one (replace changed or new, delete gone). */
export function fibChanges(applied: FibTable, wanted: FibTable): string[] {
  const out: string[] = [];
  for (const [p, nh] of wanted) {
    if (applied.get(p) !== nh) out.push(`route replace ${p} via ${nh} proto bgp`);
  }
  for (const p of applied.keys()) {
    if (!wanted.has(p)) out.push(`route del ${p} proto bgp`);
  }
  return out;
}
