// The speaker's own identity as the RIB needs it: AS, router id, cluster id (RFC 4456 §7: the router id unless
// configured), confederation (RFC 5065: our AS is then the member AS, the confederation id is what external peers
// see).

import { parseId } from './attrs.js';
import type { PeerInfo } from './peer.js';

export interface LocalConfig {
  readonly localAs: number;
  readonly routerId: number;
  readonly clusterId: number;
  /** Confederation identifier, or null outside a confederation. */
  readonly confederationId: number | null;
  /** Member ASes of our confederation (ours included). */
  readonly confedMembers: ReadonlySet<number>;
  /** Apply RFC 8212 to eBGP sessions without a policy. */
  readonly rfc8212: boolean;
}

export interface LocalOptions {
  localAs: number;
  routerId: number | string;
  clusterId?: number | string;
  confederation?: { id: number; members: readonly number[] };
  rfc8212?: boolean;
}

export function resolveLocal(o: LocalOptions): LocalConfig {
  const asn = o.localAs;
  if (!Number.isInteger(asn) || asn < 1 || asn > 0xffffffff) throw new RangeError(`bad local AS ${asn}`);
  const routerId = parseId(o.routerId, 'router id');
  const members = new Set<number>(o.confederation?.members ?? []);
  if (o.confederation) members.add(asn);
  return {
    localAs: asn,
    routerId,
    clusterId: o.clusterId === undefined ? routerId : parseId(o.clusterId, 'cluster id'),
    confederationId: o.confederation?.id ?? null,
    confedMembers: members,
    rfc8212: o.rfc8212 ?? true,
  };
}

/** The AS a session presents as ours: the confederation id towards external peers, else the local AS. */
export function ownAsFor(local: LocalConfig, peer: PeerInfo): number {
  return peer.kind === 'ebgp' && local.confederationId !== null ? local.confederationId : local.localAs;
}

/** Neighbor kind from ASNs (RFC 4271 §1.1; RFC 5065 §2 for confederation members). */
export function kindFor(local: LocalConfig, remoteAs: number): 'ebgp' | 'ibgp' | 'confed-ebgp' {
  if (remoteAs === local.localAs) return 'ibgp';
  if (local.confedMembers.has(remoteAs)) return 'confed-ebgp';
  return 'ebgp';
}
