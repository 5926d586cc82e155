// Checks and rewrites on receipt, before import policy:
//   - AS path loop (RFC 4271 §9.1.2: own AS in AS_PATH; `allowAsIn` occurrences tolerated; the confederation id
//     too, RFC 5065 §5.0), ORIGINATOR_ID equal to our router id and our cluster id in CLUSTER_LIST (RFC 4456 §8),
//     and route leaks (RFC 9234 §5) make a route ineligible. It is kept, marked, so `explain` can show it;
//     BIRD discards such routes instead (treat-as-withdraw), which selects the same best paths.
//   - LOCAL_PREF from an external peer is ignored (RFC 4271 §5.1.5) and the default (100) attached instead, so
//     import policies and `show` see the value the decision uses — as BIRD does ("default bgp_local_pref");
//     ORIGINATOR_ID and CLUSTER_LIST from non-iBGP peers are dropped (RFC 4456 §8 defines them for iBGP only).
//   - GRACEFUL_SHUTDOWN lowers LOCAL_PREF to 0 (RFC 8326 §4.2), unless the peer is configured not to.
//   - RFC 9234 ingress: OTC added from providers, peers and route servers.

import { applyGracefulShutdown } from '../policy/wellknown.js';
import { otcIngress } from '../policy/roles.js';
import type { AttrStore, Attrs, AttrsInput, AttrsPatch } from './attrs.js';
import type { LocalConfig } from './local.js';
import type { PeerInfo } from './peer.js';
import { INELIGIBLE } from './table.js';

/** The ineligibility reason code for a received route (INELIGIBLE.*), 0 when eligible. */
export function ineligibility(a: Attrs, peer: PeerInfo, local: LocalConfig): number {
  const allow = peer.config.allowAsIn ?? 0;
  if (a.asPath.count(local.localAs) > allow) return INELIGIBLE.AS_LOOP;
  if (local.confederationId !== null && local.confederationId !== local.localAs &&
    a.asPath.count(local.confederationId) > allow) return INELIGIBLE.AS_LOOP;
  if (peer.isInternal) {
    if (a.originatorId !== null && a.originatorId === local.routerId) return INELIGIBLE.ORIGINATOR_LOOP;
    if (a.clusterList !== null && a.clusterList.values.includes(local.clusterId)) return INELIGIBLE.CLUSTER_LOOP;
  }
  if (otcIngress(a, peer.config.localRole, peer.asn).leak !== null) return INELIGIBLE.OTC_LEAK;
  return INELIGIBLE.NONE;
}

/**
 * The rewrites of importRewrite() that depend on the neighbor alone (LOCAL_PREF from an external peer, ORIGINATOR_ID
 * and CLUSTER_LIST from a non-iBGP one), applied to received attributes before they are interned: the set interned
 * is then the one the RIB keeps, instead of a second one derived from it (importRewrite() finds nothing to change).
 */
export function presetInput(input: AttrsInput, peer: PeerInfo, defaultLocalPref: number): void {
  if (!peer.isInterior) input.localPref = defaultLocalPref;
  if (!peer.isInternal) {
    input.originatorId = null;
    input.clusterList = null;
  }
}

/** The attributes as they enter import policy. */
export function importRewrite(a: Attrs, peer: PeerInfo, store: AttrStore, defaultLocalPref: number): Attrs {
  let patch: AttrsPatch | null = null;
  if (!peer.isInterior && a.localPref !== defaultLocalPref) (patch ??= {}).localPref = defaultLocalPref;
  if (!peer.isInternal && (a.originatorId !== null || a.clusterList !== null)) {
    patch ??= {};
    patch.originatorId = null;
    patch.clusterList = null;
  }
  const otc = otcIngress(a, peer.config.localRole, peer.asn);
  if (otc.addOtc !== null) (patch ??= {}).otc = otc.addOtc;
  let out = patch === null ? a : store.derive(a, patch);
  if (peer.config.honourGracefulShutdown !== false) out = applyGracefulShutdown(out, store);
  return out;
}
