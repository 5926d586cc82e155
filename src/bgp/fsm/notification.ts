// NOTIFICATION codes and subcodes the session FSM emits or interprets, and the pure encoders/decoders for the
// data fields it produces: RFC 4271 §4.5/§6 (codes), RFC 6608 (FSM error subcodes), RFC 4486 (Cease subcodes and
// the Maximum Number of Prefixes data), RFC 9003 (Shutdown Communication), RFC 8538 §3 (Hard Reset data).
// Kept here rather than imported from the wire codec so that the FSM has no dependency on it; the shapes match
// (a Notification is structurally the codec's NotificationFields).
import type { CeaseRequest, Notification, StateName } from './types.js';

/** RFC 4271 §4.5 error codes (7: RFC 7313 ROUTE-REFRESH Message Error). */
export const ErrorCode = {
  MessageHeader: 1,
  OpenMessage: 2,
  UpdateMessage: 3,
  HoldTimerExpired: 4,
  FiniteStateMachine: 5,
  Cease: 6,
  RouteRefreshMessage: 7,
} as const;

/** RFC 4271 §6.2 / RFC 5492 / RFC 9234 OPEN Message Error subcodes. */
export const OpenErrorSubcode = {
  Unspecific: 0,
  UnsupportedVersionNumber: 1,
  BadPeerAs: 2,
  BadBgpIdentifier: 3,
  UnsupportedOptionalParameter: 4,
  UnacceptableHoldTime: 6,
  UnsupportedCapability: 7,
  RoleMismatch: 11,
} as const;

/** RFC 6608 §3: Finite State Machine Error subcodes, one per state where an unexpected message can arrive. */
export const FsmErrorSubcode = {
  Unspecified: 0,
  UnexpectedInOpenSent: 1,
  UnexpectedInOpenConfirm: 2,
  UnexpectedInEstablished: 3,
} as const;

/** RFC 4486 §4 (+ RFC 8538 §5 Hard Reset, RFC 9384 BFD Down) Cease subcodes. */
export const CeaseSubcode = {
  MaximumPrefixesReached: 1,
  AdministrativeShutdown: 2,
  PeerDeconfigured: 3,
  AdministrativeReset: 4,
  ConnectionRejected: 5,
  OtherConfigurationChange: 6,
  ConnectionCollisionResolution: 7,
  OutOfResources: 8,
  HardReset: 9,
  BfdDown: 10,
} as const;

const EMPTY = new Uint8Array(0);

/** RFC 6608 subcode for an unexpected event in `state` (0 where RFC 6608 defines none). */
export function fsmErrorSubcode(state: StateName): number {
  switch (state) {
    case 'OpenSent': return FsmErrorSubcode.UnexpectedInOpenSent;
    case 'OpenConfirm': return FsmErrorSubcode.UnexpectedInOpenConfirm;
    case 'Established': return FsmErrorSubcode.UnexpectedInEstablished;
    default: return FsmErrorSubcode.Unspecified;
  }
}

/** RFC 9003 §2: at most 255 octets of UTF-8 after the length octet. */
export const SHUTDOWN_COMMUNICATION_MAX = 255;

/**
 * RFC 9003 Shutdown Communication data field: one length octet then UTF-8. Text longer than 255 octets is cut on
 * a character boundary (a cut in the middle of a multi-byte sequence would make the whole message invalid UTF-8,
 * which the receiver must then ignore).
 */
export function encodeShutdownCommunication(text: string): Uint8Array {
  let bytes = new TextEncoder().encode(text);
  if (bytes.length > SHUTDOWN_COMMUNICATION_MAX) {
    let end = SHUTDOWN_COMMUNICATION_MAX;
    // Back off over continuation bytes (10xxxxxx) so the cut falls before a character's first byte.
    while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
    bytes = bytes.subarray(0, end);
  }
  const out = new Uint8Array(1 + bytes.length);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

/**
 * The Shutdown Communication in a received Cease 2/4's data, or undefined when absent or invalid (RFC 9003 §4:
 * a bad length or invalid UTF-8 is logged and ignored, never fatal). An empty communication (length 0) is "".
 */
export function decodeShutdownCommunication(data: Uint8Array): string | undefined {
  if (data.length === 0) return undefined;
  const len = data[0]!;
  if (1 + len > data.length) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(1, 1 + len));
  } catch {
    return undefined;
  }
}

/** RFC 4486 §4 Maximum Number of Prefixes Reached data: AFI (2), SAFI (1), prefix upper bound (4). */
export function maxPrefixesData(afi: number, safi: number, upperBound: number): Uint8Array {
  const out = new Uint8Array(7);
  const v = new DataView(out.buffer);
  v.setUint16(0, afi);
  v.setUint8(2, safi);
  v.setUint32(3, upperBound >>> 0);
  return out;
}

/** RFC 8538 §3.1 Hard Reset data: the code, subcode and data of the underlying error. */
export function hardResetData(inner: Notification): Uint8Array {
  const out = new Uint8Array(2 + inner.data.length);
  out[0] = inner.code;
  out[1] = inner.subcode;
  out.set(inner.data, 2);
  return out;
}

/** RFC 9003 §2: a communication is carried only by Administrative Shutdown and Administrative Reset. */
function carriesCommunication(subcode: number): boolean {
  return subcode === CeaseSubcode.AdministrativeShutdown || subcode === CeaseSubcode.AdministrativeReset;
}

/** The NOTIFICATION for a Cease request. A communication on a subcode that cannot carry one is left out. */
export function ceaseNotification(req: CeaseRequest): Notification {
  let data = req.data ?? EMPTY;
  if (req.communication !== undefined && carriesCommunication(req.subcode)) {
    data = encodeShutdownCommunication(req.communication);
  }
  return { code: ErrorCode.Cease, subcode: req.subcode, data };
}

/** The communication of a received NOTIFICATION, if it is a Cease 2/4 that carries a valid one. */
export function receivedCommunication(n: Notification): string | undefined {
  if (n.code !== ErrorCode.Cease || !carriesCommunication(n.subcode)) return undefined;
  return decodeShutdownCommunication(n.data);
}

