// Shared test helpers: queries built with dns-packet (independent of our codec), replies decoded with it, the
// example zone, a server on a random loopback port, and running dig.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import dnsPacket from 'dns-packet';
import { createResponder, type Responder, type ResponderOptions } from '../../src/dns/answer/responder.js';
import { createDnsServer, type DnsServer, type DnsServerOptions } from '../../src/dns/server.js';
import { loadZone } from '../../src/dns/zone/load.js';
import type { Zone } from '../../src/dns/zone/zone.js';
import { loadUdpBatch } from '../../src/dns/udp/native.js';
import type { UdpBackend } from '../../src/dns/udp/listener.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const exampleZoneFile = join(repoRoot, 'examples', 'dns', 'example.com.zone');

export function exampleZone(): Zone {
  return loadZone({ file: exampleZoneFile }).zone;
}

export const identity = { hostname: 'site-a.test', id: 'site-a', version: 'anycast-test', nsid: Buffer.from('nsid-a') };

export interface QOpts {
  id?: number;
  class?: string;
  edns?: number | false;
  nsid?: boolean;
  do?: boolean;
  rd?: boolean;
  cd?: boolean;
}

export function query(name: string, type = 'A', o: QOpts = {}): Buffer {
  const additionals: unknown[] = [];
  if (o.edns !== false && (o.edns !== undefined || o.nsid || o.do)) {
    additionals.push({ type: 'OPT', name: '.', udpPayloadSize: o.edns ?? 1232, flags: o.do ? 0x8000 : 0,
      options: o.nsid ? [{ code: 3, data: Buffer.alloc(0) }] : [] });
  }
  return dnsPacket.encode({
    type: 'query', id: o.id ?? 0x1234,
    flags: (o.rd ? dnsPacket.RECURSION_DESIRED : 0) | (o.cd ? dnsPacket.CHECKING_DISABLED : 0),
    questions: [{ name, type: type as dnsPacket.RecordType, class: (o.class ?? 'IN') as dnsPacket.RecordClass }],
    additionals: additionals as dnsPacket.Answer[],
  });
}

export type Decoded = dnsPacket.DecodedPacket & { rcode: string; aa: boolean; tc: boolean };

export function decode(buf: Buffer): Decoded {
  const p = dnsPacket.decode(buf) as dnsPacket.DecodedPacket;
  const flags = p.flags ?? 0;
  return Object.assign(p, { rcode: (p as { rcode?: string }).rcode ?? '', aa: (flags & 0x400) !== 0, tc: (flags & 0x200) !== 0 });
}

export function responder(extra: Partial<ResponderOptions> = {}): Responder {
  return createResponder({ zones: [exampleZone()], identity, ...extra });
}

export const udp = { address: '192.0.2.1', transport: 'udp' as const };
export const tcp = { address: '192.0.2.1', transport: 'tcp' as const };

export async function startServer(extra: Partial<DnsServerOptions> = {}):
  Promise<{ server: DnsServer; port: number; port6: number }> {
  const server = createDnsServer({
    zones: [exampleZone()], identity, listen: [{ address: '127.0.0.1', port: 0 }, { address: '::1', port: 0 }],
    ...extra,
  });
  const bound = await server.start();
  return { server, port: bound[0]!.port, port6: bound.find((b) => b.family === 'IPv6')?.port ?? 0 };
}

export const nativeUdp = loadUdpBatch();
/** Skip reason for tests of the native UDP backend where the addon is not built (reported as skipped). */
export const noNative: string | false = nativeUdp.addon ? false : `native UDP addon not available: ${nativeUdp.reason}`;
/** Both UDP backends, for socket tests that must hold on each; the native one is skipped where not built. */
export const backends: Array<{ name: UdpBackend; skip: string | false }> =
  [{ name: 'native', skip: noNative }, { name: 'dgram', skip: false }];

export function dig(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('dig', args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && !stdout) reject(new Error(`dig ${args.join(' ')}: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}
