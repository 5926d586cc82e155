// Runs OpenBGPD in a namespace: `bgpd -d -f FILE` (foreground; its three engines are child processes that the
// parent takes down with it, and that cleanup finds in the namespace anyway). It needs its chroot directory
// /var/empty and /run/openbgpd to exist (created here, shared and harmless) and its config at mode 600.
// Queries through `bgpctl -j -s SOCKET`; run-time routes with `bgpctl network add|delete`. Kernel export: a
// syncer process (fib/main.ts), since portable OpenBGPD's fib-update installs nothing on Linux.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireDaemon } from '../../netns/capabilities.js';
import { DaemonBase, type DaemonContext } from '../base.js';
import { DaemonConfigRejectedError } from '../errors.js';
import { fibSyncArgv } from '../fib/spawn.js';
import { checkRoute } from '../spec.js';
import type { Family, NeighborStatus, OriginatedRoute, RouteEntry, RouterSpec } from '../types.js';
import { openbgpdConfig, openbgpdRouteArgs } from './config.js';
import { parseOpenbgpdNeighbors, parseOpenbgpdRib } from './parse.js';

export class OpenbgpdDaemon extends DaemonBase {
  readonly kind = 'openbgpd' as const;
  readonly socket: string;

  constructor(spec: RouterSpec, ctx: DaemonContext) {
    super(spec, ctx);
    requireDaemon('openbgpd'); // MissingCapabilityError naming the Debian package, before any config is written
    this.socket = join(this.dir, 'bgpd.sock');
    for (const r of this.spec.originate) openbgpdRouteArgs(r); // rejects what OpenBGPD cannot do, before starting
  }

  get configFile(): string {
    return join(this.dir, 'bgpd.conf');
  }

  async start(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.resetProcesses();
    mkdirSync('/var/empty', { recursive: true, mode: 0o755 });
    mkdirSync('/run/openbgpd', { recursive: true, mode: 0o755 });
    writeFileSync(this.configFile, openbgpdConfig(this.spec, { socket: this.socket }), { mode: 0o600 });
    const check = await this.exec(['bgpd', '-n', '-f', this.configFile], { allowFailure: true });
    if (check.code !== 0) throw new DaemonConfigRejectedError('bgpd', this.configFile, check.stdout + check.stderr);
    this.spawn(['bgpd', '-d', '-f', this.configFile], { logFile: join(this.dir, 'bgpd.log'), name: `openbgpd(${this.spec.name})` });
    await this.waitReady(() => this.bgpctl(['show', 'summary'], 5000), opts.timeoutMs ?? 10_000);
    // Portable OpenBGPD accepts fib-update on Linux but installs nothing: the syncer does it.
    if (this.spec.kernelExport) this.spawn(fibSyncArgv('openbgpd', this.socket), { logFile: join(this.dir, 'fibsync.log'), name: `fibsync(${this.spec.name})` });
  }

  async bgpctl(args: string[], timeoutMs?: number): Promise<string> {
    return (await this.cli(['bgpctl', '-s', this.socket, ...args], timeoutMs ? { timeoutMs } : {})).stdout;
  }

  async neighbors(): Promise<NeighborStatus[]> {
    const list = parseOpenbgpdNeighbors(await this.bgpctl(['-j', 'show', 'neighbor']));
    return list.map((s) => ({ ...s, name: this.spec.neighbors.find((n) => n.address === s.address)?.name ?? s.name ?? s.address }));
  }

  async routes(family?: Family): Promise<RouteEntry[]> {
    const args = ['-j', 'show', 'rib'];
    if (family) args.push(family === 'ipv4' ? 'inet' : 'inet6');
    return parseOpenbgpdRib(await this.bgpctl([...args, 'detail']));
  }

  async announce(route: OriginatedRoute): Promise<void> {
    checkRoute(route, 'announce', 'route');
    await this.bgpctl(['network', 'add', route.prefix, ...openbgpdRouteArgs(route)]);
  }

  async withdraw(prefix: string): Promise<void> {
    await this.bgpctl(['network', 'delete', prefix]);
  }

  /** `bgpctl neighbor ADDR refresh`: a ROUTE-REFRESH to the neighbor. */
  async refresh(address: string): Promise<void> {
    await this.bgpctl(['neighbor', address, 'refresh']);
  }
}
