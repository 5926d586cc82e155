// Errors of the Peer API (one class per condition, each with a stable code).
import { AnycastError } from '../../util/errors.js';

/** A call that needs an Established session (sending UPDATEs, End-of-RIB, ROUTE-REFRESH) while there is none. */
export class PeerNotEstablishedError extends AnycastError {
  constructor(peer: string, state: string) {
    super('ERR_PEER_NOT_ESTABLISHED', `neighbor ${peer}: session is ${state}, not Established`);
  }
}

/** ROUTE-REFRESH requested but the capability (RFC 2918) or the family was not negotiated. */
export class RouteRefreshNotSupportedError extends AnycastError {
  constructor(peer: string, why: string) {
    super('ERR_ROUTE_REFRESH_NOT_SUPPORTED', `neighbor ${peer}: cannot send ROUTE-REFRESH: ${why}`);
  }
}

/** A message handed to the Peer that the negotiated session cannot carry (too long, not an UPDATE). */
export class PeerMessageError extends AnycastError {
  constructor(peer: string, why: string) {
    super('ERR_PEER_MESSAGE', `neighbor ${peer}: ${why}`);
  }
}

/** The Peer was closed (removed); it cannot be started again. */
export class PeerClosedError extends AnycastError {
  constructor(peer: string) {
    super('ERR_PEER_CLOSED', `neighbor ${peer} was removed`);
  }
}
