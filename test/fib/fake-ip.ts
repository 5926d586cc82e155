// A fake `ip -force -batch -` child for unit tests: reads lines, numbers them as ip does, and answers on
// stderr exactly as iproute2 6.1 does — "Command failed -:N" after a failing line, the sentinel's device error,
// and an exit (with its message, no "Command failed") on a line it cannot parse.

import { EventEmitter } from 'node:events';
import type { BatchChild } from '../../src/fib/ip-batch.js';

export interface FakeIpRules {
  /** Lines containing any of these fail with "Error: Nexthop has invalid gateway." (ip goes on). */
  reject?: string[];
  /** Lines containing any of these make ip exit with "Error: cannot parse nexthop". */
  fatal?: string[];
  /** Answer asynchronously after this many ms (default: next tick). */
  delayMs?: number;
}

export class FakeIp extends EventEmitter implements BatchChild {
  static spawned: FakeIp[] = [];
  readonly pid = 4242;
  readonly lines: string[] = [];
  private n = 0;
  private buf = '';
  private dead = false;
  /** Highest number of chunks written but not yet answered, seen so far. */
  readonly stderrEmitter = new EventEmitter();
  writes = 0;
  private sentinelsWritten = 0;
  private sentinelsAnswered = 0;
  /** Most sentinel-closed chunks ever written and not yet answered (the runner's in-flight window). */
  maxOutstanding = 0;

  constructor(private readonly rules: FakeIpRules, readonly applied: Map<string, string>) {
    super();
    FakeIp.spawned.push(this);
  }

  stdin = {
    write: (s: string): boolean => {
      if (this.dead) return false;
      this.writes++;
      this.buf += s;
      this.sentinelsWritten += s.split('acf/sentinel').length - 1;
      this.maxOutstanding = Math.max(this.maxOutstanding, this.sentinelsWritten - this.sentinelsAnswered);
      const later = () => this.process();
      if (this.rules.delayMs) setTimeout(later, this.rules.delayMs);
      else setImmediate(later);
      return true;
    },
    end: () => {
      setImmediate(() => this.die(0));
    },
    once: (_ev: 'drain', _cb: () => void) => this,
    on: (_ev: 'error', _cb: (e: Error) => void) => this,
  };

  stderr = {
    on: (_ev: 'data', cb: (b: Buffer | string) => void) => this.stderrEmitter.on('data', cb),
  };

  kill(): boolean {
    this.die(null, 'SIGKILL');
    return true;
  }

  private die(code: number | null, sig: NodeJS.Signals | null = null): void {
    if (this.dead) return;
    this.dead = true;
    this.emit('exit', code, sig);
  }

  private process(): void {
    let nl: number;
    let out = '';
    while (!this.dead && (nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      this.n++;
      this.lines.push(line);
      if (line === 'link show dev acf/sentinel') {
        this.sentinelsAnswered++;
        out += `Device "acf/sentinel" does not exist.\nCommand failed -:${this.n}\n`;
      } else if (this.rules.fatal?.some((f) => line.includes(f))) {
        out += 'Error: cannot parse nexthop\n';
        this.stderrEmitter.emit('data', out);
        this.buf = '';
        setImmediate(() => this.die(255));
        return;
      } else if (this.rules.reject?.some((f) => line.includes(f))) {
        out += `Error: Nexthop has invalid gateway.\nCommand failed -:${this.n}\n`;
      } else {
        const m = /^route (replace|del) (\S+)/.exec(line);
        if (m) {
          if (m[1] === 'replace') this.applied.set(m[2]!, line);
          else if (this.applied.has(m[2]!)) this.applied.delete(m[2]!);
          else out += `RTNETLINK answers: No such process\nCommand failed -:${this.n}\n`;
        }
      }
    }
    // Split the output at an odd place: the parser must cope with partial lines.
    if (out) {
      const cut = Math.floor(out.length / 2);
      this.stderrEmitter.emit('data', out.slice(0, cut));
      this.stderrEmitter.emit('data', Buffer.from(out.slice(cut)));
    }
  }
}

export function fakeIpFactory(rules: FakeIpRules = {}) {
  const applied = new Map<string, string>();
  const children: FakeIp[] = [];
  const spawn = () => {
    const c = new FakeIp(rules, applied);
    children.push(c);
    return c;
  };
  return { spawn, applied, children };
}
