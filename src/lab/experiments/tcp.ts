// `lab run tcp [SITE]`: long-lived TCP connections (DNS over TCP, RFC 7766: one query every 100 ms on the same
// connection) from every client to the anycast address, across a reroute. The reroute withdraws SITE's
// prefixes while its service keeps running — so a connection that breaks is broken by routing alone: its
// packets now reach another site, whose kernel has no such connection and answers with a TCP RST (RFC 9293
// §3.5.2). Connections whose path did not change survive. Then the prefixes come back, and the connections
// re-established at the other site break the same way on the way back.

import { table } from '../format.js';
import type { ProbeLine } from '../probe/jobs.js';
import type { LabRuntime } from '../runtime/types.js';
import { sleep } from '../util.js';
import { clients as clientNames, header, serviceTargets, type FamilyName, type ResultHeader } from './common.js';

export interface TcpOptions {
  families?: FamilyName[];
  intervalMs?: number;
  /** How long to hold the rerouted state before announcing again. */
  holdMs?: number;
}

export type TcpOutcome = 'survived' | 'reset' | 'broken' | 'never-connected';

export interface TcpRow {
  client: string;
  family: FamilyName;
  /** Site of the first connection before the reroute. */
  before: string | null;
  /** What happened to that connection at the reroute. */
  outcome: TcpOutcome;
  error: string | null;
  /** Site the client reached with a new connection after its first one broke. */
  reconnectedTo: string | null;
  /** What happened to the connection alive when the prefixes came back. */
  onReturn: TcpOutcome | 'none';
  why: string;
}

export interface TcpResult extends ResultHeader {
  site: string;
  withdrawnAt: string;
  announcedAt: string;
  rows: TcpRow[];
  summary: { connections: number; survived: number; reset: number; broken: number; resetOnReturn: number };
}

type Ev = Extract<ProbeLine, { k: 'to' | 'tr' | 'te' }>;

export async function runTcp(rt: LabRuntime, site: string, o: TcpOptions = {}): Promise<TcpResult> {
  const m = rt.model;
  if (!m.topology.sites.some((s) => s.name === site)) throw new Error(`unknown site ${site}`);
  const targets = serviceTargets(m, o.families ?? ['ipv4']);
  const who = clientNames(m);
  const hold = o.holdMs ?? 4000;
  const run = await rt.probe(who, { kind: 'tcp', targets, intervalMs: o.intervalMs ?? 100, durationMs: 3 * hold + 20_000, reconnectMs: 300 });
  // Every connection open and answering.
  for (const until = Date.now() + 10_000; Date.now() < until;) {
    await sleep(250);
    const ls = await run.lines();
    if ([...ls.values()].every((l) => targets.every((_, i) => l.filter((e) => e.k === 'tr' && e.i === i).length >= 3))) break;
  }
  const tW = performance.timeOrigin + performance.now();
  await rt.siteWithdraw(site);
  await rt.waitConverged({ timeoutMs: 30_000 }).catch(() => undefined);
  await sleep(hold);
  const tA = performance.timeOrigin + performance.now();
  await rt.siteAnnounce(site);
  await rt.waitConverged({ timeoutMs: 30_000 }).catch(() => undefined);
  await sleep(hold);
  const all = await run.stop();
  const rows: TcpRow[] = [];
  for (const c of who) {
    const l = (all.get(c) ?? []) as Ev[];
    targets.forEach((t, i) => {
      const ev = l.filter((e) => (e.k === 'to' || e.k === 'tr' || e.k === 'te') && e.i === i);
      const first = ev.find((e) => e.k === 'to')?.c;
      if (first === undefined) {
        rows.push({ client: c, family: t.family, before: null, outcome: 'never-connected', error: null, reconnectedTo: null, onReturn: 'none', why: 'no connection could be opened' });
        return;
      }
      const siteOfConn = (cn: number, before?: number) => [...ev].reverse().find((e): e is Extract<Ev, { k: 'tr' }> => e.k === 'tr' && e.c === cn && (before === undefined || e.t < before))?.s ?? null;
      const before = siteOfConn(first, tW);
      const endOf = (cn: number) => ev.find((e): e is Extract<Ev, { k: 'te' }> => e.k === 'te' && e.c === cn);
      const end = endOf(first);
      const brokeAtWithdraw = end && end.t >= tW && end.t < tA;
      const outcome: TcpOutcome = !end || !brokeAtWithdraw ? 'survived' : end.e === 'ECONNRESET' ? 'reset' : 'broken';
      const second = brokeAtWithdraw ? ev.find((e) => e.k === 'to' && e.t > end!.t)?.c : undefined;
      const reconnectedTo = second !== undefined ? siteOfConn(second, tA) : null;
      // The connection alive at the return: the first one if it survived, else the reconnected one.
      const live = outcome === 'survived' ? first : second;
      const liveEnd = live !== undefined ? endOf(live) : undefined;
      const onReturn: TcpRow['onReturn'] = live === undefined ? 'none'
        : liveEnd && liveEnd.t >= tA ? (liveEnd.e === 'ECONNRESET' ? 'reset' : 'broken') : 'survived';
      let why: string;
      if (outcome === 'survived') {
        why = before === site ? `still reaches ${site}` : 'path unchanged';
      } else if (outcome === 'reset') {
        why = `now reaches ${reconnectedTo ?? 'another site'}, which has no such connection: RST`;
      } else {
        why = `ended with ${end!.e} (no site answered for a while)`;
      }
      rows.push({ client: c, family: t.family, before, outcome, error: brokeAtWithdraw ? end!.e : null, reconnectedTo, onReturn, why });
    });
  }
  const n = (o: TcpOutcome) => rows.filter((r) => r.outcome === o).length;
  return {
    ...header(rt, 'tcp'), site, withdrawnAt: new Date(tW).toISOString(), announcedAt: new Date(tA).toISOString(), rows,
    summary: { connections: rows.length, survived: n('survived'), reset: n('reset'), broken: n('broken'), resetOnReturn: rows.filter((r) => r.onReturn === 'reset').length },
  };
}

export function formatTcp(r: TcpResult): string {
  const s = r.summary;
  return [
    `Reroute: ${r.site}'s prefixes withdrawn at ${r.withdrawnAt} (its service kept running), announced again at ${r.announcedAt}.`, '',
    table(['client', 'family', 'site before', 'at the withdrawal', 'reconnected to', 'at the return', 'why'],
      r.rows.map((x) => [x.client, x.family, x.before, x.outcome === 'reset' ? 'RST' : x.outcome, x.reconnectedTo, x.onReturn === 'reset' ? 'RST' : x.onReturn, x.why])),
    '',
    `${s.connections} connections: ${s.survived} survived the reroute, ${s.reset} were reset, ${s.broken} broke otherwise; ` +
    `${s.resetOnReturn} of the connections re-opened elsewhere were reset again when the prefixes came back.`,
  ].join('\n');
}
