// Protocol errors as data. Every malformation the codec finds is a WireError: a discriminated union on `kind`
// carrying the RFC 7606 action to take and what the NOTIFICATION would need; toNotification() maps each kind to its
// RFC 4271 §6 code/subcode/data exhaustively (a new kind without a mapping does not compile).
//
// Actions (RFC 7606 §2), weakest first:
//   'discard'           attribute discard: drop the attribute, keep processing the UPDATE
//   'withdraw'          treat-as-withdraw: every prefix the UPDATE announces is handled as withdrawn
//   'afi-safi-disable'  RFC 4760 §7: drop the peer's routes of that AFI/SAFI and ignore it for the session
//   'reset'             session reset: send the NOTIFICATION and close
// RFC 7606 §3(h): when several errors occur, the strongest action wins (worstAction()).
// Errors that only a session can detect (AS of the peer, eBGP-only rules) come from validate.ts, not the parser.
import { AnycastError } from '../../util/errors.js';

export type Action = 'discard' | 'withdraw' | 'afi-safi-disable' | 'reset';

const SEVERITY: Record<Action, number> = { 'discard': 0, 'withdraw': 1, 'afi-safi-disable': 2, 'reset': 3 };

/** The strongest of the actions (RFC 7606 §3(h): "the approach with the strongest action MUST be used"). */
export function worstAction(errors: readonly { action: Action }[]): Action | null {
  let worst: Action | null = null;
  for (const e of errors) if (worst === null || SEVERITY[e.action] > SEVERITY[worst]) worst = e.action;
  return worst;
}
export function actionSeverity(a: Action): number {
  return SEVERITY[a];
}

interface Base<K extends string, A extends Action = Action> {
  readonly kind: K;
  readonly action: A;
  /** A sentence for logs and the CLI. */
  readonly reason: string;
}

/** An error about one path attribute; `attr` holds its full bytes (flags, type, length, value) for the data field. */
interface AttrBase<K extends string, A extends Action = Action> extends Base<K, A> {
  readonly typeCode: number;
  readonly attr: Uint8Array;
  /** For MP_REACH_NLRI/MP_UNREACH_NLRI errors with action 'afi-safi-disable': the family to disable. */
  readonly afi?: number;
  readonly safi?: number;
}

export type WireError =
  // ---- message header (RFC 4271 §6.1) ----
  | Base<'header-marker', 'reset'>
  | (Base<'header-length', 'reset'> & { readonly length: number })
  | (Base<'header-type', 'reset'> & { readonly msgType: number })
  // ---- OPEN (RFC 4271 §6.2, RFC 5492 §5, RFC 9072, RFC 9234 §4.2) ----
  | (Base<'open-version', 'reset'> & { readonly version: number })
  | (Base<'open-peer-as', 'reset'> & { readonly asn: number })
  | (Base<'open-bgp-id', 'reset'> & { readonly bgpId: string })
  | (Base<'open-optional-param', 'reset'> & { readonly paramType: number })
  | (Base<'open-hold-time', 'reset'> & { readonly holdTime: number })
  | (Base<'open-capability', 'reset'> & { readonly capabilities: Uint8Array })
  | Base<'open-role-mismatch', 'reset'>
  | Base<'open-malformed', 'reset'>
  // ---- UPDATE (RFC 4271 §6.3 as revised by RFC 7606) ----
  /** Withdrawn Routes Length or Total Path Attribute Length overruns the message (RFC 7606 §4, 3/1). */
  | Base<'update-length', 'reset'>
  /** An attribute header or length overruns the attribute section; NLRI still located (RFC 7606 §4). */
  | Base<'attr-list-malformed', 'withdraw'>
  /** MP_REACH_NLRI or MP_UNREACH_NLRI appears twice (RFC 7606 §3(g)). */
  | (Base<'mp-duplicate', 'reset'> & { readonly typeCode: number })
  /** Any other attribute appears twice: later copies are discarded (RFC 7606 §3(g)). */
  | AttrBase<'attr-duplicate', 'discard'>
  /** Unknown attribute with the Optional bit clear (RFC 4271 §6.3, 3/2). */
  | AttrBase<'attr-unrecognized-well-known', 'reset'>
  /** A well-known mandatory attribute is absent although NLRI are announced (RFC 7606 §3(d), 3/3). */
  | (Base<'attr-missing', 'withdraw'> & { readonly typeCode: number })
  /** Optional/Transitive bits differ from the attribute's definition (RFC 7606 §3(c), 3/4). */
  | AttrBase<'attr-flags'>
  /** The attribute length does not fit its type (RFC 7606 §7.x, 3/5). */
  | AttrBase<'attr-length'>
  /** ORIGIN value undefined (RFC 7606 §7.1, 3/6). */
  | AttrBase<'origin-invalid', 'withdraw'>
  /** NEXT_HOP syntactically or semantically invalid (RFC 7606 §7.3, RFC 4271 §6.3, 3/8). */
  | AttrBase<'next-hop-invalid', 'withdraw'>
  /** An optional attribute's content is wrong (3/9): MP_REACH next hop (RFC 7606 §7.11), AS4_PATH (RFC 6793 §6), etc. */
  | AttrBase<'attr-optional'>
  /** A prefix longer than the family allows, or overrunning its field (RFC 7606 §5.3, 3/10). */
  | (Base<'nlri-invalid', 'reset' | 'afi-safi-disable'> & {
    readonly field: 'withdrawn' | 'nlri' | 'mp-reach' | 'mp-unreach';
    readonly afi: number; readonly safi: number;
  })
  /** AS_PATH malformed (RFC 7606 §7.2, 3/11), or not starting with the peer's AS (RFC 4271 §6.3). */
  | (AttrBase<'as-path-malformed'>)
  /** An attribute that this peer must not send: LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST from eBGP (RFC 7606 §7.5,
   *  §7.9, §7.10), AS4_PATH/AS4_AGGREGATOR from a 4-octet speaker (RFC 6793 §4.1), an un-negotiated AFI/SAFI. */
  | AttrBase<'attr-unexpected', 'discard'>
  // ---- ROUTE-REFRESH (RFC 7313 §5) ----
  | (Base<'route-refresh-length', 'reset'> & { readonly message: Uint8Array });

/** The shared empty error list (frozen): results without errors point at it instead of making a list. */
export const NO_ERRORS: readonly WireError[] = Object.freeze([]);

export type WireErrorKind = WireError['kind'];

export interface NotificationFields {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

const NONE = new Uint8Array(0);

export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}

/** The NOTIFICATION (code, subcode, data) that reports this error, per RFC 4271 §6 and the RFCs cited per kind. */
export function toNotification(e: WireError): NotificationFields {
  switch (e.kind) {
    case 'header-marker': return { code: 1, subcode: 1, data: NONE };
    case 'header-length': return { code: 1, subcode: 2, data: new Uint8Array([e.length >> 8, e.length & 255]) };
    case 'header-type': return { code: 1, subcode: 3, data: new Uint8Array([e.msgType]) };
    // RFC 4271 §6.2: data is the largest locally supported version number, 2 octets.
    case 'open-version': return { code: 2, subcode: 1, data: new Uint8Array([0, 4]) };
    case 'open-peer-as': return { code: 2, subcode: 2, data: NONE };
    case 'open-bgp-id': return { code: 2, subcode: 3, data: NONE };
    case 'open-optional-param': return { code: 2, subcode: 4, data: NONE };
    case 'open-hold-time': return { code: 2, subcode: 6, data: NONE };
    case 'open-capability': return { code: 2, subcode: 7, data: e.capabilities };
    case 'open-role-mismatch': return { code: 2, subcode: 11, data: NONE };
    case 'open-malformed': return { code: 2, subcode: 0, data: NONE };
    case 'update-length': return { code: 3, subcode: 1, data: NONE };
    case 'attr-list-malformed': return { code: 3, subcode: 1, data: NONE };
    case 'mp-duplicate': return { code: 3, subcode: 1, data: NONE };
    case 'attr-duplicate': return { code: 3, subcode: 1, data: NONE };
    case 'attr-unrecognized-well-known': return { code: 3, subcode: 2, data: e.attr };
    case 'attr-missing': return { code: 3, subcode: 3, data: new Uint8Array([e.typeCode]) };
    case 'attr-flags': return { code: 3, subcode: 4, data: e.attr };
    case 'attr-length': return { code: 3, subcode: 5, data: e.attr };
    case 'origin-invalid': return { code: 3, subcode: 6, data: e.attr };
    case 'next-hop-invalid': return { code: 3, subcode: 8, data: e.attr };
    case 'attr-optional': return { code: 3, subcode: 9, data: e.attr };
    case 'nlri-invalid': return { code: 3, subcode: 10, data: NONE };
    case 'as-path-malformed': return { code: 3, subcode: 11, data: NONE };
    case 'attr-unexpected': return { code: 3, subcode: 9, data: e.attr };
    case 'route-refresh-length': return { code: 7, subcode: 1, data: e.message };
    default: return assertNever(e);
  }
}

/** Thrown only by the convenience wrappers that choose exceptions (decodeOrThrow); the codec itself returns data. */
export class BgpDecodeError extends AnycastError {
  readonly error: WireError;
  constructor(error: WireError) {
    super('ERR_BGP_DECODE', error.reason);
    this.error = error;
  }
}

/** A message that cannot be put on the wire under the given context (too long, AS number too large, bad text). */
export class BgpEncodeError extends AnycastError {
  constructor(message: string) {
    super('ERR_BGP_ENCODE', message);
  }
}
