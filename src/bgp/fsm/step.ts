// The session FSM as a pure step function: step(state, input) → { state, outputs, event }.
// RFC 4271 §8.2.2: one handler per state, each row of the RFC's text a case; the "any other event" rows are the
// defaults. This file holds the entry point, the classification of inputs into RFC events, and the Idle state;
// connecting.ts has Connect/Active and opening.ts OpenSent/OpenConfirm/Established.
//
// Classification (the RFC's events are partly facts the FSM itself knows):
//  - BGPOpen is event 20 when our DelayOpenTimer runs, else 19; in OpenSent and with DelayOpenTimer running the
//    OPEN is checked first (open.ts) and a failing one becomes event 22 (BGPOpenMsgErr) with its NOTIFICATION.
//  - NotifMsg with code 2 / subcode 1 (Unsupported Version Number) is event 24 (NotifMsgVerErr), else 25.
//  - A timer expiry marks that timer as no longer running before the row runs.
import { checkFsmConfig, FsmConfigError, resolveFsmConfig, type FsmConfigInput } from './config.js';
import { connecting } from './connecting.js';
import { ErrorCode, OpenErrorSubcode, CeaseSubcode, ceaseNotification } from './notification.js';
import { checkOpen, type OpenCheck } from './open.js';
import { established, openConfirm, openSent } from './opening.js';
import { Tx } from './tx.js';
import type { EventName, FsmInput, FsmOutput, FsmState, Notification, StepResult, TimerName } from './types.js';

/** An input after classification: the RFC event it is, and what the rows need from it. */
export interface Classified {
  readonly event: EventName;
  /** A checked OPEN (events 19/20 accepted, or 22 when the check failed). */
  readonly open?: OpenCheck;
  /** The NOTIFICATION to send for events 21, 22, 28 and RouteRefreshMsgErr. */
  readonly error?: Notification;
  /** The received NOTIFICATION for events 24/25. */
  readonly received?: Notification;
}

const EXPIRY: Partial<Record<FsmInput['type'], TimerName>> = {
  ConnectRetryTimer_Expires: 'ConnectRetryTimer',
  HoldTimer_Expires: 'HoldTimer',
  KeepaliveTimer_Expires: 'KeepaliveTimer',
  DelayOpenTimer_Expires: 'DelayOpenTimer',
  IdleHoldTimer_Expires: 'IdleHoldTimer',
  IdleHoldResetTimer_Expires: 'IdleHoldResetTimer',
};

/** A fresh FSM in Idle. Throws FsmConfigError when the configuration fails checkFsmConfig(). */
export function createFsm(input: FsmConfigInput): FsmState {
  const config = resolveFsmConfig(input);
  const problems = checkFsmConfig(config);
  if (problems.length > 0) throw new FsmConfigError(problems);
  return {
    config,
    state: 'Idle',
    connectRetryCounter: 0,
    timers: {
      ConnectRetryTimer: false, HoldTimer: false, KeepaliveTimer: false, DelayOpenTimer: false,
      IdleHoldTimer: false, IdleHoldResetTimer: false,
    },
    startMode: 'active',
    restartPending: false,
    idleHoldTime: config.idleHoldTime,
    holdTime: 0,
    keepaliveTime: 0,
    peer: undefined,
    lastDown: undefined,
  };
}

export function classify(s: FsmState, input: FsmInput): Classified {
  switch (input.type) {
    case 'BGPOpen': {
      const delayOpenRunning = s.timers.DelayOpenTimer;
      // Only an OPEN the state expects is checked; elsewhere it is an unexpected message whatever its content.
      if (!delayOpenRunning && s.state !== 'OpenSent') return { event: 'BGPOpen' };
      const open = checkOpen(input.open, s.config);
      if (!open.ok) return { event: 'BGPOpenMsgErr', open, error: open.error };
      return { event: delayOpenRunning ? 'BGPOpen with DelayOpenTimer running' : 'BGPOpen', open };
    }
    case 'NotifMsg': {
      const n = input.notification;
      const ver = n.code === ErrorCode.OpenMessage && n.subcode === OpenErrorSubcode.UnsupportedVersionNumber;
      return { event: ver ? 'NotifMsgVerErr' : 'NotifMsg', received: n };
    }
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
    case 'UpdateMsgErr':
    case 'RouteRefreshMsgErr':
      return { event: input.type, error: input.error };
    default:
      return { event: input.type };
  }
}

/** RFC 4271 §8.2.2: the transition of `s` on `input`. Pure: `s` is not modified. */
export function step(s: FsmState, input: FsmInput): StepResult {
  // Fast path for the bulk of a session's life (a full table is hundreds of thousands of UPDATEs): the same rows
  // as established() without the draft copy. The state does not change, so the same object is returned.
  if (s.state === 'Established' && (input.type === 'UpdateMsg' || input.type === 'KeepAliveMsg')) {
    const hold: FsmOutput[] = s.holdTime !== 0 ? [{ type: 'StartTimer', name: 'HoldTimer', seconds: s.holdTime }] : [];
    const outputs = input.type === 'UpdateMsg' ? [{ type: 'ProcessUpdate', update: input.update } as FsmOutput, ...hold] : hold;
    return { state: s, outputs, event: input.type };
  }
  const c = classify(s, input);
  const tx = new Tx(s, c.event);
  const expired = EXPIRY[input.type];
  if (expired !== undefined) tx.timers[expired] = false;
  switch (s.state) {
    case 'Idle': return idle(tx, input);
    case 'Connect':
    case 'Active': return connecting(tx, c, input);
    case 'OpenSent': return openSent(tx, c, input);
    case 'OpenConfirm': return openConfirm(tx, c, input);
    case 'Established': return established(tx, c, input);
  }
}

/**
 * Idle (RFC 4271 §8.2.2): refuses connections, starts on the start events. Events 6/7/13 (damping) are "outside the
 * scope" of the RFC; here 6/7 wait for a running IdleHoldTimer and its expiry performs the pending start.
 * ManualStop/AutomaticStop are ignored as the RFC says, except that they cancel a pending automatic restart.
 */
function idle(tx: Tx, input: FsmInput): StepResult {
  switch (input.type) {
    case 'ManualStart': return tx.startFsm('active', 'manual');
    case 'AutomaticStart': return tx.startFsm('active', 'automatic');
    case 'ManualStart_with_PassiveTcpEstablishment': return tx.startFsm('passive', 'manual');
    case 'AutomaticStart_with_PassiveTcpEstablishment': return tx.startFsm('passive', 'automatic');
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment': {
      const mode = input.type === 'AutomaticStart_with_DampPeerOscillations' ? 'active' : 'passive';
      if (tx.running('IdleHoldTimer')) {
        tx.s.restartPending = true;
        tx.s.startMode = mode;
        return tx.result();
      }
      return tx.startFsm(mode, 'damped');
    }
    case 'IdleHoldTimer_Expires':
      if (tx.s.restartPending) return tx.startFsm(tx.s.startMode, 'damped');
      return tx.result();
    case 'ManualStop':
    case 'AutomaticStop':
      tx.stop('IdleHoldTimer');
      tx.s.restartPending = false;
      return tx.result();
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
      return tx.emit({ type: 'RejectTcp' }).result();
    case 'Tcp_CR_Acked':
      return tx.emit({ type: 'DropTcp' }).result();
    case 'TcpConnectionConfirmed':
      // RFC 4486 §4: a connection accepted and then disallowed SHOULD get Cease / Connection Rejected.
      return tx.notify(ceaseNotification({ subcode: CeaseSubcode.ConnectionRejected }))
        .emit({ type: 'DropTcp' }).result();
    default:
      // RFC 4271: "Any other event (Events 9-12, 15-28) received in the Idle state does not cause change".
      return tx.result();
  }
}
