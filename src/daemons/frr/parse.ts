// Parsers for FRR bgpd JSON (pure): `show bgp neighbors json` and `show bgp <afi> unicast <prefix> json`
// (FRR 8.4 has no detail view of the whole table, so the runner asks per prefix, many -c in one vtysh call,
// and the outputs arrive concatenated). Tested against output captured from FRR 8.4.4.

import type { NeighborStatus, Origin, RouteEntry, SessionState } from '../types.js';
import { familyOf } from '../types.js';

/** Splits concatenated top-level JSON objects ("{…}{…}" or with text between them). */
export function splitJsonObjects(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && depth > 0 && --depth === 0) {
      out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

interface FrrNeighbor {
  remoteAs?: number;
  bgpState?: string;
  nbrDesc?: string;
  lastNotificationReason?: string;
  lastResetDueTo?: string;
  addressFamilyInfo?: Record<string, { acceptedPrefixCounter?: number }>;
}

export function parseFrrNeighbors(json: string): NeighborStatus[] {
  const obj = JSON.parse(json || '{}') as Record<string, FrrNeighbor>;
  return Object.entries(obj).map(([address, n]) => {
    const st = (n.bgpState ?? '').toLowerCase();
    const state: SessionState = (['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'] as const)
      .find((s) => s === st) ?? 'unknown';
    const received = Object.values(n.addressFamilyInfo ?? {}).reduce((s, a) => s + (a.acceptedPrefixCounter ?? 0), 0);
    const lastError = n.lastNotificationReason ?? n.lastResetDueTo;
    return { address, remoteAs: n.remoteAs ?? null, state, received, ...(n.nbrDesc ? { name: n.nbrDesc } : {}), ...(lastError ? { lastError } : {}) };
  });
}

interface FrrPath {
  aspath?: { string?: string; segments?: { list?: number[] }[] };
  origin?: string;
  metric?: number;
  locPrf?: number;
  localpref?: number;
  bestpath?: { overall?: boolean };
  community?: { list?: string[] };
  largeCommunity?: { list?: string[] };
  nexthops?: { ip?: string; scope?: string }[];
  peer?: { peerId?: string };
  sourced?: boolean;
  local?: boolean;
}

const WELL_KNOWN: Record<string, string> = {
  noExport: '65535:65281', noAdvertise: '65535:65282', localAs: '65535:65283', noPeer: '65535:65284',
  gracefulShutdown: '65535:0', blackhole: '65535:666', acceptOwn: '65535:1',
};

/** Parses one or more `show bgp … PREFIX json` outputs (concatenated) into paths. */
export function parseFrrPrefixes(text: string): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const o of splitJsonObjects(text) as { prefix?: string; paths?: FrrPath[] }[]) {
    if (!o.prefix || !o.paths) continue;
    for (const p of o.paths) {
      const local = p.sourced === true || p.local === true || p.peer?.peerId === '0.0.0.0' || p.peer?.peerId === '(unspec)';
      const nh = p.nexthops?.find((h) => h.scope !== 'link-local') ?? p.nexthops?.[0];
      out.push({
        prefix: o.prefix,
        family: familyOf(o.prefix),
        best: p.bestpath?.overall === true,
        nextHop: nh?.ip ?? null,
        asPath: p.aspath?.segments ? p.aspath.segments.flatMap((s) => s.list ?? [])
          : (p.aspath?.string ?? '').replace(/[{}()]/g, ' ').split(/\s+/).filter(Boolean).map(Number),
        origin: (p.origin?.toLowerCase() as Origin | undefined) ?? null,
        med: p.metric ?? null,
        localPref: p.locPrf ?? p.localpref ?? null,
        communities: (p.community?.list ?? []).map((c) => WELL_KNOWN[c] ?? c),
        largeCommunities: p.largeCommunity?.list ?? [],
        from: local ? 'local' : p.peer?.peerId ?? 'unknown',
      });
    }
  }
  return out;
}

/** The prefixes in `show bgp <afi> unicast json` (the table without per-path details). */
export function parseFrrTablePrefixes(json: string): string[] {
  const obj = JSON.parse(json || '{}') as { routes?: Record<string, unknown> };
  return Object.keys(obj.routes ?? {});
}
