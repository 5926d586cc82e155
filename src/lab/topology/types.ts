// The lab's topology as validated data: autonomous systems and their routers, links, AS relationships, anycast
// sites and clients. Produced by parse.ts from YAML (or from an object), checked by validate.ts, and turned into
// namespaces, addresses and router configurations by model.ts. Plain JSON-able data (no Maps), so the resolved
// topology can be written to the lab's state file and read back by `lab down/status` without the YAML.

/** A router implementation. `anycast` is this project's speaker; the others are the Debian daemons. */
export type RouterImpl = 'anycast' | 'bird' | 'frr' | 'gobgp' | 'openbgpd';
export const ROUTER_IMPLS: readonly RouterImpl[] = ['anycast', 'bird', 'frr', 'gobgp', 'openbgpd'];

/** Implementations that resolve a recursive (loopback) next hop: needed inside ASes with several routers (iBGP). */
export const RECURSIVE_NEXTHOP_IMPLS: readonly RouterImpl[] = ['anycast', 'bird', 'frr'];

export type ServiceKind = 'dns' | 'http';

export interface Coords {
  lat: number;
  lon: number;
}

export interface LinkProps {
  /** One-way delay in ms (applied with netem where the kernel has it, modeled otherwise). */
  delayMs: number;
  lossPct: number;
  /** Megabits per second, when limited. */
  rateMbit?: number;
}

export interface RouterDef {
  name: string;
  asn: number;
  city?: string;
  coords?: Coords;
  implementation: RouterImpl;
  /** Explicit loopback addresses (host addresses); generated when absent. */
  loopback4?: string;
  loopback6?: string;
}

export interface AsDef {
  asn: number;
  name?: string;
  routers: string[];
}

export type RelationshipDef = { kind: 'transit'; provider: number; customer: number } | { kind: 'peer'; a: number; b: number };

export type LinkKind = 'core' | 'site' | 'client';

export interface LinkDef extends LinkProps {
  a: string;
  b: string;
  kind: LinkKind;
  /** Where it was defined, for error messages (e.g. "links[3]", "sites.tokyo.upstreams[0]"). */
  key: string;
  /** Explicit addresses in CIDR, [a's, b's]; generated when absent. */
  ipv4?: [string, string];
  ipv6?: [string, string];
}

export interface CheckDef {
  intervalMs: number;
  timeoutMs: number;
  rise: number;
  fall: number;
}

export interface SiteDef {
  name: string;
  /** The AS the site's BGP speaker is in (usually the anycast operator's). */
  asn: number;
  city?: string;
  coords?: Coords;
  /** Routers the site is linked to (its upstreams). */
  upstreams: string[];
  prefixes: { ipv4: string; ipv6: string };
  /** The service addresses (inside the prefixes), put on the site's loopback. */
  service: { ipv4: string; ipv6: string };
  services: ServiceKind[];
  /** Queries per second the site's responder answers at most (a modeled capacity); undefined: unlimited. */
  capacityQps?: number;
  /** Announce at `lab up` (false: a standby site for `run add-site`). */
  announce: boolean;
  /** 'local': announced with NO_EXPORT (RFC 1997), so only the upstream ASes use it (RFC 4786 §4.4.2). */
  scope: 'global' | 'local';
  /** The site's BGP speaker. */
  implementation: RouterImpl;
  /** Health check timing for the agent (when the agent drives the announcement). */
  check: CheckDef;
}

export interface ClientDef {
  name: string;
  router: string;
  city?: string;
  coords?: Coords;
  /** A source of the `ddos` experiment's flood. */
  attacker: boolean;
  /** Explicit client address in CIDR (the router takes another address of that subnet). */
  ipv4?: string;
  ipv6?: string;
}

export interface Topology {
  name: string;
  /** The file it came from (or a label). */
  file: string;
  description?: string;
  /** Namespace prefix; default derived from the name. */
  prefix?: string;
  anycast: { ipv4: string; ipv6: string; service4: string; service6: string };
  ases: AsDef[];
  routers: RouterDef[];
  relationships: RelationshipDef[];
  links: LinkDef[];
  sites: SiteDef[];
  clients: ClientDef[];
}

export const DEFAULTS = {
  implementation: 'anycast' as RouterImpl,
  /** Sites: the anycast agent with its embedded speaker (`bird`: BIRD driven by the agent; others: no agent). */
  siteImplementation: 'anycast' as RouterImpl,
  coreDelayMs: 2,
  accessDelayMs: 1,
  anycast4: '192.0.2.0/24',
  anycast6: '2001:db8:53::/48',
  check: { intervalMs: 200, timeoutMs: 150, rise: 2, fall: 2 } satisfies CheckDef,
  services: ['dns', 'http'] as ServiceKind[],
};

/** Node names become namespace and interface names: short, lowercase. */
export const NODE_NAME_RE = /^[a-z][a-z0-9-]{0,13}[a-z0-9]$|^[a-z]$/;
