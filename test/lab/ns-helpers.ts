// Shared by the lab's namespace tests: root check, a private state directory, and the check that a lab left
// nothing behind — no namespace with its prefix, no process of it (recorded, or running a program from its
// directory), no interface of it in the root namespace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = process.getuid?.() === 0;
export const skip = root ? false : 'needs root for network namespaces';

/** A fresh state directory for this test process (labs are recorded under it). */
export function useStateDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `acl-${tag}-${process.pid}-`));
  // Daemons that drop privileges (FRR's zebra runs as user frr) must reach their directory below it.
  chmodSync(d, 0o755);
  process.env.ANYCAST_STATE_DIR = d;
  // Removed at exit when no lab is recorded in it any more (a lab left behind keeps its records for `lab down`).
  process.once('exit', () => {
    const labs = join(d, 'labs');
    if (!existsSync(labs) || readdirSync(labs).length === 0) rmSync(d, { recursive: true, force: true });
  });
  return d;
}

export function namespacesWith(prefix: string): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return r.stdout.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(`${prefix}-`));
}

/** PIDs of processes whose command line mentions `needle` (e.g. the lab's directory). */
export function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(needle)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

export function assertNothingLeft(prefix: string, labDir: string, nodeNames: string[]): void {
  assert.deepEqual(namespacesWith(prefix), [], 'no namespace left');
  assert.deepEqual(processesMentioning(labDir), [], 'no process of the lab left');
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
  const names = new Set(links.split('\n').map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1]).filter(Boolean));
  // Interfaces are named after nodes and live only inside the lab's namespaces.
  for (const n of nodeNames) assert.ok(!names.has(n) || n === 'lo', `no interface ${n} in the root namespace`);
}
