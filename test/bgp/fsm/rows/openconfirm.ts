// RFC 4271 §8.2.2 OpenConfirm: every event. Setup: OPENs exchanged with hold 90 (KeepaliveTimer 30 s and
// HoldTimer 90 s running), ConnectRetryCounter 1, IdleHoldTime 10 s. Unexpected events get 5/2 (RFC 6608).
import {
  DROP, I, KA, OPEN_OK, R, RELEASE, bytes, down, notify, start, stop,
  type Row,
} from '../helpers.js';
import type { DownReason, FsmInput, FsmOutput } from '../../../../src/bgp/fsm/index.js';

const TIMERS_UP: FsmOutput[] = [stop('HoldTimer'), stop('KeepaliveTimer')];

function teardown(input: FsmInput, reason: DownReason, sent?: FsmOutput, event?: Row['event']): Row {
  return {
    from: 'OpenConfirm', input, ...(event ? { event } : {}), to: 'Idle', counter: 2, idleHold: 20,
    out: [...(sent ? [sent] : []), ...TIMERS_UP, RELEASE, DROP, down('OpenConfirm', reason), start('IdleHoldTimer', 10)],
  };
}
const fsmError = (input: FsmInput): Row => teardown(input, R.sent(5, 2), notify(5, 2));
const ignored = (type: FsmInput['type']): Row =>
  ({ from: 'OpenConfirm', input: I.simple(type), to: 'OpenConfirm', out: [], counter: 1, idleHold: 10 });

const SESSION = {
  peerAs: 65002, peerBgpId: OPEN_OK.bgpId, internal: false, holdTime: 90, keepaliveTime: 30, peerHoldTime: 90,
  capabilities: ['caps'], negotiated: undefined,
};

export const openConfirmRows: readonly Row[] = [
  ignored('ManualStart'),
  ignored('AutomaticStart'),
  ignored('ManualStart_with_PassiveTcpEstablishment'),
  ignored('AutomaticStart_with_PassiveTcpEstablishment'),
  ignored('AutomaticStart_with_DampPeerOscillations'),
  ignored('AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment'),
  { from: 'OpenConfirm', input: { type: 'ManualStop', cease: { subcode: 3 } }, to: 'Idle', counter: 0, idleHold: 10,
    note: 'peer de-configured', out: [notify(6, 3), ...TIMERS_UP, RELEASE, DROP, down('OpenConfirm', R.manual(3))] },
  teardown({ type: 'AutomaticStop', cease: { subcode: 6 } }, R.auto(6), notify(6, 6)),
  fsmError(I.simple('ConnectRetryTimer_Expires')),
  { from: 'OpenConfirm', input: I.simple('HoldTimer_Expires'), to: 'Idle', counter: 2, idleHold: 20,
    out: [notify(4, 0), stop('KeepaliveTimer'), RELEASE, DROP, down('OpenConfirm', R.hold), start('IdleHoldTimer', 10)] },
  // 11: KEEPALIVE, restart the KeepaliveTimer.
  { from: 'OpenConfirm', input: I.simple('KeepaliveTimer_Expires'), to: 'OpenConfirm', counter: 1, out: [KA, start('KeepaliveTimer', 30)] },
  fsmError(I.simple('DelayOpenTimer_Expires')),
  fsmError(I.simple('IdleHoldTimer_Expires')),
  ignored('TcpConnection_Valid'),
  ignored('Tcp_CR_Invalid'),
  ignored('Tcp_CR_Acked'),
  ignored('TcpConnectionConfirmed'),
  teardown(I.simple('TcpConnectionFails'), R.tcp),
  // 19 on this connection: a second OPEN is an unexpected message.
  fsmError(I.open()),
  teardown(I.headerErr(2, bytes(0, 2)), R.sent(1, 2, bytes(0, 2)), notify(1, 2, bytes(0, 2))),
  teardown(I.openErr(0), R.sent(2, 0), notify(2, 0)),
  { from: 'OpenConfirm', input: I.simple('OpenCollisionDump'), to: 'Idle', counter: 2, idleHold: 10,
    out: [notify(6, 7), ...TIMERS_UP, RELEASE, DROP, down('OpenConfirm', R.collision)] },
  { from: 'OpenConfirm', input: I.notif(2, 1), event: 'NotifMsgVerErr', to: 'Idle', counter: 1, idleHold: 10,
    out: [...TIMERS_UP, RELEASE, DROP, down('OpenConfirm', R.received(2, 1)), start('IdleHoldTimer', 10)] },
  teardown(I.notif(2, 7, bytes(2, 0)), R.received(2, 7, bytes(2, 0))),
  // 26: restart HoldTimer, Established. The backed-off IdleHoldTime arms the stable-period timer.
  { from: 'OpenConfirm', input: I.simple('KeepAliveMsg'), to: 'Established', counter: 1, idleHold: 10,
    out: [start('HoldTimer', 90), start('IdleHoldResetTimer', 300), { type: 'SessionUp', session: SESSION }] },
  { from: 'OpenConfirm', input: I.simple('KeepAliveMsg'), to: 'Established', counter: 0, idleHold: 5, opts: { fresh: true },
    out: [start('HoldTimer', 90), { type: 'SessionUp', session: SESSION }] },
  { from: 'OpenConfirm', input: I.simple('KeepAliveMsg'), to: 'Established', counter: 0, opts: { fresh: true, peerHold: 0 },
    out: [{ type: 'SessionUp', session: { ...SESSION, holdTime: 0, keepaliveTime: 0, peerHoldTime: 0 } }] },
  fsmError({ type: 'UpdateMsg', update: 'u' }),
  fsmError(I.updateErr(1)),
  fsmError(I.simple('RouteRefreshMsg')),
  ignored('UpdateSent'),
  ignored('IdleHoldResetTimer_Expires'),
];
