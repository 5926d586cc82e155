// One TCP connection of a neighbor and the FSM instance that runs on it (RFC 4271 §8.2.1.2: one FSM per
// connection; two exist only while a connection collision (§6.8) is unresolved). Plain data plus small helpers;
// the Peer drives it.
import type { TimerHandle } from '../../util/clock.js';
import type { DriverState } from '../fsm/driver.js';
import type { Initiator } from '../fsm/collision.js';
import type { StateName } from '../fsm/types.js';
import type { ConnectAttempt, Connection } from '../transport/types.js';
import { BASE_CONTEXT, type CodecContext } from '../wire/context.js';
import { FrameReader } from '../wire/framing.js';
import type { OpenMessage } from '../wire/messages.js';
import type { NegotiatedSession } from './capabilities.js';
import type { PeerDownCause } from './events.js';
import type { InboundDecoder } from './inbound.js';

let nextId = 1;

export class Conn {
  readonly id = nextId++;
  d: DriverState;
  /** Who opened the TCP connection: 'local' (our connect) or 'remote' (accepted). */
  initiator: Initiator = 'local';
  sock: Connection | null = null;
  attempt: ConnectAttempt | null = null;
  ctx: CodecContext = BASE_CONTEXT;
  reader: FrameReader;
  /** The OPEN we sent (or are about to send) on this connection, and the peer's. */
  localOpen: OpenMessage | null = null;
  peerOpen: OpenMessage | null = null;
  negotiated: NegotiatedSession | null = null;
  inbound: InboundDecoder | null = null;
  /** The one real timer armed for the driver's earliest deadline (re-armed only when a deadline moves earlier). */
  timer: TimerHandle | undefined;
  armedAt = Infinity;
  /** RFC 9687: armed while writes are backed up. */
  sendHoldTimer: TimerHandle | undefined;
  sendHoldExpired = false;
  /** Set before feeding an event whose cause the FSM cannot know (send hold timer, max-prefix, peer restart). */
  cause: PeerDownCause | undefined;
  /** Text of the last NOTIFICATION sent on this connection (for the down reason; kept past DropTcp). */
  lastSent: string | undefined;
  /**
   * OPEN with graceful restart accepted on this connection while another one is Established: the peer restarted
   * (RFC 4724 §4.2) if it confirms this connection with its KEEPALIVE; a collision still in flight if it closes it.
   */
  peerRestartSuspected = false;
  /** Discarded (collision loser, superseded): ignore anything still queued for it. */
  dead = false;

  constructor(d: DriverState) {
    this.d = d;
    this.reader = new FrameReader(() => this.ctx);
  }

  get state(): StateName {
    return this.d.fsm.state;
  }

  /** Forget the transport-level state of the connection (DropTcp). */
  resetStream(): void {
    this.sock = null;
    this.attempt = null;
    this.ctx = BASE_CONTEXT;
    this.reader = new FrameReader(() => this.ctx);
    this.localOpen = null;
    this.peerOpen = null;
    this.negotiated = null;
    this.inbound = null;
    this.sendHoldExpired = false;
    this.peerRestartSuspected = false;
  }

}

const STATE_RANK: Readonly<Record<StateName, number>> = {
  Idle: 0, Connect: 1, Active: 1, OpenSent: 2, OpenConfirm: 3, Established: 4,
};

export function stateRank(s: StateName): number {
  return STATE_RANK[s];
}
