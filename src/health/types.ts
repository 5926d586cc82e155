// Health-check vocabulary shared by every check type, the scheduler and the agent: what a probe returns, how a
// check is timed, and the tri-state a check (or a combination of checks) is in.
//
// A probe is one attempt (one connect, one query, one command run). It is injected into the scheduler as a plain
// function so that the rise/fall/timing logic runs under FakeClock with scripted probes, and the real probes
// (exec, TCP, HTTP, DNS, address) stay thin I/O wrappers.

/** The outcome of one probe attempt. `detail` is a short human-readable explanation ("HTTP 503", "exit 2"). */
export interface ProbeResult {
  ok: boolean;
  detail: string;
}

export interface ProbeContext {
  /** Aborted when the scheduler's timeout fires; a probe must stop its I/O (and kill its processes) then. */
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * One probe attempt. May return synchronously (scripted probes in tests) or a promise (real I/O). A probe that
 * throws or rejects counts as a failure with the error message as detail.
 */
export type Probe = (ctx: ProbeContext) => ProbeResult | Promise<ProbeResult>;

/** How often and how strictly a check runs. All durations in milliseconds. */
export interface CheckTiming {
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive successes needed to go up. */
  rise: number;
  /** Consecutive failures needed to go down. */
  fall: number;
  /** Interval used while a change is pending (the last result disagreed with the current state). */
  fastIntervalMs: number;
  /** The first probe runs at a uniformly random offset in [0, jitterMs) after start. */
  jitterMs: number;
}

/**
 * A check's (or a combination's) state. `unknown` until the check has proved itself either way; the agent never
 * announces on `unknown` and never withdraws on `unknown` (so a check added by a reload does not withdraw a
 * healthy service before it has run).
 */
export type Health = 'up' | 'down' | 'unknown';

/** One completed probe, as kept for status and metrics. `at` is Clock time, `wallAt` epoch milliseconds. */
export interface Observation {
  ok: boolean;
  detail: string;
  latencyMs: number;
  at: number;
  wallAt: number;
  timedOut: boolean;
}
