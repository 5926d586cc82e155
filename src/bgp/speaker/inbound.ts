// From a received UPDATE's attribute set (the wire codec's AttrSet, already interned by bytes per session) to
// the RIB's interned Attrs, once per distinct set and family: the IPv4 routes of a set take NEXT_HOP, the IPv6
// routes the MP_REACH_NLRI next hop (RFC 4760 §3, global + link-local per RFC 2545 §3), so one AttrSet may
// give two Attrs. AS_PATH and AGGREGATOR are read through the RFC 6793 §4.2.3 merge with AS4_PATH /
// AS4_AGGREGATOR (a 2-octet session). Unrecognized attributes are kept opaque (RFC 4271 §5: optional transitive
// ones are passed on; the RIB drops the non-transitive ones on export).
//
// Cost: an array read per UPDATE and family (the result is kept by the set's index in the session's cache,
// PerSet; a Map lookup for a set outside the cache); the conversion itself only for a set not seen before,
// straight from its bytes for the common IPv4 sets (common-attrs.ts), through the decoded attribute list for the
// others. Both are bounded (by the cache's size; the map is cleared when full), and an entry may hold an Attrs
// the RIB has since freed (the RIB revives an equal live set when it is passed in again). With the RIB's
// rewrites on receipt applied before interning (`preset`), the set cached is normally the one the RIB keeps, not
// one it derived a copy from.
import type { AttrStore, Attrs, AttrsInput, OpaqueAttr } from '../rib/attrs.js';
import { effectiveAggregator, effectiveAsPath } from '../wire/effective.js';
import type { CodecContext } from '../wire/context.js';
import { PerSet } from '../wire/attr-cache.js';
import type { AttrSet } from '../wire/messages.js';
import type { PathAttribute } from '../wire/attributes.js';
import { commonIpv4Attrs } from './common-attrs.js';

export type RibAfi = 'ipv4' | 'ipv6';

/** Why a set cannot give routes (the routes are then treated as withdrawn, RFC 7606 §2 spirit). */
export type ConvertProblem = 'no-next-hop' | 'bad-value';

/** Sets outside the session's cache remembered per family (those are rare: reduced copies after an attribute
 * discard); about twice the cache's own size (speaker.ts ATTR_CACHE_ENTRIES). */
const CACHE_LIMIT = 8192;
const K_IPV4 = 0, K_IPV6 = 1;

export class AttrConverter {
  /** Results of the sets in the session's cache, by index: value K_IPV4 and K_IPV6 per set. */
  private readonly byIndex = new PerSet<Attrs | ConvertProblem>(2);
  private readonly v4 = new Map<AttrSet, Attrs | ConvertProblem>();
  private readonly v6 = new Map<AttrSet, Attrs | ConvertProblem>();
  /** Sets converted (cache misses), for tests and metrics. */
  conversions = 0;

  /**
   * `preset` prepares each set's attributes before they are interned (the RIB's rewrites on receipt that depend on
   * the neighbor alone: Rib.presetReceived), so the set cached here is the one the RIB keeps.
   */
  constructor(private readonly store: AttrStore, private readonly ctx: CodecContext,
    private readonly onProblem: (p: ConvertProblem, afi: RibAfi, detail: string) => void = () => {},
    private readonly preset: ((input: AttrsInput) => void) | null = null) {}

  /**
   * The RIB attributes of the routes `set` announces in `afi`, or null when the set is unusable. `index`: the
   * set's index in the session's cache (UpdateIn.setIndex), -1 when it has none.
   */
  convert(set: AttrSet, afi: RibAfi, index = -1): Attrs | null {
    const k = afi === 'ipv4' ? K_IPV4 : K_IPV6;
    let a = index >= 0 ? this.byIndex.get(set, index, k) : (k === K_IPV4 ? this.v4 : this.v6).get(set);
    if (a === undefined) {
      a = (afi === 'ipv4' ? commonIpv4Attrs(set, this.ctx, this.store, this.preset) : undefined) ?? this.build(set.list, afi);
      if (index >= 0) this.byIndex.put(set, index, k, a);
      else {
        const m = k === K_IPV4 ? this.v4 : this.v6;
        if (m.size >= CACHE_LIMIT) m.clear();
        m.set(set, a);
      }
      this.conversions++;
    }
    return typeof a === 'string' ? null : a;
  }

  clear(): void {
    this.byIndex.clear();
    this.v4.clear();
    this.v6.clear();
  }

  private build(list: readonly PathAttribute[], afi: RibAfi): Attrs | ConvertProblem {
    const input: AttrsInput = {};
    const opaque: OpaqueAttr[] = [];
    let nextHop: string | null = null;
    let linkLocal: string | null = null;
    for (const a of list) {
      switch (a.name) {
        case 'ORIGIN': input.origin = a.origin; break;
        case 'NEXT_HOP': if (afi === 'ipv4') nextHop = a.nextHop; break;
        case 'MULTI_EXIT_DISC': input.med = a.med; break;
        case 'LOCAL_PREF': input.localPref = a.localPref; break;
        case 'ATOMIC_AGGREGATE': input.atomicAggregate = true; break;
        case 'COMMUNITIES': input.communities = a.communities; break;
        case 'ORIGINATOR_ID': input.originatorId = a.originatorId; break;
        case 'CLUSTER_LIST': input.clusterList = a.clusterList; break;
        case 'EXTENDED_COMMUNITIES': input.extCommunities = a.communities; break;
        case 'LARGE_COMMUNITY': input.largeCommunities = a.communities; break;
        case 'ONLY_TO_CUSTOMER': input.otc = a.asn; break;
        case 'MP_REACH_NLRI':
          if (afi === 'ipv6' && a.afi === 2) {
            // RFC 2545 §3: global, or global + link-local; a link-local alone (some unnumbered setups) is used as is.
            nextHop = a.nextHop[0] ?? null;
            linkLocal = a.nextHop[1] ?? null;
          }
          break;
        case 'UNKNOWN': opaque.push({ code: a.typeCode, flags: a.flags, data: a.value }); break;
        // AS_PATH/AGGREGATOR below (merged with their AS4_ forms); MP_UNREACH, INVALID and UNPARSED carry no route data.
        default: break;
      }
    }
    if (nextHop === null) {
      this.onProblem('no-next-hop', afi, afi === 'ipv4' ? 'NEXT_HOP missing' : 'MP_REACH_NLRI next hop missing');
      return 'no-next-hop';
    }
    input.asPath = effectiveAsPath(list, this.ctx);
    const agg = effectiveAggregator(list, this.ctx);
    if (agg !== undefined) input.aggregator = agg;
    input.nextHop = nextHop;
    if (linkLocal !== null) input.nextHopLinkLocal = linkLocal;
    if (opaque.length > 0) input.opaque = opaque;
    try {
      if (this.preset !== null) this.preset(input);
      return this.store.intern(input);
    } catch (e) {
      this.onProblem('bad-value', afi, (e as Error).message);
      return 'bad-value';
    }
  }
}
