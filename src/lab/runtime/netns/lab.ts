// The netns runtime: a lab of network namespaces with real daemons and real packets, created by `up` and
// operated from any later process through its recorded state (attach). Sites run the service process
// (service/main.ts) and a BGP speaker that originates the anycast prefixes; clients run probers during
// experiments. Every process is recorded in a registry file in the lab's directory before anything else
// happens to it, so `down` (or a crash followed by `down`) leaves nothing behind.
//
// Who withdraws a failed site: until sites run the anycast agent, the lab itself — `siteFail` kills the
// service, then withdraws the prefixes through the site's speaker, and says so (announcer 'lab'). With the
// agent, `siteFail` only kills the service and the agent's health checks do the rest (announcer 'agent').

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Daemon, RouteEntry } from '../../../daemons/index.js';
import { detectCapabilities, hasProgram, requireNetns } from '../../../netns/capabilities.js';
import { ipBatch, runCommand } from '../../../netns/run.js';
import { ResourceRegistry } from '../../../netns/registry.js';
import { readIdentity, signal, terminate } from '../../../netns/proc.js';
import { nsSpawn } from '../../../netns/spawn.js';
import { createTopology } from '../../../netns/topology.js';
import { AnycastError, UsageError } from '../../../util/errors.js';
import { buildModel, namespaceTopology, nodeOf, type LabModel } from '../../model.js';
import { siteRoutes } from '../../policy.js';
import type { ProbeJob } from '../../probe/jobs.js';
import type { ServiceStats } from '../../service/service.js';
import {
  labDir, LabExistsError, readLab, recordedProcesses, registryPath, resolveLabName, updateLab, writeLab,
  type LabState,
} from '../../state.js';
import type { Topology } from '../../topology/types.js';
import { pool, since, sleep } from '../../util.js';
import type { LabRuntime, PathQuery, PathResult, ProbeRun } from '../types.js';
import { bestRoutesOf, reducedModel, waitConverged, type ConvergenceReport, type SpeakerHandle } from './converge.js';
import { netemPlan } from './netem.js';
import { walkPaths } from './paths.js';
import { labDown, type DownReport } from './down.js';
import { startProbes } from './probes.js';
import { addressMap, traceOne } from './traceroute.js';
import { createSpeaker, requireSpeaker } from './speakers.js';
import { HostedSpeakerDaemon } from '../../host/daemon.js';
import { defaultRouterRunner, RouterHostLink, type RouterRunner } from '../../host/link.js';
import { birdCommand } from './birdctl.js';
import { siteAgentPaths, writeSiteAgentFiles } from './site-agent.js';
import { AgentSiteDaemon } from './agent-site.js';

const SERVICE_MAIN = fileURLToPath(new URL('../../service/main.js', import.meta.url));
const CLI_MAIN = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>, alive: () => void): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    alive();
    if (await probe()) return;
    if (Date.now() > until) throw new AnycastError('ERR_LAB_START', `${what} did not become ready within ${timeoutMs / 1000} s`);
    await sleep(25);
  }
}

export interface UpOptions {
  /** Lab name (default: the topology's name). */
  name?: string;
  /** Namespace prefix (default: the topology's prefix, else its name). */
  prefix?: string;
  /** Leave the lab running when this process exits (`lab up`); otherwise it is torn down at exit (`demo`). */
  keep: boolean;
  timeoutMs?: number;
  /** Daemons started at once. */
  startWidth?: number;
  progress?: (msg: string) => void;
  /** Our speakers in one router host process (`host`, the default; ANYCAST_LAB_ROUTERS=process changes it) or one process each. */
  routers?: RouterRunner;
}

export interface UpTimings {
  namespacesMs: number;
  globalBatchMs: number;
  perNamespaceMs: number;
  speakersMs: number;
  servicesMs: number;
  convergeMs: number;
  totalMs: number;
}

export interface UpReport {
  name: string;
  prefix: string;
  namespaces: number;
  links: number;
  speakers: number;
  sessions: number;
  timings: UpTimings;
  notes: string[];
  convergence: ConvergenceReport;
}

export { labDown, type DownReport };

export class NetnsLab implements LabRuntime {
  readonly kind = 'netns' as const;
  private probeRegistry?: ResourceRegistry;
  private daemons = new Map<string, Daemon>();
  private hostLink?: RouterHostLink;
  private runs = 0;
  private addrs?: Map<string, string>;

  private constructor(private st: LabState) {}

  get state(): Readonly<LabState> {
    return this.st;
  }
  get model(): LabModel {
    return this.st.model;
  }
  get notes(): string[] {
    return this.st.notes;
  }
  get delaysApplied(): boolean {
    return this.st.netem;
  }
  get announcer(): 'lab' | 'agent' {
    return this.st.announcer;
  }
  get dir(): string {
    return labDir(this.st.name);
  }

  /** Attaches to a running lab from its recorded state. */
  static attach(name?: string): NetnsLab {
    return new NetnsLab(readLab(resolveLabName(name)));
  }

  /** Creates the lab: namespaces and links, speakers, services; waits for convergence. */
  static async up(t: Topology, opts: UpOptions): Promise<{ lab: NetnsLab; report: UpReport }> {
    const T0 = performance.now();
    const say = opts.progress ?? (() => undefined);
    const name = opts.name ?? t.name;
    const model = buildModel(t, opts.prefix);
    // Everything that can be refused is refused before anything exists.
    const caps = await requireNetns();
    for (const n of model.nodes) if (n.implementation) requireSpeaker(n.implementation);
    const dir = labDir(name);
    if (existsSync(join(dir, 'lab.json'))) throw new LabExistsError(name, dir);
    const notes: string[] = [];
    if (!caps.netem) {
      notes.push('netem is not available in this kernel: link delays are not applied to packets; reports show modeled latency (the sum of the link delays along the path the packets took) beside the measured RTT');
    }
    // Sites run the anycast agent where it drives their announcement: its embedded speaker (`anycast`, the
    // default) or BIRD through its include file (`bird`); otherwise the lab itself withdraws a failed site.
    const announcer: 'lab' | 'agent' = t.sites.every((s) => s.implementation === 'anycast' || s.implementation === 'bird') ? 'agent' : 'lab';
    if (announcer === 'agent') {
      const c = t.sites[0]?.check;
      const backends = [...new Set(t.sites.map((s) => (s.implementation === 'bird' ? 'BIRD backend' : 'embedded BGP speaker')))].join(' or ');
      notes.push(`every site runs the anycast agent (${backends}): a DNS hostname.bind check${c ? ` every ${c.intervalMs} ms (fall ${c.fall}, rise ${c.rise})` : ''} drives the announcement; \`site fail\` only kills the service and the agent withdraws`);
    } else {
      notes.push('sites announce through their BGP speaker; on `site fail` the lab kills the service and withdraws the prefixes itself (the agent drives only BIRD sites, and not every site here runs BIRD)');
    }
    const me = readIdentity(process.pid);
    const st: LabState = {
      version: 1, name, prefix: model.prefix, runtime: 'netns', created: new Date().toISOString(),
      owner: { pid: process.pid, startTime: me?.startTime ?? 0 }, status: 'starting', topologyFile: t.file, model,
      announcer, netem: caps.netem, notes, dirs: {}, linksDown: [], nodesStopped: [], routers: opts.routers ?? defaultRouterRunner(),
      sites: Object.fromEntries(t.sites.map((s) => [s.name, { announced: s.announce, service: 'up' as const }])),
    };
    for (const n of model.nodes) if (n.kind !== 'client') st.dirs[n.name] = join(dir, 'nodes', n.name);
    mkdirSync(dir, { recursive: true });
    writeLab(st);
    const registry = new ResourceRegistry({ stateFile: registryPath(name, 'up'), label: `lab-${name}`, exitHooks: true });
    const lab = new NetnsLab(st);
    try {
      say(`creating ${model.nodes.length} namespaces and ${model.links.length} links`);
      const t1 = performance.now();
      const topo = await createTopology(namespaceTopology(model), registry);
      const namespacesMs = since(t1);
      if (caps.netem) {
        await Promise.all([...netemPlan(model)].map(([ns, lines]) => runCommand(['tc', '-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n' })));
      }
      const speakers = model.nodes.filter((n) => n.implementation);
      say(`starting ${speakers.length} BGP speakers (${[...new Set(speakers.map((n) => n.implementation))].join(', ')}) and ${t.sites.length} site services`);
      // The site services (Node.js processes, slow to start) start while the daemons do.
      const t2 = performance.now();
      for (const n of speakers) mkdirSync(st.dirs[n.name]!, { recursive: true });
      const services = Promise.all(t.sites.map((s) => lab.startService(s.name, registry, opts.keep))).then(() => since(t2));
      const started = pool(speakers, opts.startWidth ?? 16, (n) => lab.startSpeaker(n.name, registry, opts.keep)).then(() => since(t2));
      const [speakersMs, servicesMs] = await Promise.all([started, services]);
      say('waiting for BGP to converge');
      const t4 = performance.now();
      const convergence = await lab.waitConverged({ timeoutMs: opts.timeoutMs ?? 120_000 });
      const convergeMs = since(t4);
      const timings: UpTimings = {
        namespacesMs, globalBatchMs: topo.globalMs, perNamespaceMs: topo.perNsMs, speakersMs, servicesMs, convergeMs, totalMs: since(T0),
      };
      lab.st = updateLab(name, (s) => {
        s.status = 'up';
        s.timings = { ...timings };
      });
      if (opts.keep) registry.detach();
      return {
        lab,
        report: { name, prefix: model.prefix, namespaces: model.nodes.length, links: model.links.length, speakers: speakers.length,
          sessions: convergence.sessions, timings, notes, convergence },
      };
    } catch (e) {
      // A half-built lab is no use: take it down now, and keep the reason.
      try {
        updateLab(name, (s) => {
          s.status = 'failed';
          s.error = (e as Error).message;
        });
      } catch {
        /* state unreadable: cleanup below still runs */
      }
      await lab.down();
      throw e;
    }
  }

  /** The speaker runner of a node (not started): for queries, or to start it. */
  daemon(node: string, registry?: ResourceRegistry, unref = true): Daemon {
    const cached = this.daemons.get(node);
    if (cached && !registry) return cached;
    const n = nodeOf(this.model, node);
    if (!n?.implementation) throw new UsageError(`"${node}" is not a router or a site`);
    let spec = this.model.speakers[node]!;
    if (n.kind === 'site') spec = { ...spec, originate: this.st.sites[node]!.announced ? siteRoutes(this.model.topology, node) : [] };
    const ctx = { ns: n.ns, dir: this.st.dirs[node]!, ...(registry ? { registry } : {}), unref };
    const host = this.st.routers === 'host' ? (this.hostLink ??= new RouterHostLink(labDir(this.st.name))) : undefined;
    const d = n.kind === 'site' && n.implementation === 'anycast' && this.announcer === 'agent'
      ? new AgentSiteDaemon(node, spec, ctx, this.model, () => this.st.sites[node]!.announced)
      : createSpeaker(n.implementation, spec, ctx, host);
    this.daemons.set(node, d);
    return d;
  }

  /** Starts a node's speaker: its daemon, or for a site with the agent, BIRD and the agent. */
  async startSpeaker(node: string, registry: ResourceRegistry, unref: boolean): Promise<number[]> {
    const n = nodeOf(this.model, node)!;
    if (n.kind !== 'site' || this.announcer !== 'agent' || n.implementation === 'anycast') {
      const d = this.daemon(node, registry, unref);
      await d.start({ timeoutMs: 30_000 });
      return d.pids();
    }
    const p = siteAgentPaths(this.st.dirs[node]!);
    writeSiteAgentFiles(this.model, node, this.model.speakers[node]!, p, this.st.sites[node]!.announced);
    rmSync(p.birdSocket, { force: true });
    rmSync(p.agentSocket, { force: true });
    const bird = nsSpawn(n.ns, ['bird', '-f', '-c', p.birdConf, '-s', p.birdSocket, '-P', join(p.dir, 'bird.pid')], registry,
      { logFile: join(p.dir, 'bird.stderr'), name: `bird(${node})`, unref });
    await waitFor(`BIRD of site ${node}`, 15_000, () => birdCommand(p.birdSocket, 'show status', 1000).then(() => true, () => false), () => bird.assertRunning());
    const agent = nsSpawn(n.ns, [process.execPath, CLI_MAIN, 'agent', '--config', p.agentConf], registry,
      { logFile: join(p.dir, 'agent.log'), name: `agent(${node})`, unref });
    await waitFor(`the agent of site ${node}`, 15_000, async () => existsSync(p.agentSocket), () => agent.assertRunning());
    return [bird.pid, agent.pid];
  }

  speakerHandles(): SpeakerHandle[] {
    return this.model.nodes.filter((n) => n.implementation && !this.st.nodesStopped.includes(n.name)).map((n) => ({
      node: n.name, daemon: this.daemon(n.name),
      ...(n.implementation === 'bird' ? { birdSocket: join(this.st.dirs[n.name]!, 'bird.ctl') } : {}),
    }));
  }

  /** Sites whose prefixes are (or, with the agent, are about to be) announced: intended, and service up for the agent. */
  announcing(): string[] {
    return Object.entries(this.st.sites).filter(([, s]) => s.announced && (this.announcer === 'lab' || s.service === 'up')).map(([n]) => n).sort();
  }

  routingModel(): LabModel {
    return reducedModel(this.model, this.st.linksDown, this.st.nodesStopped);
  }

  async waitConverged(opts: { timeoutMs?: number } = {}): Promise<ConvergenceReport> {
    const m = this.routingModel();
    const debug = process.env.ANYCAST_LAB_DEBUG ? (n: number, s: string) => process.stderr.write(`converge: ${n} pending ${s}\n`) : undefined;
    const originateOnly = new Set(this.announcer === 'agent' ? m.nodes.filter((n) => n.kind === 'site' && n.implementation === 'anycast').map((n) => n.name) : []);
    return waitConverged(m, this.speakerHandles(), this.announcing(), { timeoutMs: opts.timeoutMs ?? 60_000, originateOnly, ...(debug ? { onRound: debug } : {}) });
  }

  private statsFile(site: string): string {
    return join(this.st.dirs[site]!, 'stats.json');
  }

  private async startService(site: string, registry: ResourceRegistry, unref: boolean): Promise<void> {
    const s = this.model.topology.sites.find((x) => x.name === site)!;
    const n = nodeOf(this.model, site)!;
    const stats = this.statsFile(site);
    rmSync(stats, { force: true });
    const argv = [process.execPath, SERVICE_MAIN, '--site', site, '--lab', this.st.name, '--address', s.service.ipv4, '--address', s.service.ipv6,
      '--dns-port', '53', '--http-port', s.services.includes('http') ? '80' : '0', '--stats', stats,
      ...(s.city ? ['--city', s.city] : []), ...(s.capacityQps ? ['--capacity', String(s.capacityQps)] : [])];
    const p = nsSpawn(n.ns, argv, registry, { logFile: join(this.st.dirs[site]!, 'service.log'), name: `service(${site})`, unref });
    const until = Date.now() + 15_000;
    while (!existsSync(stats)) {
      p.assertRunning();
      if (Date.now() > until) throw new AnycastError('ERR_LAB_SERVICE', `the service of site ${site} did not start within 15 s: ${p.logTail(5)}`);
      await sleep(25);
    }
  }

  /** A registry for processes started by this (short-lived) process that must outlive it. */
  private detachedRegistry(label: string): ResourceRegistry {
    return new ResourceRegistry({ stateFile: registryPath(this.st.name, label), label: `lab-${this.st.name}`, exitHooks: false });
  }

  private processesOf(node: string, pred: (name: string) => boolean) {
    const ns = nodeOf(this.model, node)!.ns;
    return recordedProcesses(this.st.name).filter((p) => p.alive && p.ns === ns && pred(p.name ?? ''));
  }

  private isService = (name: string) => name.startsWith('service(');
  /** A node's speaker processes: its daemon (and, at a site, the agent); not its service, probers or captures. */
  private isSpeaker = (name: string) => !name.startsWith('service(') && !name.startsWith('probe(') && !name.startsWith('tcpdump(');

  async siteFail(site: string): Promise<{ killedAt: number; withdrawnAt: number | null }> {
    this.requireSite(site);
    const victims = this.processesOf(site, this.isService);
    const killedAt = performance.timeOrigin + performance.now();
    for (const p of victims) signal(p.pid, 'SIGKILL');
    const wasAnnounced = this.st.sites[site]!.announced;
    let withdrawnAt: number | null = null;
    if (this.announcer === 'lab' && wasAnnounced) {
      await this.siteWithdraw(site, true);
      withdrawnAt = performance.timeOrigin + performance.now();
    }
    this.st = updateLab(this.st.name, (s) => {
      s.sites[site]!.service = 'failed';
    });
    return { killedAt, withdrawnAt };
  }

  async siteRestore(site: string): Promise<void> {
    this.requireSite(site);
    if (this.st.sites[site]!.service === 'up' && this.processesOf(site, this.isService).length > 0) return;
    const reg = this.detachedRegistry(`site-${site}`);
    await this.startService(site, reg, true);
    reg.detach();
    this.st = updateLab(this.st.name, (s) => {
      s.sites[site]!.service = 'up';
    });
    if (this.announcer === 'lab' && this.st.sites[site]!.heldByFailure) await this.siteAnnounce(site);
  }

  async siteAnnounce(site: string): Promise<void> {
    this.requireSite(site);
    if (this.announcer === 'agent') rmSync(siteAgentPaths(this.st.dirs[site]!).maintenance, { force: true });
    else await this.daemon(site).announceMany(siteRoutes(this.model.topology, site));
    this.st = updateLab(this.st.name, (s) => {
      s.sites[site]!.announced = true;
      delete s.sites[site]!.heldByFailure;
    });
  }

  async siteWithdraw(site: string, byFailure = false): Promise<void> {
    this.requireSite(site);
    if (this.announcer === 'agent') writeFileSync(siteAgentPaths(this.st.dirs[site]!).maintenance, 'withdrawn by anycast lab\n');
    else await this.daemon(site).withdrawMany(siteRoutes(this.model.topology, site).map((r) => r.prefix));
    this.st = updateLab(this.st.name, (s) => {
      s.sites[site]!.announced = false;
      if (byFailure) s.sites[site]!.heldByFailure = true;
    });
  }

  private requireSite(site: string): void {
    if (!this.st.sites[site]) throw new UsageError(`"${site}" is not a site of lab ${this.st.name} (sites: ${Object.keys(this.st.sites).join(', ')})`);
  }

  private findLink(a: string, b: string) {
    const l = this.model.links.find((x) => (x.a === a && x.b === b) || (x.a === b && x.b === a));
    if (!l) throw new UsageError(`there is no link between "${a}" and "${b}" in lab ${this.st.name}`);
    return l;
  }

  async linkSet(a: string, b: string, up: boolean): Promise<void> {
    const l = this.findLink(a, b);
    const na = nodeOf(this.model, l.a)!;
    const nb = nodeOf(this.model, l.b)!;
    // Both ends, so that both speakers see the carrier go (a veth's peer only sees NO-CARRIER otherwise).
    // Back up, the addresses are put again (replace: a no-op where the kernel kept them).
    const lines = (me: string, addrs: string[]) => [`link set dev ${me} ${up ? 'up' : 'down'}`,
      ...(up ? addrs.map((a) => `address replace ${a} dev ${me}${a.includes(':') ? ' nodad' : ''}`) : [])];
    await Promise.all([ipBatch(lines(l.b, [l.a4, l.a6]), na.ns), ipBatch(lines(l.a, [l.b4, l.b6]), nb.ns)]);
    this.st = updateLab(this.st.name, (s) => {
      s.linksDown = up ? s.linksDown.filter((i) => i !== l.index) : [...new Set([...s.linksDown, l.index])];
    });
  }

  /** stop | start | freeze | thaw of a node's BGP speaker. */
  async nodeAction(node: string, action: 'stop' | 'start' | 'freeze' | 'thaw'): Promise<number[]> {
    const n = nodeOf(this.model, node);
    if (!n) throw new UsageError(`"${node}" is not a node of lab ${this.st.name}`);
    if (!n.implementation) throw new UsageError(`"${node}" is a client: it runs no speaker (use \`lab exec\` for its processes)`);
    const hosted = n.kind !== 'site' || this.st.announcer !== 'agent' ? this.daemon(node) : null;
    if (hosted instanceof HostedSpeakerDaemon) return this.hostedAction(node, hosted, action);
    const procs = this.processesOf(node, this.isSpeaker);
    switch (action) {
      case 'freeze':
      case 'thaw':
        for (const p of procs) signal(p.pid, action === 'freeze' ? 'SIGSTOP' : 'SIGCONT');
        return procs.map((p) => p.pid);
      case 'stop':
        await Promise.all(procs.map((p) => terminate(p.pid, 3000)));
        this.st = updateLab(this.st.name, (s) => {
          s.nodesStopped = [...new Set([...s.nodesStopped, node])];
        });
        return procs.map((p) => p.pid);
      case 'start': {
        if (procs.length > 0) throw new UsageError(`the speaker of "${node}" is running (pids ${procs.map((p) => p.pid).join(', ')})`);
        const reg = this.detachedRegistry(`node-${node}`);
        const pids = await this.startSpeaker(node, reg, true);
        reg.detach();
        this.st = updateLab(this.st.name, (s) => {
          s.nodesStopped = s.nodesStopped.filter((x) => x !== node);
        });
        return pids;
      }
    }
  }

  /**
   * nodeAction for a router in the router host: the host stops, starts, freezes or thaws that router alone
   * (freeze holds its timers and socket reads: src/lab/host/freeze.ts); returns the host's PID.
   */
  private async hostedAction(node: string, d: HostedSpeakerDaemon, action: 'stop' | 'start' | 'freeze' | 'thaw'): Promise<number[]> {
    const st = await d.hostStatus();
    const running = st !== null && (st.state === 'running' || st.state === 'frozen' || st.state === 'starting');
    switch (action) {
      case 'freeze':
      case 'thaw':
        if (!running) throw new UsageError(`the speaker of "${node}" is not running`);
        await (action === 'freeze' ? d.freezeNow() : d.thawNow());
        return d.pids();
      case 'stop':
        if (running) await d.stop();
        this.st = updateLab(this.st.name, (s) => {
          s.nodesStopped = [...new Set([...s.nodesStopped, node])];
        });
        return d.pids();
      case 'start': {
        if (running) throw new UsageError(`the speaker of "${node}" is running (in the router host, pid ${d.pids().join(', ')})`);
        // The host normally runs already; if it does not (it crashed), a new one starts and outlives this command.
        const reg = this.detachedRegistry(`node-${node}`);
        const fresh = this.daemon(node, reg, true);
        await fresh.start({ timeoutMs: 30_000 });
        reg.detach();
        this.st = updateLab(this.st.name, (s) => {
          s.nodesStopped = s.nodesStopped.filter((x) => x !== node);
        });
        return fresh.pids();
      }
    }
  }

  async bestRoute(router: string, prefix: string): Promise<RouteEntry | null> {
    const h = this.speakerHandles().find((x) => x.node === router);
    if (!h) return null;
    return (await bestRoutesOf(h)).find((r) => r.prefix === prefix && r.best) ?? null;
  }

  /** Measured with traceroute where it is installed and every hop answers; read from the FIBs otherwise. */
  async paths(queries: PathQuery[]): Promise<PathResult[]> {
    const traced: Array<PathResult | null> = hasProgram('traceroute')
      ? await pool(queries, 12, (q) => traceOne(this.model, this.addrs ??= addressMap(this.model), q))
      : queries.map(() => null);
    const missing = queries.filter((_, i) => !traced[i]);
    const walked = missing.length ? await walkPaths(this.model, missing) : [];
    return traced.map((t, i) => t ?? walked[missing.indexOf(queries[i]!)]!);
  }

  async siteStats(sites: string[]): Promise<Map<string, ServiceStats | null>> {
    const out = new Map<string, ServiceStats | null>();
    for (const s of sites) {
      try {
        const st = JSON.parse(readFileSync(this.statsFile(s), 'utf8')) as ServiceStats;
        // A stats file not refreshed for a second belongs to a dead (or frozen) service.
        out.set(s, Date.now() - st.at < 1000 ? st : null);
      } catch {
        out.set(s, null);
      }
    }
    return out;
  }

  async probe(clients: string[], job: ProbeJob): Promise<ProbeRun> {
    this.probeRegistry ??= new ResourceRegistry({ stateFile: registryPath(this.st.name, 'probe'), label: `lab-${this.st.name}`, exitHooks: true });
    return startProbes(this.model, join(this.dir, 'probes'), this.probeRegistry, clients, job, ++this.runs);
  }

  /** Tears the lab down: every recorded process, every namespace, the lab's directory. */
  async down(): Promise<DownReport> {
    return labDown(this.st.name);
  }
}

/** Capabilities note shown once by commands that print results. */
export async function netemNote(): Promise<string | null> {
  const caps = await detectCapabilities();
  return caps.netem ? null : 'netem unavailable: delays are modeled, not applied';
}
