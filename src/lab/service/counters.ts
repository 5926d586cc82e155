// A site's query accounting, shared by the service process (real sockets) and the in-process runtime: counters
// per source address, and the modeled capacity as a token bucket with one second of burst (queries beyond it are
// dropped, as an overloaded server would drop them).

export interface SourceCounters {
  received: number;
  answered: number;
  dropped: number;
}

const MAX_SOURCES = 4096;

export class SiteCounters {
  readonly udp: SourceCounters = { received: 0, answered: 0, dropped: 0 };
  readonly bySource: Record<string, SourceCounters> = {};
  private tokens: number;
  private last: number;

  constructor(private readonly capacityQps?: number, private readonly now: () => number = () => performance.now()) {
    this.tokens = capacityQps ?? 0;
    this.last = now();
  }

  private of(addr: string): SourceCounters {
    let c = this.bySource[addr];
    if (!c) {
      if (Object.keys(this.bySource).length >= MAX_SOURCES) return { received: 0, answered: 0, dropped: 0 };
      c = this.bySource[addr] = { received: 0, answered: 0, dropped: 0 };
    }
    return c;
  }

  /** A query arrived from `addr`: true if the site has the capacity to answer it (counted either way). */
  admit(addr: string): boolean {
    const c = this.of(addr);
    this.udp.received++;
    c.received++;
    if (this.capacityQps !== undefined) {
      const t = this.now();
      this.tokens = Math.min(this.capacityQps, this.tokens + ((t - this.last) / 1000) * this.capacityQps);
      this.last = t;
      if (this.tokens < 1) {
        this.udp.dropped++;
        c.dropped++;
        return false;
      }
      this.tokens -= 1;
    }
    return true;
  }

  answered(addr: string): void {
    this.udp.answered++;
    this.of(addr).answered++;
  }
}
