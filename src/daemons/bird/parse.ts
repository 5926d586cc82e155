// Parsers for birdc output (pure): `show route all` (every path of every prefix with its BGP attributes) and
// `show protocols all` (BGP session state per protocol). Tested against output captured from BIRD 2.0.12.

import type { NeighborStatus, Origin, RouteEntry, SessionState } from '../types.js';
import { familyOf } from '../types.js';

const ROUTE_HEAD = /^(\S+)?\s+(unicast|blackhole|unreachable|prohibit)\s+\[(\S+)\s[^\]]*\]\s*(\*)?/;

/**
 * Parses `birdc show route all`. `fromOf` maps a protocol name to the neighbor it stands for (static
 * protocols map to 'local'); unknown names are kept as they are.
 */
export function parseBirdRoutes(text: string, fromOf: (proto: string) => string = (p) => p): RouteEntry[] {
  const out: RouteEntry[] = [];
  let prefix = '';
  let cur: RouteEntry | null = null;
  for (const line of text.split('\n')) {
    const head = ROUTE_HEAD.exec(line);
    if (head && !line.startsWith('\t')) {
      if (head[1]) prefix = head[1];
      cur = {
        prefix, family: familyOf(prefix), best: head[4] === '*', nextHop: null, asPath: [], origin: null, med: null,
        localPref: null, communities: [], largeCommunities: [], from: fromOf(head[3]!),
      };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const attr = /^\s+BGP\.(\w+):\s*(.*)$/.exec(line);
    if (!attr) continue;
    const [, key, val] = attr as unknown as [string, string, string];
    switch (key) {
      case 'origin':
        cur.origin = val.toLowerCase() as Origin;
        break;
      case 'as_path':
        cur.asPath = val.replace(/[{}()[\]]/g, ' ').split(/\s+/).filter(Boolean).map(Number);
        break;
      case 'next_hop':
        cur.nextHop = val.split(/\s+/)[0] ?? null; // an IPv6 next hop may be followed by its link-local one
        break;
      case 'med':
        cur.med = Number(val);
        break;
      case 'local_pref':
        cur.localPref = Number(val);
        break;
      case 'community':
        cur.communities = [...val.matchAll(/\((\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`);
        break;
      case 'large_community':
        cur.largeCommunities = [...val.matchAll(/\((\d+),\s*(\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
        break;
    }
  }
  return out;
}

const STATES: Record<string, SessionState> = {
  idle: 'idle', connect: 'connect', active: 'active', opensent: 'opensent', openconfirm: 'openconfirm',
  established: 'established', down: 'idle',
};

/** Parses `birdc show protocols all`: one entry per BGP protocol. */
export function parseBirdProtocols(text: string): NeighborStatus[] {
  const out: NeighborStatus[] = [];
  let cur: NeighborStatus | null = null;
  for (const line of text.split('\n')) {
    const head = /^(\S+)\s+(\S+)\s+(\S+)\s+(up|down|start|flush|stop)\b/.exec(line);
    if (head && !line.startsWith(' ')) {
      cur = null;
      if (head[2] === 'BGP') {
        cur = { name: head[1]!, address: '', remoteAs: null, state: head[4] === 'down' ? 'idle' : 'unknown', received: null };
        out.push(cur);
      }
      continue;
    }
    if (!cur) continue;
    let m: RegExpExecArray | null;
    if ((m = /^\s+BGP state:\s+(\S+)/.exec(line))) cur.state = STATES[m[1]!.toLowerCase()] ?? 'unknown';
    else if ((m = /^\s+Neighbor address:\s+(\S+)/.exec(line))) cur.address = m[1]!.split('%')[0]!;
    else if ((m = /^\s+Neighbor AS:\s+(\d+)/.exec(line))) cur.remoteAs = Number(m[1]);
    else if ((m = /^\s+Routes:\s+(\d+) imported/.exec(line))) cur.received = (cur.received ?? 0) + Number(m[1]);
    else if ((m = /^\s+Last error:\s+(.+?)\s*$/.exec(line))) cur.lastError = m[1]!;
  }
  return out;
}
