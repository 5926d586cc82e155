// The anycast node agent: health checks drive announce / drain / withdraw of each service's prefixes through an
// announcement backend. It owns the services (checks + state machines), the maintenance-file poll, the reconciliation
// of the desired announcements (handed to the backend only when they change), operator drains, reloads that keep
// the last good configuration, and the shutdown sequence: drain (if configured) → withdraw everything → linger →
// remove the loopback addresses → close the backend's sessions.
//
// Everything with side effects is injected (clock, backend, probes, file test, address manager, logger), so that the
// whole agent runs under FakeClock in tests. RFC 4786 §4.4.1, §4.4.4, §4.8; RFC 8326.
import type { Clock, TimerHandle } from '../util/clock.js';
import { AnycastError, ConfigError, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { ProbeFactory } from '../health/checks.js';
import type { AnnouncementBackend } from './backend.js';
import { canonicalJson } from './config/hash.js';
import { loadConfigFile } from './config/parse.js';
import type { AgentConfig, LoadedConfig } from './config/types.js';
import {
  computeDesired, describeAttributes, sameAnnouncements, toAnnouncements, type DesiredEntry,
} from './desired.js';
import type { AddressManager } from './loopback.js';
import type { ResponderHost } from './responder.js';
import { AgentMetrics } from './metrics.js';
import { ServiceRuntime, type TransitionRecord } from './service.js';

export interface AgentDeps {
  clock: Clock;
  logger: Logger;
  backend: AnnouncementBackend;
  probes: ProbeFactory;
  wall?: () => number;
  random?: () => number;
  fileExists?: (path: string) => boolean;
  addresses?: AddressManager;
  /** Hosts the DNS responders of services that have one. */
  responders?: ResponderHost;
  loadConfig?: (file: string) => LoadedConfig;
  onEvent?: (e: AgentEvent) => void;
}

export type ShutdownStep = 'drain' | 'withdraw' | 'withdrawn' | 'linger' | 'responders' | 'addresses' | 'close' | 'done';

export type AgentEvent =
  | { type: 'transition'; service: string; transition: TransitionRecord }
  | { type: 'apply'; desired: Map<string, DesiredEntry> }
  | { type: 'shutdown'; step: ShutdownStep; at: number }
  | { type: 'reload'; ok: boolean; error?: string; hash?: string };

export class UnknownServiceError extends AnycastError {
  constructor(name: string, known: string[]) {
    super('ERR_UNKNOWN_SERVICE', `no service "${name}" (services: ${known.join(', ') || 'none'})`);
  }
}

export class ShuttingDownError extends AnycastError {
  constructor() {
    super('ERR_SHUTTING_DOWN', 'the agent is shutting down');
  }
}

export interface ReloadResult {
  ok: boolean;
  hash: string;
  error?: string;
  file?: string;
  key?: string;
  reason?: string;
  changes?: string[];
}

export class Agent {
  loaded: LoadedConfig;
  readonly services = new Map<string, ServiceRuntime>();
  readonly metrics = new AgentMetrics();
  readonly wall: () => number;
  startedWall = 0;
  /** The set last handed to the backend, and the set last confirmed applied. */
  requested = new Map<string, DesiredEntry>();
  confirmed = new Map<string, DesiredEntry>();
  lastReload: { wallAt: number; ok: boolean; error?: string; hash: string } | null = null;
  shutdownState: { drain: boolean; drainTimeMs: number | null } | null = null;
  shutdownStep: ShutdownStep | null = null;
  private applySeq = 0;
  private lastApply: Promise<void> = Promise.resolve();
  private maintTimer: TimerHandle | undefined;
  private reconcileTimer: TimerHandle | undefined;
  private drainedWaiter: (() => void) | null = null;
  private shutdownPromise: Promise<boolean> | null = null;
  private managedAddresses = new Set<string>();
  private readonly random: () => number;
  private readonly fileExists: (path: string) => boolean;

  constructor(loaded: LoadedConfig, private readonly deps: AgentDeps) {
    this.loaded = loaded;
    this.wall = deps.wall ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.fileExists = deps.fileExists ?? (() => false);
    for (const s of loaded.config.services) this.services.set(s.name, this.makeService(s));
  }

  get config(): AgentConfig {
    return this.loaded.config;
  }

  get backend(): AnnouncementBackend {
    return this.deps.backend;
  }

  get clock(): Clock {
    return this.deps.clock;
  }

  get responders(): ResponderHost | undefined {
    return this.deps.responders;
  }

  private makeService(s: AgentConfig['services'][number]): ServiceRuntime {
    return new ServiceRuntime(s, {
      clock: this.deps.clock, random: this.random, wall: this.wall, probes: this.deps.probes,
      logger: this.deps.logger,
      onChange: (svc) => this.evaluate(svc),
      onResult: (svc, check, obs) => {
        const type = svc.config.checks.find((c) => c.name === check)?.spec.type ?? 'unknown';
        this.metrics.checkResults.inc({ service: svc.name, check, result: obs.timedOut ? 'timeout' : obs.ok ? 'ok' : 'fail' });
        this.metrics.checkDuration.observe({ service: svc.name, check, type }, obs.latencyMs / 1000);
        this.deps.logger.debug('check result', { service: svc.name, check, ok: obs.ok, detail: obs.detail, ms: obs.latencyMs });
      },
      onCheckChange: (svc, check, to, from, obs) => {
        this.deps.logger.info('check state changed', { service: svc.name, check, from, to, detail: obs.detail });
      },
    });
  }

  private emit(e: AgentEvent): void {
    this.deps.onEvent?.(e);
  }

  // ---- start ------------------------------------------------------------------------------------------------

  async start(): Promise<void> {
    this.startedWall = this.wall();
    this.deps.logger.info('agent starting', {
      name: this.config.name, configHash: this.loaded.hash, backend: this.backend.kind,
      services: [...this.services.keys()],
    });
    // Clean whatever an earlier run left announced before anything new can be announced.
    await this.backend.start();
    await this.syncAddresses();
    // Responders bind the service addresses, so they start after those are in place, and before the checks.
    await this.deps.responders?.sync(this.config.services, this.loaded.file);
    for (const s of this.services.values()) {
      s.refreshHealth();
      s.start();
    }
    this.pollMaintenance();
  }

  private wantedAddresses(): Set<string> {
    return new Set(this.config.loopback.manage ? this.config.services.flatMap((s) => s.addresses) : []);
  }

  /** Add the configured loopback addresses that are not yet managed. */
  private async syncAddresses(): Promise<void> {
    const mgr = this.deps.addresses;
    if (!mgr) return;
    for (const a of this.wantedAddresses()) {
      if (this.managedAddresses.has(a)) continue;
      try {
        const added = await mgr.add(a, this.config.loopback.interface);
        this.managedAddresses.add(a);
        this.deps.logger.info(added ? 'address added' : 'address already present', { address: a, dev: this.config.loopback.interface });
      } catch (e) {
        this.deps.logger.error('cannot add address', { address: a, error: errorMessage(e) });
      }
    }
  }

  private async removeAddresses(which: string[]): Promise<void> {
    const mgr = this.deps.addresses;
    if (!mgr) return;
    for (const a of which) {
      try {
        await mgr.remove(a, this.config.loopback.interface);
        this.managedAddresses.delete(a);
        this.deps.logger.info('address removed', { address: a, dev: this.config.loopback.interface });
      } catch (e) {
        this.deps.logger.error('cannot remove address', { address: a, error: errorMessage(e) });
      }
    }
  }

  // ---- maintenance file -------------------------------------------------------------------------------------

  private pollMaintenance(): void {
    this.deps.clock.clearTimeout(this.maintTimer);
    if (this.shutdownState) return;
    for (const s of this.services.values()) {
      const own = s.config.maintenanceFile;
      const global = this.config.maintenanceFile;
      const present = own !== null && this.fileExists(own) ? own : global !== null && this.fileExists(global) ? global : null;
      if (present !== s.maintenanceFile) {
        this.deps.logger.info(present ? 'maintenance file present' : 'maintenance file gone', {
          service: s.name, file: present ?? s.maintenanceFile });
        s.maintenanceFile = present;
        this.evaluate(s);
      }
    }
    this.maintTimer = this.deps.clock.setTimeout(() => this.pollMaintenance(), this.config.maintenancePollMs);
  }

  // ---- evaluation and reconciliation ------------------------------------------------------------------------

  evaluate(svc: ServiceRuntime): void {
    if (this.services.get(svc.name) !== svc) return; // removed by a reload
    const recs = svc.evaluate(this.shutdownState);
    for (const t of recs) {
      this.metrics.transitions.inc({ service: svc.name, from: t.from, to: t.to });
      this.deps.logger.info('service transition', { service: svc.name, from: t.from, to: t.to, reason: t.reason });
      this.emit({ type: 'transition', service: svc.name, transition: t });
    }
    this.scheduleReconcile();
    if (this.drainedWaiter && ![...this.services.values()].some((s) => s.fsm.phase === 'draining')) {
      const w = this.drainedWaiter;
      this.drainedWaiter = null;
      w();
    }
  }

  /**
   * Reconcile once all changes of this instant are in: state changes that happen together (two services failing
   * on the same probe round, a reload touching several services) become one backend change, not several.
   */
  private scheduleReconcile(): void {
    if (this.reconcileTimer !== undefined) return;
    this.reconcileTimer = this.deps.clock.setTimeout(() => {
      this.reconcileTimer = undefined;
      this.reconcile();
    }, 0);
  }

  /** Hand the desired set to the backend if, and only if, it differs from the last one handed over. */
  reconcile(): void {
    this.deps.clock.clearTimeout(this.reconcileTimer);
    this.reconcileTimer = undefined;
    const views = [...this.services.values()].map((s) => ({ config: s.config, phase: s.fsm.phase }));
    const desired = computeDesired(views, this.config.prefixes);
    const ann = toAnnouncements(desired);
    if (sameAnnouncements(ann, toAnnouncements(this.requested))) {
      this.requested = desired;
      return;
    }
    const before = this.requested;
    this.requested = desired;
    const seq = ++this.applySeq;
    this.deps.logger.info('announcements changed', {
      announce: Object.fromEntries([...desired].map(([p, e]) => [p, describeAttributes(e.attributes)])),
      withdraw: [...before.keys()].filter((p) => !desired.has(p)),
    });
    this.emit({ type: 'apply', desired });
    const started = this.deps.clock.now();
    this.lastApply = this.backend.apply(ann).then(() => {
      this.metrics.applies.inc({ result: 'ok' });
      if (seq === this.applySeq) this.confirmed = desired;
      this.deps.logger.debug('backend applied', { seq, ms: this.deps.clock.now() - started });
    }, (e: unknown) => {
      this.metrics.applies.inc({ result: 'error' });
      this.deps.logger.error('backend apply failed', { seq, error: errorMessage(e) });
      throw e;
    });
    this.lastApply.catch(() => {});
  }

  // ---- operator drain ---------------------------------------------------------------------------------------

  private service(name: string): ServiceRuntime {
    const s = this.services.get(name);
    if (!s) throw new UnknownServiceError(name, [...this.services.keys()]);
    return s;
  }

  drain(name: string): ServiceRuntime {
    if (this.shutdownState) throw new ShuttingDownError();
    const s = this.service(name);
    if (!s.adminDrain) {
      s.adminDrain = true;
      this.deps.logger.info('operator drain', { service: name });
      this.evaluate(s);
    }
    return s;
  }

  undrain(name: string): ServiceRuntime {
    if (this.shutdownState) throw new ShuttingDownError();
    const s = this.service(name);
    if (s.adminDrain) {
      s.adminDrain = false;
      this.deps.logger.info('operator undrain', { service: name });
      this.evaluate(s);
    }
    return s;
  }

  // ---- reload -----------------------------------------------------------------------------------------------

  /** Re-read the configuration file; on any error keep the running configuration and say why. */
  reloadFromFile(file = this.loaded.file): ReloadResult {
    let next: LoadedConfig;
    try {
      next = (this.deps.loadConfig ?? loadConfigFile)(file);
    } catch (e) {
      const ce = e instanceof ConfigError ? e : null;
      return this.reloadFailed(errorMessage(e), ce ? { file: ce.file, key: ce.key, reason: ce.reason } : { file });
    }
    return this.reload(next);
  }

  private reloadFailed(error: string, where: { file?: string; key?: string; reason?: string }): ReloadResult {
    this.lastReload = { wallAt: this.wall(), ok: false, error, hash: this.loaded.hash };
    this.metrics.reloads.inc({ result: 'error' });
    this.deps.logger.error('reload rejected; keeping the running configuration', {
      ...where, error, configHash: this.loaded.hash });
    this.emit({ type: 'reload', ok: false, error });
    return { ok: false, hash: this.loaded.hash, error, ...where };
  }

  reload(next: LoadedConfig): ReloadResult {
    if (this.shutdownState) return this.reloadFailed('the agent is shutting down', {});
    const cur = this.config;
    const nc = next.config;
    const restart: string[] = (['control', 'metrics', 'backend', 'log', 'loopback'] as const)
      .filter((k) => canonicalJson(cur[k]) !== canonicalJson(nc[k]));
    if (cur.name !== nc.name) restart.push('agent.name');
    if (restart.length > 0) {
      return this.reloadFailed(`${restart.join(', ')} changed: this needs a restart (anycast agent --config ` +
        `${next.file}); the running configuration is kept`, { file: next.file, key: restart[0], reason: 'needs a restart' });
    }
    const changes: string[] = [];
    const names = new Set(nc.services.map((s) => s.name));
    for (const [name, svc] of this.services) {
      if (!names.has(name)) {
        svc.stop();
        this.services.delete(name);
        changes.push(`service ${name} removed`);
      }
    }
    this.loaded = next;
    for (const sc of nc.services) {
      const svc = this.services.get(sc.name);
      if (!svc) {
        const fresh = this.makeService(sc);
        this.services.set(sc.name, fresh);
        fresh.refreshHealth();
        fresh.start();
        changes.push(`service ${sc.name} added`);
      } else if (canonicalJson(svc.config) !== canonicalJson(sc)) {
        const r = svc.reconfigure(sc);
        changes.push(`service ${sc.name} changed` + (r.replaced.length ? ` (checks restarted: ${r.replaced.join(', ')})` : ''));
      }
    }
    if (canonicalJson(cur.prefixes) !== canonicalJson(nc.prefixes)) changes.push('prefix policies changed');
    // Addresses: new ones now; old ones once the reconciliation below is applied.
    const stale = [...this.managedAddresses].filter((a) => !this.wantedAddresses().has(a));
    void this.syncAddresses();
    for (const s of this.services.values()) this.evaluate(s);
    this.reconcile();
    if (stale.length) void this.lastApply.then(() => this.removeAddresses(stale), () => {});
    this.deps.responders?.sync(nc.services, next.file).catch((e: unknown) => {
      this.deps.logger.error('responder could not be started or reloaded', { error: errorMessage(e) });
    });
    this.pollMaintenance();
    this.lastReload = { wallAt: this.wall(), ok: true, hash: next.hash };
    this.metrics.reloads.inc({ result: 'ok' });
    this.deps.logger.info('configuration reloaded', { configHash: next.hash, changes });
    this.emit({ type: 'reload', ok: true, hash: next.hash });
    return { ok: true, hash: next.hash, changes };
  }

  // ---- shutdown ---------------------------------------------------------------------------------------------

  private step(step: ShutdownStep): void {
    this.shutdownStep = step;
    this.deps.logger.info(`shutdown: ${step}`, {});
    this.emit({ type: 'shutdown', step, at: this.deps.clock.now() });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.deps.clock.setTimeout(resolve, ms));
  }

  /** Resolves 'done' when p settles successfully, 'late' at the deadline; rejects with p's error. */
  private async beforeDeadline(p: Promise<unknown>, deadline: number): Promise<'done' | 'late'> {
    let timer: TimerHandle | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = this.deps.clock.setTimeout(() => resolve('late'), Math.max(0, deadline - this.deps.clock.now()));
    });
    try {
      return await Promise.race([p.then(() => 'done' as const), late]);
    } finally {
      this.deps.clock.clearTimeout(timer);
    }
  }

  /**
   * Drain (if configured) → withdraw everything → linger → remove addresses → close. Resolves true when the
   * withdrawal was confirmed by the backend. A second call while draining skips the rest of the drain.
   */
  shutdown(): Promise<boolean> {
    if (this.shutdownPromise) {
      if (this.shutdownState?.drain && this.shutdownStep === 'drain') {
        this.deps.logger.warn('shutdown: second request, skipping the drain');
        this.shutdownState = { drain: false, drainTimeMs: 0 };
        for (const s of this.services.values()) this.evaluate(s);
      }
      return this.shutdownPromise;
    }
    this.shutdownPromise = this.runShutdown();
    return this.shutdownPromise;
  }

  private async runShutdown(): Promise<boolean> {
    const cfg = this.config.shutdown;
    const deadline = this.deps.clock.now() + cfg.timeoutMs;
    const hadAnnouncements = this.requested.size > 0;
    this.shutdownState = { drain: cfg.drain, drainTimeMs: cfg.drainTimeMs };
    this.deps.clock.clearTimeout(this.maintTimer);
    this.step('drain');
    for (const s of this.services.values()) this.evaluate(s);
    const anyDraining = () => [...this.services.values()].some((s) => s.fsm.phase === 'draining');
    const drained = anyDraining() ? new Promise<void>((resolve) => { this.drainedWaiter = resolve; }) : Promise.resolve();
    if ((await this.beforeDeadline(drained, deadline)) === 'late') {
      this.deps.logger.error('shutdown: drain did not finish before shutdown.timeout; withdrawing now');
      this.shutdownState = { drain: false, drainTimeMs: 0 };
      for (const s of this.services.values()) this.evaluate(s);
    }
    for (const s of this.services.values()) s.stop();
    this.step('withdraw');
    this.reconcile(); // hand over the empty set now (or find it already handed over)
    let withdrawn = false;
    for (let attempt = 0; !withdrawn && this.deps.clock.now() < deadline; attempt++) {
      try {
        const applied = attempt === 0 ? this.lastApply : this.backend.apply(new Map());
        if ((await this.beforeDeadline(applied, deadline)) === 'late') break;
        withdrawn = true;
      } catch (e) {
        this.deps.logger.error('shutdown: withdrawal not confirmed; retrying', { error: errorMessage(e) });
        await this.sleep(Math.min(1000, Math.max(0, deadline - this.deps.clock.now())));
        if (this.deps.clock.now() >= deadline) break;
      }
    }
    if (withdrawn) {
      this.confirmed = new Map();
      this.step('withdrawn');
    } else {
      this.deps.logger.error('shutdown: the backend did not confirm the withdrawal before shutdown.timeout');
    }
    if (hadAnnouncements && cfg.lingerMs > 0) {
      this.step('linger');
      await this.sleep(cfg.lingerMs);
    }
    if (this.deps.responders && this.deps.responders.count > 0) {
      this.step('responders');
      await this.deps.responders.stopAll();
    }
    this.step('addresses');
    await this.removeAddresses([...this.managedAddresses]);
    this.step('close');
    try {
      await this.backend.close();
    } catch (e) {
      this.deps.logger.error('shutdown: closing the backend failed', { error: errorMessage(e) });
    }
    this.step('done');
    return withdrawn;
  }
}
