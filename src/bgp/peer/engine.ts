// A Peer: one configured BGP neighbor, running the RFC 4271 §8 FSM (src/bgp/fsm, pure) over a transport
// (src/bgp/transport), with the wire codec (src/bgp/wire) for framing and messages. This file is the engine:
// the event queue that feeds the FSM driver and executes its outputs, the receive path, the second connection
// of a collision (§6.8, resolved with resolveCollision), capability negotiation and refusal (RFC 5492 §5),
// graceful restart as helper (RFC 4724 §4.2, RFC 8538), max-prefix (RFC 4486), the send hold timer (RFC 9687)
// and the message tap. peer.ts adds the speaker-facing calls (start/stop/send/refresh/status).
//
// Execution model: every FSM input goes through one queue per Peer and is processed to completion before the
// next (events caused while executing outputs — a write error, a handler calling back — are queued, never
// nested). Transports deliver asynchronously, so nothing re-enters from below. Each connection's driver needs
// one real timer, re-armed only when its earliest deadline moves earlier (a KEEPALIVE restarting the HoldTimer
// moves it later: the armed timer fires, finds nothing due, and re-arms).
//
// Receive fast path: in Established, UPDATEs are decoded and delivered directly; the FSM sees one UpdateMsg per
// received chunk (its only effect there is restarting the HoldTimer), not one per message.
import type { Clock } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { type Logger, silentLogger } from '../../util/log.js';
import { resolveCollision } from '../fsm/collision.js';
import { driverAdvance, driverInput, nextDeadline, createDriver, type DriverResult } from '../fsm/driver.js';
import { ceaseNotification, hardResetData } from '../fsm/notification.js';
import type { CeaseRequest, DownReason, EstablishedSession, FsmConfig, FsmInput, FsmOutput, OpenValidator, StateName } from '../fsm/types.js';
import type { Connection, Transport } from '../transport/types.js';
import { parseIpv4U32 } from '../wire/addr.js';
import { decodeBody, encodeMessage, KEEPALIVE_BYTES } from '../wire/codec.js';
import { BASE_CONTEXT, family, familyText } from '../wire/context.js';
import { toNotification } from '../wire/errors.js';
import { MSG_KEEPALIVE, MSG_NOTIFICATION, MSG_OPEN, MSG_ROUTE_REFRESH, MSG_UPDATE, type OpenMessage, type RouteRefreshMessage } from '../wire/messages.js';
import { openPeerAs } from '../wire/open.js';
import { validateOpen as wireValidateOpen } from '../wire/validate.js';
import { applyRefusal, buildOpen, type NegotiatedSession, negotiateSession, NO_REFUSALS, type Refusals } from './capabilities.js';
import { type PeerConfig, ROLE_CODES } from './config.js';
import { Conn } from './conn.js';
import { downText, notificationText } from './describe.js';
import { Emitter, type MessageTap, type PeerDownCause, type PeerEventMap, type PeerSession } from './events.js';
import { GracefulRestartHelper } from './graceful.js';
import { InboundDecoder, type UpdateIn } from './inbound.js';
import { ExactPrefixCounter, MaxPrefixGuard, type PrefixCounter, type PrefixLimitEvent } from './max-prefix.js';

export interface PeerDeps {
  readonly transport: Transport;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Wall-clock milliseconds for tapped messages (default Date.now). */
  readonly wallClock?: () => number;
  /** BGP4MP-style tap of every message in and out and of state changes. */
  readonly tap?: MessageTap;
  /** Count of the peer's prefixes for max-prefix; default: an exact count kept here (only for limited families). */
  readonly prefixCounter?: PrefixCounter;
  /** RFC 4271 §10 jitter seed; default random, 0 = no jitter (tests). */
  readonly jitterSeed?: number;
  /**
   * Most received attribute sets kept interned by their bytes per session (the codec's AttrCache; cleared when
   * full). Default 1,000,000. A speaker that interns the sets itself can keep this small: on a full-table feed
   * nearly every UPDATE brings a new set, and the cache then holds every set decoded (about 1 KB each).
   */
  readonly attrCacheEntries?: number;
}

export interface PeerCounters {
  /** Messages received / sent, indexed by BGP message type (1 OPEN … 5 ROUTE-REFRESH). */
  readonly messagesIn: number[];
  readonly messagesOut: number[];
  bytesIn: number;
  bytesOut: number;
  prefixesAnnounced: number;
  prefixesWithdrawn: number;
  /** Sessions established, and Established sessions lost. */
  established: number;
  flaps: number;
}

const UPDATE_MSG: FsmInput = Object.freeze({ type: 'UpdateMsg' });
const KEEPALIVE_MSG: FsmInput = Object.freeze({ type: 'KeepAliveMsg' });
const TCP_ACKED: FsmInput = Object.freeze({ type: 'Tcp_CR_Acked' });
const TCP_CONFIRMED: FsmInput = Object.freeze({ type: 'TcpConnectionConfirmed' });
const COLLISION_DUMP: FsmInput = Object.freeze({ type: 'OpenCollisionDump' });
export const UPDATE_SENT: FsmInput = Object.freeze({ type: 'UpdateSent' });

export class PeerEngine extends Emitter<PeerEventMap> {
  readonly config: PeerConfig;
  protected readonly transport: Transport;
  protected readonly clock: Clock;
  protected readonly log: Logger;
  protected readonly wallClock: () => number;
  protected readonly tap: MessageTap | undefined;
  readonly counters: PeerCounters = {
    messagesIn: [0, 0, 0, 0, 0, 0], messagesOut: [0, 0, 0, 0, 0, 0], bytesIn: 0, bytesOut: 0,
    prefixesAnnounced: 0, prefixesWithdrawn: 0, established: 0, flaps: 0,
  };
  /** The connection whose FSM is the neighbor's (its restarts, its damping); `secondary` only during a collision. */
  protected primary: Conn;
  protected secondary: Conn | null = null;
  /** The Established session, or null. */
  protected current: PeerSession | null = null;
  protected refusals: Refusals = NO_REFUSALS;
  /** R bit still to be sent (we restarted and no session has come up since). */
  protected restarting: boolean;
  protected adminUp = false;
  protected closed = false;
  protected lastDown: { readonly text: string; readonly at: number; readonly reason: DownReason; readonly from: StateName } | null = null;
  protected readonly gr: GracefulRestartHelper;
  protected readonly guard: MaxPrefixGuard;
  private readonly queue: [Conn, FsmInput | null][] = [];
  private qHead = 0;
  private busy = false;
  private readonly localId: number;
  private readonly jitterSeed: number;
  private readonly attrCacheEntries: number | undefined;

  constructor(config: PeerConfig, deps: PeerDeps) {
    super();
    this.config = config;
    this.transport = deps.transport;
    this.clock = deps.clock;
    this.log = (deps.logger ?? silentLogger).child({ peer: config.name });
    this.wallClock = deps.wallClock ?? Date.now;
    this.tap = deps.tap;
    this.localId = parseIpv4U32(config.routerId)!;
    this.jitterSeed = deps.jitterSeed ?? ((Math.random() * 0xffffffff) >>> 0 || 1);
    this.attrCacheEntries = deps.attrCacheEntries;
    this.restarting = config.gracefulRestart.enabled && config.gracefulRestart.restarting;
    this.onHandlerError = (event, e) => this.log.error('event handler failed', { event, error: errorMessage(e) });
    this.gr = new GracefulRestartHelper(this.clock, config.gracefulRestart.stalePathTime, (f) => {
      this.log.info('graceful restart: stale routes flushed', { families: f.families.map(familyText), reason: f.reason });
      this.emit('staleFlush', f);
    });
    const limited = [...config.maxPrefix.keys()];
    this.guard = new MaxPrefixGuard(config.maxPrefix, deps.prefixCounter ?? new ExactPrefixCounter(limited));
    this.primary = this.newConn();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Connections and the FSM

  private fsmConfig(conn: () => Conn): Partial<FsmConfig> & Pick<FsmConfig, 'localAs' | 'localBgpId'> {
    const c = this.config;
    return {
      localAs: c.localAs, localBgpId: this.localId, peerAs: c.peerAs, holdTime: c.holdTime, keepaliveTime: c.keepaliveTime,
      minHoldTime: c.minHoldTime, connectRetryTime: c.connectRetryTime, passive: c.passive, delayOpen: c.delayOpen,
      delayOpenTime: c.delayOpenTime, allowAutomaticStart: !c.dynamic, dampPeerOscillations: c.dampPeerOscillations && !c.dynamic,
      idleHoldTime: c.idleHoldTime, idleHoldTimeMax: c.idleHoldTimeMax, idleHoldResetTime: c.idleHoldResetTime,
      collisionDetectEstablishedState: c.collisionDetectEstablishedState, validateOpen: this.validator(conn),
    };
  }

  protected newConn(): Conn {
    let self: Conn | undefined;
    const conn = new Conn(createDriver(this.fsmConfig(() => self!), { jitterSeed: this.jitterSeed }));
    self = conn;
    return conn;
  }

  /** The OPEN check after the FSM's own (RFC 4271 §6.2): capabilities, roles (RFC 9234), AS range; negotiates. */
  private validator(conn: () => Conn): OpenValidator {
    const c = this.config;
    return (open) => {
      const m = open.capabilities as OpenMessage;
      const e = wireValidateOpen(m, {
        localAs: c.localAs, localId: c.routerId, strictRole: c.strictRole,
        ...(c.role !== undefined ? { localRole: ROLE_CODES[c.role] } : {}),
      });
      if (e !== null) {
        const n = toNotification(e);
        return { ok: false, subcode: n.subcode, data: n.data, reason: e.reason };
      }
      const r = c.peerAsRange;
      if (r !== undefined && (open.as < r[0] || open.as > r[1])) {
        return { ok: false, subcode: 2, reason: `peer AS ${open.as} outside ${r[0]}-${r[1]}` };
      }
      const cn = conn();
      cn.localOpen ??= this.buildOpen();
      cn.negotiated = negotiateSession(c, cn.localOpen, m);
      return { ok: true, negotiated: cn.negotiated };
    };
  }

  protected buildOpen(): OpenMessage {
    return buildOpen(this.config, this.refusals, this.restarting);
  }

  /** Queue an FSM input (null: fire due timers) and process the queue unless already processing. */
  protected feed(conn: Conn, input: FsmInput | null): void {
    this.queue.push([conn, input]);
    if (!this.busy) this.run();
  }

  private run(): void {
    this.busy = true;
    try {
      while (this.qHead < this.queue.length) {
        const [conn, input] = this.queue[this.qHead]!;
        this.queue[this.qHead++] = undefined as unknown as [Conn, FsmInput | null];
        if (conn.dead) continue;
        const now = this.clock.now();
        const r = input === null ? driverAdvance(conn.d, now) : driverInput(conn.d, now, input);
        conn.d = r.state;
        this.afterStep(conn, r);
      }
    } finally {
      this.queue.length = 0;
      this.qHead = 0;
      this.busy = false;
    }
  }

  private afterStep(conn: Conn, r: DriverResult): void {
    let toOpenConfirm = false;
    for (const s of r.steps) {
      if (s.from === s.to) continue;
      if (s.to === 'OpenConfirm') toOpenConfirm = true;
      if (conn === this.primary) this.emit('state', { from: s.from, to: s.to, event: s.event });
      this.log.debug('state', { from: s.from, to: s.to, event: s.event, conn: conn.id });
      if (this.tap?.state !== undefined && conn === this.primary) {
        this.tap.state({ time: this.wallClock(), from: s.from, to: s.to, local: conn.sock?.local ?? null,
          remote: { address: this.config.remoteAddress, port: this.config.remotePort }, localAs: this.config.localAs,
          peerAs: this.config.peerAs ?? conn.d.fsm.peer?.as ?? 0 });
      }
    }
    // The negotiated context applies from the OPEN on (extended message lengths, then UPDATE encoding).
    if (toOpenConfirm && conn.negotiated !== null) conn.ctx = conn.negotiated.ctx;
    // Collision detection (§6.8) as soon as the OPEN is accepted, before its KEEPALIVE goes out: a connection
    // that loses must not let the peer reach Established on it.
    const loser = toOpenConfirm && conn.state === 'OpenConfirm' ? this.collisionLoser(conn) : null;
    for (const a of r.actions) {
      if (conn.dead) break;
      if (loser === conn && a.type === 'SendKeepalive') continue;
      this.execute(conn, a);
    }
    if (loser !== null) this.feed(loser, COLLISION_DUMP);
    this.arm(conn);
  }

  private arm(conn: Conn): void {
    if (conn.dead) return;
    const nd = nextDeadline(conn.d);
    if (nd === undefined || (conn.timer !== undefined && conn.armedAt <= nd)) return;
    this.clock.clearTimeout(conn.timer);
    conn.armedAt = nd;
    conn.timer = this.clock.setTimeout(() => {
      conn.timer = undefined;
      conn.armedAt = Infinity;
      this.feed(conn, null);
    }, Math.max(0, Math.ceil(nd - this.clock.now())));
  }

  /** Forget a connection's FSM for good (collision loser, superseded secondary). */
  protected discard(conn: Conn): void {
    if (conn.dead) return;
    conn.dead = true;
    this.clock.clearTimeout(conn.timer);
    this.clock.clearTimeout(conn.sendHoldTimer);
    conn.attempt?.cancel();
    const s = conn.sock;
    conn.resetStream();
    s?.end();
    if (this.secondary === conn) this.secondary = null;
  }

  private execute(conn: Conn, a: FsmOutput): void {
    switch (a.type) {
      case 'ConnectTcp': this.connect(conn); break;
      case 'DropTcp': case 'RejectTcp': this.drop(conn); break;
      case 'SendOpen':
        conn.localOpen ??= this.buildOpen();
        this.write(conn, encodeMessage(conn.localOpen, BASE_CONTEXT));
        break;
      case 'SendKeepalive': this.write(conn, KEEPALIVE_BYTES); break;
      case 'SendNotification': this.sendNotification(conn, a.code, a.subcode, a.data); break;
      case 'ProcessUpdate':
        if (a.update instanceof Uint8Array && conn.inbound !== null) this.receiveUpdate(conn, a.update);
        break;
      case 'ProcessRouteRefresh': this.receiveRouteRefresh(a.message as RouteRefreshMessage); break;
      case 'SessionUp': this.sessionUp(conn, a.session); break;
      case 'SessionDown': this.sessionDown(conn, a.from, a.reason); break;
      case 'DeleteRoutes': case 'ReleaseResources': case 'StartTimer': case 'StopTimer': break;
    }
  }

  private connect(conn: Conn): void {
    const c = this.config;
    conn.initiator = 'local';
    const attempt = this.transport.connect({
      remote: { address: c.remoteAddress, port: c.remotePort }, timeoutMs: c.connectTimeout * 1000,
      ...(c.localAddress !== undefined ? { localAddress: c.localAddress } : {}),
      ...(c.localPort !== 0 ? { localPort: c.localPort } : {}),
    }, (err, sock) => {
      if (conn.attempt !== attempt || conn.dead) { sock?.destroy(); return; }
      conn.attempt = null;
      if (err !== null || sock === null) {
        this.log.debug('connect failed', { error: err });
        this.feed(conn, { type: 'TcpConnectionFails', error: err ?? 'connect failed' });
        return;
      }
      this.attach(conn, sock);
      this.feed(conn, TCP_ACKED);
    });
    conn.attempt = attempt;
  }

  protected attach(conn: Conn, sock: Connection): void {
    conn.sock = sock;
    sock.attach({
      data: (chunk) => this.onData(conn, sock, chunk),
      close: (error) => {
        if (conn.sock === sock) this.feed(conn, { type: 'TcpConnectionFails', error: error ?? 'connection closed' });
      },
      drain: () => this.onDrain(conn, sock),
    });
  }

  private drop(conn: Conn): void {
    conn.attempt?.cancel();
    this.clock.clearTimeout(conn.sendHoldTimer);
    conn.sendHoldTimer = undefined;
    const s = conn.sock;
    conn.resetStream();
    s?.end();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Sending

  protected write(conn: Conn, bytes: Uint8Array): boolean {
    const s = conn.sock;
    if (s === null) return false;
    this.counters.bytesOut += bytes.length;
    this.counters.messagesOut[bytes[18]!]! += 1;
    if (this.tap?.message !== undefined) this.tapMessage(conn, 'out', bytes);
    const ok = s.write(bytes);
    if (!ok) this.blocked(conn);
    return ok;
  }

  /** Write several messages as one buffer (one socket write), counting and tapping each. */
  protected writeMany(conn: Conn, msgs: readonly Uint8Array[], total: number): boolean {
    const s = conn.sock;
    if (s === null) return false;
    const out = new Uint8Array(total);
    let o = 0;
    for (const m of msgs) {
      out.set(m, o);
      o += m.length;
      this.counters.messagesOut[m[18]!]! += 1;
      if (this.tap?.message !== undefined) this.tapMessage(conn, 'out', m);
    }
    this.counters.bytesOut += total;
    const ok = s.write(out);
    if (!ok) this.blocked(conn);
    return ok;
  }

  private sendNotification(conn: Conn, code: number, subcode: number, data: Uint8Array): void {
    let bytes: Uint8Array;
    // The data may be a whole attribute or message: cut it to fit the largest message allowed.
    const room = 4096 - 21;
    const d = data.length > room ? data.subarray(0, room) : data;
    bytes = encodeMessage({ type: 'NOTIFICATION', code, subcode, data: d }, BASE_CONTEXT);
    this.write(conn, bytes);
    const text = notificationText(code, subcode, data);
    this.log.warn('NOTIFICATION sent', { code, subcode, text });
    this.emit('notification', { direction: 'sent', code, subcode, data, text });
  }

  private blocked(conn: Conn): void {
    const t = this.config.sendHoldTime;
    if (t === 0 || conn.sendHoldTimer !== undefined) return;
    conn.sendHoldTimer = this.clock.setTimeout(() => {
      conn.sendHoldTimer = undefined;
      const s = conn.sock;
      if (conn.dead || s === null || s.writeBuffered === 0) return;
      this.log.warn('send hold timer expired: the peer reads nothing; closing', { seconds: t, buffered: s.writeBuffered });
      conn.cause = { kind: 'sendHoldTimerExpired', seconds: t };
      conn.sendHoldExpired = true;
      s.destroy();
      this.feed(conn, { type: 'TcpConnectionFails', error: 'send hold timer expired' });
    }, t * 1000);
  }

  private onDrain(conn: Conn, sock: Connection): void {
    if (conn.sock !== sock) return;
    this.clock.clearTimeout(conn.sendHoldTimer);
    conn.sendHoldTimer = undefined;
    if (conn === this.primary && conn.state === 'Established') this.emit('drain', undefined);
  }

  private tapMessage(conn: Conn, direction: 'in' | 'out', bytes: Uint8Array): void {
    const s = conn.sock;
    if (s === null) return;
    this.tap!.message!({ direction, time: this.wallClock(), bytes, local: s.local, remote: s.remote,
      localAs: this.config.localAs, peerAs: conn.d.fsm.peer?.as ?? this.config.peerAs ?? 0, as4: conn.ctx.as4 });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Receiving

  private onData(conn: Conn, sock: Connection, chunk: Uint8Array): void {
    if (conn.sock !== sock) return;
    this.counters.bytesIn += chunk.length;
    conn.reader.push(chunk);
    const inCount = this.counters.messagesIn;
    let alive = false;
    for (;;) {
      if (conn.sock !== sock) return; // closed while handling a message
      const f = conn.reader.next();
      if (f.kind === 'incomplete') break;
      if (f.kind === 'frame' && f.type === MSG_UPDATE && conn.inbound !== null && conn.d.fsm.state === 'Established') {
        inCount[MSG_UPDATE]! += 1;
        if (this.tap?.message !== undefined) this.tapMessage(conn, 'in', f.bytes);
        alive = true;
        this.receiveUpdate(conn, f.bytes);
        continue;
      }
      // Before any other event, the FSM learns about the UPDATEs that came first (HoldTimer restart).
      if (alive) { alive = false; this.feed(conn, UPDATE_MSG); if (conn.sock !== sock) return; }
      if (f.kind === 'error') {
        this.log.warn('message header error', { error: f.error.reason });
        this.feed(conn, { type: 'BGPHeaderErr', error: toNotification(f.error) });
        return;
      }
      inCount[f.type]! += 1;
      if (this.tap?.message !== undefined) this.tapMessage(conn, 'in', f.bytes);
      this.receiveOther(conn, f.type, f.bytes);
    }
    if (alive && conn.sock === sock) this.feed(conn, UPDATE_MSG);
  }

  private receiveOther(conn: Conn, type: number, bytes: Uint8Array): void {
    switch (type) {
      case MSG_OPEN: {
        const r = decodeBody(type, bytes, 0, bytes.length, BASE_CONTEXT);
        if (!r.ok) {
          this.log.warn('malformed OPEN', { error: r.error.reason });
          this.feed(conn, { type: 'BGPOpenMsgErr', error: toNotification(r.error) });
          return;
        }
        const m = r.msg as OpenMessage;
        conn.peerOpen = m;
        this.feed(conn, { type: 'BGPOpen', open: { version: m.version, as: openPeerAs(m), holdTime: m.holdTime,
          bgpId: parseIpv4U32(m.bgpId) ?? 0, capabilities: m } });
        return;
      }
      case MSG_KEEPALIVE: this.feed(conn, KEEPALIVE_MSG); return;
      case MSG_NOTIFICATION: {
        const data = bytes.slice(21);
        const code = bytes[19]!, subcode = bytes[20]!;
        const text = notificationText(code, subcode, data);
        this.log.warn('NOTIFICATION received', { code, subcode, text });
        this.emit('notification', { direction: 'received', code, subcode, data, text });
        this.feed(conn, { type: 'NotifMsg', notification: { code, subcode, data } });
        return;
      }
      case MSG_ROUTE_REFRESH: {
        const r = decodeBody(type, bytes, 0, bytes.length, conn.ctx);
        if (!r.ok) {
          this.log.warn('malformed ROUTE-REFRESH', { error: r.error.reason });
          this.feed(conn, { type: 'RouteRefreshMsgErr', error: toNotification(r.error) });
        } else {
          this.feed(conn, { type: 'RouteRefreshMsg', message: r.msg });
        }
        return;
      }
      case MSG_UPDATE:
        // Not Established: the FSM answers with an FSM Error (RFC 6608).
        this.feed(conn, { type: 'UpdateMsg', update: bytes });
        return;
    }
  }

  private receiveUpdate(conn: Conn, bytes: Uint8Array): void {
    const r = conn.inbound!.decode(bytes);
    if (r.kind === 'update') {
      const u = r.update;
      if (u.errors.length > 0) this.reportTreatment(u);
      for (const f of u.disabled) {
        const error = u.errors.find((e) => e.action === 'afi-safi-disable')!;
        this.emit('familyDisabled', { family: f, error });
      }
      for (const a of u.announce) this.counters.prefixesAnnounced += a.prefixes.length;
      for (const w of u.withdraw) this.counters.prefixesWithdrawn += w.prefixes.length;
      this.emit('update', u);
      if (this.guard.active) {
        const ev = this.guard.check(u);
        if (ev !== null) for (const e of ev) this.prefixLimit(conn, e);
      }
    } else if (r.kind === 'end-of-rib') {
      const stale = this.gr.endOfRib(r.family);
      this.log.info('End-of-RIB received', { family: familyText(r.family), stale });
      this.emit('endOfRib', { family: r.family, stale });
    } else {
      this.log.warn('malformed UPDATE: session reset', { error: r.error.kind, reason: r.error.reason });
      this.feed(conn, { type: 'UpdateMsgErr', error: toNotification(r.error) });
    }
  }

  private reportTreatment(u: UpdateIn): void {
    for (const e of u.errors) {
      this.log.warn('malformed UPDATE (RFC 7606)', { error: e.kind, action: e.action, reason: e.reason });
    }
    for (const f of u.disabled) this.log.warn('address family disabled for this session (RFC 7606)', { family: familyText(f) });
  }

  private prefixLimit(conn: Conn, e: PrefixLimitEvent): void {
    const text = this.guard.describe(e);
    this.emit('prefixLimit', e);
    if (e.action === 'warn') { this.log.warn('max-prefix', { text }); return; }
    this.log.error('max-prefix: tearing the session down', { text, restartAfter: e.restartAfter });
    conn.cause = { kind: 'maxPrefix', family: e.family, count: e.count, limit: e.limit };
    this.feed(conn, { type: 'AutomaticStop', cease: this.cease(1, undefined, undefined, e), restartAfter: e.restartAfter });
  }

  /** The Cease to send: with RFC 8538 negotiated, subcodes 1-3 (or `hard`) go inside a Hard Reset. */
  protected cease(subcode: number, communication?: string, hard?: boolean, limit?: PrefixLimitEvent): CeaseRequest {
    let inner: CeaseRequest = communication !== undefined ? { subcode, communication } : { subcode };
    if (limit !== undefined) {
      const d = new Uint8Array(7);
      const v = new DataView(d.buffer);
      v.setUint16(0, Math.floor(limit.family / 256)); v.setUint8(2, limit.family & 255); v.setUint32(3, limit.limit);
      inner = { subcode, data: d };
    }
    const wantHard = hard ?? (subcode >= 1 && subcode <= 3);
    if (this.current?.hardResetNegotiated !== true || !wantHard) return inner;
    return { subcode: 9, data: hardResetData(ceaseNotification(inner)) };
  }

  private receiveRouteRefresh(m: RouteRefreshMessage): void {
    const s = this.current;
    if (s === null) return;
    const f = family(m.afi, m.safi);
    if (!s.routeRefresh && !s.enhancedRouteRefresh) {
      this.log.warn('ROUTE-REFRESH received but the capability was not negotiated; ignored', { family: familyText(f) });
      return;
    }
    // RFC 2918 §4 / RFC 7313 §5: a family not negotiated, or a reserved subtype, is ignored.
    if (!s.families.includes(f)) {
      this.log.warn('ROUTE-REFRESH for a family not negotiated; ignored', { family: familyText(f) });
      return;
    }
    const kind = m.subtype === 0 ? 'request' : m.subtype === 1 ? 'begin' : m.subtype === 2 ? 'end' : null;
    if (kind === null || (kind !== 'request' && !s.enhancedRouteRefresh)) {
      this.log.warn('ROUTE-REFRESH with an unexpected subtype; ignored', { family: familyText(f), subtype: m.subtype });
      return;
    }
    this.log.info('ROUTE-REFRESH received', { family: familyText(f), kind });
    this.emit('routeRefresh', { family: f, kind, origin: 'peer', message: m });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Collisions, session up and down

  /** An incoming TCP connection for this neighbor (from the listener). */
  acceptConnection(sock: Connection): void {
    const c = this.config;
    if (this.closed || (c.localAddress !== undefined && sock.local.address !== c.localAddress)) {
      this.log.info('incoming connection refused', { remote: sock.remote.address, local: sock.local.address,
        why: this.closed ? 'neighbor removed' : `not on the local address ${c.localAddress}` });
      sock.destroy();
      return;
    }
    const p = this.primary;
    if (p.state === 'Idle' && this.adminUp && p.d.fsm.restartPending && this.lastDown?.reason.kind !== 'automaticStop') {
      // An automatic restart is pending (IdleHoldTimer running) and the neighbor is connecting now: start on its
      // connection (passively) instead of refusing it. Two speakers that both refuse while idle, and both fall
      // back to Idle when refused, can otherwise stay out of phase indefinitely. The start mode of later
      // restarts stays what it was (active or passive). Not after an AutomaticStop (max-prefix): its delay holds.
      const mode = p.d.fsm.startMode;
      this.feed(p, { type: 'AutomaticStart_with_PassiveTcpEstablishment' });
      p.d = { ...p.d, fsm: { ...p.d.fsm, startMode: mode } };
    }
    const st = p.state;
    if (st === 'Connect' || st === 'Active' || st === 'Idle') {
      // Connect/Active: take it, abandoning an outgoing attempt. Idle: the FSM answers Cease 5 and closes.
      p.attempt?.cancel();
      p.attempt = null;
      if (p.sock !== null) { const old = p.sock; p.sock = null; old.destroy(); }
      p.initiator = 'remote';
      this.attach(p, sock);
      this.feed(p, TCP_CONFIRMED);
      return;
    }
    if (this.secondary !== null) {
      this.log.info('incoming connection refused: two connections already exist', { remote: sock.remote.address });
      sock.destroy();
      return;
    }
    // OpenSent or later: a second FSM for the second connection until the collision is resolved (§6.8).
    const s = this.newConn();
    s.initiator = 'remote';
    this.secondary = s;
    this.log.debug('second connection (possible collision)', { conn: s.id, primaryState: st });
    this.feed(s, { type: 'ManualStart_with_PassiveTcpEstablishment' });
    this.attach(s, sock);
    this.feed(s, TCP_CONFIRMED);
  }

  /**
   * The connection to close when `conn` has just accepted an OPEN while another connection to the neighbor
   * exists, or null. The other one counts in OpenSent too: the OPEN just received tells the peer's identifier,
   * which is what RFC 4271 §6.8 asks to know "by means outside of the protocol", and deciding now avoids the
   * race where each side sends its KEEPALIVE on the connection the other side is about to close.
   */
  private collisionLoser(conn: Conn): Conn | null {
    const other = conn === this.primary ? this.secondary : this.primary;
    if (other === null || other.dead) return null;
    const peer = conn.d.fsm.peer!;
    // RFC 4724 §4.2: an OPEN with graceful restart on a new connection while the old session is Established
    // means the peer restarted: the old session ends as if its connection had failed (routes kept as stale).
    if (other.state === 'Established' && this.current?.peerGracefulRestart != null &&
      conn.negotiated?.peerGracefulRestart != null) {
      this.log.info('peer restarted (new connection with graceful restart while Established)');
      other.cause = { kind: 'peerRestarted' };
      this.feed(other, { type: 'TcpConnectionFails', error: 'peer restarted' });
      return null;
    }
    const v = resolveCollision({
      localBgpId: this.localId, localAs: this.config.localAs, remoteBgpId: peer.bgpId, remoteAs: peer.as,
      existing: { state: other.state, initiator: other.initiator }, newInitiator: conn.initiator,
      collisionDetectEstablishedState: this.config.collisionDetectEstablishedState, existingPeerIdKnown: true,
    });
    if (!v.collision) return null;
    const loser = v.close === 'existing' ? other : conn;
    this.log.info('connection collision', { rule: v.rule, dominant: v.dominant, closing: loser.initiator === 'local' ? 'outgoing' : 'incoming' });
    return loser;
  }

  /** Make `w` the neighbor's connection: it inherits the restart mode and damping of the one it replaces. */
  private promote(w: Conn): void {
    const old = this.primary;
    if (old === w) return;
    const fsm = { ...w.d.fsm, startMode: old.d.fsm.startMode, idleHoldTime: Math.max(w.d.fsm.idleHoldTime, old.d.fsm.idleHoldTime) };
    w.d = { ...w.d, fsm };
    this.primary = w;
    this.secondary = old.dead ? null : old;
  }

  private sessionUp(conn: Conn, s: EstablishedSession): void {
    const neg = s.negotiated as NegotiatedSession;
    if (conn !== this.primary) this.promote(conn);
    // A second connection still opening is resolved when its OPEN arrives (the Established one wins, unless the
    // peer restarted with graceful restart); one that is not opening anything is dropped.
    const other = this.secondary;
    if (other !== null && other.state !== 'OpenSent' && other.state !== 'OpenConfirm') this.discard(other);
    const sock = conn.sock!;
    conn.inbound = new InboundDecoder(neg.ctx, {
      localAs: this.config.localAs, peerAs: neg.peerAs, enforceFirstAs: this.config.enforceFirstAs,
      families: new Set(neg.families), localAddresses: [sock.local.address], localId: this.config.routerId,
    }, neg.families, this.attrCacheEntries);
    this.current = { ...neg, holdTime: s.holdTime, keepaliveTime: s.keepaliveTime, internal: s.internal,
      local: sock.local, remote: sock.remote, initiator: conn.initiator, establishedAt: this.clock.now() };
    this.counters.established++;
    this.restarting = false;
    this.guard.reset();
    this.gr.sessionUp(neg.peerGracefulRestart, neg.families);
    if (neg.families.length === 0) this.log.warn('session up without a common address family');
    this.log.info('session established', { holdTime: s.holdTime, local: sock.local.address, families: neg.families.map(familyText),
      as4: neg.as4, addPath: neg.addPathReceive.length + neg.addPathSend.length > 0, gracefulRestart: neg.peerGracefulRestart !== null });
    this.emit('established', this.current);
  }

  private sessionDown(conn: Conn, from: StateName, reason: DownReason): void {
    const cause: PeerDownCause = conn.cause ?? { kind: 'fsm' };
    conn.cause = undefined;
    const text = downText(reason, cause);
    if (conn !== this.primary) {
      this.log.debug('second connection closed', { conn: conn.id, text });
      this.discard(conn);
      return;
    }
    this.lastDown = { text, at: this.clock.now(), reason, from };
    if (reason.kind === 'notificationReceived' && (from === 'OpenSent' || from === 'OpenConfirm')) {
      const r = applyRefusal(this.refusals, reason.code, reason.subcode, reason.data);
      if (r !== null) {
        this.refusals = r.refusals;
        this.log.warn('peer refused capabilities; the next OPEN leaves them out', { refused: r.what });
      }
    }
    if (from === 'Established') {
      const neg = this.current!;
      const graceful = this.gr.sessionDown(neg.peerGracefulRestart, gracefulEnd(reason, neg), neg.families);
      this.current = null;
      this.counters.flaps++;
      this.guard.reset();
      this.log.warn('session down', { text, graceful: graceful !== null });
      this.emit('down', { from, reason, cause, text, graceful });
    } else {
      this.log.info('connection ended', { from, text });
    }
    // A live second connection to the same neighbor takes over.
    const s = this.secondary;
    if (s !== null && !s.dead && s.state !== 'Idle') {
      this.promote(s);
      this.discard(conn);
    }
  }
}

/** Whether a session end allows the graceful restart helper to keep routes (RFC 4724 §4.2, RFC 8538 §4). */
export function gracefulEnd(reason: DownReason, neg: NegotiatedSession): boolean {
  switch (reason.kind) {
    case 'tcpFailed': return true;
    case 'collision': case 'unexpectedEvent': return false;
    case 'holdTimerExpired': return neg.hardResetNegotiated;
    case 'manualStop': case 'automaticStop': return neg.hardResetNegotiated && reason.subcode !== 9;
    case 'notificationReceived': case 'notificationSent': case 'errorNotSent':
      return neg.hardResetNegotiated && !(reason.code === 6 && reason.subcode === 9);
  }
}
