// A two-namespace lab for the agent's namespace tests: the site (agent + its BIRD + the service) and the upstream
// (a BIRD that peers with the site's BIRD over eBGP). Everything is created inside the namespaces and removed
// afterwards; names carry the test's PID so that parallel runs do not collide.
//
//   [ns site: lo 192.0.2.53 · BIRD AS64512 · agent · service]  veth 10.201.0.1/30 ── 10.201.0.2/30  [ns up: BIRD AS64500]
import { execFile, execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnInNamespace, waitFor } from './ns-util.js';
import { renderInclude } from '../../src/agent/backends/bird-render.js';

export function canRunNamespaces(): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root (network namespaces)';
  for (const bin of ['ip', 'bird', 'birdc']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status !== 0) return `${bin} is not installed`;
  }
  return null;
}

export interface UpstreamRoute {
  prefix: string;
  asPath: string;
  med: number | null;
  communities: string[];
}

export class Lab {
  readonly id = process.pid;
  readonly site = `aca-${this.id}-s`;
  readonly up = `aca-${this.id}-u`;
  readonly dir = mkdtempSync(join(tmpdir(), 'aca-ns-'));
  readonly siteCtl = join(this.dir, 'site.ctl');
  readonly upCtl = join(this.dir, 'up.ctl');
  readonly include = join(this.dir, 'anycast.conf');
  private readonly children: ChildProcess[] = [];
  private readonly pidFiles: string[] = [];

  async start(): Promise<void> {
    const ip = (...a: string[]) => execFileSync('ip', a, { stdio: 'pipe' });
    const va = `aca${this.id}s`;
    const vb = `aca${this.id}u`;
    ip('netns', 'add', this.site);
    ip('netns', 'add', this.up);
    ip('link', 'add', va, 'netns', this.site, 'type', 'veth', 'peer', 'name', vb, 'netns', this.up);
    ip('-n', this.site, 'addr', 'add', '10.201.0.1/30', 'dev', va);
    ip('-n', this.up, 'addr', 'add', '10.201.0.2/30', 'dev', vb);
    ip('-n', this.site, 'addr', 'add', 'fd00:aca::1/64', 'dev', va, 'nodad');
    ip('-n', this.up, 'addr', 'add', 'fd00:aca::2/64', 'dev', vb, 'nodad');
    for (const [ns, dev] of [[this.site, va], [this.up, vb]] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
    // The include file must exist (with its protocols and filter) before the site's BIRD reads bird.conf.
    writeFileSync(this.include, renderInclude(new Map(), { ipv4Protocol: 'anycast4', ipv6Protocol: 'anycast6',
      exportFilter: 'anycast_export', route: 'blackhole', localAs: 64512 }, 'lab'));
    const timers = 'connect delay time 1; connect retry time 1; error wait time 1,5;';
    writeFileSync(join(this.dir, 'site.conf'), `router id 10.201.0.1;
protocol device {}
include "${this.include}";
protocol bgp upstream {
  local 10.201.0.1 as 64512; neighbor 10.201.0.2 as 64500; ${timers}
  ipv4 { import none; export filter anycast_export; };
  ipv6 { import none; export filter anycast_export; };
}
`);
    writeFileSync(join(this.dir, 'up.conf'), `router id 10.201.0.2;
protocol device {}
protocol bgp site {
  local 10.201.0.2 as 64500; neighbor 10.201.0.1 as 64512; ${timers}
  ipv4 { import all; export none; };
  ipv6 { import all; export none; };
}
`);
    for (const [ns, name] of [[this.site, 'site'], [this.up, 'up']] as const) {
      const pid = join(this.dir, `${name}.pid`);
      this.pidFiles.push(pid);
      execFileSync('ip', ['netns', 'exec', ns, 'bird', '-c', join(this.dir, `${name}.conf`),
        '-s', join(this.dir, `${name}.ctl`), '-P', pid]);
    }
    await this.waitFor('BGP session Established', async () =>
      /site\s+BGP\s+\S+\s+up\s+\S+\s+Established/.test(await this.birdc(this.upCtl, 'show protocols')));
  }

  birdc(ctl: string, cmd: string): Promise<string> {
    return new Promise((resolve) => {
      execFile('birdc', ['-s', ctl, ...cmd.split(' ')], { timeout: 5000 }, (_e, out) => resolve(String(out)));
    });
  }

  /** The upstream's view of our prefixes (best route each). */
  async upstreamRoutes(): Promise<Map<string, UpstreamRoute>> {
    const out = await this.birdc(this.upCtl, 'show route all');
    const routes = new Map<string, UpstreamRoute>();
    let cur: UpstreamRoute | null = null;
    for (const line of out.split('\n')) {
      const head = /^(\S+\/\d+)\s+unicast/.exec(line);
      if (head) {
        cur = { prefix: head[1]!, asPath: '', med: null, communities: [] };
        routes.set(cur.prefix, cur);
        continue;
      }
      if (!cur) continue;
      const path = /BGP\.as_path:\s*(.*)$/.exec(line);
      if (path) cur.asPath = path[1]!.trim();
      const med = /BGP\.med:\s*(\d+)/.exec(line);
      if (med) cur.med = Number(med[1]);
      const comm = /BGP\.community:\s*(.*)$/.exec(line);
      if (comm) cur.communities = [...comm[1]!.matchAll(/\((\d+),(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`);
    }
    return routes;
  }

  /** UPDATE-level counters the upstream keeps for the session: announcements and withdrawals received. */
  async upstreamUpdates(): Promise<{ updates: number; withdraws: number }> {
    const out = await this.birdc(this.upCtl, 'show protocols all site');
    let updates = 0;
    let withdraws = 0;
    for (const m of out.matchAll(/Import updates:\s+(\d+)/g)) updates += Number(m[1]);
    for (const m of out.matchAll(/Import withdraws:\s+(\d+)/g)) withdraws += Number(m[1]);
    return { updates, withdraws };
  }

  waitFor(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 15_000, everyMs = 50): Promise<number> {
    return waitFor(what, fn, timeoutMs, everyMs);
  }

  /** Run a long-lived process inside the site namespace; killed at cleanup. */
  spawnInSite(argv: string[], opts: { stderr?: (line: string) => void } = {}): ChildProcess {
    const child = spawnInNamespace(this.site, argv, opts.stderr);
    this.children.push(child);
    return child;
  }

  siteAddresses(): string {
    return execFileSync('ip', ['-n', this.site, '-o', 'addr', 'show', 'dev', 'lo']).toString();
  }

  cleanup(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const f of this.pidFiles) {
      try {
        process.kill(Number(readFileSync(f, 'utf8')), 'SIGTERM');
      } catch { /* gone */ }
    }
    // Anything else still inside our namespaces (a guard, a service) was started by this test.
    for (const ns of [this.site, this.up]) {
      const pids = spawnSync('ip', ['netns', 'pids', ns]).stdout?.toString().split(/\s+/).filter(Boolean) ?? [];
      for (const p of pids) { try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ } }
    }
    spawnSync('sleep', ['0.3']);
    for (const ns of [this.site, this.up]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
