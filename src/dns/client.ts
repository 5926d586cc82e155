// A small DNS client: one query to one server over UDP or TCP, with a timeout (or an AbortSignal), EDNS(0) and
// NSID. Used by `anycast dns query`, by the agent's DNS health check and by the lab to see which site answered.
// It encodes and decodes with dns-packet (an implementation independent of our responder's codec), retries over
// TCP when a UDP reply is truncated (RFC 7766 §5), and checks that the reply matches the query (ID, source address and port, question) so
// that a stray datagram is not taken for the answer (RFC 5452 §9.1).
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { AnycastError, errorMessage } from '../util/errors.js';
import { CLASS, EDNS_OPTION, TYPE, classFromName, className, rcodeName, typeFromName, typeName } from './wire/constants.js';
import { frame, nextFrame } from './tcp-framing.js';
import { skipQuestionName } from './wire/query.js';
import { addressBytes } from './rrl.js';
import { afterPendingIo } from '../util/clock.js';

export interface DnsQueryOptions {
  server: string;
  port?: number;
  name: string;
  /** Mnemonic ('A', 'TXT', 'TYPE65280') or number. Default A. */
  type?: string | number;
  /** 'IN' (default), 'CH', or a number. */
  class?: string | number;
  /** Ask for the server's NSID (RFC 5001). Implies EDNS. */
  nsid?: boolean;
  /** Query over TCP from the start. */
  tcp?: boolean;
  /** Retry over TCP when the UDP reply has TC set. Default true. */
  tcpOnTruncation?: boolean;
  /** EDNS UDP payload size to advertise; false sends no OPT record. Default 1232. */
  edns?: number | false;
  /** Set RD. Default false (we ask authoritative servers). */
  recursionDesired?: boolean;
  timeoutMs?: number;
  /** Source address to send from. */
  localAddress?: string;
  /** Aborting it ends the query at once (sockets closed) with a DnsQueryError; the health checks' probes use it. */
  signal?: AbortSignal;
}

export interface DnsRecord {
  name: string;
  type: string;
  class: string;
  ttl: number;
  /** Presentation form of the RDATA, as dig prints it. */
  data: string;
  /** TXT only: the character-strings, decoded as UTF-8 (`data` has them quoted and escaped). */
  txt?: string[];
}

export interface DnsReply {
  server: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** True when a truncated UDP reply was retried over TCP. */
  retriedOverTcp: boolean;
  id: number;
  rcode: string;
  flags: { aa: boolean; tc: boolean; rd: boolean; ra: boolean; ad: boolean; cd: boolean };
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  edns?: { udpPayload: number; version: number; do: boolean };
  /** The NSID the server returned: text if printable, and always hex. */
  nsid?: { text: string; hex: string };
  rttMs: number;
  size: number;
}

export class DnsTimeoutError extends AnycastError {
  constructor(server: string, port: number, ms: number, transport: string) {
    super('ERR_DNS_TIMEOUT', `no reply from ${server} port ${port} over ${transport} within ${ms} ms`);
  }
}

export class DnsQueryError extends AnycastError {
  constructor(message: string, cause?: unknown) {
    super('ERR_DNS_QUERY', message, { cause });
  }
}

function fmtName(n: string): string {
  return n === '' || n === '.' ? '.' : n.endsWith('.') ? n : n + '.';
}

function quote(b: Buffer): string {
  let s = '"';
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c < 0x20 || c > 0x7e) s += '\\' + String(c).padStart(3, '0');
    else s += String.fromCharCode(c);
  }
  return s + '"';
}

function rdataText(a: dnsPacket.Answer): string {
  const d = (a as { data?: unknown }).data;
  switch (a.type) {
    case 'A': case 'AAAA': return String(d);
    case 'NS': case 'CNAME': case 'PTR': case 'DNAME': return fmtName(String(d));
    case 'MX': { const m = d as { preference: number; exchange: string }; return `${m.preference} ${fmtName(m.exchange)}`; }
    case 'SOA': {
      const s = d as { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number;
        minimum: number };
      return `${fmtName(s.mname)} ${fmtName(s.rname)} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
    }
    case 'TXT': return (Array.isArray(d) ? d : [d]).map((x) => quote(Buffer.isBuffer(x) ? x : Buffer.from(String(x)))).join(' ');
    case 'SRV': {
      const s = d as { priority: number; weight: number; port: number; target: string };
      return `${s.priority} ${s.weight} ${s.port} ${fmtName(s.target)}`;
    }
    case 'CAA': {
      const c = d as { flags: number; tag: string; value: string };
      return `${c.flags} ${c.tag} ${quote(Buffer.from(c.value, 'latin1'))}`;
    }
    default: {
      const buf = Buffer.isBuffer(d) ? d : Buffer.alloc(0);
      return `\\# ${buf.length}${buf.length ? ' ' + buf.toString('hex') : ''}`;
    }
  }
}

function toRecord(a: dnsPacket.Answer): DnsRecord {
  const cls = (a as { class?: string }).class ?? 'IN';
  const r: DnsRecord = { name: fmtName(a.name), type: a.type, class: cls, ttl: (a as { ttl?: number }).ttl ?? 0,
    data: rdataText(a) };
  if (a.type === 'TXT') {
    const d = (a as { data?: unknown }).data;
    r.txt = (Array.isArray(d) ? d : [d]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
  }
  return r;
}

/** Ends `done` with an error when `signal` aborts; returns the cleanup to call once done. */
function onAbort(signal: AbortSignal | undefined, what: string, done: (e: Error) => void): () => void {
  if (!signal) return () => {};
  const abort = () => done(new DnsQueryError(`${what}: aborted`));
  if (signal.aborted) queueMicrotask(abort);
  else signal.addEventListener('abort', abort, { once: true });
  return () => signal.removeEventListener('abort', abort);
}

function resolveType(t: string | number | undefined): number {
  if (t === undefined) return TYPE.A;
  const n = typeof t === 'number' ? t : typeFromName(t);
  if (n === undefined || n < 0 || n > 0xffff) throw new DnsQueryError(`unknown record type '${t}'`);
  return n;
}

function resolveClass(c: string | number | undefined): number {
  if (c === undefined) return CLASS.IN;
  const n = typeof c === 'number' ? c : classFromName(c);
  if (n === undefined || n < 0 || n > 0xffff) throw new DnsQueryError(`unknown class '${c}'`);
  return n;
}

export function buildQuery(o: DnsQueryOptions, id: number): Buffer {
  const qtype = resolveType(o.type);
  const qclass = resolveClass(o.class);
  const useEdns = o.edns !== false || o.nsid === true;
  const pkt: dnsPacket.Packet = {
    type: 'query', id, flags: o.recursionDesired ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name: o.name, type: typeName(qtype) as dnsPacket.RecordType, class: className(qclass) as dnsPacket.RecordClass }],
    additionals: useEdns ? [{
      type: 'OPT', name: '.', udpPayloadSize: typeof o.edns === 'number' ? o.edns : 1232, flags: 0,
      options: o.nsid ? [{ code: EDNS_OPTION.NSID, data: Buffer.alloc(0) } as never] : [],
    } as unknown as dnsPacket.Answer] : [],
  };
  return dnsPacket.encode(pkt);
}

function parseReply(buf: Buffer, query: Buffer, o: DnsQueryOptions, port: number, transport: 'udp' | 'tcp',
  rttMs: number): DnsReply {
  let p: dnsPacket.DecodedPacket;
  try {
    p = dnsPacket.decode(buf);
  } catch (e) {
    throw new DnsQueryError(`malformed reply from ${o.server}: ${errorMessage(e)}`, e);
  }
  const flags = p.flags ?? 0;
  let rcode = flags & 0xf;
  const additionals: DnsRecord[] = [];
  let edns: DnsReply['edns'];
  let nsid: DnsReply['nsid'];
  for (const a of p.additionals ?? []) {
    if (a.type === 'OPT') {
      const opt = a as unknown as { udpPayloadSize: number; extendedRcode: number; ednsVersion: number; flags: number;
        options: Array<{ code: number; data?: Buffer }> };
      rcode |= opt.extendedRcode << 4;
      edns = { udpPayload: opt.udpPayloadSize, version: opt.ednsVersion, do: (opt.flags & 0x8000) !== 0 };
      const n = opt.options.find((x) => x.code === EDNS_OPTION.NSID);
      if (n?.data) nsid = { hex: n.data.toString('hex'), text: /^[\x20-\x7e]*$/.test(n.data.toString('latin1')) ?
        n.data.toString('latin1') : '' };
    } else additionals.push(toRecord(a));
  }
  // The question must be ours, byte for byte but for letter case (RFC 5452 §9.1 also wants the ID: checked by caller).
  const qEnd = skipQuestionName(query, 12) + 4;
  if (buf.readUInt16BE(4) === 1 && buf.length >= qEnd &&
    buf.subarray(12, qEnd).toString('latin1').toLowerCase() !== query.subarray(12, qEnd).toString('latin1').toLowerCase()) {
    throw new DnsQueryError(`reply from ${o.server} is for another question`);
  }
  return {
    server: o.server, port, transport, retriedOverTcp: false, id: p.id ?? 0, rcode: rcodeName(rcode),
    flags: { aa: (flags & 0x400) !== 0, tc: (flags & 0x200) !== 0, rd: (flags & 0x100) !== 0, ra: (flags & 0x80) !== 0,
      ad: (flags & 0x20) !== 0, cd: (flags & 0x10) !== 0 },
    answers: (p.answers ?? []).map(toRecord), authorities: (p.authorities ?? []).map(toRecord), additionals,
    edns, nsid, rttMs, size: buf.length,
  };
}

function viaUdp(o: DnsQueryOptions, port: number, query: Buffer, id: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(o.server) ? 'udp6' : 'udp4');
    const serverBytes = addressBytes(o.server);
    const timer = setTimeout(() => afterPendingIo(() => done(new DnsTimeoutError(o.server, port, timeoutMs, 'udp'))), timeoutMs);
    const unwatch = onAbort(o.signal, `udp to ${o.server} port ${port}`, (e) => done(e));
    let finished = false;
    const done = (err: Error | null, buf?: Buffer) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      unwatch();
      sock.close();
      if (err) reject(err);
      else resolve(buf!);
    };
    sock.on('error', (e) => {
      const refused = (e as NodeJS.ErrnoException).code === 'ECONNREFUSED';
      const why = refused ? 'refused (ICMP port unreachable: nothing listens there)' : e.message;
      done(new DnsQueryError(`udp to ${o.server} port ${port}: ${why}`, e));
    });
    sock.on('message', (msg, rinfo) => {
      // Only a datagram from the server, with our ID and QR set, is the reply; anything else is ignored.
      if (msg.length < 12 || msg.readUInt16BE(0) !== id || !(msg[2]! & 0x80)) return;
      // …from the address we asked (as dig does): with anycast, a reply from another address is another server's
      // (or a spoofed) answer, and the caller uses the source to tell sites apart.
      if (rinfo.port !== port) return;
      if (serverBytes && !serverBytes.equals(addressBytes(rinfo.address) ?? Buffer.alloc(0))) return;
      done(null, msg);
    });
    // A connected socket: the kernel then reports an ICMP port unreachable as ECONNREFUSED at once (a stopped
    // server is seen in a round trip, not after the timeout), and drops datagrams from any other source.
    const send = () => sock.send(query, (e) => {
      if (e) done(new DnsQueryError(`udp to ${o.server} port ${port}: ${e.message}`, e));
    });
    const connect = () => sock.connect(port, o.server, send);
    if (o.localAddress) sock.bind(0, o.localAddress, connect);
    else connect();
  });
}

function viaTcp(o: DnsQueryOptions, port: number, query: Buffer, id: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: o.server, port, localAddress: o.localAddress });
    let pending: Buffer = Buffer.alloc(0);
    let finished = false;
    const timer = setTimeout(() => afterPendingIo(() => done(new DnsTimeoutError(o.server, port, timeoutMs, 'tcp'))), timeoutMs);
    const unwatch = onAbort(o.signal, `tcp to ${o.server} port ${port}`, (e) => done(e));
    const done = (err: Error | null, buf?: Buffer) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      unwatch();
      sock.destroy();
      if (err) reject(err);
      else resolve(buf!);
    };
    sock.on('connect', () => sock.write(frame(query)));
    sock.on('error', (e) => done(new DnsQueryError(`tcp to ${o.server} port ${port}: ${e.message}`, e)));
    sock.on('close', () => done(new DnsQueryError(`tcp to ${o.server} port ${port}: closed before a reply`)));
    sock.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const f = nextFrame(pending);
        if (f.kind === 'incomplete') return;
        pending = f.rest;
        if (f.bytes.length >= 12 && f.bytes.readUInt16BE(0) === id) return done(null, Buffer.from(f.bytes));
      }
    });
  });
}

/** Sends one query and resolves with the parsed reply; rejects with DnsTimeoutError or DnsQueryError. */
export async function queryDns(o: DnsQueryOptions): Promise<DnsReply> {
  // node:dgram would try to resolve a name and then fail inside a callback, out of reach of the caller.
  if (net.isIP(o.server) === 0) throw new DnsQueryError(`server '${o.server}' is not an IP address`);
  const port = o.port ?? 53;
  const timeoutMs = o.timeoutMs ?? 2000;
  const id = Math.floor(Math.random() * 0x10000);
  const query = buildQuery(o, id);
  const t0 = performance.now();
  if (o.tcp) {
    const buf = await viaTcp(o, port, query, id, timeoutMs);
    return parseReply(buf, query, o, port, 'tcp', performance.now() - t0);
  }
  const buf = await viaUdp(o, port, query, id, timeoutMs);
  const r = parseReply(buf, query, o, port, 'udp', performance.now() - t0);
  if (r.flags.tc && (o.tcpOnTruncation ?? true)) {
    const t1 = performance.now();
    const tbuf = await viaTcp(o, port, query, id, timeoutMs);
    return { ...parseReply(tbuf, query, o, port, 'tcp', performance.now() - t1), retriedOverTcp: true };
  }
  return r;
}
