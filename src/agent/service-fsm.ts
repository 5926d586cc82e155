// The per-service state machine, as a pure step function: step(state, inputs, config, now) → state + transitions.
// Timers are not inside: the machine says when it next needs to be looked at (nextWake), the driver sets a Clock
// timer and calls step again.
//
//          failure (mode drain|worse-path), maintenance (drain), shutdown (drain)
//    ┌────┐ ─────────────────────────────────────────────► ┌──────────┐
//    │ up │ ◄───────────────────────────────────────────── │ draining │  announced with a worse path
//    └────┘   healthy again / undrained (not suppressed)    └──────────┘
//      │  ▲                                                       │ drain time elapsed
//      │  │ healthy, hold-down elapsed, not suppressed (damping)  ▼
//      │  └───────────────────────────────────────────────── ┌──────┐
//      └───────────────────────────────────────────────────► │ down │  withdrawn
//         failure (mode withdraw), maintenance (withdraw),    └──────┘
//         shutdown (no drain)
//
// In worse-path mode a failed service stays in draining (no deadline) until it recovers. Every transition carries
// a reason. A service starts down and goes up only on positive evidence (all its checks proving up).
// RFC 4786 §4.4.1 (signal availability by announcing / withdrawing), §4.4.4 (damping at the origin), RFC 8326
// (GRACEFUL_SHUTDOWN while draining).
import type { Health } from '../health/types.js';
import type { DampingConfig, DegradeConfig } from './config/types.js';
import { formatDuration } from './config/units.js';
import { advance, initialDamping, recordFlap, reuseAt, type DampingState } from './damping.js';

export type Phase = 'up' | 'draining' | 'down';
export type DrainCause = 'failure' | 'maintenance' | 'shutdown';

export interface ServiceInputs {
  health: Health;
  /** Why the health is what it is ("http: HTTP 503"), for transition reasons. */
  healthDetail: string;
  adminDrain: boolean;
  /** The maintenance file that is present, if any. */
  maintenanceFile: string | null;
  /** Set once the agent is shutting down. */
  shutdown: { drain: boolean; drainTimeMs: number | null } | null;
}

export interface FsmConfig {
  degrade: DegradeConfig;
  holdDownMs: number;
  damping: DampingConfig;
}

export interface ServiceFsmState {
  phase: Phase;
  since: number;
  reason: string;
  drainCause: DrainCause | null;
  drainUntil: number | null;
  holdDownUntil: number | null;
  damping: DampingState;
  /** The last decided combined health (unknown never overwrites it): flaps are counted on its up → down edges. */
  lastHealth: Health;
}

export interface Transition {
  at: number;
  from: Phase;
  to: Phase;
  reason: string;
}

export function initialServiceState(now: number): ServiceFsmState {
  return {
    phase: 'down', since: now, reason: 'starting: waiting for checks', drainCause: null, drainUntil: null,
    holdDownUntil: null, damping: initialDamping(now), lastHealth: 'unknown',
  };
}

type Decision =
  | { kind: 'up'; reason: string }
  | { kind: 'down'; reason: string }
  | { kind: 'drain'; cause: DrainCause; until: number | null; reason: string };

/** Draining only means something if the degraded announcement differs from the normal one. */
export function makesPathWorse(d: DegradeConfig): boolean {
  return d.prepend > 0 || d.med !== null || d.gracefulShutdown || d.communities.length > 0 ||
    d.largeCommunities.length > 0;
}

function maintenanceReason(i: ServiceInputs): string | null {
  if (i.adminDrain) return 'operator drain';
  if (i.maintenanceFile !== null) return `maintenance file ${i.maintenanceFile} present`;
  return null;
}

function decide(s: ServiceFsmState, i: ServiceInputs, c: FsmConfig, now: number): Decision | null {
  const maint = maintenanceReason(i);
  const healthy = i.health === 'up';
  const failing = i.health === 'down';
  const drainFor = (ms: number) => now + ms;
  const d = c.degrade;
  switch (s.phase) {
    case 'up': {
      if (i.shutdown) {
        return i.shutdown.drain && makesPathWorse(d)
          ? { kind: 'drain', cause: 'shutdown', until: drainFor(i.shutdown.drainTimeMs ?? d.drainTimeMs),
            reason: 'shutdown: draining before withdrawal' }
          : { kind: 'down', reason: 'shutdown' };
      }
      if (maint !== null) {
        return d.maintenance === 'drain'
          ? { kind: 'drain', cause: 'maintenance', until: drainFor(d.drainTimeMs), reason: maint }
          : { kind: 'down', reason: maint };
      }
      if (failing) {
        if (d.mode === 'withdraw') return { kind: 'down', reason: i.healthDetail };
        if (d.mode === 'drain') return { kind: 'drain', cause: 'failure', until: drainFor(d.drainTimeMs), reason: i.healthDetail };
        return { kind: 'drain', cause: 'failure', until: null, reason: `${i.healthDetail} (announcing a worse path)` };
      }
      return null;
    }
    case 'draining': {
      const expired = s.drainUntil !== null && now >= s.drainUntil;
      if (i.shutdown) {
        if (!i.shutdown.drain || !makesPathWorse(d)) return { kind: 'down', reason: 'shutdown' };
        if (s.drainCause === 'shutdown') return expired ? { kind: 'down', reason: 'shutdown: drain time elapsed' } : null;
        const until = Math.min(s.drainUntil ?? Infinity, drainFor(i.shutdown.drainTimeMs ?? d.drainTimeMs));
        return { kind: 'drain', cause: 'shutdown', until, reason: `shutdown while draining (${s.reason})` };
      }
      if (expired) return { kind: 'down', reason: `drain time elapsed (${s.reason})` };
      if (healthy && maint === null && !s.damping.suppressed) {
        return { kind: 'up', reason: s.drainCause === 'maintenance' ? 'undrained, checks up' : `healthy again (${i.healthDetail})` };
      }
      if (maint !== null && s.drainCause !== 'maintenance') {
        if (d.maintenance === 'withdraw') return { kind: 'down', reason: maint };
        return { kind: 'drain', cause: 'maintenance', until: Math.min(s.drainUntil ?? Infinity, drainFor(d.drainTimeMs)), reason: maint };
      }
      if (maint === null && s.drainCause === 'maintenance' && failing) {
        if (d.mode === 'withdraw') return { kind: 'down', reason: i.healthDetail };
        if (d.mode === 'drain') return { kind: 'drain', cause: 'failure', until: s.drainUntil, reason: i.healthDetail };
        return { kind: 'drain', cause: 'failure', until: null, reason: `${i.healthDetail} (announcing a worse path)` };
      }
      return null;
    }
    case 'down': {
      if (i.shutdown || !healthy || maint !== null) return null;
      if (s.holdDownUntil !== null && now < s.holdDownUntil) return null;
      if (s.damping.suppressed) return null;
      return { kind: 'up', reason: `healthy (${i.healthDetail})${s.holdDownUntil !== null ? ', hold-down elapsed' : ''}` };
    }
  }
}

export interface StepResult {
  state: ServiceFsmState;
  transitions: Transition[];
  /** The damping state recorded a failure in this step. */
  flapped: boolean;
}

export function step(prev: ServiceFsmState, i: ServiceInputs, c: FsmConfig, now: number): StepResult {
  let s: ServiceFsmState = { ...prev, damping: advance(prev.damping, c.damping, now) };
  let flapped = false;
  if (i.health !== 'unknown') {
    if (s.lastHealth === 'up' && i.health === 'down') {
      s.damping = recordFlap(s.damping, c.damping, now);
      flapped = true;
    }
    s.lastHealth = i.health;
  }
  const transitions: Transition[] = [];
  for (let guard = 0; guard < 4; guard++) {
    const dec = decide(s, i, c, now);
    if (dec === null) break;
    const to: Phase = dec.kind === 'drain' ? 'draining' : dec.kind;
    if (to === s.phase) {
      // Same phase, new cause or deadline (e.g. a drained service is shut down): not a transition.
      if (dec.kind !== 'drain') break;
      s = { ...s, drainCause: dec.cause, drainUntil: dec.until, reason: dec.reason };
      continue;
    }
    transitions.push({ at: now, from: s.phase, to, reason: dec.reason });
    s = {
      ...s,
      phase: to, since: now, reason: dec.reason,
      drainCause: dec.kind === 'drain' ? dec.cause : null,
      drainUntil: dec.kind === 'drain' ? dec.until : null,
      // Hold-down (RFC 4786 §4.4.4's advice against rapid re-announcement) starts at every withdrawal.
      holdDownUntil: to === 'down' ? now + c.holdDownMs : to === 'up' ? null : s.holdDownUntil,
    };
  }
  return { state: s, transitions, flapped };
}

/** The next Clock time at which step() could decide differently with unchanged inputs, or null. */
export function nextWake(s: ServiceFsmState, c: FsmConfig, now: number): number | null {
  const times: number[] = [];
  if (s.phase === 'draining' && s.drainUntil !== null) times.push(s.drainUntil);
  if (s.phase === 'down' && s.holdDownUntil !== null && s.holdDownUntil > now) times.push(s.holdDownUntil);
  const r = reuseAt(s.damping, c.damping);
  if (r !== null) times.push(r);
  const future = times.filter((t) => t >= now);
  return future.length === 0 ? null : Math.min(...future);
}

/** What is keeping a service from going up, for status ("hold-down 4.2s", "suppressed, reuse in 31s"). */
export function blockers(s: ServiceFsmState, i: ServiceInputs, c: FsmConfig, now: number): string[] {
  const out: string[] = [];
  const m = maintenanceReason(i);
  if (m !== null) out.push(m);
  if (i.shutdown) out.push('shutting down');
  if (s.phase === 'down' && s.holdDownUntil !== null && s.holdDownUntil > now) {
    out.push(`hold-down ${formatDuration(s.holdDownUntil - now)}`);
  }
  const damp = advance(s.damping, c.damping, now);
  if (damp.suppressed) {
    const r = reuseAt(damp, c.damping);
    out.push(`suppressed by damping (penalty ${Math.round(damp.penalty)}${r !== null ? `, reuse in ${formatDuration(r - now)}` : ''})`);
  }
  if (s.phase === 'draining' && s.drainUntil !== null) out.push(`withdrawal in ${formatDuration(Math.max(0, s.drainUntil - now))}`);
  if (i.health !== 'up' && s.phase !== 'up') out.push(`health ${i.health}`);
  return out;
}
