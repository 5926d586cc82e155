// One neighbor of the speaker: the session (a Peer, src/bgp/peer) bound to its place in the RIB (a PeerInfo).
// Received UPDATEs go into the RIB as they arrive (interned attribute sets, prefix batches, no per-prefix
// objects); the speaker flushes the RIB once per batch and hands this neighbor its Adj-RIB-Out changes, which
// are queued here (coalesced per prefix), grouped by attribute set and sent as UPDATEs — at once, or at most
// every MRAI seconds (RFC 4271 §9.2.1.1). Also here: End-of-RIB after the initial table (RFC 4724 §2), route
// refresh both ways with the RFC 7313 markers, graceful restart as helper (stale routes kept until End-of-RIB
// or the timers, RFC 4724 §4.2), AFI/SAFI disable (RFC 7606), and max-prefix counted on the Adj-RIB-In.
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { Peer, PeerSession } from '../peer/index.js';
import type { DownEvent } from '../peer/events.js';
import type { UpdateIn } from '../peer/inbound.js';
import type { Policy } from '../policy/types.js';
import type { Attrs } from '../rib/attrs.js';
import type { PeerConfig as RibPeerConfig, PeerInfo } from '../rib/peer.js';
import type { Afi, PrefixKey } from '../rib/prefix.js';
import type { Rib } from '../rib/rib.js';
import { type Family, familyText, IPV4_UNICAST, IPV6_UNICAST } from '../wire/context.js';
import { PackedAttrSet } from '../wire/attr-set.js';
import type { RoutingOptions } from '../config/types.js';
import { AttrConverter } from './inbound.js';
import { type AttrEncoder, buildAnnouncements, buildWithdrawals } from './outbound.js';

export function afiOf(f: Family): Afi | null {
  return f === IPV4_UNICAST ? 'ipv4' : f === IPV6_UNICAST ? 'ipv6' : null;
}
export function familyOf(afi: Afi): Family {
  return afi === 'ipv4' ? IPV4_UNICAST : IPV6_UNICAST;
}

/** What a neighbor needs from the speaker. */
export interface NeighborHost {
  readonly rib: Rib;
  readonly clock: Clock;
  readonly encoder: AttrEncoder;
  policy(name: string | null): Policy | null;
  /** Routes came in: flush soon (`prefixes` lets the speaker flush early on large batches). */
  input(prefixes: number): void;
  /** The restarting speaker still defers its decision (RFC 4724 §4.1): send nothing yet. */
  readonly deferring: boolean;
  /** A neighbor's End-of-RIB arrived or its session came up: the deferral may end. */
  eorProgress(): void;
}

/** Options of a neighbor that may change at run time (reload) without a reset. */
export interface NeighborSettings extends RoutingOptions {
  readonly name: string;
  readonly description: string | undefined;
  readonly dynamic: boolean;
  /** The range a dynamic neighbor came from. */
  readonly range: string | undefined;
}

type AddPathEntry = [PrefixKey, number, Attrs | null];

/** One flush's changes for a family, grouped as they come (no MRAI: sent at the end of the same flush). */
class Batch {
  readonly withdraw: PrefixKey[] = [];
  readonly withdrawIds: number[] = [];
  readonly groups = new Map<Attrs, { keys: PrefixKey[]; ids: number[] }>();
  get size(): number {
    return this.withdraw.length + this.groups.size;
  }
  clear(): void {
    this.withdraw.length = 0;
    this.withdrawIds.length = 0;
    this.groups.clear();
  }
}

export interface NeighborCounters {
  updatesOut: number;
  prefixesOut: number;
  withdrawalsOut: number;
  endOfRibOut: number;
  refreshIn: number;
  refreshOut: number;
  /** Routes not sent because their attributes cannot be encoded for this session (e.g. no next hop of the family). */
  unsendable: number;
  /** Announced prefixes dropped on receipt (no next hop for the family, bad value). */
  unusable: number;
}

export class Neighbor {
  info: PeerInfo | null = null;
  settings: NeighborSettings;
  readonly counters: NeighborCounters = { updatesOut: 0, prefixesOut: 0, withdrawalsOut: 0, endOfRibOut: 0,
    refreshIn: 0, refreshOut: 0, unsendable: 0, unusable: 0 };
  /** Families whose End-of-RIB we still owe after the initial table, and the peer's EoRs received. */
  readonly eorToSend = new Set<Afi>();
  readonly eorReceived = new Set<Afi>();
  /** Enhanced route refresh: EoRR to send after the re-advertisement (RFC 7313 §4). */
  private readonly eorrToSend = new Set<Afi>();
  /** Send at the end of this flush regardless of MRAI (initial table, refresh answers). */
  private urgent = false;
  private conv: AttrConverter | null = null;
  // Without MRAI, a flush's changes are grouped by attribute set as they arrive (the RIB reports a prefix once
  // per flush, so no coalescing is needed); with MRAI they are coalesced per prefix until the timer allows.
  private readonly batch: Record<Afi, Batch> = { ipv4: new Batch(), ipv6: new Batch() };
  private readonly queue: Record<Afi, Map<PrefixKey, Attrs | null>> = { ipv4: new Map(), ipv6: new Map() };
  private readonly queueAp: Record<Afi, Map<string, AddPathEntry>> = { ipv4: new Map(), ipv6: new Map() };
  private mraiTimer: TimerHandle | undefined;
  private mraiRunning = false;
  private readonly problemsLogged = new Set<string>();
  private readonly log: Logger;
  private readonly unsubscribe: (() => void)[] = [];
  /** Clock time of the last state change (`show neighbors` Since column). */
  stateSince: number;
  lastNotification: { direction: 'sent' | 'received'; code: number; subcode: number; text: string; at: number } | null = null;

  constructor(readonly peer: Peer, settings: NeighborSettings, private readonly host: NeighborHost, log: Logger) {
    this.settings = settings;
    this.log = log.child({ peer: settings.name });
    this.stateSince = host.clock.now();
    const on = <K extends Parameters<Peer['on']>[0]>(ev: K, fn: Parameters<Peer['on']>[1]) => this.unsubscribe.push(peer.on(ev, fn as never));
    on('state', () => { this.stateSince = host.clock.now(); });
    on('notification', (x) => {
      const v = x as { direction: 'sent' | 'received'; code: number; subcode: number; text: string };
      this.lastNotification = { direction: v.direction, code: v.code, subcode: v.subcode, text: v.text, at: Date.now() };
    });
    on('established', (s) => this.established(s as PeerSession));
    on('update', (u) => this.update(u as UpdateIn));
    on('down', (d) => this.down(d as DownEvent));
    on('endOfRib', (e) => this.endOfRib(e as { family: Family; stale: boolean }));
    on('staleFlush', (f) => this.staleFlush((f as { families: readonly Family[] }).families));
    on('familyDisabled', (f) => this.familyDisabled((f as { family: Family }).family));
    on('routeRefresh', (r) => this.routeRefresh(r as { family: Family; kind: 'request' | 'begin' | 'end'; origin: 'peer' | 'local' }));
  }

  get name(): string {
    return this.settings.name;
  }

  /** The RIB's view of this neighbor (policies bound by name). */
  ribConfig(asn: number): RibPeerConfig {
    const s = this.settings;
    const c = this.peer.config;
    return {
      name: s.name, address: c.remoteAddress, asn, rrClient: s.rrClient, rsClient: s.rsClient,
      ...(s.localRole !== undefined ? { localRole: s.localRole } : {}),
      importPolicy: this.host.policy(s.importPolicy), exportPolicy: this.host.policy(s.exportPolicy),
      allowAsIn: s.allowAsIn, keepPrePolicy: s.keepPrePolicy, nextHopSelf: s.nextHopSelf,
      afis: c.families.map(afiOf).filter((a): a is Afi => a !== null),
      honourGracefulShutdown: s.honourGracefulShutdown, interpretCommunities: s.interpretCommunities,
    };
  }

  /** Register with the RIB (configured neighbors at once; dynamic ones when their AS is known). */
  register(asn: number): PeerInfo {
    if (this.info === null) this.info = this.host.rib.addPeer(this.ribConfig(asn));
    return this.info;
  }

  /** Forget the RIB side (removal, or a reset that changes the AS). */
  unregister(): void {
    if (this.info !== null) this.host.rib.removePeer(this.info);
    this.info = null;
    this.clearQueues();
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.host.clock.clearTimeout(this.mraiTimer);
    this.mraiRunning = false;
  }

  // -- session events --------------------------------------------------------------------------------------------

  private established(s: PeerSession): void {
    const info = this.register(s.peerAs);
    const rib = this.host.rib;
    const afis = s.families.map(afiOf).filter((a): a is Afi => a !== null);
    const sendFams = s.addPathSend.map(afiOf).filter((a): a is Afi => a !== null);
    // The RIB has one add-path send mode per neighbor: only when every family exchanged negotiated it.
    const addPathSend = sendFams.length > 0 && afis.every((a) => sendFams.includes(a)) ? this.settings.addPathSend : false;
    if (sendFams.length > 0 && addPathSend === false) this.log.warn('add-path send negotiated for some families only: sending the best path only');
    const local = s.local.address;
    const nh = this.settings.nextHop;
    rib.peerUp(info, {
      routerId: s.peerId, afis, addPathReceive: s.addPathReceive.length > 0, addPathSend,
      localAddress: {
        ...(local.includes(':') ? { ipv6: nh.ipv6 ?? local } : { ipv4: nh.ipv4 ?? local }),
        ...(!local.includes(':') && nh.ipv6 !== undefined ? { ipv6: nh.ipv6 } : {}),
        ...(local.includes(':') && nh.ipv4 !== undefined ? { ipv4: nh.ipv4 } : {}),
      },
    });
    if (afis.includes('ipv6') && !local.includes(':') && nh.ipv6 === undefined) {
      this.log.warn('IPv6 over an IPv4 session without next-hop.ipv6: our own IPv6 routes cannot be sent (set next-hop: { ipv6: ... })');
    }
    this.conv = new AttrConverter(rib.store, s.ctx, (p, afi, detail) => {
      const k = `${p}/${afi}`;
      if (!this.problemsLogged.has(k)) { this.problemsLogged.add(k); this.log.warn('received routes unusable: treated as withdrawn', { problem: p, family: afi, detail }); }
    }, (input) => rib.presetReceived(info, input));
    this.clearQueues();
    this.eorToSend.clear();
    for (const a of afis) this.eorToSend.add(a);
    this.eorReceived.clear();
    this.urgent = true;
    this.host.input(0);
    this.host.eorProgress();
  }

  private update(u: UpdateIn): void {
    const info = this.info;
    if (info === null) return;
    const rib = this.host.rib;
    let n = 0;
    for (let i = 0; i < u.withdraw.length; i++) {
      const w = u.withdraw[i]!;
      const afi = afiOf(w.family);
      if (afi === null) continue;
      rib.withdrawBatch(info, afi, w.prefixes);
      n += w.prefixes.length;
    }
    for (let i = 0; i < u.announce.length; i++) {
      const a = u.announce[i]!;
      const afi = afiOf(a.family);
      if (afi === null) continue;
      const attrs = this.conv!.convert(u.attrs, afi, u.setIndex);
      if (attrs === null) {
        this.counters.unusable += a.prefixes.length;
        rib.withdrawBatch(info, afi, a.prefixes);
      } else rib.announceBatch(info, afi, attrs, a.prefixes);
      n += a.prefixes.length;
    }
    // The set stays in the session's cache; what the RIB needs from it is converted (and cached) by now.
    if (u.attrs instanceof PackedAttrSet) u.attrs.dropList();
    this.host.input(n);
  }

  private down(d: DownEvent): void {
    const info = this.info;
    this.conv = null;
    this.clearQueues();
    this.eorToSend.clear();
    this.eorrToSend.clear();
    this.host.clock.clearTimeout(this.mraiTimer);
    this.mraiRunning = false;
    if (info === null) return;
    const rib = this.host.rib;
    if (d.graceful !== null) {
      rib.peerDown(info, { graceful: true });
      const keep = new Set(d.graceful.families.map(afiOf));
      for (const a of ['ipv4', 'ipv6'] as const) if (!keep.has(a)) rib.sweepStale(info, a);
      this.log.info('graceful restart: keeping routes as stale', { families: d.graceful.families.map(familyText), restartTime: d.graceful.restartTime });
    } else {
      rib.peerDown(info);
    }
    this.host.input(0);
  }

  private endOfRib(e: { family: Family; stale: boolean }): void {
    const afi = afiOf(e.family);
    if (afi === null || this.info === null) return;
    this.eorReceived.add(afi);
    if (e.stale) {
      const n = this.host.rib.sweepStale(this.info, afi);
      this.log.info('End-of-RIB: stale routes withdrawn', { family: afi, routes: n });
      this.host.input(0);
    }
    this.host.eorProgress();
  }

  private staleFlush(families: readonly Family[]): void {
    if (this.info === null) return;
    let n = 0;
    for (const f of families) {
      const afi = afiOf(f);
      if (afi !== null) n += this.host.rib.sweepStale(this.info, afi);
    }
    this.log.info('graceful restart: stale routes withdrawn', { families: families.map(familyText), routes: n });
    this.host.input(0);
  }

  private familyDisabled(f: Family): void {
    const afi = afiOf(f);
    if (afi === null || this.info === null) return;
    this.host.rib.markStale(this.info, afi);
    this.host.rib.sweepStale(this.info, afi);
    this.host.input(0);
  }

  private routeRefresh(r: { family: Family; kind: 'request' | 'begin' | 'end'; origin: 'peer' | 'local' }): void {
    const afi = afiOf(r.family);
    if (afi === null || this.info === null) return;
    const rib = this.host.rib;
    if (r.kind === 'request') {
      if (r.origin === 'peer') this.counters.refreshIn++;
      rib.resend(this.info, afi);
      if (this.peer.sendRefreshMarker(r.family, 'begin')) this.eorrToSend.add(afi);
      this.urgent = true;
      this.host.input(0);
    } else if (r.kind === 'begin') {
      // RFC 7313 §4: the peer re-advertises everything; what it does not re-advertise before EoRR is gone.
      rib.markStale(this.info, afi);
    } else {
      const n = rib.sweepStale(this.info, afi);
      if (n > 0) this.log.info('enhanced route refresh: routes not re-advertised withdrawn', { family: afi, routes: n });
      this.host.input(0);
    }
  }

  // -- output ----------------------------------------------------------------------------------------------------

  /** One Adj-RIB-Out change from the RIB's flush. */
  queueChange(afi: Afi, prefix: PrefixKey, pathId: number, attrs: Attrs | null): void {
    if (this.settings.mrai === 0) {
      const b = this.batch[afi];
      if (attrs === null) { b.withdraw.push(prefix); b.withdrawIds.push(pathId); return; }
      const g = b.groups.get(attrs);
      if (g === undefined) b.groups.set(attrs, { keys: [prefix], ids: [pathId] });
      else { g.keys.push(prefix); g.ids.push(pathId); }
      return;
    }
    if (this.info?.addPathSend === false || this.info === null) this.queue[afi].set(prefix, attrs);
    else this.queueAp[afi].set(`${prefix}|${pathId}`, [prefix, pathId, attrs]);
  }

  private clearQueues(): void {
    for (const a of ['ipv4', 'ipv6'] as const) { this.queue[a].clear(); this.queueAp[a].clear(); this.batch[a].clear(); }
  }

  private get queued(): boolean {
    return this.queue.ipv4.size + this.queue.ipv6.size + this.queueAp.ipv4.size + this.queueAp.ipv6.size +
      this.batch.ipv4.size + this.batch.ipv6.size > 0;
  }

  /** End of a flush: send what is queued (now, or when the MRAI timer says), then owed End-of-RIBs and EoRRs. */
  afterFlush(): void {
    if (!this.peer.established) { this.clearQueues(); return; }
    const mrai = this.settings.mrai;
    if (mrai > 0 && !this.urgent) {
      if (this.queued && !this.mraiRunning) { this.sendQueued(); this.startMrai(); }
      return;
    }
    this.urgent = false;
    this.sendQueued();
    if (mrai > 0 && !this.mraiRunning) this.startMrai();
    for (const a of this.eorToSend) {
      if (this.peer.sendEndOfRib(familyOf(a))) this.counters.endOfRibOut++;
    }
    this.eorToSend.clear();
    for (const a of this.eorrToSend) this.peer.sendRefreshMarker(familyOf(a), 'end');
    this.eorrToSend.clear();
  }

  private startMrai(): void {
    this.mraiRunning = true;
    // RFC 4271 §10: jitter, a factor in [0.75, 1].
    const ms = this.settings.mrai * 1000 * (0.75 + Math.random() * 0.25);
    this.mraiTimer = this.host.clock.setTimeout(() => {
      this.mraiRunning = false;
      if (this.peer.established && this.queued) { this.sendQueued(); this.startMrai(); }
    }, ms);
  }

  private sendQueued(): void {
    if (!this.queued) return;
    const ctx = this.peer.encodeContext;
    const max = this.peer.maxUpdateLength;
    const msgs: Uint8Array[] = [];
    for (const afi of ['ipv4', 'ipv6'] as const) {
      const addPath = ctx.addPath.send.has(familyOf(afi));
      // The MRAI-coalesced queues join the batch first (a prefix is in one or the other).
      const b = this.batch[afi];
      const q = this.queue[afi];
      const add = (prefix: PrefixKey, pathId: number, attrs: Attrs | null) => {
        if (attrs === null) { b.withdraw.push(prefix); b.withdrawIds.push(pathId); return; }
        const g = b.groups.get(attrs);
        if (g === undefined) b.groups.set(attrs, { keys: [prefix], ids: [pathId] }); else { g.keys.push(prefix); g.ids.push(pathId); }
      };
      if (q.size > 0) { for (const [p, a] of q) add(p, 0, a); q.clear(); }
      const qa = this.queueAp[afi];
      if (qa.size > 0) { for (const e of qa.values()) add(e[0], e[1], e[2]); qa.clear(); }
      if (b.withdraw.length > 0) {
        buildWithdrawals(afi, { keys: b.withdraw, ids: addPath ? b.withdrawIds : null }, addPath, max, msgs);
        this.counters.withdrawalsOut += b.withdraw.length;
      }
      for (const [attrs, g] of b.groups) {
        const enc = this.host.encoder.get(attrs, afi, ctx);
        if (typeof enc === 'string') {
          this.counters.unsendable += g.keys.length;
          const k = `out/${enc}/${afi}`;
          if (!this.problemsLogged.has(k)) {
            this.problemsLogged.add(k);
            this.log.warn('routes not sent: no usable next hop for this session', { family: afi, problem: enc,
              nextHop: attrs.nextHop?.address ?? null, routes: g.keys.length });
          }
          continue;
        }
        buildAnnouncements(enc, afi, { keys: g.keys, ids: addPath ? g.ids : null }, addPath, max, msgs);
        this.counters.prefixesOut += g.keys.length;
      }
      b.clear();
    }
    if (msgs.length > 0) {
      this.counters.updatesOut += msgs.length;
      this.peer.sendUpdates(msgs);
    }
  }

  /** Soft reset out (`neighbor N refresh --out`): send the whole Adj-RIB-Out again. */
  softResetOut(): void {
    if (!this.peer.established || this.info === null) return;
    this.counters.refreshOut++;
    this.peer.softResetOut();
  }
}
