// Flap damping for a service, after RFC 2439's figure of merit, applied where RFC 4786 §4.4.4 says it belongs: at
// the origin, so that a flapping service is kept out of the routing system by its own node rather than being
// damped (for much longer, and everywhere) by the networks that hear it flap.
//
//   penalty(t) = penalty(t0) * 2^(-(t - t0) / half-life)          exponential decay
//   each failure adds `penalty`; the total is capped at reuse * 2^(max-suppress / half-life) (RFC 2439 §4.2's
//   ceiling, so that a long flapping spell cannot suppress for longer than max-suppress after it ends)
//   suppressed from the moment penalty >= suppress, until it decays below reuse:
//   reuse time = t0 + half-life * log2(penalty(t0) / reuse)
// Pure functions of (state, config, time).
import type { DampingConfig } from './config/types.js';

export interface DampingState {
  /** Penalty as of `at` (Clock ms). */
  penalty: number;
  at: number;
  suppressed: boolean;
  /** Failures counted since start. */
  flaps: number;
}

export const initialDamping = (now: number): DampingState => ({ penalty: 0, at: now, suppressed: false, flaps: 0 });

export function decayed(s: DampingState, cfg: DampingConfig, now: number): number {
  if (s.penalty === 0) return 0;
  return s.penalty * 2 ** (-(Math.max(0, now - s.at)) / cfg.halfLifeMs);
}

export function ceiling(cfg: DampingConfig): number {
  return cfg.reuse * 2 ** (cfg.maxSuppressMs / cfg.halfLifeMs);
}

/** The state brought forward to `now`: decayed, and released if below reuse. */
export function advance(s: DampingState, cfg: DampingConfig, now: number): DampingState {
  const penalty = decayed(s, cfg, now);
  const suppressed = s.suppressed && penalty >= cfg.reuse;
  return { penalty: penalty < 1e-6 ? 0 : penalty, at: now, suppressed, flaps: s.flaps };
}

/** A failure (the service's health went from up to down). */
export function recordFlap(s: DampingState, cfg: DampingConfig, now: number): DampingState {
  const cur = advance(s, cfg, now);
  if (!cfg.enabled) return { ...cur, flaps: cur.flaps + 1 };
  const penalty = Math.min(cur.penalty + cfg.penalty, ceiling(cfg));
  return { penalty, at: now, suppressed: cur.suppressed || penalty >= cfg.suppress, flaps: cur.flaps + 1 };
}

/** When a suppressed state is released (Clock ms), or null if it is not suppressed. */
export function reuseAt(s: DampingState, cfg: DampingConfig): number | null {
  if (!s.suppressed || s.penalty <= 0) return null;
  // Round up so that advance() at that instant sees the penalty below reuse.
  return s.at + Math.ceil(cfg.halfLifeMs * Math.log2(s.penalty / cfg.reuse)) + 1;
}
