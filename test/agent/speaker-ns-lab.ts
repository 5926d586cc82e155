// A two-namespace lab for the embedded speaker backend: the site (the agent as a real process, its BGP sessions
// in process) and the upstream, a real BIRD 2 with two eBGP sessions to the agent, one over IPv4 (carrying IPv4
// and IPv6 routes) and one over IPv6. Names carry the test's PID; everything is removed afterwards.
//
//   [ns site: lo 192.0.2.53 · anycast agent AS64512]  veth 10.202.0.1/30, fd00:acb::1/64
//        ──  10.202.0.2/30, fd00:acb::2/64  [ns up: BIRD AS64500, protocols agent4 and agent6]
import { execFile, execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnInNamespace, waitFor } from './ns-util.js';
import type { UpstreamRoute } from './ns-lab.js';

export { canRunNamespaces } from './ns-lab.js';

export interface ProtocolState {
  state: string;
  info: string;
  importUpdates: number;
  importWithdraws: number;
  lastError: string;
}

export class SpeakerLab {
  readonly id = process.pid;
  readonly site = `aca-${this.id}-ks`;
  readonly up = `aca-${this.id}-ku`;
  readonly dir = mkdtempSync(join(tmpdir(), 'aca-spk-'));
  readonly upCtl = join(this.dir, 'up.ctl');
  private readonly children: ChildProcess[] = [];
  private pidFile = join(this.dir, 'up.pid');
  private started = false;

  async start(): Promise<void> {
    const ip = (...a: string[]) => execFileSync('ip', a, { stdio: 'pipe' });
    const va = `aca${this.id}ks`;
    const vb = `aca${this.id}ku`;
    ip('netns', 'add', this.site);
    ip('netns', 'add', this.up);
    this.started = true;
    ip('link', 'add', va, 'netns', this.site, 'type', 'veth', 'peer', 'name', vb, 'netns', this.up);
    ip('-n', this.site, 'addr', 'add', '10.202.0.1/30', 'dev', va);
    ip('-n', this.up, 'addr', 'add', '10.202.0.2/30', 'dev', vb);
    ip('-n', this.site, 'addr', 'add', 'fd00:acb::1/64', 'dev', va, 'nodad');
    ip('-n', this.up, 'addr', 'add', 'fd00:acb::2/64', 'dev', vb, 'nodad');
    for (const [ns, dev] of [[this.site, va], [this.up, vb]] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
    const timers = 'connect delay time 1; connect retry time 1; error wait time 1,5;';
    writeFileSync(join(this.dir, 'up.conf'), `router id 10.202.0.2;
protocol device {}
protocol bgp agent4 {
  local 10.202.0.2 as 64500; neighbor 10.202.0.1 as 64512; ${timers}
  ipv4 { import all; export none; };
  ipv6 { import all; export none; };
}
protocol bgp agent6 {
  local fd00:acb::2 as 64500; neighbor fd00:acb::1 as 64512; ${timers}
  ipv6 { import all; export none; };
}
`);
    execFileSync('ip', ['netns', 'exec', this.up, 'bird', '-c', join(this.dir, 'up.conf'), '-s', this.upCtl, '-P', this.pidFile]);
  }

  birdc(cmd: string): Promise<string> {
    return new Promise((resolve) => {
      execFile('birdc', ['-s', this.upCtl, ...cmd.split(' ')], { timeout: 5000 }, (_e, out) => resolve(String(out)));
    });
  }

  /** Every route BIRD holds, per prefix and protocol: "prefix|protocol" → attributes. */
  async routes(): Promise<Map<string, UpstreamRoute & { protocol: string }>> {
    const out = await this.birdc('show route all');
    const routes = new Map<string, UpstreamRoute & { protocol: string }>();
    let prefix = '';
    let cur: (UpstreamRoute & { protocol: string }) | null = null;
    for (const line of out.split('\n')) {
      const head = /^(\S+\/\d+)?\s+unicast \[(\S+)/.exec(line);
      if (head) {
        if (head[1]) prefix = head[1];
        cur = { prefix, protocol: head[2]!, asPath: '', med: null, communities: [] };
        routes.set(`${prefix}|${cur.protocol}`, cur);
        continue;
      }
      if (!cur) continue;
      const path = /BGP\.as_path:\s*(.*)$/.exec(line);
      if (path) cur.asPath = path[1]!.trim();
      const med = /BGP\.med:\s*(\d+)/.exec(line);
      if (med) cur.med = Number(med[1]);
      const comm = /BGP\.community:\s*(.*)$/.exec(line);
      if (comm) cur.communities = [...comm[1]!.matchAll(/\((\d+),(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`);
      const large = /BGP\.large_community:\s*(.*)$/.exec(line);
      if (large) cur.communities.push(...[...large[1]!.matchAll(/\((\d+), (\d+), (\d+)\)/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`));
    }
    return routes;
  }

  async protocol(name: string): Promise<ProtocolState> {
    const out = await this.birdc(`show protocols all ${name}`);
    const head = new RegExp(`^${name}\\s+BGP\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\S+)\\s*(.*)$`, 'm').exec(out);
    let importUpdates = 0, importWithdraws = 0;
    for (const m of out.matchAll(/Import updates:\s+(\d+)/g)) importUpdates += Number(m[1]);
    for (const m of out.matchAll(/Import withdraws:\s+(\d+)/g)) importWithdraws += Number(m[1]);
    return { state: head?.[1] ?? '?', info: head?.[2]?.trim() ?? '', importUpdates, importWithdraws,
      lastError: /Last error:\s*(.*)$/m.exec(out)?.[1]?.trim() ?? '' };
  }

  waitFor(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 15_000, everyMs = 50): Promise<number> {
    return waitFor(what, fn, timeoutMs, everyMs);
  }


  spawnInSite(argv: string[], opts: { stderr?: (line: string) => void } = {}): ChildProcess {
    const child = spawnInNamespace(this.site, argv, opts.stderr);
    this.children.push(child);
    return child;
  }

  siteAddresses(): string {
    return execFileSync('ip', ['-n', this.site, '-o', 'addr', 'show', 'dev', 'lo']).toString();
  }

  cleanup(): void {
    if (!this.started) return;
    this.started = false;
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    try {
      process.kill(Number(readFileSync(this.pidFile, 'utf8')), 'SIGTERM');
    } catch { /* gone */ }
    // Anything else still inside our namespaces was started by this test.
    for (const ns of [this.site, this.up]) {
      const pids = spawnSync('ip', ['netns', 'pids', ns]).stdout?.toString().split(/\s+/).filter(Boolean) ?? [];
      for (const p of pids) { try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ } }
    }
    spawnSync('sleep', ['0.3']);
    for (const ns of [this.site, this.up]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
