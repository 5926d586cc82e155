// Helpers shared by the agent's namespace labs (ns-lab.ts with an upstream BIRD, speaker-ns-lab.ts with the
// embedded speaker): polling for a condition, and long-lived processes inside a namespace.
import { spawn, type ChildProcess } from 'node:child_process';

/** Polls `fn` every `everyMs` until it holds; returns the time it held, or throws naming `what`. */
export async function waitFor(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 15_000, everyMs = 50): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now();
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Runs `argv` inside namespace `ns`; its stderr is handed over line by line. */
export function spawnInNamespace(ns: string, argv: string[], onStderr?: (line: string) => void): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  let partial = '';
  child.stderr!.on('data', (d) => {
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l.trim()) onStderr?.(l);
  });
  return child;
}
