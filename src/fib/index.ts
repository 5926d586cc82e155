// The FIB module: kernel routes for the speaker (KernelFib over a persistent `ip -batch`), an in-memory FIB with
// longest-prefix-match lookups for the in-process lab (MemoryFib), a no-op FIB for runs without root
// (NoopFib), the next-hop resolver over the kernel's own routes (NextHopResolver + KernelRouteWatcher), and the
// shared LPM trie. createFib() picks the kernel FIB when it can, the no-op one otherwise.

import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../util/log.js';
import { ANYCAST_RTPROT, ANYCAST_RTPROT_NAME, KernelFib, type KernelFibOptions } from './kernel.js';
import { MemoryFib } from './memory.js';
import { NoopFib } from './noop.js';
import type { Fib } from './types.js';

export * from './types.js';
export * from './errors.js';
export { Lpm, PrefixTrie, type LpmMatch } from './lpm.js';
export { parsePrefix, parseAddress, canonicalAddress, type Family } from './addr.js';
export { FibDelta, normalizeChange } from './delta.js';
export { KernelFib, ANYCAST_RTPROT, ANYCAST_RTPROT_NAME, DEFAULT_METRIC, RT_TABLE_MAIN, type KernelFibOptions } from './kernel.js';
export { MemoryFib, type MemoryLookup } from './memory.js';
export { NoopFib } from './noop.js';
export { NextHopResolver, type Resolution, type ResolutionChange, type ResolvedHop, type ResolverOptions } from './resolver.js';
export { KernelRouteWatcher, type KernelRouteWatcherOptions } from './kernel-routes.js';
export type { KernelRoute } from './ip-lines.js';

export type FibKind = 'kernel' | 'memory' | 'noop' | 'auto';

/**
 * A FIB by kind. 'auto': the kernel FIB when running as root, else the no-op FIB (which says so once in the
 * log). A namespace given to 'auto' or 'kernel' is where the routes go.
 */
export function createFib(kind: FibKind, opts: KernelFibOptions & { logger?: Logger } = {}): Fib {
  const log = opts.logger ?? silentLogger;
  switch (kind) {
    case 'kernel':
      return new KernelFib(opts);
    case 'memory':
      return new MemoryFib();
    case 'noop':
      return new NoopFib(log, 'fib: none in the configuration');
    case 'auto':
      if (process.getuid?.() === 0) return new KernelFib(opts);
      return new NoopFib(log, 'not running as root: kernel routes need CAP_NET_ADMIN');
  }
}

/**
 * Names our protocol id for iproute2 (`ip route` then prints `proto anycast`): writes
 * `DIR/anycast.conf` unless a file there already names the id. Returns false (and changes nothing) if the
 * directory is not writable. Only cosmetic: the FIB itself always writes and reads the number.
 */
export function registerProtocolName(dir = '/etc/iproute2/rt_protos.d', id = ANYCAST_RTPROT, name = ANYCAST_RTPROT_NAME): boolean {
  const file = join(dir, `${name}.conf`);
  const line = `${id}\t${name}\n`;
  try {
    if (readFileSync(file, 'utf8').includes(line)) return true;
  } catch {
    /* not there yet */
  }
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `# Route protocol id of the anycast BGP speaker's kernel routes\n${line}`);
    return true;
  } catch {
    return false;
  }
}
