// This project's speaker as a lab router inside the lab's router host process (link.ts): the same Daemon as
// src/lab/speaker/runner.ts (speaker.yaml from the RouterSpec, queries over the router's own control socket),
// but start, stop, kill, freeze and thaw go to the host instead of to a process of the router's own. The
// router keeps its directory, configuration, control socket and log file (speaker.log) as before.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonContext, RouterSpec } from '../../daemons/index.js';
import { AnycastSpeakerDaemon } from '../speaker/runner.js';
import { speakerConfig } from '../speaker/config.js';
import { hostApi } from './control.js';
import type { HostedRouterStatus } from './host.js';
import type { RouterHostLink } from './link.js';
import { AnycastError } from '../../util/errors.js';

export class HostedSpeakerDaemon extends AnycastSpeakerDaemon {
  private hostPid: number | null = null;

  constructor(spec: RouterSpec, ctx: DaemonContext, readonly link: RouterHostLink) {
    super(spec, ctx);
  }

  get logFile(): string {
    return join(this.dir, 'speaker.log');
  }

  override async start(opts: { timeoutMs?: number } = {}): Promise<void> {
    writeFileSync(this.configFile, speakerConfig(this.spec, { socket: this.socket }));
    this.hostPid = await this.link.ensure(this.ctx.registry, this.ctx.unref === true);
    const r = await hostApi(this.link.socket, 'POST', '/v1/routers', { name: this.spec.name, ns: this.ns, config: this.configFile, log: this.logFile },
      opts.timeoutMs ?? 30_000);
    const st = (r.routers as HostedRouterStatus[])[0]!;
    if (st.state !== 'running') throw new AnycastError('ERR_HOST_START', `router ${this.spec.name}: ${st.error ?? st.state}`);
  }

  /** The router's state in its host (null: the host does not know it or does not answer). */
  async hostStatus(): Promise<HostedRouterStatus | null> {
    try {
      const r = await hostApi(this.link.socket, 'GET', `/v1/routers/${encodeURIComponent(this.spec.name)}`, undefined, 5000);
      if (typeof r.pid === 'number') this.hostPid = r.pid;
      return (r.routers as HostedRouterStatus[])[0] ?? null;
    } catch {
      return null;
    }
  }

  private action(what: 'stop' | 'freeze' | 'thaw', body: Record<string, unknown> = {}): Promise<unknown> {
    return hostApi(this.link.socket, 'POST', `/v1/routers/${encodeURIComponent(this.spec.name)}/${what}`, body);
  }

  /** Cease to every neighbor, kernel routes removed; the host and the other routers go on. */
  override async stop(): Promise<void> {
    await this.action('stop').catch((e: AnycastError) => { if (e.code !== 'ERR_HOST_UNREACHABLE' && e.code !== 'ERR_HOST_NO_ROUTER') throw e; });
  }

  /** A crash as the peers see it: sessions dropped without NOTIFICATION, kernel routes left in place. */
  override async kill(): Promise<void> {
    await this.action('stop', { kill: true }).catch((e: AnycastError) => { if (e.code !== 'ERR_HOST_UNREACHABLE' && e.code !== 'ERR_HOST_NO_ROUTER') throw e; });
  }

  async freezeNow(): Promise<void> {
    await this.action('freeze');
  }

  async thawNow(): Promise<void> {
    await this.action('thaw');
  }

  // The Daemon interface's freeze/thaw are synchronous (signals): the request is sent and lands within
  // milliseconds; nodeAction and experiments that need to know use freezeNow()/thawNow().
  override freeze(): void {
    void this.freezeNow().catch(() => {});
  }

  override thaw(): void {
    void this.thawNow().catch(() => {});
  }

  /** The host's PID: the process that runs this router (with the others). */
  override pids(): number[] {
    return this.hostPid !== null ? [this.hostPid] : this.link.pid !== null ? [this.link.pid] : [];
  }

  override logTail(lines = 10): string {
    if (!existsSync(this.logFile)) return '';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}
