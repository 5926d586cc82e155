// The neutral description of a BGP router that every daemon module turns into its own configuration, and the
// normalized shapes that every daemon's queries return. One description, five daemons (BIRD 2, FRR, GoBGP,
// OpenBGPD, ExaBGP): the lab generates routers from it and the interop tests compare daemons through it.
// Communities are written as in RFC 1997 text form "ASN:VALUE" and large communities (RFC 8092) as
// "GLOBAL:LOCAL1:LOCAL2"; AS paths are arrays of numbers (AS_SET members are flattened, which is enough here).

export type DaemonKind = 'bird' | 'frr' | 'gobgp' | 'openbgpd' | 'exabgp';
export const DAEMON_KINDS: readonly DaemonKind[] = ['bird', 'frr', 'gobgp', 'openbgpd', 'exabgp'];

export type Family = 'ipv4' | 'ipv6';

/**
 * A neighbor's relationship to us, for Gao-Rexford policy: 'customer' means the neighbor is our customer
 * (it pays us), 'provider' our upstream, 'peer' settlement-free.
 */
export type Role = 'customer' | 'peer' | 'provider';

/**
 * A per-neighbor policy, one per direction.
 * - 'accept-all': import everything / export every best route (learned and originated).
 * - 'reject-all': import nothing / export nothing.
 * - 'gao-rexford': needs `role`. Import sets local-pref by role (customer 200 > peer 100 > provider 50) and tags
 *   the route with the large community LOCAL_AS:990:{1 customer, 2 peer, 3 provider}; export sends to a customer
 *   every best route, to a peer or provider only originated routes and routes tagged "from a customer", and
 *   strips the tags (they mean something only inside our AS).
 */
export type Policy = 'accept-all' | 'reject-all' | 'gao-rexford';

export interface GracefulRestart {
  /** Restart time announced in the capability (seconds). Default 120. */
  restartTime?: number;
}

export interface NeighborSpec {
  /** Short identifier ([a-z0-9_]), used in the daemon's config (protocol names); default derived from address. */
  name?: string;
  address: string;
  remoteAs: number;
  /** Source address of the session (recommended; required by ExaBGP). */
  localAddress?: string;
  /** Only wait for the neighbor to connect. */
  passive?: boolean;
  /** eBGP multihop TTL (for loopback-to-loopback sessions). Omitted: directly connected. */
  multihop?: number;
  /** Hold time in seconds (0, or >= 3). Default 9: fast enough for tests, keepalive is a third of it. */
  holdTime?: number;
  /** Families carried on this session. Default: the family of `address`. */
  families?: Family[];
  /** ADD-PATH (RFC 7911): 'receive', 'send' (all paths) or 'both'. Omitted: off. */
  addPath?: 'receive' | 'send' | 'both';
  /** Graceful restart capability (RFC 4724). Omitted: the daemon's default (off where it can be turned off). */
  gracefulRestart?: boolean | GracefulRestart;
  /** Route refresh capability (RFC 2918). Default true. */
  routeRefresh?: boolean;
  /** Default 'accept-all'. */
  import?: Policy;
  /** Default 'accept-all'. */
  export?: Policy;
  /** Required when import or export is 'gao-rexford'. */
  role?: Role;
  /** Set the next hop to ourselves on export (iBGP). */
  nextHopSelf?: boolean;
}

export interface OriginatedRoute {
  prefix: string;
  /** "ASN:VALUE", e.g. "65001:100"; well-known ones numerically ("65535:65281" is NO_EXPORT). */
  communities?: string[];
  /** "GLOBAL:LOCAL1:LOCAL2". */
  largeCommunities?: string[];
  med?: number;
  /** Only meaningful towards iBGP neighbors. */
  localPref?: number;
  /** Extra copies of our own AS in front of the path (drain by prepending). */
  prepend?: number;
  /** ASNs after our own in the path sent, as if the route came from behind them (e.g. a customer's AS). */
  asPath?: number[];
  origin?: Origin;
  /** Next hop to announce; default: ourselves (the session's local address). */
  nextHop?: string;
}

export type Origin = 'igp' | 'egp' | 'incomplete';

export interface RouterSpec {
  /** Short identifier, used in file names and logs. */
  name: string;
  routerId: string;
  localAs: number;
  neighbors: NeighborSpec[];
  /** Routes this router announces from the start. */
  originate?: OriginatedRoute[];
  /** Install the best BGP routes into the namespace's kernel table. Default false. */
  kernelExport?: boolean;
  /** Addresses to accept BGP connections on; default: all. */
  listen?: string[];
}

export type SessionState = 'idle' | 'connect' | 'active' | 'opensent' | 'openconfirm' | 'established' | 'unknown';

export interface NeighborStatus {
  address: string;
  remoteAs: number | null;
  state: SessionState;
  /** Routes received (accepted where the daemon tells them apart), when the daemon reports it. */
  received: number | null;
  /** The daemon's own name for the session (BIRD protocol name) when it has one. */
  name?: string;
  /**
   * Why the session last went down, as the daemon words it (e.g. BIRD "Received: Bad peer AS", FRR "OPEN
   * Message Error/Bad Peer AS", OpenBGPD "error in OPEN message, AS unacceptable"), when it reports one.
   */
  lastError?: string;
}

/** One path for a prefix, as one daemon sees it. */
export interface RouteEntry {
  prefix: string;
  family: Family;
  /** Selected as best by the daemon. */
  best: boolean;
  nextHop: string | null;
  asPath: number[];
  origin: Origin | null;
  med: number | null;
  localPref: number | null;
  communities: string[];
  largeCommunities: string[];
  /** The neighbor it came from, or 'local' for a route originated by this router. */
  from: string;
}

export function familyOf(addrOrPrefix: string): Family {
  return addrOrPrefix.includes(':') ? 'ipv6' : 'ipv4';
}
