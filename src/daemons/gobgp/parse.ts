// Parsers for `gobgp -j` output (pure): `neighbor` (session state by the numeric FSM state of GoBGP's API,
// 1 idle … 6 established) and `global rib` (destinations with all their paths and raw path attributes by
// type code: 1 ORIGIN, 2 AS_PATH, 3 NEXT_HOP, 4 MED, 5 LOCAL_PREF, 8 COMMUNITIES, 14 MP_REACH, 32 LARGE).
// Tested against output captured from GoBGP 3.10.

import type { NeighborStatus, Origin, RouteEntry, SessionState } from '../types.js';
import { familyOf } from '../types.js';

const STATE: Record<string, SessionState> = {
  '1': 'idle', '2': 'connect', '3': 'active', '4': 'opensent', '5': 'openconfirm', '6': 'established',
  idle: 'idle', connect: 'connect', active: 'active', opensent: 'opensent', openconfirm: 'openconfirm', established: 'established',
};

interface GobgpNeighbor {
  conf?: { neighbor_address?: string; peer_asn?: number };
  state?: { session_state?: number | string; neighbor_address?: string; peer_asn?: number };
  afi_safis?: { state?: { received?: number; accepted?: number } }[];
}

export function parseGobgpNeighbors(json: string): NeighborStatus[] {
  const list = JSON.parse(json || '[]') as GobgpNeighbor[] | null;
  return (list ?? []).map((n) => ({
    address: n.conf?.neighbor_address ?? n.state?.neighbor_address ?? '',
    remoteAs: n.conf?.peer_asn ?? n.state?.peer_asn ?? null,
    // GoBGP leaves session_state out when it is 0 (unknown) and reports idle as 1.
    state: STATE[String(n.state?.session_state ?? '').toLowerCase()] ?? 'idle',
    received: (n.afi_safis ?? []).reduce((s, a) => s + (a.state?.received ?? 0), 0),
  }));
}

interface GobgpAttr {
  type: number;
  value?: unknown;
  as_paths?: { segment_type: number; asns: number[] }[];
  nexthop?: string;
  metric?: number;
  communities?: number[];
}

interface GobgpPath {
  nlri?: { prefix?: string };
  best?: boolean;
  attrs?: GobgpAttr[];
  'neighbor-ip'?: string;
}

const ORIGINS: Origin[] = ['igp', 'egp', 'incomplete'];

export function parseGobgpRib(json: string): RouteEntry[] {
  const dests = JSON.parse(json || '{}') as Record<string, GobgpPath[]> | null;
  const out: RouteEntry[] = [];
  for (const [prefix, paths] of Object.entries(dests ?? {})) {
    for (const p of paths) {
      const e: RouteEntry = {
        prefix: p.nlri?.prefix ?? prefix, family: familyOf(prefix), best: p.best === true, nextHop: null, asPath: [],
        origin: null, med: null, localPref: null, communities: [], largeCommunities: [], from: p['neighbor-ip'] ?? 'local',
      };
      for (const a of p.attrs ?? []) {
        switch (a.type) {
          case 1:
            e.origin = ORIGINS[Number(a.value)] ?? null;
            break;
          case 2:
            e.asPath = (a.as_paths ?? []).flatMap((s) => s.asns ?? []);
            break;
          case 3:
          case 14:
            e.nextHop = a.nexthop ?? null;
            break;
          case 4:
            e.med = a.metric ?? 0;
            break;
          case 5:
            e.localPref = Number(a.value);
            break;
          case 8:
            e.communities = (a.communities ?? []).map((c) => `${Math.floor(c / 65536)}:${c % 65536}`);
            break;
          case 32:
            e.largeCommunities = ((a.value ?? []) as { ASN: number; LocalData1: number; LocalData2: number }[])
              .map((l) => `${l.ASN}:${l.LocalData1}:${l.LocalData2}`);
            break;
        }
      }
      out.push(e);
    }
  }
  return out;
}
