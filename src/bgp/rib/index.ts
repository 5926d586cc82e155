// The RIB's public surface (pure: no I/O). See docs/rib.md. The speaker creates one Rib, registers neighbors,
// feeds it routes converted from UPDATEs (AttrStore.intern + announce/withdraw) and sends what flush() returns.
export { Rib } from './rib.js';
export type {
  RibOptions, LocRoute, LocChange, OutChange, RibNotice, IneligibleNotice, RibSink, RibChanges, PrefixBatch,
  CandidateRoute, RibStats,
} from './rib.js';
export { AttrStore, Attrs, OpaqueList, attrsToJSON, attrsToInput, parseId, ORIGIN_IGP, ORIGIN_EGP, ORIGIN_INCOMPLETE, ORIGIN_NAMES } from './attrs.js';
export type { AttrsInput, AttrsValues, AttrsPatch, AttrFields, AttrsJSON, OpaqueAttr, OriginName, StoreStats } from './attrs.js';
export { AsPath, AS_SET, AS_SEQUENCE, AS_CONFED_SEQUENCE, AS_CONFED_SET, parseAsPathText } from './aspath.js';
export type { AsPathSegment, SegmentTypeName } from './aspath.js';
export * from './communities.js';
export { NextHop, ALWAYS_REACHABLE } from './nexthop.js';
export type { NextHopResolver, Resolution } from './nexthop.js';
export { PeerInfo, ROLES } from './peer.js';
export type { PeerConfig, PeerKind, Role, SessionParams, AddPathSend, PeerRef } from './peer.js';
export * from './prefix.js';
export { DECISION_DEFAULTS, resolveDecisionOptions } from './decision/options.js';
export type { DecisionOptions, MultipathOptions, AsPathRelax } from './decision/options.js';
export { RULES, compareRoutes } from './decision/rules.js';
export type { Rule, RuleName, Candidate, DecisionContext, Comparison } from './decision/rules.js';
export { select } from './decision/select.js';
export type { Selection, Trace, TraceStep } from './decision/select.js';
export { formatExplanation } from './decision/explain.js';
export type { Explanation, ExplainCandidate, ExplainStep } from './decision/explain.js';
export { EXPORT_BLOCK_TEXT } from './export.js';
export type { ExportBlock } from './export.js';
export { groupOutChanges } from './group.js';
export type { UpdateGroup } from './group.js';
