// Deltas for the FIB, pure: every change validated and put in canonical form (prefix and gateway text as the
// kernel prints them, so a route read back compares equal to the one requested), and coalesced per prefix in
// arrival order — a prefix changed several times in one batch is written once, with its last change. A change
// that can never be installed (bad prefix, link-local gateway without a device, bad weight) fails here, as data,
// before it reaches the table.

import { canonicalPrefix, isLinkLocalV6, parseAddress, parsePrefix, formatAddress, type Family } from './addr.js';
import { emptyApplyResult, type FibChange, type FibRoute, type NextHop, type RouteFailure, type SyncResult } from './types.js';

export interface NormalNextHop {
  gateway: string;
  /** The gateway's own family (may differ from the prefix's: `via inet6` / `via inet`). */
  gwFamily: Family;
  dev?: string;
  weight: number;
}

export type NormalChange =
  | { kind: 'replace'; family: Family; prefix: string; nextHops: NormalNextHop[] }
  | { kind: 'delete'; family: Family; prefix: string };

export interface NormalRoute {
  family: Family;
  prefix: string;
  nextHops: NormalNextHop[];
}

/** Linux device names: 1..15 characters, none of the ones that would break an `ip -batch` line. */
const DEV_RE = /^[A-Za-z0-9_.@+-]{1,15}$/;
export const MAX_NEXT_HOPS = 256;

function invalid(kind: 'replace' | 'delete', prefix: string, message: string): RouteFailure {
  return { prefix, kind, code: 'ERR_FIB_INVALID', message };
}

// Gateways repeat across a whole table (a handful of peers): their parsed form is cached.
const gwCache = new Map<string, { family: Family; text: string; linkLocal: boolean; zero: boolean } | null>();
function parseGateway(s: string) {
  let g = gwCache.get(s);
  if (g === undefined) {
    const a = parseAddress(s);
    g = a
      ? { family: a.family, text: formatAddress(a.family, a.words), linkLocal: a.family === 6 && isLinkLocalV6(a.words), zero: a.words.every((w) => w === 0) }
      : null;
    if (gwCache.size > 4096) gwCache.clear();
    gwCache.set(s, g);
  }
  return g;
}

export function normalizeNextHops(nhs: readonly NextHop[], family: Family): NormalNextHop[] | string {
  if (!Array.isArray(nhs) || nhs.length === 0) return 'no next hop (use a delete to remove a route)';
  if (nhs.length > MAX_NEXT_HOPS) return `${nhs.length} next hops; at most ${MAX_NEXT_HOPS}`;
  const out: NormalNextHop[] = [];
  const seen = new Set<string>();
  for (const nh of nhs) {
    const a = typeof nh?.gateway === 'string' ? parseGateway(nh.gateway) : null;
    if (!a) return `next hop "${nh?.gateway}" is not an address`;
    const gateway = a.text;
    // Linux routes IPv4 prefixes via IPv6 gateways (RTA_VIA, RFC 8950 forwarding) but refuses the reverse
    // ("IPv6 does not support RTA_VIA attribute"): refused here, so that every FIB says the same.
    if (family === 6 && a.family === 4) return `IPv6 route via IPv4 next hop ${gateway}: not supported by Linux`;
    if (nh.dev !== undefined && (!DEV_RE.test(nh.dev) || nh.dev === '.' || nh.dev === '..')) {
      return `next hop ${gateway}: "${nh.dev}" is not a device name`;
    }
    if (a.linkLocal && !nh.dev) return `link-local next hop ${gateway} needs a device`;
    if (a.zero) return `next hop ${gateway} is the unspecified address`;
    const weight = nh.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1 || weight > 256) return `next hop ${gateway}: weight ${weight} is not 1..256`;
    if (nhs.length > 1) {
      const key = `${gateway}%${nh.dev ?? ''}`;
      if (seen.has(key)) return `next hop ${gateway}${nh.dev ? ` dev ${nh.dev}` : ''} is listed twice`;
      seen.add(key);
    }
    out.push(nh.dev ? { gateway, gwFamily: a.family, dev: nh.dev, weight } : { gateway, gwFamily: a.family, weight });
  }
  // A single next hop has no weight in the kernel (it is not a multipath route): keep the canonical form 1.
  if (out.length === 1) out[0]!.weight = 1;
  return out;
}

// Routes share a few next-hop sets (one per peer or ECMP group): the normalised, frozen list is shared too,
// so a full table costs one small array per distinct set instead of one per route.
const nhCache = new Map<string, readonly NormalNextHop[] | string>();
const singleCache = [new Map<string, NormalNextHop[] | string>(), new Map<string, NormalNextHop[] | string>()];
function cachedNextHops(nhs: readonly NextHop[], family: Family): NormalNextHop[] | string {
  if (!Array.isArray(nhs)) return normalizeNextHops(nhs, family);
  const only = nhs.length === 1 ? nhs[0] : undefined;
  if (only && typeof only.gateway === 'string' && only.dev === undefined && only.weight === undefined) {
    // The common case (one plain gateway): keyed by the gateway text alone, no key string built per route.
    const m = singleCache[family === 4 ? 0 : 1]!;
    let r = m.get(only.gateway);
    if (r === undefined) {
      r = normalizeNextHops(nhs, family);
      if (typeof r !== 'string') Object.freeze(Object.freeze(r)[0]);
      if (m.size > 4096) m.clear();
      m.set(only.gateway, r);
    }
    return r;
  }
  let key = family === 4 ? '4' : '6';
  for (const n of nhs) {
    if (typeof n?.gateway !== 'string') return normalizeNextHops(nhs, family);
    key += `|${n.gateway}%${n.dev ?? ''}*${n.weight ?? 1}`;
  }
  let r = nhCache.get(key);
  if (r === undefined) {
    r = normalizeNextHops(nhs, family);
    if (typeof r !== 'string') {
      for (const n of r) Object.freeze(n);
      Object.freeze(r);
    }
    if (nhCache.size > 4096) nhCache.clear();
    nhCache.set(key, r);
  }
  return r as NormalNextHop[] | string;
}

/** Validates and canonicalises one change; a RouteFailure if it can never be installed. */
export function normalizeChange(c: FibChange): NormalChange | RouteFailure {
  const kind = c?.kind === 'delete' ? 'delete' : 'replace';
  const raw = typeof c?.prefix === 'string' ? c.prefix : String(c?.prefix);
  const k: string = c?.kind;
  if (k !== 'delete' && k !== 'replace') return invalid(kind, raw, `unknown change kind "${k}"`);
  const p = canonicalPrefix(raw, true);
  if ('error' in p) return invalid(kind, raw, p.error);
  if (c.kind === 'delete') return { kind: 'delete', family: p.family, prefix: p.text };
  const nhs = cachedNextHops(c.nextHops, p.family);
  if (typeof nhs === 'string') return invalid('replace', p.text, nhs);
  return { kind: 'replace', family: p.family, prefix: p.text, nextHops: nhs };
}

export function normalizeRoute(r: FibRoute): NormalRoute | RouteFailure {
  const c = normalizeChange({ kind: 'replace', prefix: r.prefix, nextHops: r.nextHops });
  if ('code' in c) return c;
  return c as NormalRoute & { kind: 'replace' };
}

/**
 * The first step of every FIB's sync(): the desired routes by prefix (the last one given for a prefix wins, the
 * others counted as coalesced), and a result with the refused ones as failures.
 */
export function desiredRoutes(desired: Iterable<FibRoute>): { want: Map<string, NormalRoute>; res: SyncResult } {
  const res: SyncResult = { ...emptyApplyResult(), unchanged: 0 };
  const want = new Map<string, NormalRoute>();
  for (const r of desired) {
    const n = normalizeRoute(r);
    if ('code' in n) res.failures.push(n);
    else {
      if (want.has(n.prefix)) res.coalesced++;
      want.set(n.prefix, n);
    }
  }
  return { want, res };
}

/**
 * Whether the kernel's next hops are the wanted ones, in any order. A wanted next hop without a device matches
 * the kernel's whatever device the kernel chose for it (it always reports one).
 */
export function sameNextHops(want: readonly NormalNextHop[], have: readonly NormalNextHop[]): boolean {
  if (want.length !== have.length) return false;
  const left = [...have];
  for (const w of want) {
    const i = left.findIndex((h) => h.gateway === w.gateway && h.weight === w.weight && (w.dev === undefined || w.dev === h.dev));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

/** Order-independent identity of a next-hop set, for "is the installed route already right?". */
export function nextHopsKey(nhs: readonly NormalNextHop[]): string {
  return nhs.map((n) => `${n.gateway}%${n.dev ?? ''}*${n.weight}`).sort().join(',');
}

/** A delta being built: changes coalesce per prefix, the last one wins, the first arrival fixes the order. */
export class FibDelta {
  private readonly byPrefix = new Map<string, NormalChange>();
  readonly failures: RouteFailure[] = [];
  /** Changes replaced by a later change to the same prefix. */
  coalesced = 0;

  constructor(changes?: Iterable<FibChange>) {
    if (changes) for (const c of changes) this.add(c);
  }

  add(c: FibChange): this {
    const n = normalizeChange(c);
    if ('code' in n) {
      this.failures.push(n);
      return this;
    }
    if (this.byPrefix.has(n.prefix)) this.coalesced++;
    this.byPrefix.set(n.prefix, n);
    return this;
  }

  replace(prefix: string, nextHops: NextHop[]): this {
    return this.add({ kind: 'replace', prefix, nextHops });
  }

  delete(prefix: string): this {
    return this.add({ kind: 'delete', prefix });
  }

  get size(): number {
    return this.byPrefix.size;
  }

  changes(): NormalChange[] {
    return [...this.byPrefix.values()];
  }
}

/** Public (un-normalised) view of a normal route. */
export function toFibRoute(r: NormalRoute): FibRoute {
  return {
    prefix: r.prefix,
    nextHops: r.nextHops.map((n) => {
      const o: NextHop = { gateway: n.gateway };
      if (n.dev) o.dev = n.dev;
      if (r.nextHops.length > 1) o.weight = n.weight;
      return o;
    }),
  };
}

/** Sort helper: IPv4 before IPv6, then by address and length. */
export function comparePrefixes(a: string, b: string): number {
  const pa = parsePrefix(a, { strict: false });
  const pb = parsePrefix(b, { strict: false });
  if ('error' in pa || 'error' in pb) return a < b ? -1 : a > b ? 1 : 0;
  if (pa.family !== pb.family) return pa.family - pb.family;
  for (let i = 0; i < pa.words.length; i++) if (pa.words[i] !== pb.words[i]) return pa.words[i]! - pb.words[i]!;
  return pa.len - pb.len;
}
