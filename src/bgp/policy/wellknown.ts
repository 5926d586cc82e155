// Well-known communities honoured by the RIB: NO_EXPORT, NO_ADVERTISE, NO_EXPORT_SUBCONFED (RFC 1997 §2),
// NO_PEER (RFC 3765, applied only towards neighbors configured with the RFC 9234 role "peer"), and
// GRACEFUL_SHUTDOWN (RFC 8326 §4.2: on receipt, LOCAL_PREF lowered to 0, before import policy so that an import
// policy may still override it).

import type { AttrStore, Attrs } from '../rib/attrs.js';
import { GRACEFUL_SHUTDOWN, NO_ADVERTISE, NO_EXPORT, NO_EXPORT_SUBCONFED, NO_PEER } from '../rib/communities.js';
import type { PeerInfo } from '../rib/peer.js';

export type CommunityBlock = 'no-advertise' | 'no-export' | 'no-export-subconfed' | 'no-peer';

/** Why a route may not be sent to `to` because of its well-known communities, or null. */
export function wellKnownExportBlock(a: Attrs, to: PeerInfo): CommunityBlock | null {
  if (a.communities === null) return null;
  if (a.hasCommunity(NO_ADVERTISE)) return 'no-advertise';
  // Outside the AS or confederation: not to eBGP peers (confederation eBGP peers are inside).
  if (!to.isInterior && a.hasCommunity(NO_EXPORT)) return 'no-export';
  // Outside the member AS: neither to eBGP nor to confederation eBGP peers.
  if (!to.isInternal && a.hasCommunity(NO_EXPORT_SUBCONFED)) return 'no-export-subconfed';
  if (to.config.localRole === 'peer' && a.hasCommunity(NO_PEER)) return 'no-peer';
  return null;
}

/** RFC 8326: the attributes with LOCAL_PREF 0 when GRACEFUL_SHUTDOWN is present, else the same object. */
export function applyGracefulShutdown(a: Attrs, store: AttrStore): Attrs {
  if (a.communities === null || !a.hasCommunity(GRACEFUL_SHUTDOWN) || a.localPref === 0) return a;
  return store.derive(a, { localPref: 0 });
}
