// The BGP speaker daemon's core: neighbors ⇄ RIB ⇄ FIB. See docs/speaker.md.
export { Speaker, SpeakerError, UnknownNeighborError, FLUSH_PREFIXES, type SpeakerDeps } from './speaker.js';
export { Neighbor, type NeighborSettings, type NeighborCounters, afiOf, familyOf } from './neighbor.js';
export { AttrConverter } from './inbound.js';
export { AttrEncoder, wireAttributes, buildAnnouncements, buildWithdrawals } from './outbound.js';
export { FibSync } from './fib-sync.js';
export { Originated, type OriginatedRoute, type RouteSource } from './originate.js';
