// What the experiments share: the probe targets (the sites' service addresses, both families), client
// addresses, AS paths read off a forwarding path, and the header every result carries (which runtime, which
// lab, the facts a reader must keep in mind — netem absent, who withdraws a failed site).

import { hostOf } from '../ip.js';
import type { LabModel } from '../model.js';
import type { ProbeTargetSpec } from '../probe/jobs.js';
import type { LabRuntime } from '../runtime/types.js';

export type FamilyName = 'ipv4' | 'ipv6';

export interface ResultHeader {
  experiment: string;
  lab: string;
  runtime: 'netns' | 'inproc';
  at: string;
  /** Link delays applied by netem, or only modeled. */
  delays: 'applied' | 'modeled';
  announcer: 'lab' | 'agent';
  notes: string[];
}

export function header(rt: LabRuntime, experiment: string): ResultHeader {
  return {
    experiment, lab: rt.model.name, runtime: rt.kind, at: new Date().toISOString(),
    delays: rt.delaysApplied ? 'applied' : 'modeled', announcer: rt.announcer, notes: [...rt.notes],
  };
}

/** The anycast service addresses clients probe: one per family (per distinct address if sites differ). */
export function serviceTargets(m: LabModel, families: readonly FamilyName[] = ['ipv4', 'ipv6']): Array<ProbeTargetSpec & { family: FamilyName }> {
  const out: Array<ProbeTargetSpec & { family: FamilyName }> = [];
  for (const fam of families) {
    const addrs = [...new Set(m.topology.sites.map((s) => (fam === 'ipv4' ? s.service.ipv4 : s.service.ipv6)))];
    for (const a of addrs) out.push({ label: addrs.length > 1 ? `${fam}:${a}` : fam, address: a, family: fam });
  }
  return out;
}

export function clientAddress(m: LabModel, client: string, fam: FamilyName): string {
  const n = m.nodes.find((x) => x.name === client)!;
  return hostOf(fam === 'ipv4' ? n.interfaces[0]!.addr4 : n.interfaces[0]!.addr6);
}

export function clients(m: LabModel, which: 'all' | 'legit' | 'attackers' = 'all'): string[] {
  return m.topology.clients.filter((c) => which === 'all' || (which === 'attackers') === c.attacker).map((c) => c.name);
}

/** The ASes a path crosses after the source's own AS (as a BGP AS path would list them), ending at the origin. */
export function asPathOf(m: LabModel, hops: string[]): number[] {
  const asns = hops.map((h) => m.nodes.find((n) => n.name === h)?.asn).filter((a): a is number => a !== undefined);
  const out: number[] = [];
  for (const a of asns) if (out[out.length - 1] !== a) out.push(a);
  return out.slice(1);
}

/** Router hops on a path (nodes between the client and the site). */
export function routerHops(m: LabModel, hops: string[]): number {
  return hops.filter((h) => m.nodes.find((n) => n.name === h)?.kind === 'router').length;
}

export function siteOf(m: LabModel, node: string | null): string | null {
  if (!node) return null;
  return m.nodes.find((n) => n.name === node)?.kind === 'site' ? node : null;
}

/** The most frequent value (ties: the first seen). */
export function mode<T>(xs: T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best: T | undefined;
  let n = 0;
  for (const [x, c] of counts) if (c > n) { best = x; n = c; }
  return best;
}
