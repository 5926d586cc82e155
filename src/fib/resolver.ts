// The next-hop resolver, pure: BGP next hops (RFC 4271 §5.1.3, §9.1.2: a route whose NEXT_HOP is unreachable
// is not eligible; the IGP cost to it is a tie-breaker of §9.1.2.2 (e)) resolved by longest-prefix match over
// the kernel's own routes — connected, static, DHCP, other daemons' — never over our BGP routes (they are
// fed in by protocol and ours is excluded), so a BGP route can never make its own next hop reachable.
//
// Result per next hop: reachable or not (and why), the IGP cost = the covering route's metric, and where the
// packets go: the next hop itself on a connected network, or the covering route's gateway(s) when the next hop
// is reached through a gateway (recursive next hop). Deliberate choices, each an option: the default route does
// not resolve next hops (as FRR's `ip nht resolve-via-default` off; BIRD would use it); blackhole, unreachable
// and prohibit routes and routes whose link has no carrier make a next hop unreachable.
//
// Tracked next hops are re-resolved whenever the table changes, and listeners hear which ones changed, so the
// speaker re-runs its decision for the routes that use them.

import { parseAddress } from './addr.js';
import type { KernelRoute } from './ip-lines.js';
import { Lpm } from './lpm.js';

export interface ResolvedHop {
  gateway: string;
  dev?: string;
}

export interface Resolution {
  address: string;
  reachable: boolean;
  /** IGP cost (the covering kernel route's metric); Infinity when unreachable. */
  metric: number;
  /** The covering kernel route (prefix) and its protocol id, when there is one. */
  route?: string;
  protocol?: number;
  /** Where packets to the next hop are sent. Empty when unreachable. */
  via: ResolvedHop[];
  /** Why it is unreachable. */
  reason?: 'no-route' | 'default-route' | 'blackhole' | 'unreachable' | 'prohibit' | 'linkdown' | 'not-an-address';
}

export interface ResolutionChange {
  address: string;
  dev?: string;
  before: Resolution;
  after: Resolution;
}

export interface ResolverOptions {
  /** Let the default route (0.0.0.0/0, ::/0) resolve next hops. Default false. */
  resolveViaDefault?: boolean;
  /** Protocol ids whose routes never resolve a next hop (ours). */
  excludeProtocols?: number[];
}

const TYPE_REASON: Record<number, Resolution['reason']> = { 6: 'blackhole', 7: 'unreachable', 8: 'prohibit' };

const key = (r: Resolution) => `${r.reachable}|${r.metric}|${r.route ?? ''}|${r.via.map((v) => `${v.gateway}%${v.dev ?? ''}`).join(',')}|${r.reason ?? ''}`;

export class NextHopResolver {
  /** Per prefix, the candidate kernel routes of every protocol, best (lowest metric) first. */
  private readonly table = new Lpm<KernelRoute[]>();
  private readonly byProtocol = new Map<number, KernelRoute[]>();
  private readonly tracked = new Map<string, { address: string; dev?: string; last: Resolution; refs: number }>();
  private readonly listeners = new Set<(changes: ResolutionChange[]) => void>();
  private readonly viaDefault: boolean;
  private readonly exclude: Set<number>;
  /** Table updates so far (each setProtocolRoutes / setRoutes call). */
  generation = 0;

  constructor(opts: ResolverOptions = {}) {
    this.viaDefault = opts.resolveViaDefault ?? false;
    this.exclude = new Set(opts.excludeProtocols ?? []);
  }

  /** Replaces the whole table with these routes (any protocols; excluded ones dropped). */
  setRoutes(routes: readonly KernelRoute[]): ResolutionChange[] {
    const by = new Map<number, KernelRoute[]>();
    for (const r of routes) {
      if (!by.has(r.protocol)) by.set(r.protocol, []);
      by.get(r.protocol)!.push(r);
    }
    for (const p of [...this.byProtocol.keys()]) if (!by.has(p)) this.replaceProtocol(p, []);
    for (const [p, rs] of by) this.replaceProtocol(p, rs);
    return this.reevaluate();
  }

  /** Replaces the routes of one protocol (what a re-read of `ip route show proto P` returns). */
  setProtocolRoutes(protocol: number, routes: readonly KernelRoute[]): ResolutionChange[] {
    this.replaceProtocol(protocol, routes.filter((r) => r.protocol === protocol));
    return this.reevaluate();
  }

  private replaceProtocol(protocol: number, routes: readonly KernelRoute[]): void {
    for (const old of this.byProtocol.get(protocol) ?? []) {
      const list = this.table.get(old.prefix);
      if (!list) continue;
      const rest = list.filter((r) => r.protocol !== protocol);
      if (rest.length) this.table.set(old.prefix, rest);
      else this.table.delete(old.prefix);
    }
    const usable = this.exclude.has(protocol) ? [] : routes.filter((r) => r.type !== 2 && r.type !== 3 && r.type !== 4 && r.type !== 5);
    if (usable.length) this.byProtocol.set(protocol, usable);
    else this.byProtocol.delete(protocol);
    for (const r of usable) {
      const list = this.table.get(r.prefix) ?? [];
      list.push(r);
      list.sort((a, b) => a.metric - b.metric);
      this.table.set(r.prefix, list);
    }
  }

  /** Resolves one address (an IPv6 link-local one on device `dev`). */
  resolve(address: string, dev?: string): Resolution {
    const a = parseAddress(address);
    if (!a) return { address, reachable: false, metric: Infinity, via: [], reason: 'not-an-address' };
    const m = this.table.lookupWords(a.family, a.words);
    if (!m) return { address, reachable: false, metric: Infinity, via: [], reason: 'no-route' };
    const cands = dev ? m.value.filter((r) => r.dev === dev || r.nextHops.some((n) => n.dev === dev)) : m.value;
    const r = cands.find((c) => !c.linkdown) ?? cands[0];
    const base = { address, route: m.prefix };
    if (!r) return { ...base, reachable: false, metric: Infinity, via: [], reason: 'no-route' };
    const withProto = { ...base, protocol: r.protocol };
    if (m.len === 0 && !this.viaDefault) return { ...withProto, reachable: false, metric: Infinity, via: [], reason: 'default-route' };
    const bad = TYPE_REASON[r.type];
    if (bad) return { ...withProto, reachable: false, metric: Infinity, via: [], reason: bad };
    if (r.linkdown) return { ...withProto, reachable: false, metric: Infinity, via: [], reason: 'linkdown' };
    const via: ResolvedHop[] = r.nextHops.length
      ? r.nextHops.map((n) => (n.dev ? { gateway: n.gateway, dev: n.dev } : { gateway: n.gateway }))
      : [r.dev ? { gateway: address, dev: r.dev } : { gateway: address }];
    return { ...withProto, reachable: true, metric: r.metric, via };
  }

  /** Starts tracking a next hop (reference-counted); returns its resolution now. */
  track(address: string, dev?: string): Resolution {
    const k = `${address}%${dev ?? ''}`;
    const t = this.tracked.get(k);
    if (t) {
      t.refs++;
      return t.last;
    }
    const last = this.resolve(address, dev);
    this.tracked.set(k, dev ? { address, dev, last, refs: 1 } : { address, last, refs: 1 });
    return last;
  }

  untrack(address: string, dev?: string): void {
    const k = `${address}%${dev ?? ''}`;
    const t = this.tracked.get(k);
    if (t && --t.refs <= 0) this.tracked.delete(k);
  }

  /** The last resolution of a tracked next hop (what listeners were last told). */
  current(address: string, dev?: string): Resolution | undefined {
    return this.tracked.get(`${address}%${dev ?? ''}`)?.last;
  }

  /** Listener for changed resolutions of tracked next hops; returns the function that removes it. */
  onChange(fn: (changes: ResolutionChange[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Re-resolves every tracked next hop, tells the listeners what changed, and returns it. */
  private reevaluate(): ResolutionChange[] {
    this.generation++;
    const changes: ResolutionChange[] = [];
    for (const t of this.tracked.values()) {
      const now = this.resolve(t.address, t.dev);
      if (key(now) !== key(t.last)) {
        changes.push(t.dev ? { address: t.address, dev: t.dev, before: t.last, after: now } : { address: t.address, before: t.last, after: now });
        t.last = now;
      }
    }
    if (changes.length) for (const l of this.listeners) l(changes);
    return changes;
  }

  /** Kernel routes currently known (for `show` commands and tests). */
  routes(): KernelRoute[] {
    return [...this.byProtocol.values()].flat();
  }
}
