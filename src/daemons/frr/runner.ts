// Runs FRR's bgpd in a namespace. Without kernel export: bgpd alone with -Z (no zebra), so nothing touches the
// namespace's routing table. With kernelExport: zebra first (its zserv socket in the router's directory), then
// bgpd connected to it; zebra installs the best routes. bgpd runs as root with -S (no switch to user frr); zebra cannot skip
// that switch, so with zebra the private directory is handed to user frr. Queries and run-time changes go through
// `vtysh --vty_socket DIR -d bgpd`.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireDaemon } from '../../netns/capabilities.js';
import { DaemonBase, type DaemonContext } from '../base.js';
import { DaemonConfigRejectedError } from '../errors.js';
import { checkRoute } from '../spec.js';
import type { Family, NeighborStatus, OriginatedRoute, RouteEntry, RouterSpec } from '../types.js';
import { familyOf } from '../types.js';
import { frrConfig, frrOrigMap, frrOrigPrefixListLine, frrOrigRouteMap } from './config.js';
import { parseFrrNeighbors, parseFrrPrefixes, parseFrrTablePrefixes } from './parse.js';
import { FRR_DIR as FRR, startZebra, zservPath } from './zebra.js';


export class FrrDaemon extends DaemonBase {
  readonly kind = 'frr' as const;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(spec: RouterSpec, ctx: DaemonContext) {
    super(spec, ctx);
    requireDaemon('frr'); // MissingCapabilityError naming the Debian package, before any config is written
  }

  get configFile(): string {
    return join(this.dir, 'bgpd.conf');
  }

  async start(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.resetProcesses();
    writeFileSync(this.configFile, frrConfig(this.spec, { logFile: join(this.dir, 'bgpd.log') }));
    const common = ['-S', '--vty_socket', this.dir];
    const dry = await this.exec([`${FRR}/bgpd`, '-C', '-f', this.configFile, ...common], { allowFailure: true });
    if (dry.code !== 0) throw new DaemonConfigRejectedError('bgpd', this.configFile, dry.stdout + dry.stderr);
    if (this.spec.kernelExport) {
      const zebra = await startZebra(this.dir, this.spec.name, (a, o) => this.spawn(a, o), (p, t) => this.waitReady(p, t));
      // bgpd must be the first process (its PID is the one frozen for hold-timer tests); zebra is stopped last.
      this.procs = [];
      const bgpd = this.spawn([`${FRR}/bgpd`, '-f', this.configFile, '-i', join(this.dir, 'bgpd.pid'), '-z', zservPath(this.dir), ...common],
        { logFile: join(this.dir, 'bgpd.stderr'), name: `bgpd(${this.spec.name})` });
      this.procs = [bgpd, zebra];
    } else {
      this.spawn([`${FRR}/bgpd`, '-Z', '-f', this.configFile, '-i', join(this.dir, 'bgpd.pid'), ...common],
        { logFile: join(this.dir, 'bgpd.stderr'), name: `bgpd(${this.spec.name})` });
    }
    await this.waitReady(() => this.vtysh(['show bgp summary json'], 5000), opts.timeoutMs ?? 10_000);
  }

  /** Runs vtysh commands against bgpd (each string one -c). */
  async vtysh(cmds: string[], timeoutMs?: number): Promise<string> {
    const argv = ['vtysh', '--vty_socket', this.dir, '-d', 'bgpd'];
    for (const c of cmds) argv.push('-c', c);
    const r = await this.cli(argv, timeoutMs ? { timeoutMs } : {});
    if (/% (Unknown|Invalid|Ambiguous) command|% Command incomplete/.test(r.stdout)) {
      throw new DaemonConfigRejectedError('vtysh', cmds.join(' ; '), r.stdout);
    }
    return r.stdout;
  }

  async neighbors(): Promise<NeighborStatus[]> {
    const list = parseFrrNeighbors(await this.vtysh(['show bgp neighbors json']));
    return list.map((s) => ({ ...s, name: this.spec.neighbors.find((n) => n.address === s.address)?.name ?? s.name ?? s.address }));
  }

  async routes(family?: Family): Promise<RouteEntry[]> {
    const out: RouteEntry[] = [];
    for (const f of family ? [family] : (['ipv4', 'ipv6'] as const)) {
      const prefixes = parseFrrTablePrefixes(await this.vtysh([`show bgp ${f} unicast json`]));
      for (let i = 0; i < prefixes.length; i += 100) {
        const cmds = prefixes.slice(i, i + 100).map((p) => `show bgp ${f} unicast ${p} json`);
        out.push(...parseFrrPrefixes(await this.vtysh(cmds)));
      }
    }
    return out;
  }

  announce(route: OriginatedRoute): Promise<void> {
    return this.announceMany([route]);
  }

  withdraw(prefix: string): Promise<void> {
    return this.withdrawMany([prefix]);
  }

  /** One vtysh call: per route a fresh route-map with its attributes, the prefix-list entry, the network. */
  override announceMany(routes: OriginatedRoute[]): Promise<void> {
    routes.forEach((r, i) => checkRoute(r, 'announce', `routes[${i}]`));
    return this.serial(async () => {
      const cmds = ['configure terminal'];
      for (const r of routes) {
        // Deleting a route-map that does not exist yet only prints a warning.
        cmds.push(`no route-map ${frrOrigMap(r.prefix)}`, ...frrOrigRouteMap(r, this.spec.localAs).map((l) => l.trim()), frrOrigPrefixListLine(r.prefix));
      }
      cmds.push(`router bgp ${this.spec.localAs}`);
      for (const f of ['ipv4', 'ipv6'] as const) {
        const mine = routes.filter((r) => familyOf(r.prefix) === f);
        if (!mine.length) continue;
        cmds.push(`address-family ${f} unicast`, ...mine.map((r) => `network ${r.prefix} route-map ${frrOrigMap(r.prefix)}`), 'exit-address-family');
      }
      await this.vtysh(cmds);
    });
  }

  override withdrawMany(prefixes: string[]): Promise<void> {
    return this.serial(async () => {
      const cmds = ['configure terminal', `router bgp ${this.spec.localAs}`];
      for (const f of ['ipv4', 'ipv6'] as const) {
        const mine = prefixes.filter((p) => familyOf(p) === f);
        if (mine.length) cmds.push(`address-family ${f} unicast`, ...mine.map((p) => `no network ${p}`), 'exit-address-family');
      }
      cmds.push('exit', ...prefixes.flatMap((p) => [`no ${frrOrigPrefixListLine(p)}`, `no route-map ${frrOrigMap(p)}`]));
      await this.vtysh(cmds);
    });
  }

  /** `clear bgp ADDR soft in`: a ROUTE-REFRESH to the neighbor. */
  async refresh(address: string): Promise<void> {
    await this.vtysh([`clear bgp ${address} soft in`]);
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
