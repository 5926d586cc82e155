// The core of a Peer: the event queue that feeds the RFC 4271 §8 FSM driver (src/bgp/fsm, pure) and executes
// its outputs over a transport, one FSM per TCP connection (§8.2.1.2), the OPEN validator that negotiates
// capabilities (RFC 5492), the write path with its back-pressure and the RFC 9687 send hold timer, and the
// message tap (RFC 6396 BGP4MP). engine.ts adds the receive path, collisions and session up/down; peer.ts the
// speaker-facing calls.
//
// Execution model: every FSM input goes through one queue per Peer and is processed to completion before the
// next (events caused while executing outputs — a write error, a handler calling back — are queued, never
// nested). Transports deliver asynchronously, so nothing re-enters from below. Each connection's driver needs
// one real timer, re-armed only when its earliest deadline moves earlier (a KEEPALIVE restarting the HoldTimer
// moves it later: the armed timer fires, finds nothing due, and re-arms).
import type { Clock } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { type Logger, silentLogger } from '../../util/log.js';
import { createDriver, driverAdvance, driverInput, type DriverResult, nextDeadline } from '../fsm/driver.js';
import type { DownReason, EstablishedSession, FsmConfig, FsmInput, FsmOutput, OpenValidator, StateName } from '../fsm/types.js';
import type { Connection, Transport } from '../transport/types.js';
import { parseIpv4U32 } from '../wire/addr.js';
import { encodeMessage, KEEPALIVE_BYTES } from '../wire/codec.js';
import { BASE_CONTEXT, familyText } from '../wire/context.js';
import { toNotification } from '../wire/errors.js';
import type { OpenMessage, RouteRefreshMessage } from '../wire/messages.js';
import { validateOpen as wireValidateOpen } from '../wire/validate.js';
import { buildOpen, negotiateSession, NO_REFUSALS, type Refusals } from './capabilities.js';
import { type PeerConfig, ROLE_CODES } from './config.js';
import { Conn } from './conn.js';
import { notificationText } from './describe.js';
import { Emitter, type MessageTap, type PeerEventMap, type PeerSession } from './events.js';
import { GracefulRestartHelper } from './graceful.js';
import { ExactPrefixCounter, MaxPrefixGuard, type PrefixCounter } from './max-prefix.js';

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
   * Received attribute sets kept interned per session (the codec's AttrCache; cleared when full). Memory grows
   * with distinct sets (a few hundred octets each); a smaller cache only costs re-decoding sets seen again.
   * Default 1,000,000.
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

export const UPDATE_MSG: FsmInput = Object.freeze({ type: 'UpdateMsg' });
export const KEEPALIVE_MSG: FsmInput = Object.freeze({ type: 'KeepAliveMsg' });
const TCP_ACKED: FsmInput = Object.freeze({ type: 'Tcp_CR_Acked' });
export const TCP_CONFIRMED: FsmInput = Object.freeze({ type: 'TcpConnectionConfirmed' });
const COLLISION_DUMP: FsmInput = Object.freeze({ type: 'OpenCollisionDump' });
export const UPDATE_SENT: FsmInput = Object.freeze({ type: 'UpdateSent' });

export abstract class PeerCore extends Emitter<PeerEventMap> {
  readonly config: PeerConfig;
  protected readonly transport: Transport;
  protected readonly clock: Clock;
  protected readonly log: Logger;
  protected readonly wallClock: () => number;
  protected readonly tap: MessageTap | undefined;
  protected readonly attrCacheEntries: number;
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
  private readonly queue: [Conn, FsmInput | null, number | undefined][] = [];
  private qHead = 0;
  private busy = false;
  private readonly idleTasks: (() => void)[] = [];
  protected readonly localId: number;
  private readonly jitterSeed: number;

  constructor(config: PeerConfig, deps: PeerDeps) {
    super();
    this.config = config;
    this.transport = deps.transport;
    this.clock = deps.clock;
    this.log = (deps.logger ?? silentLogger).child({ peer: config.name });
    this.wallClock = deps.wallClock ?? Date.now;
    this.tap = deps.tap;
    this.attrCacheEntries = deps.attrCacheEntries ?? 1_000_000;
    this.localId = parseIpv4U32(config.routerId)!;
    this.jitterSeed = deps.jitterSeed ?? ((Math.random() * 0xffffffff) >>> 0 || 1);
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

  /**
   * Queue an FSM input (null: fire due timers) and process the queue unless already processing. `at` pins the
   * instant the driver sees (default: the clock when the input is processed), so that two inputs fed at one
   * instant see the same due timers.
   */
  protected feed(conn: Conn, input: FsmInput | null, at?: number): void {
    this.queue.push([conn, input, at]);
    if (!this.busy) this.run();
  }

  /** Run `fn` once the queue is drained (now, unless called while processing, e.g. from an event handler). */
  protected whenIdle(fn: () => void): void {
    if (this.busy) this.idleTasks.push(fn);
    else fn();
  }

  private run(): void {
    this.busy = true;
    try {
      while (this.qHead < this.queue.length) {
        const [conn, input, at] = this.queue[this.qHead]!;
        this.queue[this.qHead++] = undefined as unknown as [Conn, FsmInput | null, number | undefined];
        if (conn.dead) continue;
        const now = at ?? this.clock.now();
        const r = input === null ? driverAdvance(conn.d, now) : driverInput(conn.d, now, input);
        conn.d = r.state;
        this.afterStep(conn, r);
      }
    } finally {
      this.queue.length = 0;
      this.qHead = 0;
      this.busy = false;
    }
    while (this.idleTasks.length > 0) this.idleTasks.shift()!();
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
      if (conn.sock !== null) {
        // The FSM took an incoming connection meanwhile: one FSM, one connection (§8.2.1.2). Replacing its socket
        // would run the session on a connection the peer holds for another FSM (each side then reads the other's
        // OPEN/KEEPALIVE as an FSM error).
        this.log.debug('outgoing connection not needed: this FSM already has one', { conn: conn.id });
        sock?.destroy();
        return;
      }
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
    conn.lastSent = undefined;
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
    conn.lastSent = text;
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

  protected tapMessage(conn: Conn, direction: 'in' | 'out', bytes: Uint8Array): void {
    const s = conn.sock;
    if (s === null) return;
    this.tap!.message!({ direction, time: this.wallClock(), bytes, local: s.local, remote: s.remote,
      localAs: this.config.localAs, peerAs: conn.d.fsm.peer?.as ?? this.config.peerAs ?? 0, as4: conn.ctx.as4 });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Implemented by the engine (engine.ts)

  protected abstract onData(conn: Conn, sock: Connection, chunk: Uint8Array): void;
  protected abstract receiveUpdate(conn: Conn, bytes: Uint8Array): void;
  protected abstract receiveRouteRefresh(m: RouteRefreshMessage): void;
  protected abstract collisionLoser(conn: Conn): Conn | null;
  protected abstract sessionUp(conn: Conn, s: EstablishedSession): void;
  protected abstract sessionDown(conn: Conn, from: StateName, reason: DownReason): void;
}
