// OpenSent and OpenConfirm states (RFC 4271 §8.2.2), the OPEN acceptance shared with Connect/Active (event 20),
// and the row helpers shared with Established. From OpenSent on our OPEN is out, so unexpected events are answered
// with NOTIFICATION 5 and the RFC 6608 subcode of the state.
//
// Deliberate differences from the RFC's text (docs/fsm.md):
//  - NotifMsg in OpenSent: the RFC lists it among "any other event", which would answer a NOTIFICATION with an
//    FSM Error NOTIFICATION. We send nothing (the peer closes after its NOTIFICATION, RFC 4271 §4.5, and RFC 6608
//    names only KEEPALIVE, UPDATE and ROUTE-REFRESH as unexpected messages) and otherwise follow the row.
//  - BGPOpen in OpenConfirm/Established: the RFC's text is about an OPEN on the *other* connection of a collision,
//    which collision.ts resolves and signals with OpenCollisionDump. An OPEN on this FSM's own connection after its
//    first is an unexpected message: NOTIFICATION 5 with the RFC 6608 subcode.
import type { Classified } from './step.js';
import { fallBackToActive } from './connecting.js';
import {
  CeaseSubcode, ErrorCode, ceaseNotification, fsmErrorSubcode,
} from './notification.js';
import type { OpenCheck } from './open.js';
import { Tx, type RestartPolicy } from './tx.js';
import type { FsmInput, Notification, StepResult } from './types.js';

const EMPTY = new Uint8Array(0);

/** How an AutomaticStop asks to restart; collisions never restart (the winning connection carries on). */
export function restartPolicy(input: FsmInput): RestartPolicy {
  if (input.type === 'OpenCollisionDump') return 'none';
  if (input.type !== 'AutomaticStop' || input.restartAfter === undefined) return 'auto';
  return input.restartAfter === 'never' ? 'none' : Math.max(0, input.restartAfter);
}

/** A valid OPEN in OpenSent (event 19) or with DelayOpenTimer running (event 20): on to OpenConfirm. */
export function acceptOpen(tx: Tx, open: OpenCheck & { ok: true }, sendOpen: boolean): StepResult {
  tx.stop('DelayOpenTimer');
  tx.stop('ConnectRetryTimer');
  if (sendOpen) tx.emit({ type: 'SendOpen' });
  tx.emit({ type: 'SendKeepalive' });
  tx.s.peer = open.peer;
  tx.s.holdTime = open.holdTime;
  tx.s.keepaliveTime = open.keepaliveTime;
  if (open.holdTime !== 0) {
    tx.start('KeepaliveTimer', open.keepaliveTime);
    tx.start('HoldTimer', open.holdTime);
  } else {
    // RFC 4271 §8.2.2: with a negotiated hold time of zero neither timer runs (the "large" HoldTimer stops).
    tx.stop('KeepaliveTimer');
    tx.stop('HoldTimer');
  }
  return tx.go('OpenConfirm').result();
}

function fsmError(tx: Tx): Notification {
  return { code: ErrorCode.FiniteStateMachine, subcode: fsmErrorSubcode(tx.prev.state), data: EMPTY };
}

/** Rows shared by OpenSent, OpenConfirm and Established; undefined when the state must decide. */
function commonRow(tx: Tx, c: Classified, input: FsmInput): StepResult | undefined {
  switch (input.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
      return tx.result();
    // A second connection for this peer gets its own FSM (RFC 4271 §8.2.1.2); this one ignores it.
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return tx.result();
    case 'ManualStop': {
      const { notify, reason } = Tx.manualStopCease(input.cease);
      return tx.teardown({ notify, counter: 'zero', reason, restart: 'none' });
    }
    case 'AutomaticStop': {
      const { notify, reason } = Tx.automaticStopCease(input.cease);
      return tx.teardown({ notify, counter: 'inc', reason, restart: restartPolicy(input) });
    }
    case 'HoldTimer_Expires':
      return tx.teardown({
        notify: { code: ErrorCode.HoldTimerExpired, subcode: 0, data: EMPTY },
        counter: 'inc', reason: { kind: 'holdTimerExpired' }, restart: 'auto',
      });
    case 'OpenCollisionDump':
      return tx.teardown({
        notify: ceaseNotification({ subcode: CeaseSubcode.ConnectionCollisionResolution }),
        counter: 'inc', reason: { kind: 'collision' }, restart: 'none',
      });
    case 'UpdateSent':
      // Only Established restarts the KeepaliveTimer on an UPDATE sent; before that no UPDATE can be sent.
      if (tx.prev.state !== 'Established') return tx.result();
      break;
    default:
      break;
  }
  if (c.event === 'NotifMsgVerErr' && tx.prev.state !== 'Established') {
    // OpenSent/OpenConfirm: the peer does not speak our version; no counter change, no damping.
    return tx.teardown({ counter: 'keep', reason: Tx.received(c.received!), restart: 'auto' });
  }
  return undefined;
}

/** "Any other event" in OpenSent/OpenConfirm/Established: NOTIFICATION 5 with the RFC 6608 subcode. */
export function anyOther(tx: Tx): StepResult {
  const n = fsmError(tx);
  return tx.teardown({ notify: n, counter: 'inc', reason: Tx.sent(n), restart: 'auto' });
}

/** A local error with its own NOTIFICATION (header, OPEN, UPDATE, ROUTE-REFRESH error). */
export function sendError(tx: Tx, n: Notification): StepResult {
  return tx.teardown({ notify: n, counter: 'inc', reason: Tx.sent(n), restart: 'auto' });
}

/** OpenSent: our OPEN is out, waiting for theirs. */
export function openSent(tx: Tx, c: Classified, input: FsmInput): StepResult {
  const common = commonRow(tx, c, input);
  if (common !== undefined) return common;
  switch (c.event) {
    case 'TcpConnectionFails': {
      const error = input.type === 'TcpConnectionFails' ? input.error : undefined;
      return fallBackToActive(tx, error !== undefined ? { kind: 'tcpFailed', error } : { kind: 'tcpFailed' });
    }
    case 'BGPOpen':
      if (c.open?.ok) return acceptOpen(tx, c.open, false);
      return anyOther(tx);
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return sendError(tx, c.error!);
    case 'NotifMsg':
      return tx.teardown({ counter: 'inc', reason: Tx.received(c.received!), restart: 'auto' });
    case 'IdleHoldResetTimer_Expires':
      return tx.result();
    default:
      // 9, 11-13, 20, 26-28 and ROUTE-REFRESH (RFC 6608 §4: unexpected message in OpenSent).
      return anyOther(tx);
  }
}

/** OpenConfirm: both OPENs exchanged, waiting for the peer's KEEPALIVE. */
export function openConfirm(tx: Tx, c: Classified, input: FsmInput): StepResult {
  const common = commonRow(tx, c, input);
  if (common !== undefined) return common;
  switch (c.event) {
    case 'KeepaliveTimer_Expires':
      tx.emit({ type: 'SendKeepalive' });
      // With a zero hold time the timer never ran; never arm it with 0 s.
      if (tx.s.holdTime !== 0) tx.start('KeepaliveTimer', tx.s.keepaliveTime);
      return tx.result();
    case 'TcpConnectionFails': {
      const error = input.type === 'TcpConnectionFails' ? input.error : undefined;
      const reason = error !== undefined ? { kind: 'tcpFailed', error } as const : { kind: 'tcpFailed' } as const;
      return tx.teardown({ counter: 'inc', reason, restart: 'auto' });
    }
    case 'NotifMsg':
      return tx.teardown({ counter: 'inc', reason: Tx.received(c.received!), restart: 'auto' });
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return sendError(tx, c.error!);
    case 'KeepAliveMsg':
      return enterEstablished(tx);
    case 'IdleHoldResetTimer_Expires':
      return tx.result();
    default:
      // 9, 12, 13, 19 (see file header), 20, 27, 28 and ROUTE-REFRESH.
      return anyOther(tx);
  }
}

function enterEstablished(tx: Tx): StepResult {
  const s = tx.s;
  if (s.holdTime !== 0) tx.start('HoldTimer', s.holdTime);
  // Only a backed-off IdleHoldTime needs the stable period to bring it back down.
  if (s.idleHoldTime > tx.config.idleHoldTime) tx.start('IdleHoldResetTimer', tx.config.idleHoldResetTime);
  tx.go('Established');
  const p = s.peer!;
  tx.emit({
    type: 'SessionUp',
    session: {
      peerAs: p.as, peerBgpId: p.bgpId, internal: p.internal, holdTime: s.holdTime, keepaliveTime: s.keepaliveTime,
      peerHoldTime: p.holdTime, capabilities: p.capabilities, negotiated: p.negotiated,
    },
  });
  return tx.result();
}

/** Established: UPDATE, KEEPALIVE and NOTIFICATION are exchanged. */
export function established(tx: Tx, c: Classified, input: FsmInput): StepResult {
  const common = commonRow(tx, c, input);
  if (common !== undefined) return common;
  const s = tx.s;
  const restartHold = () => (s.holdTime !== 0 ? tx.start('HoldTimer', s.holdTime) : tx);
  switch (input.type) {
    case 'KeepaliveTimer_Expires':
      tx.emit({ type: 'SendKeepalive' });
      if (s.holdTime !== 0) tx.start('KeepaliveTimer', s.keepaliveTime);
      return tx.result();
    case 'UpdateSent':
      // RFC 4271 §8.2.2: "Each time the local system sends a KEEPALIVE or UPDATE message, it restarts its
      // KeepaliveTimer, unless the negotiated HoldTime value is zero."
      if (s.holdTime !== 0) tx.start('KeepaliveTimer', s.keepaliveTime);
      return tx.result();
    case 'TcpConnectionFails': {
      const reason = input.error !== undefined
        ? { kind: 'tcpFailed', error: input.error } as const : { kind: 'tcpFailed' } as const;
      return tx.teardown({ counter: 'inc', reason, restart: 'auto' });
    }
    case 'NotifMsg':
      return tx.teardown({ counter: 'inc', reason: Tx.received(c.received!), restart: 'auto' });
    case 'BGPHeaderErr':
      // RFC 4271 §6.1: header errors are reported as Message Header Error, in every state.
      return sendError(tx, c.error!);
    case 'KeepAliveMsg':
      return restartHold().result();
    case 'UpdateMsg':
      tx.emit({ type: 'ProcessUpdate', update: input.update });
      return restartHold().result();
    case 'RouteRefreshMsg':
      // Any message from the peer shows it is alive (RFC 4271 §6.5); ROUTE-REFRESH restarts the HoldTimer too.
      tx.emit({ type: 'ProcessRouteRefresh', message: input.message });
      return restartHold().result();
    case 'UpdateMsgErr':
    case 'RouteRefreshMsgErr':
      return sendError(tx, c.error!);
    case 'IdleHoldResetTimer_Expires':
      // Stable for idleHoldResetTime: forget past flaps.
      s.idleHoldTime = tx.config.idleHoldTime;
      return tx.result();
    default:
      // 9, 12, 13, 19 (see file header), 20, 22.
      return anyOther(tx);
  }
}
