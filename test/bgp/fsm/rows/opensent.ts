// RFC 4271 §8.2.2 OpenSent: every event. Setup: our OPEN sent, HoldTimer at the large value (240 s),
// ConnectRetryCounter 1, IdleHoldTime 10 s. Unexpected events get NOTIFICATION 5/1 (RFC 6608).
import {
  DROP, I, KA, R, RELEASE, bytes, down, notify, start, stop,
  type Row,
} from '../helpers.js';
import type { FsmInput } from '../../../../src/bgp/fsm/index.js';

/** "Any other event": FSM Error / Receive Unexpected Message in OpenSent State, counter + 1, damping. */
function fsmError(input: FsmInput, note?: string): Row {
  const expired = input.type === 'HoldTimer_Expires';
  return {
    from: 'OpenSent', input, to: 'Idle', counter: 2, idleHold: 20, ...(note ? { note } : {}),
    out: [notify(5, 1), ...(expired ? [] : [stop('HoldTimer')]), RELEASE, DROP, down('OpenSent', R.sent(5, 1)), start('IdleHoldTimer', 10)],
  };
}
/** A local error reported with its own NOTIFICATION. */
function ownError(input: FsmInput, code: number, subcode: number, data = bytes(), event?: Row['event']): Row {
  return {
    from: 'OpenSent', input, ...(event ? { event } : {}), to: 'Idle', counter: 2, idleHold: 20,
    out: [notify(code, subcode, data), stop('HoldTimer'), RELEASE, DROP, down('OpenSent', R.sent(code, subcode, data)), start('IdleHoldTimer', 10)],
  };
}
const ignored = (type: FsmInput['type']): Row =>
  ({ from: 'OpenSent', input: I.simple(type), to: 'OpenSent', out: [], counter: 1, idleHold: 10 });

export const openSentRows: readonly Row[] = [
  ignored('ManualStart'),
  ignored('AutomaticStart'),
  ignored('ManualStart_with_PassiveTcpEstablishment'),
  ignored('AutomaticStart_with_PassiveTcpEstablishment'),
  ignored('AutomaticStart_with_DampPeerOscillations'),
  ignored('AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment'),
  // 2: Cease (Administrative Shutdown by default), counter zero, no restart.
  { from: 'OpenSent', input: I.simple('ManualStop'), to: 'Idle', counter: 0, idleHold: 10,
    out: [notify(6, 2), stop('HoldTimer'), RELEASE, DROP, down('OpenSent', R.manual())] },
  // 8: Cease with the given subcode, counter + 1, damping.
  { from: 'OpenSent', input: { type: 'AutomaticStop', cease: { subcode: 8 } }, to: 'Idle', counter: 2, idleHold: 20,
    out: [notify(6, 8), stop('HoldTimer'), RELEASE, DROP, down('OpenSent', R.auto(8)), start('IdleHoldTimer', 10)] },
  fsmError(I.simple('ConnectRetryTimer_Expires')),
  // 10: Hold Timer Expired.
  { from: 'OpenSent', input: I.simple('HoldTimer_Expires'), to: 'Idle', counter: 2, idleHold: 20,
    out: [notify(4, 0), RELEASE, DROP, down('OpenSent', R.hold), start('IdleHoldTimer', 10)] },
  fsmError(I.simple('KeepaliveTimer_Expires')),
  fsmError(I.simple('DelayOpenTimer_Expires')),
  fsmError(I.simple('IdleHoldTimer_Expires')),
  // 14-17: a second connection is tracked by its own FSM; 15 ignored.
  ignored('TcpConnection_Valid'),
  ignored('Tcp_CR_Invalid'),
  ignored('Tcp_CR_Acked'),
  ignored('TcpConnectionConfirmed'),
  // 18: close, restart ConnectRetryTimer, keep listening in Active.
  { from: 'OpenSent', input: I.simple('TcpConnectionFails'), to: 'Active', counter: 1, idleHold: 10,
    out: [stop('HoldTimer'), DROP, start('ConnectRetryTimer', 120), down('OpenSent', R.tcp)] },
  // 19: KEEPALIVE, KeepaliveTimer, negotiated HoldTimer, OpenConfirm.
  { from: 'OpenSent', input: I.open(), to: 'OpenConfirm', counter: 1, out: [KA, start('KeepaliveTimer', 30), start('HoldTimer', 90)] },
  { from: 'OpenSent', input: I.open({ holdTime: 9 }), to: 'OpenConfirm', counter: 1, note: 'min(90, 9), keepalive 9/3',
    out: [KA, start('KeepaliveTimer', 3), start('HoldTimer', 9)] },
  { from: 'OpenSent', input: I.open({ holdTime: 180 }), to: 'OpenConfirm', counter: 1, opts: { config: { holdTime: 30 } },
    out: [KA, start('KeepaliveTimer', 10), start('HoldTimer', 30)] },
  { from: 'OpenSent', input: I.open({ holdTime: 0 }), to: 'OpenConfirm', counter: 1, note: 'hold 0: no KEEPALIVEs, HoldTimer stopped',
    out: [KA, stop('HoldTimer')] },
  { from: 'OpenSent', input: I.open({ holdTime: 90 }), to: 'OpenConfirm', counter: 1, opts: { config: { holdTime: 0 } },
    note: 'our hold 0 wins', out: [KA, stop('HoldTimer')] },
  { from: 'OpenSent', input: I.open({ holdTime: 90 }), to: 'OpenConfirm', counter: 1, opts: { config: { keepaliveTime: 10 } },
    note: 'configured keepalive below hold/3', out: [KA, start('KeepaliveTimer', 10), start('HoldTimer', 90)] },
  { from: 'OpenSent', input: I.open({ holdTime: 15 }), to: 'OpenConfirm', counter: 1, opts: { config: { keepaliveTime: 10 } },
    note: 'configured keepalive capped at hold/3', out: [KA, start('KeepaliveTimer', 5), start('HoldTimer', 15)] },
  // 21, 22: the error's own NOTIFICATION.
  ownError(I.headerErr(3, bytes(9)), 1, 3, bytes(9)),
  ownError(I.openErr(4), 2, 4),
  ownError(I.open({ holdTime: 1 }), 2, 6, bytes(), 'BGPOpenMsgErr'),
  ownError(I.open({ holdTime: 2 }), 2, 6, bytes(), 'BGPOpenMsgErr'),
  ownError(I.open({ version: 5 }), 2, 1, bytes(0, 4), 'BGPOpenMsgErr'),
  ownError(I.open({ as: 65003 }), 2, 2, bytes(), 'BGPOpenMsgErr'),
  ownError(I.open({ bgpId: 0 }), 2, 3, bytes(), 'BGPOpenMsgErr'),
  // 23: Cease / Connection Collision Resolution, no restart.
  { from: 'OpenSent', input: I.simple('OpenCollisionDump'), to: 'Idle', counter: 2, idleHold: 10,
    out: [notify(6, 7), stop('HoldTimer'), RELEASE, DROP, down('OpenSent', R.collision)] },
  // 24: no counter change.
  { from: 'OpenSent', input: I.notif(2, 1, bytes(0, 3)), event: 'NotifMsgVerErr', to: 'Idle', counter: 1, idleHold: 10,
    out: [stop('HoldTimer'), RELEASE, DROP, down('OpenSent', R.received(2, 1, bytes(0, 3))), start('IdleHoldTimer', 10)] },
  // 25: counter + 1 and damping; no NOTIFICATION is sent back to a NOTIFICATION.
  { from: 'OpenSent', input: I.notif(2, 2), to: 'Idle', counter: 2, idleHold: 20,
    out: [stop('HoldTimer'), RELEASE, DROP, down('OpenSent', R.received(2, 2)), start('IdleHoldTimer', 10)] },
  // 26-28 and ROUTE-REFRESH: unexpected messages (RFC 6608 §4 subcode 1).
  fsmError(I.simple('KeepAliveMsg')),
  fsmError({ type: 'UpdateMsg', update: 'u' }),
  fsmError(I.updateErr(1), 'an UPDATE is unexpected, not an UPDATE error'),
  fsmError(I.simple('RouteRefreshMsg')),
  fsmError({ type: 'RouteRefreshMsgErr', error: { code: 7, subcode: 1, data: bytes() } }),
  ignored('UpdateSent'),
  ignored('IdleHoldResetTimer_Expires'),
];
