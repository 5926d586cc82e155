// The guard: a dead man's switch for the BIRD backend. BIRD keeps announcing whatever the include file says, so an
// agent killed with SIGKILL (or by the OOM killer) would leave its routes announced. With `guard: true` the agent
// starts this small process in its own process group, connected by a pipe. The agent reports each include file BIRD
// accepted ("applied <sha256>") and says "disarm" on a clean exit. When the pipe closes without "disarm" (the agent
// died: the kernel closes its end), the guard writes the empty set and reconfigures BIRD — unless the file changed
// since the agent's last report (someone else, e.g. a restarted agent, owns it now). It ignores SIGTERM/SIGINT/
// SIGHUP so that a service manager stopping the whole group does not kill it before it has done its job.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SystemClock } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { createLogger, type Logger } from '../../util/log.js';
import type { BirdBackendConfig } from '../config/types.js';
import { BIRD_RECONFIGURED, birdCommand, replyText } from './bird-control.js';
import { renderInclude } from './bird-render.js';
import { writeFileAtomic } from './bird.js';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface GuardHandle {
  pid: number | undefined;
  report(includeText: string): void;
  /** The agent is about to write this include file (it is the agent's even if BIRD never confirms it). */
  writing(includeText: string): void;
  disarm(): void;
}

export interface GuardArgs {
  socket: string;
  include: string;
  ipv4Protocol: string;
  ipv6Protocol: string;
  exportFilter: string;
  route: BirdBackendConfig['route'];
  name: string;
  timeoutMs: number;
}

const mainJs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'main.js');

export function spawnGuard(cfg: BirdBackendConfig, agentName: string, logger: Logger): GuardHandle {
  const args = ['agent', 'guard', '--socket', cfg.socket, '--include', cfg.includeFile, '--ipv4-protocol',
    cfg.ipv4Protocol, '--ipv6-protocol', cfg.ipv6Protocol, '--export-filter', cfg.exportFilter, '--route', cfg.route,
    '--name', agentName,
    '--timeout', String(cfg.timeoutMs)];
  const child: ChildProcess = spawn(process.execPath, [mainJs, ...args], {
    detached: true, stdio: ['pipe', 'ignore', 'inherit'],
  });
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  child.stdin!.on('error', () => {});
  child.on('exit', (code, sig) => logger.warn('bird guard exited', { pid: child.pid, code, signal: sig }));
  logger.info('bird guard started', { pid: child.pid });
  return {
    pid: child.pid,
    report: (text) => { child.stdin!.write(`applied ${sha256(text)}\n`); },
    writing: (text) => { child.stdin!.write(`writing ${sha256(text)}\n`); },
    disarm: () => { child.stdin!.end('disarm\n'); },
  };
}

/** The guard process itself (`anycast agent guard …`, started by spawnGuard). */
export async function runGuard(a: GuardArgs): Promise<number> {
  const logger = createLogger({ format: 'json' }, { component: 'bird-guard', agent: a.name, pid: process.pid });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => {});
  let lastSha = null as string | null;
  // Written by the agent, perhaps not yet confirmed by BIRD when the agent died.
  let pendingSha = null as string | null;
  let disarmed = false;
  let buf = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line === 'disarm') disarmed = true;
      else if (line.startsWith('applied ')) lastSha = line.slice(8);
      else if (line.startsWith('writing ')) pendingSha = line.slice(8);
    }
  });
  await new Promise<void>((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.on('error', () => resolve());
  });
  if (disarmed) return 0;
  logger.warn('agent gone without a clean shutdown: withdrawing its announcements', { include: a.include });
  let current: string | null = null;
  try {
    current = await readFile(a.include, 'utf8');
  } catch {
    current = null;
  }
  const mine = current === null || lastSha === null || [lastSha, pendingSha].includes(sha256(current));
  if (!mine) {
    logger.warn('the include file changed since the agent last reported it; leaving it alone', { include: a.include });
    return 0;
  }
  const empty = renderInclude(new Map(), { ipv4Protocol: a.ipv4Protocol, ipv6Protocol: a.ipv6Protocol,
    exportFilter: a.exportFilter, route: a.route, localAs: null }, a.name);
  const clock = new SystemClock(false);
  for (let attempt = 1; attempt <= 10; attempt++) {
    try {
      await writeFileAtomic(a.include, empty);
      const r = await birdCommand(a.socket, 'configure', a.timeoutMs, clock);
      if (r.code !== BIRD_RECONFIGURED) throw new Error(replyText(r));
      logger.info('withdrawn: empty set written and BIRD reconfigured', { attempt });
      return 0;
    } catch (e) {
      logger.error('guard: withdrawal failed', { attempt, error: errorMessage(e) });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  return 1;
}
