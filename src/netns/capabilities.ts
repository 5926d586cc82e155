// What this machine can do for the harness, detected once: root, working `ip netns`, the netem qdisc (tried for
// real on a veth inside a scratch namespace, since the module may be missing from the kernel), packet capture
// tools, and the BGP daemons with their versions. requireNetns() turns a lack into a MissingCapabilityError
// with what to do about it, so callers fail early and clearly instead of half-building a lab.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MissingCapabilityError } from '../util/errors.js';
import { runCommand } from './run.js';

export interface Capabilities {
  root: boolean;
  netns: boolean;
  netem: boolean;
  tcpdump: boolean;
  tshark: boolean;
  /** Version string per daemon, or null if not installed. */
  daemons: Record<'bird' | 'frr' | 'gobgp' | 'openbgpd' | 'exabgp', string | null>;
  /** Why netns or netem is unavailable, when it is. */
  notes: string[];
}

/** True if `name` is an executable file in one of the PATH directories (no process started). */
export function hasProgram(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      /* not here */
    }
  }
  return false;
}

function versionOf(argv: string[], re: RegExp): string | null {
  try {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 5000 });
    if (r.error) return null;
    const m = re.exec(`${r.stdout}\n${r.stderr}`);
    return m ? m[1]! : null;
  } catch {
    return null;
  }
}

export function daemonVersions(): Capabilities['daemons'] {
  return {
    bird: versionOf(['bird', '--version'], /BIRD version (\S+)/),
    frr: existsSync('/usr/lib/frr/bgpd') ? versionOf(['/usr/lib/frr/bgpd', '--version'], /version (\S+)/) : null,
    gobgp: versionOf(['gobgpd', '--version'], /gobgpd version (\S+)/),
    openbgpd: versionOf(['bgpctl', '-V'], /OpenBGPD (\S+)/),
    exabgp: versionOf(['exabgp', '--version'], /ExaBGP : (\S+)/),
  };
}

let cached: Promise<Capabilities> | null = null;

/** Detects once per process; `scratchPrefix` names the throwaway namespace used to try netem. */
export function detectCapabilities(scratchPrefix = 'acp'): Promise<Capabilities> {
  cached ??= detect(scratchPrefix);
  return cached;
}

async function detect(prefix: string): Promise<Capabilities> {
  const notes: string[] = [];
  const root = process.getuid?.() === 0;
  let netns = false;
  let netem = false;
  if (!root) notes.push('not root: namespaces need root (or CAP_SYS_ADMIN and CAP_NET_ADMIN)');
  if (root && hasProgram('ip')) {
    const scratch = `${prefix}-cap-${process.pid}`;
    const made = await runCommand(['ip', 'netns', 'add', scratch], { allowFailure: true });
    if (made.code === 0) {
      netns = true;
      try {
        const veth = await runCommand(['ip', '-n', scratch, 'link', 'add', 'c0', 'type', 'veth', 'peer', 'name', 'c1'], { allowFailure: true });
        if (veth.code === 0) {
          const q = await runCommand(['tc', '-n', scratch, 'qdisc', 'add', 'dev', 'c0', 'root', 'netem', 'delay', '1ms'], { allowFailure: true });
          netem = q.code === 0;
          if (!netem) notes.push(`netem qdisc unavailable: ${q.stderr.trim().split('\n')[0] ?? 'tc failed'}`);
        }
      } finally {
        await runCommand(['ip', 'netns', 'del', scratch], { allowFailure: true });
      }
    } else {
      notes.push(`ip netns add failed: ${made.stderr.trim()}`);
    }
  }
  return { root, netns, netem, tcpdump: hasProgram('tcpdump'), tshark: hasProgram('tshark'), daemons: daemonVersions(), notes };
}

/** Throws MissingCapabilityError unless this process can create network namespaces. */
export async function requireNetns(): Promise<Capabilities> {
  const caps = await detectCapabilities();
  if (!caps.root) throw new MissingCapabilityError('root', 'network namespaces need root; run as root (e.g. sudo)');
  if (!caps.netns) throw new MissingCapabilityError('ip netns', `${caps.notes.join('; ')}; install iproute2 and check the kernel has CONFIG_NET_NS`);
  return caps;
}

const PACKAGES: Record<keyof Capabilities['daemons'], string> = {
  bird: 'bird2', frr: 'frr', gobgp: 'gobgpd', openbgpd: 'openbgpd', exabgp: 'exabgp',
};

const BINARIES: Record<keyof Capabilities['daemons'], string> = {
  bird: 'bird', frr: '/usr/lib/frr/bgpd', gobgp: 'gobgpd', openbgpd: 'bgpd', exabgp: 'exabgp',
};

/**
 * Throws MissingCapabilityError naming the Debian package if the daemon is not installed. Only looks the
 * program up (no version run: ExaBGP's takes a third of a second), so runners can call it on every start.
 */
export function requireDaemon(kind: keyof Capabilities['daemons']): void {
  const bin = BINARIES[kind];
  const present = bin.startsWith('/') ? existsSync(bin) : hasProgram(bin);
  if (!present) throw new MissingCapabilityError(kind, `install the Debian package ${PACKAGES[kind]} (apt-get install ${PACKAGES[kind]})`);
}

/** The installed version, or a MissingCapabilityError naming the Debian package. */
export function daemonVersion(kind: keyof Capabilities['daemons']): string {
  const v = daemonVersions()[kind];
  if (!v) throw new MissingCapabilityError(kind, `install the Debian package ${PACKAGES[kind]} (apt-get install ${PACKAGES[kind]})`);
  return v;
}
