// Sweeps (failover of every site, add-site and optimize searches) evaluate many variants of one announcement:
// the same compiled sites, different subsets enabled. They run on a pool of worker threads, one per core, each
// holding a copy of the graph and the compiled deployment (sent once, as typed arrays); small batches run inline.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AsGeo } from './asinfo.js';
import type { Compiled } from './compile.js';
import type { AsGraph } from './graph.js';
import type { TieMode } from './propagate.js';
import { runTask, type SweepContext, type Task, type TaskResult } from './sweep-task.js';

export interface SweepOptions {
  workers?: number;
  onProgress?: (done: number, total: number) => void;
  /** Below this many tasks, run in this thread (a worker costs ~100 ms to start and warm up). */
  inlineBelow?: number;
}

type Typed = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;

/** A copy in shared memory: workers then see the same bytes instead of a copy each. */
function shared<T extends Typed>(a: T): T {
  const C = a.constructor as new (b: SharedArrayBuffer) => T;
  const b = new C(new SharedArrayBuffer(a.byteLength));
  b.set(a as never);
  return b;
}

function shareAll<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = ArrayBuffer.isView(v) && !(v instanceof DataView) ? shared(v as Typed) : v;
  return out as T;
}

/** The context every task reads, its big arrays in shared memory (one copy for all workers). */
export function sweepContext(g: AsGraph, geo: AsGeo, c: Compiled, mode: TieMode, weight?: Float64Array,
  baseline?: Int32Array): SweepContext {
  return {
    g: shareAll(g), geo: { lat: shared(geo.lat), lon: shared(geo.lon), cc: [] },
    c: { ...c, ann: shareAll(c.ann) }, mode,
    ...(weight ? { weight: shared(weight) } : {}), ...(baseline ? { baseline: shared(baseline) } : {}),
  };
}

/** How many threads a sweep of `tasks` tasks uses. */
export function sweepThreads(tasks: number, opts: SweepOptions = {}): number {
  const n = Math.max(1, Math.min(opts.workers ?? availableParallelism(), tasks));
  return tasks < (opts.inlineBelow ?? 4) ? 1 : n;
}

/** Workers started on first use and kept for later batches; close() ends them. */
export class SweepPool {
  private workers: Worker[] = [];
  constructor(private readonly ctx: SweepContext, private readonly opts: SweepOptions = {}) {}

  async run(tasks: Task[], onProgress = this.opts.onProgress): Promise<TaskResult[]> {
    const total = tasks.length;
    const results: TaskResult[] = new Array(total);
    const threads = sweepThreads(total, this.opts);
    if (threads === 1 && this.workers.length === 0) {
      tasks.forEach((t, i) => { results[i] = runTask(this.ctx, t); onProgress?.(i + 1, total); });
      return results;
    }
    const url = new URL('./sweep-worker.js', import.meta.url);
    while (this.workers.length < threads) {
      // A small young generation: each task's arrays die young, and a worker then stays near 40 MB.
      const w = new Worker(url, { workerData: this.ctx, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      w.unref();
      this.workers.push(w);
    }
    let next = 0;
    let done = 0;
    await Promise.all(this.workers.slice(0, Math.max(1, Math.min(this.workers.length, total))).map((w) =>
      new Promise<void>((resolve, reject) => {
        const onMessage = (m: { id: number; result: TaskResult }) => {
          results[m.id] = m.result;
          onProgress?.(++done, total);
          feed();
        };
        const onError = (e: Error) => { cleanup(); reject(e); };
        const cleanup = () => { w.off('message', onMessage); w.off('error', onError); };
        const feed = () => {
          if (next >= total) { cleanup(); resolve(); return; }
          const id = next++;
          w.postMessage({ id, task: tasks[id] });
        };
        w.on('message', onMessage);
        w.on('error', onError);
        feed();
      })));
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}

export async function sweep(ctx: SweepContext, tasks: Task[], opts: SweepOptions = {}): Promise<TaskResult[]> {
  const pool = new SweepPool(ctx, opts);
  try {
    return await pool.run(tasks);
  } finally {
    await pool.close();
  }
}
