// What the RIB knows about a neighbor: its kind (eBGP / iBGP / confederation eBGP, RFC 4271 §1.1, RFC 5065 §2),
// route-reflection role (RFC 4456 §6), RFC 9234 role, add-path modes (RFC 7911), the policies bound to it, and
// the session values learned from its OPEN (router id). The pseudo-peer with index 0 holds locally originated
// routes (static `network` statements).

import type { Policy } from '../policy/types.js';
import { parseId } from './attrs.js';
import { Afi, addressSortKey, canonicalAddress } from './prefix.js';

export type PeerKind = 'ebgp' | 'ibgp' | 'confed-ebgp' | 'local';
/** RFC 9234 §4.2 roles, as this speaker's role on the session ("local role" in BIRD). */
export type Role = 'provider' | 'customer' | 'peer' | 'rs' | 'rs-client';
export const ROLES: readonly Role[] = ['provider', 'customer', 'peer', 'rs', 'rs-client'];

/** RFC 7911 send modes: best path only (no add-path), every eligible path, or the multipath set. */
export type AddPathSend = false | 'all' | 'ecmp';

export interface PeerConfig {
  /** Unique name (the speaker uses the configured neighbor name or its address). */
  name: string;
  /** Neighbor address (the "lowest neighbor address" tie-break, and "next hop" for third-party checks). */
  address: string;
  /** Remote AS. */
  asn: number;
  /** Remote BGP identifier; usually set later by peerUp() from the OPEN. */
  routerId?: number | string;
  /** Route-reflector client (RFC 4456). iBGP only. */
  rrClient?: boolean;
  /** Route-server client: send routes transparently (no own AS prepend, next hop and MED kept; RFC 7947 §2.2). */
  rsClient?: boolean;
  /** RFC 9234 role of this speaker on the session; when set, the OTC ingress/egress procedures apply. */
  localRole?: Role;
  importPolicy?: Policy | null;
  exportPolicy?: Policy | null;
  /** Accept up to this many occurrences of the own AS in received AS paths (allowas-in). Default 0. */
  allowAsIn?: number;
  /** Keep the Adj-RIB-In before import policy (soft reconfiguration inbound). Default false, as BIRD. */
  keepPrePolicy?: boolean;
  /** Set the next hop to our address on iBGP export too (eBGP always does unless rsClient). */
  nextHopSelf?: boolean;
  /** Our address(es) on the session: the "self" next hop. */
  localAddress?: { ipv4?: string; ipv6?: string; ipv6LinkLocal?: string };
  /** Address families exchanged with this peer. Default both. */
  afis?: readonly Afi[];
  /** RFC 8326: lower LOCAL_PREF to 0 for routes carrying GRACEFUL_SHUTDOWN, before import policy. Default true. */
  honourGracefulShutdown?: boolean;
  /** Honour NO_EXPORT / NO_ADVERTISE / NO_EXPORT_SUBCONFED when exporting to this peer. Default true. */
  interpretCommunities?: boolean;
  /** Kind override; default derived from ASNs (and the confederation member list). */
  kind?: Exclude<PeerKind, 'local'>;
}

/** Session values from the OPEN exchange. */
export interface SessionParams {
  routerId: number | string;
  /** Families negotiated; default: the configured ones. */
  afis?: readonly Afi[];
  /** Peer sends path ids (RFC 7911 receive negotiated on our side). */
  addPathReceive?: boolean;
  /** We send several paths per prefix. */
  addPathSend?: AddPathSend;
}

export class PeerInfo {
  readonly index: number;
  readonly name: string;
  readonly address: string;
  /** Sortable form of the address (IPv4 mapped into IPv6, as BIRD compares them). */
  readonly addressKey: string;
  readonly asn: number;
  readonly kind: PeerKind;
  /** iBGP or confederation eBGP: inside the (confederation) AS — "interior" in BIRD's terms. */
  readonly isInterior: boolean;
  /** iBGP proper (same member AS). */
  readonly isInternal: boolean;
  routerId: number;
  config: PeerConfig;
  up = false;
  afis: readonly Afi[];
  addPathReceive = false;
  addPathSend: AddPathSend = false;
  /** Counters for `show neighbors`. */
  readonly stats = { received: 0, accepted: 0, rejected: 0, ineligible: 0, advertised: 0 };
  /** RFC 8212 notices already emitted for this peer (so the log says it once per session). */
  rfc8212Noticed = { import: false, export: false };

  constructor(index: number, config: PeerConfig, kind: PeerKind) {
    this.index = index;
    this.name = config.name;
    const addr = kind === 'local' ? '' : canonicalAddress(config.address);
    if (addr === null) throw new RangeError(`peer ${config.name}: bad address "${config.address}"`);
    this.address = addr;
    this.addressKey = kind === 'local' ? '' : addressSortKey(addr)!;
    this.asn = config.asn;
    this.kind = kind;
    this.isInterior = kind === 'ibgp' || kind === 'confed-ebgp';
    this.isInternal = kind === 'ibgp';
    this.routerId = config.routerId === undefined ? 0 : parseId(config.routerId, 'router id');
    this.config = config;
    this.afis = config.afis ?? ['ipv4', 'ipv6'];
  }

  /** The route type policies match on. */
  get routeType(): 'ebgp' | 'ibgp' | 'local' {
    return this.kind === 'local' ? 'local' : this.kind === 'ibgp' ? 'ibgp' : 'ebgp';
  }
}

/** Reference to a peer in results (stable, JSON-friendly). */
export interface PeerRef {
  readonly index: number;
  readonly name: string;
}
