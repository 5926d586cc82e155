// Test fixtures for the RIB: candidates described by the few fields a rule looks at, a RIB with one neighbor per
// candidate, and permutations.

import { AttrStore, AttrsInput } from '../../../src/bgp/rib/attrs.js';
import { DecisionContext, Candidate } from '../../../src/bgp/rib/decision/rules.js';
import { DecisionOptions, resolveDecisionOptions } from '../../../src/bgp/rib/decision/options.js';
import { PeerConfig, PeerInfo, PeerKind } from '../../../src/bgp/rib/peer.js';
import { Rib, RibOptions } from '../../../src/bgp/rib/rib.js';
import { NextHop, NextHopResolver } from '../../../src/bgp/rib/nexthop.js';
import { ACCEPT_ALL } from '../../../src/bgp/policy/compile.js';

export const LOCAL_AS = 65000;

export interface Spec extends AttrsInput {
  /** Neighbor address (default derived from the index). */
  addr?: string;
  /** Neighbor AS (default 65100 + index for eBGP, LOCAL_AS for iBGP). */
  asn?: number;
  kind?: PeerKind;
  routerId?: string;
  igp?: number;
  pathId?: number;
  rrClient?: boolean;
}

export function peerInfo(i: number, s: Spec): PeerInfo {
  const kind = s.kind ?? 'ebgp';
  const asn = s.asn ?? (kind === 'ibgp' ? LOCAL_AS : kind === 'local' ? LOCAL_AS : 65100 + i);
  const p = new PeerInfo(i + 1, {
    name: `p${i + 1}`, address: s.addr ?? `192.0.2.${i + 1}`, asn, routerId: s.routerId ?? `10.0.0.${i + 1}`,
    rrClient: s.rrClient,
  }, kind);
  return p;
}

/** Candidates for direct rule tests (select / compareRoutes). */
export function cands(specs: Spec[], store = new AttrStore()): Candidate[] {
  return specs.map((s, i) => ({
    attrs: store.intern({ asPath: '', nextHop: s.addr ?? `192.0.2.${i + 1}`, ...stripSpec(s) }),
    peer: peerInfo(i, s),
    pathId: s.pathId ?? 0,
    igpCost: s.igp ?? 0,
  }));
}

export function stripSpec(s: Spec): AttrsInput {
  const { addr: _a, asn: _b, kind: _c, routerId: _d, igp: _e, pathId: _f, rrClient: _g, ...rest } = s;
  return rest;
}

export function ctx(o: Partial<DecisionOptions> = {}): DecisionContext {
  return { opts: resolveDecisionOptions(o), localAs: LOCAL_AS };
}

export function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  const out: T[][] = [];
  xs.forEach((x, i) => {
    for (const p of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...p]);
  });
  return out;
}

/** A resolver from a table: address → IGP cost; addresses listed as unreachable are unreachable. */
export function tableResolver(costs: Record<string, number>, unreachable: string[] = []): NextHopResolver {
  return {
    resolve(nh: NextHop) {
      if (unreachable.includes(nh.address)) return { reachable: false, igpCost: 0 };
      return { reachable: true, igpCost: costs[nh.address] ?? 0 };
    },
  };
}

/**
 * A RIB with one neighbor per spec (eBGP or iBGP per spec.kind), all up, import/export accept-all, and the
 * igp costs of the specs served by the resolver. Returns the RIB and its neighbors.
 */
export function ribWith(specs: Spec[], opts: Partial<RibOptions> = {}, peerExtra: Partial<PeerConfig> = {}):
  { rib: Rib; peers: PeerInfo[] } {
  const costs: Record<string, number> = {};
  specs.forEach((s, i) => { costs[s.nextHop ?? s.addr ?? `192.0.2.${i + 1}`] = s.igp ?? 0; });
  const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.255.254', resolver: tableResolver(costs), ...opts });
  const peers = specs.map((s, i) => {
    const kind = s.kind ?? 'ebgp';
    const p = rib.addPeer({
      name: `p${i + 1}`, address: s.addr ?? `192.0.2.${i + 1}`,
      asn: s.asn ?? (kind === 'ibgp' ? LOCAL_AS : 65100 + i), kind: kind === 'local' ? undefined : kind,
      importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL, rrClient: s.rrClient,
      localAddress: { ipv4: '192.0.2.254', ipv6: '2001:db8::fe' }, ...peerExtra,
    });
    rib.peerUp(p, { routerId: s.routerId ?? `10.0.0.${i + 1}`, addPathReceive: s.pathId !== undefined });
    return p;
  });
  rib.flush();
  return { rib, peers };
}

/** Announce spec i from its neighbor for `prefix` (IPv4 key). */
export function announceSpec(rib: Rib, peers: PeerInfo[], specs: Spec[], i: number, prefix: number): void {
  const s = specs[i]!;
  const attrs = rib.store.intern({ nextHop: s.addr ?? `192.0.2.${i + 1}`, ...stripSpec(s) });
  rib.announce(peers[i]!, 'ipv4', attrs, [prefix], s.pathId !== undefined ? [s.pathId] : undefined);
}
