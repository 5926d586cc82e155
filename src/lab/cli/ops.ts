// `anycast lab exec|link|node|site|capture|routes`: act on a running lab from its recorded state — run a
// command inside a node, take a link down or up, stop/start/freeze/thaw a node's BGP speaker, fail or restore a
// site's service (or announce/withdraw its prefixes), capture packets on a link, show a speaker's routes.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startCapture } from '../../netns/capture.js';
import { hasProgram } from '../../netns/capabilities.js';
import { runCommand } from '../../netns/run.js';
import { MissingCapabilityError, UsageError } from '../../util/errors.js';
import { table } from '../format.js';
import { nodeOf } from '../model.js';
import { bestRoutesOf } from '../runtime/netns/converge.js';
import { NetnsLab } from '../runtime/netns/lab.js';
import { addressMap } from '../runtime/netns/traceroute.js';
import { canonical } from '../ip.js';
import { durationArg, json, parse, write } from './common.js';

const labOpt = { lab: { type: 'string' as const, short: 'l' as const } };

export async function exec(argv: string[]): Promise<number> {
  const a = parse(argv, labOpt, 'usage: anycast lab exec [--lab NAME] NODE -- COMMAND [ARGS…]\n  Runs a command inside the node\'s namespace (e.g. `anycast lab exec tokyo -- ip route`).');
  if (!a) return 0;
  const [node, ...cmd] = a.positionals;
  if (!node || cmd.length === 0) throw new UsageError('usage: anycast lab exec NODE -- COMMAND [ARGS…]');
  const lab = NetnsLab.attach(a.values.lab);
  const n = nodeOf(lab.model, node);
  if (!n) throw new UsageError(`"${node}" is not a node of lab ${lab.state.name}`);
  return new Promise((res) => {
    const c = spawn('ip', ['netns', 'exec', n.ns, ...cmd], { stdio: 'inherit' });
    c.on('exit', (code, sig) => res(code ?? (sig ? 128 : 1)));
    c.on('error', () => res(127));
  });
}

export async function link(argv: string[]): Promise<number> {
  const a = parse(argv, { ...labOpt, wait: { type: 'boolean' } }, 'usage: anycast lab link [--lab NAME] A B down|up [--wait] [--json]\n  --wait: wait until routing has converged again and say how long it took.');
  if (!a) return 0;
  const [x, y, what] = a.positionals;
  if (!x || !y || (what !== 'down' && what !== 'up')) throw new UsageError('usage: anycast lab link A B down|up');
  const lab = NetnsLab.attach(a.values.lab);
  await lab.linkSet(x, y, what === 'up');
  const conv = a.values.wait ? await lab.waitConverged() : null;
  if (a.values.json) write(json({ link: [x, y], state: what, convergence: conv }));
  else write(`link ${x} ~ ${y} ${what}${conv ? `; routing converged in ${(conv.ms / 1000).toFixed(2)} s` : ''}`);
  return 0;
}

export async function node(argv: string[]): Promise<number> {
  const a = parse(argv, labOpt, 'usage: anycast lab node [--lab NAME] NODE stop|start|freeze|thaw [--json]\n  Acts on the node\'s BGP speaker: stop (SIGTERM), start again, freeze (SIGSTOP: its peers\' hold timers expire), thaw.');
  if (!a) return 0;
  const [n, what] = a.positionals;
  if (!n || !['stop', 'start', 'freeze', 'thaw'].includes(what ?? '')) throw new UsageError('usage: anycast lab node NODE stop|start|freeze|thaw');
  const lab = NetnsLab.attach(a.values.lab);
  const pids = await lab.nodeAction(n, what as 'stop' | 'start' | 'freeze' | 'thaw');
  if (a.values.json) write(json({ node: n, action: what, pids }));
  else write(`${n}: ${what} (pids ${pids.join(', ') || 'none'})`);
  return 0;
}

export async function site(argv: string[]): Promise<number> {
  const a = parse(argv, { ...labOpt, wait: { type: 'boolean' } }, `usage: anycast lab site [--lab NAME] SITE fail|restore|announce|withdraw [--wait] [--json]
  fail      kills the site's service (and, with no agent at the sites, the lab withdraws its prefixes)
  restore   starts the service again (and re-announces what the failure withdrew)
  announce  / withdraw: the prefixes only, the service untouched (a reroute, a new site)`);
  if (!a) return 0;
  const [s, what] = a.positionals;
  const acts = { fail: 'siteFail', restore: 'siteRestore', announce: 'siteAnnounce', withdraw: 'siteWithdraw' } as const;
  if (!s || !(what! in acts)) throw new UsageError('usage: anycast lab site SITE fail|restore|announce|withdraw');
  const lab = NetnsLab.attach(a.values.lab);
  await lab[acts[what as keyof typeof acts]](s);
  const conv = a.values.wait ? await lab.waitConverged() : null;
  const st = lab.state.sites[s]!;
  if (a.values.json) write(json({ site: s, action: what, announced: st.announced, service: st.service, convergence: conv }));
  else write(`site ${s}: ${what} — service ${st.service}, prefixes ${st.announced ? 'announced' : 'withdrawn'}${conv ? `; routing converged in ${(conv.ms / 1000).toFixed(2)} s` : ''}`);
  return 0;
}

export async function capture(argv: string[]): Promise<number> {
  const a = parse(argv, { ...labOpt, output: { type: 'string', short: 'o' }, duration: { type: 'string' }, filter: { type: 'string' }, decode: { type: 'boolean' } },
    `usage: anycast lab capture [--lab NAME] A B [-o FILE.pcap] [--duration 10s] [--filter EXPR] [--decode] [--json]
  Captures on A's interface towards B (tcpdump; stops after --duration, at most 10 minutes, or on Ctrl-C).
  --decode prints tshark's one-line summary of each packet.`);
  if (!a) return 0;
  const [x, y] = a.positionals;
  if (!x || !y) throw new UsageError('usage: anycast lab capture A B');
  const ms = Math.min(durationArg(a.values.duration, 'duration', 10_000), 600_000); // checked before the lab is opened
  const lab = NetnsLab.attach(a.values.lab);
  const nx = nodeOf(lab.model, x);
  if (!nx) throw new UsageError(`"${x}" is not a node of lab ${lab.state.name}`);
  if (!nx.interfaces.some((i) => i.peer === y)) throw new UsageError(`${x} has no link to ${y}`);
  const file = resolve(a.values.output ?? `${lab.state.name}-${x}-${y}.pcap`);
  const p = await startCapture(nx.ns, y, file, undefined, { ...(a.values.filter ? { filter: a.values.filter } : {}) });
  if (!a.values.json) process.stderr.write(`capturing on ${x}:${y} for ${ms / 1000} s into ${file} (Ctrl-C stops)\n`);
  await new Promise<void>((res) => {
    const t = setTimeout(res, ms);
    process.once('SIGINT', () => {
      clearTimeout(t);
      res();
    });
  });
  await p.stop();
  let packets: number | null = null;
  let summary = '';
  if (existsSync(file) && hasProgram('tcpdump')) {
    const r = await runCommand(['tcpdump', '-r', file, '-n', '-q'], { allowFailure: true, timeoutMs: 60_000 });
    packets = r.stdout.split('\n').filter(Boolean).length;
  }
  if (a.values.decode) {
    if (!hasProgram('tshark')) throw new MissingCapabilityError('tshark', 'install the Debian package tshark');
    summary = (await runCommand(['tshark', '-r', file, '-n'], { allowFailure: true, timeoutMs: 60_000 })).stdout;
  }
  if (a.values.json) write(json({ file, interface: `${x}:${y}`, durationMs: ms, packets, ...(a.values.decode ? { decoded: summary.split('\n').filter(Boolean) } : {}) }));
  else {
    write(`${file}: ${packets ?? '?'} packets`);
    if (summary) write(summary.trimEnd());
  }
  return 0;
}

export async function routes(argv: string[]): Promise<number> {
  const a = parse(argv, labOpt, 'usage: anycast lab routes [--lab NAME] NODE [PREFIX] [--json]\n  The best BGP routes of a router or site.');
  if (!a) return 0;
  const [n, prefix] = a.positionals;
  if (!n) throw new UsageError('usage: anycast lab routes NODE [PREFIX]');
  const lab = NetnsLab.attach(a.values.lab);
  const h = lab.speakerHandles().find((x) => x.node === n);
  if (!h) throw new UsageError(`"${n}" runs no BGP speaker in lab ${lab.state.name} (or it is stopped)`);
  const rs = (await bestRoutesOf(h)).filter((r) => r.best && (!prefix || r.prefix === prefix) && (r.asPath.length > 0 || r.from === 'local' || r.localPref !== null));
  if (a.values.json) write(json(rs));
  else {
    const who = addressMap(lab.model);
    write(table(['prefix', 'next hop', 'AS path', 'local pref', 'from', 'large communities'],
      rs.map((r) => [r.prefix, r.nextHop, r.asPath.join(' ') || '(own AS)', r.localPref, r.from === 'local' ? 'originated here' : who.get(canonical(r.from)) ?? r.from, r.largeCommunities.join(' ')])));
  }
  return 0;
}
