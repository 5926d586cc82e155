// The announcement backend: the narrow interface between the agent (which decides what should be announced) and
// whatever speaks BGP (a BIRD 2 driven through its control socket, or the embedded speaker). It is desired-state
// reconciliation, not a stream of announce/withdraw commands:
//
//   start()        connect; leave nothing announced from an earlier run (restart safety: a crashed agent's routes
//                  are cleaned before anything new is announced)
//   apply(set)     converge on exactly `set` (prefix → attributes); everything not in it is withdrawn. Calls may
//                  overlap: a backend applies them in order and may skip intermediate sets (coalescing), and the
//                  promise of a call resolves once that set or a later one is in effect. The agent never calls
//                  apply with a set equal to the previous one, so each call is a real change (no redundant
//                  UPDATEs); a backend must not emit UPDATEs for prefixes whose attributes did not change.
//   status()       per-peer view: session state and which prefixes each peer is sent
//   close()        after the final withdrawal: end the sessions (the embedded speaker sends a Cease NOTIFICATION)
import { AnycastError } from '../util/errors.js';
import type { Announcements } from './desired.js';

export interface BackendPeer {
  name: string;
  /** Session state as the backend names it (BIRD: "Established", "Active"…). */
  state: string;
  info: string;
  /** Prefixes of ours currently exported to this peer, or null when the backend cannot tell. */
  exported: string[] | null;
}

export interface BackendStatus {
  kind: string;
  /** Where it points: "bird /run/bird/bird.ctl", "speaker AS64512". */
  target: string;
  healthy: boolean;
  detail: string;
  applies: number;
  failures: number;
  lastApply: { wallAt: number; durationMs: number; ok: boolean; error: string | null } | null;
  pending: boolean;
  peers: BackendPeer[];
}

export interface AnnouncementBackend {
  readonly kind: string;
  start(): Promise<void>;
  apply(desired: Announcements): Promise<void>;
  status(): Promise<BackendStatus>;
  close(): Promise<void>;
}

/** The configured backend is not part of this build. */
export class BackendUnavailableError extends AnycastError {
  constructor(what: string, hint: string) {
    super('ERR_BACKEND_UNAVAILABLE', `${what} is not available in this build; ${hint}`);
  }
}

/** The backend refused or failed a change (BIRD said no, the socket is gone…). */
export class BackendError extends AnycastError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_BACKEND', message, options);
  }
}
