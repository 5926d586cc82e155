// A long-lived `ip -force -batch -` child fed with route lines: the kernel FIB's transport. One netlink
// request per line, no process start per change. Lines go out in chunks, each closed by a sentinel line
// (ip-lines.ts) whose failure report acknowledges the whole chunk; a failing line is attributed by the line
// number ip prints ("Command failed -:N"). At most `maxInFlight` chunks are unacknowledged (backpressure on
// top of the pipe's own), and lines queued while the child is busy coalesce per key (the last one wins).
//
// ip exits, even with -force, on a line it cannot parse (e.g. `nexthop … dev` naming a missing device). Then
// every line after the last acknowledged sentinel is in doubt: a new child is started and those lines are
// replayed one per chunk ("careful" mode), so that the next exit names the culprit exactly; replace and
// delete are idempotent (a replayed delete of a route already gone reports ESRCH, which counts as done).

import { spawn as nodeSpawn } from 'node:child_process';
import { FibProcessError } from './errors.js';
import { SENTINEL_LINE, StderrParser } from './ip-lines.js';
import { silentLogger, type Logger } from '../util/log.js';

export type OpResult = { ok: true; coalesced?: boolean } | { ok: false; message: string };
/** Shared results: a full table must not allocate one object per route just to say "done". */
export const OK: OpResult = Object.freeze({ ok: true });
export const COALESCED: OpResult = Object.freeze({ ok: true, coalesced: true });

/** What the runner needs of a child process (a node ChildProcess fits; tests pass a fake). */
export interface BatchChild {
  readonly pid?: number | undefined;
  stdin: {
    write(s: string): boolean;
    end(): void;
    once(ev: 'drain', cb: () => void): unknown;
    on(ev: 'error', cb: (e: Error) => void): unknown;
  };
  stderr: { on(ev: 'data', cb: (b: Buffer | string) => void): unknown };
  on(ev: 'exit', cb: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(ev: 'error', cb: (e: Error) => void): unknown;
  kill(sig?: NodeJS.Signals): boolean;
}
export type SpawnBatchChild = () => BatchChild;

/** `ip [-n NS] -force -batch -` with stdout discarded (route commands print nothing) and stderr piped. */
export function spawnIpBatch(ns?: string): SpawnBatchChild {
  const argv = [...(ns ? ['-n', ns] : []), '-force', '-batch', '-'];
  return () => nodeSpawn('ip', argv, { stdio: ['pipe', 'ignore', 'pipe'] }) as unknown as BatchChild;
}

interface Op {
  line: string;
  key: string;
  cb: (r: OpResult) => void;
  /** Ops this one superseded while they waited: they learn this one's fate as "coalesced". */
  followers: Op[] | null;
  superseded: boolean;
  done: boolean;
  crashes: number;
}

interface Chunk {
  ops: Op[];
  sentinel: number;
}

export interface IpBatchOptions {
  /** Lines per chunk (one sentinel each). Default 2000. */
  chunkLines?: number;
  /** Unacknowledged chunks allowed. Default 4. */
  maxInFlight?: number;
  /** Give up (fail everything) after this many child exits in a row without progress. Default 20. */
  maxRestarts?: number;
  logger?: Logger;
}

export interface IpBatchStats {
  linesWritten: number;
  chunks: number;
  failures: number;
  coalesced: number;
  restarts: number;
}

export class IpBatchRunner {
  private queue: Op[] = [];
  private qHead = 0;
  private readonly unwritten = new Map<string, Op>();
  private inflight: Chunk[] = [];
  private byLine = new Map<number, Op>();
  private lineNo = 0;
  private child: BatchChild | null = null;
  private parser = new StderrParser();
  private careful = 0;
  private waitingDrain = false;
  private closing = false;
  private broken: Error | null = null;
  private restartsInRow = 0;
  private idleWaiters: Array<() => void> = [];
  private exitWaiter: (() => void) | null = null;
  private readonly chunkLines: number;
  private readonly maxInFlight: number;
  private readonly maxRestarts: number;
  private readonly log: Logger;
  readonly stats: IpBatchStats = { linesWritten: 0, chunks: 0, failures: 0, coalesced: 0, restarts: 0 };

  constructor(private readonly spawnChild: SpawnBatchChild, opts: IpBatchOptions = {}) {
    this.chunkLines = opts.chunkLines ?? 2000;
    this.maxInFlight = opts.maxInFlight ?? 4;
    this.maxRestarts = opts.maxRestarts ?? 20;
    this.log = opts.logger ?? silentLogger;
  }

  /** Queues one line; `cb` gets its result once ip has processed it (or a later line with the same key). */
  submit(line: string, key: string, cb: (r: OpResult) => void): void {
    if (this.broken || this.closing) {
      cb({ ok: false, message: this.broken ? this.broken.message : 'the FIB is closing' });
      return;
    }
    const op: Op = { line, key, cb, followers: null, superseded: false, done: false, crashes: 0 };
    const prev = this.unwritten.get(key);
    if (prev) {
      prev.superseded = true;
      (op.followers ??= []).push(prev);
      if (prev.followers) op.followers.push(...prev.followers), (prev.followers = null);
    }
    this.unwritten.set(key, op);
    this.queue.push(op);
  }

  /** Writes what can be written now. Call after a burst of submit(). */
  flush(): void {
    this.pump();
  }

  get pendingCount(): number {
    return this.queue.length - this.qHead + this.inflight.reduce((n, c) => n + c.ops.length, 0);
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    this.pump();
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Waits for the queue to drain, ends ip's input and waits for it to exit. */
  async close(): Promise<void> {
    await this.idle();
    this.closing = true;
    const c = this.child;
    if (!c) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        c.kill('SIGKILL');
      }, 5000);
      this.exitWaiter = () => {
        clearTimeout(t);
        resolve();
      };
      c.stdin.end();
    });
  }

  private ensureChild(): BatchChild | null {
    if (this.child) return this.child;
    let c: BatchChild;
    try {
      c = this.spawnChild();
    } catch (e) {
      this.fail(new FibProcessError(`cannot start ip: ${(e as Error).message}`, { cause: e }));
      return null;
    }
    this.child = c;
    this.lineNo = 0;
    this.byLine = new Map();
    this.parser = new StderrParser();
    c.stdin.on('error', () => {
      /* EPIPE when ip exits: handled by the exit event */
    });
    c.on('error', (e) => {
      if (this.child === c) this.fail(new FibProcessError(`ip: ${e.message}`, { cause: e }));
    });
    c.stderr.on('data', (b) => {
      if (this.child === c) this.onStderr(typeof b === 'string' ? b : b.toString('utf8'));
    });
    c.on('exit', (code, sig) => {
      if (this.child === c) this.onExit(code, sig);
    });
    return c;
  }

  private pump(): void {
    while (!this.broken && !this.waitingDrain && this.inflight.length < this.maxInFlight && this.qHead < this.queue.length) {
      const c = this.ensureChild();
      if (!c) return;
      const size = this.careful > 0 ? 1 : this.chunkLines;
      const ops: Op[] = [];
      let text = '';
      while (ops.length < size && this.qHead < this.queue.length) {
        const op = this.queue[this.qHead++]!;
        if (op.superseded) continue;
        if (this.unwritten.get(op.key) === op) this.unwritten.delete(op.key);
        this.lineNo++;
        this.byLine.set(this.lineNo, op);
        ops.push(op);
        text += op.line + '\n';
      }
      if (this.qHead > 4096 && this.qHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.qHead);
        this.qHead = 0;
      }
      if (ops.length === 0) break;
      if (this.careful > 0) this.careful -= ops.length;
      const sentinel = ++this.lineNo;
      text += SENTINEL_LINE + '\n';
      this.inflight.push({ ops, sentinel });
      this.stats.linesWritten += ops.length;
      this.stats.chunks++;
      if (!c.stdin.write(text)) {
        this.waitingDrain = true;
        c.stdin.once('drain', () => {
          this.waitingDrain = false;
          this.pump();
        });
      }
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.pendingCount !== 0 || this.idleWaiters.length === 0) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  private finish(op: Op, r: OpResult): void {
    if (op.done) return;
    op.done = true;
    if (!r.ok) this.stats.failures++;
    op.cb(r);
    if (op.followers) {
      for (const f of op.followers) {
        f.done = true;
        this.stats.coalesced++;
        f.cb(COALESCED);
      }
      op.followers = null;
    }
  }

  private onStderr(text: string): void {
    for (const { line, message } of this.parser.push(text)) {
      const op = this.byLine.get(line);
      if (op) {
        this.byLine.delete(line);
        this.finish(op, { ok: false, message });
        continue;
      }
      const head = this.inflight[0];
      if (head && head.sentinel === line) {
        this.inflight.shift();
        this.restartsInRow = 0;
        // The chunk's lines are numbered consecutively up to its sentinel.
        const first = head.sentinel - head.ops.length;
        for (let i = 0; i < head.ops.length; i++) {
          this.byLine.delete(first + i);
          this.finish(head.ops[i]!, OK);
        }
      } else {
        this.log.warn('ip reported a failure on a line we did not send', { line, message });
      }
    }
    this.pump();
  }

  private onExit(code: number | null, sig: NodeJS.Signals | null): void {
    this.child = null;
    this.waitingDrain = false;
    if (this.exitWaiter) {
      const w = this.exitWaiter;
      this.exitWaiter = null;
      w();
    }
    if (this.inflight.length === 0) {
      if (!this.closing) this.pump();
      return;
    }
    // Lines after the last acknowledged sentinel are in doubt.
    const fatal = this.parser.pending() || (sig ? `ip killed by ${sig}` : `ip exited with code ${code}`);
    const chunks = this.inflight;
    this.inflight = [];
    const doubt = chunks.flatMap((c) => c.ops).filter((o) => !o.done);
    if (chunks[0]!.ops.length === 1 && doubt[0] === chunks[0]!.ops[0]) {
      // Careful mode: the culprit is known exactly.
      this.finish(doubt.shift()!, { ok: false, message: fatal });
    }
    for (const o of doubt) o.crashes++;
    const hopeless = doubt.filter((o) => o.crashes > 3);
    for (const o of hopeless) this.finish(o, { ok: false, message: fatal });
    const retry = doubt.filter((o) => !o.done);
    this.restartsInRow++;
    this.stats.restarts++;
    this.log.warn('ip exited in the middle of a batch; replaying the lines in doubt one by one', {
      message: fatal, inDoubt: retry.length,
    });
    if (this.restartsInRow > this.maxRestarts) {
      this.fail(new FibProcessError(`ip keeps exiting (${this.restartsInRow} times in a row): ${fatal}`));
      return;
    }
    this.queue = [...retry, ...this.queue.slice(this.qHead)];
    this.qHead = 0;
    this.careful = Math.max(this.careful, retry.length);
    if (!this.closing) this.pump();
    else this.checkIdle();
  }

  private fail(e: Error): void {
    this.broken = e;
    const all = [...this.inflight.flatMap((c) => c.ops), ...this.queue.slice(this.qHead)];
    this.inflight = [];
    this.queue = [];
    this.qHead = 0;
    this.unwritten.clear();
    for (const o of all) if (!o.done && !o.superseded) this.finish(o, { ok: false, message: e.message });
    this.checkIdle();
  }

  /** The error that stopped the runner, if any. */
  get error(): Error | null {
    return this.broken;
  }
}
