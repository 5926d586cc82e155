// DNS wire constants: record types, classes, opcodes, rcodes and EDNS option codes, each with the RFC that
// assigns it. Only what the responder and its client use; anything else is carried as a number.

/** RR TYPE values (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 8659, RFC 6891). */
export const TYPE = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, DS: 43,
  IXFR: 251, AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255, CAA: 257,
} as const;

/** CLASS values (RFC 1035 §3.2.4, §3.2.5). CHAOS carries the server's identity (hostname.bind, id.server). */
export const CLASS = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

/** OPCODE (RFC 1035 §4.1.1, RFC 1996 NOTIFY, RFC 2136 UPDATE). Only QUERY is implemented. */
export const OPCODE = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

/** RCODE (RFC 1035 §4.1.1; BADVERS is an extended rcode, RFC 6891 §6.1.3). */
export const RCODE = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16,
} as const;

/** EDNS(0) option codes (RFC 5001 NSID, RFC 7873 COOKIE, RFC 7828 tcp-keepalive). */
export const EDNS_OPTION = { NSID: 3, COOKIE: 10, TCP_KEEPALIVE: 11, PADDING: 12 } as const;

/** Header flag bits in the 16-bit flags word (RFC 1035 §4.1.1, RFC 4035 §3.2 for AD/CD). */
export const FLAG = {
  QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, AD: 0x0020, CD: 0x0010,
} as const;

/** The DO bit in the OPT record's TTL field (RFC 3225 §3). */
export const EDNS_DO = 0x8000;

/** Without EDNS a UDP message is at most 512 octets (RFC 1035 §2.3.4); EDNS sizes below 512 mean 512 (RFC 6891 §6.2.5). */
export const CLASSIC_UDP_MAX = 512;

/** The default EDNS UDP payload we advertise and honour: 1232, the DNS Flag Day 2020 value (no IPv6 fragmentation). */
export const DEFAULT_UDP_PAYLOAD = 1232;

const typeNames = new Map<number, string>(Object.entries(TYPE).map(([k, v]) => [v, k]));
const typeByName = new Map<string, number>(Object.entries(TYPE).map(([k, v]) => [k, v]));
const rcodeNames = new Map<number, string>(Object.entries(RCODE).map(([k, v]) => [v, k]));
rcodeNames.set(6, 'YXDOMAIN').set(7, 'YXRRSET').set(8, 'NXRRSET').set(9, 'NOTAUTH').set(10, 'NOTZONE');

/** "A", "AAAA" … or the RFC 3597 generic "TYPE65280". */
export function typeName(t: number): string {
  return typeNames.get(t) ?? `TYPE${t}`;
}

/** The numeric type for a mnemonic or RFC 3597 "TYPEnnn"; undefined if neither. */
export function typeFromName(s: string): number | undefined {
  const u = s.toUpperCase();
  const known = typeByName.get(u);
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(u);
  if (m) {
    const n = Number(m[1]);
    if (n <= 0xffff) return n;
  }
  return undefined;
}

export function className(c: number): string {
  switch (c) {
    case CLASS.IN: return 'IN';
    case CLASS.CH: return 'CH';
    case CLASS.HS: return 'HS';
    case CLASS.ANY: return 'ANY';
    default: return `CLASS${c}`;
  }
}

export function classFromName(s: string): number | undefined {
  const u = s.toUpperCase();
  if (u === 'IN') return CLASS.IN;
  if (u === 'CH' || u === 'CHAOS') return CLASS.CH;
  if (u === 'HS') return CLASS.HS;
  if (u === 'ANY') return CLASS.ANY;
  const m = /^CLASS(\d{1,5})$/.exec(u);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

export function rcodeName(r: number): string {
  return rcodeNames.get(r) ?? `RCODE${r}`;
}
