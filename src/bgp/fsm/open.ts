// OPEN checks that need session context, and hold time negotiation.
// RFC 4271 §6.2 (version, peer AS, hold time, BGP Identifier), §4.2 and §4.4 (hold time = min of both, 0 = no
// KEEPALIVEs, keepalive one third of the hold time), RFC 6286 §2.2 (BGP Identifier: any non-zero value; equal to
// ours only an error for an internal peer). Capabilities are the pluggable validator's business (RFC 5492 etc.).
import { ErrorCode, OpenErrorSubcode } from './notification.js';
import type { FsmConfig, Notification, OpenInfo, PeerInfo } from './types.js';

export const BGP_VERSION = 4;

export type OpenCheck =
  | { readonly ok: true; readonly peer: PeerInfo; readonly holdTime: number; readonly keepaliveTime: number }
  | { readonly ok: false; readonly error: Notification; readonly reason: string };

const EMPTY = new Uint8Array(0);

function openError(subcode: number, reason: string, data: Uint8Array = EMPTY): OpenCheck {
  return { ok: false, error: { code: ErrorCode.OpenMessage, subcode, data }, reason };
}

/**
 * Negotiated timers (RFC 4271 §4.2): hold = min(ours, theirs); keepalive = min(configured, hold/3), at least 1 s,
 * or 0 when the hold time is 0 (no KEEPALIVEs, no HoldTimer).
 */
export function negotiateTimers(
  localHold: number, peerHold: number, configuredKeepalive?: number,
): { holdTime: number; keepaliveTime: number } {
  const holdTime = Math.min(localHold, peerHold);
  if (holdTime === 0) return { holdTime, keepaliveTime: 0 };
  const third = Math.max(1, Math.floor(holdTime / 3));
  const keepaliveTime = configuredKeepalive === undefined ? third : Math.min(configuredKeepalive, third);
  return { holdTime, keepaliveTime };
}

/** Checks an OPEN in the order of RFC 4271 §6.2, then the configured validator. */
export function checkOpen(open: OpenInfo, config: FsmConfig): OpenCheck {
  if (open.version !== BGP_VERSION) {
    // RFC 4271 §6.2: data = the largest locally supported version (below theirs), or our smallest: always 4.
    return openError(OpenErrorSubcode.UnsupportedVersionNumber, `version ${open.version} is not supported`,
      new Uint8Array([0, BGP_VERSION]));
  }
  if (config.peerAs !== undefined && open.as !== config.peerAs) {
    return openError(OpenErrorSubcode.BadPeerAs, `peer AS ${open.as} is not the configured ${config.peerAs}`);
  }
  // RFC 4271 §6.2: hold time 1 or 2 MUST be rejected; we also reject anything below minHoldTime except 0.
  if (open.holdTime !== 0 && open.holdTime < config.minHoldTime) {
    return openError(OpenErrorSubcode.UnacceptableHoldTime,
      `hold time ${open.holdTime} s is below the minimum of ${config.minHoldTime} s`);
  }
  const internal = open.as === config.localAs;
  const id = open.bgpId >>> 0;
  if (id === 0 || open.bgpId !== id) {
    return openError(OpenErrorSubcode.BadBgpIdentifier, `BGP identifier ${open.bgpId} is not a non-zero 32-bit value`);
  }
  if (internal && id === config.localBgpId >>> 0) {
    return openError(OpenErrorSubcode.BadBgpIdentifier, 'internal peer uses our own BGP identifier (RFC 6286 §2.2)');
  }
  let negotiated: unknown = undefined;
  if (config.validateOpen !== undefined) {
    const v = config.validateOpen(open, {
      localAs: config.localAs, localBgpId: config.localBgpId, peerAs: config.peerAs, internal,
    });
    if (!v.ok) return openError(v.subcode, v.reason ?? `OPEN rejected (subcode ${v.subcode})`, v.data ?? EMPTY);
    negotiated = v.negotiated;
  }
  const { holdTime, keepaliveTime } = negotiateTimers(config.holdTime, open.holdTime, config.keepaliveTime);
  return {
    ok: true,
    holdTime,
    keepaliveTime,
    peer: { as: open.as, bgpId: id, holdTime: open.holdTime, internal, capabilities: open.capabilities, negotiated },
  };
}
