// Pure planning of a namespace topology: validates names and turns namespaces, veth links, addresses and
// routes into the command lines of one global `ip -batch` (namespaces and veths, created directly inside their
// namespaces so nothing is left in the root namespace) and one `ip -n NS -batch` per namespace (addresses,
// routes, links up), plus the sysctls each namespace needs. No I/O here, so it is unit-tested without root.
// IPv6 addresses get `nodad` so that daemons can bind at once instead of waiting for duplicate address detection.

import { isIP } from 'node:net';
import { TopologyError } from './errors.js';

/** Linux IFNAMSIZ is 16 including the terminating NUL. */
export const MAX_IFNAME = 15;

export interface RouteSpec {
  /** Destination prefix, or `default`; `-6 default` is written as family 'ipv6' with dst 'default'. */
  dst: string;
  via?: string;
  dev?: string;
  metric?: number;
  family?: 'ipv4' | 'ipv6';
  /** Route type other than unicast, e.g. 'blackhole' or 'unreachable'. */
  type?: 'blackhole' | 'unreachable' | 'prohibit';
}

export interface NamespaceSpec {
  name: string;
  /** Addresses (CIDR) put on `lo`, e.g. service addresses or router loopbacks. */
  loopbacks?: string[];
  /** Turn on IPv4 and IPv6 forwarding (routers). Default true. */
  forwarding?: boolean;
  routes?: RouteSpec[];
  /** Extra `ip` batch lines run last in this namespace (e.g. `link set vx mtu 9000`). */
  extra?: string[];
  /** Extra sysctls (`key=value`), written with the others before the links go up (no process of their own). */
  sysctls?: string[];
}

export interface LinkEnd {
  ns: string;
  ifname: string;
  /** Addresses in CIDR notation. */
  addrs?: string[];
}

export interface LinkSpec {
  a: LinkEnd;
  b: LinkEnd;
  mtu?: number;
}

export interface TopologySpec {
  namespaces: NamespaceSpec[];
  links: LinkSpec[];
}

export interface TopologyPlan {
  /** Lines for one `ip -batch -` in the root namespace. */
  global: string[];
  /** Per namespace: lines for `ip -n NS -batch -`. */
  perNs: Map<string, string[]>;
  /** Per namespace: sysctl key=value pairs. */
  sysctls: Map<string, string[]>;
}

const NS_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const IF_RE = /^[A-Za-z0-9_.-]+$/;

function checkCidr(key: string, cidr: string): 'ipv4' | 'ipv6' {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  const fam = m ? isIP(m[1]!) : 0;
  const max = fam === 4 ? 32 : 128;
  if (!m || fam === 0 || Number(m[2]) > max) throw new TopologyError(key, `"${cidr}" is not an address in CIDR notation`);
  return fam === 4 ? 'ipv4' : 'ipv6';
}

function addrLine(cidr: string, dev: string, fam: 'ipv4' | 'ipv6'): string {
  return `address add ${cidr} dev ${dev}${fam === 'ipv6' ? ' nodad' : ''}`;
}

export function routeLine(r: RouteSpec): string {
  const fam = r.family ?? (r.dst === 'default' ? (r.via && isIP(r.via) === 6 ? 'ipv6' : 'ipv4') : r.dst.includes(':') ? 'ipv6' : 'ipv4');
  // `ip -batch` takes no options on its lines (`-6 route …` is refused: Object "-6" is unknown); the family
  // follows from the destination, so an IPv6 default is written ::/0.
  const dst = r.dst === 'default' && fam === 'ipv6' ? '::/0' : r.dst;
  const parts = ['route replace'];
  parts.push(r.type ? `${r.type} ${dst}` : dst);
  if (r.via) parts.push(`via ${r.via}`);
  if (r.dev) parts.push(`dev ${r.dev}`);
  if (r.metric !== undefined) parts.push(`metric ${r.metric}`);
  return parts.join(' ');
}

/** Checks the topology and returns the batches that create it. Throws TopologyError on the first problem. */
export function planTopology(topo: TopologySpec): TopologyPlan {
  const names = new Set<string>();
  const ifnames = new Map<string, Set<string>>();
  topo.namespaces.forEach((ns, i) => {
    const key = `namespaces[${i}].name`;
    if (!NS_RE.test(ns.name) || ns.name.length > 64) throw new TopologyError(key, `"${ns.name}" is not a valid namespace name`);
    if (names.has(ns.name)) throw new TopologyError(key, `namespace "${ns.name}" is listed twice`);
    names.add(ns.name);
    ifnames.set(ns.name, new Set(['lo']));
    (ns.loopbacks ?? []).forEach((c, j) => checkCidr(`namespaces[${i}].loopbacks[${j}]`, c));
  });
  const global: string[] = [...names].map((n) => `netns add ${n}`);
  const perNs = new Map<string, string[]>();
  for (const n of names) perNs.set(n, ['link set lo up']);

  topo.links.forEach((l, i) => {
    for (const [side, end] of [['a', l.a], ['b', l.b]] as const) {
      const key = `links[${i}].${side}`;
      if (!names.has(end.ns)) throw new TopologyError(`${key}.ns`, `namespace "${end.ns}" is not in the topology`);
      if (!IF_RE.test(end.ifname) || end.ifname.length > MAX_IFNAME) {
        throw new TopologyError(`${key}.ifname`, `"${end.ifname}" is not a valid interface name (at most ${MAX_IFNAME} characters)`);
      }
      const taken = ifnames.get(end.ns)!;
      if (taken.has(end.ifname)) throw new TopologyError(`${key}.ifname`, `interface "${end.ifname}" is used twice in namespace "${end.ns}"`);
      taken.add(end.ifname);
      (end.addrs ?? []).forEach((c, j) => checkCidr(`${key}.addrs[${j}]`, c));
    }
    if (l.mtu !== undefined && (!Number.isInteger(l.mtu) || l.mtu < 68 || l.mtu > 65535)) {
      throw new TopologyError(`links[${i}].mtu`, `${l.mtu} is not an MTU between 68 and 65535`);
    }
    const mtu = l.mtu ? ` mtu ${l.mtu}` : '';
    global.push(`link add name ${l.a.ifname} netns ${l.a.ns}${mtu} type veth peer name ${l.b.ifname} netns ${l.b.ns}${mtu}`);
    for (const end of [l.a, l.b]) {
      const lines = perNs.get(end.ns)!;
      for (const c of end.addrs ?? []) lines.push(addrLine(c, end.ifname, checkCidr('', c)));
      lines.push(`link set dev ${end.ifname} up`);
    }
  });

  const sysctls = new Map<string, string[]>();
  topo.namespaces.forEach((ns, i) => {
    const lines = perNs.get(ns.name)!;
    for (const c of ns.loopbacks ?? []) lines.push(addrLine(c, 'lo', checkCidr('', c)));
    (ns.routes ?? []).forEach((r, j) => {
      if (r.dst !== 'default') checkCidr(`namespaces[${i}].routes[${j}].dst`, r.dst);
      if (r.via && isIP(r.via) === 0) throw new TopologyError(`namespaces[${i}].routes[${j}].via`, `"${r.via}" is not an address`);
      lines.push(routeLine(r));
    });
    lines.push(...(ns.extra ?? []));
    const fwd = ns.forwarding ?? true ? '1' : '0';
    sysctls.set(ns.name, [
      `net.ipv4.ip_forward=${fwd}`,
      `net.ipv6.conf.all.forwarding=${fwd}`,
      // DAD off for interfaces created later too; addresses we add carry `nodad` anyway.
      'net.ipv6.conf.all.accept_dad=0',
      'net.ipv6.conf.default.accept_dad=0',
      // Replies must leave by the interface the anycast address was reached on; strict rp_filter would drop
      // asymmetric paths that the lab creates on purpose.
      'net.ipv4.conf.all.rp_filter=0',
      'net.ipv4.conf.default.rp_filter=0',
      // The veths exist already (global batch) and do not follow `default`: set them one by one, before they go
      // up, so that their link-local addresses are usable at once too.
      ...[...ifnames.get(ns.name)!].filter((i) => i !== 'lo').map((i) => `net.ipv6.conf.${i.replace(/\./g, '/')}.accept_dad=0`),
      ...(ns.sysctls ?? []).map((kv, j) => {
        if (!/^[a-z0-9_./-]+=[A-Za-z0-9_.-]+$/.test(kv)) throw new TopologyError(`namespaces[${i}].sysctls[${j}]`, `"${kv}" is not key=value`);
        return kv;
      }),
    ]);
  });
  return { global, perNs, sysctls };
}
