// This project's BGP speaker as a lab router: `anycast speaker --config speaker.yaml` in the node's namespace,
// driven through its control API (HTTP on a unix socket, src/bgp/api) in process — neighbors, the Loc-RIB,
// route add/del, refresh — behind the same Daemon interface as the src/daemons runners, so the lab, its
// convergence check and its experiments treat it like any other implementation.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaemonBase, type DaemonContext } from '../../daemons/base.js';
import { UnknownNeighborError } from '../../daemons/errors.js';
import { answerError, controlRequest, type ControlAnswer } from '../../util/control-http.js';
import { AnycastError } from '../../util/errors.js';
import { checkRoute } from '../../daemons/spec.js';
import type { DaemonKind, Family, NeighborStatus, OriginatedRoute, RouteEntry, RouterSpec, SessionState } from '../../daemons/types.js';
import { networkOf, speakerConfig } from './config.js';

const CLI_MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
/** The speaker's command module (dist/src/cli/commands/speaker.js once built): its presence is checked before a lab starts. */
export const SPEAKER_COMMAND = fileURLToPath(new URL('../../cli/commands/speaker.js', import.meta.url));

/** One request to the speaker's control API (HTTP/1.1 on its unix socket, JSON both ways; docs of `anycast speaker`). */
export async function speakerApi(socket: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeoutMs = 10_000): Promise<unknown> {
  const what = `${socket} ${method} ${path}`;
  let a: ControlAnswer;
  try {
    a = await controlRequest({ socket }, method, path, { body, timeoutMs });
  } catch (e) {
    throw new AnycastError('ERR_SPEAKER_API', `${what}: ${(e as Error).message}`);
  }
  if (a.body === null && a.text !== '') throw new AnycastError('ERR_SPEAKER_API', `${what}: not JSON (HTTP ${a.status})`);
  const err = answerError(a);
  if (a.status >= 400) throw new AnycastError(err?.code ?? 'ERR_SPEAKER_API', `${what}: ${err?.message ?? `HTTP ${a.status}`}`);
  return a.body ?? {};
}

const STATES: Record<string, SessionState> = {
  Idle: 'idle', Connect: 'connect', Active: 'active', OpenSent: 'opensent', OpenConfirm: 'openconfirm', Established: 'established',
};

export interface NeighborsJson {
  neighbors: Array<{ name: string; address: string; remoteAs: number | null; state: string; prefixes: { accepted: number }; lastError: string | null }>;
}

export interface RibJson {
  routes: Array<{ prefix: string; paths: RibPath[] }>;
}

/** The speaker's neighbor view (API or in process) as the daemons' NeighborStatus. */
export function neighborsFromApi(r: NeighborsJson): NeighborStatus[] {
  return r.neighbors.map((n) => ({
    name: n.name, address: n.address, remoteAs: n.remoteAs, state: STATES[n.state] ?? 'unknown', received: n.prefixes.accepted,
    ...(n.lastError ? { lastError: n.lastError } : {}),
  }));
}

/** The speaker's Loc-RIB view (API or in process) as the daemons' RouteEntry list. */
export function routesFromApi(r: RibJson, family?: Family): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const e of r.routes) {
    const fam: Family = e.prefix.includes(':') ? 'ipv6' : 'ipv4';
    if (family && fam !== family) continue;
    for (const p of e.paths) {
      out.push({
        prefix: e.prefix, family: fam, best: p.best, nextHop: p.attrs.nextHop, asPath: asPathNumbers(p.attrs.asPath),
        origin: (p.attrs.origin as RouteEntry['origin']) ?? null, med: p.attrs.med, localPref: p.attrs.localPref,
        communities: p.attrs.communities ?? [], largeCommunities: p.attrs.largeCommunities ?? [],
        from: p.from === 'local' ? 'local' : p.fromAddress ?? p.from,
      });
    }
  }
  return out;
}

interface RibPath {
  best: boolean;
  from: string;
  fromAddress: string | null;
  attrs: { origin: string; asPath: string; nextHop: string | null; med: number | null; localPref: number | null; communities?: string[]; largeCommunities?: string[] };
}

/** AS path text as the speaker prints it ("64512 {64513,64514} (64515)") → its AS numbers, flattened. */
export function asPathNumbers(text: string): number[] {
  return text.replace(/[{}(),]/g, ' ').split(/\s+/).filter(Boolean).map(Number);
}

export class AnycastSpeakerDaemon extends DaemonBase {
  // The Daemon interface's kind names the Debian daemons; this one says what it is (messages and logs use it).
  readonly kind = 'anycast' as unknown as DaemonKind;
  readonly socket: string;

  constructor(spec: RouterSpec, ctx: DaemonContext) {
    super(spec, ctx);
    this.socket = join(this.dir, 'speaker.sock');
  }

  get configFile(): string {
    return join(this.dir, 'speaker.yaml');
  }

  private api(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeoutMs = 10_000): Promise<unknown> {
    return speakerApi(this.socket, method, path, body, timeoutMs);
  }

  async start(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.resetProcesses();
    writeFileSync(this.configFile, speakerConfig(this.spec, { socket: this.socket }));
    this.spawn([process.execPath, CLI_MAIN, 'speaker', '--config', this.configFile], {
      logFile: join(this.dir, 'speaker.log'), name: `speaker(${this.spec.name})`,
    });
    await this.waitReady(() => this.api('GET', '/v1/status', undefined, 2000), opts.timeoutMs ?? 20_000);
  }

  async neighbors(): Promise<NeighborStatus[]> {
    return neighborsFromApi(await this.api('GET', '/v1/neighbors') as NeighborsJson);
  }

  async routes(family?: Family): Promise<RouteEntry[]> {
    return routesFromApi(await this.api('GET', '/v1/rib?limit=1000000', undefined, 60_000) as RibJson, family);
  }

  async announce(route: OriginatedRoute): Promise<void> {
    checkRoute(route, 'announce', 'route');
    await this.api('POST', '/v1/routes', networkOf(route));
  }

  async withdraw(prefix: string): Promise<void> {
    await this.api('DELETE', `/v1/routes?prefix=${encodeURIComponent(prefix)}`);
  }

  async refresh(address: string): Promise<void> {
    const n = this.spec.neighbors.find((x) => x.address === address);
    if (!n) throw new UnknownNeighborError(this.spec.name, address);
    await this.api('POST', `/v1/neighbors/${encodeURIComponent(n.name)}/refresh`, { direction: 'in' });
  }
}
