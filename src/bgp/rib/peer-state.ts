// Per-neighbor RIB state: the policy bindings, the pre-policy Adj-RIB-In (kept only when configured, as soft
// reconfiguration inbound), and the Adj-RIB-Out (RFC 4271 §3.2) — what was last sent, per prefix (and per path
// id when add-path send is on, RFC 7911). Adj-RIB-Out entries are interned attribute sets, so "did it change"
// is an identity test and the speaker can group prefixes into UPDATEs by attribute set.

import type { BoundPolicy } from '../policy/types.js';
import { effectivePolicy, Rfc8212Notice } from '../policy/rfc8212.js';
import type { AttrStore, Attrs } from './attrs.js';
import type { ExportBlock, ExportTarget } from './export.js';
import { LocalConfig, ownAsFor } from './local.js';
import type { NextHop } from './nexthop.js';
import type { PeerInfo } from './peer.js';
import type { Afi, PrefixKey } from './prefix.js';

/** Add-path Adj-RIB-Out entry of one prefix: [sourceId, txPathId, attrs, ...] (sourceId = candidate metaId). */
export class OutPaths {
  items: (number | Attrs)[] = [];
}

export interface ExportCacheEntry {
  readonly attrs: Attrs;
  readonly src: number;
  /** The export result depends on the family (our next hop for IPv4 vs IPv6 routes of one attribute set). */
  readonly afi: Afi;
  readonly result: Attrs | ExportBlock;
}

/** Direct-mapped export cache size: consecutive prefixes mostly share attribute sets, so a few slots suffice. */
export const EXPORT_CACHE_SLOTS = 256;

/** Prefix-independent processing of one received attribute set. */
export interface InputVerdict {
  readonly attrs: Attrs;
  /** Ineligibility reason (table.ts INELIGIBLE), 0 when eligible. */
  readonly flags: number;
  /** The attributes entering import policy. */
  readonly rewritten: Attrs;
  /** The import result when it does not depend on the prefix: attrs to store, null = rejected; undefined: per prefix. */
  readonly fixed: Attrs | null | undefined;
}

export class PeerState implements ExportTarget {
  ownAs: number;
  importBinding: BoundPolicy | null = null;
  importBlocked = false;
  exportBinding: BoundPolicy | null = null;
  rfc8212Blocked = false;
  /** Pre-policy Adj-RIB-In: prefix → attrs (pathId 0) or pathId → attrs (add-path). */
  readonly preIn: Record<Afi, Map<PrefixKey, Attrs | Map<number, Attrs>>> = { ipv4: new Map(), ipv6: new Map() };
  readonly adjOut: Record<Afi, Map<PrefixKey, Attrs | OutPaths>> = { ipv4: new Map(), ipv6: new Map() };
  /** Families whose whole table must be (re-)exported at the next flush (session up, export policy change). */
  readonly fullExport = new Set<Afi>();
  /** Families to send again in full at the next flush (the neighbor asked for a route refresh). */
  readonly resendPending = new Set<Afi>();
  exportCache: (ExportCacheEntry | undefined)[] = new Array(EXPORT_CACHE_SLOTS);
  /** Candidates held from this neighbor (eligible or not), by family. */
  readonly held: Record<Afi, number> = { ipv4: 0, ipv6: 0 };
  /** The last attribute set seen on input and its prefix-independent processing. */
  lastIn: InputVerdict | null = null;
  private selfNh: Record<Afi, NextHop | null> = { ipv4: null, ipv6: null };

  constructor(readonly info: PeerInfo, private readonly local: LocalConfig, private readonly store: AttrStore) {
    this.ownAs = ownAsFor(local, info);
  }

  /** (Re)bind the configured policies; returns the RFC 8212 notices that now apply. */
  bindPolicies(): Rfc8212Notice[] {
    const notices: Rfc8212Notice[] = [];
    const imp = effectivePolicy(this.info, 'import', this.local.rfc8212);
    this.importBinding = imp.policy === null ? null
      : imp.policy.bind({ store: this.store, ownAs: this.ownAs, peer: this.info, direction: 'import' });
    this.importBlocked = imp.notice !== null;
    if (imp.notice) notices.push(imp.notice);
    const exp = effectivePolicy(this.info, 'export', this.local.rfc8212);
    this.exportBinding = exp.policy === null ? null
      : exp.policy.bind({ store: this.store, ownAs: this.ownAs, peer: this.info, direction: 'export' });
    this.rfc8212Blocked = exp.notice !== null;
    if (exp.notice) notices.push(exp.notice);
    this.exportCache = new Array(EXPORT_CACHE_SLOTS);
    this.lastIn = null;
    return notices;
  }

  get exportDependsOnPrefix(): boolean {
    return this.exportBinding?.policy.dependsOnPrefix ?? false;
  }

  selfNextHop(afi: Afi): NextHop | null {
    const cached = this.selfNh[afi];
    if (cached !== null && cached.live) return cached;
    const la = this.info.config.localAddress;
    let nh: NextHop | null = null;
    if (afi === 'ipv4' && la?.ipv4) nh = this.store.nextHop(la.ipv4);
    else if (afi === 'ipv6' && la?.ipv6) nh = this.store.nextHop(la.ipv6, la.ipv6LinkLocal ?? null);
    this.selfNh[afi] = nh;
    return nh;
  }

  // -- pre-policy Adj-RIB-In --------------------------------------------------------------------------------------

  setPre(afi: Afi, key: PrefixKey, pathId: number, attrs: Attrs | null): void {
    const m = this.preIn[afi];
    const cur = m.get(key);
    if (!this.info.addPathReceive) {
      const old = cur as Attrs | undefined;
      if (old === attrs) return;
      if (attrs !== null) { this.store.retain(attrs); m.set(key, attrs); } else m.delete(key);
      if (old !== undefined) this.store.release(old);
      return;
    }
    let pm = cur as Map<number, Attrs> | undefined;
    const old = pm?.get(pathId);
    if (old === attrs) return;
    if (attrs !== null) {
      if (pm === undefined) { pm = new Map(); m.set(key, pm); }
      this.store.retain(attrs);
      pm.set(pathId, attrs);
    } else if (pm !== undefined) {
      pm.delete(pathId);
      if (pm.size === 0) m.delete(key);
    }
    if (old !== undefined) this.store.release(old);
  }

  clearPre(afi?: Afi): void {
    for (const f of afi === undefined ? (['ipv4', 'ipv6'] as const) : [afi]) {
      for (const v of this.preIn[f].values()) {
        if (v instanceof Map) for (const a of v.values()) this.store.release(a);
        else this.store.release(v);
      }
      this.preIn[f].clear();
    }
  }

  clearOut(afi?: Afi): void {
    for (const f of afi === undefined ? (['ipv4', 'ipv6'] as const) : [afi]) {
      for (const v of this.adjOut[f].values()) {
        if (v instanceof OutPaths) { for (let i = 2; i < v.items.length; i += 3) this.store.release(v.items[i] as Attrs); }
        else this.store.release(v);
      }
      this.adjOut[f].clear();
      this.resendPending.delete(f);
    }
    this.info.stats.advertised = 0;
  }
}
