// The path attributes as `bgpdump -m` (1.6.2) reads and prints them: the text of each attribute field of its
// one-line format, computed once per attribute set. It follows bgpdump's rules, including the ones that differ
// from RFC text forms, so that the two outputs can be diffed:
//   - AS_PATH: sequences joined by spaces, {AS_SET} with commas, (CONFED SEQUENCE), [CONFED,SET]; cut with "..."
//     past 7900 characters; "! Error !" for an unknown segment type or an overrun.
//   - 2-octet contexts (BGP4MP_MESSAGE, TABLE_DUMP): AS4_AGGREGATOR replaces an AGGREGATOR of AS_TRANS; an
//     AGGREGATOR of another AS stops the AS4 processing, AS4_PATH included; otherwise AS4_PATH is merged as
//     bgpdump does it (confederation segments counted; the leading part repeats the first AS_PATH segment).
//   - COMMUNITIES: "no-export", "no-advertise", "local-AS" (0xFFFFFF03) by name, all others as "hi:lo".
//   - Absent ORIGIN prints INCOMPLETE, absent NEXT_HOP 255.255.255.255, absent LOCAL_PREF/MED 0; an AGGREGATOR
//     whose address is 255.255.255.255 is not printed.
//   - Attributes the wire codec rejected (INVALID) are read leniently from their octets, as bgpdump does;
//     discarded duplicate copies are ignored.
// IPv6 text follows bgpdump's fmt_ipv6 (see bgpdumpIpv6), which differs from RFC 5952 in two corners.
import {
  AS_CONFED_SET, AS_SEQUENCE, AS_SET, type AsSegment, ipv4Text, parseIpv4, parseIpv6, type PathAttribute,
} from '../bgp/wire/index.js';
import { u16, u32 } from './bytes.js';
import { formatIPv6 } from '../util/ip.js';

/** An MP_REACH_NLRI next hop as bgpdump keeps it. */
export interface BgpdumpMpReach {
  /** The RFC 6396 §4.3.4 abbreviated form (bgpdump files it as IPv6 unicast whatever the record). */
  readonly abbreviated: boolean;
  readonly afi: number;
  readonly safi: number;
  readonly nextHop: Uint8Array;
}

export interface BgpdumpAttrs {
  readonly origin: string;
  readonly asPath: string;
  /** NEXT_HOP text, or 255.255.255.255 when absent. */
  readonly nextHop: string;
  /** Unsigned values as read (0 when absent). */
  readonly localPref: number;
  readonly med: number;
  /** Community text without bgpdump's leading space, '' when the attribute is absent. */
  readonly communities: string;
  readonly largeCommunities: string;
  readonly atomic: boolean;
  /** "AS address", or '' when there is none to print. */
  readonly aggregator: string;
  readonly mpReach: BgpdumpMpReach | null;
}

const MAX_ASPATH = 8000;

/**
 * bgpdump's fmt_ipv6 of 16 octets: IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, last word > 1)
 * addresses keep a dotted tail; otherwise the first longest run of zero groups is written "::" even when it is a
 * single group (RFC 5952 §4.2.2 would not compress one group; bgpdump does).
 */
export function bgpdumpIpv6(b: Uint8Array, o = 0): string {
  let zero10 = true;
  for (let i = 0; i < 10; i++) if (b[o + i] !== 0) { zero10 = false; break; }
  if (zero10) {
    const tail = `${b[o + 12]}.${b[o + 13]}.${b[o + 14]}.${b[o + 15]}`;
    if (b[o + 10] === 0xff && b[o + 11] === 0xff) return `::ffff:${tail}`;
    const last = u32(b, o + 12);
    if (b[o + 10] === 0 && b[o + 11] === 0 && last > 1) return `::${tail}`;
  }
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!;
  return formatIPv6(g, 1);
}

const ADDRESSES = new Map<string, string>();

/** bgpdump's text of an address given as our text (IPv4 unchanged, IPv6 through bgpdumpIpv6). */
export function bgpdumpAddress(text: string): string {
  if (!text.includes(':')) return text;
  // Peer addresses repeat on every line: remember a few thousand.
  let t = ADDRESSES.get(text);
  if (t === undefined) {
    const b = parseIpv6(text);
    t = b === null ? text : bgpdumpIpv6(b);
    if (ADDRESSES.size >= 4096) ADDRESSES.clear();
    ADDRESSES.set(text, t);
  }
  return t;
}

const END: Readonly<Record<number, string>> = { 1: '}', 3: ')', 4: ']' };
const START: Readonly<Record<number, string>> = { 1: '{', 3: '(', 4: '[' };

/** bgpdump's AS path string (process_attr_aspath_string) of decoded segments. */
export function bgpdumpAsPath(segs: readonly AsSegment[]): string {
  let s = '';
  let space = false;
  let type = AS_SEQUENCE;
  for (const seg of segs) {
    if (type !== AS_SEQUENCE) s += END[type] ?? ' ';
    if (space) s += ' ';
    if (seg.type !== AS_SEQUENCE) s += START[seg.type] ?? ' ';
    space = false;
    const sep = seg.type === AS_SET || seg.type === AS_CONFED_SET ? ',' : ' ';
    for (const a of seg.asns) {
      if (space) s += sep; else space = true;
      s += a;
      if (s.length > MAX_ASPATH - 100) return s + '...';
    }
    type = seg.type;
  }
  const last = segs[segs.length - 1];
  if (last !== undefined && last.type !== AS_SEQUENCE) s += END[last.type] ?? ' ';
  return s;
}

/** Segments of a raw AS_PATH value read as bgpdump reads them; null where bgpdump prints "! Error !". */
export function lenientSegments(v: Uint8Array, width: number): AsSegment[] | null {
  const out: AsSegment[] = [];
  let p = 0;
  while (p < v.length) {
    const type = v[p]!, n = v[p + 1] ?? 0;
    if (type < AS_SET || type > AS_CONFED_SET) return null;
    if (p + 2 + n * width > v.length) return null;
    const asns: number[] = [];
    for (let i = 0; i < n; i++) asns.push(width === 4 ? u32(v, p + 2 + 4 * i) : u16(v, p + 2 + 2 * i));
    out.push({ type, asns });
    p += 2 + n * width;
  }
  return out;
}

/** bgpdump's path count: sequences count their ASes, sets count 1, confederation segments included. */
function pathCount(segs: readonly AsSegment[]): number {
  let n = 0;
  for (const s of segs) n += s.type === AS_SET || s.type === AS_CONFED_SET ? 1 : s.asns.length;
  return n;
}

/** bgpdump's asn32_merge_paths, reproduced with its behaviour (the leading part copies the first segment). */
function bgpdumpMerge(path: readonly AsSegment[], newPath: readonly AsSegment[]): AsSegment[] {
  const target = pathCount(path) - pathCount(newPath);
  const out: AsSegment[] = [];
  const first = path[0];
  let count = 0;
  // Bounded: a first segment that adds nothing would never reach the target.
  for (let guard = 0; first !== undefined && count < target && guard < 10_000; guard++) {
    if (first.type === AS_SET || first.type === AS_CONFED_SET) {
      out.push({ type: first.type, asns: first.asns });
      count += 1;
    } else {
      count += first.asns.length;
      const over = count > target ? count - target : 0;
      out.push({ type: first.type, asns: first.asns.slice(0, first.asns.length - over) });
      if (first.asns.length === 0) break;
    }
  }
  return [...out, ...newPath];
}

const NAMED: Readonly<Record<number, string>> = { 0xffffff01: 'no-export', 0xffffff02: 'no-advertise', 0xffffff03: 'local-AS' };

function community(c: number): string {
  return NAMED[c] ?? `${c >>> 16}:${c & 0xffff}`;
}

/** bgpdump's AS path text straight from a raw AS_PATH value v[p, end); null where it prints "! Error !". */
function asPathTextRaw(v: Uint8Array, p: number, end: number, w: number): string | null {
  let s = '';
  let space = false;
  let type = AS_SEQUENCE;
  let last = -1;
  while (p < end) {
    const t = v[p]!, n = p + 1 < end ? v[p + 1]! : 0;
    if (t < AS_SET || t > AS_CONFED_SET) return null;
    if (p + 2 + n * w > end) return null;
    if (type !== AS_SEQUENCE) s += END[type] ?? ' ';
    if (space) s += ' ';
    if (t !== AS_SEQUENCE) s += START[t] ?? ' ';
    space = false;
    const sep = t === AS_SET || t === AS_CONFED_SET ? ',' : ' ';
    let q = p + 2;
    for (let i = 0; i < n; i++, q += w) {
      if (space) s += sep; else space = true;
      s += w === 4 ? u32(v, q) : u16(v, q);
      if (s.length > MAX_ASPATH - 100) return s + '...';
    }
    type = t;
    last = t;
    p = q;
  }
  if (last !== -1 && last !== AS_SEQUENCE) s += END[last] ?? ' ';
  return s;
}

type PathSource = { b: Uint8Array; s: number; e: number } | { segs: readonly AsSegment[] };

/** Octet i of a value b[.., e), or 0 past its end (bgpdump's stream reads give zeros past the data). */
const at = (b: Uint8Array, i: number, e: number): number => (i < e ? b[i]! : 0);
const be16 = (b: Uint8Array, i: number, e: number): number => (i + 2 <= e ? u16(b, i) : (at(b, i, e) << 8) | at(b, i + 1, e));
const be32 = (b: Uint8Array, i: number, e: number): number => (i + 4 <= e ? u32(b, i)
  : ((at(b, i, e) << 24) | (at(b, i + 1, e) << 16) | (at(b, i + 2, e) << 8) | at(b, i + 3, e)) >>> 0);
const quad = (b: Uint8Array, i: number, e: number): string =>
  `${at(b, i, e)}.${at(b, i + 1, e)}.${at(b, i + 2, e)}.${at(b, i + 3, e)}`;

/** What bgpdump keeps of a section while reading it (attr_init defaults: absent fields as bgpdump prints them). */
class Acc {
  origin = -1;
  asPath: PathSource | null = null;
  as4Path: PathSource | null = null;
  nextHop = '255.255.255.255';
  localPref = 0;
  med = 0;
  communities = '';
  large = '';
  atomic = false;
  hasAgg = false;
  aggAs = -1;
  aggAddr = '255.255.255.255';
  hasNewAgg = false;
  newAggAs = -1;
  newAggAddr = '';
  mpReach: BgpdumpMpReach | null = null;

  /** One attribute value b[vs, ve) read as bgpdump reads it (fields past the value's end read as zero). */
  raw(type: number, b: Uint8Array, vs: number, ve: number, w: number): void {
    switch (type) {
      case 1: this.origin = at(b, vs, ve); break;
      case 2: this.asPath = { b, s: vs, e: ve }; break;
      case 3: this.nextHop = quad(b, vs, ve); break;
      case 4: this.med = be32(b, vs, ve); break;
      case 5: this.localPref = be32(b, vs, ve); break;
      case 6: this.atomic = true; break;
      case 7:
        this.hasAgg = true; this.aggAs = w === 4 ? be32(b, vs, ve) : be16(b, vs, ve); this.aggAddr = quad(b, vs + w, ve);
        break;
      case 8: {
        let t = '';
        for (let i = vs; i + 4 <= ve; i += 4) t += (i > vs ? ' ' : '') + community(u32(b, i));
        this.communities = t;
        break;
      }
      case 14: this.mpReach = rawMpReach(b, vs, ve); break;
      case 17: this.as4Path = { b, s: vs, e: ve }; break;
      case 18: this.hasNewAgg = true; this.newAggAs = be32(b, vs, ve); this.newAggAddr = quad(b, vs + 4, ve); break;
      case 32: {
        let t = '';
        for (let i = vs; i + 12 <= ve; i += 12) t += `${i > vs ? ' ' : ''}${u32(b, i)}:${u32(b, i + 4)}:${u32(b, i + 8)}`;
        this.large = t;
        break;
      }
      default: break;
    }
  }

  finish(as4: boolean): BgpdumpAttrs {
    const w = as4 ? 4 : 2;
    const ap = this.asPath;
    let pathText = ap === null ? '' : ('segs' in ap ? bgpdumpAsPath(ap.segs) : asPathTextRaw(ap.b, ap.s, ap.e, w) ?? '! Error !');
    // RFC 6793 interworking as bgpdump's process_asn32_trans does it, for 2-octet AS contexts only.
    if (!as4) {
      let stop = false;
      if (this.hasAgg && this.hasNewAgg) {
        if (this.aggAs !== 23456) stop = true;
        else { this.aggAs = this.newAggAs; this.aggAddr = this.newAggAddr; }
      }
      const a4 = this.as4Path;
      if (!stop && a4 !== null && ap !== null) {
        const segs = 'segs' in ap ? ap.segs : lenientSegments(ap.b.subarray(ap.s, ap.e), w) ?? [];
        const segs4 = 'segs' in a4 ? a4.segs : lenientSegments(a4.b.subarray(a4.s, a4.e), 4);
        if (segs4 !== null && pathCount(segs) >= pathCount(segs4)) pathText = bgpdumpAsPath(bgpdumpMerge(segs, segs4));
      }
    }
    const o = this.origin;
    // Flatten the strings built piece by piece: views are cached, and a concatenation tree costs several times more.
    pathText.charCodeAt(0); this.communities.charCodeAt(0); this.large.charCodeAt(0);
    return {
      origin: o === 0 ? 'IGP' : o === 1 ? 'EGP' : 'INCOMPLETE',
      asPath: pathText, nextHop: this.nextHop, localPref: this.localPref >>> 0, med: this.med >>> 0,
      communities: this.communities, largeCommunities: this.large, atomic: this.atomic,
      aggregator: this.hasAgg && this.aggAddr !== '255.255.255.255' ? `${this.aggAs >>> 0} ${this.aggAddr}` : '',
      mpReach: this.mpReach,
    };
  }
}

/** An MP_REACH_NLRI value as bgpdump reads it: a non-zero first octet means the abbreviated form (RFC 6396 §4.3.4). */
function rawMpReach(b: Uint8Array, vs: number, ve: number): BgpdumpMpReach | null {
  if (ve <= vs) return null;
  if (b[vs] !== 0) return { abbreviated: true, afi: 2, safi: 1, nextHop: b.subarray(vs + 1, Math.min(ve, vs + 1 + b[vs]!)) };
  if (ve - vs < 4) return null;
  return { abbreviated: false, afi: u16(b, vs), safi: b[vs + 2]!, nextHop: b.subarray(vs + 4, Math.min(ve, vs + 4 + b[vs + 3]!)) };
}

const seen = new Uint8Array(256);

/**
 * The bgpdump view of a raw attribute section b[s, e) with 4-octet (as4) or 2-octet AS numbers, read the way bgpdump
 * reads it. A repeated attribute keeps its first copy (bgpdump aborts on repeats); a truncated tail is ignored.
 */
export function bgpdumpAttrsRaw(b: Uint8Array, s: number, e: number, as4: boolean): BgpdumpAttrs {
  const acc = new Acc();
  const w = as4 ? 4 : 2;
  seen.fill(0);
  let p = s;
  while (p + 3 <= e) {
    const flags = b[p]!, type = b[p + 1]!;
    const ext = (flags & 0x10) !== 0;
    if (ext && p + 4 > e) break;
    const len = ext ? u16(b, p + 2) : b[p + 2]!;
    const vs = p + (ext ? 4 : 3), ve = vs + len;
    if (ve > e) break;
    if (seen[type] === 0) {
      seen[type] = 1;
      acc.raw(type, b, vs, ve, w);
    }
    p = ve;
  }
  return acc.finish(as4);
}

/** The bgpdump view of a decoded attribute list (records built in memory; INVALID values read leniently). */
export function bgpdumpAttrs(list: readonly PathAttribute[], as4: boolean): BgpdumpAttrs {
  const acc = new Acc();
  const w = as4 ? 4 : 2;
  for (const a of list) {
    switch (a.name) {
      case 'UNPARSED': break;
      case 'INVALID': if (a.error !== 'attr-duplicate') acc.raw(a.typeCode, a.value, 0, a.value.length, w); break;
      case 'ORIGIN': acc.origin = a.origin; break;
      case 'AS_PATH': acc.asPath = { segs: a.segments }; break;
      case 'NEXT_HOP': acc.nextHop = a.nextHop; break;
      case 'MULTI_EXIT_DISC': acc.med = a.med; break;
      case 'LOCAL_PREF': acc.localPref = a.localPref; break;
      case 'ATOMIC_AGGREGATE': acc.atomic = true; break;
      case 'AGGREGATOR': acc.hasAgg = true; acc.aggAs = a.asn; acc.aggAddr = a.address; break;
      case 'COMMUNITIES': acc.communities = a.communities.map((c) => community(c >>> 0)).join(' '); break;
      case 'AS4_PATH': acc.as4Path = { segs: a.segments }; break;
      case 'AS4_AGGREGATOR': acc.hasNewAgg = true; acc.newAggAs = a.asn; acc.newAggAddr = a.address; break;
      case 'LARGE_COMMUNITY': acc.large = a.communities.map((c) => `${c.global}:${c.local1}:${c.local2}`).join(' '); break;
      case 'MP_REACH_NLRI':
        acc.mpReach = { abbreviated: a.mrt === true, afi: a.afi, safi: a.safi, nextHop: mpNextHopBytes(a) };
        break;
      default: break;
    }
  }
  return acc.finish(as4);
}

/** Next-hop octets of a decoded MP_REACH_NLRI (built records carry the text only). */
function mpNextHopBytes(a: Extract<PathAttribute, { name: 'MP_REACH_NLRI' }>): Uint8Array {
  if (a.nextHopBytes.length > 0 || a.nextHop.length === 0) return a.nextHopBytes;
  const parts = a.nextHop.map((t) => (t.includes(':') ? parseIpv6(t) : parseIpv4(t)) ?? new Uint8Array(0));
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) { out.set(x, o); o += x.length; }
  return out;
}

/** Next-hop text of an MP_REACH next hop by its length (4: IPv4, 16/32: the IPv6 global address), else null. */
export function mpNextHopText(nh: Uint8Array): string | null {
  if (nh.length === 4) return ipv4Text(nh, 0);
  if (nh.length === 16 || nh.length === 32) return bgpdumpIpv6(nh, 0);
  return null;
}
