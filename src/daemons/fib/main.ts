// The kernel-route syncer as a process of its own, started by a runner inside the router's namespace (so it
// is recorded by PID and dies with the router): every `--interval` ms it reads the daemon's best paths through
// its CLI, applies the difference with one `ip -batch -`, and on SIGTERM removes what it installed.
//   node main.js --kind gobgp|openbgpd --socket PATH [--interval 300]

import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { parseGobgpRib } from '../gobgp/parse.js';
import { parseOpenbgpdRib } from '../openbgpd/parse.js';
import type { RouteEntry } from '../types.js';
import { fibChanges, wantedFib, type FibTable } from './plan.js';

const { values } = parseArgs({ options: { kind: { type: 'string' }, socket: { type: 'string' }, interval: { type: 'string', default: '300' } } });
const socket = values.socket!;
const interval = Number(values.interval);

function run(argv: string[], input?: string): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.on('close', () => resolve(out));
    c.on('error', () => resolve(''));
    c.stdin.on('error', () => undefined); // a CLI that does not read its input closes the pipe: not an error
    c.stdin.end(input ?? '');
  });
}

async function bestPaths(): Promise<RouteEntry[] | null> {
  try {
    if (values.kind === 'gobgp') {
      const v4 = await run(['gobgp', `--target=unix://${socket}`, '-j', 'global', 'rib', '-a', 'ipv4']);
      const v6 = await run(['gobgp', `--target=unix://${socket}`, '-j', 'global', 'rib', '-a', 'ipv6']);
      if (!v4 || !v6) return null;
      return [...parseGobgpRib(v4), ...parseGobgpRib(v6)];
    }
    const out = await run(['bgpctl', '-s', socket, '-j', 'show', 'rib', 'detail']);
    return out ? parseOpenbgpdRib(out) : null;
  } catch {
    return null; // daemon restarting: try again next round
  }
}

let applied: FibTable = new Map();
let stopping = false;

async function round(): Promise<void> {
  try {
    const paths = await bestPaths();
    if (paths && !stopping) {
      const wanted = wantedFib(paths);
      const lines = fibChanges(applied, wanted);
      // -force: one unreachable next hop must not stop the rest of the batch.
      if (lines.length) await run(['ip', '-force', '-batch', '-'], lines.join('\n') + '\n');
      applied = wanted;
    }
  } catch (e) {
    process.stderr.write(`fibsync: ${(e as Error).message}\n`); // logged, and tried again next round
  }
  if (!stopping) setTimeout(() => void round(), interval);
}

function flush(): void {
  stopping = true;
  spawnSync('ip', ['route', 'flush', 'proto', 'bgp']);
  spawnSync('ip', ['-6', 'route', 'flush', 'proto', 'bgp']);
  process.exit(0);
}
process.on('SIGTERM', flush);
process.on('SIGINT', flush);
void round();
