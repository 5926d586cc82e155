// The Peer as the speaker uses it: one configured neighbor with administrative control (start, stop with an
// RFC 8203/9003 shutdown communication, reset), the send calls of an Established session (already-encoded
// UPDATEs packed by the speaker, End-of-RIB per RFC 4724 §2, ROUTE-REFRESH per RFC 2918 and the BoRR/EoRR
// markers of RFC 7313), soft reset in and out, and a status snapshot for `show neighbor`. The events it emits
// are in events.ts; the engine (FSM, connections, receive path) in engine.ts.
import { timersRemaining } from '../fsm/driver.js';
import type { StateName, TimerName } from '../fsm/types.js';
import type { Endpoint } from '../transport/types.js';
import { endOfRib } from '../wire/pack.js';
import { encodeMessage } from '../wire/codec.js';
import { type CodecContext, type Family, familyAfi, familySafi, familyText, maxLength } from '../wire/context.js';
import { HEADER_LENGTH, MSG_UPDATE, RR_BORR, RR_EORR, RR_NORMAL } from '../wire/messages.js';
import { type PeerConfig, type PeerConfigInput, peerConfig } from './config.js';
import { stateRank } from './conn.js';
import type { PeerSession } from './events.js';
import { type PeerDeps, UPDATE_SENT } from './core.js';
import { PeerEngine } from './engine.js';
import { PeerClosedError, PeerMessageError, PeerNotEstablishedError, RouteRefreshNotSupportedError } from './errors.js';

/** Largest buffer handed to the transport in one write when sending a batch. */
const WRITE_BATCH = 256 * 1024;

export interface PeerStatus {
  readonly name: string;
  readonly remote: Endpoint;
  readonly localAddress: string | null;
  readonly peerAs: number | null;
  readonly state: StateName;
  readonly adminUp: boolean;
  readonly passive: boolean;
  readonly dynamic: boolean;
  /** Seconds in Established, or null. */
  readonly uptime: number | null;
  readonly session: PeerSession | null;
  readonly lastDown: { readonly text: string; readonly secondsAgo: number; readonly from: StateName } | null;
  readonly timers: Partial<Record<TimerName, number>>;
  /** IdleHoldTime the next automatic restart waits (damping), and the failed attempts in a row. */
  readonly idleHoldTime: number;
  readonly connectRetryCounter: number;
  readonly refusedCapabilities: { readonly codes: readonly number[]; readonly families: readonly string[]; readonly bare: boolean };
  readonly gracefulRestart: { readonly stale: readonly string[]; readonly timer: { kind: string; remaining: number } | null };
  readonly counters: {
    readonly messagesIn: Record<string, number>; readonly messagesOut: Record<string, number>;
    readonly bytesIn: number; readonly bytesOut: number; readonly prefixesAnnounced: number;
    readonly prefixesWithdrawn: number; readonly established: number; readonly flaps: number;
  };
  readonly connections: readonly { readonly id: number; readonly state: StateName; readonly initiator: 'local' | 'remote';
    readonly local: Endpoint | null; readonly remote: Endpoint | null }[];
}

const TYPE_NAMES = ['', 'open', 'update', 'notification', 'keepalive', 'routeRefresh'];
function byType(a: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let t = 1; t <= 5; t++) out[TYPE_NAMES[t]!] = a[t]!;
  return out;
}

export class Peer extends PeerEngine {
  /** `config` from peerConfig()/resolvePeerConfig() (checked and complete); see Peer.create for raw input. */
  constructor(config: PeerConfig, deps: PeerDeps) {
    super(config, deps);
  }

  /** Check and resolve `input` (throws PeerConfigError listing every problem), then build the Peer. */
  static create(input: PeerConfigInput, deps: PeerDeps): Peer {
    return new Peer(peerConfig(input), deps);
  }

  get name(): string {
    return this.config.name;
  }

  /** The neighbor's state: that of its most advanced connection. */
  get state(): StateName {
    const s = this.secondary;
    const p = this.primary.state;
    return s !== null && !s.dead && stateRank(s.state) > stateRank(p) ? s.state : p;
  }

  get established(): boolean {
    return this.current !== null;
  }

  /** The Established session (what was negotiated), or null. */
  get session(): PeerSession | null {
    return this.current;
  }

  /** The context to encode UPDATEs for this peer with (4-octet AS, add-path send, extended messages). */
  get encodeContext(): CodecContext {
    return this.requireSession().ctx;
  }

  /** Largest UPDATE the session carries (4096, or 65535 with RFC 8654). */
  get maxUpdateLength(): number {
    return maxLength(this.requireSession().ctx, MSG_UPDATE);
  }

  /** Families still stale after a graceful restart of the peer. */
  get staleFamilies(): Family[] {
    return this.gr.staleFamilies;
  }

  private requireSession(): PeerSession {
    if (this.current === null) throw new PeerNotEstablishedError(this.config.name, this.state);
    return this.current;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Administrative control

  /** Start the session (RFC 4271 ManualStart; passive neighbors wait for the peer). */
  start(): void {
    if (this.closed) throw new PeerClosedError(this.config.name);
    this.adminUp = true;
    this.refusals = { codes: new Set(), families: new Set(), bare: false };
    this.feed(this.primary, { type: this.config.passive ? 'ManualStart_with_PassiveTcpEstablishment' : 'ManualStart' });
  }

  /**
   * Administrative shutdown (RFC 4271 ManualStop): Cease 2 with an RFC 8203/9003 shutdown communication, or the
   * given subcode (3 Peer De-configured, ...). With RFC 8538 negotiated, subcodes 1-3 are sent inside a Hard Reset
   * (so the peer drops our routes) unless `hard` is false. The session stays down until start().
   */
  stop(message?: string, opts: { subcode?: number; hard?: boolean } = {}): void {
    this.adminUp = false;
    const cease = this.cease(opts.subcode ?? 2, message, opts.hard);
    if (this.secondary !== null) this.feed(this.secondary, { type: 'ManualStop', cease });
    this.feed(this.primary, { type: 'ManualStop', cease });
  }

  /**
   * Administrative reset: Cease 4 (with a communication), then start again at once. `hard` (RFC 8538): ask the
   * peer to drop our routes rather than keep them as stale.
   */
  reset(message?: string, opts: { hard?: boolean } = {}): void {
    if (this.closed) throw new PeerClosedError(this.config.name);
    const cease = this.cease(4, message, opts.hard ?? false);
    if (this.secondary !== null) this.feed(this.secondary, { type: 'ManualStop', cease });
    this.feed(this.primary, { type: 'ManualStop', cease });
    this.adminUp = true;
    this.feed(this.primary, { type: this.config.passive ? 'ManualStart_with_PassiveTcpEstablishment' : 'ManualStart' });
  }

  /** Remove the neighbor: Cease 3 (Peer De-configured) if a session is open, then release everything. */
  close(message?: string): void {
    if (this.closed) return;
    this.stop(message, { subcode: 3 });
    this.closed = true;
    // After the stop has been processed (its NOTIFICATION written, its 'down' emitted), even when called from
    // an event handler.
    this.whenIdle(() => {
      if (this.secondary !== null) this.discard(this.secondary);
      this.discard(this.primary);
      this.gr.dispose();
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Sending (Established only)

  /**
   * Send UPDATE messages, already encoded under `encodeContext` (e.g. by packAnnouncements, many prefixes per
   * message, each attribute set encoded once). Written in as few socket writes as possible. Returns false when
   * the send buffer is above its high-water mark: wait for the 'drain' event before sending more in bulk.
   */
  sendUpdates(messages: Uint8Array | readonly Uint8Array[]): boolean {
    const s = this.requireSession();
    const conn = this.primary;
    const max = maxLength(s.ctx, MSG_UPDATE);
    const list = messages instanceof Uint8Array ? [messages] : messages;
    let ok = true;
    let batch: Uint8Array[] = [];
    let total = 0;
    for (const m of list) {
      const len = m.length >= HEADER_LENGTH ? (m[16]! << 8) | m[17]! : 0;
      if (len !== m.length || m[18] !== MSG_UPDATE || len > max) {
        throw new PeerMessageError(this.config.name, `not an UPDATE of at most ${max} octets (length ${m.length}, header ${len}, type ${m[18]})`);
      }
      if (total + m.length > WRITE_BATCH && batch.length > 0) {
        ok = this.flush(batch, total) && ok;
        batch = [];
        total = 0;
      }
      batch.push(m);
      total += m.length;
    }
    if (batch.length > 0) ok = this.flush(batch, total) && ok;
    if (list.length > 0) this.feed(conn, UPDATE_SENT);
    return ok;
  }

  private flush(batch: Uint8Array[], total: number): boolean {
    return batch.length === 1 ? this.write(this.primary, batch[0]!) : this.writeMany(this.primary, batch, total);
  }

  /** End-of-RIB for a negotiated family (RFC 4724 §2): after the initial table, and after a restart. */
  sendEndOfRib(f: Family): boolean {
    const s = this.requireSession();
    if (!s.families.includes(f)) return false;
    this.sendUpdates(endOfRib(familyAfi(f), familySafi(f), s.ctx));
    this.log.info('End-of-RIB sent', { family: familyText(f) });
    return true;
  }

  /** Ask the peer to re-send its routes (RFC 2918), for one family or every negotiated one. */
  requestRouteRefresh(f?: Family): void {
    const s = this.requireSession();
    if (!s.routeRefresh && !s.enhancedRouteRefresh) throw new RouteRefreshNotSupportedError(this.config.name, 'the peer did not advertise route refresh');
    const fams = f === undefined ? s.families : [f];
    if (f !== undefined && !s.families.includes(f)) throw new RouteRefreshNotSupportedError(this.config.name, `${familyText(f)} was not negotiated`);
    for (const x of fams) this.sendRouteRefresh(x, RR_NORMAL);
    this.log.info('ROUTE-REFRESH sent', { families: fams.map(familyText) });
  }

  /**
   * Enhanced route refresh markers (RFC 7313 §4): 'begin' (BoRR) before re-advertising a family in answer to a
   * refresh request, 'end' (EoRR) after. No-op returning false when enhanced route refresh was not negotiated.
   */
  sendRefreshMarker(f: Family, which: 'begin' | 'end'): boolean {
    const s = this.requireSession();
    if (!s.enhancedRouteRefresh || !s.families.includes(f)) return false;
    this.sendRouteRefresh(f, which === 'begin' ? RR_BORR : RR_EORR);
    return true;
  }

  private sendRouteRefresh(f: Family, subtype: number): void {
    this.write(this.primary, encodeMessage({ type: 'ROUTE_REFRESH', afi: familyAfi(f), subtype, safi: familySafi(f),
      rest: new Uint8Array(0) }, this.primary.ctx));
  }

  /**
   * Soft reset in: get the peer's routes again. 'route-refresh' when a ROUTE-REFRESH was sent; 'not-supported'
   * when the peer lacks the capability (the speaker re-applies import policy to its Adj-RIB-In instead).
   */
  softResetIn(f?: Family): 'route-refresh' | 'not-supported' {
    const s = this.requireSession();
    if (!s.routeRefresh && !s.enhancedRouteRefresh) return 'not-supported';
    this.requestRouteRefresh(f);
    return 'route-refresh';
  }

  /** Soft reset out: emits a local 'routeRefresh' request per family, handled like the peer's own request. */
  softResetOut(f?: Family): void {
    const s = this.requireSession();
    for (const x of f === undefined ? s.families : [f]) this.emit('routeRefresh', { family: x, kind: 'request', origin: 'local' });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Status

  status(): PeerStatus {
    const p = this.primary;
    const now = this.clock.now();
    const conns = [p, ...(this.secondary !== null ? [this.secondary] : [])];
    const c = this.counters;
    return {
      name: this.config.name, remote: { address: this.config.remoteAddress, port: this.config.remotePort },
      localAddress: this.current?.local.address ?? this.config.localAddress ?? null,
      peerAs: this.current?.peerAs ?? this.config.peerAs ?? null, state: this.state, adminUp: this.adminUp,
      passive: this.config.passive, dynamic: this.config.dynamic,
      uptime: this.current === null ? null : Math.floor((now - this.current.establishedAt) / 1000),
      session: this.current,
      lastDown: this.lastDown === null ? null
        : { text: this.lastDown.text, secondsAgo: Math.floor((now - this.lastDown.at) / 1000), from: this.lastDown.from },
      timers: timersRemaining(p.d, now), idleHoldTime: p.d.fsm.idleHoldTime, connectRetryCounter: p.d.fsm.connectRetryCounter,
      refusedCapabilities: { codes: [...this.refusals.codes], families: [...this.refusals.families].map(familyText), bare: this.refusals.bare },
      gracefulRestart: { stale: this.gr.staleFamilies.map(familyText), timer: this.gr.timerState() },
      counters: { messagesIn: byType(c.messagesIn), messagesOut: byType(c.messagesOut), bytesIn: c.bytesIn, bytesOut: c.bytesOut,
        prefixesAnnounced: c.prefixesAnnounced, prefixesWithdrawn: c.prefixesWithdrawn, established: c.established, flaps: c.flaps },
      connections: conns.map((x) => ({ id: x.id, state: x.state, initiator: x.initiator, local: x.sock?.local ?? null, remote: x.sock?.remote ?? null })),
    };
  }
}
