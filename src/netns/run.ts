// Running external commands (ip, tc, sysctl, the daemons' CLIs) with a time limit, captured output and typed
// errors. Every command goes through here so that a hung CLI can never hang a test or the lab.

import { spawn } from 'node:child_process';
import { CommandFailedError, CommandTimeoutError } from './errors.js';

export interface RunOptions {
  /** Kill the command (SIGKILL) after this many milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** Written to the command's standard input, which is then closed. */
  input?: string;
  /** Resolve with the result instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function runCommand(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const res: RunResult = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        signal,
      };
      if (timedOut) reject(new CommandTimeoutError(argv, timeoutMs));
      else if (code !== 0 && !opts.allowFailure) reject(new CommandFailedError(argv, code, res.stderr, signal));
      else resolve(res);
    });
    child.stdin.on('error', () => {
      /* the command may exit before reading its input; its exit status tells what happened */
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** `ip [-n NS] -batch -` with the given lines: one process for any number of ip commands. */
export async function ipBatch(lines: readonly string[], ns?: string, timeoutMs = 30_000): Promise<void> {
  if (lines.length === 0) return;
  const argv = ns ? ['ip', '-n', ns, '-batch', '-'] : ['ip', '-batch', '-'];
  await runCommand(argv, { input: lines.join('\n') + '\n', timeoutMs });
}

/** Runs argv inside network namespace `ns` (`ip netns exec`), capturing output, with a time limit. */
export function nsExec(ns: string, argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return runCommand(['ip', 'netns', 'exec', ns, ...argv], opts);
}
