// RFC 4271 §8.2.2 Established: every event. Setup: hold 90 (HoldTimer 90 s, KeepaliveTimer 30 s) and, as the
// IdleHoldTime is backed off to 10 s, the IdleHoldResetTimer (300 s); ConnectRetryCounter 1. Leaving Established
// deletes the connection's routes; unexpected events get 5/3 (RFC 6608).
import {
  DELETE, DROP, I, KA, R, RELEASE, bytes, down, notify, start, stop,
  type Row,
} from '../helpers.js';
import {
  encodeShutdownCommunication, maxPrefixesData,
  type DownReason, type FsmInput, type FsmOutput,
} from '../../../../src/bgp/fsm/index.js';

const UP: FsmOutput[] = [stop('HoldTimer'), stop('KeepaliveTimer'), stop('IdleHoldResetTimer')];

function teardown(input: FsmInput, reason: DownReason, sent?: FsmOutput, event?: Row['event']): Row {
  return {
    from: 'Established', input, ...(event ? { event } : {}), to: 'Idle', counter: 2, idleHold: 20,
    out: [...(sent ? [sent] : []), ...UP, DELETE, RELEASE, DROP, down('Established', reason), start('IdleHoldTimer', 10)],
  };
}
const fsmError = (input: FsmInput): Row => teardown(input, R.sent(5, 3), notify(5, 3));
const ignored = (type: FsmInput['type']): Row =>
  ({ from: 'Established', input: I.simple(type), to: 'Established', out: [], counter: 1, idleHold: 10 });
const MAXPFX = maxPrefixesData(1, 1, 1000);
const MAINT = encodeShutdownCommunication('maintenance until 14:00 UTC');

export const establishedRows: readonly Row[] = [
  ignored('ManualStart'),
  ignored('AutomaticStart'),
  ignored('ManualStart_with_PassiveTcpEstablishment'),
  ignored('AutomaticStart_with_PassiveTcpEstablishment'),
  ignored('AutomaticStart_with_DampPeerOscillations'),
  ignored('AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment'),
  // 2: Cease, delete routes, counter zero, no restart. RFC 9003 communication passed through.
  { from: 'Established', input: I.simple('ManualStop'), to: 'Idle', counter: 0, idleHold: 10,
    out: [notify(6, 2), ...UP, DELETE, RELEASE, DROP, down('Established', R.manual())] },
  { from: 'Established', input: { type: 'ManualStop', cease: { subcode: 2, communication: 'maintenance until 14:00 UTC' } },
    to: 'Idle', counter: 0, note: 'shutdown communication',
    out: [notify(6, 2, MAINT), ...UP, DELETE, RELEASE, DROP,
      down('Established', { kind: 'manualStop', subcode: 2, communication: 'maintenance until 14:00 UTC' })] },
  { from: 'Established', input: { type: 'ManualStop', cease: { subcode: 4, communication: '' } }, to: 'Idle', counter: 0,
    note: 'admin reset, empty communication', out: [notify(6, 4, bytes(0)), ...UP, DELETE, RELEASE, DROP,
      down('Established', { kind: 'manualStop', subcode: 4, communication: '' })] },
  { from: 'Established', input: { type: 'ManualStop', cease: { subcode: 6, communication: 'x' } }, to: 'Idle', counter: 0,
    note: 'no communication on other subcodes', out: [notify(6, 6), ...UP, DELETE, RELEASE, DROP,
      down('Established', { kind: 'manualStop', subcode: 6, communication: 'x' })] },
  // 8: e.g. maximum prefixes (RFC 4486 data), restart after a delay, never, or by the damping backoff.
  { from: 'Established', input: { type: 'AutomaticStop', cease: { subcode: 1, data: MAXPFX }, restartAfter: 60 }, to: 'Idle',
    counter: 2, idleHold: 10, note: 'restart after 60 s',
    out: [notify(6, 1, MAXPFX), ...UP, DELETE, RELEASE, DROP, down('Established', R.auto(1, MAXPFX)), start('IdleHoldTimer', 60)] },
  { from: 'Established', input: { type: 'AutomaticStop', cease: { subcode: 1, data: MAXPFX }, restartAfter: 'never' }, to: 'Idle',
    counter: 2, idleHold: 10, note: 'stay down',
    out: [notify(6, 1, MAXPFX), ...UP, DELETE, RELEASE, DROP, down('Established', R.auto(1, MAXPFX))] },
  teardown({ type: 'AutomaticStop', cease: { subcode: 8 } }, R.auto(8), notify(6, 8)),
  fsmError(I.simple('ConnectRetryTimer_Expires')),
  // 10.
  { from: 'Established', input: I.simple('HoldTimer_Expires'), to: 'Idle', counter: 2, idleHold: 20,
    out: [notify(4, 0), stop('KeepaliveTimer'), stop('IdleHoldResetTimer'), DELETE, RELEASE, DROP, down('Established', R.hold),
      start('IdleHoldTimer', 10)] },
  // 11: KEEPALIVE and restart (not with hold 0).
  { from: 'Established', input: I.simple('KeepaliveTimer_Expires'), to: 'Established', counter: 1, out: [KA, start('KeepaliveTimer', 30)] },
  { from: 'Established', input: I.simple('KeepaliveTimer_Expires'), to: 'Established', counter: 0, opts: { fresh: true, peerHold: 0 },
    note: 'hold 0', out: [KA] },
  fsmError(I.simple('DelayOpenTimer_Expires')),
  fsmError(I.simple('IdleHoldTimer_Expires')),
  ignored('TcpConnection_Valid'),
  ignored('Tcp_CR_Invalid'),
  ignored('Tcp_CR_Acked'),
  ignored('TcpConnectionConfirmed'),
  teardown(I.simple('TcpConnectionFails'), R.tcp),
  fsmError(I.open()),
  // 21: a header error is reported as such (RFC 4271 §6.1) rather than as an FSM error.
  teardown(I.headerErr(2, bytes(0, 18)), R.sent(1, 2, bytes(0, 18)), notify(1, 2, bytes(0, 18))),
  // 22: an OPEN in Established is unexpected.
  fsmError(I.openErr(4)),
  { from: 'Established', input: I.simple('OpenCollisionDump'), to: 'Idle', counter: 2, idleHold: 10,
    out: [notify(6, 7), ...UP, DELETE, RELEASE, DROP, down('Established', R.collision)] },
  teardown(I.notif(2, 1), R.received(2, 1), undefined, 'NotifMsgVerErr'),
  teardown(I.notif(6, 2, MAINT), { kind: 'notificationReceived', code: 6, subcode: 2, data: MAINT, communication: 'maintenance until 14:00 UTC' }),
  teardown(I.notif(6, 2, bytes(9, 0x61)), R.received(6, 2, bytes(9, 0x61)), undefined, 'NotifMsg'),
  // 26, 27: restart the HoldTimer (not with hold 0); UPDATEs are processed.
  { from: 'Established', input: I.simple('KeepAliveMsg'), to: 'Established', counter: 1, out: [start('HoldTimer', 90)] },
  { from: 'Established', input: I.simple('KeepAliveMsg'), to: 'Established', counter: 0, opts: { fresh: true, peerHold: 0 }, out: [] },
  { from: 'Established', input: { type: 'UpdateMsg', update: { nlri: ['192.0.2.0/24'] } }, to: 'Established', counter: 1,
    out: [{ type: 'ProcessUpdate', update: { nlri: ['192.0.2.0/24'] } }, start('HoldTimer', 90)] },
  { from: 'Established', input: { type: 'UpdateMsg', update: 'u' }, to: 'Established', counter: 0, opts: { fresh: true, peerHold: 0 },
    out: [{ type: 'ProcessUpdate', update: 'u' }] },
  // 28.
  teardown(I.updateErr(3, bytes(2)), R.sent(3, 3, bytes(2)), notify(3, 3, bytes(2))),
  // ROUTE-REFRESH (RFC 2918 / RFC 7313).
  { from: 'Established', input: { type: 'RouteRefreshMsg', message: 'rr' }, to: 'Established', counter: 1,
    out: [{ type: 'ProcessRouteRefresh', message: 'rr' }, start('HoldTimer', 90)] },
  teardown({ type: 'RouteRefreshMsgErr', error: { code: 7, subcode: 1, data: bytes(1, 2) } }, R.sent(7, 1, bytes(1, 2)), notify(7, 1, bytes(1, 2))),
  // Local: an UPDATE sent restarts the KeepaliveTimer; a stable period resets the backoff.
  { from: 'Established', input: I.simple('UpdateSent'), to: 'Established', counter: 1, out: [start('KeepaliveTimer', 30)] },
  { from: 'Established', input: I.simple('UpdateSent'), to: 'Established', counter: 0, opts: { fresh: true, peerHold: 0 }, out: [] },
  { from: 'Established', input: I.simple('IdleHoldResetTimer_Expires'), to: 'Established', counter: 1, idleHold: 5, out: [] },
];
