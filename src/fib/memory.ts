// The in-memory FIB: the same interface as the kernel's, held in a longest-prefix-match trie (lpm.ts). The
// in-process lab forwards with it hop by hop (lookup(dst) → next hops), and tests of the speaker assert on it
// without root. Changes are validated exactly as the kernel FIB validates them (delta.ts), so a route refused
// here would be refused there; what the kernel alone checks (is the gateway on a connected network?) is not
// checked here.

import { parseAddress } from './addr.js';
import { comparePrefixes, desiredRoutes, FibDelta, sameNextHops, toFibRoute, type NormalRoute } from './delta.js';
import { FibClosedError } from './errors.js';
import { Lpm } from './lpm.js';
import { emptyApplyResult, type ApplyResult, type CloseOptions, type Fib, type FibChange, type FibRoute, type NextHop, type SyncResult } from './types.js';

export interface MemoryLookup {
  /** The matching prefix. */
  prefix: string;
  nextHops: NextHop[];
}

export class MemoryFib implements Fib {
  readonly kind = 'memory' as const;
  private readonly table = new Lpm<NormalRoute>();
  private readonly stale = new Set<string>();
  private closed = false;
  /** Number of apply() calls and changes written, for tests and the lab's counters. */
  readonly counters = { applies: 0, replaced: 0, deleted: 0 };

  get size(): number {
    return this.table.size;
  }

  async apply(changes: Iterable<FibChange>): Promise<ApplyResult> {
    return this.applySync(changes);
  }

  /** apply() without the promise: the lab's event loop calls this in line. */
  applySync(changes: Iterable<FibChange>): ApplyResult {
    if (this.closed) throw new FibClosedError();
    const delta = new FibDelta(changes);
    const res = emptyApplyResult();
    res.failures.push(...delta.failures);
    res.coalesced = delta.coalesced;
    this.counters.applies++;
    for (const c of delta.changes()) {
      this.stale.delete(c.prefix);
      if (c.kind === 'replace') {
        this.table.set(c.prefix, { family: c.family, prefix: c.prefix, nextHops: c.nextHops });
        res.replaced++;
      } else {
        this.table.delete(c.prefix);
        res.deleted++;
      }
    }
    this.counters.replaced += res.replaced;
    this.counters.deleted += res.deleted;
    return res;
  }

  /** Longest-prefix match for a destination address; undefined if no route covers it (or it is no address). */
  lookup(dst: string): MemoryLookup | undefined {
    const a = parseAddress(dst);
    if (!a) return undefined;
    const m = this.table.lookupWords(a.family, a.words);
    return m ? { prefix: m.prefix, nextHops: toFibRoute(m.value).nextHops } : undefined;
  }

  /** The route for exactly this prefix. */
  get(prefix: string): FibRoute | undefined {
    const r = this.table.get(prefix);
    return r ? toFibRoute(r) : undefined;
  }

  routes(): FibRoute[] {
    return [...this.table.entries()].map((e) => toFibRoute(e.value)).sort((a, b) => comparePrefixes(a.prefix, b.prefix));
  }

  async list(): Promise<FibRoute[]> {
    if (this.closed) throw new FibClosedError();
    return this.routes();
  }

  async sync(desired: Iterable<FibRoute>): Promise<SyncResult> {
    if (this.closed) throw new FibClosedError();
    const { want, res } = desiredRoutes(desired);
    for (const e of [...this.table.entries()]) {
      if (!want.has(e.prefix)) {
        this.table.delete(e.prefix);
        res.deleted++;
      }
    }
    for (const w of want.values()) {
      const cur = this.table.get(w.prefix);
      if (cur && sameNextHops(w.nextHops, cur.nextHops) && sameNextHops(cur.nextHops, w.nextHops)) res.unchanged++;
      else {
        this.table.set(w.prefix, w);
        res.replaced++;
      }
    }
    this.stale.clear();
    return res;
  }

  async markStale(): Promise<number> {
    for (const e of this.table.entries()) this.stale.add(e.prefix);
    return this.stale.size;
  }

  staleCount(): number {
    return this.stale.size;
  }

  async sweepStale(): Promise<ApplyResult> {
    const res = emptyApplyResult();
    for (const p of this.stale) if (this.table.delete(p)) res.deleted++;
    this.stale.clear();
    return res;
  }

  async flush(): Promise<number> {
    const n = this.table.size;
    this.table.clear();
    this.stale.clear();
    return n;
  }

  async close(opts: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    if (!opts.keepRoutes) await this.flush();
    this.closed = true;
  }
}
