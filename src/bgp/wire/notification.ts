// NOTIFICATION (RFC 4271 §4.5) with the names of every registered error code and subcode (IANA "BGP Error
// (Notification) Codes/Subcodes": RFC 4271, RFC 4486, RFC 5492, RFC 6608, RFC 7313, RFC 8203, RFC 8538, RFC 9003,
// RFC 9234, RFC 9384, RFC 9687) and interpretation of the data field:
//   Cease/Administrative Shutdown and Reset carry a shutdown communication (RFC 8203 §2, length up to 255 octets
//   of UTF-8 since RFC 9003); Cease/Maximum Number of Prefixes Reached carries AFI, SAFI, upper bound (RFC 4486
//   §4); Cease/Hard Reset carries an encapsulated code, subcode and data (RFC 8538 §3).
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Error code    | Error subcode |   Data ...
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
import type { NotificationMessage } from './messages.js';

export const CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'Message Header Error', 2: 'OPEN Message Error', 3: 'UPDATE Message Error', 4: 'Hold Timer Expired',
  5: 'Finite State Machine Error', 6: 'Cease', 7: 'ROUTE-REFRESH Message Error', 8: 'Send Hold Timer Expired',
};

export const SUBCODE_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: { 0: 'Unspecific', 1: 'Connection Not Synchronized', 2: 'Bad Message Length', 3: 'Bad Message Type' },
  2: { 0: 'Unspecific', 1: 'Unsupported Version Number', 2: 'Bad Peer AS', 3: 'Bad BGP Identifier',
    4: 'Unsupported Optional Parameter', 5: 'Authentication Failure (deprecated)', 6: 'Unacceptable Hold Time',
    7: 'Unsupported Capability', 8: 'Deprecated', 9: 'Deprecated', 10: 'Deprecated', 11: 'Role Mismatch' },
  3: { 0: 'Unspecific', 1: 'Malformed Attribute List', 2: 'Unrecognized Well-known Attribute',
    3: 'Missing Well-known Attribute', 4: 'Attribute Flags Error', 5: 'Attribute Length Error',
    6: 'Invalid ORIGIN Attribute', 7: 'AS Routing Loop (deprecated)', 8: 'Invalid NEXT_HOP Attribute',
    9: 'Optional Attribute Error', 10: 'Invalid Network Field', 11: 'Malformed AS_PATH' },
  5: { 0: 'Unspecified Error', 1: 'Receive Unexpected Message in OpenSent State',
    2: 'Receive Unexpected Message in OpenConfirm State', 3: 'Receive Unexpected Message in Established State' },
  6: { 0: 'Unspecific', 1: 'Maximum Number of Prefixes Reached', 2: 'Administrative Shutdown',
    3: 'Peer De-configured', 4: 'Administrative Reset', 5: 'Connection Rejected', 6: 'Other Configuration Change',
    7: 'Connection Collision Resolution', 8: 'Out of Resources', 9: 'Hard Reset', 10: 'BFD Down' },
  7: { 0: 'Reserved', 1: 'Invalid Message Length' },
};

export function codeName(code: number): string {
  return CODE_NAMES[code] ?? `Unknown error code ${code}`;
}
export function subcodeName(code: number, subcode: number): string {
  const t = SUBCODE_NAMES[code];
  if (t === undefined) return subcode === 0 ? 'Unspecific' : `Subcode ${subcode}`;
  return t[subcode] ?? `Unknown subcode ${subcode}`;
}

/** What the data field of a NOTIFICATION says, where an RFC defines it. */
export interface NotificationInfo {
  readonly codeName: string;
  readonly subcodeName: string;
  /** RFC 8203/9003 shutdown communication, when the data holds a valid one. */
  readonly shutdown?: string;
  /** RFC 4486 §4 maximum-prefix data. */
  readonly maxPrefix?: { readonly afi: number; readonly safi: number; readonly limit: number };
  /** RFC 8538 §3 encapsulated error of a Hard Reset. */
  readonly hardReset?: { readonly code: number; readonly subcode: number; readonly data: Uint8Array };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function notificationInfo(m: NotificationMessage): NotificationInfo {
  const base = { codeName: codeName(m.code), subcodeName: subcodeName(m.code, m.subcode) };
  const d = m.data;
  if (m.code === 6 && (m.subcode === 2 || m.subcode === 4) && d.length >= 1 && 1 + d[0]! <= d.length) {
    try {
      return { ...base, shutdown: utf8.decode(d.subarray(1, 1 + d[0]!)) };
    } catch {
      return base; // not UTF-8: RFC 8203 §2 says to treat it as absent (the raw data stays in the message)
    }
  }
  if (m.code === 6 && m.subcode === 1 && d.length === 7) {
    return { ...base, maxPrefix: { afi: (d[0]! << 8) | d[1]!, safi: d[2]!,
      limit: ((d[3]! << 24) | (d[4]! << 16) | (d[5]! << 8) | d[6]!) >>> 0 } };
  }
  if (m.code === 6 && m.subcode === 9 && d.length >= 2) {
    return { ...base, hardReset: { code: d[0]!, subcode: d[1]!, data: d.subarray(2) } };
  }
  return base;
}

/** A Cease NOTIFICATION with a shutdown communication (RFC 9003 §2); subcode 2 (shutdown) or 4 (reset). */
export function shutdownNotification(text: string, subcode: 2 | 4 = 2): NotificationMessage {
  let bytes = new TextEncoder().encode(text);
  if (bytes.length > 255) {
    // Cut at a character boundary so the result stays valid UTF-8.
    let n = 255;
    while (n > 0 && (bytes[n]! & 0xc0) === 0x80) n--;
    bytes = bytes.subarray(0, n);
  }
  const data = new Uint8Array(1 + bytes.length);
  data[0] = bytes.length;
  data.set(bytes, 1);
  return { type: 'NOTIFICATION', code: 6, subcode, data };
}
