// The receive path of an Established session: one UPDATE's bytes → End-of-RIB, a session reset, or the routes it
// announces and withdraws per family, with the RFC 7606 treatment already applied, so the speaker only sees
// usable data:
//   attribute discard (§2)   the attribute is removed from the set the routes get
//   treat-as-withdraw (§2)   every prefix the UPDATE announces is reported as withdrawn
//   AFI/SAFI disable (§2, RFC 4760 §7)  the family is disabled for the rest of the session (reported once, the
//                            speaker drops the peer's routes of that family); later UPDATEs' NLRI of it are ignored
//   session reset            the error is returned; the caller sends its NOTIFICATION (UpdateMsgErr)
// End-of-RIB (RFC 4724 §2): an UPDATE with nothing in it (IPv4 unicast) or only an empty MP_UNREACH_NLRI.
//
// Hot path: one call per UPDATE, no per-prefix work. Attribute sets are interned by the codec's AttrCache (same
// object for the same bytes); the session checks (stage 2) are cached per interned set, and so is the reduced set
// of an attribute discard, so the speaker can key its own work on the set's identity.
import { AttrCache } from '../wire/attr-decode.js';
import { PerSet } from '../wire/attr-cache.js';
import { decodeBody } from '../wire/codec.js';
import { type CodecContext, type Family, family, IPV4_UNICAST } from '../wire/context.js';
import { type Action, actionSeverity, worstAction, type WireError } from '../wire/errors.js';
import { type AttrSet, MSG_UPDATE, type MpNlri, type UpdateMessage } from '../wire/messages.js';
import { PrefixList } from '../wire/prefix.js';
import { type SessionInfo, validateUpdate } from '../wire/validate.js';

export interface FamilyPrefixes {
  readonly family: Family;
  readonly prefixes: PrefixList;
}

/** One received UPDATE as the speaker should apply it. */
export interface UpdateIn {
  /** The message as decoded (attributes in wire order, INVALID entries included). */
  readonly message: UpdateMessage;
  /** The attributes the announced routes carry: the interned set, or its reduced copy after attribute discard. */
  readonly attrs: AttrSet;
  /**
   * The dense index of `attrs` in the session's attribute cache (AttrCache.indexOf), or -1 (a set not in the
   * cache, or the reduced copy of an attribute discard): the speaker keeps its per-set data by it (PerSet).
   */
  readonly setIndex: number;
  /** Announced prefixes per family (IPv4 NLRI field and MP_REACH_NLRI); empty after treat-as-withdraw. */
  readonly announce: readonly FamilyPrefixes[];
  /** Withdrawn prefixes per family, including announcements turned into withdrawals. */
  readonly withdraw: readonly FamilyPrefixes[];
  /** Every error found (stage 1 and 2), for logs; the treatment below is already applied. */
  readonly errors: readonly WireError[];
  /** The RFC 7606 treatment applied (the strongest action below 'reset'), or null for a clean UPDATE. */
  readonly treatment: Exclude<Action, 'reset'> | null;
  /** Families this UPDATE disabled (AFI/SAFI disable); the speaker drops the peer's routes of them. */
  readonly disabled: readonly Family[];
}

export type InboundResult =
  | { readonly kind: 'update'; readonly update: UpdateIn }
  | { readonly kind: 'end-of-rib'; readonly family: Family }
  | { readonly kind: 'reset'; readonly error: WireError };

const NONE: readonly never[] = Object.freeze([]);

/** The family of an MP attribute in the set, by type code (14 reach, 15 unreach); undefined if absent. */
function mpFamily(set: AttrSet, typeCode: 14 | 15): Family | undefined {
  for (const a of set.list) {
    if (a.typeCode === typeCode && (a.name === 'MP_REACH_NLRI' || a.name === 'MP_UNREACH_NLRI')) return family(a.afi, a.safi);
  }
  return undefined;
}

function isList(n: MpNlri | null): n is PrefixList {
  return n !== null && n instanceof PrefixList;
}

export interface InboundStats {
  updates: number;
  endOfRib: number;
  treatAsWithdraw: number;
  attributeDiscard: number;
  /** Prefixes ignored because their family is not negotiated or disabled. */
  ignoredPrefixes: number;
}

export class InboundDecoder {
  /** Interned attribute sets of this session's received UPDATEs (decoding depends on the session's context). */
  readonly cache: AttrCache;
  /** Families disabled by an AFI/SAFI-disable treatment for the rest of the session. */
  readonly disabled = new Set<Family>();
  readonly stats: InboundStats = { updates: 0, endOfRib: 0, treatAsWithdraw: 0, attributeDiscard: 0, ignoredPrefixes: 0 };
  private readonly families: ReadonlySet<Family>;
  // Stage-2 results per interned set, for the three shapes of UPDATE whose checks differ (IPv4 NLRI present,
  // only MP_REACH NLRI, nothing announced), kept by the set's index in the cache. A set not in the cache (an
  // unclean section) is checked every time.
  private readonly checked = new PerSet<readonly WireError[]>(3);
  private readonly reduced = new WeakMap<AttrSet, Map<string, AttrSet>>();

  constructor(private readonly ctx: CodecContext, private readonly session: SessionInfo, families: readonly Family[],
    cacheEntries = 1_000_000) {
    this.families = new Set(families);
    this.cache = new AttrCache(cacheEntries);
  }

  /** Decode and treat one UPDATE message (header included). */
  decode(bytes: Uint8Array): InboundResult {
    const r = decodeBody(MSG_UPDATE, bytes, 0, bytes.length, this.ctx, { cache: this.cache });
    if (!r.ok) return { kind: 'reset', error: r.error };
    const m = r.msg as UpdateMessage;
    if (m.withdrawn.length === 0 && m.nlri.length === 0) {
      const list = m.attrs.list;
      if (list.length === 0) { this.stats.endOfRib++; return { kind: 'end-of-rib', family: IPV4_UNICAST }; }
      if (list.length === 1 && list[0]!.name === 'MP_UNREACH_NLRI' && isList(m.mpUnreach) && m.mpUnreach.length === 0) {
        this.stats.endOfRib++;
        return { kind: 'end-of-rib', family: family(list[0].afi, list[0].safi) };
      }
    }
    this.stats.updates++;
    const shape = m.nlri.length > 0 ? 0 : m.mpReach !== null ? 1 : 2;
    const index = this.cache.indexOf(m.attrs);
    let v = index < 0 ? undefined : this.checked.get(m.attrs, index, shape);
    if (v === undefined) {
      v = validateUpdate(m, this.ctx, this.session);
      if (v.length === 0) v = NONE;
      if (index >= 0) this.checked.put(m.attrs, index, shape, v);
    }
    const errors: readonly WireError[] = r.errors.length === 0 ? v : v.length === 0 ? r.errors : [...r.errors, ...v];
    if (errors.length === 0) return { kind: 'update', update: this.routes(m, m.attrs, index, false, NONE, NONE, null) };
    return this.treat(m, errors, index);
  }

  private treat(m: UpdateMessage, errors: readonly WireError[], index: number): InboundResult {
    const worst = worstAction(errors)!;
    if (worst === 'reset') return { kind: 'reset', error: errors.find((e) => e.action === 'reset')! };
    const newlyDisabled: Family[] = [];
    let rest: Action | null = null;
    for (const e of errors) {
      if (e.action === 'afi-safi-disable') {
        const afi = (e as { afi?: number }).afi, safi = (e as { safi?: number }).safi;
        // RFC 7606 §2: when the family cannot be determined, AFI/SAFI disable is not possible: reset.
        if (afi === undefined || safi === undefined) return { kind: 'reset', error: e };
        const f = family(afi, safi);
        if (!this.disabled.has(f)) { this.disabled.add(f); newlyDisabled.push(f); }
      } else if (rest === null || actionSeverity(e.action) > actionSeverity(rest)) {
        rest = e.action;
      }
    }
    const withdraw = rest === 'withdraw';
    if (withdraw) this.stats.treatAsWithdraw++;
    let attrs = m.attrs, setIndex = index;
    if (rest === 'discard') {
      this.stats.attributeDiscard++;
      attrs = this.reduce(m.attrs, errors);
      setIndex = -1;
    }
    const treatment = worst === 'afi-safi-disable' ? 'afi-safi-disable' : (rest as Exclude<Action, 'reset'>);
    return { kind: 'update', update: this.routes(m, attrs, setIndex, withdraw, errors, newlyDisabled, treatment) };
  }

  /** The set without the discarded attributes and without INVALID/UNPARSED entries (interned per set). */
  private reduce(set: AttrSet, errors: readonly WireError[]): AttrSet {
    const drop: number[] = [];
    for (const e of errors) {
      // A duplicate's copy is already a separate INVALID entry; its type code also names the valid first copy.
      if (e.action === 'discard' && e.kind !== 'attr-duplicate' && 'typeCode' in e && !drop.includes(e.typeCode)) drop.push(e.typeCode);
    }
    drop.sort((a, b) => a - b);
    const k = drop.join(',');
    let per = this.reduced.get(set);
    const hit = per?.get(k);
    if (hit !== undefined) return hit;
    const list = set.list.filter((a) => a.name !== 'INVALID' && a.name !== 'UNPARSED' && !drop.includes(a.typeCode));
    const out: AttrSet = { list, key: `${set.key}\u0000discard:${k}`, errors: set.errors };
    if (per === undefined) { per = new Map(); this.reduced.set(set, per); }
    per.set(k, out);
    return out;
  }

  private usable(f: Family | undefined, n: number): f is Family {
    if (f !== undefined && this.families.has(f) && !this.disabled.has(f)) return true;
    this.stats.ignoredPrefixes += n;
    return false;
  }

  private routes(m: UpdateMessage, attrs: AttrSet, setIndex: number, asWithdraw: boolean, errors: readonly WireError[],
    disabled: readonly Family[], treatment: UpdateIn['treatment']): UpdateIn {
    const announce: FamilyPrefixes[] = [];
    const withdraw: FamilyPrefixes[] = [];
    if (m.withdrawn.length > 0 && this.usable(IPV4_UNICAST, m.withdrawn.length)) {
      withdraw.push({ family: IPV4_UNICAST, prefixes: m.withdrawn });
    }
    if (m.nlri.length > 0 && this.usable(IPV4_UNICAST, m.nlri.length)) {
      (asWithdraw ? withdraw : announce).push({ family: IPV4_UNICAST, prefixes: m.nlri });
    }
    if (isList(m.mpReach) && m.mpReach.length > 0) {
      // An MP_REACH_NLRI dropped by attribute discard (family not negotiated) takes its NLRI with it.
      const f = mpFamily(attrs, 14);
      if (this.usable(f, m.mpReach.length)) (asWithdraw ? withdraw : announce).push({ family: f, prefixes: m.mpReach });
    } else if (m.mpReach !== null && !isList(m.mpReach)) {
      this.stats.ignoredPrefixes++;
    }
    if (isList(m.mpUnreach) && m.mpUnreach.length > 0) {
      const f = mpFamily(m.attrs, 15);
      if (this.usable(f, m.mpUnreach.length)) withdraw.push({ family: f, prefixes: m.mpUnreach });
    }
    return { message: m, attrs, setIndex, announce, withdraw, errors, treatment, disabled };
  }
}
