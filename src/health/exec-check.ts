// Exec check: run a command; exit code 0 is healthy. The command runs in its own process group so that a timeout
// kills everything it started (a shell script's children included), not only the direct child — otherwise a hung
// grandchild survives every timeout and the host slowly fills with stuck checks.
import { spawn } from 'node:child_process';
import type { Probe, ProbeResult } from './types.js';

export interface ExecCheckSpec {
  /** argv form (no shell), or a single string run by /bin/sh -c. */
  command: string[] | string;
  env?: Record<string, string>;
  cwd?: string;
}

const OUTPUT_LIMIT = 4096;

export function execProbe(spec: ExecCheckSpec): Probe {
  const [file, args] = typeof spec.command === 'string'
    ? ['/bin/sh', ['-c', spec.command]]
    : [spec.command[0]!, spec.command.slice(1)];
  return ({ signal }) => new Promise<ProbeResult>((resolve) => {
    let output = '';
    let settled = false;
    const done = (r: ProbeResult) => {
      if (!settled) {
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      }
    };
    const child = spawn(file, args, {
      detached: true, // new process group: -pid reaches every descendant
      stdio: ['ignore', 'pipe', 'pipe'],
      env: spec.env ? { ...process.env, ...spec.env } : process.env,
      cwd: spec.cwd,
    });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const onAbort = () => {
      killGroup();
      done({ ok: false, detail: 'killed (timeout)' });
    };
    const collect = (d: Buffer) => {
      if (output.length < OUTPUT_LIMIT) output += d.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (e) => done({ ok: false, detail: `cannot run ${file}: ${e.message}` }));
    child.on('close', (code, sig) => {
      // The command is done; reap anything it left behind in its group as well.
      killGroup();
      const tail = lastLine(output);
      if (code === 0) done({ ok: true, detail: tail ? `exit 0: ${tail}` : 'exit 0' });
      else done({ ok: false, detail: `${sig ? `signal ${sig}` : `exit ${code}`}${tail ? `: ${tail}` : ''}` });
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

function lastLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const l = lines[lines.length - 1] ?? '';
  return l.length > 200 ? l.slice(0, 200) + '…' : l;
}
