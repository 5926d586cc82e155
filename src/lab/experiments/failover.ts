// `lab run failover SITE`: every client queries the anycast address every 10 ms; the site's service is killed;
// per client, the outage window (first unanswered query → first answer from the next site), the queries lost
// and the new site; then the service is restored and the time until the moved clients are back is measured.
// Clients of other sites must not notice anything: their losses and moves are reported too.

import { ms, table } from '../format.js';
import type { ProbeLine } from '../probe/jobs.js';
import type { LabRuntime } from '../runtime/types.js';
import { sleep } from '../util.js';
import { clients as clientNames, header, mode, serviceTargets, type FamilyName, type ResultHeader } from './common.js';

export interface FailoverOptions {
  families?: FamilyName[];
  intervalMs?: number;
  /** A probe unanswered after this long counts as lost. */
  probeTimeoutMs?: number;
  /** Longest wait for clients to settle after the failure and after the restore. */
  settleTimeoutMs?: number;
  /** Answers in a row from one site that count as settled. */
  stableCount?: number;
  /** Measure the restore too (default true). */
  restore?: boolean;
}

export interface FailoverRow {
  client: string;
  family: FamilyName;
  before: string | null;
  after: string | null;
  moved: boolean;
  /** First unanswered query after the failure → first answer from the next site (ms); null if none lost. */
  outageMs: number | null;
  /** Failure → first answer from the next site. */
  recoveryMs: number | null;
  lost: number;
  /** Restore → first answer from the original site again. */
  returnMs: number | null;
  lostOnRestore: number;
  back: string | null;
}

export interface FailoverResult extends ResultHeader {
  site: string;
  intervalMs: number;
  failedAt: string;
  restoredAt: string | null;
  /** Kill → the site's speaker has applied the withdrawal (the lab as announcer; null with the agent). */
  withdrawMs: number | null;
  rows: FailoverRow[];
  summary: {
    clientsOfSite: number;
    moved: number;
    movedElsewhere: number;
    maxOutageMs: number | null;
    medianOutageMs: number | null;
    lostByOthers: number;
    returned: number;
  };
}

type Sample = { t: number; s: string | null };

function samples(lines: ProbeLine[], i: number): Sample[] {
  return lines.filter((l): l is Extract<ProbeLine, { k: 's' }> => l.k === 's' && l.i === i).map((l) => ({ t: l.t, s: l.s })).sort((a, b) => a.t - b.t);
}

/** True once the last `n` answered samples after `from` all came from one site other than `not` (or equal to `want`). */
function settled(ss: Sample[], from: number, n: number, pred: (s: string) => boolean): boolean {
  const after = ss.filter((x) => x.t >= from);
  if (after.length < n) return false;
  return after.slice(-n).every((x) => x.s !== null && pred(x.s));
}

export async function runFailover(rt: LabRuntime, site: string, o: FailoverOptions = {}): Promise<FailoverResult> {
  const m = rt.model;
  if (!m.topology.sites.some((s) => s.name === site)) throw new Error(`unknown site ${site}`);
  const fams = o.families ?? ['ipv4'];
  const targets = serviceTargets(m, fams);
  const interval = o.intervalMs ?? 10;
  const stable = o.stableCount ?? 20;
  const settleTimeout = o.settleTimeoutMs ?? 30_000;
  const who = clientNames(m);
  const run = await rt.probe(who, { kind: 'stream', targets, intervalMs: interval, durationMs: 2 * settleTimeout + 10_000, timeoutMs: o.probeTimeoutMs ?? 1000 });
  // Warm up: every client answered from its usual site.
  const warmUntil = Date.now() + 10_000;
  for (;;) {
    await sleep(250);
    const ls = await run.lines();
    if ([...ls.values()].every((l) => targets.every((_, i) => samples(l, i).filter((x) => x.s).length >= 20))) break;
    if (Date.now() > warmUntil) break;
  }
  const fail = await rt.siteFail(site);
  const tFail = fail.killedAt;
  const withdrawMs = fail.withdrawnAt === null ? null : Math.round(fail.withdrawnAt - tFail);
  // Wait until the site's clients have settled elsewhere and everyone else is still where they were.
  const beforeOf = (l: ProbeLine[], i: number) => mode(samples(l, i).filter((x) => x.t < tFail && x.s).map((x) => x.s));
  for (const until = Date.now() + settleTimeout; Date.now() < until;) {
    await sleep(250);
    const ls = await run.lines();
    const ok = [...ls.values()].every((l) => targets.every((_, i) => {
      const b = beforeOf(l, i);
      return b === site ? settled(samples(l, i), tFail, stable, (s) => s !== site) : true;
    }));
    if (ok) break;
  }
  let tRestore: number | null = null;
  if (o.restore ?? true) {
    await sleep(500);
    tRestore = performance.timeOrigin + performance.now();
    await rt.siteRestore(site);
    for (const until = Date.now() + settleTimeout; Date.now() < until;) {
      await sleep(250);
      const ls = await run.lines();
      const ok = [...ls.values()].every((l) => targets.every((_, i) => {
        const b = beforeOf(l, i);
        return b === site ? settled(samples(l, i), tRestore!, stable, (s) => s === site) : true;
      }));
      if (ok) break;
    }
    await sleep(300);
  }
  const all = await run.stop();
  const rows: FailoverRow[] = [];
  for (const c of who) {
    const l = all.get(c) ?? [];
    targets.forEach((t, i) => {
      const ss = samples(l, i);
      const before = beforeOf(l, i) ?? null;
      const mid = ss.filter((x) => x.t >= tFail && (tRestore === null || x.t < tRestore));
      const after = mode(mid.slice(-Math.max(1, stable)).map((x) => x.s).filter((s): s is string => s !== null)) ?? null;
      const firstLost = mid.find((x) => x.s === null);
      const firstNew = mid.find((x) => x.s !== null && x.s !== before);
      const lost = mid.filter((x) => x.s === null).length;
      let returnMs: number | null = null;
      let lostOnRestore = 0;
      let back: string | null = null;
      if (tRestore !== null) {
        const late = ss.filter((x) => x.t >= tRestore!);
        lostOnRestore = late.filter((x) => x.s === null).length;
        back = mode(late.slice(-stable).map((x) => x.s).filter((s): s is string => s !== null)) ?? null;
        if (before === site) {
          const firstBack = late.find((x) => x.s === site);
          returnMs = firstBack ? Math.round(firstBack.t - tRestore) : null;
        }
      }
      rows.push({
        client: c, family: t.family, before, after, moved: after !== before,
        outageMs: firstLost && firstNew && before === site ? Math.round(firstNew.t - firstLost.t) : firstLost && !firstNew ? null : before === site && firstNew ? 0 : null,
        recoveryMs: firstNew && before === site ? Math.round(firstNew.t - tFail) : null,
        lost, returnMs, lostOnRestore, back,
      });
    });
  }
  const ofSite = rows.filter((r) => r.before === site);
  const outages = ofSite.map((r) => r.outageMs).filter((x): x is number => x !== null).sort((a, b) => a - b);
  return {
    ...header(rt, 'failover'), site, intervalMs: interval, failedAt: new Date(tFail).toISOString(),
    restoredAt: tRestore === null ? null : new Date(tRestore).toISOString(), withdrawMs, rows,
    summary: {
      clientsOfSite: ofSite.length,
      moved: ofSite.filter((r) => r.after && r.after !== site).length,
      movedElsewhere: rows.filter((r) => r.before !== site && r.moved).length,
      maxOutageMs: outages.length ? outages[outages.length - 1]! : null,
      medianOutageMs: outages.length ? outages[Math.floor(outages.length / 2)]! : null,
      lostByOthers: rows.filter((r) => r.before !== site).reduce((n, r) => n + r.lost, 0),
      returned: ofSite.filter((r) => r.back === site).length,
    },
  };
}

export function formatFailover(r: FailoverResult): string {
  const ofSite = r.rows.filter((x) => x.before === r.site);
  const others = r.rows.filter((x) => x.before !== r.site);
  const out = [
    `Site ${r.site} failed at ${r.failedAt} (its service killed${r.announcer === 'lab' ? `; the lab had its speaker withdraw the prefixes, applied ${r.withdrawMs} ms after the kill` : '; the agent withdraws on its own'}).`,
    `Clients probed every ${r.intervalMs} ms.`, '',
    table(['client', 'family', 'before', 'after', 'outage', 'from failure', 'lost', 'back after restore', 'lost on restore'],
      ofSite.map((x) => [x.client, x.family, x.before, x.after, ms(x.outageMs, 0), ms(x.recoveryMs, 0), x.lost,
        x.returnMs === null ? (x.back === r.site ? 'yes' : 'no') : ms(x.returnMs, 0), x.lostOnRestore]),
      ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r']),
    '',
  ];
  const s = r.summary;
  out.push(`${s.moved}/${s.clientsOfSite} clients of ${r.site} moved; outage median ${ms(s.medianOutageMs, 0)}, max ${ms(s.maxOutageMs, 0)}; ` +
    `${s.returned}/${s.clientsOfSite} back after the restore.`);
  out.push(`The other ${others.length} client probes: ${s.movedElsewhere} moved, ${s.lostByOthers} queries lost.`);
  return out.join('\n');
}
