// Long-running processes inside a namespace, tracked by PID: started with `ip netns exec NS prog …` (which
// execs the program, so the PID we get is the program's), recorded in the registry, output appended to a log
// file, and ended by PID only: stop (SIGTERM then SIGKILL), kill, freeze (SIGSTOP), thaw (SIGCONT).

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { ProcessExitedError } from './errors.js';
import { freeze, signal, terminate, thaw } from './proc.js';
import type { ResourceRegistry } from './registry.js';

export interface SpawnOptions {
  /** Append the program's stdout and stderr here (default: discarded). */
  logFile?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Name shown in the registry and in errors. */
  name?: string;
  /** Let this process outlive ours (the lab's `up`): it does not keep the event loop alive. */
  unref?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class NsProcess {
  readonly pid: number;
  readonly ns: string;
  readonly argv: readonly string[];
  readonly name: string;
  readonly logFile: string | undefined;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | null = null;
  private readonly registry: ResourceRegistry | undefined;

  constructor(ns: string, argv: readonly string[], registry: ResourceRegistry | undefined, opts: SpawnOptions = {}) {
    this.ns = ns;
    this.argv = argv;
    this.name = opts.name ?? argv[0]!.split('/').pop()!;
    this.logFile = opts.logFile;
    this.registry = registry;
    const fd = opts.logFile ? openSync(opts.logFile, 'a') : 'ignore';
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      // Own process group: a Ctrl-C on the terminal reaches us, and we stop the daemons in order.
      detached: true,
    });
    if (typeof fd === 'number') closeSync(fd);
    if (child.pid === undefined) throw new ProcessExitedError(this.name, 0, `could not start ${argv.join(' ')}`);
    this.pid = child.pid;
    registry?.addProcess(this.pid, argv, { ns, name: this.name });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, sig) => {
        this.exitInfo = { code, signal: sig };
        resolve(this.exitInfo);
      });
    });
    child.on('error', () => {
      /* reported through `exited` */
    });
    if (opts.unref) child.unref();
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  /** Throws ProcessExitedError (with the log's tail) if the process has exited. */
  assertRunning(): void {
    if (this.exitInfo) throw new ProcessExitedError(this.name, this.pid, this.describeExit());
  }

  describeExit(): string {
    const e = this.exitInfo;
    const how = !e ? 'still running' : e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`;
    return `${how}${this.logTail() ? `; log: ${this.logTail()}` : ''}`;
  }

  logTail(lines = 6): string {
    if (!this.logFile) return '';
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join(' | ');
    } catch {
      return '';
    }
  }

  freeze(): boolean {
    return this.running && freeze(this.pid);
  }

  thaw(): boolean {
    return this.running && thaw(this.pid);
  }

  kill(sig: NodeJS.Signals = 'SIGKILL'): boolean {
    return this.running && signal(this.pid, sig);
  }

  /** SIGTERM, SIGKILL after `graceMs`; resolves once the process has exited. Forgets it in the registry. */
  async stop(graceMs = 3000): Promise<ExitInfo> {
    if (this.running) await terminate(this.pid, graceMs);
    const info = await this.exited;
    this.registry?.removeProcess(this.pid);
    return info;
  }
}

export function nsSpawn(ns: string, argv: readonly string[], registry?: ResourceRegistry, opts: SpawnOptions = {}): NsProcess {
  return new NsProcess(ns, argv, registry, opts);
}
