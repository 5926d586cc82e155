// RFC 4271 §8.2.2 Idle: every event, from a fresh Idle and from an Idle whose IdleHoldTimer is running (after a
// failure, restart pending).
import {
  CONNECT, DROP, I, REJECT, bytes, notify, start, stop, type Row,
} from '../helpers.js';

const ignoredInFresh = (type: Parameters<typeof I.simple>[0]): Row =>
  ({ from: 'Idle', input: I.simple(type), to: 'Idle', out: [], counter: 0, idleHold: 5 });

export const idleRows: readonly Row[] = [
  // Events 1, 3: start → Connect (initiate TCP, ConnectRetryTimer, counter 0).
  { from: 'Idle', input: I.simple('ManualStart'), to: 'Connect', out: [start('ConnectRetryTimer', 120), CONNECT], counter: 0 },
  {
    from: 'Idle/holding', input: I.simple('ManualStart'), to: 'Connect', note: 'operator start cancels the hold and forgives flaps',
    out: [stop('IdleHoldTimer'), start('ConnectRetryTimer', 120), CONNECT], counter: 0, idleHold: 5,
  },
  { from: 'Idle', input: I.simple('AutomaticStart'), to: 'Connect', out: [start('ConnectRetryTimer', 120), CONNECT], counter: 0 },
  {
    from: 'Idle/holding', input: I.simple('AutomaticStart'), to: 'Connect', note: 'automatic start keeps the backoff',
    out: [stop('IdleHoldTimer'), start('ConnectRetryTimer', 120), CONNECT], counter: 0, idleHold: 10,
  },
  {
    from: 'Idle', input: I.simple('ManualStart'), to: 'Active', opts: { config: { passive: true } },
    note: 'passive configuration never initiates', out: [start('ConnectRetryTimer', 120)], counter: 0,
  },
  { from: 'Idle', input: I.simple('ManualStart'), to: 'Connect', opts: { config: { connectRetryTime: 30 } },
    out: [start('ConnectRetryTimer', 30), CONNECT], counter: 0 },
  // Events 4, 5: passive start → Active (listen only).
  { from: 'Idle', input: I.simple('ManualStart_with_PassiveTcpEstablishment'), to: 'Active', out: [start('ConnectRetryTimer', 120)], counter: 0 },
  { from: 'Idle', input: I.simple('AutomaticStart_with_PassiveTcpEstablishment'), to: 'Active', out: [start('ConnectRetryTimer', 120)], counter: 0 },
  // Events 6, 7 (damping): start at once when no IdleHoldTimer runs, else wait for it.
  { from: 'Idle', input: I.simple('AutomaticStart_with_DampPeerOscillations'), to: 'Connect', out: [start('ConnectRetryTimer', 120), CONNECT], counter: 0 },
  { from: 'Idle/holding', input: I.simple('AutomaticStart_with_DampPeerOscillations'), to: 'Idle', out: [], counter: 1, idleHold: 10 },
  { from: 'Idle', input: I.simple('AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment'), to: 'Active', out: [start('ConnectRetryTimer', 120)], counter: 0 },
  { from: 'Idle/holding', input: I.simple('AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment'), to: 'Idle', out: [], counter: 1 },
  // Events 2, 8: ignored, but they cancel a pending automatic restart.
  ignoredInFresh('ManualStop'),
  { from: 'Idle/holding', input: I.simple('ManualStop'), to: 'Idle', out: [stop('IdleHoldTimer')], counter: 1 },
  ignoredInFresh('AutomaticStop'),
  { from: 'Idle/holding', input: { type: 'AutomaticStop', cease: { subcode: 8 } }, to: 'Idle', out: [stop('IdleHoldTimer')], counter: 1 },
  // Event 13: the restart (damping path keeps the counter).
  { from: 'Idle/holding', input: I.simple('IdleHoldTimer_Expires'), to: 'Connect', out: [start('ConnectRetryTimer', 120), CONNECT], counter: 1, idleHold: 10 },
  ignoredInFresh('IdleHoldTimer_Expires'),
  // Connections are refused in Idle.
  { from: 'Idle', input: I.simple('TcpConnection_Valid'), to: 'Idle', out: [REJECT], counter: 0 },
  { from: 'Idle', input: I.simple('Tcp_CR_Invalid'), to: 'Idle', out: [REJECT], counter: 0 },
  { from: 'Idle', input: I.simple('Tcp_CR_Acked'), to: 'Idle', out: [DROP], counter: 0 },
  { from: 'Idle', input: I.simple('TcpConnectionConfirmed'), to: 'Idle', note: 'RFC 4486 Connection Rejected', out: [notify(6, 5), DROP], counter: 0 },
  { from: 'Idle/holding', input: I.simple('TcpConnectionConfirmed'), to: 'Idle', out: [notify(6, 5), DROP], counter: 1 },
  // "Any other event (9-12, 15-28) ... does not cause change in the state".
  ignoredInFresh('ConnectRetryTimer_Expires'),
  ignoredInFresh('HoldTimer_Expires'),
  ignoredInFresh('KeepaliveTimer_Expires'),
  ignoredInFresh('DelayOpenTimer_Expires'),
  ignoredInFresh('TcpConnectionFails'),
  { from: 'Idle', input: I.open(), to: 'Idle', out: [], counter: 0 },
  { from: 'Idle', input: I.headerErr(1), to: 'Idle', out: [], counter: 0 },
  { from: 'Idle', input: I.openErr(4), to: 'Idle', out: [], counter: 0 },
  ignoredInFresh('OpenCollisionDump'),
  { from: 'Idle', input: I.notif(2, 1, bytes(0, 4)), event: 'NotifMsgVerErr', to: 'Idle', out: [], counter: 0 },
  { from: 'Idle', input: I.notif(6, 2), to: 'Idle', out: [], counter: 0 },
  ignoredInFresh('KeepAliveMsg'),
  { from: 'Idle', input: { type: 'UpdateMsg', update: 'u' }, to: 'Idle', out: [], counter: 0 },
  { from: 'Idle', input: I.updateErr(1), to: 'Idle', out: [], counter: 0 },
  { from: 'Idle/holding', input: I.simple('KeepAliveMsg'), to: 'Idle', out: [], counter: 1, idleHold: 10 },
  { from: 'Idle/holding', input: I.simple('HoldTimer_Expires'), to: 'Idle', out: [], counter: 1, idleHold: 10 },
  // Local events.
  ignoredInFresh('RouteRefreshMsg'),
  ignoredInFresh('UpdateSent'),
  ignoredInFresh('IdleHoldResetTimer_Expires'),
];
