// RFC 4271 §8.2.2 Connect: every event, with the ConnectRetryTimer running (TCP in progress) and with the
// DelayOpenTimer running (TCP up, DelayOpen set). Setups have ConnectRetryCounter 1 and IdleHoldTime 10 s.
import {
  CONNECT, DROP, I, KA, OPEN, R, REJECT, RELEASE, bytes, down, notify, start, stop,
  type Row,
} from '../helpers.js';
import type { DownReason, EventName, FsmInput } from '../../../../src/bgp/fsm/index.js';

/** "Any other event": timers to zero, release, drop, counter + 1, damping (IdleHold 10 s, then doubled). */
function anyOther(input: FsmInput, reason: DownReason, delayOpen = false, event?: EventName): Row {
  return {
    from: delayOpen ? 'Connect/delayOpen' : 'Connect', input, ...(event ? { event } : {}), to: 'Idle', counter: 2, idleHold: 20,
    out: [stop(delayOpen ? 'DelayOpenTimer' : 'ConnectRetryTimer'), RELEASE, DROP, down('Connect', reason), start('IdleHoldTimer', 10)],
  };
}
const ignored = (type: FsmInput['type']): Row =>
  ({ from: 'Connect', input: I.simple(type), to: 'Connect', out: [], counter: 1, idleHold: 10 });

export const connectRows: readonly Row[] = [
  // Start events are ignored.
  ignored('ManualStart'),
  ignored('AutomaticStart'),
  ignored('ManualStart_with_PassiveTcpEstablishment'),
  ignored('AutomaticStart_with_PassiveTcpEstablishment'),
  ignored('AutomaticStart_with_DampPeerOscillations'),
  ignored('AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment'),
  // 2: no NOTIFICATION (no OPEN sent), counter to zero, no automatic restart.
  { from: 'Connect', input: I.simple('ManualStop'), to: 'Idle', counter: 0, idleHold: 10,
    out: [stop('ConnectRetryTimer'), RELEASE, DROP, down('Connect', R.manual())] },
  { from: 'Connect/delayOpen', input: I.simple('ManualStop'), to: 'Idle', counter: 0,
    out: [stop('DelayOpenTimer'), RELEASE, DROP, down('Connect', R.manual())] },
  { from: 'Connect/delayOpen', input: I.simple('ManualStop'), to: 'Idle', counter: 0, opts: { config: { sendNotificationWithoutOpen: true } },
    note: 'the Cease without OPEN is an Active-state rule only', out: [stop('DelayOpenTimer'), RELEASE, DROP, down('Connect', R.manual())] },
  // 8 is an "any other event" in Connect: no NOTIFICATION.
  anyOther({ type: 'AutomaticStop', cease: { subcode: 8 } }, R.auto(8)),
  // 9: drop, restart ConnectRetryTimer, stop DelayOpenTimer, initiate TCP again.
  { from: 'Connect', input: I.simple('ConnectRetryTimer_Expires'), to: 'Connect', counter: 1,
    out: [DROP, start('ConnectRetryTimer', 120), CONNECT] },
  { from: 'Connect/delayOpen', input: I.simple('ConnectRetryTimer_Expires'), to: 'Connect', counter: 1,
    out: [DROP, start('ConnectRetryTimer', 120), stop('DelayOpenTimer'), CONNECT] },
  anyOther(I.simple('HoldTimer_Expires'), R.unexpected('HoldTimer_Expires')),
  anyOther(I.simple('KeepaliveTimer_Expires'), R.unexpected('KeepaliveTimer_Expires')),
  // 12: send OPEN, large HoldTimer, OpenSent.
  { from: 'Connect/delayOpen', input: I.simple('DelayOpenTimer_Expires'), to: 'OpenSent', counter: 1,
    out: [OPEN, start('HoldTimer', 240)] },
  { from: 'Connect/delayOpen', input: I.simple('DelayOpenTimer_Expires'), to: 'OpenSent', counter: 1,
    opts: { config: { largeHoldTime: 60 } }, out: [OPEN, start('HoldTimer', 60)] },
  anyOther(I.simple('IdleHoldTimer_Expires'), R.unexpected('IdleHoldTimer_Expires')),
  ignored('TcpConnection_Valid'),
  { from: 'Connect', input: I.simple('Tcp_CR_Invalid'), to: 'Connect', out: [REJECT], counter: 1 },
  // 16, 17: DelayOpen false → OPEN and OpenSent; true → DelayOpenTimer and stay.
  { from: 'Connect', input: I.simple('Tcp_CR_Acked'), to: 'OpenSent', counter: 1,
    out: [stop('ConnectRetryTimer'), OPEN, start('HoldTimer', 240)] },
  { from: 'Connect', input: I.simple('TcpConnectionConfirmed'), to: 'OpenSent', counter: 1,
    out: [stop('ConnectRetryTimer'), OPEN, start('HoldTimer', 240)] },
  { from: 'Connect', input: I.simple('Tcp_CR_Acked'), to: 'Connect', counter: 1, opts: { config: { delayOpen: true } },
    out: [stop('ConnectRetryTimer'), start('DelayOpenTimer', 5)] },
  { from: 'Connect', input: I.simple('TcpConnectionConfirmed'), to: 'Connect', counter: 1,
    opts: { config: { delayOpen: true, delayOpenTime: 12 } }, out: [stop('ConnectRetryTimer'), start('DelayOpenTimer', 12)] },
  // 18: DelayOpenTimer running → Active; else → Idle without counter change.
  { from: 'Connect/delayOpen', input: I.simple('TcpConnectionFails'), to: 'Active', counter: 1,
    out: [stop('DelayOpenTimer'), DROP, start('ConnectRetryTimer', 120), down('Connect', R.tcp)] },
  { from: 'Connect', input: I.simple('TcpConnectionFails'), to: 'Idle', counter: 1, idleHold: 10,
    out: [stop('ConnectRetryTimer'), RELEASE, DROP, down('Connect', R.tcp), start('IdleHoldTimer', 10)] },
  { from: 'Connect', input: { type: 'TcpConnectionFails', error: 'ECONNREFUSED' }, to: 'Idle', counter: 1,
    out: [stop('ConnectRetryTimer'), RELEASE, DROP, down('Connect', { kind: 'tcpFailed', error: 'ECONNREFUSED' }), start('IdleHoldTimer', 10)] },
  // 19 (an OPEN while no DelayOpenTimer runs) is an "any other event".
  anyOther(I.open(), R.unexpected('BGPOpen')),
  // 20: OPEN with DelayOpenTimer running → send OPEN + KEEPALIVE, negotiated timers, OpenConfirm.
  { from: 'Connect/delayOpen', input: I.open(), event: 'BGPOpen with DelayOpenTimer running', to: 'OpenConfirm', counter: 1,
    out: [stop('DelayOpenTimer'), OPEN, KA, start('KeepaliveTimer', 30), start('HoldTimer', 90)] },
  { from: 'Connect/delayOpen', input: I.open({ holdTime: 0 }), event: 'BGPOpen with DelayOpenTimer running', to: 'OpenConfirm',
    counter: 1, note: 'hold time 0: no timers', out: [stop('DelayOpenTimer'), OPEN, KA] },
  // 21, 22: NOTIFICATION only with SendNOTIFICATIONwithoutOPEN; counter + 1.
  anyOther(I.headerErr(2, bytes(0, 9)), R.notSent(1, 2, bytes(0, 9)), true),
  { ...anyOther(I.headerErr(2, bytes(0, 9)), R.sent(1, 2, bytes(0, 9)), true), opts: { config: { sendNotificationWithoutOpen: true } },
    out: [notify(1, 2, bytes(0, 9)), stop('DelayOpenTimer'), RELEASE, DROP, down('Connect', R.sent(1, 2, bytes(0, 9))), start('IdleHoldTimer', 10)] },
  anyOther(I.openErr(4), R.notSent(2, 4), true),
  anyOther(I.open({ holdTime: 2 }), R.notSent(2, 6), true, 'BGPOpenMsgErr'),
  { ...anyOther(I.open({ as: 65099 }), R.sent(2, 2), true, 'BGPOpenMsgErr'), opts: { config: { sendNotificationWithoutOpen: true } },
    out: [notify(2, 2), stop('DelayOpenTimer'), RELEASE, DROP, down('Connect', R.sent(2, 2)), start('IdleHoldTimer', 10)] },
  // 23 → Idle, no restart (the other connection carries on), counter + 1.
  { from: 'Connect', input: I.simple('OpenCollisionDump'), to: 'Idle', counter: 2, idleHold: 10,
    out: [stop('ConnectRetryTimer'), RELEASE, DROP, down('Connect', R.collision)] },
  // 24: with DelayOpenTimer running no counter change; without, counter + 1.
  { from: 'Connect/delayOpen', input: I.notif(2, 1, bytes(0, 4)), event: 'NotifMsgVerErr', to: 'Idle', counter: 1, idleHold: 10,
    out: [stop('DelayOpenTimer'), RELEASE, DROP, down('Connect', R.received(2, 1, bytes(0, 4))), start('IdleHoldTimer', 10)] },
  anyOther(I.notif(2, 1, bytes(0, 4)), R.received(2, 1, bytes(0, 4)), false, 'NotifMsgVerErr'),
  anyOther(I.notif(6, 8), R.received(6, 8), true),
  anyOther(I.simple('KeepAliveMsg'), R.unexpected('KeepAliveMsg'), true),
  anyOther({ type: 'UpdateMsg', update: 'u' }, R.unexpected('UpdateMsg'), true),
  anyOther(I.updateErr(3), R.unexpected('UpdateMsgErr'), true),
  anyOther(I.simple('RouteRefreshMsg'), R.unexpected('RouteRefreshMsg'), true),
  ignored('UpdateSent'),
  ignored('IdleHoldResetTimer_Expires'),
];
