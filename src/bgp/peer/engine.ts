// The receiving half of a Peer and its session life cycle, on top of PeerCore (core.ts): framing and decoding of
// the byte stream (wire codec), the RFC 7606 receive path (inbound.ts) with its events, max-prefix (RFC 4486),
// ROUTE-REFRESH (RFC 2918, RFC 7313), incoming connections and collision resolution (RFC 4271 §6.8 with
// resolveCollision; RFC 4724 §4.2 restart detection), session up (negotiated session, graceful restart helper)
// and session down (capability refusals per RFC 5492 §5, graceful restart per RFC 4724 §4.2 / RFC 8538).
//
// Receive fast path: in Established, UPDATEs are decoded and delivered directly; the FSM sees one UpdateMsg per
// received chunk (its only effect there is restarting the HoldTimer), not one per message.
import { resolveCollision } from '../fsm/collision.js';
import { ceaseNotification, hardResetData } from '../fsm/notification.js';
import type { CeaseRequest, DownReason, EstablishedSession, StateName } from '../fsm/types.js';
import type { Connection } from '../transport/types.js';
import { parseIpv4U32 } from '../wire/addr.js';
import { decodeBody } from '../wire/codec.js';
import { BASE_CONTEXT, family, familyText } from '../wire/context.js';
import { toNotification } from '../wire/errors.js';
import { MSG_KEEPALIVE, MSG_NOTIFICATION, MSG_OPEN, MSG_ROUTE_REFRESH, MSG_UPDATE, type OpenMessage, type RouteRefreshMessage } from '../wire/messages.js';
import { openPeerAs } from '../wire/open.js';
import { applyRefusal, type NegotiatedSession } from './capabilities.js';
import type { Conn } from './conn.js';
import { KEEPALIVE_MSG, PeerCore, TCP_CONFIRMED, UPDATE_MSG } from './core.js';
import { downText, notificationText } from './describe.js';
import type { PeerDownCause } from './events.js';
import { InboundDecoder, type UpdateIn } from './inbound.js';
import type { PrefixLimitEvent } from './max-prefix.js';

export abstract class PeerEngine extends PeerCore {
  // ------------------------------------------------------------------------------------------------------------
  // Receiving

  protected onData(conn: Conn, sock: Connection, chunk: Uint8Array): void {
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
      case MSG_KEEPALIVE:
        if (conn.peerRestartSuspected && conn.state === 'OpenConfirm') this.peerRestarted(conn);
        this.feed(conn, KEEPALIVE_MSG);
        return;
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

  protected receiveUpdate(conn: Conn, bytes: Uint8Array): void {
    const r = conn.inbound!.decode(bytes);
    if (r.kind === 'update') {
      const u = r.update;
      if (u.errors.length > 0) this.reportTreatment(u);
      if (u.disabled.length > 0) for (const f of u.disabled) {
        const error = u.errors.find((e) => e.action === 'afi-safi-disable')!;
        this.emit('familyDisabled', { family: f, error });
      }
      for (let i = 0; i < u.announce.length; i++) this.counters.prefixesAnnounced += u.announce[i]!.prefixes.length;
      for (let i = 0; i < u.withdraw.length; i++) this.counters.prefixesWithdrawn += u.withdraw[i]!.prefixes.length;
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

  protected receiveRouteRefresh(m: RouteRefreshMessage): void {
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
    // First the timers already due (their callbacks can be late in a busy event loop), at the instant used below
    // for the connection too: a ConnectRetryTimer fired *while* the connection is taken would start an outgoing
    // connection (or drop the one just attached) under an FSM that then believes it is on the incoming one.
    const now = this.clock.now();
    this.feed(this.primary, null, now);
    const p = this.primary;
    if (p.state === 'Idle' && this.adminUp && p.d.fsm.restartPending && this.lastDown?.reason.kind !== 'automaticStop') {
      // An automatic restart is pending (IdleHoldTimer running) and the neighbor is connecting now: start on its
      // connection (passively) instead of refusing it. Two speakers that both refuse while idle, and both fall
      // back to Idle when refused, can otherwise stay out of phase indefinitely. The start mode of later
      // restarts stays what it was (active or passive). Not after an AutomaticStop (max-prefix): its delay holds.
      const mode = p.d.fsm.startMode;
      this.feed(p, { type: 'AutomaticStart_with_PassiveTcpEstablishment' }, now);
      p.d = { ...p.d, fsm: { ...p.d.fsm, startMode: mode } };
    }
    const st = p.state;
    // Active (or Connect) with neither a connection nor an attempt in progress: take it. Idle: the FSM answers
    // Cease 5 and closes. An outgoing attempt in progress is not abandoned: when both speakers connect at once,
    // each one's attempt has usually reached the other side already, so abandoning it closes the very connection
    // the other side has just taken instead of its own, and both fall back to waiting for the ConnectRetryTimer.
    // The new connection gets a second FSM instead, and §6.8 decides between the two when an OPEN arrives, the
    // same way on both sides. (Connect/Active *with* a connection — DelayOpen running — keeps it, likewise.)
    if (st === 'Idle' || ((st === 'Connect' || st === 'Active') && p.sock === null && p.attempt === null)) {
      p.initiator = 'remote';
      this.attach(p, sock);
      this.feed(p, TCP_CONFIRMED, now);
      return;
    }
    if (this.secondary !== null) {
      this.log.info('incoming connection refused: two connections already exist', { remote: sock.remote.address });
      sock.destroy();
      return;
    }
    // An attempt in progress, OpenSent or later (or DelayOpen running): a second FSM for the second connection
    // until the collision is resolved (§6.8), or until one of the two connections fails (the other carries on).
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
  protected collisionLoser(conn: Conn): Conn | null {
    const other = conn === this.primary ? this.secondary : this.primary;
    if (other === null || other.dead) return null;
    const peer = conn.d.fsm.peer!;
    // RFC 4724 §4.2: an OPEN with graceful restart on a new connection while the old session is Established
    // means the peer restarted — or that the peer opened this connection while the old one was still coming up
    // on its side (both sides connecting at once): it then resolves the collision against this connection and
    // closes it with Cease 7. The peer tells which by its next message here: a KEEPALIVE (it keeps this
    // connection: it restarted, see peerRestarted) or the Cease. Ending the old session on the OPEN alone would
    // end both connections in the second case. A connection we initiated ourselves is never the sign of a
    // restart (we connect only while not Established): it is a collision in flight, resolved below.
    if (other.state === 'Established' && conn.initiator === 'remote' && this.current?.peerGracefulRestart != null &&
      conn.negotiated?.peerGracefulRestart != null) {
      conn.peerRestartSuspected = true;
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

  /**
   * The peer confirmed a new connection (KEEPALIVE in OpenConfirm) while the old session is Established, both with
   * graceful restart: it restarted (RFC 4724 §4.2). The old session ends as if its connection had failed (routes
   * kept as stale); the new connection takes over (sessionDown) and its KEEPALIVE, queued next, brings it up.
   */
  private peerRestarted(conn: Conn): void {
    conn.peerRestartSuspected = false;
    const other = conn === this.primary ? this.secondary : this.primary;
    if (other === null || other.dead || other.state !== 'Established') return;
    this.log.info('peer restarted (new connection with graceful restart while Established)');
    other.cause = { kind: 'peerRestarted' };
    this.feed(other, { type: 'TcpConnectionFails', error: 'peer restarted' });
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

  protected sessionUp(conn: Conn, s: EstablishedSession): void {
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

  protected sessionDown(conn: Conn, from: StateName, reason: DownReason): void {
    const cause: PeerDownCause = conn.cause ?? { kind: 'fsm' };
    conn.cause = undefined;
    const text = downText(reason, cause, conn.lastSent);
    conn.lastSent = undefined;
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
