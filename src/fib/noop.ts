// The no-op FIB, for a speaker run without root (or with `fib: none`): it accepts every change, installs and
// records nothing, and says so once in the log, so that nobody wonders why `ip route` stays empty. Invalid
// changes are still reported, as with any other FIB, so a configuration behaves the same with and without root.

import { FibDelta } from './delta.js';
import { silentLogger, type Logger } from '../util/log.js';
import { emptyApplyResult, type ApplyResult, type Fib, type FibChange, type FibRoute, type SyncResult } from './types.js';

export class NoopFib implements Fib {
  readonly kind = 'noop' as const;
  private told = false;

  constructor(private readonly logger: Logger = silentLogger, private readonly reason = 'no kernel FIB configured') {}

  private tell(): void {
    if (this.told) return;
    this.told = true;
    this.logger.warn('routes are not installed in the kernel', { reason: this.reason, fib: 'noop' });
  }

  async apply(changes: Iterable<FibChange>): Promise<ApplyResult> {
    this.tell();
    const d = new FibDelta(changes);
    const res = emptyApplyResult();
    for (const c of d.changes()) {
      if (c.kind === 'replace') res.replaced++;
      else res.deleted++;
    }
    res.coalesced = d.coalesced;
    res.failures.push(...d.failures);
    return res;
  }

  async list(): Promise<FibRoute[]> {
    return [];
  }

  async sync(desired: Iterable<FibRoute>): Promise<SyncResult> {
    const r = await this.apply([...desired].map((d) => ({ kind: 'replace' as const, prefix: d.prefix, nextHops: d.nextHops })));
    return { ...r, unchanged: 0 };
  }

  async markStale(): Promise<number> {
    return 0;
  }

  staleCount(): number {
    return 0;
  }

  async sweepStale(): Promise<ApplyResult> {
    return emptyApplyResult();
  }

  async flush(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {}
}
