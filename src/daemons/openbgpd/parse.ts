// Parsers for `bgpctl -j` output of OpenBGPD 7.x (pure): `show neighbor` and `show rib detail`. OpenBGPD
// reports "metric" (MED) as 0 when the route has none, so a missing MED reads as 0 here. Tested against output
// captured from OpenBGPD 7.7.

import type { NeighborStatus, Origin, RouteEntry, SessionState } from '../types.js';
import { familyOf } from '../types.js';

interface ObgpNeighbor {
  remote_addr?: string;
  remote_as?: string | number;
  state?: string;
  description?: string;
  stats?: { prefixes?: { received?: number } };
  last_error_received?: string;
  last_error_sent?: string;
}

export function parseOpenbgpdNeighbors(json: string): NeighborStatus[] {
  const obj = JSON.parse(json || '{}') as { neighbors?: ObgpNeighbor[] };
  return (obj.neighbors ?? []).map((n) => {
    const st = (n.state ?? '').toLowerCase();
    const state: SessionState = (['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'] as const)
      .find((s) => s === st) ?? 'unknown';
    return {
      address: n.remote_addr ?? '',
      remoteAs: n.remote_as !== undefined ? Number(n.remote_as) : null,
      state,
      received: n.stats?.prefixes?.received ?? null,
      ...(n.description ? { name: n.description } : {}),
      ...(n.last_error_received || n.last_error_sent ? { lastError: (n.last_error_received || n.last_error_sent)! } : {}),
    };
  });
}

interface ObgpRib {
  prefix: string;
  aspath?: string;
  exit_nexthop?: string;
  neighbor?: { remote_addr?: string; description?: string };
  best?: boolean;
  origin?: string;
  metric?: number;
  localpref?: number;
  communities?: string[];
  large_communities?: string[];
}

const WELL_KNOWN: Record<string, string> = {
  NO_EXPORT: '65535:65281', NO_ADVERTISE: '65535:65282', NO_EXPORT_SUBCONFED: '65535:65283', NO_PEER: '65535:65284',
  GRACEFUL_SHUTDOWN: '65535:0', BLACKHOLE: '65535:666',
};

export function parseOpenbgpdRib(json: string): RouteEntry[] {
  const obj = JSON.parse(json || '{}') as { rib?: ObgpRib[] };
  return (obj.rib ?? []).map((r) => {
    const local = r.neighbor?.description === 'LOCAL' || r.neighbor?.remote_addr === '???';
    const nh = r.exit_nexthop && r.exit_nexthop !== '0.0.0.0' && r.exit_nexthop !== '::' ? r.exit_nexthop : null;
    return {
      prefix: r.prefix,
      family: familyOf(r.prefix),
      best: r.best === true,
      nextHop: nh,
      asPath: (r.aspath ?? '').replace(/[{}()]/g, ' ').split(/\s+/).filter(Boolean).map(Number),
      origin: (r.origin?.toLowerCase() as Origin | undefined) ?? null,
      med: r.metric ?? null,
      localPref: r.localpref ?? null,
      communities: (r.communities ?? []).map((c) => WELL_KNOWN[c] ?? c),
      largeCommunities: r.large_communities ?? [],
      from: local ? 'local' : r.neighbor?.remote_addr ?? 'unknown',
    };
  });
}
