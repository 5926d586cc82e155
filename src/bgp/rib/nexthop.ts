// Next hops (RFC 4271 §5.1.3 NEXT_HOP; RFC 4760 §3 MP_REACH next hop with an IPv6 global and an optional
// link-local address, RFC 2545 §3; RFC 8950 IPv6 next hops for IPv4 routes) and their resolution (RFC 4271
// §9.1.2.1: a route whose NEXT_HOP cannot be resolved is excluded from the decision).
//
// A NextHop is interned (a full table has a few hundred distinct next hops) and carries the cached answer of
// the injected resolver: reachable or not, and the IGP cost to it. The cache is valid for one resolver epoch;
// the RIB bumps the epoch when the speaker reports that connected/IGP routes changed.

import { HASH_SEED, Internable, mixString } from './intern.js';
import { Afi, canonicalAddress, parseIPv4 } from './prefix.js';

export class NextHop implements Internable {
  /** Family of the (global) address, which may differ from the route's (RFC 8950). */
  readonly afi: Afi;
  /** Canonical text of the address (IPv6: the global one). */
  readonly address: string;
  /** The IPv4 address as a uint32, or -1 for IPv6. */
  readonly v4: number;
  /** IPv6 link-local address sent next to the global one (RFC 2545 §3), or null. */
  readonly linkLocal: string | null;
  readonly hash: number;
  refs = 0;
  get live(): boolean {
    return this.refs >= 0;
  }
  // Resolver cache (see NextHopResolver); owned by the RIB.
  epoch = -1;
  reachable = true;
  igpCost = 0;

  constructor(address: string, linkLocal: string | null) {
    this.address = address;
    this.linkLocal = linkLocal;
    this.afi = address.includes(':') ? 'ipv6' : 'ipv4';
    this.v4 = this.afi === 'ipv4' ? parseIPv4(address)! : -1;
    this.hash = mixString(mixString(HASH_SEED, address), linkLocal ?? '');
  }

  toString(): string {
    return this.linkLocal === null ? this.address : `${this.address} ${this.linkLocal}`;
  }

  static equals(a: NextHop, b: NextHop): boolean {
    return a.address === b.address && a.linkLocal === b.linkLocal;
  }
}

/** Validated canonical form of a next hop given as text; throws RangeError when malformed. */
export function canonicalNextHop(address: string, linkLocal?: string | null): [string, string | null] {
  const a = canonicalAddress(address);
  if (a === null) throw new RangeError(`bad next hop address "${address}"`);
  let ll: string | null = null;
  if (linkLocal !== undefined && linkLocal !== null && linkLocal !== '') {
    ll = canonicalAddress(linkLocal);
    if (ll === null || !ll.includes(':')) throw new RangeError(`bad link-local next hop "${linkLocal}"`);
  }
  return [a, ll];
}

export interface Resolution {
  /** False makes every route through this next hop ineligible (RFC 4271 §9.1.2.1). */
  readonly reachable: boolean;
  /** Cost to the next hop, for RFC 4271 §9.1.2.2 e; 0 for directly connected next hops. */
  readonly igpCost: number;
}

/**
 * Injected by the speaker (the FIB knows connected and IGP routes). Pure tests pass a table; without one every
 * next hop is reachable at cost 0.
 */
export interface NextHopResolver {
  resolve(nh: NextHop): Resolution;
}

export const ALWAYS_REACHABLE: NextHopResolver = { resolve: () => ({ reachable: true, igpCost: 0 }) };
