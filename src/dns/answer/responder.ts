// The responder: one query's bytes in, the reply's bytes (or nothing) out. Transport-free, so the UDP and TCP
// servers, the tests and the benchmarks drive the same code. It ties together the query parser, the IN lookup,
// the CHAOS identity, EDNS(0) and NSID, truncation, response rate limiting and a cache of encoded replies.
// RFC 1035 §4.1.1 (header echo: ID, RD; AA), RFC 6891 §6.2.3-6.2.5 (reply size: 512 without EDNS, else the
// client's size clamped to [512, our payload]; our OPT advertises our payload; BADVERS), RFC 3225 §3 (DO copied),
// RFC 4035 §3.1.4 (CD copied), RFC 5001 (NSID only when asked), RFC 5936 §2.2 / RFC 1995 (AXFR/IXFR: REFUSED, we
// do not offer transfers).
//
// The cache: a reply depends only on the question bytes as sent (name with its letter case, type, class), the
// transport, the EDNS presence/DO/NSID and the effective size. Keyed by a hash of exactly that and confirmed byte
// by byte on every hit (a collision is a miss), a cached reply is correct
// byte for byte once the ID, RD and CD of the new query are patched in. It is emptied on every reload and
// bounded (oldest entries evicted first).
//
// respondInto() is the batch path of the native UDP listener: it reads the query in place from a shared receive
// buffer and, for a cache hit on a common query (scanSimpleQuery), writes the patched reply straight into a
// shared send buffer: no allocation per query. Everything else goes through handle(), so both give the same
// bytes and the same statistics (test/dns/fastpath.test.ts compares them on arbitrary input).
import type { Clock } from '../../util/clock.js';
import { SystemClock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { silentLogger } from '../../util/log.js';
import { CLASS, CLASSIC_UDP_MAX, DEFAULT_UDP_PAYLOAD, FLAG, RCODE, TYPE, rcodeName } from '../wire/constants.js';
import { nameToText } from '../wire/name.js';
import { type Edns, newSimpleQuery, parseQuery, questionName, scanSimpleQuery } from '../wire/query.js';
import { type OptOut, encodeResponse } from '../wire/writer.js';
import { ZoneSet, type Zone } from '../zone/zone.js';
import { type RrlCategory, type RrlOptions, ResponseRateLimiter } from '../rrl.js';
import { type Identity, chaosLookup } from './chaos.js';
import { type Resolution, type ResultKind, lookup } from './lookup.js';

export type Transport = 'udp' | 'tcp';

export interface ClientInfo {
  address: string;
  transport: Transport;
}

export interface ResponderOptions {
  zones: readonly Zone[];
  identity: Identity;
  /** Largest UDP reply we send and advertise in our OPT (RFC 6891 §6.2.5); default 1232. */
  udpPayload?: number;
  rrl?: RrlOptions;
  clock?: Clock;
  logger?: Logger;
  /** Encoded replies kept; 0 disables the cache. Default 20000. */
  cacheEntries?: number;
}

export interface ResponderStats {
  queries: { udp: number; tcp: number };
  /** Replies sent, by rcode name. */
  rcodes: Record<string, number>;
  dropped: { short: number; response: number; rrl: number };
  rrlSlipped: number;
  truncated: number;
  edns: number;
  nsid: number;
  chaos: number;
  cache: { hits: number; misses: number; entries: number };
  zones: Array<{ zone: string; serial: number; records: number }>;
}

interface CacheEntry {
  /** The question bytes and reply variant this entry is for: checked on every hit (the key is only a hash). */
  question: Buffer;
  variant: number;
  buf: Buffer;
  category: RrlCategory;
  rrlName: string;
  rcode: number;
  truncated: boolean;
}

const HIT_FLAGS_MASK = ~(FLAG.RD | FLAG.CD) & 0xffff;

export interface Responder {
  handle(msg: Buffer, client: ClientInfo): Buffer | null;
  /**
   * The query at msg[off, off + len) answered into out at outOff: the reply's length, or -1 for no reply. The
   * caller guarantees out has room for any reply (65535 octets from outOff). Same replies and stats as handle().
   */
  respondInto(msg: Buffer, off: number, len: number, client: ClientInfo, out: Buffer, outOff: number): number;
  reload(zones: readonly Zone[], identity?: Identity): void;
  stats(): ResponderStats;
  readonly zones: ZoneSet;
  readonly identity: Identity;
}

/**
 * FNV-1a over the question bytes msg[start, end) (name as sent, type, class) and the reply variant; 30 bits, so
 * that the key is a small integer (no heap number per lookup).
 */
function questionHash(msg: Uint8Array, start: number, end: number, variant: number): number {
  let h = 0x811c9dc5 ^ variant;
  for (let i = start; i < end; i++) h = Math.imul(h ^ msg[i]!, 0x01000193);
  return h & 0x3fffffff;
}

function sameQuestion(q: Buffer, msg: Uint8Array, start: number, end: number): boolean {
  if (q.length !== end - start) return false;
  for (let i = 0; i < q.length; i++) if (q[i] !== msg[start + i]) return false;
  return true;
}

/** What a cached reply depends on besides the question: EDNS presence, DO, NSID, transport, effective size. */
function variantOf(edns: boolean, dnssecOk: boolean, nsid: boolean, transport: Transport, size: number): number {
  return (edns ? 1 : 0) | (dnssecOk ? 2 : 0) | (nsid ? 4 : 0) | (transport === 'tcp' ? 8 : 0) | (size << 4);
}

function categoryOf(kind: ResultKind, rcode: number): RrlCategory {
  if (rcode !== RCODE.NOERROR && rcode !== RCODE.NXDOMAIN) return 'error';
  if (kind === 'refused') return 'error';
  return kind;
}

export function createResponder(opts: ResponderOptions): Responder {
  let zones = new ZoneSet(opts.zones);
  let identity = opts.identity;
  const udpPayload = Math.max(CLASSIC_UDP_MAX, Math.min(opts.udpPayload ?? DEFAULT_UDP_PAYLOAD, 65535));
  const clock = opts.clock ?? new SystemClock(false);
  const log = opts.logger ?? silentLogger;
  const maxCache = opts.cacheEntries ?? 20000;
  // Keyed by a 32-bit hash of (question bytes, variant); a hit is confirmed byte by byte, a collision is a miss.
  let cache = new Map<number, CacheEntry>();
  const rrl = opts.rrl ? new ResponseRateLimiter(opts.rrl, clock, (prefix, category) =>
    log.info('rate limiting replies', { prefix, category })) : undefined;

  const st = {
    udp: 0, tcp: 0, rcodes: new Array<number>(24).fill(0), short: 0, response: 0, truncated: 0, edns: 0, nsid: 0,
    chaos: 0, hits: 0, misses: 0,
  };

  const countRcode = (r: number) => { st.rcodes[r < 24 ? r : 23]!++; };

  const effectiveSize = (hasEdns: boolean, udpSize: number, transport: Transport): number => {
    if (transport === 'tcp') return 65535;
    if (!hasEdns) return CLASSIC_UDP_MAX;
    return Math.max(CLASSIC_UDP_MAX, Math.min(udpSize, udpPayload));
  };

  const optFor = (edns: Edns | undefined, extRcode = 0): OptOut | undefined => {
    if (!edns) return undefined;
    const o: OptOut = { udpPayload, extRcode, do: edns.do };
    if (edns.nsid && identity.nsid !== undefined) o.nsid = identity.nsid;
    return o;
  };

  /** Replies carrying no data: errors, and the truncated "slip" reply of the rate limiter. */
  const bare = (msg: Buffer, id: number, flags: number, rcode: number, questionEnd: number | undefined,
    edns: Edns | undefined, tc = false): Buffer => {
    const ext = rcode >> 4;
    const enc = encodeResponse({
      id, flags: (flags & (0x7800 | FLAG.RD | FLAG.CD)) | (rcode & 0xf) | (tc ? FLAG.TC : 0),
      question: questionEnd !== undefined ? msg.subarray(12, questionEnd) : undefined,
      answer: [], authority: [], additional: [], opt: optFor(edns, ext),
    }, 65535);
    return enc.buf;
  };

  const handle = (msg: Buffer, client: ClientInfo): Buffer | null => {
    if (client.transport === 'udp') st.udp++;
    else st.tcp++;
    const p = parseQuery(msg);
    if (p.kind === 'drop') {
      st[p.reason]++;
      return null;
    }
    if (p.kind === 'error') {
      if (rrl && client.transport === 'udp') {
        const v = rrl.check(client.address, 'error', '');
        if (v === 'drop') return null;
        if (v === 'slip') return bare(msg, p.id, p.flags, RCODE.NOERROR, p.questionEnd, p.edns, true);
      }
      countRcode(p.rcode);
      return bare(msg, p.id, p.flags, p.rcode, p.questionEnd, p.edns);
    }
    const q = p.query;
    if (q.edns) {
      st.edns++;
      if (q.edns.nsid) st.nsid++;
    }
    const e = q.edns;
    const size = effectiveSize(e !== undefined, e?.udpSize ?? 0, client.transport);
    const variant = variantOf(e !== undefined, e?.do ?? false, e?.nsid ?? false, client.transport, size);
    const key = questionHash(msg, 12, q.questionEnd, variant);
    let entry = maxCache > 0 ? cache.get(key) : undefined;
    if (entry !== undefined && (entry.variant !== variant || !sameQuestion(entry.question, msg, 12, q.questionEnd))) {
      entry = undefined;
    }
    if (entry) st.hits++;
    else {
      st.misses++;
      entry = answer(msg, q.questionEnd, q.qtype, q.qclass, q.flags, e, size, client.transport, variant);
      if (maxCache > 0) {
        if (cache.size >= maxCache && !cache.has(key)) cache.delete(cache.keys().next().value!);
        cache.set(key, entry);
      }
    }
    if (q.qclass === CLASS.CH) st.chaos++;
    if (rrl && client.transport === 'udp') {
      const v = rrl.check(client.address, entry.category, entry.rrlName);
      if (v === 'drop') return null;
      if (v === 'slip') return bare(msg, q.id, q.flags, RCODE.NOERROR, q.questionEnd, e, true);
    }
    countRcode(entry.rcode);
    if (entry.truncated) st.truncated++;
    const out = Buffer.allocUnsafe(entry.buf.length);
    entry.buf.copy(out);
    out[0] = msg[0]!;
    out[1] = msg[1]!;
    const flags = ((out[2]! << 8) | out[3]!) & HIT_FLAGS_MASK | (q.flags & (FLAG.RD | FLAG.CD));
    out[2] = flags >> 8;
    out[3] = flags & 0xff;
    return out;
  };

  const sq = newSimpleQuery(); // scratch for respondInto (synchronous, so one per responder is enough)

  const respondInto = (msg: Buffer, off: number, len: number, client: ClientInfo, out: Buffer, outOff: number):
    number => {
    if (maxCache > 0 && scanSimpleQuery(msg, off, len, sq)) {
      const transport = client.transport;
      const size = effectiveSize(sq.edns, sq.udpSize, transport);
      const variant = variantOf(sq.edns, sq.do, sq.nsid, transport, size);
      const qend = off + sq.questionEnd;
      const entry = cache.get(questionHash(msg, off + 12, qend, variant));
      if (entry !== undefined && entry.variant === variant && sameQuestion(entry.question, msg, off + 12, qend)) {
        // The same accounting as handle() on a hit, in the same order.
        if (transport === 'udp') st.udp++;
        else st.tcp++;
        if (sq.edns) {
          st.edns++;
          if (sq.nsid) st.nsid++;
        }
        st.hits++;
        if (sq.qclass === CLASS.CH) st.chaos++;
        if (rrl && transport === 'udp') {
          const v = rrl.check(client.address, entry.category, entry.rrlName);
          if (v === 'drop') return -1;
          if (v === 'slip') {
            const m = msg.subarray(off, off + len);
            const e: Edns | undefined = sq.edns ? { udpSize: sq.udpSize, version: 0, do: sq.do, nsid: sq.nsid } : undefined;
            const r = bare(m, (m[0]! << 8) | m[1]!, sq.flags, RCODE.NOERROR, sq.questionEnd, e, true);
            out.set(r, outOff);
            return r.length;
          }
        }
        countRcode(entry.rcode);
        if (entry.truncated) st.truncated++;
        const buf = entry.buf;
        out.set(buf, outOff);
        out[outOff] = msg[off]!;
        out[outOff + 1] = msg[off + 1]!;
        const flags = ((buf[2]! << 8) | buf[3]!) & HIT_FLAGS_MASK | (sq.flags & (FLAG.RD | FLAG.CD));
        out[outOff + 2] = flags >> 8;
        out[outOff + 3] = flags & 0xff;
        return buf.length;
      }
    }
    const r = handle(msg.subarray(off, off + len), client);
    if (r === null) return -1;
    out.set(r, outOff);
    return r.length;
  };

  const answer = (msg: Buffer, questionEnd: number, qtype: number, qclass: number, qflags: number,
    edns: Edns | undefined, size: number, transport: Transport, variant: number): CacheEntry => {
    const qname = questionName(msg, questionEnd);
    let res: Resolution;
    if (qtype === TYPE.AXFR || qtype === TYPE.IXFR || qtype === TYPE.MAILA || qtype === TYPE.MAILB) {
      res = { kind: 'refused', rcode: RCODE.REFUSED, aa: false, answer: [], authority: [], additional: [], rrlName: '' };
    } else if (qclass === CLASS.IN) {
      res = lookup(zones, qname, qtype, { minimalAny: transport === 'udp' });
    } else if (qclass === CLASS.CH) {
      res = chaosLookup(identity, qname, qtype);
    } else {
      res = { kind: 'refused', rcode: RCODE.REFUSED, aa: false, answer: [], authority: [], additional: [], rrlName: '' };
    }
    const enc = encodeResponse({
      id: 0,
      flags: (qflags & (FLAG.RD | FLAG.CD)) | (res.aa ? FLAG.AA : 0) | res.rcode,
      question: msg.subarray(12, questionEnd),
      answer: res.answer, authority: res.authority, additional: res.additional,
      opt: optFor(edns),
    }, size);
    return { question: Buffer.from(msg.subarray(12, questionEnd)), variant, buf: enc.buf, category: categoryOf(res.kind, res.rcode), rrlName: res.rrlName, rcode: res.rcode,
      truncated: enc.truncated };
  };

  return {
    handle,
    respondInto,
    reload(newZones, newIdentity) {
      zones = new ZoneSet(newZones);
      if (newIdentity) identity = newIdentity;
      cache = new Map();
    },
    get zones() { return zones; },
    get identity() { return identity; },
    stats(): ResponderStats {
      const rcodes: Record<string, number> = {};
      st.rcodes.forEach((n, r) => { if (n > 0) rcodes[rcodeName(r)] = n; });
      const r = rrl?.stats();
      return {
        queries: { udp: st.udp, tcp: st.tcp }, rcodes,
        dropped: { short: st.short, response: st.response, rrl: r?.dropped ?? 0 },
        rrlSlipped: r?.slipped ?? 0, truncated: st.truncated, edns: st.edns, nsid: st.nsid, chaos: st.chaos,
        cache: { hits: st.hits, misses: st.misses, entries: cache.size },
        zones: zones.zones.map((z) => ({ zone: nameToText(z.origin), serial: z.serial,
          records: z.recordCount })),
      };
    },
  };
}
