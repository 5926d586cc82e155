// A site whose BGP sessions are held by the anycast agent's embedded speaker (`implementation: anycast` on a
// site, the default): `anycast agent --config agent.yaml` in the site's namespace, no other daemon. Behind the
// Daemon interface for the lab's queries — sessions from the agent's status (its backend's per-peer view) and,
// as "routes", the prefixes the site's speaker originates and sends (its peers' Adj-RIB-Out): the speaker is
// originate-only and holds no learned route. Announcing and withdrawing are the agent's (health checks, the
// maintenance file): the lab does not originate through this runner.

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaemonBase, type DaemonContext } from '../../../daemons/base.js';
import { resolveRouter } from '../../../daemons/spec.js';
import type { DaemonKind, Family, NeighborStatus, OriginatedRoute, RouteEntry, RouterSpec, SessionState } from '../../../daemons/types.js';
import { AnycastError } from '../../../util/errors.js';
import type { LabModel } from '../../model.js';
import { speakerApi } from '../../speaker/runner.js';
import { siteAgentPaths, writeSiteAgentFiles, type SiteAgentPaths } from './site-agent.js';

const CLI_MAIN = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));

interface AgentStatusJson {
  backend: { peers: Array<{ name: string; state: string; exported: string[] | null }> };
}

const STATES: Record<string, SessionState> = {
  Idle: 'idle', Connect: 'connect', Active: 'active', OpenSent: 'opensent', OpenConfirm: 'openconfirm', Established: 'established',
};

export class AgentSiteDaemon extends DaemonBase {
  readonly kind = 'anycast' as unknown as DaemonKind;
  readonly paths: SiteAgentPaths;

  constructor(private readonly site: string, spec: RouterSpec, ctx: DaemonContext, private readonly model: LabModel, private readonly announced: () => boolean) {
    super(spec, ctx);
    this.paths = siteAgentPaths(this.dir);
  }

  private status(timeoutMs = 5000): Promise<AgentStatusJson> {
    return speakerApi(this.paths.agentSocket, 'GET', '/v1/status', undefined, timeoutMs) as Promise<AgentStatusJson>;
  }

  async start(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.resetProcesses();
    writeSiteAgentFiles(this.model, this.site, this.spec, this.paths, this.announced(), 'speaker');
    rmSync(this.paths.agentSocket, { force: true });
    this.spawn([process.execPath, CLI_MAIN, 'agent', '--config', this.paths.agentConf], {
      logFile: join(this.dir, 'agent.log'), name: `agent(${this.site})`,
    });
    await this.waitReady(async () => {
      if (!existsSync(this.paths.agentSocket)) throw new Error('no control socket yet');
      return this.status(2000);
    }, opts.timeoutMs ?? 20_000);
  }

  async neighbors(): Promise<NeighborStatus[]> {
    const peers = (await this.status()).backend.peers;
    return resolveRouter(this.spec).neighbors.map((n) => {
      const p = peers.find((x) => x.name === n.name);
      return { name: n.name, address: n.address, remoteAs: n.remoteAs, state: STATES[p?.state ?? ''] ?? 'unknown', received: 0 };
    });
  }

  async routes(family?: Family): Promise<RouteEntry[]> {
    const sent = new Set<string>();
    for (const p of (await this.status()).backend.peers) for (const x of p.exported ?? []) sent.add(x);
    return [...sent].map((prefix): RouteEntry => ({
      prefix, family: prefix.includes(':') ? 'ipv6' : 'ipv4', best: true, nextHop: null, asPath: [], origin: 'igp', med: null,
      localPref: null, communities: [], largeCommunities: [], from: 'local',
    })).filter((r) => !family || r.family === family);
  }

  private agentDecides(): never {
    throw new AnycastError('ERR_LAB_AGENT_SITE', `site ${this.site}: its announcements are the agent's (health checks, maintenance file); use lab site ${this.site} announce|withdraw`);
  }

  async announce(_route: OriginatedRoute): Promise<void> {
    this.agentDecides();
  }

  async withdraw(_prefix: string): Promise<void> {
    this.agentDecides();
  }

  async refresh(_address: string): Promise<void> {
    /* originate-only: nothing learned to refresh */
  }
}
