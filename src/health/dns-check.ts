// DNS check: send a query over UDP or TCP to server:port and check the response's RCODE, answer records, and
// optionally the server's identity — NSID (RFC 5001, an EDNS(0) option, RFC 6891) and/or the CHAOS-class TXT
// record hostname.bind. The identity checks prove that the instance answering on this site is the local one.
//
// The minimal client (dnsExchange) lives here on purpose, built on the dns-packet codec, so that it can be swapped
// for the DNS module's client without touching the check logic. TCP uses the 2-octet length framing of RFC 1035
// §4.2.2 (RFC 7766).
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { isIPv6 } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { canonicalIp } from '../agent/prefix.js';
import type { Probe, ProbeResult } from './types.js';

export interface DnsQuestion {
  name: string;
  type: string;
  class: string;
}

export interface DnsCheckSpec {
  server: string;
  port: number;
  transport: 'udp' | 'tcp';
  query: DnsQuestion;
  recursionDesired: boolean;
  /** RCODE name as dns-packet spells it: NOERROR, NXDOMAIN, SERVFAIL, REFUSED… */
  expectRcode: string;
  /** Every listed value must appear among the answers of the queried type (case-insensitive for names). */
  expectAnswer?: string[];
  /** Expected NSID payload (UTF-8 text, or "hex:…"). Adds the NSID option to the query. */
  expectNsid?: string;
  /** Expected TXT of hostname.bind CH — a second query. */
  expectHostnameBind?: string;
}

type Decoded = dnsPacket.DecodedPacket & { rcode?: string };

/** One DNS exchange: encode, send, await the response with our ID, decode. Rejects on abort or I/O error. */
export function dnsExchange(server: string, port: number, transport: 'udp' | 'tcp', query: dnsPacket.Packet,
  signal: AbortSignal): Promise<Decoded> {
  return transport === 'udp' ? udpExchange(server, port, query, signal) : tcpExchange(server, port, query, signal);
}

function udpExchange(server: string, port: number, query: dnsPacket.Packet, signal: AbortSignal): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIPv6(server) ? 'udp6' : 'udp4');
    let settled = false;
    const finish = (err: Error | null, res?: Decoded) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      sock.close();
      if (err) reject(err);
      else resolve(res!);
    };
    const onAbort = () => finish(new Error('no response (timeout)'));
    sock.on('error', (e) => finish(e));
    sock.on('message', (msg) => {
      let res: Decoded;
      try {
        res = dnsPacket.decode(msg) as Decoded;
      } catch (e) {
        return finish(new Error(`undecodable response: ${(e as Error).message}`));
      }
      if (res.id !== query.id) return; // not ours (late answer to an earlier probe): keep waiting
      finish(null, res);
    });
    sock.connect(port, server, () => sock.send(dnsPacket.encode(query)));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

function tcpExchange(server: string, port: number, query: dnsPacket.Packet, signal: AbortSignal): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: server, port });
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | null, res?: Decoded) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const onAbort = () => finish(new Error('no response (timeout)'));
    sock.on('connect', () => sock.write(dnsPacket.streamEncode(query)));
    sock.on('error', (e: NodeJS.ErrnoException) => finish(new Error(`${e.code ?? 'error'}: ${e.message}`)));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) return;
      try {
        finish(null, dnsPacket.decode(buf.subarray(2, 2 + len)) as Decoded);
      } catch (e) {
        finish(new Error(`undecodable response: ${(e as Error).message}`));
      }
    });
    sock.on('end', () => finish(new Error('connection closed before a full response')));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

let nextId = Math.floor(Math.random() * 0xffff);
function queryId(): number {
  nextId = (nextId + 1) & 0xffff;
  return nextId;
}

export function buildQuery(q: DnsQuestion, rd: boolean, withNsid: boolean): dnsPacket.Packet {
  const pkt: dnsPacket.Packet = {
    type: 'query',
    id: queryId(),
    flags: rd ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name: q.name, type: q.type as dnsPacket.RecordType, class: q.class as dnsPacket.RecordClass }],
  };
  if (withNsid) {
    // RFC 5001 §2.1: the client sends the NSID option with an empty payload.
    pkt.additionals = [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0,
      options: [{ code: 'NSID', data: Buffer.alloc(0) } as unknown as dnsPacket.PacketOpt] } as dnsPacket.Answer];
  }
  return pkt;
}

/** The NSID payload of a response, or null if it carries none. */
export function responseNsid(res: Decoded): Buffer | null {
  for (const a of res.additionals ?? []) {
    if (a.type !== 'OPT') continue;
    for (const o of (a as unknown as { options?: Array<{ code: number; data?: Buffer }> }).options ?? []) {
      if (o.code === 3) return o.data ?? Buffer.alloc(0);
    }
  }
  return null;
}

/** Answer data as text, in the presentation-ish form an operator writes in a config. */
export function rdataText(a: dnsPacket.Answer): string {
  const data = (a as { data?: unknown }).data;
  switch (a.type) {
    case 'A': case 'AAAA': return canonicalIp(String(data)) ?? String(data);
    case 'TXT': {
      const parts = Array.isArray(data) ? data : [data];
      return parts.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8') : String(p))).join('');
    }
    case 'MX': {
      const m = data as { preference: number; exchange: string };
      return `${m.preference} ${m.exchange}`;
    }
    case 'SRV': {
      const s = data as { priority: number; weight: number; port: number; target: string };
      return `${s.priority} ${s.weight} ${s.port} ${s.target}`;
    }
    case 'SOA': {
      const s = data as { mname: string; rname: string; serial: number };
      return `${s.mname} ${s.rname} ${s.serial}`;
    }
    default: return typeof data === 'string' ? data : JSON.stringify(data);
  }
}

function sameValue(type: string, want: string, got: string): boolean {
  if (type === 'A' || type === 'AAAA') return (canonicalIp(want) ?? want) === got;
  if (type === 'TXT') return want === got;
  const norm = (s: string) => s.toLowerCase().replace(/\.$/, '');
  return norm(want) === norm(got);
}

function nsidMatches(want: string, got: Buffer): boolean {
  if (want.startsWith('hex:')) return want.slice(4).toLowerCase() === got.toString('hex');
  return want === got.toString('utf8');
}

export function dnsProbe(spec: DnsCheckSpec): Probe {
  return async ({ signal }): Promise<ProbeResult> => {
    const withNsid = spec.expectNsid !== undefined;
    const res = await dnsExchange(spec.server, spec.port, spec.transport,
      buildQuery(spec.query, spec.recursionDesired, withNsid), signal);
    const rcode = res.rcode ?? 'NOERROR';
    const qtype = spec.query.type.toUpperCase();
    const answers = (res.answers ?? []).filter((a) => a.type === qtype).map(rdataText);
    const parts = [`${rcode}, ${answers.length} answer${answers.length === 1 ? '' : 's'}`];
    if (rcode !== spec.expectRcode) return { ok: false, detail: `${parts[0]} (expected ${spec.expectRcode})` };
    for (const want of spec.expectAnswer ?? []) {
      if (!answers.some((got) => sameValue(qtype, want, got))) {
        return { ok: false, detail: `${parts[0]}: ${want} not among [${answers.join(', ')}]` };
      }
    }
    if (withNsid) {
      const nsid = responseNsid(res);
      if (nsid === null) return { ok: false, detail: `${parts[0]}, no NSID in response` };
      if (!nsidMatches(spec.expectNsid!, nsid)) {
        return { ok: false, detail: `NSID "${nsid.toString('utf8')}" (expected "${spec.expectNsid}")` };
      }
      parts.push(`NSID ${nsid.toString('utf8')}`);
    }
    if (spec.expectHostnameBind !== undefined) {
      const isHb = spec.query.name.toLowerCase().replace(/\.$/, '') === 'hostname.bind' &&
        spec.query.class.toUpperCase() === 'CH' && qtype === 'TXT';
      const hb = isHb ? res : await dnsExchange(spec.server, spec.port, spec.transport,
        buildQuery({ name: 'hostname.bind', type: 'TXT', class: 'CH' }, false, false), signal);
      const txt = (hb.answers ?? []).filter((a) => a.type === 'TXT').map(rdataText);
      if (hb.rcode !== 'NOERROR' || !txt.includes(spec.expectHostnameBind)) {
        return { ok: false, detail: `hostname.bind ${hb.rcode} [${txt.join(', ')}] (expected "${spec.expectHostnameBind}")` };
      }
      parts.push(`hostname.bind ${spec.expectHostnameBind}`);
    }
    return { ok: true, detail: parts.join(', ') };
  };
}
