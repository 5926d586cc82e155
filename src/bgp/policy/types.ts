// Types of the policy engine: the data format (what a YAML `policies:` section holds, kebab-case keys as in the
// rest of the configuration) and the compiled form the RIB calls. RFC 4271 §9.1.1 and §9.1.3 leave import and
// export policy to the implementation ("policy information base"); this is ours.
//
// Data format (every list condition means "any of"; the conditions of one `match` must all hold):
//
//   prefix-lists:
//     bogons: [ "0.0.0.0/8 le 32", "10.0.0.0/8 le 32", { prefix: "192.0.2.0/24", ge: 24, le: 32 } ]
//   policies:
//     from-upstream:
//       default: reject                     # when no term decides (default: reject)
//       terms:
//         - name: no-bogons
//           match: { prefix-list: bogons }
//           action: reject
//         - match: { community: "64500:666" }
//           set: { local-pref: 50, community: { remove: ["64500:*"] } }
//           action: accept                  # accept | reject | next (default: next when `set` is given)
//
// A policy is compiled once (regexes, prefix tries, community patterns), then bound to one session and one
// direction; the binding caches results per attribute set (see evaluate.ts).

import type { AttrStore, Attrs } from '../rib/attrs.js';
import type { PeerInfo } from '../rib/peer.js';
import type { Afi, PrefixKey } from '../rib/prefix.js';
import { AnycastError } from '../../util/errors.js';

// ---------------------------------------------------------------------------------------------------------------
// Data format

export type PrefixEntryDef = string | { prefix: string; ge?: number; le?: number };
export type RangeDef = number | string | { min?: number; max?: number };
export type AsnListDef = number | string | readonly (number | string)[];
export type OneOrMany<T> = T | readonly T[];

export interface MatchDef {
  'prefix-list'?: OneOrMany<string>;
  prefix?: OneOrMany<PrefixEntryDef>;
  'prefix-length'?: RangeDef;
  /** Regular expressions over the AS path text, `_` as in Cisco/Junos (see aspath-regex.ts). */
  'as-path'?: OneOrMany<string>;
  'as-path-length'?: RangeDef;
  'origin-as'?: AsnListDef;
  'neighbor-as'?: AsnListDef;
  /** Any AS of the list anywhere in the path. */
  'as-path-contains'?: AsnListDef;
  community?: OneOrMany<string>;
  'community-all'?: OneOrMany<string>;
  'large-community'?: OneOrMany<string>;
  'ext-community'?: OneOrMany<string>;
  /** Next-hop addresses or prefixes. */
  'next-hop'?: OneOrMany<string>;
  /** How the route was learned: ebgp, ibgp, or local (originated here). */
  'route-type'?: OneOrMany<'ebgp' | 'ibgp' | 'local'>;
  /** The peer the route was learned from, by name or address (useful in export policies). */
  neighbor?: OneOrMany<string>;
  origin?: OneOrMany<'igp' | 'egp' | 'incomplete'>;
  'local-pref'?: RangeDef;
  med?: RangeDef;
  not?: MatchDef;
  any?: readonly MatchDef[];
}

export interface CommunityEditDef {
  add?: OneOrMany<string>;
  /** Patterns: "64500:*" removes every community of AS 64500. */
  remove?: OneOrMany<string>;
  clear?: boolean;
  /** Replace the whole list. */
  set?: OneOrMany<string>;
}

export interface SetDef {
  'local-pref'?: number;
  /** A value, or "remove". */
  med?: number | 'remove';
  origin?: 'igp' | 'egp' | 'incomplete';
  /** Own AS n times, or a given AS: { as: 64500, count: 2 }. */
  prepend?: number | { as?: number; count?: number };
  community?: CommunityEditDef;
  'large-community'?: CommunityEditDef;
  'ext-community'?: CommunityEditDef;
  /** "self" (our address on the session) or an address. */
  'next-hop'?: string;
}

export type TermAction = 'accept' | 'reject' | 'next';

export interface TermDef {
  name?: string;
  match?: MatchDef;
  set?: SetDef;
  action?: TermAction;
}

export interface PolicyDef {
  terms?: readonly TermDef[];
  default?: 'accept' | 'reject';
}

export interface PolicyConfigDef {
  'prefix-lists'?: Record<string, readonly PrefixEntryDef[]>;
  policies?: Record<string, PolicyDef | 'accept' | 'reject'>;
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled form

/** A route as a policy sees it. */
export interface RouteView {
  readonly afi: Afi;
  readonly prefix: PrefixKey;
  readonly attrs: Attrs;
  /** The peer the route was learned from (the local pseudo-peer for originated routes). */
  readonly source: PeerInfo;
}

/** What a binding needs from the RIB. */
export interface PolicyEnv {
  readonly store: AttrStore;
  /** The AS `prepend` with no `as` adds (the session's own AS: the confederation id towards external peers). */
  readonly ownAs: number;
  /** The session the policy is attached to. */
  readonly peer: PeerInfo;
  readonly direction: 'import' | 'export';
}

export interface PolicyResult {
  readonly accept: boolean;
  /** The attributes after the policy's `set` actions (identical to the input when nothing changed). */
  readonly attrs: Attrs;
  /** Name (or "#n") of the term that decided, or null when the default did. */
  readonly term: string | null;
  /** `next-hop: self` was set: the RIB puts our session address. */
  readonly nextHopSelf: boolean;
  /** The policy set (or removed) MED, so the eBGP export keeps it (RFC 4271 §5.1.4). */
  readonly medSet: boolean;
}

export interface Policy {
  readonly name: string;
  /** Some term looks at the prefix: results are cached per attribute set only for the prefix-free part. */
  readonly dependsOnPrefix: boolean;
  /** Some term looks at the source peer (route-type, neighbor). */
  readonly dependsOnSource: boolean;
  readonly termCount: number;
  /** For a policy without terms, its constant verdict (the RIB then skips evaluation); otherwise null. */
  readonly constant: boolean | null;
  /** Bind to a session and direction; the binding holds the result cache. */
  bind(env: PolicyEnv): BoundPolicy;
}

export interface BoundPolicy {
  readonly policy: Policy;
  readonly env: PolicyEnv;
  evaluate(route: RouteView): PolicyResult;
}

/** A policy definition that cannot be compiled: the dotted key and the reason (the loader adds the file). */
export class PolicyError extends AnycastError {
  readonly key: string;
  readonly reason: string;
  constructor(key: string, reason: string) {
    super('ERR_POLICY', `${key}: ${reason}`);
    this.key = key;
    this.reason = reason;
  }
}
