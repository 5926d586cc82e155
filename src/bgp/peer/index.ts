// The session layer of the speaker: a Peer per configured neighbor (FSM over a transport, capability
// negotiation, RFC 7606 treatment, graceful restart helper, max-prefix, route refresh), the listener with
// dynamic neighbors, and the events the speaker consumes. See docs/session.md.
export { Peer, type PeerStatus } from './peer.js';
export { type PeerDeps, type PeerCounters } from './core.js';
export { gracefulEnd } from './engine.js';
export * from './config.js';
export * from './events.js';
export * from './errors.js';
export { type FamilyPrefixes, type UpdateIn, type InboundResult, InboundDecoder } from './inbound.js';
export { type NegotiatedSession, type PeerGracefulRestart, type Refusals, AS_TRANS, buildOpen, negotiateSession, applyRefusal, localCapabilities } from './capabilities.js';
export { type GracefulDown, type StaleFlush, type StaleFlushReason, GracefulRestartHelper } from './graceful.js';
export { type PrefixCounter, type PrefixLimitEvent, ExactPrefixCounter, MaxPrefixGuard } from './max-prefix.js';
export { BgpListener, type DynamicRange } from './listener.js';
export { downText, notificationText } from './describe.js';
