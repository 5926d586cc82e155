// The vocabulary of the BGP session state machine: states, events (by their RFC 4271 §8.1 names and numbers),
// the inputs the session layer feeds in, the outputs (actions) it must carry out, and the typed reasons a
// session goes down. Pure types and tables only; the transitions live in step.ts.
//
// RFC 4271 §8.1 (events), §8.2.2 (states); RFC 6608 (FSM error subcodes); RFC 4486 / RFC 9003 (Cease).
// Local additions (not in RFC 4271, named so that they cannot be mistaken for RFC events):
//   IdleHoldResetTimer_Expires — the "stable period" after which the IdleHoldTime backoff is reset,
//   RouteRefreshMsg / RouteRefreshMsgErr — RFC 2918 / RFC 7313 messages (unexpected before Established, RFC 6608),
//   UpdateSent — RFC 4271 §8.2.2 Established: every UPDATE sent restarts the KeepaliveTimer.

/** RFC 4271 §8.2.2: the six states. */
export type StateName = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';
export const STATES: readonly StateName[] = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

/** RFC 4271 §8.1: the 28 events with their numbers (usable for network management, §8.2.1.4). */
export const RFC_EVENTS = {
  ManualStart: 1,
  ManualStop: 2,
  AutomaticStart: 3,
  ManualStart_with_PassiveTcpEstablishment: 4,
  AutomaticStart_with_PassiveTcpEstablishment: 5,
  AutomaticStart_with_DampPeerOscillations: 6,
  AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment: 7,
  AutomaticStop: 8,
  ConnectRetryTimer_Expires: 9,
  HoldTimer_Expires: 10,
  KeepaliveTimer_Expires: 11,
  DelayOpenTimer_Expires: 12,
  IdleHoldTimer_Expires: 13,
  TcpConnection_Valid: 14,
  Tcp_CR_Invalid: 15,
  Tcp_CR_Acked: 16,
  TcpConnectionConfirmed: 17,
  TcpConnectionFails: 18,
  BGPOpen: 19,
  'BGPOpen with DelayOpenTimer running': 20,
  BGPHeaderErr: 21,
  BGPOpenMsgErr: 22,
  OpenCollisionDump: 23,
  NotifMsgVerErr: 24,
  NotifMsg: 25,
  KeepAliveMsg: 26,
  UpdateMsg: 27,
  UpdateMsgErr: 28,
} as const;

export type RfcEventName = keyof typeof RFC_EVENTS;
export type LocalEventName = 'IdleHoldResetTimer_Expires' | 'RouteRefreshMsg' | 'RouteRefreshMsgErr' | 'UpdateSent';
export type EventName = RfcEventName | LocalEventName;

/** The RFC event number of an event name, or undefined for the local additions. */
export function eventNumber(name: EventName): number | undefined {
  return (RFC_EVENTS as Record<string, number>)[name];
}

/** Timers. The first five are RFC 4271 §8's; IdleHoldResetTimer is the local "stable period" timer. */
export type TimerName =
  | 'ConnectRetryTimer'
  | 'HoldTimer'
  | 'KeepaliveTimer'
  | 'DelayOpenTimer'
  | 'IdleHoldTimer'
  | 'IdleHoldResetTimer';
/** Canonical order, used whenever several timers are stopped at once (so outputs are deterministic). */
export const TIMERS: readonly TimerName[] = [
  'ConnectRetryTimer', 'DelayOpenTimer', 'HoldTimer', 'KeepaliveTimer', 'IdleHoldResetTimer', 'IdleHoldTimer',
];

/** A NOTIFICATION's fields; structurally the same as the wire codec's NotificationFields. */
export interface Notification {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

/** What the FSM needs from a received OPEN (RFC 4271 §4.2), already decoded by the wire layer. */
export interface OpenInfo {
  readonly version: number;
  /** The peer's AS: the 4-octet AS from the RFC 6793 capability when present, else the 2-octet My AS field. */
  readonly as: number;
  readonly holdTime: number;
  /** BGP Identifier as an unsigned 32-bit integer (host order). */
  readonly bgpId: number;
  /** The peer's capabilities, opaque to the FSM; handed to the validator and to SessionUp. */
  readonly capabilities?: unknown;
}

/** Verdict of the pluggable OPEN validator (capabilities, roles, AS_TRANS rules, ...). */
export type OpenVerdict =
  | { readonly ok: true; /** What was negotiated (e.g. the codec context); passed through to SessionUp. */ readonly negotiated?: unknown }
  | { readonly ok: false; /** OPEN Message Error subcode (RFC 4271 §6.2, RFC 5492, RFC 9234). */ readonly subcode: number; readonly data?: Uint8Array; readonly reason?: string };

export interface OpenValidationContext {
  readonly localAs: number;
  readonly localBgpId: number;
  readonly peerAs: number | undefined;
  /** The peer's AS equals ours (RFC 4271 §8.2.2: "internal" connection). */
  readonly internal: boolean;
}
export type OpenValidator = (open: OpenInfo, ctx: OpenValidationContext) => OpenVerdict;

/** A Cease to send (RFC 4486 subcodes; RFC 9003 communication for Administrative Shutdown / Reset). */
export interface CeaseRequest {
  readonly subcode: number;
  /** RFC 9003 Shutdown Communication (subcodes 2 and 4 only); truncated to 255 octets on a UTF-8 boundary. */
  readonly communication?: string;
  /** Raw data for other subcodes (e.g. RFC 4486 Maximum Number of Prefixes: AFI, SAFI, upper bound). */
  readonly data?: Uint8Array;
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs

/** Events the session layer feeds into step(). Timer expiries come from the driver (driver.ts). */
export type FsmInput =
  | { readonly type: 'ManualStart' }
  | { readonly type: 'ManualStop'; readonly cease?: CeaseRequest }
  | { readonly type: 'AutomaticStart' }
  | { readonly type: 'ManualStart_with_PassiveTcpEstablishment' }
  | { readonly type: 'AutomaticStart_with_PassiveTcpEstablishment' }
  | { readonly type: 'AutomaticStart_with_DampPeerOscillations' }
  | { readonly type: 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment' }
  | {
    readonly type: 'AutomaticStop';
    readonly cease: CeaseRequest;
    /** Seconds until the FSM restarts by itself; 'never' to stay Idle; default: the IdleHoldTime backoff. */
    readonly restartAfter?: number | 'never';
  }
  | { readonly type: 'ConnectRetryTimer_Expires' }
  | { readonly type: 'HoldTimer_Expires' }
  | { readonly type: 'KeepaliveTimer_Expires' }
  | { readonly type: 'DelayOpenTimer_Expires' }
  | { readonly type: 'IdleHoldTimer_Expires' }
  | { readonly type: 'IdleHoldResetTimer_Expires' }
  | { readonly type: 'TcpConnection_Valid' }
  | { readonly type: 'Tcp_CR_Invalid' }
  | { readonly type: 'Tcp_CR_Acked' }
  | { readonly type: 'TcpConnectionConfirmed' }
  | { readonly type: 'TcpConnectionFails'; readonly error?: string }
  /** A decoded OPEN. The FSM checks it (open.ts) and classifies it as event 19, 20 or 22. */
  | { readonly type: 'BGPOpen'; readonly open: OpenInfo }
  /** Message header error (code 1) found by the codec, with the NOTIFICATION that reports it. */
  | { readonly type: 'BGPHeaderErr'; readonly error: Notification }
  /** OPEN that the codec could not decode (code 2), with its NOTIFICATION. */
  | { readonly type: 'BGPOpenMsgErr'; readonly error: Notification }
  /** This connection lost a collision (collision.ts decided). */
  | { readonly type: 'OpenCollisionDump' }
  /** A received NOTIFICATION; 2/1 (Unsupported Version Number) is classified as NotifMsgVerErr (event 24). */
  | { readonly type: 'NotifMsg'; readonly notification: Notification }
  | { readonly type: 'KeepAliveMsg' }
  /** A received UPDATE, opaque to the FSM; returned in ProcessUpdate. */
  | { readonly type: 'UpdateMsg'; readonly update?: unknown }
  /** An UPDATE error whose RFC 7606 action is a session reset, with its NOTIFICATION (code 3). */
  | { readonly type: 'UpdateMsgErr'; readonly error: Notification }
  | { readonly type: 'RouteRefreshMsg'; readonly message?: unknown }
  /** A ROUTE-REFRESH error that resets the session (RFC 7313 §5, code 7), with its NOTIFICATION. */
  | { readonly type: 'RouteRefreshMsgErr'; readonly error: Notification }
  /** The session layer sent an UPDATE (restarts the KeepaliveTimer in Established). */
  | { readonly type: 'UpdateSent' };

export type FsmInputType = FsmInput['type'];

// ---------------------------------------------------------------------------------------------------------------
// Outputs

/** What the session layer learns when the session reaches Established. */
export interface EstablishedSession {
  readonly peerAs: number;
  readonly peerBgpId: number;
  /** RFC 4271 §8.2.2: internal iff the peer's AS equals the local AS. */
  readonly internal: boolean;
  /** Negotiated hold time (s); 0 means no HoldTimer and no KEEPALIVEs. */
  readonly holdTime: number;
  readonly keepaliveTime: number;
  readonly peerHoldTime: number;
  readonly capabilities: unknown;
  readonly negotiated: unknown;
}

/** Why a connection attempt or session ended. */
export type DownReason =
  | { readonly kind: 'manualStop'; readonly subcode: number; readonly communication?: string }
  | { readonly kind: 'automaticStop'; readonly subcode: number; readonly data: Uint8Array }
  /** Our HoldTimer expired (NOTIFICATION 4 sent). */
  | { readonly kind: 'holdTimerExpired' }
  /** The peer sent a NOTIFICATION (RFC 9003 communication decoded when present and valid). */
  | {
    readonly kind: 'notificationReceived'; readonly code: number; readonly subcode: number; readonly data: Uint8Array;
    readonly communication?: string;
  }
  /** We detected an error and sent this NOTIFICATION (header, OPEN, UPDATE, FSM error). */
  | { readonly kind: 'notificationSent'; readonly code: number; readonly subcode: number; readonly data: Uint8Array }
  /** We detected an error but sent nothing, as no OPEN had been sent yet (SendNOTIFICATIONwithoutOPEN false). */
  | { readonly kind: 'errorNotSent'; readonly code: number; readonly subcode: number; readonly data: Uint8Array }
  /** An event that Connect/Active do not expect (RFC 4271: no NOTIFICATION in these states). */
  | { readonly kind: 'unexpectedEvent'; readonly event: EventName }
  | { readonly kind: 'tcpFailed'; readonly error?: string }
  /** This connection lost a collision (Cease 7 sent). */
  | { readonly kind: 'collision' };

export type FsmOutput =
  | { readonly type: 'StartTimer'; readonly name: TimerName; readonly seconds: number }
  | { readonly type: 'StopTimer'; readonly name: TimerName }
  /** Initiate an outgoing TCP connection to the peer. */
  | { readonly type: 'ConnectTcp' }
  /** Close this FSM's TCP connection (after writing any NOTIFICATION output before it). */
  | { readonly type: 'DropTcp' }
  /** Refuse the connection request that raised TcpConnection_Valid / Tcp_CR_Invalid. */
  | { readonly type: 'RejectTcp' }
  | { readonly type: 'SendOpen' }
  | { readonly type: 'SendKeepalive' }
  | { readonly type: 'SendNotification'; readonly code: number; readonly subcode: number; readonly data: Uint8Array }
  | { readonly type: 'ProcessUpdate'; readonly update: unknown }
  | { readonly type: 'ProcessRouteRefresh'; readonly message: unknown }
  /** RFC 4271 §8.2.2 Established: "deletes all routes associated with this connection". */
  | { readonly type: 'DeleteRoutes' }
  | { readonly type: 'ReleaseResources' }
  | { readonly type: 'SessionUp'; readonly session: EstablishedSession }
  /** A connection attempt or session ended; `from` is the state it was in (Established: routes were up). */
  | { readonly type: 'SessionDown'; readonly from: StateName; readonly reason: DownReason };

export type FsmOutputType = FsmOutput['type'];

// ---------------------------------------------------------------------------------------------------------------
// Configuration and state

/** RFC 4271 §8 session attributes (mandatory and optional) plus the local choices documented in docs/fsm.md. */
export interface FsmConfig {
  readonly localAs: number;
  /** Local BGP Identifier, unsigned 32-bit. */
  readonly localBgpId: number;
  /** Expected peer AS; undefined accepts any AS (range-based dynamic neighbors). */
  readonly peerAs: number | undefined;
  /** Hold time we offer (s): 0 or >= 3 (RFC 4271 §4.2). */
  readonly holdTime: number;
  /** Keepalive interval (s) to use at most; undefined: one third of the negotiated hold time. */
  readonly keepaliveTime: number | undefined;
  /** Smallest non-zero hold time accepted from the peer (>= 3); smaller values get OPEN error 6. */
  readonly minHoldTime: number;
  /** ConnectRetryTime (s). RFC 4271 §10 suggests 120. */
  readonly connectRetryTime: number;
  /** HoldTimer "large value" while waiting for the OPEN (s). RFC 4271 §8.2.2 suggests 4 minutes. */
  readonly largeHoldTime: number;
  /** Never initiate TCP: stay in Active and only accept (like BIRD/GoBGP/FRR "passive"). */
  readonly passive: boolean;
  readonly delayOpen: boolean;
  readonly delayOpenTime: number;
  /** Restart by itself after falling to Idle on an error (RFC 4271 AllowAutomaticStart). */
  readonly allowAutomaticStart: boolean;
  /** Double the IdleHoldTime on each failure up to idleHoldTimeMax (RFC 4271 DampPeerOscillations). */
  readonly dampPeerOscillations: boolean;
  /** Initial IdleHoldTime (s): wait in Idle before the automatic restart. */
  readonly idleHoldTime: number;
  readonly idleHoldTimeMax: number;
  /** Seconds in Established after which the IdleHoldTime backoff returns to its initial value. */
  readonly idleHoldResetTime: number;
  readonly sendNotificationWithoutOpen: boolean;
  readonly collisionDetectEstablishedState: boolean;
  /** Checks the OPEN's capabilities (and whatever else the speaker cares about) after the FSM's own checks. */
  readonly validateOpen: OpenValidator | undefined;
}

/** The peer as learned from its accepted OPEN. */
export interface PeerInfo {
  readonly as: number;
  readonly bgpId: number;
  readonly holdTime: number;
  readonly internal: boolean;
  readonly capabilities: unknown;
  readonly negotiated: unknown;
}

export type TimerSet = Readonly<Record<TimerName, boolean>>;

/** One FSM instance = one TCP connection's session state (RFC 4271 §8.2.1.2). Immutable; step() returns a new one. */
export interface FsmState {
  readonly config: FsmConfig;
  readonly state: StateName;
  readonly connectRetryCounter: number;
  /** Timers this FSM believes are running (it started them and has not stopped them or seen them expire). */
  readonly timers: TimerSet;
  /** How the last start asked to connect; the automatic restart repeats it. */
  readonly startMode: 'active' | 'passive';
  /** The IdleHoldTimer is running to restart the FSM when it expires. */
  readonly restartPending: boolean;
  /** Current IdleHoldTime (s), doubled by damping. */
  readonly idleHoldTime: number;
  /** Negotiated hold time and keepalive (s), valid from OpenConfirm on. */
  readonly holdTime: number;
  readonly keepaliveTime: number;
  readonly peer: PeerInfo | undefined;
  /** Why the last attempt or session ended, for `show neighbor`. */
  readonly lastDown: DownReason | undefined;
}

export interface StepResult {
  readonly state: FsmState;
  readonly outputs: readonly FsmOutput[];
  /** The event as the RFC names it after classification (e.g. BGPOpen → 'BGPOpenMsgErr' if the OPEN is bad). */
  readonly event: EventName;
}
