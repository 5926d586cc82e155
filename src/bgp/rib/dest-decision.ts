// The decision process over one prefix's entry (table.ts Dest; RFC 4271 §9.1): the full decision over its
// eligible candidates (decision/select.ts), and the incremental steps the table asks for when one candidate
// changes (decision/incremental.ts). A candidate is ineligible for its import flags (AS loop, route leak, ...) or
// for an unreachable next hop (§9.1.2.1); next hops are resolved on first use after each change of the
// resolver's answers (`epoch`). Pure: the resolver is given, and the scratch candidates are reused.
import { comparePreMed, incrementalPossible, medIsTotal } from './decision/incremental.js';
import { Candidate, DecisionContext, neighborKey, preference } from './decision/rules.js';
import { SelectionOut, selectInto } from './decision/select.js';
import type { Attrs } from './attrs.js';
import type { NextHop, NextHopResolver } from './nexthop.js';
import type { PeerInfo } from './peer.js';
import {
  Decider, Dest, FIRST, REASON_MASK, UNDECIDED, attrsAt, bestOf, destEnd, metaAt, metaFlags, metaPathId, metaPeer,
  neighborBit, neighborMask, setDecision,
} from './table.js';

export class DestDecision implements Decider {
  /** Full decision runs (one prefix each); the tables count the changes settled incrementally. */
  fullDecisions = 0;
  private epoch = 0;
  private readonly pool: Candidate[] = [];
  private readonly slotOf: number[] = [];
  private readonly sel: SelectionOut = { best: -1, multipath: null, decidedBy: null };
  /** Scratch candidates for the incremental decision: the changed one, the best, and others (medRival). */
  private readonly ca = scratchCandidate();
  private readonly cb = scratchCandidate();
  private readonly cr = scratchCandidate();

  /** `infos`: the RIB's neighbors by index (read as it changes). */
  constructor(private readonly ctx: DecisionContext, private readonly infos: readonly (PeerInfo | undefined)[],
    private resolver: NextHopResolver) {}

  /** The resolver's answers changed (or a new resolver): every next hop is resolved again on its next use. */
  nextHopsChanged(resolver?: NextHopResolver): void {
    if (resolver) this.resolver = resolver;
    this.epoch++;
  }

  /** Whether the next hop is reachable, as the resolver answers now. */
  reachable(nh: NextHop): boolean {
    if (nh.epoch !== this.epoch) {
      const r = this.resolver.resolve(nh);
      nh.reachable = r.reachable;
      nh.igpCost = r.igpCost;
      nh.epoch = this.epoch;
    }
    return nh.reachable;
  }

  neighborBit(a: Attrs): number {
    return neighborBit(neighborKey(a, this.ctx));
  }

  decide(d: Dest): void {
    this.fullDecisions++;
    const end = destEnd(d);
    let n = 0;
    for (let s = FIRST; s < end; s += 2) {
      if (!this.eligibleAt(d, s)) continue;
      this.candidateAt(this.pool[n] ??= scratchCandidate(), d, s);
      this.slotOf[n] = s;
      n++;
    }
    selectInto(this.pool, n, this.ctx, this.sel);
    setDecision(d, this.sel.best < 0 ? -1 : this.slotOf[this.sel.best]!,
      this.sel.multipath === null ? null : this.sel.multipath.map((i) => this.slotOf[i]!));
  }

  /**
   * The best after candidate `slot` was appended to a prefix whose best was `best` (-1: none eligible), or
   * UNDECIDED when only the full decision can tell (decision/incremental.ts).
   */
  admit(d: Dest, best: number, slot: number): number {
    const ctx = this.ctx;
    if (!incrementalPossible(ctx)) return UNDECIDED;
    if (!this.eligibleAt(d, slot)) return best;
    if (best < 0) return slot;
    const x = this.candidateAt(this.ca, d, slot), b = this.candidateAt(this.cb, d, best);
    if (ctx.opts.deterministicMed) {
      const pre = comparePreMed(x, b, ctx);
      if (pre !== 0) return pre < 0 ? slot : best;
      if (!medIsTotal(ctx) && this.medRival(d, slot, best, b)) return UNDECIDED;
    }
    return preference(x, b, ctx) < 0 ? slot : best;
  }

  /** Whether removing candidate `slot` (not the best) leaves `best` the best (decision/incremental.ts). */
  keeps(d: Dest, best: number, slot: number): boolean {
    const ctx = this.ctx;
    if (!incrementalPossible(ctx)) return false;
    if (best < 0 || !this.eligibleAt(d, slot)) return true;
    if (!ctx.opts.deterministicMed) return false;
    const b = this.candidateAt(this.cb, d, best);
    if (comparePreMed(this.candidateAt(this.ca, d, slot), b, ctx) !== 0) return true;
    return medIsTotal(ctx) || !this.medRival(d, slot, best, b);
  }

  /** The best, then the other eligible candidates' slots, of a decided prefix ([] without a best). */
  eligibleSlots(d: Dest): number[] {
    const best = bestOf(d);
    if (best < 0) return [];
    const rest: number[] = [];
    for (let s = FIRST; s < destEnd(d); s += 2) if (s !== best && this.eligibleAt(d, s)) rest.push(s);
    return [best, ...rest];
  }

  private eligibleAt(d: Dest, s: number): boolean {
    if ((metaFlags(metaAt(d, s)) & REASON_MASK) !== 0) return false;
    const nh = attrsAt(d, s).nextHop;
    return nh === null || this.reachable(nh);
  }

  private candidateAt(c: Candidate, d: Dest, s: number): Candidate {
    const attrs = attrsAt(d, s), meta = metaAt(d, s);
    c.attrs = attrs;
    c.peer = this.infos[metaPeer(meta)]!;
    c.pathId = metaPathId(meta);
    c.igpCost = attrs.nextHop === null ? 0 : attrs.nextHop.igpCost;
    return c;
  }

  /**
   * Whether another candidate has the neighbor AS of candidate `slot` and ties the best up to the MED step (so
   * the MED step could remove one because of the other). `b` is the best as a candidate. Eligibility is not
   * checked: a false "yes" only costs a full decision.
   */
  private medRival(d: Dest, slot: number, best: number, b: Candidate): boolean {
    const ctx = this.ctx, asn = neighborKey(attrsAt(d, slot), ctx);
    // The prefix's mask has the bits of every candidate but one just appended (admit() runs before the table adds
    // its bit): a clear bit means no other candidate to read.
    if ((neighborMask(d) & neighborBit(asn)) === 0) return false;
    for (let s = FIRST; s < destEnd(d); s += 2) {
      if (s === slot || neighborKey(attrsAt(d, s), ctx) !== asn) continue;
      if (s === best || comparePreMed(this.candidateAt(this.cr, d, s), b, ctx) === 0) return true;
    }
    return false;
  }
}

function scratchCandidate(): Candidate {
  return { attrs: undefined as unknown as Attrs, peer: undefined as unknown as PeerInfo, pathId: 0, igpCost: 0 };
}
