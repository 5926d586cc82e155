// Shared inputs of the daemon unit tests: one router description exercising every neutral feature, and the
// outputs captured from the real tools (test/daemons/fixtures/, see docs/real-peers.md for how they were made).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRouter, type RouterSpec } from '../../src/daemons/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../test/daemons/fixtures');
export const sample = (name: string): string => readFileSync(join(dir, name), 'utf8');

export const router: RouterSpec = {
  name: 'r1',
  routerId: '10.255.0.1',
  localAs: 65001,
  neighbors: [
    { address: '10.0.1.2', remoteAs: 65002, localAddress: '10.0.1.1', import: 'gao-rexford', export: 'gao-rexford', role: 'customer', name: 'cust' },
    { address: '10.0.2.2', remoteAs: 65003, localAddress: '10.0.2.1', import: 'gao-rexford', export: 'gao-rexford', role: 'provider', name: 'up', passive: true, holdTime: 30 },
    { address: 'fd00:3::2', remoteAs: 65004, localAddress: 'fd00:3::1', multihop: 2, addPath: 'both', gracefulRestart: { restartTime: 60 }, name: 'v6peer' },
    { address: '10.0.4.2', remoteAs: 65005, localAddress: '10.0.4.1', import: 'reject-all', export: 'reject-all', name: 'closed', families: ['ipv4', 'ipv6'] },
    { address: '10.0.5.2', remoteAs: 65001, localAddress: '10.0.5.1', nextHopSelf: true, name: 'ibgp' },
  ],
  originate: [
    { prefix: '192.0.2.0/24', communities: ['65001:100'], largeCommunities: ['65001:1:2'], med: 50, prepend: 2, origin: 'egp' },
    { prefix: '2001:db8:1::/48', communities: ['65001:6'], asPath: [64999] },
  ],
};

export const resolved = resolveRouter(router);

/** The lines of a config block that starts with a line matching `head` (brace-delimited). */
export function block(text: string, head: RegExp): string[] {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => head.test(l));
  if (i < 0) return [];
  let depth = 0;
  const out: string[] = [];
  for (let j = i; j < lines.length; j++) {
    out.push(lines[j]!.trim());
    depth += (lines[j]!.match(/{/g) ?? []).length - (lines[j]!.match(/}/g) ?? []).length;
    if (depth <= 0 && j > i) break;
    if (depth <= 0 && lines[j]!.includes('}')) break;
  }
  return out;
}
