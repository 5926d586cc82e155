// How the kernel FIB gets its changes into the kernel: a RouteWriter takes normalised changes, coalesces the
// ones still queued per prefix and metric, and reports each one's fate. Two writers exist: rtnetlink through
// the small native addon (netlink.ts), and the persistent `ip -force -batch -` child (ip-batch.ts), which is
// the fallback whenever the addon is not built or cannot be loaded.

import { changeLine, type IpRouteOptions } from './ip-lines.js';
import { IpBatchRunner, type IpBatchOptions, type OpResult, type SpawnBatchChild } from './ip-batch.js';
import type { NormalChange } from './delta.js';

export interface WriterStats {
  /** Requests written to the kernel (lines or netlink messages). */
  linesWritten: number;
  /** Writes to the kernel (ip chunks, or sendmsg calls). */
  chunks: number;
  failures: number;
  coalesced: number;
  restarts: number;
}

export interface RouteWriter {
  readonly backend: 'netlink' | 'ip-batch';
  /** Queues a change (with the metric it is written under); `cb` learns its fate. */
  submit(change: NormalChange, metric: number, cb: (r: OpResult, change: NormalChange) => void): void;
  /** Starts writing what was submitted. */
  flush(): void;
  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
  readonly error: Error | null;
  readonly stats: WriterStats;
}

export class IpBatchWriter implements RouteWriter {
  readonly backend = 'ip-batch' as const;
  private readonly runner: IpBatchRunner;

  constructor(spawn: SpawnBatchChild, private readonly o: IpRouteOptions, opts: IpBatchOptions = {}) {
    this.runner = new IpBatchRunner(spawn, opts);
  }

  submit(change: NormalChange, metric: number, cb: (r: OpResult, change: NormalChange) => void): void {
    const line = changeLine(change, metric === this.o.metric ? this.o : { ...this.o, metric });
    this.runner.submit(line, metric === this.o.metric ? change.prefix : `${change.prefix}#${metric}`, (r) => cb(r, change));
  }
  flush(): void {
    this.runner.flush();
  }
  idle(): Promise<void> {
    return this.runner.idle();
  }
  close(): Promise<void> {
    return this.runner.close();
  }
  get error(): Error | null {
    return this.runner.error;
  }
  get stats(): WriterStats {
    return this.runner.stats;
  }
}
