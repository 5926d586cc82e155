// Graceful restart (RFC 4724 §4.2) in the helper role, at the session level: when a session whose peer
// advertised the capability ends without a NOTIFICATION (or, with the RFC 8538 N bit on both sides, with any
// NOTIFICATION other than Cease/Hard Reset), the peer's routes of the families it listed are kept as stale. This
// module decides which families, and runs the two timers that end staleness:
//   - the peer's Restart Time, from the drop until the session is Established again;
//   - the local stale-path time, from re-establishment until the peer's End-of-RIB for each family.
// On re-establishment, families the new OPEN no longer lists or lists without the F bit (forwarding state not
// preserved) are flushed at once. The routes themselves are the speaker's: it is told which families to keep
// (down event), and which stale families to flush and why (StaleFlush) or that End-of-RIB arrived.
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Family } from '../wire/context.js';
import type { PeerGracefulRestart } from './capabilities.js';

export type StaleFlushReason =
  /** The peer did not come back within its Restart Time. */
  | 'restart-time-expired'
  /** The peer came back but sent no End-of-RIB for the family within the stale-path time. */
  | 'stale-path-time-expired'
  /** The peer came back without the family in its capability, or without its F bit (forwarding not preserved). */
  | 'forwarding-not-preserved'
  /** The peer came back without negotiating the family at all. */
  | 'family-not-negotiated';

export interface StaleFlush {
  readonly families: readonly Family[];
  readonly reason: StaleFlushReason;
}

/** What the speaker keeps when a session drops gracefully. */
export interface GracefulDown {
  /** Families whose routes stay, marked stale; the routes of every other family are deleted. */
  readonly families: readonly Family[];
  /** The peer's Restart Time (s): the stale routes go if the session is not back by then. */
  readonly restartTime: number;
  /** The peer preserved forwarding for these families in the session that ended (its last F bits). */
  readonly forwarding: readonly Family[];
}

export class GracefulRestartHelper {
  private readonly stale = new Set<Family>();
  private timer: TimerHandle | undefined;
  private timerKind: 'restart' | 'stale-path' | null = null;
  private timerDeadline = 0;

  constructor(private readonly clock: Clock, private readonly stalePathTime: number,
    private readonly flush: (f: StaleFlush) => void) {}

  /** Families currently stale (waiting for the peer's End-of-RIB or a timer). */
  get staleFamilies(): Family[] {
    return [...this.stale].sort((a, b) => a - b);
  }

  /** Which timer runs and the seconds left, for `show neighbor`. */
  timerState(): { kind: 'restart' | 'stale-path'; remaining: number } | null {
    if (this.timerKind === null) return null;
    return { kind: this.timerKind, remaining: Math.max(0, (this.timerDeadline - this.clock.now()) / 1000) };
  }

  /**
   * The session ended. `graceful`: the way it ended allows graceful restart (no NOTIFICATION, or RFC 8538 rules).
   * Returns the families to keep as stale, or null when every route of the peer must go now.
   */
  sessionDown(peerGr: PeerGracefulRestart | null, graceful: boolean, negotiated: readonly Family[]): GracefulDown | null {
    this.stopTimer();
    const families = peerGr === null ? [] : negotiated.filter((f) => peerGr.families.has(f));
    // A capability without families (a helper-only peer) or a Restart Time of 0 preserves nothing.
    if (!graceful || peerGr === null || families.length === 0 || peerGr.restartTime === 0) {
      this.stale.clear();
      return null;
    }
    // Families stale from an earlier drop and not listed now are deleted with the rest.
    this.stale.clear();
    for (const f of families) this.stale.add(f);
    this.startTimer('restart', peerGr.restartTime);
    return { families, restartTime: peerGr.restartTime, forwarding: families.filter((f) => peerGr.families.get(f) === true) };
  }

  /** The session is Established again with this capability (or none) and these families. */
  sessionUp(peerGr: PeerGracefulRestart | null, negotiated: readonly Family[]): void {
    this.stopTimer();
    if (this.stale.size === 0) return;
    const notNegotiated: Family[] = [], notPreserved: Family[] = [];
    for (const f of this.stale) {
      if (!negotiated.includes(f)) notNegotiated.push(f);
      else if (peerGr === null || peerGr.families.get(f) !== true) notPreserved.push(f);
    }
    for (const f of [...notNegotiated, ...notPreserved]) this.stale.delete(f);
    if (notNegotiated.length > 0) this.flush({ families: notNegotiated, reason: 'family-not-negotiated' });
    if (notPreserved.length > 0) this.flush({ families: notPreserved, reason: 'forwarding-not-preserved' });
    if (this.stale.size > 0) this.startTimer('stale-path', this.stalePathTime);
  }

  /** The peer's End-of-RIB for a family: its stale routes not re-announced go now. True if it was stale. */
  endOfRib(f: Family): boolean {
    if (!this.stale.delete(f)) return false;
    if (this.stale.size === 0) this.stopTimer();
    return true;
  }

  dispose(): void {
    this.stopTimer();
    this.stale.clear();
  }

  private startTimer(kind: 'restart' | 'stale-path', seconds: number): void {
    this.stopTimer();
    this.timerKind = kind;
    this.timerDeadline = this.clock.now() + seconds * 1000;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerKind = null;
      const families = this.staleFamilies;
      this.stale.clear();
      if (families.length > 0) {
        this.flush({ families, reason: kind === 'restart' ? 'restart-time-expired' : 'stale-path-time-expired' });
      }
    }, seconds * 1000);
  }

  private stopTimer(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerKind = null;
  }
}
