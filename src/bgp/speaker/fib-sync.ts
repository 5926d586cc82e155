// Loc-RIB changes into the FIB (src/fib): one FIB change per prefix whose best path (or multipath set) changed,
// coalesced while an earlier batch is still being applied, applied one batch at a time so that the kernel
// sees the changes in order. Routes we originate (`network` statements, `route add`) are not forwarding entries
// and are not installed; a prefix whose best path becomes one of ours is removed from the FIB.
//
// Next hops: the BGP next hop is the gateway (ECMP: one per multipath member, duplicates merged), or, when the
// resolver knows a recursive route to it (a multihop or iBGP next hop), the gateways of that route.
import type { Fib, FibChange, NextHop as FibNextHop } from '../../fib/types.js';
import { errorMessage } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import type { LocChange, LocRoute } from '../rib/rib.js';
import { formatPrefix, type PrefixKey } from '../rib/prefix.js';

/** Where packets to a BGP next hop go: the next hop itself (connected), or the gateways of a covering route. */
export type GatewayLookup = (address: string) => readonly { gateway: string; dev?: string }[] | null;

export class FibSync {
  // Pending changes by prefix key (no text until applied): the multipath set to install, or null to remove. A
  // prefix that changes many times during a table load is written once per batch.
  private pending = new Map<PrefixKey, readonly LocRoute[] | null>();
  private busy: Promise<void> | null = null;
  private waiters: (() => void)[] = [];
  /** Changes written, failures reported, batches applied. */
  readonly counters = { replaced: 0, deleted: 0, failures: 0, batches: 0 };
  /** The no-op FIB needs no changes at all. */
  private readonly off: boolean;

  constructor(readonly fib: Fib, private readonly log: Logger, private readonly gateways: GatewayLookup = () => null) {
    this.off = fib.kind === 'noop';
  }

  /** Take one Loc-RIB change (called from the RIB's flush). */
  add(c: LocChange): void {
    if (this.off) return;
    const best = c.best;
    if (best === null || best.peer.kind === 'local' || best.attrs.nextHop === null) {
      // Only what may be installed needs removing; an unknown prefix removed is a no-op for the FIB.
      if (c.previous !== null && c.previous.peer.kind !== 'local') this.pending.set(c.prefix, null);
      else if (this.pending.has(c.prefix)) this.pending.set(c.prefix, null);
      return;
    }
    this.pending.set(c.prefix, c.multipath);
  }

  private change(key: PrefixKey, routes: readonly LocRoute[] | null): FibChange {
    const prefix = formatPrefix(key);
    if (routes === null) return { kind: 'delete', prefix };
    const hops: FibNextHop[] = [];
    const seen = new Set<string>();
    for (const r of routes) {
      const nh = r.attrs.nextHop;
      if (nh === null || r.peer.kind === 'local') continue;
      const via = this.gateways(nh.address);
      const list = via === null || via.length === 0 ? [{ gateway: nh.address }] : via;
      for (const h of list) {
        const k = `${h.gateway}%${h.dev ?? ''}`;
        if (seen.has(k)) continue;
        seen.add(k);
        hops.push(h.dev === undefined ? { gateway: h.gateway } : { gateway: h.gateway, dev: h.dev });
      }
    }
    return hops.length === 0 ? { kind: 'delete', prefix } : { kind: 'replace', prefix, nextHops: hops };
  }

  /** Changes waiting to be applied. */
  get queued(): number {
    return this.pending.size;
  }

  /** Start applying what is pending (no-op while a batch runs: it picks the rest up when done). */
  kick(): void {
    if (this.busy !== null || this.pending.size === 0) {
      if (this.busy === null) this.wake();
      return;
    }
    const batch: FibChange[] = [];
    for (const [k, v] of this.pending) batch.push(this.change(k, v));
    this.pending = new Map();
    this.busy = this.run(batch);
  }

  private async run(batch: FibChange[]): Promise<void> {
    try {
      const r = await this.fib.apply(batch);
      this.counters.batches++;
      this.counters.replaced += r.replaced;
      this.counters.deleted += r.deleted;
      this.counters.failures += r.failures.length;
      for (const f of r.failures.slice(0, 10)) this.log.warn('FIB refused a route', { prefix: f.prefix, change: f.kind, code: f.code, reason: f.message });
      if (r.failures.length > 10) this.log.warn('FIB refused more routes', { more: r.failures.length - 10 });
    } catch (e) {
      this.counters.failures += batch.length;
      this.log.error('FIB update failed', { changes: batch.length, error: errorMessage(e) });
    } finally {
      this.busy = null;
      this.kick();
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when nothing is pending or being applied. */
  idle(): Promise<void> {
    if (this.busy === null && this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => { this.waiters.push(resolve); this.kick(); });
  }
}
