// Rise/fall hysteresis as a pure step function: a check changes state only after `rise` consecutive successes
// (to up) or `fall` consecutive failures (to down). A single disagreeing result makes a change "pending", which
// the scheduler uses to switch to the fast interval; an agreeing result clears it. The same counting as HAProxy's
// rise/fall and ExaBGP's healthcheck, so operators' existing numbers mean the same thing here.
import type { Health } from './types.js';

export interface HysteresisState {
  state: Health;
  /** Consecutive results that disagree with `state` (successes while down/unknown, failures while up/unknown). */
  okStreak: number;
  failStreak: number;
}

export const initialHysteresis: HysteresisState = { state: 'unknown', okStreak: 0, failStreak: 0 };

export interface HysteresisStep {
  next: HysteresisState;
  changed: boolean;
  /** A change is under way: at least one result disagrees with the current state. */
  pending: boolean;
}

export function observe(s: HysteresisState, ok: boolean, rise: number, fall: number): HysteresisStep {
  const okStreak = ok ? s.okStreak + 1 : 0;
  const failStreak = ok ? 0 : s.failStreak + 1;
  let state = s.state;
  if (ok && state !== 'up' && okStreak >= rise) state = 'up';
  else if (!ok && state !== 'down' && failStreak >= fall) state = 'down';
  const changed = state !== s.state;
  const next: HysteresisState = changed ? { state, okStreak: 0, failStreak: 0 } : { state, okStreak, failStreak };
  return { next, changed, pending: isPending(next) };
}

export function isPending(s: HysteresisState): boolean {
  if (s.state === 'up') return s.failStreak > 0;
  if (s.state === 'down') return s.okStreak > 0;
  return s.okStreak > 0 || s.failStreak > 0;
}
