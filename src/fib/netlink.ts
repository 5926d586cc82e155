// The rtnetlink route writer: requests encoded in TypeScript (rtnl-encode.ts) and handed to the kernel by the
// native addon (native/rtnl.c) on a netlink socket opened inside the namespace, many per sendmsg. The kernel
// processes a sendmsg's requests before the call returns and answers only the failures, by sequence number,
// with its own message (extended ack): so a chunk costs one system call, and the event loop is given back
// between chunks (chunks are small enough — 64 KiB, about a thousand routes — to keep it responsive).
//
// The addon is optional: loadRtnl() returns null when it is not built (src/fib/native/build.mjs builds it with
// node-gyp from Node's own headers), and the kernel FIB then uses `ip -batch`.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { NormalChange } from './delta.js';
import { FibProcessError } from './errors.js';
import { COALESCED, OK, type OpResult } from './ip-batch.js';
import type { IpRouteOptions } from './ip-lines.js';
import { encodeRouteRequest, maxRequestSize } from './rtnl-encode.js';
import type { RouteWriter, WriterStats } from './writer.js';

export interface RtnlAddon {
  open(nsPath: string | null): number;
  send(fd: number, buf: Buffer): Array<[number, number, string]>;
  ifindex(fd: number, name: string): number;
  close(fd: number): void;
}

/** Where the built addon lives (dist/src/fib → repository root → src/fib/native/build). */
export const RTNL_ADDON_PATH = fileURLToPath(new URL('../../../src/fib/native/build/Release/anycast_rtnl.node', import.meta.url));

let cached: RtnlAddon | null | undefined;
let loadError = '';
/** The addon, or null (and why, in rtnlLoadError()) if it is not built or does not load. */
export function loadRtnl(): RtnlAddon | null {
  if (cached !== undefined) return cached;
  const path = process.env.ANYCAST_RTNL_ADDON ?? RTNL_ADDON_PATH;
  if (!existsSync(path)) {
    loadError = `${path} is not built (node src/fib/native/build.mjs)`;
    return (cached = null);
  }
  try {
    cached = createRequire(import.meta.url)(path) as RtnlAddon;
  } catch (e) {
    loadError = `${path}: ${(e as Error).message}`;
    cached = null;
  }
  return cached;
}
export function rtnlLoadError(): string {
  return loadError;
}

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([k, v]) => [v, k]));
/** "Nexthop has invalid gateway (EINVAL)", or the errno's name alone when the kernel gave no message. */
export function netlinkErrorText(errno: number, msg: string): string {
  const name = errnoNames.get(errno) ?? `errno ${errno}`;
  return msg ? `${msg} (${name})` : name === 'ESRCH' ? 'No such process (ESRCH)' : name;
}

interface Op {
  change: NormalChange;
  metric: number;
  cb: (r: OpResult, change: NormalChange) => void;
  followers: Op[] | null;
  superseded: boolean;
}

export interface NetlinkWriterOptions {
  /** Bytes of requests per sendmsg. Default 64 KiB. */
  chunkBytes?: number;
}

export class NetlinkWriter implements RouteWriter {
  readonly backend = 'netlink' as const;
  readonly stats: WriterStats = { linesWritten: 0, chunks: 0, failures: 0, coalesced: 0, restarts: 0 };
  private readonly fd: number;
  private queue: Op[] = [];
  private qHead = 0;
  // Coalescing index of queued ops, built lazily: only when a new batch (the submits between two flush() calls)
  // arrives while older ops still wait are those older ops indexed — a full table written in one batch never
  // pays for a map of a million entries. Within one batch keys are unique (the FIB coalesced them already); were
  // they not, both would be written in order, which is still right.
  private readonly unwritten = new Map<string, Op>();
  private indexedUpTo = 0;
  private inBatch = false;
  private scheduled = false;
  private seq = 1;
  private broken: Error | null = null;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly buf: Buffer;
  private readonly chunkBytes: number;

  constructor(private readonly addon: RtnlAddon, ns: string | undefined, private readonly o: IpRouteOptions, opts: NetlinkWriterOptions = {}) {
    this.chunkBytes = opts.chunkBytes ?? 65536;
    this.buf = Buffer.alloc(this.chunkBytes + 16384);
    try {
      this.fd = addon.open(ns ? `/run/netns/${ns}` : null);
    } catch (e) {
      throw new FibProcessError(`cannot open an rtnetlink socket${ns ? ` in ${ns}` : ''}: ${(e as Error).message}`, { cause: e });
    }
  }

  private key(prefix: string, metric: number): string {
    return metric === this.o.metric ? prefix : `${prefix}#${metric}`;
  }

  submit(change: NormalChange, metric: number, cb: (r: OpResult, change: NormalChange) => void): void {
    if (this.broken || this.closed) {
      cb({ ok: false, message: this.broken ? this.broken.message : 'the FIB is closing' }, change);
      return;
    }
    if (!this.inBatch) {
      this.inBatch = true;
      for (let i = Math.max(this.qHead, this.indexedUpTo); i < this.queue.length; i++) {
        const o = this.queue[i]!;
        if (!o.superseded) this.unwritten.set(this.key(o.change.prefix, o.metric), o);
      }
      this.indexedUpTo = this.queue.length;
    }
    const op: Op = { change, metric, cb, followers: null, superseded: false };
    if (this.unwritten.size) {
      const key = this.key(change.prefix, metric);
      const prev = this.unwritten.get(key);
      if (prev) {
        this.unwritten.delete(key);
        prev.superseded = true;
        op.followers = [prev, ...(prev.followers ?? [])];
        prev.followers = null;
      }
    }
    this.queue.push(op);
  }

  flush(): void {
    this.inBatch = false;
    if (this.scheduled || this.qHead >= this.queue.length) return this.checkIdle();
    this.scheduled = true;
    setImmediate(() => this.drainChunk());
  }

  idle(): Promise<void> {
    this.flush();
    if (this.qHead >= this.queue.length && !this.scheduled) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  async close(): Promise<void> {
    await this.idle();
    if (!this.closed) {
      this.closed = true;
      this.addon.close(this.fd);
    }
  }

  get error(): Error | null {
    return this.broken;
  }

  private finish(op: Op, r: OpResult): void {
    if (!r.ok) this.stats.failures++;
    op.cb(r, op.change);
    if (op.followers) {
      for (const f of op.followers) {
        this.stats.coalesced++;
        f.cb(COALESCED, f.change);
      }
    }
  }

  private drainChunk(): void {
    this.scheduled = false;
    const ops: Op[] = [];
    const seqBase = this.seq;
    let off = 0;
    const devs = new Map<string, number>();
    const ifindexOf = (dev: string) => {
      let i = devs.get(dev);
      if (i === undefined) devs.set(dev, (i = this.addon.ifindex(this.fd, dev)));
      return i;
    };
    const refused: Array<[Op, string]> = [];
    while (this.qHead < this.queue.length && off < this.chunkBytes) {
      const op = this.queue[this.qHead++]!;
      if (op.superseded) continue;
      if (this.unwritten.size) {
        const key = this.key(op.change.prefix, op.metric);
        if (this.unwritten.get(key) === op) this.unwritten.delete(key);
      }
      if (off + maxRequestSize(op.change) > this.buf.length) {
        this.qHead--;
        break;
      }
      const opts = op.metric === this.o.metric ? this.o : { ...this.o, metric: op.metric };
      const r = encodeRouteRequest(this.buf, off, op.change, opts, seqBase + ops.length, ifindexOf);
      if (typeof r === 'string') {
        refused.push([op, r]);
        continue;
      }
      off = r;
      ops.push(op);
    }
    if (this.qHead >= this.queue.length) {
      this.queue = [];
      this.qHead = 0;
      this.indexedUpTo = 0;
      this.unwritten.clear();
    } else if (this.qHead > 4096 && this.qHead * 2 > this.queue.length) {
      this.indexedUpTo = Math.max(0, this.indexedUpTo - this.qHead);
      this.queue = this.queue.slice(this.qHead);
      this.qHead = 0;
    }
    this.seq = (seqBase + ops.length) >>> 0 || 1;
    for (const [op, msg] of refused) this.finish(op, { ok: false, message: msg });
    if (ops.length) {
      let errors: Array<[number, number, string]>;
      try {
        errors = this.addon.send(this.fd, this.buf.subarray(0, off));
      } catch (e) {
        this.fail(new FibProcessError(`rtnetlink: ${(e as Error).message}`, { cause: e }), ops);
        return;
      }
      this.stats.chunks++;
      this.stats.linesWritten += ops.length;
      const failed = errors.length ? new Map<number, string>() : null;
      let overflow = false;
      for (const [seq, errno, msg] of errors) {
        if (seq === -1) overflow = true;
        else failed!.set(seq, netlinkErrorText(errno, msg));
      }
      for (let i = 0; i < ops.length; i++) {
        const m = failed?.get((seqBase + i) >>> 0);
        if (m !== undefined) this.finish(ops[i]!, { ok: false, message: m });
        // A lost answer may have been a failure: the route's state is unknown, and said so.
        else if (overflow) this.finish(ops[i]!, { ok: false, message: 'unknown outcome: netlink receive buffer overflow (ENOBUFS)' });
        else this.finish(ops[i]!, OK);
      }
    }
    if (this.qHead < this.queue.length) {
      this.scheduled = true;
      setImmediate(() => this.drainChunk());
    } else {
      this.checkIdle();
    }
  }

  private checkIdle(): void {
    if (this.qHead < this.queue.length || this.scheduled || !this.idleWaiters.length) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  private fail(e: Error, inFlight: Op[]): void {
    this.broken = e;
    const rest = [...inFlight, ...this.queue.slice(this.qHead).filter((o) => !o.superseded)];
    this.queue = [];
    this.qHead = 0;
    this.indexedUpTo = 0;
    this.unwritten.clear();
    for (const o of rest) this.finish(o, { ok: false, message: e.message });
    this.checkIdle();
  }
}
