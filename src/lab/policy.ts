// BGP sessions and policies of the lab's speakers (pure), from the AS relationships (Gao & Rexford, "Stable
// Internet routing without global coordination", 2001): every eBGP session gets the neighbor's role as seen from
// us (customer / peer / provider) and the 'gao-rexford' import and export policies of src/daemons (local-pref
// customer 200 > peer 100 > provider 50; a peer or provider is sent only our own and our customers' routes).
// Inside an AS with several routers: an iBGP full mesh between loopbacks (RFC 4271 §9.1.1: iBGP routes are not
// re-advertised to iBGP peers, hence the mesh) with next-hop-self, carrying the relationship tags unchanged.
// Two sessions per link, one per family (each carrying its own). Routers originate their clients' subnets;
// sites originate their anycast prefixes (with NO_EXPORT, RFC 1997, when their scope is local).

import { grTag } from '../daemons/spec.js';
import type { NeighborSpec, OriginatedRoute, Role, RouterSpec } from '../daemons/types.js';
import { hostOf, parseCidr } from './ip.js';
import type { LabModel } from './model.js';
import type { Topology } from './topology/types.js';

/** NO_EXPORT (RFC 1997 §3), as the daemons' neutral spec writes communities. */
export const NO_EXPORT = '65535:65281';

/** The role of AS `them` seen from AS `us`, from the relationships (undefined: same AS or none). */
export function roleOf(t: Topology, us: number, them: number): Role | undefined {
  for (const r of t.relationships) {
    if (r.kind === 'peer' && ((r.a === us && r.b === them) || (r.a === them && r.b === us))) return 'peer';
    if (r.kind === 'transit' && r.provider === us && r.customer === them) return 'customer';
    if (r.kind === 'transit' && r.provider === them && r.customer === us) return 'provider';
  }
  return undefined;
}

const ident = (s: string) => s.replace(/-/g, '_');

/** Prefix of the subnet an interface address is in ("10.64.0.2/30" → "10.64.0.0/30"). */
export function subnetOf(cidr: string): string {
  const c = parseCidr(cidr)!;
  return `${c.network}/${c.length}`;
}

/** The originated routes of a site (its anycast prefixes). */
export function siteRoutes(t: Topology, site: string): OriginatedRoute[] {
  const s = t.sites.find((x) => x.name === site)!;
  const communities = s.scope === 'local' ? [NO_EXPORT] : [];
  return [s.prefixes.ipv4, s.prefixes.ipv6].map((prefix) => ({ prefix, ...(communities.length ? { communities } : {}) }));
}

export function routerSpecs(m: LabModel): Record<string, RouterSpec> {
  const t = m.topology;
  const out: Record<string, RouterSpec> = {};
  for (const n of m.nodes) {
    if (n.kind === 'client') continue;
    const neighbors: NeighborSpec[] = [];
    for (const i of n.interfaces) {
      const peer = m.nodes.find((x) => x.name === i.peer)!;
      if (peer.kind === 'client') continue;
      const role = roleOf(t, n.asn!, peer.asn!);
      if (!role) continue; // same AS: reached over loopbacks below
      for (const [fam, mine, theirs] of [['4', i.addr4, i.peer4], ['6', i.addr6, i.peer6]] as const) {
        neighbors.push({ name: `${ident(peer.name)}_${fam}`, address: hostOf(theirs), localAddress: hostOf(mine), remoteAs: peer.asn!,
          role, import: 'gao-rexford', export: 'gao-rexford' });
      }
    }
    if (n.kind === 'router') {
      for (const other of m.nodes) {
        if (other.kind !== 'router' || other.asn !== n.asn || other.name === n.name) continue;
        for (const [fam, mine, theirs] of [['4', n.loopback4!, other.loopback4!], ['6', n.loopback6!, other.loopback6!]] as const) {
          neighbors.push({ name: `i_${ident(other.name)}_${fam}`, address: theirs, localAddress: mine, remoteAs: n.asn!,
            import: 'accept-all', export: 'accept-all', nextHopSelf: true });
        }
      }
    }
    const originate: OriginatedRoute[] = n.kind === 'site'
      ? (t.sites.find((s) => s.name === n.name)!.announce ? siteRoutes(t, n.name) : [])
      // In an AS with several routers, tagged as a customer route: the other routers (over iBGP) then export it
      // to peers and providers like any customer route (the export rule only lets a router's *own* originations
      // through). Alone in its AS a router needs no tag (BIRD would send it on: it exports its originations
      // before stripping tags).
      : (m.clientPrefixes[n.name] ?? []).map((prefix) => (t.ases.find((a) => a.asn === n.asn)!.routers.length > 1
        ? { prefix, largeCommunities: [grTag(n.asn!, 'customer')] } : { prefix }));
    out[n.name] = { name: ident(n.name), routerId: n.loopback4!, localAs: n.asn!, neighbors, originate, kernelExport: true };
  }
  return out;
}
