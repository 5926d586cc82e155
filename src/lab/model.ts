// The resolved lab (pure): the topology plus its addressing plan turned into nodes (each a namespace) with their
// interfaces, links with both ends' addresses, the static IGP routes inside multi-router ASes, the clients'
// default routes, and each BGP speaker's neutral RouterSpec (policy.ts). JSON-able: `lab up` stores it in the
// lab's state so that every later command (and `lab down` after a crash) works without the topology file.

import type { RouteSpec, TopologySpec } from '../netns/plan.js';
import type { RouterSpec } from '../daemons/types.js';
import { planAddresses, type AddressPlan } from './addressing.js';
import { hostOf } from './ip.js';
import { routerSpecs, subnetOf } from './policy.js';
import type { Coords, LinkKind, RouterImpl, Topology } from './topology/types.js';

export type NodeKind = 'router' | 'site' | 'client';

export interface LabIface {
  /** Interface name inside the node's namespace: the peer node's name. */
  name: string;
  peer: string;
  link: number;
  /** Our addresses (CIDR) and the peer's. */
  addr4: string;
  addr6: string;
  peer4: string;
  peer6: string;
}

export interface LabNode {
  name: string;
  kind: NodeKind;
  ns: string;
  asn?: number;
  city?: string;
  coords?: Coords;
  /** BGP speaker of routers and sites. */
  implementation?: RouterImpl;
  /** Router loopbacks (host addresses); a site's router id in loopback4. */
  loopback4?: string;
  loopback6?: string;
  interfaces: LabIface[];
  /** Static kernel routes (IGP inside an AS, clients' defaults). */
  routes: RouteSpec[];
}

export interface LabLink {
  index: number;
  a: string;
  b: string;
  kind: LinkKind;
  key: string;
  delayMs: number;
  lossPct: number;
  rateMbit?: number;
  a4: string;
  b4: string;
  a6: string;
  b6: string;
}

export interface LabModel {
  name: string;
  /** Namespace names are `${prefix}-${node}`. */
  prefix: string;
  topology: Topology;
  nodes: LabNode[];
  links: LabLink[];
  /** BGP speakers (routers and sites) by node name. */
  speakers: Record<string, RouterSpec>;
  /** Prefixes each router announces for its clients (aggregates, and explicitly addressed clients' subnets). */
  clientPrefixes: Record<string, string[]>;
}

export const nsName = (prefix: string, node: string): string => `${prefix}-${node}`;

/** Default namespace prefix of a topology: its own `prefix`, else its name (at most 12 characters). */
export function defaultPrefix(t: Topology): string {
  return t.prefix ?? t.name.slice(0, 12).replace(/-+$/, '');
}

/** Shortest paths inside one AS (by link delay, then hops, then name): first hop from `from` to every router. */
function igpFirstHops(from: string, routers: Set<string>, links: LabLink[]): Map<string, LabLink> {
  const adj = new Map<string, Array<{ to: string; link: LabLink }>>();
  for (const l of links) {
    if (l.kind !== 'core' || !routers.has(l.a) || !routers.has(l.b)) continue;
    adj.set(l.a, [...(adj.get(l.a) ?? []), { to: l.b, link: l }]);
    adj.set(l.b, [...(adj.get(l.b) ?? []), { to: l.a, link: l }]);
  }
  const dist = new Map<string, [number, number]>([[from, [0, 0]]]);
  const first = new Map<string, LabLink>();
  const done = new Set<string>();
  for (;;) {
    let cur: string | undefined;
    for (const [n, d] of dist) {
      if (done.has(n)) continue;
      const c = cur === undefined ? undefined : dist.get(cur)!;
      if (!c || d[0] < c[0] || (d[0] === c[0] && (d[1] < c[1] || (d[1] === c[1] && n < cur!)))) cur = n;
    }
    if (cur === undefined) break;
    done.add(cur);
    const [dc, hc] = dist.get(cur)!;
    for (const { to, link } of adj.get(cur) ?? []) {
      if (done.has(to)) continue;
      const nd: [number, number] = [dc + link.delayMs, hc + 1];
      const od = dist.get(to);
      if (!od || nd[0] < od[0] || (nd[0] === od[0] && nd[1] < od[1])) {
        dist.set(to, nd);
        first.set(to, cur === from ? link : first.get(cur)!);
      }
    }
  }
  return first;
}

export function buildModel(t: Topology, prefix = defaultPrefix(t), plan: AddressPlan = planAddresses(t)): LabModel {
  const links: LabLink[] = t.links.map((l, index) => ({
    index, a: l.a, b: l.b, kind: l.kind, key: l.key, delayMs: l.delayMs, lossPct: l.lossPct,
    ...(l.rateMbit !== undefined ? { rateMbit: l.rateMbit } : {}), ...plan.links[index]!,
  }));
  const ifacesOf = (n: string): LabIface[] => links.flatMap((l): LabIface[] => {
    if (l.a === n) return [{ name: l.b, peer: l.b, link: l.index, addr4: l.a4, addr6: l.a6, peer4: l.b4, peer6: l.b6 }];
    if (l.b === n) return [{ name: l.a, peer: l.a, link: l.index, addr4: l.b4, addr6: l.b6, peer4: l.a4, peer6: l.a6 }];
    return [];
  });
  const nodes: LabNode[] = [];
  for (const r of t.routers) {
    const lo = plan.loopbacks[r.name]!;
    const node: LabNode = { name: r.name, kind: 'router', ns: nsName(prefix, r.name), asn: r.asn, implementation: r.implementation,
      loopback4: lo.ipv4, loopback6: lo.ipv6, interfaces: ifacesOf(r.name), routes: [] };
    if (r.city) node.city = r.city;
    if (r.coords) node.coords = r.coords;
    // The lab's IGP: static routes to the other loopbacks of the AS along the shortest intra-AS path.
    const asRouters = new Set(t.ases.find((a) => a.asn === r.asn)!.routers);
    if (asRouters.size > 1) {
      const first = igpFirstHops(r.name, asRouters, links);
      for (const other of [...asRouters].sort()) {
        const l = first.get(other);
        if (!l || other === r.name) continue;
        const peer = l.a === r.name ? l.b : l.a;
        const via4 = hostOf(l.a === r.name ? l.b4 : l.a4);
        const via6 = hostOf(l.a === r.name ? l.b6 : l.a6);
        const olo = plan.loopbacks[other]!;
        node.routes.push({ dst: `${olo.ipv4}/32`, via: via4, dev: peer }, { dst: `${olo.ipv6}/128`, via: via6, dev: peer, family: 'ipv6' });
      }
    }
    nodes.push(node);
  }
  for (const s of t.sites) {
    const ifs = ifacesOf(s.name);
    // A site whose sessions the agent's embedded speaker holds (`anycast`) learns no route: its replies leave by
    // a default route to its first upstream (BIRD at a `bird` site installs what it learns instead).
    const up = ifs[0];
    const routes: RouteSpec[] = s.implementation === 'anycast' && up ? [
      { dst: 'default', via: hostOf(up.peer4), dev: up.name, family: 'ipv4' },
      { dst: 'default', via: hostOf(up.peer6), dev: up.name, family: 'ipv6' },
    ] : [];
    const node: LabNode = { name: s.name, kind: 'site', ns: nsName(prefix, s.name), asn: s.asn, implementation: s.implementation,
      loopback4: plan.siteIds[s.name]!, interfaces: ifs, routes };
    if (s.city) node.city = s.city;
    if (s.coords) node.coords = s.coords;
    nodes.push(node);
  }
  for (const c of t.clients) {
    const ifs = ifacesOf(c.name);
    const up = ifs[0]!;
    const node: LabNode = { name: c.name, kind: 'client', ns: nsName(prefix, c.name), interfaces: ifs, routes: [
      { dst: 'default', via: hostOf(up.peer4), dev: up.name, family: 'ipv4' },
      { dst: 'default', via: hostOf(up.peer6), dev: up.name, family: 'ipv6' },
    ] };
    node.asn = t.routers.find((r) => r.name === c.router)!.asn;
    if (c.city) node.city = c.city;
    if (c.coords) node.coords = c.coords;
    nodes.push(node);
  }
  const clientPrefixes: Record<string, string[]> = {};
  for (const [router, agg] of Object.entries(plan.clientAggregates)) clientPrefixes[router] = [agg.ipv4, agg.ipv6];
  for (const c of t.clients) {
    for (const a of [c.ipv4, c.ipv6]) if (a) (clientPrefixes[c.router] ??= []).push(subnetOf(a));
  }
  const model: LabModel = { name: t.name, prefix, topology: t, nodes, links, speakers: {}, clientPrefixes };
  model.speakers = routerSpecs(model);
  return model;
}

/** The namespaces and veths of the lab, for the netns harness (createTopology / planTopology). */
export function namespaceTopology(m: LabModel): TopologySpec {
  const byName = new Map(m.nodes.map((n) => [n.name, n]));
  return {
    namespaces: m.nodes.map((n) => {
      const loopbacks: string[] = [];
      if (n.kind === 'router') loopbacks.push(`${n.loopback4}/32`, `${n.loopback6}/128`);
      if (n.kind === 'site') {
        const s = m.topology.sites.find((x) => x.name === n.name)!;
        loopbacks.push(`${s.service.ipv4}/32`, `${s.service.ipv6}/128`);
      }
      // Equal-cost routes (BIRD merges tied BGP paths into multipath routes) are hashed per flow on source and
      // destination only, in both families: a client then reaches one site with every protocol (IPv6's default
      // hash includes the flow label, which differs per TCP connection), and traceroute's ICMP follows the
      // same path as the clients' DNS and HTTP.
      // IPv6 addresses stay on an interface that goes down (`lab link A B down`), as IPv4 ones do: without this
      // the kernel removes them and the IPv6 session cannot come back when the link does.
      const sysctls = ['net.ipv6.conf.all.keep_addr_on_down=1', 'net.ipv6.conf.default.keep_addr_on_down=1',
        ...n.interfaces.map((i) => `net.ipv6.conf.${i.name}.keep_addr_on_down=1`),
        ...(n.kind === 'router' ? ['net.ipv4.fib_multipath_hash_policy=0', 'net.ipv6.fib_multipath_hash_policy=3', 'net.ipv6.fib_multipath_hash_fields=3'] : [])];
      return { name: n.ns, loopbacks, forwarding: n.kind === 'router', routes: n.routes, sysctls };
    }),
    links: m.links.map((l) => ({
      a: { ns: byName.get(l.a)!.ns, ifname: l.b, addrs: [l.a4, l.a6] },
      b: { ns: byName.get(l.b)!.ns, ifname: l.a, addrs: [l.b4, l.b6] },
    })),
  };
}

export function nodeOf(m: LabModel, name: string): LabNode | undefined {
  return m.nodes.find((n) => n.name === name);
}
