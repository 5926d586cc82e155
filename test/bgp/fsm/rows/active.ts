// RFC 4271 §8.2.2 Active: every event, listening with the ConnectRetryTimer running, and with the DelayOpenTimer
// running (incoming connection accepted, DelayOpen set). Setups have ConnectRetryCounter 1 and IdleHoldTime 10 s.
import {
  CONNECT, DROP, I, KA, OPEN, R, REJECT, RELEASE, bytes, down, notify, start, stop,
  type Row,
} from '../helpers.js';
import type { DownReason, EventName, FsmInput } from '../../../../src/bgp/fsm/index.js';

function anyOther(input: FsmInput, reason: DownReason, delayOpen = false, event?: EventName): Row {
  return {
    from: delayOpen ? 'Active/delayOpen' : 'Active', input, ...(event ? { event } : {}), to: 'Idle', counter: 2, idleHold: 20,
    out: [stop(delayOpen ? 'DelayOpenTimer' : 'ConnectRetryTimer'), RELEASE, DROP, down('Active', reason), start('IdleHoldTimer', 10)],
  };
}
const ignored = (type: FsmInput['type']): Row =>
  ({ from: 'Active', input: I.simple(type), to: 'Active', out: [], counter: 1, idleHold: 10 });

export const activeRows: readonly Row[] = [
  ignored('ManualStart'),
  ignored('AutomaticStart'),
  ignored('ManualStart_with_PassiveTcpEstablishment'),
  ignored('AutomaticStart_with_PassiveTcpEstablishment'),
  ignored('AutomaticStart_with_DampPeerOscillations'),
  ignored('AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment'),
  // 2: Cease only with DelayOpenTimer running and SendNOTIFICATIONwithoutOPEN; counter zero; no restart.
  { from: 'Active', input: I.simple('ManualStop'), to: 'Idle', counter: 0,
    out: [stop('ConnectRetryTimer'), RELEASE, DROP, down('Active', R.manual())] },
  { from: 'Active/delayOpen', input: I.simple('ManualStop'), to: 'Idle', counter: 0,
    out: [stop('DelayOpenTimer'), RELEASE, DROP, down('Active', R.manual())] },
  { from: 'Active/delayOpen', input: I.simple('ManualStop'), to: 'Idle', counter: 0, opts: { config: { sendNotificationWithoutOpen: true } },
    out: [notify(6, 2), stop('DelayOpenTimer'), RELEASE, DROP, down('Active', R.manual())] },
  { from: 'Active', input: I.simple('ManualStop'), to: 'Idle', counter: 0, opts: { config: { sendNotificationWithoutOpen: true } },
    note: 'no DelayOpenTimer: no Cease', out: [stop('ConnectRetryTimer'), RELEASE, DROP, down('Active', R.manual())] },
  anyOther({ type: 'AutomaticStop', cease: { subcode: 8 } }, R.auto(8)),
  // 9: restart ConnectRetryTimer, initiate TCP, Connect (a passive configuration only restarts the timer).
  { from: 'Active', input: I.simple('ConnectRetryTimer_Expires'), to: 'Connect', counter: 1, out: [start('ConnectRetryTimer', 120), CONNECT] },
  { from: 'Active', input: I.simple('ConnectRetryTimer_Expires'), to: 'Active', counter: 1, opts: { config: { passive: true } },
    out: [start('ConnectRetryTimer', 120)] },
  // Regression (found by the property test): a stale expiry while a delayed connection waits must not leave the
  // DelayOpenTimer running in Connect.
  { from: 'Active/delayOpen', input: I.simple('ConnectRetryTimer_Expires'), to: 'Connect', counter: 1,
    out: [stop('DelayOpenTimer'), DROP, start('ConnectRetryTimer', 120), CONNECT] },
  anyOther(I.simple('HoldTimer_Expires'), R.unexpected('HoldTimer_Expires')),
  anyOther(I.simple('KeepaliveTimer_Expires'), R.unexpected('KeepaliveTimer_Expires')),
  // 12: send OPEN, large HoldTimer, OpenSent.
  { from: 'Active/delayOpen', input: I.simple('DelayOpenTimer_Expires'), to: 'OpenSent', counter: 1, out: [OPEN, start('HoldTimer', 240)] },
  anyOther(I.simple('IdleHoldTimer_Expires'), R.unexpected('IdleHoldTimer_Expires')),
  ignored('TcpConnection_Valid'),
  { from: 'Active', input: I.simple('Tcp_CR_Invalid'), to: 'Active', out: [REJECT], counter: 1 },
  // 16, 17.
  { from: 'Active', input: I.simple('TcpConnectionConfirmed'), to: 'OpenSent', counter: 1,
    out: [stop('ConnectRetryTimer'), OPEN, start('HoldTimer', 240)] },
  { from: 'Active', input: I.simple('Tcp_CR_Acked'), to: 'OpenSent', counter: 1,
    out: [stop('ConnectRetryTimer'), OPEN, start('HoldTimer', 240)] },
  { from: 'Active', input: I.simple('TcpConnectionConfirmed'), to: 'Active', counter: 1, opts: { config: { delayOpen: true } },
    out: [stop('ConnectRetryTimer'), start('DelayOpenTimer', 5)] },
  { from: 'Active', input: I.simple('Tcp_CR_Acked'), to: 'Active', counter: 1, opts: { config: { delayOpen: true } },
    out: [stop('ConnectRetryTimer'), start('DelayOpenTimer', 5)] },
  // 18: counter + 1, damping, Idle (ConnectRetryTimer stopped: it has no use in Idle).
  anyOther(I.simple('TcpConnectionFails'), R.tcp),
  anyOther(I.simple('TcpConnectionFails'), R.tcp, true),
  anyOther(I.open(), R.unexpected('BGPOpen')),
  // 20.
  { from: 'Active/delayOpen', input: I.open(), event: 'BGPOpen with DelayOpenTimer running', to: 'OpenConfirm', counter: 1,
    out: [stop('DelayOpenTimer'), OPEN, KA, start('KeepaliveTimer', 30), start('HoldTimer', 90)] },
  { from: 'Active/delayOpen', input: I.open({ holdTime: 30 }), event: 'BGPOpen with DelayOpenTimer running', to: 'OpenConfirm', counter: 1,
    out: [stop('DelayOpenTimer'), OPEN, KA, start('KeepaliveTimer', 10), start('HoldTimer', 30)] },
  // 21, 22.
  anyOther(I.headerErr(1), R.notSent(1, 1), true),
  { ...anyOther(I.headerErr(1), R.sent(1, 1), true), opts: { config: { sendNotificationWithoutOpen: true } },
    out: [notify(1, 1), stop('DelayOpenTimer'), RELEASE, DROP, down('Active', R.sent(1, 1)), start('IdleHoldTimer', 10)] },
  anyOther(I.openErr(0), R.notSent(2, 0), true),
  anyOther(I.open({ version: 3 }), R.notSent(2, 1, bytes(0, 4)), true, 'BGPOpenMsgErr'),
  // 23.
  { from: 'Active', input: I.simple('OpenCollisionDump'), to: 'Idle', counter: 2, idleHold: 10,
    out: [stop('ConnectRetryTimer'), RELEASE, DROP, down('Active', R.collision)] },
  // 24.
  { from: 'Active/delayOpen', input: I.notif(2, 1), event: 'NotifMsgVerErr', to: 'Idle', counter: 1, idleHold: 10,
    out: [stop('DelayOpenTimer'), RELEASE, DROP, down('Active', R.received(2, 1)), start('IdleHoldTimer', 10)] },
  anyOther(I.notif(2, 1), R.received(2, 1), false, 'NotifMsgVerErr'),
  // 25-28 and ROUTE-REFRESH: any other event.
  anyOther(I.notif(6, 3), R.received(6, 3), true),
  anyOther(I.simple('KeepAliveMsg'), R.unexpected('KeepAliveMsg'), true),
  anyOther({ type: 'UpdateMsg' }, R.unexpected('UpdateMsg'), true),
  anyOther(I.updateErr(1), R.unexpected('UpdateMsgErr'), true),
  anyOther({ type: 'RouteRefreshMsgErr', error: { code: 7, subcode: 1, data: bytes() } }, R.unexpected('RouteRefreshMsgErr'), true),
  ignored('UpdateSent'),
  ignored('IdleHoldResetTimer_Expires'),
];
