// RFC 8212 "Default External BGP (EBGP) Route Propagation Behavior without Policies": on an eBGP session with no
// explicitly configured import (export) policy, no routes are accepted (advertised). The RIB reports this as a
// typed notice, once per session and direction, for the speaker to log; routes held back this way are counted.
// Confederation-eBGP sessions are inside the confederation and not covered (as in BIRD, which applies the rule to
// "external" sessions only).

import type { PeerInfo } from '../rib/peer.js';
import type { Policy } from './types.js';

export type Rfc8212Code = 'RFC8212_NO_IMPORT_POLICY' | 'RFC8212_NO_EXPORT_POLICY';

export interface Rfc8212Notice {
  readonly kind: 'rfc8212';
  readonly code: Rfc8212Code;
  readonly peer: string;
  readonly direction: 'import' | 'export';
  readonly message: string;
}

/** The policy in force, or an RFC 8212 notice when an eBGP session has none configured. */
export function effectivePolicy(peer: PeerInfo, direction: 'import' | 'export', enforce: boolean):
  { policy: Policy | null; notice: Rfc8212Notice | null } {
  const configured = direction === 'import' ? peer.config.importPolicy : peer.config.exportPolicy;
  if (configured !== undefined && configured !== null) return { policy: configured, notice: null };
  if (!enforce || peer.kind !== 'ebgp') return { policy: null, notice: null };
  const code: Rfc8212Code = direction === 'import' ? 'RFC8212_NO_IMPORT_POLICY' : 'RFC8212_NO_EXPORT_POLICY';
  return {
    policy: null,
    notice: {
      kind: 'rfc8212', code, peer: peer.name, direction,
      message: `eBGP neighbor ${peer.name} has no ${direction} policy: ${direction === 'import' ? 'no routes are accepted from' : 'no routes are advertised to'} it (RFC 8212)`,
    },
  };
}
