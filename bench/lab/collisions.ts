// Simultaneous starts: pairs of our speakers that start at the same instant and connect to each other at once
// (both sides active: RFC 4271 §6.8 connection collisions), in this one process, over plain TCP on loopback
// (`--mode tcp`) or each speaker in its own namespace through the router host's namespace sockets
// (`--mode ns`, root). Counts what the speakers log (collisions, NOTIFICATIONs by text) and the rounds in
// which some session was not established within 8 s. This is what a lab whose routers all start in one
// router host does to the speaker; the per-process runner starts them seconds apart.
//   node dist/bench/lab/collisions.js [--mode tcp|ns] [--pairs 8] [--rounds 8]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDaemon } from '../../src/bgp/speaker/daemon.js';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'tcp' }, pairs: { type: 'string', default: '8' }, rounds: { type: 'string', default: '8' } } });
const ns = values.mode === 'ns';
const pairs = Number(values.pairs);
const rounds = Number(values.rounds);
const dir = mkdtempSync(join(tmpdir(), 'acx-collisions-'));
const A = `acx-${process.pid}-ca`;
const B = `acx-${process.pid}-cb`;
const ip = (args: string[]) => execFileSync('ip', args, { stdio: 'ignore' });
const cleanup = () => {
  if (ns) for (const n of [A, B]) try { ip(['netns', 'del', n]); } catch { /* not there */ }
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));
if (ns) {
  ip(['netns', 'add', A]);
  ip(['netns', 'add', B]);
  ip(['link', 'add', 'acxca', 'netns', A, 'type', 'veth', 'peer', 'name', 'acxcb', 'netns', B]);
  for (let i = 0; i < pairs; i++) {
    ip(['-n', A, 'addr', 'add', `10.70.${i}.1/24`, 'dev', 'acxca']);
    ip(['-n', B, 'addr', 'add', `10.70.${i}.2/24`, 'dev', 'acxcb']);
  }
  for (const [n, d] of [[A, 'acxca'], [B, 'acxcb']] as const) {
    ip(['-n', n, 'link', 'set', d, 'up']);
    ip(['-n', n, 'link', 'set', 'lo', 'up']);
  }
}
const counts: Record<string, number> = {};
const count = (k: string) => { counts[k] = (counts[k] ?? 0) + 1; };
function config(name: string, as: number, peerAs: number, me: string, peer: string): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, `router-id: ${me}\nlocal-as: ${as}\nlisten: ["${me}:179"]\nfib: noop\ncontrol: { socket: ${join(dir, `${name}.sock`)} }\n` +
    `log: { level: info }\ngraceful-restart: false\nneighbors:\n  - { name: p, address: "${peer}", remote-as: ${peerAs}, local-address: "${me}", ` +
    `idle-hold-time: 1, connect-retry-time: 1, hold-time: 9, import: accept, export: accept }\n`);
  return f;
}
const write = (line: string) => {
  const d = JSON.parse(line) as { level: string; msg: string; text?: string };
  if (d.msg === 'connection collision') count('connection collision');
  if (d.level === 'warn' && d.msg === 'NOTIFICATION sent' && !/Administrative Shutdown/.test(d.text ?? '')) count(`NOTIFICATION sent: ${d.text}`);
};
for (let r = 0; r < rounds; r++) {
  const ds = await Promise.all(Array.from({ length: pairs }, (_, i) => {
    const a = ns ? `10.70.${i}.1` : `127.0.${i + 10}.1`;
    const b = ns ? `10.70.${i}.2` : `127.0.${i + 10}.2`;
    return [
      startDaemon(config(`a${i}`, 65001, 65002, a, b), { ...(ns ? { ns: A } : {}), signals: false, write }),
      startDaemon(config(`b${i}`, 65002, 65001, b, a), { ...(ns ? { ns: B } : {}), signals: false, write }),
    ];
  }).flat());
  const up = () => ds.every((d) => [...d.speaker.neighbors.values()].every((n) => n.peer.status().state === 'Established'));
  const t0 = Date.now();
  while (!up() && Date.now() - t0 < 8000) await new Promise((res) => setTimeout(res, 50));
  count(up() ? 'rounds: all established' : 'rounds: some session not established after 8 s');
  await Promise.all(ds.map((d) => d.stop()));
}
process.stdout.write(`${values.mode}, ${pairs} pairs × ${rounds} rounds:\n${Object.entries(counts).map(([k, v]) => `  ${v}  ${k}`).join('\n')}\n`);
process.exit(0);
