// Processes by PID: who a PID is (/proc/PID/cmdline and its start time, so that a recycled PID is never
// mistaken for one we started), signals (stop, freeze with SIGSTOP, thaw with SIGCONT), and waiting for exit.
// Synchronous on purpose: these run from exit hooks and from crash cleanup, where nothing can be awaited.

import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** argv as read from /proc/PID/cmdline. */
  cmdline: string[];
  /** Field 22 of /proc/PID/stat: start time in clock ticks after boot; with the PID it names one process. */
  startTime: number;
}

/** Reads who `pid` is now, or null if there is no such process (or it is a zombie being reaped). */
export function readIdentity(pid: number): ProcessIdentity | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) is in parentheses and may contain spaces or ')': split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z' || rest[0] === 'X') return null;
    const startTime = Number(rest[19]); // field 22 overall = index 19 after pid and comm
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const cmdline = raw.split('\0');
    if (cmdline[cmdline.length - 1] === '') cmdline.pop();
    return { pid, cmdline, startTime };
  } catch {
    return null;
  }
}

/**
 * True if `pid` is still the process we recorded: the same start time (a recycled PID has a later one) and a
 * command line that still names the program we started. `ip netns exec` replaces itself with the program
 * (execvp, same PID, same start time), so a record taken in between may show either; interpreters show the
 * script after the interpreter (python3 /usr/sbin/exabgp), hence "contains the program's base name".
 */
export function isSameProcess(rec: { pid: number; startTime: number; argv: readonly string[] }): boolean {
  const now = readIdentity(rec.pid);
  if (!now || now.startTime !== rec.startTime) return false;
  const prog = (rec.argv[0] ?? '').split('/').pop() ?? '';
  const first = (now.cmdline[0] ?? '').split('/').pop();
  return first === 'ip' || now.cmdline.some((a) => a.split('/').pop() === prog || a.startsWith(prog + ':'));
}

export function isAlive(pid: number): boolean {
  return readIdentity(pid) !== null;
}

/** Sends a signal; returns false if the process no longer exists. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

export const freeze = (pid: number) => signal(pid, 'SIGSTOP');
export const thaw = (pid: number) => signal(pid, 'SIGCONT');

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the thread (used only where nothing can be awaited: exit hooks, crash cleanup). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/** Waits (blocking) until the process is gone; returns false if it is still there after `timeoutMs`. */
export function waitGoneSync(pid: number, timeoutMs: number): boolean {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    sleepSync(10);
  }
  return !isAlive(pid);
}

export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !isAlive(pid);
}

/**
 * Ends a process: SIGTERM (SIGCONT first, so a frozen process can act on it), then SIGKILL after `graceMs`.
 * Returns true once it is gone.
 */
export function terminateSync(pid: number, graceMs = 2000): boolean {
  if (!signal(pid, 'SIGTERM')) return true;
  signal(pid, 'SIGCONT');
  if (waitGoneSync(pid, graceMs)) return true;
  signal(pid, 'SIGKILL');
  return waitGoneSync(pid, 2000);
}

export async function terminate(pid: number, graceMs = 2000): Promise<boolean> {
  if (!signal(pid, 'SIGTERM')) return true;
  signal(pid, 'SIGCONT');
  if (await waitGone(pid, graceMs)) return true;
  signal(pid, 'SIGKILL');
  return waitGone(pid, 2000);
}
