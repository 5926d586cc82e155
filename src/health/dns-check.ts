// DNS check: send a query over UDP or TCP to server:port and check the response's RCODE, answer records, and
// optionally the server's identity — NSID (RFC 5001, an EDNS(0) option, RFC 6891) and/or the CHAOS-class TXT
// record hostname.bind. The identity checks prove that the instance answering on this site is the local one.
//
// The query itself goes through the DNS module's client (src/dns/client.ts): reply matched by ID, source and
// question (RFC 5452 §9.1), a truncated UDP reply retried over TCP (RFC 7766 §5), the probe's AbortSignal
// closing the socket when the check times out.
import { canonicalIp } from '../util/ip.js';
import { queryDns, type DnsRecord, type DnsReply } from '../dns/client.js';
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

/** One query as the check asks it: EDNS only when NSID is wanted (as a plain client would), RD as configured. */
function ask(spec: DnsCheckSpec, q: DnsQuestion, rd: boolean, nsid: boolean, signal: AbortSignal, timeoutMs: number):
  Promise<DnsReply> {
  return queryDns({
    server: spec.server, port: spec.port, name: q.name, type: q.type, class: q.class, tcp: spec.transport === 'tcp',
    edns: false, nsid, recursionDesired: rd, timeoutMs, signal,
  });
}

/** Answer data as text, in the presentation-ish form an operator writes in a config. */
export function answerText(r: DnsRecord): string {
  switch (r.type) {
    case 'A': case 'AAAA': return canonicalIp(r.data) ?? r.data;
    case 'TXT': return (r.txt ?? []).join('');
    case 'SOA': return r.data.split(' ').slice(0, 3).join(' '); // mname rname serial
    default: return r.data;
  }
}

function sameValue(type: string, want: string, got: string): boolean {
  if (type === 'A' || type === 'AAAA') return (canonicalIp(want) ?? want) === got;
  if (type === 'TXT') return want === got;
  // Names compare without case and without their final dot ("10 Mail.Example.com." is "10 mail.example.com").
  const norm = (s: string) => s.toLowerCase().replace(/\.(?=\s|$)/g, '');
  return norm(want) === norm(got);
}

function nsidMatches(want: string, got: Buffer): boolean {
  if (want.startsWith('hex:')) return want.slice(4).toLowerCase() === got.toString('hex');
  return want === got.toString('utf8');
}

export function dnsProbe(spec: DnsCheckSpec): Probe {
  return async ({ signal, timeoutMs }): Promise<ProbeResult> => {
    const withNsid = spec.expectNsid !== undefined;
    const res = await ask(spec, spec.query, spec.recursionDesired, withNsid, signal, timeoutMs);
    const qtype = spec.query.type.toUpperCase();
    const answers = res.answers.filter((a) => a.type === qtype).map(answerText);
    const parts = [`${res.rcode}, ${answers.length} answer${answers.length === 1 ? '' : 's'}`];
    if (res.rcode !== spec.expectRcode) return { ok: false, detail: `${parts[0]} (expected ${spec.expectRcode})` };
    for (const want of spec.expectAnswer ?? []) {
      if (!answers.some((got) => sameValue(qtype, want, got))) {
        return { ok: false, detail: `${parts[0]}: ${want} not among [${answers.join(', ')}]` };
      }
    }
    if (withNsid) {
      if (res.nsid === undefined) return { ok: false, detail: `${parts[0]}, no NSID in response` };
      const nsid = Buffer.from(res.nsid.hex, 'hex');
      if (!nsidMatches(spec.expectNsid!, nsid)) {
        return { ok: false, detail: `NSID "${nsid.toString('utf8')}" (expected "${spec.expectNsid}")` };
      }
      parts.push(`NSID ${nsid.toString('utf8')}`);
    }
    if (spec.expectHostnameBind !== undefined) {
      const isHb = spec.query.name.toLowerCase().replace(/\.$/, '') === 'hostname.bind' &&
        spec.query.class.toUpperCase() === 'CH' && qtype === 'TXT';
      const hb = isHb ? res : await ask(spec, { name: 'hostname.bind', type: 'TXT', class: 'CH' }, false, false,
        signal, timeoutMs);
      const txt = hb.answers.filter((a) => a.type === 'TXT').map(answerText);
      if (hb.rcode !== 'NOERROR' || !txt.includes(spec.expectHostnameBind)) {
        return { ok: false, detail: `hostname.bind ${hb.rcode} [${txt.join(', ')}] (expected "${spec.expectHostnameBind}")` };
      }
      parts.push(`hostname.bind ${spec.expectHostnameBind}`);
    }
    return { ok: true, detail: parts.join(', ') };
  };
}
