// One-line descriptions of NOTIFICATIONs and of why a session went down, for logs, events and `show neighbor`
// (in the style of BIRD's "Received: Administrative shutdown" / FRR's "Notification received (Cease/...)").
// RFC 4271 §4.5 names, RFC 9003 shutdown communications, RFC 4486 max-prefix data, RFC 8538 Hard Reset.
import type { DownReason } from '../fsm/types.js';
import { familyText, family } from '../wire/context.js';
import { notificationInfo } from '../wire/notification.js';
import type { PeerDownCause } from './events.js';

export function notificationText(code: number, subcode: number, data: Uint8Array): string {
  const info = notificationInfo({ type: 'NOTIFICATION', code, subcode, data });
  let s = `${info.codeName} / ${info.subcodeName}`;
  if (info.shutdown !== undefined) s += `, shutdown communication ${JSON.stringify(info.shutdown)}`;
  if (info.maxPrefix !== undefined) {
    s += `, ${familyText(family(info.maxPrefix.afi, info.maxPrefix.safi))} limit ${info.maxPrefix.limit}`;
  }
  if (info.hardReset !== undefined) {
    s += ` (${notificationText(info.hardReset.code, info.hardReset.subcode, info.hardReset.data)})`;
  }
  return s;
}

/** `sent`: the text of the NOTIFICATION this side sent last on the connection, if any (it says more than the reason). */
export function downText(reason: DownReason, cause: PeerDownCause = { kind: 'fsm' }, sent?: string): string {
  if (cause.kind === 'sendHoldTimerExpired') return `send hold timer expired: the peer read nothing for ${cause.seconds} s`;
  const base = ((): string => {
    switch (reason.kind) {
      case 'manualStop': return `administrative stop (${sent ?? notificationText(6, reason.subcode, reason.communication !== undefined
        ? shutdownData(reason.communication) : new Uint8Array(0))})`;
      case 'automaticStop': return `automatic stop (${sent ?? notificationText(6, reason.subcode, reason.data)})`;
      case 'holdTimerExpired': return 'hold timer expired';
      case 'notificationReceived': return `NOTIFICATION received: ${notificationText(reason.code, reason.subcode, reason.data)}`;
      case 'notificationSent': return `NOTIFICATION sent: ${notificationText(reason.code, reason.subcode, reason.data)}`;
      case 'errorNotSent': return `error before OPEN: ${notificationText(reason.code, reason.subcode, reason.data)}`;
      case 'unexpectedEvent': return `unexpected event ${reason.event}`;
      case 'tcpFailed': return `connection failed${reason.error !== undefined ? `: ${reason.error}` : ''}`;
      case 'collision': return 'connection collision resolution (this connection lost)';
    }
  })();
  if (cause.kind === 'maxPrefix') return `${base}: ${familyText(cause.family)} ${cause.count} prefixes > limit ${cause.limit}`;
  if (cause.kind === 'peerRestarted') return `peer restarted (new connection with graceful restart): ${base}`;
  return base;
}

function shutdownData(text: string): Uint8Array {
  const b = new TextEncoder().encode(text).subarray(0, 255);
  const out = new Uint8Array(1 + b.length);
  out[0] = b.length;
  out.set(b, 1);
  return out;
}
