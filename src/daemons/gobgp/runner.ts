// Runs gobgpd in a namespace with its gRPC API on a private unix socket; queries and run-time route changes
// through the `gobgp` CLI (`-j` for JSON). Kernel export: GoBGP 3.10's zebra client crashes on FRR 8.4's zebra
// (ZAPI interface messages), so a small syncer process (fib/main.ts) installs GoBGP's best paths instead.

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireDaemon } from '../../netns/capabilities.js';
import { DaemonBase, type DaemonContext } from '../base.js';
import { DaemonConfigRejectedError } from '../errors.js';
import { fibSyncArgv } from '../fib/spawn.js';
import { checkRoute } from '../spec.js';
import type { Family, NeighborStatus, OriginatedRoute, RouteEntry, RouterSpec } from '../types.js';
import { familyOf } from '../types.js';
import { gobgpConfig, gobgpRibAddArgs } from './config.js';
import { parseGobgpNeighbors, parseGobgpRib } from './parse.js';

export class GobgpDaemon extends DaemonBase {
  readonly kind = 'gobgp' as const;
  readonly socket: string;

  constructor(spec: RouterSpec, ctx: DaemonContext) {
    super(spec, ctx);
    requireDaemon('gobgp'); // MissingCapabilityError naming the Debian package, before any config is written
    this.socket = join(this.dir, 'gobgp.sock');
    this.originated = [...this.spec.originate];
  }

  /** What it announces now (re-announced after a restart, as a restarting speaker would). */
  private originated: OriginatedRoute[];

  get configFile(): string {
    return join(this.dir, 'gobgpd.toml');
  }

  /** `restarting`: start with the graceful-restart "restarting" flag (gobgpd -r). */
  async start(opts: { timeoutMs?: number; restarting?: boolean } = {}): Promise<void> {
    this.resetProcesses();
    rmSync(this.socket, { force: true }); // left by a killed gobgpd: it would refuse to listen
    writeFileSync(this.configFile, gobgpConfig(this.spec));
    const dry = await this.exec(['gobgpd', '-d', '-f', this.configFile], { allowFailure: true });
    if (dry.code !== 0) throw new DaemonConfigRejectedError('gobgpd', this.configFile, dry.stdout + dry.stderr);
    const argv = ['gobgpd', '-f', this.configFile, `--api-hosts=unix://${this.socket}`, '--pprof-disable', '-p'];
    if (opts.restarting) argv.push('-r');
    this.spawn(argv, { logFile: join(this.dir, 'gobgpd.log'), name: `gobgpd(${this.spec.name})` });
    await this.waitReady(() => this.gobgp(['global'], 5000), opts.timeoutMs ?? 10_000);
    if (this.spec.kernelExport) this.spawn(fibSyncArgv('gobgp', this.socket), { logFile: join(this.dir, 'fibsync.log'), name: `fibsync(${this.spec.name})` });
    await this.announceMany(this.originated);
  }

  /** Runs the gobgp CLI against this daemon. */
  async gobgp(args: string[], timeoutMs?: number): Promise<string> {
    return (await this.cli(['gobgp', `--target=unix://${this.socket}`, ...args], timeoutMs ? { timeoutMs } : {})).stdout;
  }

  async neighbors(): Promise<NeighborStatus[]> {
    const list = parseGobgpNeighbors(await this.gobgp(['-j', 'neighbor']));
    return list.map((s) => ({ ...s, name: this.spec.neighbors.find((n) => n.address === s.address)?.name ?? s.address }));
  }

  async routes(family?: Family): Promise<RouteEntry[]> {
    const out: RouteEntry[] = [];
    for (const f of family ? [family] : (['ipv4', 'ipv6'] as const)) {
      out.push(...parseGobgpRib(await this.gobgp(['-j', 'global', 'rib', '-a', f])));
    }
    return out;
  }

  async announce(route: OriginatedRoute): Promise<void> {
    checkRoute(route, 'announce', 'route');
    await this.gobgp(['global', 'rib', 'add', '-a', familyOf(route.prefix), ...gobgpRibAddArgs(route, this.spec.localAs)]);
    this.originated = [...this.originated.filter((r) => r.prefix !== route.prefix), route];
  }

  async withdraw(prefix: string): Promise<void> {
    await this.gobgp(['global', 'rib', 'del', '-a', familyOf(prefix), prefix]);
    this.originated = this.originated.filter((r) => r.prefix !== prefix);
  }

  /** `gobgp neighbor ADDR softresetin`: a ROUTE-REFRESH to the neighbor. */
  async refresh(address: string): Promise<void> {
    await this.gobgp(['neighbor', address, 'softresetin']);
  }

  override async routeCount(family: Family): Promise<number> {
    const out = await this.gobgp(['-j', 'global', 'rib', 'summary', '-a', family]);
    const m = /"num_destination":\s*(\d+)/.exec(out);
    return m ? Number(m[1]) : 0;
  }
}
