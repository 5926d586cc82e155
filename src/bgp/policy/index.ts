// The policy engine's public surface (pure: no I/O). See docs/policy.md for the data format.
export * from './types.js';
export { compilePolicy, compilePolicyConfig, compilePrefixList, ACCEPT_ALL, REJECT_ALL } from './compile.js';
export type { CompiledPolicyConfig } from './compile.js';
export { PrefixSet, parsePrefixEntry } from './prefix-list.js';
export type { PrefixRange } from './prefix-list.js';
export { compileAsPathRegex } from './aspath-regex.js';
export { CommunityPattern, LargeCommunityPattern, ExtCommunityPattern } from './community-match.js';
export { otcIngress, otcEgress } from './roles.js';
export type { LeakReason, IngressResult, EgressResult } from './roles.js';
export { wellKnownExportBlock, applyGracefulShutdown } from './wellknown.js';
export type { CommunityBlock } from './wellknown.js';
export { effectivePolicy } from './rfc8212.js';
export type { Rfc8212Notice, Rfc8212Code } from './rfc8212.js';
