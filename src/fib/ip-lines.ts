// The iproute2 side of the kernel FIB, pure: `ip -batch` lines for our changes, the sentinel line that marks
// progress, the parser of what `ip -force -batch -` prints on stderr (each failing line is followed by
// "Command failed -:N", N counting the lines read), and the parser of `ip -N -j route` (numeric protocol,
// type and scope, so that names from /etc/iproute2 never matter).
//
// Deviation from a plain `ip route` habit: no `-4`/`-6` inside a batch — ip refuses option words on batch
// lines ('Object "-6" is unknown'); the family comes from the prefix.

import { parsePrefix, type Family } from './addr.js';
import { FibReadError } from './errors.js';
import type { NormalChange, NormalNextHop, NormalRoute } from './delta.js';

export interface IpRouteOptions {
  /** Route protocol id written on and filtered by every route of ours. */
  protocol: number;
  metric: number;
  table: number;
}

function via(family: Family, nh: NormalNextHop): string {
  // Same family: `via X`; an IPv6 gateway of an IPv4 prefix (RFC 8950 forwarding) is `via inet6 X`.
  const fam = nh.gwFamily === family ? '' : nh.gwFamily === 4 ? 'inet ' : 'inet6 ';
  return `via ${fam}${nh.gateway}${nh.dev ? ` dev ${nh.dev}` : ''}`;
}

export function changeLine(c: NormalChange, o: IpRouteOptions): string {
  const common = `${c.prefix} proto ${o.protocol} metric ${o.metric} table ${o.table}`;
  if (c.kind === 'delete') return `route del ${common}`;
  if (c.nextHops.length === 1) return `route replace ${common} ${via(c.family, c.nextHops[0]!)}`;
  return `route replace ${common} ${c.nextHops.map((n) => `nexthop ${via(c.family, n)} weight ${n.weight}`).join(' ')}`;
}

/**
 * A line that always fails without exiting ip and without touching any route: a device whose name contains
 * '/' cannot exist (the kernel refuses such names). Its "Command failed -:N" tells us ip has done every line
 * before N; stderr is unbuffered and written in order, so nothing before it is still to come.
 */
export const SENTINEL_LINE = 'link show dev acf/sentinel';

export type StderrEvent =
  | { kind: 'failed'; line: number; message: string }
  /** Text ip printed without a "Command failed" after it yet (kept until one comes, or ip exits). */
  | { kind: 'text'; text: string };

/**
 * Incremental parser of ip's stderr. Message lines accumulate until "Command failed -:N" attributes them
 * to line N. `pending()` returns the unattributed text (what ip printed before dying on a parse error).
 */
export class StderrParser {
  private buf = '';
  private msg: string[] = [];

  push(chunk: string): Array<{ line: number; message: string }> {
    this.buf += chunk;
    const out: Array<{ line: number; message: string }> = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const l = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const m = /^Command failed .*:(\d+)$/.exec(l);
      if (m) {
        out.push({ line: Number(m[1]), message: this.msg.join('; ') || 'failed' });
        this.msg = [];
      } else if (l.trim() !== '') {
        this.msg.push(l.trim());
      }
    }
    return out;
  }

  pending(): string {
    return [...this.msg, this.buf.trim()].filter((s) => s !== '').join('; ');
  }

  reset(): void {
    this.buf = '';
    this.msg = [];
  }
}

/** Whether a failure message means "the route to delete was not there" (ESRCH): the delete is done. */
export function isAbsentRouteError(message: string): boolean {
  return /No such process|ESRCH/.test(message);
}

/** A route as `ip -N -j route` shows it, in our terms. */
export interface KernelRoute extends NormalRoute {
  /** Kernel route type (RTN_*): 1 unicast, 2 local, 3 broadcast, 6 blackhole, 7 unreachable, 8 prohibit. */
  type: number;
  protocol: number;
  metric: number;
  /** Output device of a route without gateway (connected), or of the first next hop. */
  dev?: string;
  scope: number;
  /** The kernel keeps the route but its link has no carrier (flag `linkdown`). */
  linkdown: boolean;
}

interface JsonNh {
  gateway?: string;
  via?: { family?: string; host?: string };
  dev?: string;
  weight?: number;
  flags?: string[];
}
interface JsonRoute extends JsonNh {
  type?: string;
  dst?: string;
  protocol?: string;
  metric?: number;
  scope?: string;
  nexthops?: JsonNh[];
}

const RTN_UNICAST = 1;
const RTPROT_BOOT = 3;

function jsonNextHop(n: JsonNh, family: Family): NormalNextHop | null {
  const gw = n.gateway ?? n.via?.host;
  if (!gw) return null;
  const gwFamily: Family = n.via?.family === 'inet' ? 4 : n.via?.family === 'inet6' ? 6 : gw.includes(':') ? 6 : family;
  const out: NormalNextHop = { gateway: gw, gwFamily, weight: n.weight ?? 1 };
  if (n.dev) out.dev = n.dev;
  return out;
}

/**
 * Parses `ip -N -j [-4|-6] route show …`. Fields ip leaves out take their kernel defaults: no `protocol` is
 * boot (3) — or `defaultProtocol` when the dump was filtered by protocol, which also drops the field — no
 * `type` is unicast, no `metric` is 0.
 */
export function parseIpRouteJson(text: string, family: Family, defaultProtocol = RTPROT_BOOT): KernelRoute[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text.trim() === '' ? '[]' : text);
  } catch (e) {
    throw new FibReadError(`ip -j route printed something that is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new FibReadError('ip -j route did not print a list');
  const out: KernelRoute[] = [];
  for (const r of raw as JsonRoute[]) {
    if (!r || typeof r.dst !== 'string') continue;
    const p = parsePrefix(r.dst, { strict: false, family });
    if ('error' in p) continue;
    const nhs = (r.nexthops ?? [r]).map((n) => jsonNextHop(n, family)).filter((n): n is NormalNextHop => n !== null);
    if (nhs.length === 1) nhs[0]!.weight = 1;
    const kr: KernelRoute = {
      family,
      prefix: p.text,
      nextHops: nhs,
      type: r.type === undefined ? RTN_UNICAST : Number(r.type),
      protocol: r.protocol === undefined ? defaultProtocol : Number(r.protocol),
      metric: r.metric ?? 0,
      scope: r.scope === undefined ? 0 : Number(r.scope),
      linkdown: (r.flags ?? []).includes('linkdown') || (r.nexthops !== undefined && r.nexthops.every((n) => (n.flags ?? []).includes('linkdown'))),
    };
    const dev = r.dev ?? r.nexthops?.[0]?.dev;
    if (dev) kr.dev = dev;
    out.push(kr);
  }
  return out;
}

/** Arguments of `ip` that list one family's routes of a table (optionally of one protocol), numerically. */
export function ipRouteShowArgv(family: Family, table: number | 'all', protocol?: number): string[] {
  const a = ['-N', '-j', family === 4 ? '-4' : '-6', 'route', 'show', 'table', String(table)];
  if (protocol !== undefined) a.push('proto', String(protocol));
  return a;
}

/** What a line of `ip -N monitor route` says about the table: which protocol's routes in which table moved. */
export interface MonitorEvent {
  deleted: boolean;
  protocol: number;
  table: number;
}

/**
 * Parses one line of `ip -N monitor route`. Continuation lines of a multipath route (tab + "nexthop") and
 * blank lines give null. ip omits `proto` for boot (3) and `table` for main (254).
 */
export function parseMonitorLine(line: string): MonitorEvent | null {
  if (line === '' || line[0] === ' ' || line[0] === '\t') return null;
  const deleted = line.startsWith('Deleted ');
  const pm = / proto (\d+)/.exec(line);
  const tm = / table (\d+)/.exec(line);
  return { deleted, protocol: pm ? Number(pm[1]) : RTPROT_BOOT, table: tm ? Number(tm[1]) : 254 };
}
