// The arguments of `anycast dns query`, checked before anything is sent: the server (an IP address literal), the
// name (RFC 1035 §2.3.4 limits), the type and class (mnemonics or the RFC 3597 TYPEnnn / CLASSnnn forms), the
// port, the timeout and the EDNS buffer size. Every bad value is a one-line UsageError (exit 2) that names the
// value and what is accepted; nothing here does I/O.
import net from 'node:net';
import { UsageError } from '../util/errors.js';
import type { DnsQueryOptions } from './client.js';
import { TYPE, classFromName, typeFromName } from './wire/constants.js';
import { parseName } from './wire/name.js';

/** The longest timeout accepted: one hour (longer is a typo, and node's timers top out at 2^31-1 ms). */
export const MAX_QUERY_TIMEOUT_MS = 3_600_000;

/** Types a user would ask for (OPT is a pseudo-record, not a question); any other is TYPEnnn. */
const QUERY_TYPES = Object.keys(TYPE).filter((t) => t !== 'OPT');
const QUERY_CLASSES = ['IN', 'CH', 'HS', 'ANY'];

export interface QueryArgValues {
  type?: string;
  class?: string;
  port?: string;
  timeout?: string;
  bufsize?: string;
  nsid?: boolean;
  tcp?: boolean;
  'no-edns'?: boolean;
}

function bad(msg: string): never {
  throw new UsageError(`dns query: ${msg}`);
}

/** A decimal integer in [min, max]; anything else (hex, exponent, fraction, sign) is refused. */
function decimal(v: string, opt: string, min: number, max: number, unit: string): number {
  if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max) {
    bad(`${opt} '${v}' is not valid (accepted: a whole number from ${min} to ${max}${unit})`);
  }
  return Number(v);
}

/** SERVER NAME [TYPE] and the options → the options for queryDns; throws UsageError on the first bad value. */
export function queryOptionsFromArgs(positionals: readonly string[], v: QueryArgValues): DnsQueryOptions {
  if (positionals.length < 2 || positionals.length > 3) bad('needs SERVER NAME [TYPE] (anycast dns --help)');
  let server = positionals[0]!.replace(/^@/, '');
  const bracketed = /^\[(.+)\]$/.exec(server);
  if (bracketed) server = bracketed[1]!;
  if (net.isIP(server) === 0) {
    bad(`server '${positionals[0]}' is not an IP address (accepted: an IPv4 or IPv6 address such as 127.0.0.1 or ::1; names are not resolved)`);
  }
  const name = positionals[1]!;
  const parsed = parseName(name.endsWith('.') ? name : `${name}.`);
  if (!parsed.ok) bad(`name '${name}' is not a domain name: ${parsed.reason}`);

  if (positionals[2] !== undefined && v.type !== undefined && positionals[2].toUpperCase() !== v.type.toUpperCase()) {
    bad(`type given twice: '${positionals[2]}' and --type '${v.type}'`);
  }
  const type = positionals[2] ?? v.type ?? 'A';
  const qtype = typeFromName(type);
  if (qtype === undefined || qtype === TYPE.OPT) {
    bad(`unknown record type '${type}' (accepted: ${QUERY_TYPES.join(', ')}, or TYPE0..TYPE65535)`);
  }
  const cls = v.class ?? 'IN';
  if (classFromName(cls) === undefined) {
    bad(`unknown class '${cls}' (accepted: ${QUERY_CLASSES.join(', ')}, CHAOS, or CLASS0..CLASS65535)`);
  }
  const port = v.port === undefined ? 53 : decimal(v.port, '--port', 1, 65535, '');
  const timeoutMs = v.timeout === undefined ? 2000 : decimal(v.timeout, '--timeout', 1, MAX_QUERY_TIMEOUT_MS, ' milliseconds');
  const bufsize = v.bufsize === undefined ? 1232 : decimal(v.bufsize, '--bufsize', 0, 65535, ' octets');
  if (v['no-edns'] && v.bufsize !== undefined) bad('--bufsize and --no-edns exclude each other');
  if (v['no-edns'] && v.nsid) bad('--nsid needs EDNS: drop --no-edns');
  return {
    server, port, name, type: type.toUpperCase(), class: cls.toUpperCase() === 'CHAOS' ? 'CH' : cls.toUpperCase(),
    nsid: v.nsid === true, tcp: v.tcp === true, edns: v['no-edns'] ? false : bufsize, timeoutMs,
  };
}
