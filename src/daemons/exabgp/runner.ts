// Runs ExaBGP in a namespace (foreground, as root, no CLI pipes) with the API bridge of config.ts: commands are
// written to a named pipe in the router's directory, events are read back from a JSON-lines file.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, openSync, writeSync, closeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { DaemonBase, type DaemonContext } from '../base.js';
import { UnsupportedFeatureError } from '../errors.js';
import { checkRoute, type ResolvedNeighbor } from '../spec.js';
import type { Family, NeighborStatus, OriginatedRoute, RouteEntry, RouterSpec } from '../types.js';
import { familyOf } from '../types.js';
import { exabgpApiScript, exabgpConfig, exabgpEnv, exabgpRouteText } from './config.js';
import { replayExabgpEvents } from './parse.js';

export class ExabgpDaemon extends DaemonBase {
  readonly kind = 'exabgp' as const;
  readonly fifo: string;
  readonly eventsFile: string;
  private originated: OriginatedRoute[];

  constructor(spec: RouterSpec, ctx: DaemonContext) {
    super(spec, ctx);
    if (this.spec.kernelExport) throw new UnsupportedFeatureError('exabgp', 'kernelExport', 'ExaBGP has no RIB and installs no routes');
    this.fifo = join(this.dir, 'api.fifo');
    this.eventsFile = join(this.dir, 'events.jsonl');
    this.originated = [...this.spec.originate];
    exabgpConfig(this.spec, { apiScript: '' }); // rejects what ExaBGP cannot run, before anything starts
  }

  get configFile(): string {
    return join(this.dir, 'exabgp.conf');
  }

  async start(opts: { timeoutMs?: number } = {}): Promise<void> {
    const script = join(this.dir, 'api.sh');
    writeFileSync(script, exabgpApiScript(this.eventsFile, this.fifo), { mode: 0o755 });
    writeFileSync(this.eventsFile, '');
    execFileSync('mkfifo', ['-m', '600', this.fifo]);
    writeFileSync(this.configFile, exabgpConfig(this.spec, { apiScript: script }));
    this.spawn(['exabgp', this.configFile], {
      logFile: join(this.dir, 'exabgp.log'), name: `exabgp(${this.spec.name})`, env: { ...process.env, ...exabgpEnv(this.spec) },
      cwd: this.dir,
    });
    // Ready when the API process has the pipe open for reading (a non-blocking open for writing succeeds).
    await this.waitReady(async () => {
      const fd = openSync(this.fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      closeSync(fd);
    }, opts.timeoutMs ?? 10_000);
  }

  /** Writes one API command line (e.g. `neighbor 10.0.0.1 announce route …`). */
  command(line: string): void {
    const fd = openSync(this.fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeSync(fd, line.endsWith('\n') ? line : line + '\n');
    } finally {
      closeSync(fd);
    }
  }

  private view() {
    return replayExabgpEvents(readFileSync(this.eventsFile, 'utf8'));
  }

  async neighbors(): Promise<NeighborStatus[]> {
    const seen = this.view().neighbors;
    return this.spec.neighbors.map((n) => ({
      ...(seen.get(n.address) ?? { address: n.address, remoteAs: n.remoteAs, state: 'idle' as const, received: 0 }),
      name: n.name,
    }));
  }

  async routes(family?: Family): Promise<RouteEntry[]> {
    const local: RouteEntry[] = this.originated.map((r) => ({
      prefix: r.prefix, family: familyOf(r.prefix), best: true, nextHop: r.nextHop ?? null, asPath: r.asPath ?? [],
      origin: r.origin ?? 'igp', med: r.med ?? null, localPref: r.localPref ?? null, communities: r.communities ?? [],
      largeCommunities: r.largeCommunities ?? [], from: 'local',
    }));
    return [...local, ...this.view().routes.values()].filter((r) => !family || r.family === family);
  }

  private targets(prefix: string): ResolvedNeighbor[] {
    return this.spec.neighbors.filter((n) => n.families.includes(familyOf(prefix)));
  }

  async announce(route: OriginatedRoute): Promise<void> {
    checkRoute(route, 'announce', 'route');
    for (const n of this.targets(route.prefix)) this.command(`neighbor ${n.address} announce route ${exabgpRouteText(route, this.spec.localAs, n)}`);
    this.originated = [...this.originated.filter((r) => r.prefix !== route.prefix), route];
  }

  async withdraw(prefix: string): Promise<void> {
    for (const n of this.targets(prefix)) this.command(`neighbor ${n.address} withdraw route ${prefix}`);
    this.originated = this.originated.filter((r) => r.prefix !== prefix);
  }

  /** Asks a neighbor to resend its routes (ROUTE-REFRESH, RFC 2918). */
  async routeRefresh(address: string, family: Family): Promise<void> {
    this.command(`neighbor ${address} announce route-refresh ${family} unicast`);
  }
}
