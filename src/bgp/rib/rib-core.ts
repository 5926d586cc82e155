// The machinery of the RIB (RFC 4271 §3.2, §9): neighbors, routes in (import checks and policy), decision,
// flush (Loc-RIB deltas, export into the Adj-RIBs-Out). rib.ts adds the queries and is what callers use.
//
// Flow:  announce()/withdraw()/originate()  →  import checks and policy (per attribute set, then per prefix)
//        →  candidates of the prefix change  →  prefix marked for decision
//        flush()  →  decision for every marked prefix only  →  Loc-RIB deltas (best / withdrawn / multipath
//        change, for the FIB)  →  per-neighbor export  →  Adj-RIB-Out deltas (prefix → attrs | withdrawn)
//        →  unreferenced attribute sets freed.
// Changes between two flushes are coalesced: a prefix that changes ten times is decided and exported once.
// The decision over one prefix's candidates (full, and the incremental steps) is dest-decision.ts.

import type { Policy, PolicyResult, RouteView } from '../policy/types.js';
import { ExportEnv, OutEmit, exportPrefix, resendAll } from './adj-out.js';
import { AttrStore, Attrs, AttrsInput, parseId } from './attrs.js';
import { DecisionOptions, resolveDecisionOptions } from './decision/options.js';
import type { DecisionContext } from './decision/rules.js';
import { DestDecision } from './dest-decision.js';
import { importRewrite, ineligibility, presetInput } from './import.js';
import { LocalConfig, kindFor, resolveLocal } from './local.js';
import { ALWAYS_REACHABLE, NextHopResolver } from './nexthop.js';
import { PeerConfig, PeerInfo, SessionParams } from './peer.js';
import { InputVerdict, PeerState } from './peer-state.js';
import { Afi, PrefixKey, v4Key, v6KeyOfWords } from './prefix.js';
import type { LocChange, LocRoute, PrefixBatch, RibChanges, RibNotice, RibOptions, RibSink } from './rib-types.js';
import {
  Dest, INELIGIBLE_TEXT, REASON_MASK, STALE, Table, UNDECIDED, attrsAt, bestOf, destSize, metaAt, metaFlags, metaPathId,
  metaPeer, multiOf,
} from './table.js';

const AFIS: readonly Afi[] = ['ipv4', 'ipv6'];

class View implements RouteView {
  afi: Afi = 'ipv4';
  prefix: PrefixKey = 0;
  attrs!: Attrs;
  source!: PeerInfo;
}

export class RibCore {
  readonly store = new AttrStore();
  readonly local: LocalConfig;
  readonly options: DecisionOptions;
  protected readonly ctx: DecisionContext;
  /** The decision over a prefix's candidates (full and incremental), and next-hop resolution. */
  protected readonly decision: DestDecision;
  protected readonly infos: (PeerInfo | undefined)[] = [];
  protected readonly states: (PeerState | undefined)[] = [];
  protected readonly byName = new Map<string, PeerState>();
  private freeIdx: number[] = [];
  private retired: number[] = [];
  readonly ipv4: Table<number>;
  readonly ipv6: Table<string>;
  private notices: RibNotice[] = [];
  private ineligibleCount = new Map<string, number>();
  private readonly view = new View();
  private locListener = true;
  protected readonly exportEnv: ExportEnv;

  constructor(o: RibOptions) {
    this.local = resolveLocal(o);
    this.options = resolveDecisionOptions(o.decision);
    this.ctx = { opts: this.options, localAs: this.local.confederationId ?? this.local.localAs };
    this.decision = new DestDecision(this.ctx, this.infos, o.resolver ?? ALWAYS_REACHABLE);
    this.ipv4 = new Table<number>('ipv4', this.store, this.decision);
    this.ipv6 = new Table<string>('ipv6', this.store, this.decision);
    const localInfo = new PeerInfo(0, { name: 'local', address: '', asn: this.local.localAs, routerId: this.local.routerId }, 'local');
    localInfo.up = true;
    this.infos[0] = localInfo;
    this.states[0] = new PeerState(localInfo, this.local, this.store);
    this.exportEnv = {
      local: this.local, store: this.store, infos: this.infos, defaultLocalPref: this.options.defaultLocalPref,
      eligibleSlots: (d: Dest) => this.decision.eligibleSlots(d),
    };
  }

  /** Full decision runs (one prefix each); the tables count the changes settled incrementally. */
  get fullDecisions(): number {
    return this.decision.fullDecisions;
  }

  table(afi: Afi): Table {
    return (afi === 'ipv4' ? this.ipv4 : this.ipv6) as Table;
  }

  /**
   * Whether the flushes' sink takes Loc-RIB changes (default true). A user whose sink has no `loc` (a speaker
   * without a FIB) sets it false: with no neighbor exported to either, the tables then record no change for
   * reporting (Table.track), and a flush visits only the prefixes it must still decide or drop.
   */
  get reportsLoc(): boolean {
    return this.locListener;
  }
  set reportsLoc(on: boolean) {
    this.locListener = on;
    this.retrack();
  }

  /** Whether each table must record its changes for the flush's reports (Table.track). */
  private retrack(): void {
    for (const afi of AFIS) {
      let on = this.locListener;
      if (!on) {
        for (const s of this.byName.values()) {
          if (s.info.up && s.info.afis.includes(afi) && affectedByChanges(s, afi)) { on = true; break; }
        }
      }
      this.table(afi).track = on;
    }
  }

  /** The pseudo-neighbor that holds originated routes. */
  get localPeer(): PeerInfo {
    return this.infos[0]!;
  }

  // -- neighbors ---------------------------------------------------------------------------------------------------

  addPeer(config: PeerConfig): PeerInfo {
    if (this.byName.has(config.name) || config.name === 'local') throw new RangeError(`peer "${config.name}" exists`);
    if (config.rrClient && (config.kind ?? kindFor(this.local, config.asn)) !== 'ibgp') {
      throw new RangeError(`peer ${config.name}: only iBGP neighbors can be route-reflector clients`);
    }
    const idx = this.freeIdx.pop() ?? this.infos.length;
    if (idx >= 65536) throw new RangeError('too many peers (65535)');
    const info = new PeerInfo(idx, config, config.kind ?? kindFor(this.local, config.asn));
    const ps = new PeerState(info, this.local, this.store);
    this.infos[idx] = info;
    this.states[idx] = ps;
    this.byName.set(config.name, ps);
    this.countSources();
    return info;
  }

  /** Forget a neighbor (its routes are withdrawn at the next flush). */
  removePeer(peer: PeerInfo | string): void {
    const ps = this.state(peer);
    this.peerDown(ps.info);
    this.byName.delete(ps.info.name);
    this.states[ps.info.index] = undefined;
    this.retired.push(ps.info.index);
    this.countSources();
  }

  peer(name: string): PeerInfo | undefined {
    return this.byName.get(name)?.info;
  }

  peers(): PeerInfo[] {
    return [...this.byName.values()].map((s) => s.info);
  }

  /** The session is established: values from the OPEN; the table is sent at the next flush. */
  peerUp(peer: PeerInfo | string, params: SessionParams & { localAddress?: PeerConfig['localAddress'] }): void {
    const ps = this.state(peer);
    const info = ps.info;
    const routerId = parseId(params.routerId, 'router id');
    if (routerId !== info.routerId) {
      // A decision input of the routes it still holds (kept as stale over a graceful restart) changed: their
      // prefixes are decided again in full (the incremental step relies on each known best being right).
      info.routerId = routerId;
      for (const afi of AFIS) if (ps.held[afi] > 0) this.table(afi).touchPeer(info.index);
    }
    info.afis = params.afis ?? info.config.afis ?? AFIS;
    info.addPathReceive = params.addPathReceive ?? false;
    info.addPathSend = params.addPathSend ?? false;
    if (params.localAddress) info.config = { ...info.config, localAddress: params.localAddress };
    info.up = true;
    this.notices.push(...ps.bindPolicies());
    for (const afi of info.afis) ps.fullExport.add(afi);
    this.countSources();
    this.retrack();
  }

  /**
   * Tell each table how many neighbors may send routes of its family (those up, by what they negotiated, and
   * those not up yet, by their configuration): how many candidates a prefix may gain (destAppend sizes a
   * prefix's array for them at its third candidate). Sessions come up one by one while the first ones already
   * send their tables, so the neighbors up at a given moment would undercount.
   */
  private countSources(): void {
    let v4 = 0, v6 = 0;
    for (const s of this.byName.values()) {
      const afis = s.info.up ? s.info.afis : s.info.config.afis ?? AFIS;
      if (afis.includes('ipv4')) v4++;
      if (afis.includes('ipv6')) v6++;
    }
    this.ipv4.sources = v4;
    this.ipv6.sources = v6;
  }

  /**
   * The session is gone. With `graceful` (RFC 4724 helper) its routes stay, marked stale, until sweepStale()
   * (End-of-RIB or restart timer); otherwise they are withdrawn.
   */
  peerDown(peer: PeerInfo | string, opts: { graceful?: boolean } = {}): void {
    const ps = this.state(peer);
    ps.info.up = false;
    ps.lastIn = null;
    for (const afi of AFIS) {
      if (opts.graceful) this.table(afi).markStale(ps.info.index);
      else { this.table(afi).removePeer(ps.info.index); ps.held[afi] = 0; }
    }
    if (!opts.graceful) ps.clearPre();
    ps.clearOut();
    ps.fullExport.clear();
    this.countSources();
    this.retrack();
  }

  markStale(peer: PeerInfo | string, afi?: Afi): number {
    const ps = this.state(peer);
    let n = 0;
    for (const f of afi ? [afi] : AFIS) n += this.table(f).markStale(ps.info.index);
    return n;
  }

  /** Withdraw the routes of `peer` still marked stale (RFC 4724 §4.2: End-of-RIB received or timer expired). */
  sweepStale(peer: PeerInfo | string, afi?: Afi): number {
    const ps = this.state(peer);
    let n = 0;
    for (const f of afi ? [afi] : AFIS) {
      const k = this.table(f).removePeer(ps.info.index, true);
      ps.held[f] -= k;
      n += k;
    }
    return n;
  }

  // -- routes in ---------------------------------------------------------------------------------------------------

  /** Routes from `peer`: `prefixes` (keys of `afi`) with `attrs`; `pathIds` when the peer sends add-path. */
  announce(peer: PeerInfo | string, afi: Afi, attrs: Attrs, prefixes: readonly PrefixKey[],
    pathIds?: readonly number[] | null): void {
    const ps = this.state(peer);
    const pre = this.inputFor(ps, attrs);
    for (let i = 0; i < prefixes.length; i++) {
      this.importOne(ps, afi, checkKey(afi, prefixes[i]!), ps.info.addPathReceive ? (pathIds?.[i] ?? 0) : 0, attrs, pre, true);
    }
  }

  /** announce() for prefixes in the wire codec's layout (no per-prefix objects). */
  announceBatch(peer: PeerInfo | string, afi: Afi, attrs: Attrs, batch: PrefixBatch): void {
    const ps = this.state(peer);
    const pre = this.inputFor(ps, attrs);
    const ap = ps.info.addPathReceive && batch.hasPathIds;
    for (let i = 0; i < batch.length; i++) {
      this.importOne(ps, afi, batchKey(afi, batch, i), ap ? batch.pathIdAt(i) : 0, attrs, pre, true);
    }
  }

  withdraw(peer: PeerInfo | string, afi: Afi, prefixes: readonly PrefixKey[], pathIds?: readonly number[] | null): void {
    const ps = this.state(peer);
    for (let i = 0; i < prefixes.length; i++) {
      this.withdrawOne(ps, afi, checkKey(afi, prefixes[i]!), ps.info.addPathReceive ? (pathIds?.[i] ?? 0) : 0);
    }
  }

  withdrawBatch(peer: PeerInfo | string, afi: Afi, batch: PrefixBatch): void {
    const ps = this.state(peer);
    const ap = ps.info.addPathReceive && batch.hasPathIds;
    for (let i = 0; i < batch.length; i++) this.withdrawOne(ps, afi, batchKey(afi, batch, i), ap ? batch.pathIdAt(i) : 0);
  }

  /** Originate a route (a `network` statement or `route add`); replaces an earlier one for the prefix. */
  originate(afi: Afi, prefix: PrefixKey, attrs: Attrs | AttrsInput = {}): void {
    const a = attrs instanceof Attrs ? this.store.revive(attrs) : this.store.intern(attrs);
    const ps = this.states[0]!;
    if (this.table(afi).upsert(checkKey(afi, prefix), 0, 0, a, 0) === 1) ps.held[afi]++;
  }

  unoriginate(afi: Afi, prefix: PrefixKey): boolean {
    const ok = this.table(afi).remove(checkKey(afi, prefix), 0, 0);
    if (ok) this.states[0]!.held[afi]--;
    return ok;
  }

  /**
   * Prepare attributes received from `peer`, before they are interned, with the rewrites on receipt that depend on
   * the neighbor alone (import.ts presetInput), so that the set interned is the one the RIB keeps. Nothing is
   * changed for a neighbor whose routes are also kept as received (pre-policy Adj-RIB-In).
   */
  presetReceived(peer: PeerInfo | string, input: AttrsInput): void {
    const ps = this.state(peer);
    if (!ps.info.config.keepPrePolicy) presetInput(input, ps.info, this.options.defaultLocalPref);
  }

  private inputFor(ps: PeerState, given: Attrs): InputVerdict {
    const attrs = this.store.revive(given);
    const last = ps.lastIn;
    if (last !== null && last.attrs === attrs && last.rewritten.live && (last.fixed == null || last.fixed.live)) return last;
    const flags = ineligibility(attrs, ps.info, this.local);
    const rewritten = flags === 0 ? importRewrite(attrs, ps.info, this.store, this.options.defaultLocalPref) : attrs;
    let fixed: Attrs | null | undefined;
    const b = ps.importBinding;
    if (flags !== 0) fixed = attrs;
    else if (ps.importBlocked) fixed = null;
    else if (b === null || b.policy.constant === true) fixed = rewritten;
    else if (b.policy.constant === false) fixed = null;
    else if (!b.policy.dependsOnPrefix) fixed = this.applyImport(ps, b.evaluate(this.viewOf('ipv4', 0, rewritten, ps.info)), 'ipv4');
    ps.lastIn = { attrs, flags, rewritten, fixed };
    return ps.lastIn;
  }

  private viewOf(afi: Afi, prefix: PrefixKey, attrs: Attrs, source: PeerInfo): View {
    const v = this.view;
    v.afi = afi; v.prefix = prefix; v.attrs = attrs; v.source = source;
    return v;
  }

  private applyImport(ps: PeerState, r: PolicyResult, afi: Afi): Attrs | null {
    if (!r.accept) return null;
    if (!r.nextHopSelf) return r.attrs;
    const nh = ps.selfNextHop(afi);
    return nh === null ? r.attrs : this.store.derive(r.attrs, { nextHop: nh });
  }

  private importOne(ps: PeerState, afi: Afi, key: PrefixKey, pathId: number, attrs: Attrs, pre: InputVerdict,
    keepPre: boolean): void {
    const t = this.table(afi);
    const info = ps.info;
    attrs = pre.attrs; // the live equivalent of what the caller passed
    if (keepPre && info.config.keepPrePolicy) ps.setPre(afi, key, pathId, attrs);
    info.stats.received++;
    if (pre.flags !== 0) {
      info.stats.ineligible++;
      const k = `${info.index}|${pre.flags}`;
      this.ineligibleCount.set(k, (this.ineligibleCount.get(k) ?? 0) + 1);
      if (t.upsert(key, info.index, pathId, attrs, pre.flags) === 1) ps.held[afi]++;
      return;
    }
    // The per-call result when the policy ignores the prefix (its next-hop-self is family-specific: redo then).
    let final = pre.fixed;
    if (final === undefined || (afi !== 'ipv4' && final !== null && final !== pre.rewritten)) {
      final = this.applyImport(ps, ps.importBinding!.evaluate(this.viewOf(afi, key, pre.rewritten, info)), afi);
    }
    if (final === null) {
      info.stats.rejected++;
      if (t.remove(key, info.index, pathId)) ps.held[afi]--;
      return;
    }
    info.stats.accepted++;
    if (t.upsert(key, info.index, pathId, final, 0) === 1) ps.held[afi]++;
  }

  private withdrawOne(ps: PeerState, afi: Afi, key: PrefixKey, pathId: number): void {
    if (ps.info.config.keepPrePolicy) ps.setPre(afi, key, pathId, null);
    if (this.table(afi).remove(key, ps.info.index, pathId)) ps.held[afi]--;
  }

  // -- reconfiguration ---------------------------------------------------------------------------------------------

  /**
   * New import policy. With the pre-policy Adj-RIB-In kept, routes are re-evaluated now; otherwise
   * `refreshNeeded` tells the speaker to ask the neighbor to send its routes again (ROUTE-REFRESH, RFC 2918).
   */
  setImportPolicy(peer: PeerInfo | string, policy: Policy | null): { reevaluated: number; refreshNeeded: boolean } {
    const ps = this.state(peer);
    ps.info.config = { ...ps.info.config, importPolicy: policy };
    if (ps.info.up) this.notices.push(...ps.bindPolicies().filter((n) => n.direction === 'import'));
    else ps.bindPolicies();
    this.retrack();
    if (!ps.info.config.keepPrePolicy) return { reevaluated: 0, refreshNeeded: ps.info.up };
    let n = 0;
    for (const afi of AFIS) {
      for (const [key, v] of ps.preIn[afi]) {
        const entries: [number, Attrs][] = v instanceof Map ? [...v] : [[0, v]];
        for (const [pathId, a] of entries) { this.importOne(ps, afi, key, pathId, a, this.inputFor(ps, a), false); n++; }
      }
    }
    return { reevaluated: n, refreshNeeded: false };
  }

  /** New export policy: the neighbor's Adj-RIB-Out is recomputed at the next flush. */
  setExportPolicy(peer: PeerInfo | string, policy: Policy | null): void {
    const ps = this.state(peer);
    ps.info.config = { ...ps.info.config, exportPolicy: policy };
    const notices = ps.bindPolicies();
    if (ps.info.up) {
      this.notices.push(...notices.filter((n) => n.direction === 'export'));
      for (const afi of ps.info.afis) ps.fullExport.add(afi);
    }
    this.retrack();
  }

  /** Connected / IGP routes changed: every next hop is resolved again and every prefix re-decided. */
  nextHopsChanged(resolver?: NextHopResolver): void {
    this.decision.nextHopsChanged(resolver);
    this.ipv4.touchAll();
    this.ipv6.touchAll();
  }

  /** The neighbor asked for a route refresh: everything it holds is sent again at the next flush. */
  resend(peer: PeerInfo | string, afi?: Afi): void {
    const ps = this.state(peer);
    for (const f of afi ? [afi] : ps.info.afis) ps.resendPending.add(f);
  }

  // -- output ------------------------------------------------------------------------------------------------------

  /**
   * Decide every changed prefix, report Loc-RIB and Adj-RIB-Out changes, free unused attribute sets. Without a
   * sink the changes are returned; with one they are streamed to it (and the returned lists stay empty).
   */
  flush(sink?: RibSink): RibChanges {
    const collected: RibChanges = { loc: [], out: [], notices: [] };
    const onLoc = sink ? sink.loc : (c: LocChange) => { collected.loc.push(c); };
    const onOut: OutEmit | undefined = sink ? sink.out : (peer, afi, prefix, pathId, attrs) => {
      collected.out.push({ peer, afi, prefix, pathId, attrs });
    };
    const emit: OutEmit = onOut ?? (() => {});
    const active = [...this.byName.values()].filter((s) => s.info.up);
    for (const afi of AFIS) {
      const t = this.table(afi);
      const peersAfi = active.filter((s) => s.info.afis.includes(afi));
      const exporting = peersAfi.filter((s) => affectedByChanges(s, afi));
      const dl = t.dirty;
      for (let i = 0; i < dl.count; i++) {
        const key = dl.keys[i]!, d = dl.dests[i]!;
        if (bestOf(d) === UNDECIDED) this.decision.decide(d);
        const changed = dl.changed(i);
        if (changed && onLoc) onLoc(this.locChange(afi, key, d, dl.ids[i]!, dl.attrs[i]!));
        for (let k = 0; k < exporting.length; k++) { // (an index loop: for-of allocates here when not optimized)
          const ps = exporting[k]!;
          if (changed || ps.info.addPathSend === 'all') exportPrefix(this.exportEnv, ps, afi, key, destSize(d) > 0 ? d : undefined, emit);
        }
        t.pruneIfEmpty(key, d);
      }
      t.dirty.clear();
      for (const ps of peersAfi) {
        if (ps.fullExport.has(afi)) {
          ps.fullExport.delete(afi);
          // Nothing to send (and nothing sent before) to a neighbor that is sent nothing: the walk is skipped.
          if (exporting.includes(ps)) {
            t.dests.forEach((d, key) => {
              if (bestOf(d) === UNDECIDED) this.decision.decide(d);
              exportPrefix(this.exportEnv, ps, afi, key, d, emit);
            });
          }
        }
        if (ps.resendPending.has(afi)) {
          ps.resendPending.delete(afi);
          resendAll(ps, afi, emit);
        }
      }
    }
    for (const [k, count] of this.ineligibleCount) {
      const [idx, flags] = k.split('|').map(Number) as [number, number];
      this.notices.push({ kind: 'ineligible', peer: this.infos[idx]!.name, reason: INELIGIBLE_TEXT[flags & REASON_MASK]!, count });
    }
    this.ineligibleCount.clear();
    for (const n of this.notices) {
      if (sink) sink.notice?.(n);
      else collected.notices.push(n);
    }
    this.notices = [];
    this.store.collect();
    this.freeIdx.push(...this.retired);
    this.retired = [];
    this.retrack(); // a neighbor's Adj-RIB-Out may have emptied
    return collected;
  }

  /** The best route of a decided prefix, or null. */
  protected bestRoute(d: Dest): LocRoute | null {
    const b = bestOf(d);
    return b >= 0 ? this.route(metaAt(d, b), attrsAt(d, b)) : null;
  }

  /** The multipath set of a decided prefix as routes, best first (`best`: its best route). */
  protected multipathRoutes(d: Dest, best: LocRoute): LocRoute[] {
    const m = multiOf(d);
    return m === null ? [best] : m.map((s) => this.route(metaAt(d, s), attrsAt(d, s)));
  }

  protected route(meta: number, attrs: Attrs): LocRoute {
    return { peer: this.infos[metaPeer(meta)]!, pathId: metaPathId(meta), attrs, stale: (metaFlags(meta) & STALE) !== 0 };
  }

  /** The change of a prefix whose best was (previousId, previousAttrs) before the batch (previousId -1: none). */
  private locChange(afi: Afi, prefix: PrefixKey, d: Dest, previousId: number, previousAttrs: Attrs | null): LocChange {
    const best = this.bestRoute(d);
    const multipath = best === null ? [] : this.multipathRoutes(d, best);
    const previous = previousId < 0 ? null : this.route(previousId, previousAttrs!);
    return { afi, prefix, best, multipath, previous };
  }

  protected state(peer: PeerInfo | string): PeerState {
    const ps = typeof peer === 'string' ? this.byName.get(peer) : this.states[peer.index];
    if (ps === undefined || (typeof peer !== 'string' && ps.info !== peer)) {
      throw new RangeError(`unknown peer ${typeof peer === 'string' ? peer : peer.name}`);
    }
    return ps;
  }
}

/** Whether every route is refused to the neighbor whatever its attributes (see exportAttrs). */
function exportsNothing(ps: PeerState): boolean {
  return ps.rfc8212Blocked || (ps.exportBinding !== null && ps.exportBinding.policy.constant === false);
}

/**
 * Whether a prefix's change can change what the neighbor is sent in the family. One that is sent nothing (its
 * export policy rejects everything, or RFC 8212 blocks it) and holds nothing in its Adj-RIB-Out of the family
 * cannot be affected: the flush does not visit it, and its changes need not be recorded for it.
 */
function affectedByChanges(ps: PeerState, afi: Afi): boolean {
  return !(exportsNothing(ps) && ps.adjOut[afi].size === 0);
}

export function checkKey(afi: Afi, key: PrefixKey): PrefixKey {
  if ((typeof key === 'number') !== (afi === 'ipv4')) throw new TypeError(`prefix key does not belong to ${afi}`);
  return key;
}

/** The key of entry i, read through the batch's readers (a decoded list makes no typed-array views for it). */
function batchKey(afi: Afi, b: PrefixBatch, i: number): PrefixKey {
  const len = b.prefixLen(i);
  if (afi === 'ipv4') return v4Key(b.addrWord(i), len);
  return v6KeyOfWords(b.addrWord(i, 0), b.addrWord(i, 1), b.addrWord(i, 2), b.addrWord(i, 3), len);
}
