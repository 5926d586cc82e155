// Runs ExaBGP in a namespace (foreground, as root, no CLI pipes) with the API bridge of config.ts: commands are
// written to a named pipe in the router's directory, events are read back from a JSON-lines file.

import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { requireDaemon } from '../../netns/capabilities.js';
import { DaemonBase, type DaemonContext } from '../base.js';
import { UnknownNeighborError, UnsupportedFeatureError } from '../errors.js';
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
    requireDaemon('exabgp'); // MissingCapabilityError naming the Debian package, before any config is written
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
    this.resetProcesses();
    const script = join(this.dir, 'api.sh');
    writeFileSync(script, exabgpApiScript(this.eventsFile, this.fifo), { mode: 0o755 });
    writeFileSync(this.eventsFile, '');
    if (!existsSync(this.fifo)) execFileSync('mkfifo', ['-m', '600', this.fifo]);
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
  command(line: string): Promise<void> {
    return this.commands([line]);
  }

  /**
   * Writes API command lines to the pipe. The pipe is opened non-blocking (a blocking open would hang if ExaBGP
   * were gone), so a full pipe (64 KiB) answers EAGAIN: wait for ExaBGP to read, and go on.
   */
  async commands(lines: string[]): Promise<void> {
    let buf = Buffer.from(lines.map((l) => (l.endsWith('\n') ? l : l + '\n')).join(''));
    const fd = openSync(this.fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      while (buf.length > 0) {
        try {
          buf = buf.subarray(writeSync(fd, buf));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
          this.assertAlive();
          await new Promise((r) => setTimeout(r, 5));
        }
      }
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

  announce(route: OriginatedRoute): Promise<void> {
    return this.announceMany([route]);
  }

  withdraw(prefix: string): Promise<void> {
    return this.withdrawMany([prefix]);
  }

  override async announceMany(routes: OriginatedRoute[]): Promise<void> {
    routes.forEach((r, i) => checkRoute(r, 'announce', `routes[${i}]`));
    await this.commands(routes.flatMap((r) => this.targets(r.prefix).map((n) => `neighbor ${n.address} announce route ${exabgpRouteText(r, this.spec.localAs, n)}`)));
    const set = new Set(routes.map((r) => r.prefix));
    this.originated = [...this.originated.filter((r) => !set.has(r.prefix)), ...routes];
  }

  override async withdrawMany(prefixes: string[]): Promise<void> {
    await this.commands(prefixes.flatMap((p) => this.targets(p).map((n) => `neighbor ${n.address} withdraw route ${p}`)));
    const set = new Set(prefixes);
    this.originated = this.originated.filter((r) => !set.has(r.prefix));
  }

  /** A ROUTE-REFRESH (RFC 2918) for each family of the session. */
  async refresh(address: string): Promise<void> {
    const n = this.spec.neighbors.find((x) => x.address === address);
    if (!n) throw new UnknownNeighborError(this.spec.name, address);
    await this.commands(n.families.map((f) => `neighbor ${address} announce route-refresh ${f} unicast`));
  }
}
