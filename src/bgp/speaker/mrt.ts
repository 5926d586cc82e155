// MRT output of the speaker (RFC 6396): a TABLE_DUMP_V2 dump of the RIB on request (every candidate path of every
// prefix, one PEER_INDEX_TABLE first; our own routes under our router id) and an optional BGP4MP log of every
// message sent and received and every state change (BGP4MP_ET, microsecond timestamps).
//
// The record codec and writer are the MRT module's (src/mrt). It is loaded at run time: a build without it
// answers ERR_UNAVAILABLE for a dump and logs once that no BGP4MP log is written, instead of failing to start.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AnycastError, errorMessage } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import type { MessageTap } from '../peer/events.js';
import { formatPrefix } from '../rib/prefix.js';
import type { PathAttribute } from '../wire/attributes.js';
import { wireAttributes } from './outbound.js';
import type { Speaker } from './speaker.js';

// The parts of src/mrt used here (its build.ts and writer.ts).
interface MrtWriterLike { write(r: unknown): Promise<void>; close(): Promise<void>; records: number; octets: number }
interface MrtModule {
  MrtWriter: new (out: NodeJS.WritableStream) => MrtWriterLike;
  RibDumper: new (w: MrtWriterLike, o: { timestamp: number; collectorBgpId: string; viewName?: string;
    peers: readonly { bgpId: string; address: string; asn: number }[] }) => {
    begin(): Promise<void>;
    prefix(prefix: string, routes: readonly { peerIndex: number; originatedTime: number; pathId?: number; attributes: readonly PathAttribute[] }[]): Promise<void>;
  };
  mrtNextHop(afi: number, nextHops: readonly string[]): PathAttribute;
  messageRecord(o: Record<string, unknown>): unknown;
  stateChangeRecord(o: Record<string, unknown>): unknown;
}

const MRT_MODULE = '../../mrt/index.js';

async function loadMrt(): Promise<MrtModule | null> {
  try {
    return (await import(MRT_MODULE)) as MrtModule;
  } catch {
    return null;
  }
}

export class MrtUnavailableError extends AnycastError {
  constructor() {
    super('ERR_UNAVAILABLE', 'MRT output needs the MRT module (src/mrt), which this build does not include');
  }
}

const STATE_NUMBERS: Record<string, number> = { Idle: 1, Connect: 2, Active: 3, OpenSent: 4, OpenConfirm: 5, Established: 6 };

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}.${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Write a TABLE_DUMP_V2 dump of the RIB to `target` (a file, or a directory for rib.YYYYMMDD.HHMMSS.mrt). */
export async function mrtDump(s: Speaker, target: string | null | undefined, log: Logger): Promise<Record<string, unknown>> {
  if (target === null || target === undefined) throw new AnycastError('ERR_USAGE', 'no file given and mrt.dump-dir is not configured');
  const mrt = await loadMrt();
  if (mrt === null) throw new MrtUnavailableError();
  const file = target.endsWith('.mrt') || target.endsWith('.dump') ? target : join(target, `rib.${stamp()}.mrt`);
  await mkdir(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const w = new mrt.MrtWriter(out);
  const now = Math.floor(Date.now() / 1000);
  // Peer index 0 is us (originated routes), then every neighbor registered in the RIB.
  const peers = [{ bgpId: s.config.routerId, address: '0.0.0.0', asn: s.config.localAs }];
  const indexOf = new Map<string, number>();
  for (const info of s.rib.peers()) { indexOf.set(info.name, peers.length); peers.push({ bgpId: ipv4(info.routerId), address: info.address, asn: info.asn }); }
  const d = new mrt.RibDumper(w, { timestamp: now, collectorBgpId: s.config.routerId, viewName: 'anycast', peers });
  await d.begin();
  let prefixes = 0;
  for (const afi of ['ipv4', 'ipv6'] as const) {
    for (const r of s.rib.locRib(afi)) {
      const l = s.rib.lookup(afi, r.prefix);
      if (l === null) continue;
      const routes = [];
      for (const c of l.candidates) {
        // The attributes without next hop, then the next hop the family's way (RFC 6396 §4.3.4 for IPv6).
        const attrs = wireAttributes(c.attrs, 'ipv6', true) as PathAttribute[];
        const nh = c.attrs.nextHop;
        if (nh !== null && afi === 'ipv4' && nh.afi === 'ipv4') {
          attrs.push({ name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: nh.address });
          attrs.sort((x, y) => x.typeCode - y.typeCode);
        } else if (nh !== null && afi === 'ipv6') {
          attrs.unshift(mrt.mrtNextHop(2, nh.linkLocal === null ? [nh.address] : [nh.address, nh.linkLocal]));
        }
        routes.push({ peerIndex: c.peer.kind === 'local' ? 0 : indexOf.get(c.peer.name) ?? 0, originatedTime: now,
          ...(c.pathId !== 0 ? { pathId: c.pathId } : {}), attributes: attrs });
      }
      await d.prefix(formatPrefix(r.prefix), routes);
      prefixes++;
    }
  }
  await w.close();
  log.info('MRT dump written', { file, prefixes, records: w.records, octets: w.octets });
  return { file, prefixes, records: w.records, octets: w.octets };
}

function ipv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export interface MrtLog {
  readonly tap: MessageTap;
  close(): Promise<void>;
}

/** A BGP4MP log of every message and state change, appended to `file`; null (logged) without the MRT module. */
export async function openBgp4mpLog(file: string, log: Logger): Promise<MrtLog | null> {
  const mrt = await loadMrt();
  if (mrt === null) {
    log.error('mrt.bgp4mp is configured but this build has no MRT module: no BGP4MP log is written', { file });
    return null;
  }
  await mkdir(dirname(file), { recursive: true });
  const w = new mrt.MrtWriter(createWriteStream(file, { flags: 'a' }));
  let chain: Promise<void> = Promise.resolve();
  let failed = false;
  const write = (rec: unknown) => {
    chain = chain.then(() => w.write(rec)).catch((e: unknown) => {
      if (!failed) { failed = true; log.error('BGP4MP log write failed; logging stops', { file, error: errorMessage(e) }); }
    });
  };
  const tap: MessageTap = {
    message: (m) => {
      if (failed) return;
      write(mrt.messageRecord({ peer: { asn: m.peerAs, ip: m.remote.address }, local: { asn: m.localAs, ip: m.local.address },
        timestamp: Math.floor(m.time / 1000), microseconds: Math.floor((m.time % 1000) * 1000),
        direction: m.direction === 'in' ? 'received' : 'sent', as4: m.as4, message: m.bytes }));
    },
    state: (st) => {
      if (failed || st.local === null || st.local.address.includes(':') !== st.remote.address.includes(':')) return;
      write(mrt.stateChangeRecord({ peer: { asn: st.peerAs, ip: st.remote.address }, local: { asn: st.localAs, ip: st.local.address },
        timestamp: Math.floor(st.time / 1000), microseconds: Math.floor((st.time % 1000) * 1000),
        oldState: STATE_NUMBERS[st.from] ?? 1, newState: STATE_NUMBERS[st.to] ?? 1 }));
    },
  };
  log.info('BGP4MP log', { file });
  return { tap, close: async () => { await chain; await w.close().catch(() => {}); } };
}
