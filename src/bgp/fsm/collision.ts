// Connection collision detection and resolution as a pure function: RFC 4271 §6.8, RFC 6286 §2.3.
//
// The session layer calls resolveCollision() right after an OPEN on one connection was accepted (its FSM moved to
// OpenConfirm) while another connection to the same peer exists, and feeds OpenCollisionDump to the FSM of the
// connection it names. The loser sends Cease / Connection Collision Resolution (RFC 4486 subcode 7).
//
// The rule, stated without §6.8's ambiguous "existing"/"new" wording (BIRD reads it the same way): the speaker with
// the higher BGP Identifier (compared as unsigned 32-bit integers) is dominant, and the connection *initiated by*
// the dominant speaker survives. RFC 6286 §2.3: with equal identifiers the speaker with the larger AS number is
// dominant. A connection already Established wins unless CollisionDetectEstablishedState is set.
import { CeaseSubcode, ErrorCode } from './notification.js';
import type { Notification, StateName } from './types.js';

/** Which side sent the TCP SYN: 'local' for our outgoing connection, 'remote' for one we accepted. */
export type Initiator = 'local' | 'remote';

export interface CollisionConnection {
  readonly state: StateName;
  readonly initiator: Initiator;
}

export interface CollisionInput {
  readonly localBgpId: number;
  readonly localAs: number;
  /** From the OPEN just received. */
  readonly remoteBgpId: number;
  readonly remoteAs: number;
  /** The other connection to the same peer. */
  readonly existing: CollisionConnection;
  /** Who initiated the connection on which the OPEN was just received. */
  readonly newInitiator: Initiator;
  /** RFC 4271 §8 CollisionDetectEstablishedState: an Established connection can lose a collision. */
  readonly collisionDetectEstablishedState?: boolean;
  /** RFC 4271 §6.8: the existing connection's peer identifier is known by other means, so OpenSent collides too. */
  readonly existingPeerIdKnown?: boolean;
}

export type CollisionRule =
  /** The dominant speaker has the higher BGP Identifier. */
  | 'higher-bgp-id'
  /** Identifiers equal: the dominant speaker has the larger AS number (RFC 6286 §2.3). */
  | 'equal-bgp-id-larger-as'
  /** The existing connection is Established and CollisionDetectEstablishedState is off. */
  | 'established-wins'
  /** Both connections were initiated by the same side: the id rule cannot apply, the existing one stays. */
  | 'same-initiator'
  /** Same identifier and same AS: no dominant side (an OPEN check should have refused this); existing stays. */
  | 'indeterminate';

export type CollisionVerdict =
  | {
    readonly collision: false;
    readonly why: 'existing-not-in-open-state';
  }
  | {
    readonly collision: true;
    /** The connection to close: 'existing' or 'new' (the one whose OPEN was just received). */
    readonly close: 'existing' | 'new';
    readonly rule: CollisionRule;
    /** Which speaker is dominant, when the rule is an id/AS comparison. */
    readonly dominant?: 'local' | 'remote';
    /** Cease / Connection Collision Resolution: what the closed connection's FSM sends (OpenCollisionDump). */
    readonly notification: Notification;
  };

const COLLISION_CEASE: Notification = {
  code: ErrorCode.Cease, subcode: CeaseSubcode.ConnectionCollisionResolution, data: new Uint8Array(0),
};

/** Unsigned comparison of 32-bit values: -1, 0, 1 (RFC 4271 §6.8 "host byte order ... 4-octet unsigned"). */
export function compareU32(a: number, b: number): number {
  const x = a >>> 0;
  const y = b >>> 0;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function resolveCollision(i: CollisionInput): CollisionVerdict {
  const ex = i.existing.state;
  const collides = ex === 'OpenConfirm' || ex === 'Established' || (ex === 'OpenSent' && i.existingPeerIdKnown === true);
  if (!collides) return { collision: false, why: 'existing-not-in-open-state' };
  const verdict = (close: 'existing' | 'new', rule: CollisionRule, dominant?: 'local' | 'remote'): CollisionVerdict =>
    dominant === undefined
      ? { collision: true, close, rule, notification: COLLISION_CEASE }
      : { collision: true, close, rule, dominant, notification: COLLISION_CEASE };
  if (ex === 'Established' && i.collisionDetectEstablishedState !== true) return verdict('new', 'established-wins');
  if (i.existing.initiator === i.newInitiator) return verdict('new', 'same-initiator');
  let rule: CollisionRule = 'higher-bgp-id';
  let cmp = compareU32(i.localBgpId, i.remoteBgpId);
  if (cmp === 0) {
    rule = 'equal-bgp-id-larger-as';
    cmp = compareU32(i.localAs, i.remoteAs);
  }
  if (cmp === 0) return verdict('new', 'indeterminate');
  const dominant: Initiator = cmp > 0 ? 'local' : 'remote';
  // Keep the connection the dominant speaker initiated; close the other.
  const close = i.newInitiator === dominant ? 'existing' : 'new';
  return verdict(close, rule, dominant);
}
