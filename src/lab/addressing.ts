// The addressing plan (pure): every address the topology does not give is generated from fixed private pools,
// deterministically (the same topology always gets the same addresses), skipping whatever the topology gives
// explicitly. Both families everywhere. Router links and client subnets use RFC 1918 / ULA space (inside the
// lab's namespaces only); the anycast prefixes come from the documentation ranges (RFC 5737, RFC 3849).
//
//   router loopbacks (router id)   10.255.0.0/16 /32        fd00:ac:ff::/64 /128
//   router-router and site links   10.0.0.0/16   /30        fd00:ac:1::/48  /64
//   clients' aggregate per router  10.64.0.0/10  /24        fd00:ac:2::/48  /56   (announced by the router)
//     client links inside it                     /30                        /64
//   site router ids                10.254.0.0/16 /32
//
// A router announces one aggregate per family for its clients, as an access network does, rather than each
// client's link subnet: the connected /30 would otherwise be the same prefix as the announcement, and a BIRD
// router that imports its connected routes (in an AS with several routers) would prefer those and never
// export the announcement.

import { ConfigError } from '../util/errors.js';
import { addressAt, canonical, hostOf, overlaps, parseCidr, peerAddress, subnetAt } from './ip.js';
import type { Topology } from './topology/types.js';

export const POOLS = {
  loopback4: '10.255.0.0/16',
  loopback6: 'fd00:ac:ff::/64',
  link4: '10.0.0.0/16',
  link6: 'fd00:ac:1::/48',
  client4: '10.64.0.0/10',
  client6: 'fd00:ac:2::/48',
  siteId4: '10.254.0.0/16',
} as const;

export interface LinkAddresses {
  /** CIDR of a's end and b's end. */
  a4: string;
  b4: string;
  a6: string;
  b6: string;
}

export interface AddressPlan {
  loopbacks: Record<string, { ipv4: string; ipv6: string }>;
  /** Per router with generated client addresses: the aggregates it announces. */
  clientAggregates: Record<string, { ipv4: string; ipv6: string }>;
  /** Router id of each site's BGP speaker. */
  siteIds: Record<string, string>;
  /** Indexed like topology.links. */
  links: LinkAddresses[];
}

class Allocator {
  private next = 0;
  constructor(private readonly pool: string, private readonly len: number, private readonly taken: string[]) {}
  subnet(what: string): string {
    for (;;) {
      const s = subnetAt(this.pool, this.len, this.next++);
      if (!s) throw new ConfigError('addressing', what, `the pool ${this.pool} is exhausted; give addresses explicitly`);
      if (!this.taken.some((t) => overlaps(t, s))) return s;
    }
  }
}

class HostAllocator {
  private next = 1;
  constructor(private readonly pool: string, private readonly taken: Set<string>) {}
  host(what: string): string {
    for (;;) {
      const a = addressAt(this.pool, this.next++);
      if (!overlaps(this.pool, `${a}/${a.includes(':') ? 128 : 32}`)) throw new ConfigError('addressing', what, `the pool ${this.pool} is exhausted`);
      if (!this.taken.has(canonical(a))) return a;
    }
  }
}

export function planAddresses(t: Topology): AddressPlan {
  const explicitSubnets: string[] = [];
  const explicitHosts = new Set<string>();
  for (const r of t.routers) {
    if (r.loopback4) explicitHosts.add(canonical(r.loopback4));
    if (r.loopback6) explicitHosts.add(canonical(r.loopback6));
  }
  for (const l of t.links) {
    for (const p of [l.ipv4, l.ipv6]) {
      if (!p) continue;
      const c = parseCidr(p[0])!;
      explicitSubnets.push(`${c.network}/${c.length}`);
      explicitHosts.add(canonical(hostOf(p[0])));
      explicitHosts.add(canonical(hostOf(p[1])));
    }
  }
  for (const c of t.clients) {
    for (const p of [c.ipv4, c.ipv6]) {
      if (!p) continue;
      const x = parseCidr(p)!;
      explicitSubnets.push(`${x.network}/${x.length}`);
      explicitHosts.add(canonical(hostOf(p)));
    }
  }
  const lo4 = new HostAllocator(POOLS.loopback4, explicitHosts);
  const lo6 = new HostAllocator(POOLS.loopback6, explicitHosts);
  const loopbacks: AddressPlan['loopbacks'] = {};
  for (const r of t.routers) {
    loopbacks[r.name] = { ipv4: r.loopback4 ?? lo4.host(`ases.${r.asn}.routers.${r.name}.loopback-ipv4`), ipv6: r.loopback6 ?? lo6.host(`ases.${r.asn}.routers.${r.name}.loopback-ipv6`) };
  }
  const ids = new HostAllocator(POOLS.siteId4, explicitHosts);
  const siteIds: AddressPlan['siteIds'] = {};
  for (const s of t.sites) siteIds[s.name] = ids.host(`sites.${s.name}`);

  const core4 = new Allocator(POOLS.link4, 30, explicitSubnets);
  const core6 = new Allocator(POOLS.link6, 64, explicitSubnets);
  const agg4 = new Allocator(POOLS.client4, 24, explicitSubnets);
  const agg6 = new Allocator(POOLS.client6, 56, explicitSubnets);
  const clientAggregates: AddressPlan['clientAggregates'] = {};
  const inAggregate = new Map<string, number>();
  const clientSubnet = (router: string, fam: 4 | 6, key: string): string => {
    const agg = (clientAggregates[router] ??= { ipv4: agg4.subnet(key), ipv6: agg6.subnet(key) });
    const k = `${router}/${fam}`;
    for (;;) {
      const i = inAggregate.get(k) ?? 0;
      inAggregate.set(k, i + 1);
      const s = subnetAt(fam === 4 ? agg.ipv4 : agg.ipv6, fam === 4 ? 30 : 64, i);
      if (!s) throw new ConfigError('addressing', key, `router ${router} has more clients than its aggregate holds`);
      if (!explicitSubnets.some((t) => overlaps(t, s))) return s;
    }
  };
  const links = t.links.map((l): LinkAddresses => {
    const client = l.kind === 'client' ? t.clients.find((c) => c.name === l.a) : undefined;
    // A client link: the client is end a, its router end b; a client's explicit address fixes the subnet.
    const ends = (fam: 4 | 6, given: [string, string] | undefined, clientAddr: string | undefined): [string, string] => {
      if (given) return given;
      if (clientAddr) return [clientAddr, peerAddress(clientAddr)];
      const s = client ? clientSubnet(l.b, fam, l.key) : (fam === 4 ? core4 : core6).subnet(l.key);
      const len = s.split('/')[1];
      return [`${addressAt(s, 1)}/${len}`, `${addressAt(s, 2)}/${len}`];
    };
    const [a4, b4] = ends(4, l.ipv4, client?.ipv4);
    const [a6, b6] = ends(6, l.ipv6, client?.ipv6);
    return { a4, b4, a6, b6 };
  });
  return { loopbacks, clientAggregates, siteIds, links };
}
