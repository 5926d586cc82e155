// The path packets actually take, measured: traceroute (ICMP echo, one probe per hop, all hops at once) from
// the source's namespace, its hop addresses mapped back to lab nodes. ICMP follows the same path as the
// clients' DNS and HTTP flows because the routers hash equal-cost routes on source and destination only (see
// lab.ts). A hop that does not answer (ICMP rate limit) leaves the measured path incomplete; the caller then
// falls back to reading the FIBs (paths.ts).

import { runCommand } from '../../../netns/run.js';
import { canonical, hostOf } from '../../ip.js';
import type { LabModel } from '../../model.js';
import type { PathQuery, PathResult } from '../types.js';

/** Interface and loopback addresses → node (anycast service addresses are not unique and are left out). */
export function addressMap(m: LabModel): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of m.links) {
    for (const [a, node] of [[l.a4, l.a], [l.a6, l.a], [l.b4, l.b], [l.b6, l.b]] as const) out.set(canonical(hostOf(a)), node);
  }
  for (const n of m.nodes) {
    if (n.kind === 'router') {
      out.set(canonical(n.loopback4!), n.name);
      out.set(canonical(n.loopback6!), n.name);
    }
  }
  return out;
}

/** Parses traceroute's output into hop addresses (null where a hop did not answer). */
export function parseTraceroute(text: string): Array<string | null> {
  const hops: Array<string | null> = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)/.exec(line);
    if (!m) continue;
    hops[Number(m[1]) - 1] = m[2] === '*' ? null : m[2]!;
  }
  return Array.from(hops, (h) => h ?? null);
}

export async function traceOne(m: LabModel, addrs: Map<string, string>, q: PathQuery): Promise<PathResult | null> {
  const ns = m.nodes.find((n) => n.name === q.from)!.ns;
  const r = await runCommand(['nsenter', `--net=/run/netns/${ns}`, 'traceroute', '-I', '-n', '-q', '1', '-w', '1', '-N', '32', '-m', '24', '-s', q.src, q.dst],
    { allowFailure: true, timeoutMs: 15_000 });
  if (r.code !== 0) return null;
  const hops = parseTraceroute(r.stdout);
  if (hops.length === 0 || hops.includes(null) || canonical(hops[hops.length - 1]!) !== canonical(q.dst)) return null;
  const nodes = [q.from];
  for (const h of hops.slice(0, -1)) {
    const n = addrs.get(canonical(h!));
    if (!n) return null;
    nodes.push(n);
  }
  // The last hop is the destination itself: the node where it is local, next to the last router.
  const last = nodes[nodes.length - 1]!;
  const dst = addrs.get(canonical(q.dst));
  let end = dst;
  if (!end) {
    const owners = m.nodes.filter((n) => n.kind === 'site' && n.interfaces.some((i) => i.peer === last) && ownsService(m, n.name, q.dst));
    if (owners.length !== 1) return null;
    end = owners[0]!.name;
  }
  if (end !== last) nodes.push(end);
  let delay = 0;
  for (let i = 1; i < nodes.length; i++) {
    const l = m.links.find((x) => (x.a === nodes[i - 1] && x.b === nodes[i]) || (x.b === nodes[i - 1] && x.a === nodes[i]));
    if (!l) return null;
    delay += l.delayMs;
  }
  return { query: q, hops: nodes, reached: end, delayMs: Math.round(delay * 100) / 100, method: 'traceroute' };
}

function ownsService(m: LabModel, site: string, addr: string): boolean {
  const s = m.topology.sites.find((x) => x.name === site);
  return !!s && (canonical(s.service.ipv4) === canonical(addr) || canonical(s.service.ipv6) === canonical(addr));
}
