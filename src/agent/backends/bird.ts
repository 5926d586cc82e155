// The BIRD 2 backend: the agent's desired set becomes an include file of static routes (bird-render.ts) and BIRD
// is told to `configure` through its control socket. Changes are serialized and coalesced: one reconfiguration
// in flight at a time, a short window to gather changes that arrive together, and only the newest set is written
// — so a burst of state changes is one reconfiguration, and two reconfigurations can never race (BIRD would
// otherwise queue or interleave them). Each reconfiguration is verified: BIRD must answer "0003 Reconfigured"
// (or "0004 Reconfiguration in progress", after which the backend waits until `show status` says BIRD is up and
// running again) before the set counts as applied.
//
// Restart safety: start() writes the empty set and reconfigures, so routes left by an agent that died are
// withdrawn before anything is announced again. What a killed agent leaves behind until then is its last include
// file: BIRD keeps announcing it. Two remedies: the guard process (bird-guard.ts, `guard: true`), which withdraws
// as soon as the agent's process is gone, and `anycast agent cleanup` for a service manager's stop hook.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import { BackendError, type AnnouncementBackend, type BackendPeer, type BackendStatus } from '../backend.js';
import type { BirdBackendConfig } from '../config/types.js';
import type { Announcements } from '../desired.js';
import { comparePrefixText } from '../prefix.js';
import {
  BIRD_RECONFIG_IN_PROGRESS, BIRD_RECONFIG_QUEUED, BIRD_RECONFIGURED, birdCommand, isError, replyText, type BirdReply,
} from './bird-control.js';
import { parseProtocols, parseRoutePrefixes, renderInclude } from './bird-render.js';

export interface BirdBackendDeps {
  clock: Clock;
  logger: Logger;
  agentName: string;
  wall?: () => number;
  /** Replaceable for tests; defaults to the control-socket client. */
  command?: (cmd: string, timeoutMs: number) => Promise<BirdReply>;
  /** Told the text of every include file that BIRD accepted (the guard uses it). */
  onApplied?: (text: string) => void;
  /**
   * Told the text of an include file before it is written: a crash between the write and BIRD's answer must
   * not leave a file the guard takes for someone else's.
   */
  onWriting?: (text: string) => void;
}

interface Waiter {
  version: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Write a file so that a reader sees the old or the new content, never a half-written one. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, path);
}

export class BirdBackend implements AnnouncementBackend {
  readonly kind = 'bird';
  private wanted: { version: number; desired: Announcements } = { version: 0, desired: new Map() };
  private appliedVersion = 0;
  private appliedText: string | null = null;
  private appliedSet: Announcements = new Map();
  private waiters: Waiter[] = [];
  private working = false;
  private closed = false;
  private retryTimer: ReturnType<Clock['setTimeout']> | undefined;
  private applies = 0;
  private failures = 0;
  private last: BackendStatus['lastApply'] = null;
  private readonly wall: () => number;
  private readonly command: (cmd: string, timeoutMs: number) => Promise<BirdReply>;

  constructor(private readonly cfg: BirdBackendConfig, private readonly deps: BirdBackendDeps) {
    this.wall = deps.wall ?? Date.now;
    this.command = deps.command ?? ((cmd, t) => birdCommand(cfg.socket, cmd, t, deps.clock));
  }

  /** The include file's text for a set (exposed for `--check` and tests). */
  render(desired: Announcements): string {
    return renderInclude(desired, this.cfg, this.deps.agentName);
  }

  async start(): Promise<void> {
    // Force the first write even if the file already holds an empty set: BIRD may not have read it yet.
    this.appliedText = null;
    try {
      await this.apply(new Map());
      this.deps.logger.info('bird: stale announcements cleared', { socket: this.cfg.socket, include: this.cfg.includeFile });
    } catch (e) {
      this.deps.logger.error('bird: cannot clear stale announcements; retrying in the background', {
        error: errorMessage(e), socket: this.cfg.socket });
    }
  }

  apply(desired: Announcements): Promise<void> {
    if (this.closed) return Promise.reject(new BackendError('bird backend is closed'));
    const version = this.wanted.version + 1;
    this.wanted = { version, desired: new Map(desired) };
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ version, resolve, reject }));
    this.kick(this.cfg.coalesceMs);
    return p;
  }

  private kick(delay: number): void {
    if (this.working || this.closed) return;
    this.deps.clock.clearTimeout(this.retryTimer);
    this.working = true;
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.work();
    }, delay);
  }

  private settle(version: number, err: Error | null): void {
    const done = this.waiters.filter((w) => w.version <= version);
    this.waiters = this.waiters.filter((w) => w.version > version);
    for (const w of done) (err ? w.reject(err) : w.resolve());
  }

  private async work(): Promise<void> {
    while (!this.closed && this.appliedVersion < this.wanted.version) {
      const { version, desired } = this.wanted;
      const text = this.render(desired);
      if (text === this.appliedText) {
        this.appliedVersion = version;
        this.settle(version, null);
        continue;
      }
      const started = this.deps.clock.now();
      try {
        this.deps.onWriting?.(text);
        await writeFileAtomic(this.cfg.includeFile, text);
        await this.reconfigure();
        this.appliedText = text;
        this.appliedSet = desired;
        this.appliedVersion = version;
        this.applies++;
        this.last = { wallAt: this.wall(), durationMs: round(this.deps.clock.now() - started), ok: true, error: null };
        this.deps.onApplied?.(text);
        this.deps.logger.debug('bird: reconfigured', { prefixes: desired.size, ms: this.last.durationMs });
        this.settle(version, null);
      } catch (e) {
        const err = e instanceof BackendError ? e : new BackendError(errorMessage(e), { cause: e });
        this.failures++;
        this.last = { wallAt: this.wall(), durationMs: round(this.deps.clock.now() - started), ok: false, error: err.message };
        this.deps.logger.error('bird: reconfiguration failed; will retry', { error: err.message, retryMs: this.cfg.retryMs });
        this.settle(version, err);
        this.working = false;
        if (!this.closed) this.kick(this.cfg.retryMs);
        return;
      }
    }
    this.working = false;
  }

  private async reconfigure(): Promise<void> {
    const r = await this.command('configure', this.cfg.timeoutMs);
    if (r.code === BIRD_RECONFIGURED) return;
    if (r.code === BIRD_RECONFIG_IN_PROGRESS || r.code === BIRD_RECONFIG_QUEUED) {
      // BIRD is still restarting protocols for this (or an earlier) configuration: wait until it is done.
      const deadline = this.deps.clock.now() + this.cfg.timeoutMs;
      for (;;) {
        await new Promise<void>((res) => this.deps.clock.setTimeout(res, 50));
        const s = await this.command('show status', this.cfg.timeoutMs);
        const last = s.lines[s.lines.length - 1]?.text ?? '';
        if (/up and running/i.test(last)) return;
        if (this.deps.clock.now() > deadline) {
          throw new BackendError(`BIRD still reconfiguring after ${this.cfg.timeoutMs} ms ("${last}")`);
        }
      }
    }
    const errors = r.lines.filter((l) => l.code >= 8000).map((l) => l.text).join('; ');
    throw new BackendError(`BIRD refused the configuration: ${isError(r) ? errors : `(code ${r.code}) ${replyText(r)}`}`);
  }

  async status(): Promise<BackendStatus> {
    const base = {
      kind: this.kind, target: `bird ${this.cfg.socket}`, applies: this.applies, failures: this.failures,
      lastApply: this.last, pending: this.appliedVersion < this.wanted.version,
    };
    const timeout = Math.min(this.cfg.timeoutMs, 2000);
    try {
      const r = await this.command('show protocols', timeout);
      const rows = parseProtocols(r.lines.map((l) => l.text)).filter((p) => p.proto === 'BGP');
      const peers: BackendPeer[] = [];
      for (const p of rows) {
        let exported: string[] | null = null;
        try {
          const routes = await this.command(`show route export ${p.name}`, timeout);
          if (!isError(routes)) {
            // Only our prefixes: the session may carry other routes too.
            const ours = new Set([...this.wanted.desired.keys(), ...this.appliedSet.keys()]);
            exported = parseRoutePrefixes(routes.lines.map((l) => l.text)).filter((x) => ours.has(x))
              .sort(comparePrefixText);
          }
        } catch {
          exported = null;
        }
        peers.push({ name: p.name, state: p.info.split(/\s+/)[0] || p.state, info: p.info, exported });
      }
      const ok = this.last === null || this.last.ok;
      return { ...base, healthy: ok, detail: ok ? 'connected' : `last reconfiguration failed: ${this.last!.error}`, peers };
    } catch (e) {
      return { ...base, healthy: false, detail: errorMessage(e), peers: [] };
    }
  }

  /** The include file as it is on disk now (for the guard and for `status`). */
  async currentFile(): Promise<string | null> {
    try {
      return await readFile(this.cfg.includeFile, 'utf8');
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    // The sessions belong to BIRD and stay up; closing means no further reconfigurations from this agent.
    this.closed = true;
    this.deps.clock.clearTimeout(this.retryTimer);
    this.settle(Infinity, new BackendError('bird backend closed'));
  }
}
