// Runs BIRD 2 in a namespace: `bird -f` (foreground, so the PID we hold is BIRD's) with a private control
// socket; queries through `birdc -s SOCKET`; run-time announce/withdraw rewrite originate.conf and run
// `birdc configure`, which BIRD applies without resetting sessions (changes are serialized so that two quick
// calls cannot race on the file).

import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { requireDaemon } from '../../netns/capabilities.js';
import { DaemonBase, type DaemonContext } from '../base.js';
import { DaemonConfigRejectedError, UnknownNeighborError } from '../errors.js';
import { checkRoute } from '../spec.js';
import type { Family, NeighborStatus, OriginatedRoute, RouteEntry, RouterSpec } from '../types.js';
import { birdConfig, birdOriginateConf, birdProtocolName, type BirdPaths } from './config.js';
import { parseBirdProtocols, parseBirdRoutes } from './parse.js';

/** Resolves once BIRD's control socket accepts a connection and sends its "0001 BIRD … ready." greeting. */
function socketGreets(socket: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    const timer = setTimeout(() => done(new Error(`${socket}: no greeting within ${timeoutMs} ms`)), timeoutMs);
    let buf = '';
    const done = (e?: Error) => {
      clearTimeout(timer);
      c.destroy();
      if (e) reject(e);
      else resolve();
    };
    c.on('data', (d: Buffer) => {
      buf += d.toString();
      if (/^0001 .*\n/.test(buf)) done();
    });
    c.on('error', (e) => done(e));
    c.on('close', () => done(new Error(`${socket}: closed before the greeting`)));
  });
}

export class BirdDaemon extends DaemonBase {
  readonly kind = 'bird' as const;
  readonly socket: string;
  readonly paths: BirdPaths;
  private originated: OriginatedRoute[];
  private chain: Promise<unknown> = Promise.resolve();

  constructor(spec: RouterSpec, ctx: DaemonContext) {
    super(spec, ctx);
    requireDaemon('bird'); // MissingCapabilityError naming the Debian package, before any config is written
    this.socket = join(this.dir, 'bird.ctl');
    this.paths = { dir: this.dir, originateFile: join(this.dir, 'originate.conf'), logFile: join(this.dir, 'bird.log') };
    this.originated = [...this.spec.originate];
  }

  get configFile(): string {
    return join(this.dir, 'bird.conf');
  }

  async start(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.resetProcesses();
    writeFileSync(this.paths.originateFile, birdOriginateConf(this.spec, this.originated));
    writeFileSync(this.configFile, birdConfig(this.spec, this.paths));
    // No separate `bird -p` pass (it doubles the start-up cost of a 100-router lab): BIRD refuses a bad config
    // at start and exits, and its message is turned into the same error below.
    const main = this.spawn(['bird', '-f', '-c', this.configFile, '-s', this.socket, '-P', join(this.dir, 'bird.pid')], {
      logFile: join(this.dir, 'bird.stderr'), name: `bird(${this.spec.name})`,
    });
    try {
      // Ready when the control socket greets: probed in process, since a birdc per probe costs more than BIRD's
      // own start when a hundred routers start at once.
      await this.waitReady(() => socketGreets(this.socket, 5000), opts.timeoutMs ?? 10_000);
    } catch (e) {
      await Promise.race([main.exited, new Promise((r) => setTimeout(r, 200))]);
      const log = main.logTail(5);
      if (!main.running && /error|Cannot/i.test(log)) throw new DaemonConfigRejectedError('bird', this.configFile, log);
      throw e;
    }
  }

  /** Runs a birdc command and returns its output (without the "BIRD x.y ready." banner). */
  async birdc(args: string[], timeoutMs?: number): Promise<string> {
    const r = await this.cli(['birdc', '-s', this.socket, ...args], timeoutMs ? { timeoutMs } : {});
    return r.stdout.replace(/^BIRD [^\n]* ready\.\n/, '');
  }

  private fromOf = (proto: string): string => {
    if (proto === 'orig4' || proto === 'orig6') return 'local';
    return this.spec.neighbors.find((n) => birdProtocolName(n) === proto)?.address ?? proto;
  };

  async neighbors(): Promise<NeighborStatus[]> {
    const all = parseBirdProtocols(await this.birdc(['show', 'protocols', 'all']));
    return all.map((s) => {
      const n = this.spec.neighbors.find((x) => birdProtocolName(x) === s.name);
      // A protocol that has never connected shows no "Neighbor address"; the config knows it.
      return { ...s, name: n?.name ?? s.name, address: s.address || n?.address || '', remoteAs: s.remoteAs ?? n?.remoteAs ?? null };
    });
  }

  async routes(family?: Family): Promise<RouteEntry[]> {
    const tables = family ? [family === 'ipv4' ? 'master4' : 'master6'] : ['master4', 'master6'];
    const out: RouteEntry[] = [];
    for (const t of tables) out.push(...parseBirdRoutes(await this.birdc(['show', 'route', 'table', t, 'all']), this.fromOf));
    return out;
  }

  override async bestRoutes(family: Family): Promise<RouteEntry[]> {
    return parseBirdRoutes(await this.birdc(['show', 'route', 'table', family === 'ipv4' ? 'master4' : 'master6', 'primary', 'all']), this.fromOf);
  }

  /** Routes for one prefix only (cheaper than the whole table). */
  async routesFor(prefix: string): Promise<RouteEntry[]> {
    return parseBirdRoutes(await this.birdc(['show', 'route', 'for', prefix, 'all']), this.fromOf).filter((r) => r.prefix === prefix);
  }

  announce(route: OriginatedRoute): Promise<void> {
    return this.announceMany([route]);
  }

  withdraw(prefix: string): Promise<void> {
    return this.withdrawMany([prefix]);
  }

  override announceMany(routes: OriginatedRoute[]): Promise<void> {
    routes.forEach((r, i) => checkRoute(r, 'announce', `routes[${i}]`));
    const set = new Set(routes.map((r) => r.prefix));
    return this.reconfigure(() => {
      this.originated = [...this.originated.filter((r) => !set.has(r.prefix)), ...routes];
    });
  }

  override withdrawMany(prefixes: string[]): Promise<void> {
    const set = new Set(prefixes);
    return this.reconfigure(() => {
      this.originated = this.originated.filter((r) => !set.has(r.prefix));
    });
  }

  async refresh(address: string): Promise<void> {
    const n = this.spec.neighbors.find((x) => x.address === address);
    if (!n) throw new UnknownNeighborError(this.spec.name, address);
    await this.birdc(['reload', 'in', birdProtocolName(n)]);
  }

  /** `show route count` of the table: cheap for a full table. */
  override async routeCount(family: Family): Promise<number> {
    const out = await this.birdc(['show', 'route', 'table', family === 'ipv4' ? 'master4' : 'master6', 'count']);
    const m = /(\d+) of \d+ routes for (\d+) networks/.exec(out);
    return m ? Number(m[2]) : 0;
  }

  /** Serialized: edit the list, rewrite the include file, `birdc configure`, check BIRD accepted it. */
  private reconfigure(edit: () => void): Promise<void> {
    const next = this.chain.then(async () => {
      edit();
      writeFileSync(this.paths.originateFile, birdOriginateConf(this.spec, this.originated));
      const out = await this.birdc(['configure']);
      if (!/Reconfigured|Reconfiguration in progress|Reconfiguration already in progress/.test(out)) throw new DaemonConfigRejectedError('bird', this.paths.originateFile, out);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
