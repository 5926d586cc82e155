// FRR's zebra as the kernel-route installer of a router: used by FRR's bgpd and by GoBGP (through its zebra
// client) when a router must forward. zebra cannot skip dropping to user frr, so the router's private directory
// (sockets, pid file, log) is handed to that user; its zserv socket lives there, not in /run/frr.

import { execFileSync } from 'node:child_process';
import { chownSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NsProcess, SpawnOptions } from '../../netns/spawn.js';

export const FRR_DIR = '/usr/lib/frr';

export function zservPath(dir: string): string {
  return join(dir, 'zserv.api');
}

/**
 * Starts zebra in the namespace through `spawn` (the runner's, so the PID is recorded) and resolves once its
 * zserv socket exists.
 */
export async function startZebra(
  dir: string,
  name: string,
  spawn: (argv: string[], opts: SpawnOptions) => NsProcess,
  waitReady: (probe: () => Promise<unknown>, timeoutMs: number) => Promise<void>,
): Promise<NsProcess> {
  writeFileSync(join(dir, 'zebra.conf'), `hostname ${name}\nlog file ${join(dir, 'zebra.log')}\n`);
  const uid = Number(execFileSync('id', ['-u', 'frr'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'frr'], { encoding: 'utf8' }).trim());
  for (const f of [dir, ...readdirSync(dir).map((x) => join(dir, x))]) chownSync(f, uid, gid);
  const zebra = spawn([`${FRR_DIR}/zebra`, '-f', join(dir, 'zebra.conf'), '-i', join(dir, 'zebra.pid'), '-z', zservPath(dir), '--vty_socket', dir],
    { logFile: join(dir, 'zebra.stderr'), name: `zebra(${name})` });
  await waitReady(async () => {
    zebra.assertRunning();
    execFileSync('test', ['-S', zservPath(dir)]);
  }, 10_000);
  return zebra;
}
