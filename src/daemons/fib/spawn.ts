// The argv that starts the kernel-route syncer (fib/main.ts) with the same Node.js as this process.

import { fileURLToPath } from 'node:url';

export function fibSyncArgv(kind: 'gobgp' | 'openbgpd', socket: string, intervalMs = 300): string[] {
  return [process.execPath, fileURLToPath(new URL('./main.js', import.meta.url)), '--kind', kind, '--socket', socket, '--interval', String(intervalMs)];
}
