// BIRD 2 configuration from the neutral RouterSpec (pure). One `protocol bgp` per neighbor with a channel per
// family; originated routes are `protocol static` blackholes in a separate include file (originate.conf), so
// that run-time announce/withdraw rewrites only that file and `birdc configure` applies it without touching the
// sessions. Attributes of originated routes are set on each static route (so 100k routes stay linear); BIRD
// sends a MED to an eBGP neighbor only when the export filter set it, which the export filter does. Timers are fast (`connect delay time 1`:
// the default of 5 s makes a session take 5-7 s to come up).

import type { Family, OriginatedRoute } from '../types.js';
import { familyOf } from '../types.js';
import { GR_LOCAL_PREF, GR_TAG_CODE, GR_TAG_FUNCTION, grRestartTime, splitCommunity, type ResolvedNeighbor, type ResolvedRouter } from '../spec.js';

export interface BirdPaths {
  dir: string;
  originateFile: string;
  logFile: string;
}

export const birdProtocolName = (n: { name: string }) => `bgp_${n.name}`;
const fam4 = (f: Family) => (f === 'ipv4' ? '4' : '6');

/** The attribute block of a static route: BGP attributes set on the route itself. */
function staticAttrs(r: OriginatedRoute, localAs: number): string {
  const body: string[] = [];
  for (const c of r.communities ?? []) body.push(`bgp_community.add((${splitCommunity(c).join(',')}));`);
  for (const c of r.largeCommunities ?? []) body.push(`bgp_large_community.add((${splitCommunity(c).join(',')}));`);
  if (r.med !== undefined) body.push(`bgp_med = ${r.med};`);
  if (r.localPref !== undefined) body.push(`bgp_local_pref = ${r.localPref};`);
  if (r.origin) body.push(`bgp_origin = ORIGIN_${r.origin.toUpperCase()};`);
  // The path is built from its end: the tail (asPath) last element first, then the extra copies of our AS;
  // BGP export adds the one mandatory copy of our AS on eBGP sessions.
  for (const a of [...(r.asPath ?? [])].reverse()) body.push(`bgp_path.prepend(${a});`);
  for (let i = 0; i < (r.prepend ?? 0); i++) body.push(`bgp_path.prepend(${localAs});`);
  return body.length ? ` { ${body.join(' ')} }` : '';
}

/**
 * The export-side function for originated routes. BIRD sends a MED to an eBGP neighbor only if the export
 * filter set it, so the route's own MED is set again here; a next hop can only be forced here too (per prefix,
 * which is linear in the number of such routes: rare).
 */
function originFn(routes: OriginatedRoute[], f: Family): string {
  const lines = [`function originated_attrs${fam4(f)}() {`, '  if defined(bgp_med) then bgp_med = bgp_med;'];
  for (const r of routes.filter((x) => familyOf(x.prefix) === f && x.nextHop)) {
    lines.push(`  if net = ${r.prefix} then bgp_next_hop = ${r.nextHop};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** The include file with the originated routes: rewritten at run time by announce/withdraw. */
export function birdOriginateConf(spec: ResolvedRouter, routes: OriginatedRoute[] = spec.originate): string {
  const out = ['# Originated routes (rewritten by announce/withdraw, applied with `birdc configure`).'];
  for (const f of ['ipv4', 'ipv6'] as const) {
    out.push(`protocol static orig${fam4(f)} {`, `  ${f};`);
    for (const r of routes.filter((x) => familyOf(x.prefix) === f)) out.push(`  route ${r.prefix} blackhole${staticAttrs(r, spec.localAs)};`);
    out.push('}');
    out.push(originFn(routes, f));
  }
  return out.join('\n') + '\n';
}

function importBlock(spec: ResolvedRouter, n: ResolvedNeighbor): string {
  switch (n.import) {
    case 'accept-all':
      return 'import all;';
    case 'reject-all':
      return 'import none;';
    case 'gao-rexford': {
      const role = n.role!;
      // Drop any relationship tag of ours that a neighbor sent (only we set those), then tag and rank.
      return `import filter { bgp_large_community.delete([(${spec.localAs}, ${GR_TAG_FUNCTION}, *)]); ` +
        `bgp_large_community.add((${spec.localAs}, ${GR_TAG_FUNCTION}, ${GR_TAG_CODE[role]})); ` +
        `bgp_local_pref = ${GR_LOCAL_PREF[role]}; accept; };`;
    }
  }
}

function exportBlock(spec: ResolvedRouter, n: ResolvedNeighbor, f: Family): string {
  const orig = `if source = RTS_STATIC && proto = "orig${fam4(f)}" then { originated_attrs${fam4(f)}(); accept; }`;
  switch (n.export) {
    case 'accept-all':
      return `export filter { ${orig} if source = RTS_BGP then accept; reject; };`;
    case 'reject-all':
      return 'export none;';
    case 'gao-rexford': {
      const onlyCustomers = n.role === 'customer' ? ''
        : `if (${spec.localAs}, ${GR_TAG_FUNCTION}, ${GR_TAG_CODE.customer}) !~ bgp_large_community then reject; `;
      return `export filter { ${orig} if source != RTS_BGP then reject; ${onlyCustomers}` +
        `bgp_large_community.delete([(${spec.localAs}, ${GR_TAG_FUNCTION}, *)]); accept; };`;
    }
  }
}

function neighborBlock(spec: ResolvedRouter, n: ResolvedNeighbor): string {
  const L: string[] = [`protocol bgp ${birdProtocolName(n)} {`];
  L.push(`  local${n.localAddress ? ` ${n.localAddress}` : ''} as ${spec.localAs};`);
  L.push(`  neighbor ${n.address} as ${n.remoteAs};`);
  L.push(`  hold time ${n.holdTime};`);
  if (n.holdTime > 0) L.push(`  keepalive time ${Math.max(1, n.keepalive)};`);
  L.push('  connect delay time 1;', '  connect retry time 1;', '  error wait time 1, 5;');
  if (n.passive) L.push('  passive on;');
  if (n.multihop !== undefined) L.push(`  multihop ${n.multihop};`);
  else if (n.ebgp) L.push('  direct;');
  const gr = grRestartTime(n);
  if (gr !== null) L.push('  graceful restart on;', `  graceful restart time ${gr};`);
  else if (n.gracefulRestart === false) L.push('  graceful restart off;');
  if (!n.routeRefresh) L.push('  enable route refresh off;');
  for (const f of n.families) {
    L.push(`  ${f} {`);
    L.push(`    ${importBlock(spec, n)}`);
    L.push(`    ${exportBlock(spec, n, f)}`);
    if (n.addPath) L.push(`    add paths ${n.addPath === 'receive' ? 'rx' : n.addPath === 'send' ? 'tx' : 'on'};`);
    if (n.nextHopSelf) L.push('    next hop self;');
    if (gr !== null) L.push('    graceful restart on;');
    if (f === 'ipv4' && n.address.includes(':')) L.push('    extended next hop on;');
    L.push('  };');
  }
  L.push('}');
  return L.join('\n');
}

/** The main bird.conf. `paths` are absolute, inside the router's private directory. */
export function birdConfig(spec: ResolvedRouter, paths: BirdPaths): string {
  const needLearn = spec.neighbors.some((n) => n.multihop !== undefined || !n.ebgp);
  const out: string[] = [
    `# BIRD 2 configuration for router ${spec.name} (AS${spec.localAs}), generated by anycast.`,
    `router id ${spec.routerId};`,
    `log "${paths.logFile}" all;`,
    'protocol device { scan time 10; }',
  ];
  if (needLearn) out.push('protocol direct { ipv4; ipv6; }');
  for (const f of ['ipv4', 'ipv6'] as const) {
    if (!spec.kernelExport && !needLearn) continue;
    // Kernel export installs BGP routes only (never the originating blackholes); `learn` lets multihop and
    // iBGP next hops resolve through routes the lab put in the kernel.
    out.push(`protocol kernel kernel${fam4(f)} {`, needLearn ? '  learn;' : '', '  merge paths on;', `  ${f} {`,
      `    import ${needLearn ? 'all' : 'none'};`,
      `    export ${spec.kernelExport ? 'where source = RTS_BGP' : 'none'};`, '  };', '}');
  }
  out.push(`include "${paths.originateFile}";`);
  for (const n of spec.neighbors) out.push(neighborBlock(spec, n));
  return out.filter((l) => l !== '').join('\n') + '\n';
}
