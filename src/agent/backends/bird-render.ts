// Renders the desired announcements as a BIRD 2 include file: one static protocol per address family, one route
// per prefix, and the drain attributes set per route (a static route's attribute block, BIRD 2 "route … { … };").
// Pure: same set in, byte-identical text out (no timestamps), so an unchanged set never rewrites the file.
//
//   bgp_path.prepend(AS) per prepend   RFC 4271 §5.1.2 (BIRD adds its own AS once more on eBGP export)
//   bgp_med = N                        RFC 4271 §5.1.4
//   bgp_community.add((65535,0))       RFC 1997; 65535:0 is GRACEFUL_SHUTDOWN, RFC 8326
//   bgp_large_community.add((g,a,b))   RFC 8092
import type { BirdBackendConfig } from '../config/types.js';
import type { Announcements, RouteAttributes } from '../desired.js';

export function routeAttributesBlock(a: RouteAttributes, localAs: number | null): string {
  const stmts: string[] = [];
  if (a.prepend > 0) {
    if (localAs === null) throw new Error('a prepend needs backend.bird.local-as');
    for (let i = 0; i < a.prepend; i++) stmts.push(`bgp_path.prepend(${localAs});`);
  }
  if (a.med !== null) stmts.push(`bgp_med = ${a.med};`);
  for (const c of a.communities) stmts.push(`bgp_community.add((${c.replace(':', ',')}));`);
  for (const c of a.largeCommunities) stmts.push(`bgp_large_community.add((${c.split(':').join(',')}));`);
  return stmts.length ? ` { ${stmts.join(' ')} }` : '';
}

export function renderInclude(desired: Announcements, cfg: Pick<BirdBackendConfig, 'ipv4Protocol' | 'ipv6Protocol' |
  'route' | 'localAs' | 'exportFilter'>, agentName: string): string {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const [prefix, attrs] of desired) {
    (prefix.includes(':') ? v6 : v4).push(`  route ${prefix} ${cfg.route}${routeAttributesBlock(attrs, cfg.localAs)};`);
  }
  return [
    `# Written by anycast agent "${agentName}": the prefixes it announces. Rewritten on every change; do not edit.`,
    `# Include it from bird.conf and use the filter below as the export filter of the BGP sessions' channels:`,
    `#   ipv4 { export filter ${cfg.exportFilter}; };  ipv6 { export filter ${cfg.exportFilter}; };`,
    `protocol static ${cfg.ipv4Protocol} {`,
    `  ipv4;`,
    ...v4,
    `}`,
    `protocol static ${cfg.ipv6Protocol} {`,
    `  ipv6;`,
    ...v6,
    `}`,
    `filter ${cfg.exportFilter} {`,
    `  if proto != "${cfg.ipv4Protocol}" && proto != "${cfg.ipv6Protocol}" then reject;`,
    `  # BIRD sends a MED to an eBGP peer only if the export filter sets it: carry the route's own MED over.`,
    `  if defined(bgp_med) then bgp_med = bgp_med;`,
    `  accept;`,
    `}`,
    '',
  ].join('\n');
}

/** Parse `show protocols` output into rows. */
export function parseProtocols(lines: string[]): Array<{ name: string; proto: string; table: string; state: string;
  since: string; info: string }> {
  const out = [];
  for (const l of lines) {
    const f = l.trim().split(/\s+/);
    if (f.length < 5 || f[0] === 'Name') continue;
    out.push({ name: f[0]!, proto: f[1]!, table: f[2]!, state: f[3]!, since: f[4]!, info: f.slice(5).join(' ') });
  }
  return out;
}

/** Prefixes at the start of `show route` lines. */
export function parseRoutePrefixes(lines: string[]): string[] {
  const out = new Set<string>();
  for (const l of lines) {
    const tok = l.trim().split(/\s+/)[0] ?? '';
    if (/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(tok)) out.add(tok);
  }
  return [...out];
}
