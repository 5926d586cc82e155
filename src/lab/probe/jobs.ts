// What a prober does inside a client's namespace (the job), and the lines it writes (JSON, one per line), shared
// by the prober process (main.ts) and the lab that reads its output. All jobs are bounded in time and rate.

export interface ProbeTargetSpec {
  /** Label shown in results (e.g. "v4"). */
  label: string;
  address: string;
}

export type ProbeJob =
  | { kind: 'once'; targets: ProbeTargetSpec[]; http: boolean; timeoutMs: number; attempts: number }
  | {
    kind: 'stream'; targets: ProbeTargetSpec[]; intervalMs: number; durationMs: number; timeoutMs: number;
    /**
     * Several clients from one prober (one process instead of one per client, for a lab on few cores): each
     * client's sockets are made in its namespace, and its lines go to its own file. Without it the prober
     * probes from the namespace it runs in and writes to stdout.
     */
    clients?: StreamClient[];
  }
  | { kind: 'tcp'; targets: ProbeTargetSpec[]; intervalMs: number; durationMs: number; reconnectMs: number }
  | { kind: 'flood'; targets: ProbeTargetSpec[]; ratePerSec: number; durationMs: number };

export interface StreamClient {
  name: string;
  /** Its network namespace (name under /run/netns, or a path). */
  ns: string;
  /** Where its lines go (appended). */
  log: string;
}

/** Hard limits, enforced by the prober whatever the job says. */
export const LIMITS = { maxDurationMs: 180_000, maxRatePerSec: 5000, minIntervalMs: 5 } as const;

export type ProbeLine =
  /** One-shot DNS (+HTTP) probe of target i. */
  | { k: 'once'; i: number; dns: { site: string | null; rttMs: number | null; error?: string; nsid?: string }; http?: { site: string | null; rttMs: number | null; error?: string } }
  /** One streamed DNS probe: send time (epoch ms), site or null (timeout), RTT. */
  | { k: 's'; i: number; t: number; s: string | null; r: number | null }
  /** TCP: connection c opened / a reply on it / an error that ended it. */
  | { k: 'to'; i: number; c: number; t: number }
  | { k: 'tr'; i: number; c: number; t: number; s: string; r: number }
  | { k: 'te'; i: number; c: number; t: number; e: string }
  /** Flood totals per target. */
  | { k: 'flood'; i: number; sent: number; answered: number; bySite: Record<string, number>; durationMs: number }
  | { k: 'end'; t: number };

export function parseProbeLines(text: string): ProbeLine[] {
  const out: ProbeLine[] = [];
  for (const l of text.split('\n')) {
    if (!l.startsWith('{')) continue;
    try {
      out.push(JSON.parse(l) as ProbeLine);
    } catch {
      /* a line cut by a kill: ignore */
    }
  }
  return out;
}
