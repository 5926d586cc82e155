// Runs gobgpd in a namespace with its gRPC API on a private unix socket; queries and run-time route changes
// through the `gobgp` CLI (`-j` for JSON). Kernel export needs GoBGP's zebra integration, which this runner does
// not set up: asking for it is an error rather than a silently missing FIB.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonBase, type DaemonContext } from '../base.js';
import { DaemonConfigRejectedError, UnsupportedFeatureError } from '../errors.js';
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
    if (this.spec.kernelExport) {
      throw new UnsupportedFeatureError('gobgp', 'kernelExport', 'GoBGP installs routes only through zebra; use bird or frr for routers that forward');
    }
    this.socket = join(this.dir, 'gobgp.sock');
  }

  get configFile(): string {
    return join(this.dir, 'gobgpd.toml');
  }

  /** `restarting`: start with the graceful-restart "restarting" flag (gobgpd -r). */
  async start(opts: { timeoutMs?: number; restarting?: boolean } = {}): Promise<void> {
    writeFileSync(this.configFile, gobgpConfig(this.spec));
    const dry = await this.exec(['gobgpd', '-d', '-f', this.configFile], { allowFailure: true });
    if (dry.code !== 0) throw new DaemonConfigRejectedError('gobgpd', this.configFile, dry.stdout + dry.stderr);
    const argv = ['gobgpd', '-f', this.configFile, `--api-hosts=unix://${this.socket}`, '--pprof-disable', '-p'];
    if (opts.restarting) argv.push('-r');
    this.spawn(argv, { logFile: join(this.dir, 'gobgpd.log'), name: `gobgpd(${this.spec.name})` });
    await this.waitReady(() => this.gobgp(['global']), opts.timeoutMs ?? 10_000);
    for (const r of this.spec.originate) await this.announce(r);
  }

  /** Runs the gobgp CLI against this daemon. */
  async gobgp(args: string[]): Promise<string> {
    return (await this.cli(['gobgp', `--target=unix://${this.socket}`, ...args])).stdout;
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
  }

  async withdraw(prefix: string): Promise<void> {
    await this.gobgp(['global', 'rib', 'del', '-a', familyOf(prefix), prefix]);
  }

  /** Sends a ROUTE-REFRESH (or soft reset) to a neighbor: `gobgp neighbor ADDR softresetin`. */
  async softResetIn(address: string): Promise<void> {
    await this.gobgp(['neighbor', address, 'softresetin']);
  }
}
