// From service states to the desired announcements: one entry per prefix with the attributes it is to be announced
// with, or no entry (withdrawn). This is the whole interface between health and BGP: the backend is handed the
// complete desired set and converges on it, so a restart, a reload or a retry is the same operation.
//
// Prefixes shared by several services follow RFC 4786 §4.8 (service co-location):
//   optimistic (default)  announced while any of its services is up (draining ones give a worse path only when
//                         none is up);
//   pessimistic           a covering prefix (listed under `prefixes:` with co-location: pessimistic) is withdrawn as
//                         soon as any service announcing it or a more-specific prefix inside it is down, and carries
//                         the worst path of them while any is draining (§4.8.2).
import type { CoLocation, ServiceConfig } from './config/types.js';
import { comparePrefixText, covers, parsePrefix, type Prefix } from './prefix.js';
import type { Phase } from './service-fsm.js';

export interface RouteAttributes {
  /** Extra copies of the local AS prepended to the AS_PATH (RFC 4271 §5.1.2). */
  prepend: number;
  /** MULTI_EXIT_DISC (RFC 4271 §5.1.4); null = not sent. */
  med: number | null;
  /** Standard communities "a:b" (RFC 1997), sorted. 65535:0 is GRACEFUL_SHUTDOWN (RFC 8326). */
  communities: string[];
  /** Large communities "g:l1:l2" (RFC 8092), sorted. */
  largeCommunities: string[];
}

/** The desired state handed to a backend: canonical prefix → attributes, in prefix order. */
export type Announcements = ReadonlyMap<string, RouteAttributes>;

export interface DesiredEntry {
  attributes: RouteAttributes;
  degraded: boolean;
  services: string[];
}

export const GRACEFUL_SHUTDOWN = '65535:0';

function sortCommunities(list: Iterable<string>): string[] {
  return [...new Set(list)].sort((a, b) => {
    const pa = a.split(':').map(Number);
    const pb = b.split(':').map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
    return 0;
  });
}

export function normalAttributes(s: ServiceConfig): RouteAttributes {
  return { prepend: 0, med: s.med, communities: sortCommunities(s.communities),
    largeCommunities: sortCommunities(s.largeCommunities) };
}

export function degradedAttributes(s: ServiceConfig): RouteAttributes {
  const d = s.degrade;
  return {
    prepend: d.prepend,
    med: d.med ?? s.med,
    communities: sortCommunities([...s.communities, ...d.communities, ...(d.gracefulShutdown ? [GRACEFUL_SHUTDOWN] : [])]),
    largeCommunities: sortCommunities([...s.largeCommunities, ...d.largeCommunities]),
  };
}

function worst(list: RouteAttributes[]): RouteAttributes {
  const meds = list.map((a) => a.med).filter((m): m is number => m !== null);
  return {
    prepend: Math.max(...list.map((a) => a.prepend)),
    med: meds.length ? Math.max(...meds) : null,
    communities: sortCommunities(list.flatMap((a) => a.communities)),
    largeCommunities: sortCommunities(list.flatMap((a) => a.largeCommunities)),
  };
}

function best(list: Array<{ name: string; attrs: RouteAttributes }>): RouteAttributes {
  return [...list].sort((x, y) => x.attrs.prepend - y.attrs.prepend || (x.attrs.med ?? 0) - (y.attrs.med ?? 0) ||
    x.attrs.communities.length - y.attrs.communities.length || (x.name < y.name ? -1 : 1))[0]!.attrs;
}

export interface ServiceView {
  config: ServiceConfig;
  phase: Phase;
}

export function computeDesired(services: ServiceView[], policies: Record<string, { coLocation: CoLocation }>):
  Map<string, DesiredEntry> {
  const all = new Set<string>(Object.keys(policies));
  for (const s of services) for (const p of s.config.prefixes) all.add(p);
  const parsed = new Map<string, Prefix>();
  const parse = (p: string) => {
    let r = parsed.get(p);
    if (!r) { r = parsePrefix(p) as Prefix; parsed.set(p, r); }
    return r;
  };
  const out = new Map<string, DesiredEntry>();
  for (const prefix of [...all].sort(comparePrefixText)) {
    const policy = policies[prefix];
    const members = policy === undefined
      ? services.filter((s) => s.config.prefixes.includes(prefix))
      : services.filter((s) => s.config.prefixes.some((p) => covers(parse(prefix), parse(p))));
    if (members.length === 0) continue;
    const attrsOf = (s: ServiceView) => (s.phase === 'up' ? normalAttributes(s.config) : degradedAttributes(s.config));
    if (policy?.coLocation === 'pessimistic') {
      if (members.some((s) => s.phase === 'down')) continue;
      out.set(prefix, {
        attributes: worst(members.map(attrsOf)),
        degraded: members.some((s) => s.phase === 'draining'),
        services: members.map((s) => s.config.name),
      });
      continue;
    }
    const up = members.filter((s) => s.phase === 'up');
    const pool = up.length > 0 ? up : members.filter((s) => s.phase === 'draining');
    if (pool.length === 0) continue;
    out.set(prefix, {
      attributes: best(pool.map((s) => ({ name: s.config.name, attrs: attrsOf(s) }))),
      degraded: up.length === 0,
      services: pool.map((s) => s.config.name),
    });
  }
  return out;
}

export function toAnnouncements(d: Map<string, DesiredEntry>): Map<string, RouteAttributes> {
  return new Map([...d].map(([p, e]) => [p, e.attributes]));
}

export function sameAttributes(a: RouteAttributes, b: RouteAttributes): boolean {
  return a.prepend === b.prepend && a.med === b.med && a.communities.join() === b.communities.join() &&
    a.largeCommunities.join() === b.largeCommunities.join();
}

export function sameAnnouncements(a: Announcements, b: Announcements): boolean {
  if (a.size !== b.size) return false;
  for (const [p, attrs] of a) {
    const o = b.get(p);
    if (o === undefined || !sameAttributes(attrs, o)) return false;
  }
  return true;
}

/** "prepend 3, med 1000, 65535:0" — for logs and status; "-" for a plain announcement. */
export function describeAttributes(a: RouteAttributes): string {
  const parts: string[] = [];
  if (a.prepend > 0) parts.push(`prepend ${a.prepend}`);
  if (a.med !== null) parts.push(`med ${a.med}`);
  if (a.communities.length) parts.push(a.communities.join(' '));
  if (a.largeCommunities.length) parts.push(a.largeCommunities.join(' '));
  return parts.length ? parts.join(', ') : '-';
}
