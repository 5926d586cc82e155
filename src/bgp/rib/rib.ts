// The RIB of one speaker (RFC 4271 §3.2, §9): Adj-RIB-In (pre-policy when configured, post-policy always),
// Loc-RIB and one Adj-RIB-Out per neighbor, for IPv4 and IPv6 unicast, add-path aware (RFC 7911).
// Pure: no sockets, timers or files; the speaker calls in with routes and takes out deltas (see rib-core.ts for
// the flow). This file adds the read side: lookups, table walks, explain.

import { exportFor } from './adj-out.js';
import type { Attrs } from './attrs.js';
import { Explanation, ExplainInput, buildExplanation } from './decision/explain.js';
import { EXPORT_BLOCK_TEXT, ExportBlock } from './export.js';
import type { PeerInfo } from './peer.js';
import { OutPaths } from './peer-state.js';
import type { Afi, PrefixKey } from './prefix.js';
import { RibCore, checkKey } from './rib-core.js';
import type { CandidateRoute, LocRoute, RibStats } from './rib-types.js';
import {
  Dest, FIRST, INELIGIBLE_TEXT, REASON_MASK, STALE, UNDECIDED, attrsAt, bestOf, destEnd, destSize, metaAt, metaFlags,
  metaPathId, metaPeer,
} from './table.js';

export * from './rib-types.js';

const AFIS: readonly Afi[] = ['ipv4', 'ipv6'];

export class Rib extends RibCore {
  // -- queries -----------------------------------------------------------------------------------------------------

  /** The Loc-RIB entry of a prefix (decided now if it changed since the last flush). */
  lookup(afi: Afi, prefix: PrefixKey): { best: LocRoute | null; multipath: LocRoute[]; candidates: CandidateRoute[] } | null {
    const d = this.table(afi).decided(checkKey(afi, prefix));
    if (d === undefined || destSize(d) === 0) return null;
    const best = this.bestRoute(d);
    const multipath = best === null ? [] : this.multipathRoutes(d, best);
    const candidates: CandidateRoute[] = [];
    for (let s = FIRST; s < destEnd(d); s += 2) {
      const r = this.route(metaAt(d, s), attrsAt(d, s));
      const why = this.ineligibleText(d, s);
      candidates.push({ ...r, eligible: why === null, ineligible: why });
    }
    return { best, multipath, candidates };
  }

  /** Every prefix with a best route, in table order. */
  *locRib(afi: Afi): IterableIterator<{ prefix: PrefixKey; best: LocRoute; multipath: LocRoute[] }> {
    const t = this.table(afi);
    for (const [prefix, d] of t.dests) {
      if (bestOf(d) === UNDECIDED) this.decision.decide(d);
      const best = this.bestRoute(d);
      if (best === null) continue;
      yield { prefix, best, multipath: this.multipathRoutes(d, best) };
    }
  }

  /** A neighbor's Adj-RIB-In: post-policy (the candidates it contributes), or pre-policy when kept. */
  *adjRibIn(peer: PeerInfo | string, afi: Afi, opts: { prePolicy?: boolean } = {}):
    IterableIterator<{ prefix: PrefixKey; pathId: number; attrs: Attrs; eligible: boolean }> {
    const ps = this.state(peer);
    if (opts.prePolicy) {
      for (const [prefix, v] of ps.preIn[afi]) {
        if (v instanceof Map) for (const [pathId, attrs] of v) yield { prefix, pathId, attrs, eligible: true };
        else yield { prefix, pathId: 0, attrs: v, eligible: true };
      }
      return;
    }
    for (const [prefix, d] of this.table(afi).dests) {
      for (let s = FIRST; s < destEnd(d); s += 2) {
        const meta = metaAt(d, s);
        if (metaPeer(meta) !== ps.info.index) continue;
        yield { prefix, pathId: metaPathId(meta), attrs: attrsAt(d, s), eligible: this.ineligibleText(d, s) === null };
      }
    }
  }

  /** What a neighbor was sent. */
  *adjRibOut(peer: PeerInfo | string, afi: Afi): IterableIterator<{ prefix: PrefixKey; pathId: number; attrs: Attrs }> {
    const ps = this.state(peer);
    for (const [prefix, v] of ps.adjOut[afi]) {
      if (v instanceof OutPaths) {
        for (let i = 0; i < v.items.length; i += 3) yield { prefix, pathId: v.items[i + 1] as number, attrs: v.items[i + 2] as Attrs };
      } else yield { prefix, pathId: 0, attrs: v };
    }
  }

  /** Why the best route of a prefix is (not) sent to a neighbor, and what it would be sent as. */
  explainExport(peer: PeerInfo | string, afi: Afi, prefix: PrefixKey): { attrs: Attrs | null; blocked: ExportBlock | null; text: string } {
    const ps = this.state(peer);
    const d = this.table(afi).decided(checkKey(afi, prefix));
    const best = d === undefined ? -1 : bestOf(d);
    if (best < 0) return { attrs: null, blocked: null, text: 'no best route' };
    if (ps.info.kind !== 'local' && !ps.info.up) return { attrs: null, blocked: null, text: 'session is down' };
    const meta = metaAt(d!, best);
    const r = exportFor(this.exportEnv, ps, this.infos[metaPeer(meta)]!, attrsAt(d!, best), afi, prefix);
    return typeof r === 'string' ? { attrs: null, blocked: r, text: EXPORT_BLOCK_TEXT[r] } : { attrs: r, blocked: null, text: 'sent' };
  }

  /** Every candidate path of a prefix and how the decision went (`show route PREFIX --explain`). */
  explain(afi: Afi, prefix: PrefixKey): Explanation | null {
    const d = this.table(afi).get(checkKey(afi, prefix));
    if (d === undefined || destSize(d) === 0) return null;
    const inputs: ExplainInput[] = [];
    for (let s = FIRST; s < destEnd(d); s += 2) {
      const meta = metaAt(d, s), attrs = attrsAt(d, s);
      const why = this.ineligibleText(d, s);
      inputs.push({
        peer: this.infos[metaPeer(meta)]!, pathId: metaPathId(meta), attrs, ineligible: why,
        stale: (metaFlags(meta) & STALE) !== 0, igpCost: attrs.nextHop === null ? 0 : attrs.nextHop.reachable ? attrs.nextHop.igpCost : null,
      });
    }
    return buildExplanation(afi, prefix, inputs, this.ctx);
  }

  private ineligibleText(d: Dest, s: number): string | null {
    const reason = metaFlags(metaAt(d, s)) & REASON_MASK;
    if (reason !== 0) return INELIGIBLE_TEXT[reason]!;
    const nh = attrsAt(d, s).nextHop;
    if (nh === null) return null;
    return this.decision.reachable(nh) ? null : `next hop ${nh.address} unreachable (RFC 4271 §9.1.2.1)`;
  }

  /** Routes a neighbor contributes (eligible or not), per family. */
  heldFrom(peer: PeerInfo | string): Record<Afi, number> {
    return { ...this.state(peer).held };
  }

  stats(): RibStats {
    const paths = { ipv4: 0, ipv6: 0 };
    for (const afi of AFIS) for (const d of this.table(afi).dests.values()) paths[afi] += destSize(d);
    return {
      prefixes: { ipv4: this.ipv4.dests.size, ipv6: this.ipv6.dests.size },
      paths,
      peers: this.byName.size,
      store: this.store.stats(),
      bestPath: { full: this.fullDecisions, incremental: this.ipv4.settled + this.ipv6.settled },
    };
  }

}
