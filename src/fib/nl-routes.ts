// The `ip` commands the kernel FIB and the route watcher run (`ip -N -j -4|-6 route show table T [proto P]`,
// `ip -4|-6 route flush proto P table T`, `ip -N monitor route`), answered in process over rtnetlink sockets
// opened inside the namespace (RFC 3549 §2.3.3; Linux rtnetlink(7); native part src/fib/native/nlread.c).
// Same text out as ip prints, so the readers (ip-lines.ts) are unchanged; what changes is the cost: no process
// is spawned per read, and the monitor is a socket polled from the event loop instead of an `ip` child per
// namespace — which is what lets one process run a hundred speakers, each with its FIB and resolver in its own
// namespace, and start them in milliseconds. Selected by KernelFibOptions.runIp / watcher options.
import { EventEmitter } from 'node:events';
import { FibProcessError } from './errors.js';
import type { MonitorChild } from './kernel-routes.js';
import { loadRtnl, rtnlLoadError, type RtnlAddon } from './netlink.js';
import { AF_INET, RTA_DST, RTA_GATEWAY, RTA_MULTIPATH, RTA_OIF, RTA_PRIORITY, RTA_TABLE, RTA_VIA, RTM_DELROUTE, RTM_NEWROUTE } from './rtnl-encode.js';

export interface NlReadAddon extends RtnlAddon {
  dump(fd: number, family: 4 | 6): Buffer;
  subscribe(fd: number, groups: number): void;
  poll(fd: number): Buffer | number | null;
  ifname(fd: number, index: number): string;
}

const RTNH_F_LINKDOWN = 16;
const RTMGRP_IPV4_ROUTE = 0x40;
const RTMGRP_IPV6_ROUTE = 0x400;
const ENOBUFS = 105;

/** One route as `ip -N -j route` prints it (the fields ip-lines.ts reads). */
export interface JsonRouteRow {
  type: string;
  dst: string;
  protocol: string;
  scope: string;
  metric: number;
  table: number;
  gateway?: string;
  via?: { family: string; host: string };
  dev?: string;
  flags: string[];
  nexthops?: Array<{ gateway?: string; via?: { family: string; host: string }; dev?: string; weight: number; flags: string[] }>;
}

function addrText(b: Buffer, off: number, len: number): string {
  if (len === 4) return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(off + i).toString(16));
  // RFC 5952: the longest run (2+) of zero words becomes "::".
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLen).join(':')}`;
}

/** Parses RTM_NEWROUTE/RTM_DELROUTE messages into rows; `ifname` names output devices. */
export function parseRouteMessages(buf: Buffer, ifname: (index: number) => string): Array<{ deleted: boolean; row: JsonRouteRow }> {
  const out: Array<{ deleted: boolean; row: JsonRouteRow }> = [];
  let off = 0;
  while (off + 16 <= buf.length) {
    const len = buf.readUInt32LE(off);
    const type = buf.readUInt16LE(off + 4);
    if (len < 16 || off + len > buf.length) break;
    if ((type === RTM_NEWROUTE || type === RTM_DELROUTE) && len >= 28) {
      const r = off + 16;
      const family = buf[r]!;
      const alen = family === AF_INET ? 4 : 16;
      const dstLen = buf[r + 1]!;
      let table = buf[r + 4]!;
      const protocol = buf[r + 5]!;
      const scope = buf[r + 6]!;
      const rtype = buf[r + 7]!;
      const rflags = buf.readUInt32LE(r + 8);
      const row: JsonRouteRow = { type: String(rtype), dst: '', protocol: String(protocol), scope: String(scope), metric: 0, table, flags: rflags & RTNH_F_LINKDOWN ? ['linkdown'] : [] };
      let dst: string | null = null;
      for (let a = r + 12; a + 4 <= off + len;) {
        const alen2 = buf.readUInt16LE(a);
        const atype = buf.readUInt16LE(a + 2) & 0x3fff;
        if (alen2 < 4 || a + alen2 > off + len) break;
        const d = a + 4;
        switch (atype) {
          case RTA_DST: dst = addrText(buf, d, alen); break;
          case RTA_GATEWAY: row.gateway = addrText(buf, d, alen); break;
          case RTA_VIA: {
            const vf = buf.readUInt16LE(d);
            row.via = { family: vf === AF_INET ? 'inet' : 'inet6', host: addrText(buf, d + 2, vf === AF_INET ? 4 : 16) };
            break;
          }
          case RTA_OIF: row.dev = ifname(buf.readInt32LE(d)); break;
          case RTA_PRIORITY: row.metric = buf.readUInt32LE(d); break;
          case RTA_TABLE: table = buf.readUInt32LE(d); row.table = table; break;
          case RTA_MULTIPATH: {
            const nhs: NonNullable<JsonRouteRow['nexthops']> = [];
            for (let n = d; n + 8 <= a + alen2;) {
              const nlen = buf.readUInt16LE(n);
              if (nlen < 8) break;
              const nh: NonNullable<JsonRouteRow['nexthops']>[number] = { weight: buf[n + 3]! + 1, flags: buf[n + 2]! & RTNH_F_LINKDOWN ? ['linkdown'] : [] };
              const dev = ifname(buf.readInt32LE(n + 4));
              if (dev) nh.dev = dev;
              for (let q = n + 8; q + 4 <= n + nlen;) {
                const ql = buf.readUInt16LE(q);
                const qt = buf.readUInt16LE(q + 2) & 0x3fff;
                if (ql < 4) break;
                if (qt === RTA_GATEWAY) nh.gateway = addrText(buf, q + 4, alen);
                else if (qt === RTA_VIA) {
                  const vf = buf.readUInt16LE(q + 4);
                  nh.via = { family: vf === AF_INET ? 'inet' : 'inet6', host: addrText(buf, q + 6, vf === AF_INET ? 4 : 16) };
                }
                q += (ql + 3) & ~3;
              }
              nhs.push(nh);
              n += (nlen + 3) & ~3;
            }
            row.nexthops = nhs;
            break;
          }
        }
        a += (alen2 + 3) & ~3;
      }
      row.dst = dstLen === 0 ? 'default' : `${dst ?? (family === AF_INET ? '0.0.0.0' : '::')}/${dstLen}`;
      out.push({ deleted: type === RTM_DELROUTE, row });
    }
    off += (len + 3) & ~3;
  }
  return out;
}

/** Builds RTM_DELROUTE requests for dumped routes (the dump's own messages, re-typed: same keys). */
function deleteRequests(dump: Buffer, keep: (table: number, protocol: number) => boolean): Buffer {
  const parts: Buffer[] = [];
  let off = 0;
  let seq = 1;
  while (off + 16 <= dump.length) {
    const len = dump.readUInt32LE(off);
    if (len < 28 || off + len > dump.length) break;
    const r = off + 16;
    let table = dump[r + 4]!;
    for (let a = r + 12; a + 4 <= off + len;) {
      const l = dump.readUInt16LE(a);
      if (l < 4) break;
      if ((dump.readUInt16LE(a + 2) & 0x3fff) === RTA_TABLE) table = dump.readUInt32LE(a + 4);
      a += (l + 3) & ~3;
    }
    if (keep(table, dump[r + 5]!)) {
      const m = Buffer.from(dump.subarray(off, off + ((len + 3) & ~3)));
      m.writeUInt16LE(RTM_DELROUTE, 4);
      m.writeUInt16LE(1, 6); // NLM_F_REQUEST
      m.writeUInt32LE(seq++, 8);
      parts.push(m);
    }
    off += (len + 3) & ~3;
  }
  return Buffer.concat(parts);
}

/** `ip` route reads, flushes and monitors for one namespace, over rtnetlink in this process. */
export class NetlinkIp {
  private readonly addon: NlReadAddon;
  private readonly fd: number;
  private readonly names = new Map<number, string>();
  private closed = false;

  constructor(readonly ns: string | undefined, addon?: NlReadAddon) {
    const a = (addon ?? loadRtnl()) as NlReadAddon | null;
    if (a === null || typeof a.dump !== 'function') throw new FibProcessError(`in-process route reads need the native addon: ${a === null ? rtnlLoadError() : 'built before route reads (node src/fib/native/build.mjs --force)'}`);
    this.addon = a;
    this.fd = a.open(this.nsPath());
  }

  private nsPath(): string | null {
    return this.ns === undefined ? null : this.ns.startsWith('/') ? this.ns : `/run/netns/${this.ns}`;
  }

  private ifname = (i: number): string => {
    if (i <= 0) return '';
    let n = this.names.get(i);
    // Interface indexes are not reused quickly; a name learnt once stays right for the namespace's life.
    if (n === undefined || n === '') this.names.set(i, (n = this.addon.ifname(this.fd, i)));
    return n;
  };

  /** Answers the argv of the `ip` commands the FIB and the watcher run (see the file comment); throws otherwise. */
  run = async (args: string[]): Promise<string> => {
    const a = args.filter((x) => x !== '-N' && x !== '-j');
    const fam = a[0] === '-4' ? 4 : a[0] === '-6' ? 6 : 0;
    const opt = (k: string) => {
      const i = a.indexOf(k);
      return i >= 0 ? a[i + 1] : undefined;
    };
    if (fam === 0 || a[1] !== 'route') throw new FibProcessError(`in-process ip: unsupported command: ip ${args.join(' ')}`);
    const tableArg = opt('table');
    const table = tableArg === undefined || tableArg === 'main' ? 254 : tableArg === 'all' ? -1 : Number(tableArg);
    const protoArg = opt('proto');
    const proto = protoArg === undefined ? -1 : Number(protoArg);
    const dump = this.addon.dump(this.fd, fam);
    if (a[2] === 'show') {
      const rows = parseRouteMessages(dump, this.ifname).map((x) => x.row)
        .filter((r) => (table < 0 || r.table === table) && (proto < 0 || Number(r.protocol) === proto));
      return JSON.stringify(rows);
    }
    if (a[2] === 'flush') {
      const req = deleteRequests(dump, (t, p) => (table < 0 || t === table) && (proto < 0 || p === proto));
      if (req.length > 0) {
        // ESRCH: gone meanwhile; anything else is reported as ip would fail.
        const errs = this.addon.send(this.fd, req).filter(([, errno]) => errno !== 3);
        if (errs.length > 0) throw new FibProcessError(`route flush: ${errs.length} deletes failed (first: errno ${errs[0]![1]} ${errs[0]![2]})`);
      }
      return '';
    }
    throw new FibProcessError(`in-process ip: unsupported command: ip ${args.join(' ')}`);
  };

  /** A stand-in for the `ip -N monitor route` child: one line per route change, polled every `everyMs`. */
  monitor = (everyMs = 50): MonitorChild => {
    const fd = this.addon.open(this.nsPath());
    this.addon.subscribe(fd, RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE);
    const stdout = new EventEmitter();
    const stderr = new EventEmitter();
    const events = new EventEmitter();
    let open = true;
    const timer = setInterval(() => {
      if (!open) return;
      let r: Buffer | number | null;
      try {
        r = this.addon.poll(fd);
      } catch (e) {
        stderr.emit('data', `${(e as Error).message}\n`);
        return;
      }
      if (r === null) return;
      if (typeof r === 'number') {
        stderr.emit('data', r === ENOBUFS ? 'netlink receive error No buffer space available (105)\n' : `netlink receive error errno ${r}\n`);
        return;
      }
      const lines = parseRouteMessages(r, this.ifname).map(({ deleted, row }) =>
        `${deleted ? 'Deleted ' : ''}${row.dst} proto ${row.protocol} table ${row.table}\n`);
      if (lines.length) stdout.emit('data', lines.join(''));
    }, everyMs);
    timer.unref();
    return {
      stdout: { on: (ev, cb) => stdout.on(ev, cb) },
      stderr: { on: (ev, cb) => stderr.on(ev, cb) },
      on: (ev: 'exit' | 'error', cb: (...x: never[]) => void) => events.on(ev, cb as (...x: unknown[]) => void),
      kill: () => {
        if (!open) return false;
        open = false;
        clearInterval(timer);
        this.addon.close(fd);
        setImmediate(() => events.emit('exit', 0, null));
        return true;
      },
    } as MonitorChild;
  };

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.addon.close(this.fd);
  }
}
