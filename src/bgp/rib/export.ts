// From a Loc-RIB route to what one neighbor is sent (RFC 4271 §9.1.3 Phase 3, §5.1 attribute rules):
//
//   1. never back to the neighbor it came from (BIRD behaves so; it also covers eBGP);
//   2. iBGP split horizon, and route reflection (RFC 4456 §6): a route learned over iBGP goes to another iBGP
//      neighbor only when one of the two is a reflector client; never when our cluster id is in CLUSTER_LIST;
//   3. well-known communities (NO_ADVERTISE, NO_EXPORT, NO_EXPORT_SUBCONFED; NO_PEER towards role "peer");
//   4. RFC 9234 egress: routes with OTC do not go to providers, peers or route servers;
//   5. RFC 8212: nothing to an eBGP neighbor without export policy;
//   6. the export policy;
//   7. attribute rules by neighbor kind:
//      eBGP: confederation segments stripped (RFC 5065 §5.3), own AS (confederation id) prepended, next hop self
//            unless the policy set one, LOCAL_PREF removed (§5.1.5), MED removed unless the export policy set it
//            or the route is ours (§5.1.4), ORIGINATOR_ID / CLUSTER_LIST removed, OTC added to customers/peers
//            (RFC 9234 §5). A route-server client (RFC 7947 §2.2) gets AS path, next hop and MED unchanged.
//      confederation eBGP: member AS prepended as AS_CONFED_SEQUENCE, next hop / MED / LOCAL_PREF kept.
//      iBGP: LOCAL_PREF added when missing (default 100), next hop kept unless next-hop-self (or the route has
//            none), and when reflecting: ORIGINATOR_ID set (if absent) and our cluster id prepended.
//      every kind: unrecognized optional transitive attributes passed on with the Partial bit set (§5, §9.1.3),
//            unrecognized non-transitive ones dropped.
//
// Deliberate difference from BIRD: towards eBGP the next hop is always ours (BIRD keeps a third-party next hop
// that lies in the neighbor's subnet); routes we originate keep their MED (BIRD drops it unless set by filter).

import type { BoundPolicy } from '../policy/types.js';
import { otcEgress } from '../policy/roles.js';
import { CommunityBlock, wellKnownExportBlock } from '../policy/wellknown.js';
import { AS_CONFED_SEQUENCE, AS_SEQUENCE, prependData, stripConfedData } from './aspath.js';
import type { AttrStore, Attrs, AttrsPatch, OpaqueAttr } from './attrs.js';
import type { LocalConfig } from './local.js';
import type { NextHop } from './nexthop.js';
import type { PeerInfo } from './peer.js';
import type { Afi, PrefixKey } from './prefix.js';

export type ExportBlock =
  | 'source-peer' | 'ibgp-split-horizon' | 'cluster-loop' | CommunityBlock | 'otc' | 'rfc8212' | 'policy'
  | 'no-next-hop';

export const EXPORT_BLOCK_TEXT: Record<ExportBlock, string> = {
  'source-peer': 'learned from this neighbor',
  'ibgp-split-horizon': 'iBGP split horizon (neither side is a route-reflector client)',
  'cluster-loop': 'our cluster id is in CLUSTER_LIST',
  'no-advertise': 'NO_ADVERTISE community',
  'no-export': 'NO_EXPORT community',
  'no-export-subconfed': 'NO_EXPORT_SUBCONFED community',
  'no-peer': 'NO_PEER community',
  otc: 'ONLY_TO_CUSTOMER: not sent to providers, peers or route servers (RFC 9234)',
  rfc8212: 'no export policy on an eBGP session (RFC 8212)',
  policy: 'rejected by export policy',
  'no-next-hop': 'no local address of this family for next-hop-self',
};

/** What the export needs to know about the receiving neighbor. */
export interface ExportTarget {
  readonly info: PeerInfo;
  readonly ownAs: number;
  /** Null with rfc8212Blocked false: no policy, export everything (iBGP default). */
  readonly exportBinding: BoundPolicy | null;
  readonly rfc8212Blocked: boolean;
  /** Our address on the session for `afi` routes (IPv6: global + link-local), or null. */
  selfNextHop(afi: Afi): NextHop | null;
}

const PARTIAL = 0x20, OPTIONAL_TRANSITIVE = 0xc0;

interface View {
  afi: Afi;
  prefix: PrefixKey;
  attrs: Attrs;
  source: PeerInfo;
}

export function exportAttrs(local: LocalConfig, store: AttrStore, to: ExportTarget, src: PeerInfo, a: Attrs,
  afi: Afi, prefix: PrefixKey, defaultLocalPref: number): Attrs | ExportBlock {
  const t = to.info;
  if (src === t) return 'source-peer';
  const reflecting = src.isInternal && t.isInternal;
  if (reflecting && !(src.config.rrClient || t.config.rrClient)) return 'ibgp-split-horizon';
  if (t.isInternal && a.clusterList !== null && a.clusterList.values.includes(local.clusterId)) return 'cluster-loop';
  if (t.config.interpretCommunities !== false) {
    const wk = wellKnownExportBlock(a, t);
    if (wk !== null) return wk;
  }
  const otc = otcEgress(a, t.config.localRole, to.ownAs);
  if (otc.block) return 'otc';
  if (to.rfc8212Blocked) return 'rfc8212';

  let out = a;
  let nextHopSelf = false, medSet = false;
  if (to.exportBinding !== null && to.exportBinding.policy.constant === false) return 'policy';
  if (to.exportBinding !== null && to.exportBinding.policy.constant === null) {
    const view: View = { afi, prefix, attrs: a, source: src };
    const r = to.exportBinding.evaluate(view);
    if (!r.accept) return 'policy';
    out = r.attrs;
    nextHopSelf = r.nextHopSelf;
    medSet = r.medSet;
  }
  // An explicit next-hop address from the policy wins; `next-hop: self` from the policy next; then the defaults.
  const policySetNextHop = out.nextHop !== a.nextHop && !nextHopSelf;
  let selfNh: boolean;
  if (policySetNextHop) selfNh = false;
  else if (nextHopSelf || out.nextHop === null) selfNh = true;
  else if (t.kind === 'ebgp') selfNh = !t.config.rsClient;
  else selfNh = t.config.nextHopSelf === true;

  const patch: AttrsPatch = {};
  if (t.kind === 'ebgp') {
    const base = out.asPath.hasConfedSegments ? store.asPath(stripConfedData(out.asPath)) : out.asPath;
    if (!t.config.rsClient) {
      patch.asPath = store.asPath(prependData(base, to.ownAs, 1, AS_SEQUENCE));
      if (!medSet && src.kind !== 'local') patch.med = null;
    } else patch.asPath = base;
    patch.localPref = null;
    patch.originatorId = null;
    patch.clusterList = null;
    if (otc.addOtc !== null && out.otc === null) patch.otc = otc.addOtc;
  } else {
    if (out.localPref === null) patch.localPref = defaultLocalPref;
    if (t.kind === 'confed-ebgp') {
      patch.asPath = store.asPath(prependData(out.asPath, local.localAs, 1, AS_CONFED_SEQUENCE));
      patch.originatorId = null;
      patch.clusterList = null;
    } else if (reflecting) {
      patch.originatorId = out.originatorId ?? src.routerId;
      patch.clusterList = store.clusterList([local.clusterId, ...(out.clusterList?.values ?? [])]);
    }
  }
  if (selfNh) {
    const nh = to.selfNextHop(afi);
    if (nh === null) return 'no-next-hop';
    patch.nextHop = nh;
  }
  if (out.opaque !== null) {
    const items: OpaqueAttr[] = [];
    for (const o of out.opaque.items) {
      if ((o.flags & OPTIONAL_TRANSITIVE) !== OPTIONAL_TRANSITIVE) continue;
      items.push(src.kind === 'local' ? o : { code: o.code, flags: o.flags | PARTIAL, data: o.data });
    }
    patch.opaque = store.opaque(items);
  }
  return store.derive(out, patch);
}
