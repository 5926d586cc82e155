// What a Peer tells the speaker, and the tap for a BGP4MP message log (RFC 6396 §4.4: messages with their
// direction, time and endpoints; state changes). Plain callbacks held in arrays: emitting an UPDATE costs a loop
// over its handlers, nothing else.
import type { DownReason, EventName, StateName } from '../fsm/types.js';
import type { Endpoint } from '../transport/types.js';
import type { Family } from '../wire/context.js';
import type { WireError } from '../wire/errors.js';
import type { RouteRefreshMessage } from '../wire/messages.js';
import type { NegotiatedSession } from './capabilities.js';
import type { GracefulDown, StaleFlush } from './graceful.js';
import type { UpdateIn } from './inbound.js';
import type { PrefixLimitEvent } from './max-prefix.js';

/** An Established session: what was negotiated, the timers, and the connection. */
export interface PeerSession extends NegotiatedSession {
  /** Negotiated hold time and keepalive interval (s); 0 = no HoldTimer, no KEEPALIVEs. */
  readonly holdTime: number;
  readonly keepaliveTime: number;
  /** The peer's AS equals ours. */
  readonly internal: boolean;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  /** Which side opened the TCP connection. */
  readonly initiator: 'local' | 'remote';
  /** Clock time (ms) of establishment. */
  readonly establishedAt: number;
}

/** Why a session (or a connection attempt) ended, as the peer layer adds to the FSM's reason. */
export type PeerDownCause =
  | { readonly kind: 'fsm' }
  /** RFC 9687: the peer read nothing for SendHoldTime; the connection was closed. */
  | { readonly kind: 'sendHoldTimerExpired'; readonly seconds: number }
  /** A max-prefix teardown (RFC 4486), with the family and count. */
  | { readonly kind: 'maxPrefix'; readonly family: Family; readonly count: number; readonly limit: number }
  /** The peer opened a new connection with graceful restart while the old session was up (RFC 4724 §4.2). */
  | { readonly kind: 'peerRestarted' };

export interface DownEvent {
  /** The state the session was in: 'Established' means routes were up. */
  readonly from: StateName;
  readonly reason: DownReason;
  readonly cause: PeerDownCause;
  /** One line for logs and `show neighbor`. */
  readonly text: string;
  /** RFC 4724 helper: the families whose routes stay as stale (the rest go), or null: delete every route. */
  readonly graceful: GracefulDown | null;
}

export interface RouteRefreshIn {
  readonly family: Family;
  /** 'request': (re)send the Adj-RIB-Out (RFC 2918); 'begin'/'end': the peer's BoRR/EoRR (RFC 7313 §4). */
  readonly kind: 'request' | 'begin' | 'end';
  /** 'peer': a ROUTE-REFRESH message; 'local': softResetOut() asked for the same. */
  readonly origin: 'peer' | 'local';
  readonly message?: RouteRefreshMessage;
}

export interface NotificationEvent {
  readonly direction: 'sent' | 'received';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
  /** "Cease / Administrative Shutdown, shutdown communication "…"" */
  readonly text: string;
}

export interface PeerEventMap {
  /** Every FSM state change of the session's connection (the one reported by `state`). */
  state: { readonly from: StateName; readonly to: StateName; readonly event: EventName };
  established: PeerSession;
  down: DownEvent;
  /** A received UPDATE with the RFC 7606 treatment applied. */
  update: UpdateIn;
  /** The peer's End-of-RIB for a family (RFC 4724 §2); `stale`: graceful restart stale routes to sweep now. */
  endOfRib: { readonly family: Family; readonly stale: boolean };
  routeRefresh: RouteRefreshIn;
  /** AFI/SAFI disable (RFC 7606 §2, RFC 4760 §7): drop the peer's routes of the family. */
  familyDisabled: { readonly family: Family; readonly error: WireError };
  /** Graceful restart: stale routes of these families must go now. */
  staleFlush: StaleFlush;
  prefixLimit: PrefixLimitEvent;
  notification: NotificationEvent;
  /** The send buffer drained after sendUpdates() returned false. */
  drain: undefined;
}

export type PeerEventName = keyof PeerEventMap;

/** One BGP message as sent or received, for a BGP4MP log. */
export interface TappedMessage {
  readonly direction: 'in' | 'out';
  /** Wall-clock time in milliseconds since the epoch (fractional: microseconds for BGP4MP_ET). */
  readonly time: number;
  readonly bytes: Uint8Array;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly localAs: number;
  readonly peerAs: number;
  /** 4-octet AS numbers in AS_PATH (decides BGP4MP_MESSAGE vs BGP4MP_MESSAGE_AS4). */
  readonly as4: boolean;
}

export interface TappedState {
  readonly time: number;
  readonly from: StateName;
  readonly to: StateName;
  readonly local: Endpoint | null;
  readonly remote: Endpoint;
  readonly localAs: number;
  readonly peerAs: number;
}

export interface MessageTap {
  message?(m: TappedMessage): void;
  state?(s: TappedState): void;
}

type Handlers<M> = { [K in keyof M]?: Array<(v: M[K]) => void> };

/** A minimal typed emitter. A throwing handler is reported to `onError` and does not stop the others. */
export class Emitter<M> {
  protected readonly handlers: Handlers<M> = {};
  protected onHandlerError: (event: string, e: unknown) => void = () => {};

  /** Subscribe; returns the function that unsubscribes. */
  on<K extends keyof M>(event: K, fn: (v: M[K]) => void): () => void {
    const list = (this.handlers[event] ??= []);
    list.push(fn);
    return () => {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    };
  }

  protected emit<K extends keyof M>(event: K, v: M[K]): void {
    const list = this.handlers[event];
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(v);
      } catch (e) {
        this.onHandlerError(String(event), e);
      }
    }
  }
}
