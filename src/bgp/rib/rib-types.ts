// Types of the RIB's interface: options, Loc-RIB and Adj-RIB-Out deltas, notices, flush sinks.

import type { Rfc8212Notice } from '../policy/rfc8212.js';
import type { OutEmit } from './adj-out.js';
import type { AttrStore, Attrs } from './attrs.js';
import type { DecisionOptions, MultipathOptions } from './decision/options.js';
import type { LocalOptions } from './local.js';
import type { NextHopResolver } from './nexthop.js';
import type { PeerInfo } from './peer.js';
import type { Afi, PrefixKey } from './prefix.js';

export interface RibOptions extends LocalOptions {
  decision?: Partial<Omit<DecisionOptions, 'multipath'>> & { multipath?: Partial<MultipathOptions> };
  resolver?: NextHopResolver;
}

export interface LocRoute {
  readonly peer: PeerInfo;
  readonly pathId: number;
  readonly attrs: Attrs;
  readonly stale: boolean;
}

/** A Loc-RIB change of one prefix: new best (null: no route any more), multipath set, previous best. */
export interface LocChange {
  readonly afi: Afi;
  readonly prefix: PrefixKey;
  readonly best: LocRoute | null;
  /** The multipath set, best first ([best] without multipath, [] without a best). */
  readonly multipath: readonly LocRoute[];
  readonly previous: LocRoute | null;
}

/** One Adj-RIB-Out change: send `attrs` for (prefix, pathId), or withdraw it (attrs null). */
export interface OutChange {
  readonly peer: PeerInfo;
  readonly afi: Afi;
  readonly prefix: PrefixKey;
  readonly pathId: number;
  readonly attrs: Attrs | null;
}

/** Routes made ineligible on receipt (loops, leaks) during one flush, per neighbor and reason. */
export interface IneligibleNotice {
  readonly kind: 'ineligible';
  readonly peer: string;
  readonly reason: string;
  readonly count: number;
}

export type RibNotice = Rfc8212Notice | IneligibleNotice;

/** Receiver of flush() output; every callback optional. */
export interface RibSink {
  loc?(change: LocChange): void;
  out?: OutEmit;
  notice?(n: RibNotice): void;
}

export interface RibChanges {
  readonly loc: LocChange[];
  readonly out: OutChange[];
  readonly notices: RibNotice[];
}

/** Prefixes as the wire codec decodes them (its PrefixList): lengths, address words, optional path ids. */
export interface PrefixBatch {
  readonly length: number;
  /** Prefix length (bits) of entry i. */
  prefixLen(i: number): number;
  /** Word k of entry i's address, a big-endian uint32: k = 0 for IPv4, 0..3 for IPv6. */
  addrWord(i: number, k?: number): number;
  /** Path Identifier of entry i (0 when the batch carries none). */
  pathIdAt(i: number): number;
  readonly hasPathIds: boolean;
}

export interface CandidateRoute extends LocRoute {
  readonly eligible: boolean;
  readonly ineligible: string | null;
}

export interface RibStats {
  prefixes: Record<Afi, number>;
  paths: Record<Afi, number>;
  peers: number;
  store: ReturnType<AttrStore['stats']>;
  /** Best-path decisions for a prefix: full runs over every candidate, and changes settled incrementally. */
  bestPath: { full: number; incremental: number };
}

