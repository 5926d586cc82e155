// Checking and completing a RouterSpec (pure): every value is checked up front with the key that is wrong and
// why, and defaults are filled in one place, so that the five config generators only ever see complete,
// valid input. Also the Gao-Rexford constants that all generators share.

import { isIP } from 'node:net';
import { ConfigError } from '../util/errors.js';
import type { Family, NeighborSpec, OriginatedRoute, Policy, Role, RouterSpec } from './types.js';
import { familyOf } from './types.js';

/** Local preference by the neighbor's role (customer routes preferred: they earn money). */
export const GR_LOCAL_PREF: Record<Role, number> = { customer: 200, peer: 100, provider: 50 };
/** The middle field of the relationship tag LOCAL_AS:990:CODE. */
export const GR_TAG_FUNCTION = 990;
export const GR_TAG_CODE: Record<Role, number> = { customer: 1, peer: 2, provider: 3 };

export function grTag(localAs: number, role: Role): string {
  return `${localAs}:${GR_TAG_FUNCTION}:${GR_TAG_CODE[role]}`;
}

export interface ResolvedNeighbor extends NeighborSpec {
  name: string;
  families: Family[];
  holdTime: number;
  keepalive: number;
  import: Policy;
  export: Policy;
  routeRefresh: boolean;
  ebgp: boolean;
}

export interface ResolvedRouter extends RouterSpec {
  neighbors: ResolvedNeighbor[];
  originate: OriginatedRoute[];
  kernelExport: boolean;
}

const NAME_RE = /^[a-z][a-z0-9_]{0,31}$/;
const COMMUNITY_RE = /^(\d+):(\d+)$/;
const LARGE_RE = /^(\d+):(\d+):(\d+)$/;
const U32 = 0xffffffff;

export function defaultNeighborName(address: string): string {
  return `n_${address.replace(/[.:]/g, '_')}`.replace(/_+$/, '').slice(0, 32);
}

function checkPrefix(file: string, key: string, p: string): void {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(p);
  const fam = m ? isIP(m[1]!) : 0;
  if (!m || fam === 0 || Number(m[2]) > (fam === 4 ? 32 : 128)) throw new ConfigError(file, key, `"${p}" is not a prefix`);
}

export function checkRoute(r: OriginatedRoute, file: string, key: string): void {
  checkPrefix(file, `${key}.prefix`, r.prefix);
  (r.communities ?? []).forEach((c, i) => {
    const m = COMMUNITY_RE.exec(c);
    if (!m || Number(m[1]) > 0xffff || Number(m[2]) > 0xffff) throw new ConfigError(file, `${key}.communities[${i}]`, `"${c}" is not ASN:VALUE with 16-bit parts`);
  });
  (r.largeCommunities ?? []).forEach((c, i) => {
    const m = LARGE_RE.exec(c);
    if (!m || m.slice(1).some((x) => Number(x) > U32)) throw new ConfigError(file, `${key}.largeCommunities[${i}]`, `"${c}" is not GLOBAL:LOCAL1:LOCAL2 with 32-bit parts`);
  });
  for (const k of ['med', 'localPref', 'prepend'] as const) {
    const v = r[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > U32 || (k === 'prepend' && v > 16))) {
      throw new ConfigError(file, `${key}.${k}`, `${v} is out of range`);
    }
  }
  (r.asPath ?? []).forEach((a, i) => {
    if (!Number.isInteger(a) || a < 1 || a > U32) throw new ConfigError(file, `${key}.asPath[${i}]`, `${a} is not an AS number`);
  });
  if (r.nextHop !== undefined && isIP(r.nextHop) === 0) throw new ConfigError(file, `${key}.nextHop`, `"${r.nextHop}" is not an address`);
}

/** Validates `spec` and fills defaults. `file` names the source in error messages. */
export function resolveRouter(spec: RouterSpec, file = 'router'): ResolvedRouter {
  if (!NAME_RE.test(spec.name)) throw new ConfigError(file, 'name', `"${spec.name}" must be lowercase letters, digits and _ (at most 32)`);
  if (isIP(spec.routerId) !== 4) throw new ConfigError(file, 'routerId', `"${spec.routerId}" is not an IPv4 address`);
  if (!Number.isInteger(spec.localAs) || spec.localAs < 1 || spec.localAs > U32) throw new ConfigError(file, 'localAs', `${spec.localAs} is not an AS number`);
  (spec.listen ?? []).forEach((a, i) => {
    if (isIP(a) === 0) throw new ConfigError(file, `listen[${i}]`, `"${a}" is not an address`);
  });
  const names = new Set<string>();
  const addrs = new Set<string>();
  const neighbors = spec.neighbors.map((n, i): ResolvedNeighbor => {
    const key = `neighbors[${i}]`;
    if (isIP(n.address) === 0) throw new ConfigError(file, `${key}.address`, `"${n.address}" is not an address`);
    if (addrs.has(n.address)) throw new ConfigError(file, `${key}.address`, `neighbor ${n.address} is listed twice`);
    addrs.add(n.address);
    if (!Number.isInteger(n.remoteAs) || n.remoteAs < 1 || n.remoteAs > U32) throw new ConfigError(file, `${key}.remoteAs`, `${n.remoteAs} is not an AS number`);
    if (n.localAddress !== undefined && isIP(n.localAddress) !== isIP(n.address)) {
      throw new ConfigError(file, `${key}.localAddress`, `"${n.localAddress}" is not an address of the same family as ${n.address}`);
    }
    const name = n.name ?? defaultNeighborName(n.address);
    if (!NAME_RE.test(name)) throw new ConfigError(file, `${key}.name`, `"${name}" must be lowercase letters, digits and _`);
    if (names.has(name)) throw new ConfigError(file, `${key}.name`, `"${name}" is used twice`);
    names.add(name);
    const holdTime = n.holdTime ?? 9;
    if (!Number.isInteger(holdTime) || (holdTime !== 0 && holdTime < 3) || holdTime > 65535) {
      throw new ConfigError(file, `${key}.holdTime`, `${holdTime} s: must be 0 or 3..65535 (RFC 4271 §4.2)`);
    }
    if (n.multihop !== undefined && (!Number.isInteger(n.multihop) || n.multihop < 1 || n.multihop > 255)) {
      throw new ConfigError(file, `${key}.multihop`, `TTL ${n.multihop} must be 1..255`);
    }
    const families = n.families ?? [familyOf(n.address)];
    if (families.length === 0 || families.some((f) => f !== 'ipv4' && f !== 'ipv6')) {
      throw new ConfigError(file, `${key}.families`, 'must list ipv4 and/or ipv6');
    }
    const imp = n.import ?? 'accept-all';
    const exp = n.export ?? 'accept-all';
    for (const [k, p] of [['import', imp], ['export', exp]] as const) {
      if (!['accept-all', 'reject-all', 'gao-rexford'].includes(p)) throw new ConfigError(file, `${key}.${k}`, `unknown policy "${p}"`);
    }
    if ((imp === 'gao-rexford' || exp === 'gao-rexford') && !n.role) {
      throw new ConfigError(file, `${key}.role`, 'a gao-rexford policy needs the neighbor\'s role (customer, peer or provider)');
    }
    if (n.role && !['customer', 'peer', 'provider'].includes(n.role)) throw new ConfigError(file, `${key}.role`, `unknown role "${n.role}"`);
    return {
      ...n, name, families, holdTime, keepalive: Math.floor(holdTime / 3), import: imp, export: exp,
      routeRefresh: n.routeRefresh ?? true, ebgp: n.remoteAs !== spec.localAs,
    };
  });
  const originate = spec.originate ?? [];
  originate.forEach((r, i) => checkRoute(r, file, `originate[${i}]`));
  return { ...spec, neighbors, originate, kernelExport: spec.kernelExport ?? false };
}

/** The AS path an eBGP neighbor receives for an originated route: our AS (1 + prepend times), then asPath. */
export function announcedPath(r: OriginatedRoute, localAs: number): number[] {
  return [...Array<number>(1 + (r.prepend ?? 0)).fill(localAs), ...(r.asPath ?? [])];
}

export function grRestartTime(n: NeighborSpec): number | null {
  if (!n.gracefulRestart) return null;
  return typeof n.gracefulRestart === 'object' ? n.gracefulRestart.restartTime ?? 120 : 120;
}

export function splitCommunity(c: string): number[] {
  return c.split(':').map(Number);
}
