// The in-process runtime (`--runtime inproc`, no root): the same topology in one process — this project's
// speaker on every router and site over in-memory transports (control.ts), forwarding by FIB lookups hop by hop
// (dataplane.ts), the sites' DNS responder engines answering real queries (probes.ts) — behind the same
// LabRuntime interface as the netns runtime, so every experiment runs unchanged. Every report says IN-PROCESS;
// latencies are the modeled ones (link delays), since nothing else takes time here. The lab itself withdraws a
// failed site (no agent runs in process).

import type { RouteEntry } from '../../../daemons/types.js';
import { createResponder, zoneFromText, type Responder } from '../../../dns/index.js';
import { clientAddress } from '../../experiments/common.js';
import { buildModel, type LabModel } from '../../model.js';
import { siteRoutes } from '../../policy.js';
import { networkOf } from '../../speaker/config.js';
import { SiteCounters } from '../../service/counters.js';
import { siteZone, type ServiceStats } from '../../service/service.js';
import type { Topology } from '../../topology/types.js';
import { since } from '../../util.js';
import { UsageError } from '../../../util/errors.js';
import { reducedModel, waitConverged, type ConvergenceReport } from '../netns/converge.js';
import type { DownReport, UpReport } from '../netns/lab.js';
import type { LabRuntime, PathQuery, PathResult, ProbeRun } from '../types.js';
import type { ProbeJob } from '../../probe/jobs.js';
import { ControlPlane, loadSpeakerModules } from './control.js';
import { DataPlane } from './dataplane.js';
import { askIdentity, runInprocProbes } from './probes.js';

interface SiteRuntime {
  announced: boolean;
  service: 'up' | 'failed';
  heldByFailure: boolean;
  responder: Responder;
  counters: SiteCounters;
  startedAt: number;
}

export const INPROC_NOTE = 'IN-PROCESS: one process, this project\'s speakers over in-memory transports, forwarding by FIB lookups hop by hop; ' +
  'RTTs are modeled (the link delays along the paths), and the lab withdraws a failed site itself (no agent runs in process)';

export class InprocLab implements LabRuntime {
  readonly kind = 'inproc' as const;
  readonly delaysApplied = false;
  readonly announcer = 'lab' as const;
  readonly notes = [INPROC_NOTE];
  private linksDown: number[] = [];
  private readonly sites = new Map<string, SiteRuntime>();

  private constructor(readonly model: LabModel, private readonly dp: DataPlane, private readonly cp: ControlPlane) {
    for (const s of model.topology.sites) {
      const zone = zoneFromText(siteZone(model.name, s.name), `${s.name}.zone`).zone;
      this.sites.set(s.name, {
        announced: s.announce, service: 'up', heldByFailure: false, startedAt: Date.now(), counters: new SiteCounters(s.capacityQps),
        responder: createResponder({ zones: [zone], identity: { hostname: s.name, id: s.name, version: 'anycast lab', nsid: Buffer.from(s.name) } }),
      });
    }
  }

  static async up(t: Topology, opts: { progress?: (m: string) => void; timeoutMs?: number } = {}): Promise<{ lab: InprocLab; report: UpReport }> {
    const T0 = performance.now();
    const say = opts.progress ?? (() => undefined);
    const mods = await loadSpeakerModules();
    const model = buildModel(t);
    const dp = new DataPlane(model);
    const cp = new ControlPlane(model, dp, mods);
    const lab = new InprocLab(model, dp, cp);
    const n = model.nodes.filter((x) => x.implementation).length;
    say(`starting ${n} BGP speakers in this process`);
    const t1 = performance.now();
    try {
      await cp.start();
      const speakersMs = since(t1);
      say('waiting for BGP to converge');
      const t2 = performance.now();
      const convergence = await lab.waitConverged({ timeoutMs: opts.timeoutMs ?? 120_000 });
      const report: UpReport = {
        name: model.name, prefix: '(in-process)', namespaces: model.nodes.length, links: model.links.length, speakers: n, sessions: convergence.sessions,
        timings: { namespacesMs: 0, globalBatchMs: 0, perNamespaceMs: 0, speakersMs, servicesMs: 0, convergeMs: since(t2), totalMs: since(T0) },
        notes: lab.notes, convergence,
      };
      return { lab, report };
    } catch (e) {
      await cp.stop();
      throw e;
    }
  }

  announcing(): string[] {
    return [...this.sites].filter(([, s]) => s.announced).map(([k]) => k).sort();
  }

  routingModel(): LabModel {
    return reducedModel(this.model, this.linksDown, []);
  }

  async waitConverged(opts: { timeoutMs?: number } = {}): Promise<ConvergenceReport> {
    const handles = [...this.cp.speakers.values()].map((s) => ({ node: s.node, daemon: s }));
    return waitConverged(this.routingModel(), handles, this.announcing(), { timeoutMs: opts.timeoutMs ?? 60_000 });
  }

  /** One DNS query from a client to a target address: forwarded there, answered, forwarded back. */
  private exchange = (client: string, target: string, count: boolean): { site: string | null; rttMs: number | null } => {
    const fam = target.includes(':') ? 'ipv6' : 'ipv4';
    const src = clientAddress(this.model, client, fam);
    const f = this.dp.forward(client, target);
    const site = f.reached ? this.sites.get(f.reached) : undefined;
    if (!site || site.service !== 'up' || !f.reached) return { site: null, rttMs: null };
    if (count && !site.counters.admit(src)) return { site: null, rttMs: null };
    const name = askIdentity((q) => site.responder.handle(q, { address: src, transport: 'udp' }));
    const b = this.dp.forward(f.reached, src);
    if (b.reached !== client || name === null) return { site: null, rttMs: null };
    if (count) site.counters.answered(src);
    return { site: name, rttMs: f.delayMs + b.delayMs };
  };

  async probe(clients: string[], job: ProbeJob): Promise<ProbeRun> {
    for (const c of clients) if (this.model.nodes.find((n) => n.name === c)?.kind !== 'client') throw new UsageError(`"${c}" is not a client`);
    return runInprocProbes(clients, job, this.exchange);
  }

  async paths(queries: PathQuery[]): Promise<PathResult[]> {
    return queries.map((q) => {
      const d = this.dp.forward(q.from, q.dst);
      return { query: q, hops: d.hops, reached: d.reached, delayMs: Math.round(d.delayMs * 100) / 100, method: 'fib' as const, ...(d.error ? { error: d.error } : {}) };
    });
  }

  async bestRoute(router: string, prefix: string): Promise<RouteEntry | null> {
    const s = this.cp.speakers.get(router);
    if (!s) return null;
    return (await s.routes()).find((r) => r.prefix === prefix && r.best) ?? null;
  }

  async siteStats(sites: string[]): Promise<Map<string, ServiceStats | null>> {
    return new Map(sites.map((name) => {
      const s = this.sites.get(name);
      if (!s || s.service !== 'up') return [name, null];
      return [name, { site: name, pid: process.pid, startedAt: s.startedAt, at: Date.now(), udp: { ...s.counters.udp }, tcpQueries: 0, http: 0,
        bySource: JSON.parse(JSON.stringify(s.counters.bySource)) as ServiceStats['bySource'] }];
    }));
  }

  private site(name: string): SiteRuntime {
    const s = this.sites.get(name);
    if (!s) throw new UsageError(`"${name}" is not a site (sites: ${[...this.sites.keys()].join(', ')})`);
    return s;
  }

  async siteFail(name: string): Promise<{ killedAt: number; withdrawnAt: number | null }> {
    const s = this.site(name);
    const killedAt = performance.timeOrigin + performance.now();
    s.service = 'failed';
    if (!s.announced) return { killedAt, withdrawnAt: null };
    await this.siteWithdraw(name);
    s.heldByFailure = true;
    return { killedAt, withdrawnAt: performance.timeOrigin + performance.now() };
  }

  async siteRestore(name: string): Promise<void> {
    const s = this.site(name);
    s.service = 'up';
    s.startedAt = Date.now();
    if (s.heldByFailure) await this.siteAnnounce(name);
  }

  async siteAnnounce(name: string): Promise<void> {
    const s = this.site(name);
    this.cp.announce(name, siteRoutes(this.model.topology, name).map(networkOf));
    s.announced = true;
    s.heldByFailure = false;
  }

  async siteWithdraw(name: string): Promise<void> {
    const s = this.site(name);
    this.cp.withdraw(name, siteRoutes(this.model.topology, name).map((r) => r.prefix));
    s.announced = false;
  }

  async linkSet(a: string, b: string, up: boolean): Promise<void> {
    const l = this.model.links.find((x) => (x.a === a && x.b === b) || (x.a === b && x.b === a));
    if (!l) throw new UsageError(`there is no link between "${a}" and "${b}"`);
    this.dp.setLink(l.index, up);
    this.linksDown = up ? this.linksDown.filter((i) => i !== l.index) : [...new Set([...this.linksDown, l.index])];
    if (!up) this.cp.linkDown();
  }

  async down(): Promise<DownReport> {
    const t0 = performance.now();
    await this.cp.stop();
    return { name: this.model.name, killed: 0, namespacesDeleted: 0, errors: [], ms: since(t0) };
  }
}

/** Opens an in-process lab on a topology. */
export async function openInprocLab(t: Topology, progress?: (m: string) => void): Promise<InprocLab> {
  return (await InprocLab.up(t, { ...(progress ? { progress } : {}) })).lab;
}

