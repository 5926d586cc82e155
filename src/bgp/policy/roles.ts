// RFC 9234 route-leak prevention with BGP roles and the ONLY_TO_CUSTOMER (OTC) attribute, §5 ingress and egress
// procedures. The role is this speaker's role on the session (`localRole`, BIRD's "local role"): "provider"
// means the neighbor is our customer, and so on. With no role configured nothing here applies (the RFC's
// procedures are tied to the Role capability; its negotiation is the session layer's business).

import type { Attrs } from '../rib/attrs.js';
import type { Role } from '../rib/peer.js';

export type LeakReason = 'otc-from-customer' | 'otc-from-rs-client' | 'otc-peer-mismatch';

export interface IngressResult {
  /** A detected route leak: the route is ineligible (RFC 9234 §5 "MUST be considered ineligible"). */
  readonly leak: LeakReason | null;
  /** OTC value to add (the neighbor's AS) when the route came from a provider, peer or route server. */
  readonly addOtc: number | null;
}

/** RFC 9234 §5, procedures for a route received from a neighbor in AS `remoteAs`. */
export function otcIngress(attrs: Attrs, localRole: Role | undefined, remoteAs: number): IngressResult {
  if (localRole === undefined) return { leak: null, addOtc: null };
  const otc = attrs.otc;
  // 1. From a customer (we are its provider) or an RS-client (we are the route server) with OTC: a leak.
  if (otc !== null && localRole === 'provider') return { leak: 'otc-from-customer', addOtc: null };
  if (otc !== null && localRole === 'rs') return { leak: 'otc-from-rs-client', addOtc: null };
  // 2. From a lateral peer with an OTC that is not the peer's AS: a leak.
  if (otc !== null && localRole === 'peer' && otc !== remoteAs) return { leak: 'otc-peer-mismatch', addOtc: null };
  // 3. From a provider, peer or route server without OTC: mark it as learned from upstream.
  if (otc === null && (localRole === 'customer' || localRole === 'peer' || localRole === 'rs-client')) {
    return { leak: null, addOtc: remoteAs };
  }
  return { leak: null, addOtc: null };
}

export interface EgressResult {
  /** The route must not be sent (it carries OTC and the neighbor is a provider, peer or route server). */
  readonly block: boolean;
  /** OTC value to add (our AS) when sending to a customer, peer or RS-client. */
  readonly addOtc: number | null;
}

/** RFC 9234 §5, procedures for a route about to be sent to a neighbor; `ownAs` is our AS on the session. */
export function otcEgress(attrs: Attrs, localRole: Role | undefined, ownAs: number): EgressResult {
  if (localRole === undefined) return { block: false, addOtc: null };
  const otc = attrs.otc;
  // 2. A route with OTC goes only down to customers (and to RS-clients / from RS, which is "down" too).
  if (otc !== null && (localRole === 'customer' || localRole === 'peer' || localRole === 'rs-client')) {
    return { block: true, addOtc: null };
  }
  // 1. Towards a customer, a peer or an RS-client: add OTC with our AS if absent.
  if (otc === null && (localRole === 'provider' || localRole === 'peer' || localRole === 'rs')) {
    return { block: false, addOtc: ownAs };
  }
  return { block: false, addOtc: null };
}
