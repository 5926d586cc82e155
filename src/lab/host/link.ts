// A lab's link to its router host process: where its control socket is (the lab's directory), starting the
// process the first time a router needs it (once, however many routers start at the same time), recording it
// in the lab's registry (so `lab down` and cleanup after a crash stop it like any daemon), and finding it again
// from a later command (`anycast lab node N start`) through the socket.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceRegistry } from '../../netns/registry.js';
import { loadNetnsSockets } from '../../netns/sockets.js';
import { hostApi } from './control.js';
import { HostUnreachableError } from './errors.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** How a lab runs this project's routers: all in one router host process (default), or one process each. */
export type RouterRunner = 'host' | 'process';

/**
 * The runner asked for in the environment (ANYCAST_LAB_ROUTERS=process|host), else the default: host when the
 * native addon that makes sockets in other namespaces is built, a process per router otherwise.
 */
export function defaultRouterRunner(): RouterRunner {
  const asked = process.env.ANYCAST_LAB_ROUTERS;
  if (asked === 'process' || asked === 'host') return asked;
  try {
    loadNetnsSockets();
    return 'host';
  } catch {
    return 'process';
  }
}

export class RouterHostLink {
  readonly socket: string;
  readonly logFile: string;
  private starting: Promise<number> | null = null;
  private pidNow: number | null = null;

  constructor(readonly labDir: string) {
    this.socket = join(labDir, 'router-host.sock');
    this.logFile = join(labDir, 'router-host.log');
  }

  get pid(): number | null {
    return this.pidNow;
  }

  /** The host's PID, starting the process first when none answers on the socket. */
  ensure(registry: ResourceRegistry | undefined, unref: boolean): Promise<number> {
    this.starting ??= this.findOrStart(registry, unref).catch((e: unknown) => {
      this.starting = null;
      throw e;
    });
    return this.starting;
  }

  private async findOrStart(registry: ResourceRegistry | undefined, unref: boolean): Promise<number> {
    const running = await hostApi(this.socket, 'GET', '/v1/routers', undefined, 2000).then((v) => v, () => null);
    if (running !== null) return (this.pidNow = (running.pid as number | undefined) ?? 0);
    // ANYCAST_ROUTER_HOST_PROFILE=DIR: a V8 CPU profile of the host is written there when it exits.
    const prof = process.env.ANYCAST_ROUTER_HOST_PROFILE;
    const argv = [process.execPath, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), MAIN, '--socket', this.socket];
    const fd = openSync(this.logFile, 'a');
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    if (child.pid === undefined) throw new HostUnreachableError(this.socket, `could not start ${argv.join(' ')}`);
    registry?.addProcess(child.pid, argv, { name: 'router-host' });
    let exited: string | null = null;
    child.on('exit', (code, sig) => { exited = `exited (${sig ?? code}); see ${this.logFile}`; });
    child.on('error', (e) => { exited = e.message; });
    if (unref) child.unref();
    const until = Date.now() + 15_000;
    for (;;) {
      if (exited !== null) throw new HostUnreachableError(this.socket, exited);
      const v = await hostApi(this.socket, 'GET', '/v1/routers', undefined, 1000).then((x) => x, () => null);
      if (v !== null) return (this.pidNow = child.pid);
      if (Date.now() > until) throw new HostUnreachableError(this.socket, `no answer 15 s after start; see ${this.logFile}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
