// Connect and Active states (RFC 4271 §8.2.2): waiting for the TCP connection (Connect) or listening for one
// (Active), with the optional DelayOpen. No OPEN has been sent in these states, so RFC 4271 sends no NOTIFICATION
// here except where SendNOTIFICATIONwithoutOPEN allows it.
//
// Deliberate differences from the RFC's text (docs/fsm.md):
//  - Active + TcpConnectionFails: the RFC "restarts the ConnectRetryTimer" and goes to Idle, where that timer has
//    no effect; we stop it instead and let the IdleHoldTimer restart the FSM.
//  - DropTcp is emitted on every path where the connection is gone (also after TcpConnectionFails), so that the
//    I/O layer has one place to destroy the socket.
//  - With a `passive` configuration ConnectRetryTimer_Expires in Active restarts the timer but never initiates TCP.
//  - Active + a stale ConnectRetryTimer_Expires while the DelayOpenTimer runs is handled as in Connect.
import type { Classified } from './step.js';
import { acceptOpen, restartPolicy } from './opening.js';
import { Tx } from './tx.js';
import type { DownReason, FsmInput, StepResult } from './types.js';

/** Events 16/17 in Connect or Active: the TCP connection is up. */
function tcpUp(tx: Tx): StepResult {
  const c = tx.config;
  tx.stop('ConnectRetryTimer');
  if (c.delayOpen) return tx.start('DelayOpenTimer', c.delayOpenTime).result();
  tx.emit({ type: 'SendOpen' });
  tx.start('HoldTimer', c.largeHoldTime);
  return tx.go('OpenSent').result();
}

/** The connection is gone but the FSM keeps listening: back to Active with the ConnectRetryTimer restarted. */
export function fallBackToActive(tx: Tx, reason: DownReason): StepResult {
  const from = tx.prev.state;
  tx.stop('DelayOpenTimer').stop('HoldTimer').stop('KeepaliveTimer');
  tx.emit({ type: 'DropTcp' });
  tx.start('ConnectRetryTimer', tx.config.connectRetryTime);
  tx.s.lastDown = reason;
  tx.s.peer = undefined;
  tx.go('Active');
  tx.emit({ type: 'SessionDown', from, reason });
  return tx.result();
}

export function connecting(tx: Tx, c: Classified, input: FsmInput): StepResult {
  const active = tx.prev.state === 'Active';
  const cfg = tx.config;
  switch (input.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
      return tx.result();
    case 'ManualStop': {
      const { notify, reason } = Tx.manualStopCease(input.cease);
      // Active only: with DelayOpenTimer running and SendNOTIFICATIONwithoutOPEN, a Cease is sent.
      const send = active && tx.running('DelayOpenTimer') && cfg.sendNotificationWithoutOpen;
      return tx.teardown({ ...(send ? { notify } : {}), counter: 'zero', reason, restart: 'none' });
    }
    case 'ConnectRetryTimer_Expires':
      if (active) {
        // The RFC's row assumes no connection (the ConnectRetryTimer is stopped while DelayOpen runs); a stale
        // expiry with a delayed connection handles it as Connect does: drop it and stop the DelayOpenTimer.
        if (tx.running('DelayOpenTimer')) tx.stop('DelayOpenTimer').emit({ type: 'DropTcp' });
        tx.start('ConnectRetryTimer', cfg.connectRetryTime);
        if (cfg.passive) return tx.result();
        return tx.emit({ type: 'ConnectTcp' }).go('Connect').result();
      }
      tx.emit({ type: 'DropTcp' });
      tx.start('ConnectRetryTimer', cfg.connectRetryTime);
      tx.stop('DelayOpenTimer');
      return tx.emit({ type: 'ConnectTcp' }).result();
    case 'DelayOpenTimer_Expires':
      tx.stop('ConnectRetryTimer');
      tx.emit({ type: 'SendOpen' });
      tx.start('HoldTimer', cfg.largeHoldTime);
      return tx.go('OpenSent').result();
    case 'TcpConnection_Valid':
      return tx.result();
    case 'Tcp_CR_Invalid':
      return tx.emit({ type: 'RejectTcp' }).result();
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return tcpUp(tx);
    case 'TcpConnectionFails': {
      const reason: DownReason = input.error !== undefined
        ? { kind: 'tcpFailed', error: input.error } : { kind: 'tcpFailed' };
      if (!active && tx.running('DelayOpenTimer')) return fallBackToActive(tx, reason);
      // Connect without DelayOpen: to Idle, counter unchanged. Active: counter + 1 and damping.
      return tx.teardown({ counter: active ? 'inc' : 'keep', reason, restart: 'auto' });
    }
    case 'IdleHoldResetTimer_Expires':
    case 'UpdateSent':
      return tx.result();
    default:
      break;
  }
  switch (c.event) {
    case 'BGPOpen with DelayOpenTimer running':
      if (c.open?.ok) return acceptOpen(tx, c.open, true);
      break;
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr': {
      const err = c.error!;
      const send = cfg.sendNotificationWithoutOpen;
      const reason: DownReason = send ? Tx.sent(err) : { kind: 'errorNotSent', ...err };
      return tx.teardown({ ...(send ? { notify: err } : {}), counter: 'inc', reason, restart: 'auto' });
    }
    case 'NotifMsgVerErr': {
      // With DelayOpenTimer running the peer had not seen an OPEN from us: no counter change, no damping.
      const counter = tx.running('DelayOpenTimer') ? 'keep' : 'inc';
      return tx.teardown({ counter, reason: Tx.received(c.received!), restart: 'auto' });
    }
    default:
      break;
  }
  // Any other event (8, 10, 11, 13, 19, 23, 25-28, and the ROUTE-REFRESH messages): to Idle, counter + 1.
  let reason: DownReason = { kind: 'unexpectedEvent', event: c.event };
  let restart = restartPolicy(input);
  if (input.type === 'AutomaticStop') {
    // No NOTIFICATION in Connect/Active (no OPEN sent), but the reason records what was asked.
    reason = Tx.automaticStopCease(input.cease).reason;
  } else if (c.received !== undefined) {
    reason = Tx.received(c.received);
  } else if (input.type === 'OpenCollisionDump') {
    reason = { kind: 'collision' };
  }
  return tx.teardown({ counter: 'inc', reason, restart });
}
