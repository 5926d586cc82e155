// Packet capture inside a namespace: tcpdump writing a pcap (packet-buffered, so the file is complete up to the
// last packet when the capture is stopped), tracked like any other process; and tshark's decode of a capture
// as JSON (Wireshark's dissectors are an independent reading of every BGP field).

import { MissingCapabilityError } from '../util/errors.js';
import { hasProgram } from './capabilities.js';
import type { ResourceRegistry } from './registry.js';
import { runCommand } from './run.js';
import { nsSpawn, type NsProcess } from './spawn.js';

export interface CaptureOptions {
  /** A pcap-filter expression, e.g. 'tcp port 179'. */
  filter?: string;
  logFile?: string;
}

/** Starts `tcpdump -i IFNAME -w FILE -U [FILTER]` in `ns`; resolves once tcpdump is listening. */
export async function startCapture(ns: string, ifname: string, file: string, registry?: ResourceRegistry, opts: CaptureOptions = {}): Promise<NsProcess> {
  if (!hasProgram('tcpdump')) throw new MissingCapabilityError('tcpdump', 'install the Debian package tcpdump');
  // -Z root: tcpdump would drop to its own user and then be unable to write into a private directory.
  // --immediate-mode: without it, packets wait in the kernel's ring until a block fills, and a capture stopped
  // soon after the traffic comes out empty.
  const argv = ['tcpdump', '-i', ifname, '-w', file, '-U', '-n', '-Z', 'root', '--immediate-mode', ...(opts.filter ? opts.filter.split(/\s+/) : [])];
  const p = nsSpawn(ns, argv, registry, { logFile: opts.logFile, name: `tcpdump(${ns}:${ifname})` });
  // tcpdump says "listening on …" on stderr once the socket is open; without a log file, give it a moment.
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    p.assertRunning();
    if (!opts.logFile || /listening on/.test(p.logTail(3))) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (!opts.logFile) await new Promise((r) => setTimeout(r, 300));
  return p;
}

/** tshark's JSON decode of the BGP messages in a capture (`tshark -r FILE -Y bgp -T json`). */
export async function decodeBgpCapture(file: string): Promise<unknown[]> {
  if (!hasProgram('tshark')) throw new MissingCapabilityError('tshark', 'install the Debian package tshark');
  const r = await runCommand(['tshark', '-r', file, '-Y', 'bgp', '-T', 'json'], { timeoutMs: 60_000 });
  return JSON.parse(r.stdout || '[]') as unknown[];
}
