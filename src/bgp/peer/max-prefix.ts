// Maximum number of prefixes per neighbor and family (RFC 4486 §4: Cease subcode 1 carries AFI, SAFI and the
// upper bound). The count is what the peer has announced and not withdrawn: by default the session layer keeps
// an exact set per limited family (only for families with a limit, so an unlimited session pays nothing); the
// speaker may instead pass a PrefixCounter backed by its Adj-RIB-In, which already knows the number.
import { AFI_IPV6, type Family, familyText } from '../wire/context.js';
import type { PrefixList } from '../wire/prefix.js';
import type { MaxPrefixConfig } from './config.js';
import type { UpdateIn } from './inbound.js';

export interface PrefixCounter {
  /** Called with each UPDATE before count() (omit when the count comes from elsewhere, e.g. the Adj-RIB-In). */
  apply?(u: UpdateIn): void;
  /** Prefixes currently held from the peer in a family. */
  count(f: Family): number;
  /** The session ended (or restarted): start from zero. */
  reset(): void;
}

/** An exact count: the distinct (prefix, path id) pairs announced and not withdrawn, per family. */
export class ExactPrefixCounter implements PrefixCounter {
  private readonly sets = new Map<Family, Set<number | string>>();
  constructor(families: Iterable<Family>) {
    for (const f of families) this.sets.set(f, new Set());
  }

  private static key(p: PrefixList, i: number): number | string {
    const len = p.prefixLen(i);
    if (p.afi !== AFI_IPV6) {
      // word * 64 + len < 2^38: an exact number key (no string) for IPv4 without path ids.
      const k = p.addrWord(i) * 64 + len;
      return p.hasPathIds ? `${k}#${p.pathIdAt(i)}` : k;
    }
    const base = `${p.addrWord(i, 0)},${p.addrWord(i, 1)},${p.addrWord(i, 2)},${p.addrWord(i, 3)}/${len}`;
    return p.hasPathIds ? `${base}#${p.pathIdAt(i)}` : base;
  }

  apply(u: UpdateIn): void {
    for (const w of u.withdraw) {
      const s = this.sets.get(w.family);
      if (s === undefined) continue;
      for (let i = 0; i < w.prefixes.length; i++) s.delete(ExactPrefixCounter.key(w.prefixes, i));
    }
    for (const a of u.announce) {
      const s = this.sets.get(a.family);
      if (s === undefined) continue;
      for (let i = 0; i < a.prefixes.length; i++) s.add(ExactPrefixCounter.key(a.prefixes, i));
    }
  }

  count(f: Family): number {
    return this.sets.get(f)?.size ?? 0;
  }

  /** Forget a family (AFI/SAFI disabled, or its stale routes flushed). */
  clearFamily(f: Family): void {
    this.sets.get(f)?.clear();
  }

  reset(): void {
    for (const s of this.sets.values()) s.clear();
  }
}

export interface PrefixLimitEvent {
  readonly family: Family;
  readonly count: number;
  readonly limit: number;
  /** 'threshold': the warning percentage was reached; 'exceeded': the limit was passed. */
  readonly level: 'threshold' | 'exceeded';
  /** What the session does about it. */
  readonly action: 'warn' | 'teardown';
  readonly restartAfter: number | 'never';
}

/** Watches the counts of the limited families; reports each crossing once until the count falls back. */
export class MaxPrefixGuard {
  private readonly reported = new Map<Family, 'threshold' | 'exceeded'>();
  constructor(private readonly limits: ReadonlyMap<Family, MaxPrefixConfig>, readonly counter: PrefixCounter) {}

  get active(): boolean {
    return this.limits.size > 0;
  }

  /** After an UPDATE: the events of the families it announced in (at most one per family). */
  check(u: UpdateIn): PrefixLimitEvent[] | null {
    this.counter.apply?.(u);
    let out: PrefixLimitEvent[] | null = null;
    for (const [f, cfg] of this.limits) {
      const n = this.counter.count(f);
      const threshold = cfg.warnPercent > 0 ? Math.ceil((cfg.limit * cfg.warnPercent) / 100) : Infinity;
      const level = n > cfg.limit ? 'exceeded' : n >= threshold ? 'threshold' : null;
      const prev = this.reported.get(f);
      if (level === null) { this.reported.delete(f); continue; }
      if (prev === level || (prev === 'exceeded' && level === 'threshold')) continue;
      this.reported.set(f, level);
      (out ??= []).push({ family: f, count: n, limit: cfg.limit, level, action: level === 'exceeded' ? cfg.action : 'warn',
        restartAfter: cfg.restartAfter });
    }
    return out;
  }

  reset(): void {
    this.reported.clear();
    this.counter.reset();
  }

  describe(e: PrefixLimitEvent): string {
    return e.level === 'threshold'
      ? `${familyText(e.family)}: ${e.count} prefixes, ${Math.round((100 * e.count) / e.limit)}% of the limit ${e.limit}`
      : `${familyText(e.family)}: ${e.count} prefixes exceed the limit ${e.limit}`;
  }
}
