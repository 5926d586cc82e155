// Probes in the in-process runtime: the same jobs as the prober processes of the netns runtime (probe/jobs.ts),
// the same output lines, but each query is a real DNS message answered by the site's responder engine after the
// data plane has forwarded it hop by hop — there and back; its "RTT" is the modeled one (the link delays of both
// paths), since nothing else takes time in one process. Real-time timers drive streams, TCP and floods, so they
// run alongside the speakers' own timers exactly as experiments expect.

import { identityOf, identityQuery } from '../../probe/dnswire.js';
import { LIMITS, type ProbeJob, type ProbeLine } from '../../probe/jobs.js';
import type { ProbeRun } from '../types.js';

export interface Exchange {
  /** One DNS query from `client` to `target`: the site that answered and the modeled RTT, or nulls. */
  (client: string, target: string, count: boolean): { site: string | null; rttMs: number | null };
}

const now = () => performance.timeOrigin + performance.now();
const round = (x: number) => Math.round(x * 100) / 100;

export function runInprocProbes(clients: string[], job: ProbeJob, exchange: Exchange): ProbeRun {
  const lines = new Map<string, ProbeLine[]>(clients.map((c) => [c, []]));
  const push = (c: string, l: ProbeLine) => lines.get(c)!.push(l);
  const timers: NodeJS.Timeout[] = [];
  let finished = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const finish = () => {
    if (finished) return;
    finished = true;
    for (const t of timers) clearInterval(t);
    for (const c of clients) push(c, { k: 'end', t: now() });
    resolveDone();
  };
  const snapshot = async () => new Map([...lines].map(([c, l]) => [c, [...l]]));
  const targets = job.targets;
  switch (job.kind) {
    case 'once':
      for (const c of clients) {
        targets.forEach((t, i) => {
          const r = exchange(c, t.address, true);
          const dns = r.site === null ? { site: null, rttMs: null, error: 'timeout' } : { site: r.site, rttMs: round(r.rttMs!) };
          const line: ProbeLine = { k: 'once', i, dns };
          if (job.http) line.http = r.site === null ? { site: null, rttMs: null, error: 'ETIMEDOUT' } : { site: r.site, rttMs: round(r.rttMs!) };
          push(c, line);
        });
      }
      finish();
      break;
    case 'stream':
      timers.push(setInterval(() => {
        const t0 = now();
        for (const c of clients) targets.forEach((t, i) => {
          const r = exchange(c, t.address, true);
          push(c, { k: 's', i, t: round(t0), s: r.site, r: r.rttMs === null ? null : round(r.rttMs) });
        });
      }, Math.max(LIMITS.minIntervalMs, job.intervalMs)));
      timers.push(setTimeout(finish, Math.min(job.durationMs, LIMITS.maxDurationMs)));
      break;
    case 'tcp': {
      // A connection lives at the site that accepted it; when the client's packets reach another site, that site
      // has no such connection and answers with RST; unanswered, the connection waits (TCP retransmits).
      let next = 0;
      type Conn = { open: true; c: number; site: string } | { open: false; retryAt: number };
      const conns = new Map<string, Conn>();
      const key = (c: string, i: number) => `${c}|${i}`;
      const open = (c: string, i: number, address: string) => {
        const r = exchange(c, address, false);
        if (r.site === null) return void conns.set(key(c, i), { open: false, retryAt: now() + job.reconnectMs });
        const n = next++;
        conns.set(key(c, i), { open: true, c: n, site: r.site });
        push(c, { k: 'to', i, c: n, t: round(now()) });
      };
      for (const c of clients) targets.forEach((t, i) => open(c, i, t.address));
      timers.push(setInterval(() => {
        for (const c of clients) targets.forEach((t, i) => {
          const st = conns.get(key(c, i))!;
          if (!st.open) {
            if (now() >= st.retryAt) open(c, i, t.address);
            return;
          }
          const t0 = now();
          const r = exchange(c, t.address, false);
          if (r.site === null) return;
          if (r.site === st.site) push(c, { k: 'tr', i, c: st.c, t: round(t0), s: r.site, r: round(r.rttMs!) });
          else {
            push(c, { k: 'te', i, c: st.c, t: round(now()), e: 'ECONNRESET' });
            conns.set(key(c, i), { open: false, retryAt: now() + job.reconnectMs });
          }
        });
      }, Math.max(LIMITS.minIntervalMs, job.intervalMs)));
      timers.push(setTimeout(finish, Math.min(job.durationMs, LIMITS.maxDurationMs)));
      break;
    }
    case 'flood': {
      const rate = Math.min(job.ratePerSec, LIMITS.maxRatePerSec);
      const stats = new Map(clients.map((c) => [c, targets.map(() => ({ sent: 0, answered: 0, bySite: {} as Record<string, number> }))]));
      const t0 = now();
      let owed = 0;
      let last = now();
      timers.push(setInterval(() => {
        const t = now();
        owed += ((t - last) / 1000) * rate;
        last = t;
        for (; owed >= 1; owed--) {
          for (const c of clients) targets.forEach((tg, i) => {
            const s = stats.get(c)![i]!;
            s.sent++;
            const r = exchange(c, tg.address, true);
            if (r.site !== null) {
              s.answered++;
              s.bySite[r.site] = (s.bySite[r.site] ?? 0) + 1;
            }
          });
        }
      }, 10));
      timers.push(setTimeout(() => {
        for (const c of clients) stats.get(c)!.forEach((s, i) => push(c, { k: 'flood', i, sent: s.sent, answered: s.answered, bySite: s.bySite, durationMs: round(now() - t0) }));
        finish();
      }, Math.min(job.durationMs, LIMITS.maxDurationMs)));
      break;
    }
  }
  return {
    lines: snapshot,
    stop: async () => {
      finish();
      return snapshot();
    },
    done: async () => {
      await done;
      return snapshot();
    },
  };
}

/** A real hostname.bind exchange with a responder engine (the query as a client sends it, the answer parsed). */
export function askIdentity(handle: (q: Buffer) => Buffer | null): string | null {
  const reply = handle(identityQuery(Math.floor(Math.random() * 65536)));
  return reply ? identityOf(reply)?.site ?? null : null;
}
