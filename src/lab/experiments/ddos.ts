// `lab run ddos`: the attack sources (clients marked `attacker`, or --sources) flood the anycast address with
// DNS queries at a bounded rate for a bounded time, inside the lab only, while the legitimate clients keep
// querying every 20 ms. Anycast splits the attack by catchment: each site receives the attack of the sources
// routed to it. Measured at the sites (queries received per source, answered, dropped beyond the site's
// modeled capacity) and at the clients (their queries answered). Then once more with one site withdrawn —
// by default the most attacked one — to show what withdrawing does: the attack (and that site's legitimate
// users) move to the next site, which may now drown too (RFC 4786 §4.4 discusses absorbing vs withdrawing).

import { pct, table } from '../format.js';
import type { LabRuntime } from '../runtime/types.js';
import type { ServiceStats, SourceCounters } from '../service/service.js';
import { sleep } from '../util.js';
import { clientAddress, clients as clientNames, header, mode, serviceTargets, type ResultHeader } from './common.js';

export interface DdosOptions {
  sources?: string[];
  /** Queries per second per source (bounded to 2000). */
  ratePerSec?: number;
  /** Attack duration per phase (bounded to 20 s). */
  durationMs?: number;
  /** Site withdrawn in the second phase (default: the most attacked); 'none' skips the phase. */
  withdraw?: string;
}

export interface SitePhase {
  site: string;
  capacityQps: number | null;
  attackQps: number;
  attackShare: number;
  legitQueries: number;
  legitAnswered: number;
  dropped: number;
}

export interface ClientPhase {
  client: string;
  site: string | null;
  sent: number;
  answered: number;
}

export interface DdosPhase {
  label: string;
  withdrawn: string | null;
  sites: SitePhase[];
  legit: ClientPhase[];
  attackers: Array<{ client: string; sent: number; answered: number; bySite: Record<string, number> }>;
}

export interface DdosResult extends ResultHeader {
  ratePerSec: number;
  durationMs: number;
  sources: string[];
  phases: DdosPhase[];
}

const MAX_RATE = 2000;
const MAX_DURATION = 20_000;

function delta(a: SourceCounters | undefined, b: SourceCounters | undefined): SourceCounters {
  return { received: (b?.received ?? 0) - (a?.received ?? 0), answered: (b?.answered ?? 0) - (a?.answered ?? 0), dropped: (b?.dropped ?? 0) - (a?.dropped ?? 0) };
}

async function phase(rt: LabRuntime, label: string, withdrawn: string | null, sources: string[], legit: string[], rate: number, durationMs: number): Promise<DdosPhase> {
  const m = rt.model;
  const targets = serviceTargets(m, ['ipv4']);
  const sites = rt.announcing();
  const before = await rt.siteStats(m.topology.sites.map((s) => s.name));
  const legitRun = await rt.probe(legit, { kind: 'stream', targets, intervalMs: 20, durationMs: durationMs + 1500, timeoutMs: 500 });
  const attack = await rt.probe(sources, { kind: 'flood', targets, ratePerSec: rate, durationMs });
  const attackLines = await attack.done();
  const after = await rt.siteStats(m.topology.sites.map((s) => s.name));
  const legitLines = await legitRun.done();
  await sleep(100);
  const addr = new Map<string, string>();
  for (const c of [...sources, ...legit]) addr.set(clientAddress(m, c, 'ipv4'), c);
  const attackSet = new Set(sources);
  const secs = durationMs / 1000;
  const siteRows: SitePhase[] = [];
  let attackTotal = 0;
  const per = new Map<string, { attack: number; legit: SourceCounters; dropped: number }>();
  for (const s of m.topology.sites) {
    const a = before.get(s.name) as ServiceStats | null | undefined;
    const b = after.get(s.name) as ServiceStats | null | undefined;
    let att = 0;
    const leg: SourceCounters = { received: 0, answered: 0, dropped: 0 };
    let dropped = 0;
    for (const src of Object.keys(b?.bySource ?? {})) {
      const d = delta(a?.bySource[src], b?.bySource[src]);
      dropped += d.dropped;
      const who = addr.get(src);
      if (who && attackSet.has(who)) att += d.received;
      else if (who) {
        leg.received += d.received;
        leg.answered += d.answered;
      }
    }
    attackTotal += att;
    per.set(s.name, { attack: att, legit: leg, dropped });
  }
  for (const s of m.topology.sites) {
    const p = per.get(s.name)!;
    if (!sites.includes(s.name) && p.attack === 0 && p.legit.received === 0) continue;
    siteRows.push({
      site: s.name, capacityQps: s.capacityQps ?? null, attackQps: Math.round(p.attack / secs), attackShare: attackTotal ? p.attack / attackTotal : 0,
      legitQueries: p.legit.received, legitAnswered: p.legit.answered, dropped: p.dropped,
    });
  }
  const legitRows: ClientPhase[] = legit.map((c) => {
    const ls = (legitLines.get(c) ?? []).filter((l): l is Extract<typeof l, { k: 's' }> => l.k === 's');
    return { client: c, site: mode(ls.map((l) => l.s).filter((s): s is string => s !== null)) ?? null, sent: ls.length, answered: ls.filter((l) => l.s !== null).length };
  });
  const attackers = sources.map((c) => {
    const f = (attackLines.get(c) ?? []).find((l) => l.k === 'flood');
    return f?.k === 'flood' ? { client: c, sent: f.sent, answered: f.answered, bySite: f.bySite } : { client: c, sent: 0, answered: 0, bySite: {} };
  });
  return { label, withdrawn, sites: siteRows, legit: legitRows, attackers };
}

export async function runDdos(rt: LabRuntime, o: DdosOptions = {}): Promise<DdosResult> {
  const m = rt.model;
  const attackers = clientNames(m, 'attackers');
  const sources = o.sources ?? (attackers.length ? attackers : clientNames(m).slice(0, 3));
  for (const s of sources) if (!m.topology.clients.some((c) => c.name === s)) throw new Error(`unknown client ${s}`);
  const legit = clientNames(m).filter((c) => !sources.includes(c));
  const rate = Math.min(o.ratePerSec ?? 800, MAX_RATE);
  const durationMs = Math.min(o.durationMs ?? 5000, MAX_DURATION);
  const phases = [await phase(rt, 'all sites announcing', null, sources, legit, rate, durationMs)];
  let target = o.withdraw;
  if (target === undefined) target = [...phases[0]!.sites].sort((a, b) => b.attackQps - a.attackQps)[0]?.site;
  if (target && target !== 'none') {
    await rt.siteWithdraw(target);
    try {
      await rt.waitConverged({ timeoutMs: 30_000 });
      phases.push(await phase(rt, `${target} withdrawn`, target, sources, legit, rate, durationMs));
    } finally {
      await rt.siteAnnounce(target);
      await rt.waitConverged({ timeoutMs: 30_000 });
    }
  }
  return { ...header(rt, 'ddos'), ratePerSec: rate, durationMs, sources, phases };
}

export function formatDdos(r: DdosResult): string {
  const out = [`Attack: ${r.sources.length} sources (${r.sources.join(', ')}) × ${r.ratePerSec} queries/s for ${r.durationMs / 1000} s per phase; ` +
    'legitimate clients query every 20 ms.', ''];
  for (const p of r.phases) {
    out.push(`Phase: ${p.label}`);
    out.push(table(['site', 'capacity', 'attack q/s', 'attack share', 'legit queries', 'legit answered', 'dropped'],
      p.sites.map((s) => [s.site, s.capacityQps === null ? 'unlimited' : `${s.capacityQps} q/s`, s.attackQps, pct(s.attackShare), s.legitQueries,
        s.legitQueries ? pct(s.legitAnswered / s.legitQueries) : '-', s.dropped]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r']));
    const hurt = p.legit.filter((c) => c.sent > 0 && c.answered / c.sent < 0.99);
    out.push(hurt.length === 0 ? 'Every legitimate client had ≥ 99% of its queries answered.'
      : `Legitimate clients losing queries: ${hurt.map((c) => `${c.client} (${c.site ?? 'none'}, ${pct(c.answered / c.sent)} answered)`).join(', ')}.`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}
