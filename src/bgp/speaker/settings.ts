// From the checked configuration (src/bgp/config) to what the session layer and the neighbor binding take:
// our identity and the global graceful restart state go into every neighbor's session input.
import type { DynamicRange, PeerConfigInput } from '../peer/index.js';
import type { DynamicConfig, NeighborConfig, SpeakerConfig } from '../config/types.js';
import type { NeighborSettings } from './neighbor.js';

function withRestart(s: PeerConfigInput['gracefulRestart'], restarting: boolean): PeerConfigInput['gracefulRestart'] {
  if (s === undefined || typeof s === 'boolean') return s;
  return { ...s, restarting };
}

/** The session-layer configuration of a configured neighbor. */
export function peerInput(c: SpeakerConfig, n: NeighborConfig, restarting: boolean): PeerConfigInput {
  return { ...n.session, name: n.name, localAs: c.localAs, routerId: c.routerId, remoteAddress: n.address, peerAs: n.remoteAs,
    gracefulRestart: withRestart(n.session.gracefulRestart, restarting) };
}

/** The listener's template for a dynamic range. */
export function dynamicRange(c: SpeakerConfig, r: DynamicConfig, restarting: boolean): DynamicRange {
  return {
    name: r.name, prefix: r.prefix, limit: r.limit,
    ...(r.remoteAs !== undefined ? { peerAs: r.remoteAs } : {}),
    ...(r.remoteAsRange !== undefined ? { peerAsRange: r.remoteAsRange } : {}),
    template: { ...r.session, localAs: c.localAs, routerId: c.routerId, gracefulRestart: withRestart(r.session.gracefulRestart, restarting) },
  };
}

export function neighborSettings(n: NeighborConfig | DynamicConfig): NeighborSettings {
  return {
    name: n.name, description: n.description, dynamic: 'prefix' in n, range: 'prefix' in n ? n.name : undefined,
    importPolicy: n.importPolicy, exportPolicy: n.exportPolicy, rrClient: n.rrClient, rsClient: n.rsClient,
    localRole: n.localRole, allowAsIn: n.allowAsIn, keepPrePolicy: n.keepPrePolicy, nextHopSelf: n.nextHopSelf,
    nextHop: n.nextHop, honourGracefulShutdown: n.honourGracefulShutdown, interpretCommunities: n.interpretCommunities,
    addPathSend: n.addPathSend, mrai: n.mrai,
  };
}
