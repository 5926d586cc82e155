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
// IPv6 text follows bgpdump's inet_ntop: RFC 5952 except that ::a.b.c.d (IPv4-compatible) keeps its dotted tail.
import {
  AS_CONFED_SET, AS_SEQUENCE, AS_SET, type AsSegment, type AttrSet, ipv4Text, ipv6Text,
  parseIpv6, type PathAttribute,
} from '../bgp/wire/index.js';
import { u16, u32 } from './bytes.js';

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

/** bgpdump's fmt_ipv6 of 16 octets. */
export function bgpdumpIpv6(b: Uint8Array, o = 0): string {
  let zeros6 = true;
  for (let i = 0; i < 12; i++) if (b[o + i] !== 0) { zeros6 = false; break; }
  if (zeros6 && (b[o + 12] !== 0 || b[o + 13] !== 0)) {
    return `::${b[o + 12]}.${b[o + 13]}.${b[o + 14]}.${b[o + 15]}`;
  }
  return ipv6Text(b, o);
}

/** bgpdump's text of an address given as our text (IPv4 unchanged, IPv6 through bgpdumpIpv6). */
export function bgpdumpAddress(text: string): string {
  if (!text.includes(':')) return text;
  const b = parseIpv6(text);
  return b === null ? text : bgpdumpIpv6(b);
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

const zf = (v: Uint8Array, n: number): Uint8Array => {
  if (v.length >= n) return v;
  const o = new Uint8Array(n);
  o.set(v);
  return o;
};

const NAMED: Readonly<Record<number, string>> = { 0xffffff01: 'no-export', 0xffffff02: 'no-advertise', 0xffffff03: 'local-AS' };

function communityList(values: readonly number[]): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    const c = values[i]! >>> 0;
    if (i > 0) s += ' ';
    s += NAMED[c] ?? `${c >>> 16}:${c & 0xffff}`;
  }
  return s;
}

/** Compute the bgpdump view of an attribute list decoded with 4-octet (as4) or 2-octet AS numbers. */
export function bgpdumpAttrs(list: readonly PathAttribute[], as4: boolean): BgpdumpAttrs {
  const w = as4 ? 4 : 2;
  let origin = -1;
  let asPath: AsSegment[] | null | undefined; // undefined: absent; null: error
  let as4Path: AsSegment[] | undefined;
  let nextHop = '255.255.255.255';
  let localPref = 0, med = 0;
  let communities = '', large = '';
  let atomic = false;
  let aggAs = -1, aggAddr = '255.255.255.255', hasAgg = false;
  let newAggAs = -1, newAggAddr = '', hasNewAgg = false;
  let mpReach: BgpdumpMpReach | null = null;
  for (const a of list) {
    if (a.name === 'UNPARSED' || (a.name === 'INVALID' && a.error === 'attr-duplicate')) continue;
    if (a.name === 'INVALID') {
      const v = a.value;
      switch (a.typeCode) {
        case 1: origin = v[0] ?? 0; break;
        case 2: asPath = lenientSegments(v, w); break;
        case 3: nextHop = ipv4Text(zf(v, 4)); break;
        case 4: med = u32(zf(v, 4), 0); break;
        case 5: localPref = u32(zf(v, 4), 0); break;
        case 6: atomic = true; break;
        case 7: { const z = zf(v, w + 4); hasAgg = true; aggAs = w === 4 ? u32(z, 0) : u16(z, 0); aggAddr = ipv4Text(z, w); break; }
        case 8: { const n: number[] = []; for (let i = 0; i + 4 <= v.length; i += 4) n.push(u32(v, i)); communities = communityList(n); break; }
        case 14: mpReach = lenientMpReach(v); break;
        case 17: as4Path = lenientSegments(v, 4) ?? undefined; break;
        case 18: { const z = zf(v, 8); hasNewAgg = true; newAggAs = u32(z, 0); newAggAddr = ipv4Text(z, 4); break; }
        case 32: { const p: string[] = []; for (let i = 0; i + 12 <= v.length; i += 12) p.push(`${u32(v, i)}:${u32(v, i + 4)}:${u32(v, i + 8)}`); large = p.join(' '); break; }
        default: break;
      }
      continue;
    }
    switch (a.name) {
      case 'ORIGIN': origin = a.origin; break;
      case 'AS_PATH': asPath = [...a.segments]; break;
      case 'NEXT_HOP': nextHop = a.nextHop; break;
      case 'MULTI_EXIT_DISC': med = a.med; break;
      case 'LOCAL_PREF': localPref = a.localPref; break;
      case 'ATOMIC_AGGREGATE': atomic = true; break;
      case 'AGGREGATOR': hasAgg = true; aggAs = a.asn; aggAddr = a.address; break;
      case 'COMMUNITIES': communities = communityList(a.communities); break;
      case 'AS4_PATH': as4Path = [...a.segments]; break;
      case 'AS4_AGGREGATOR': hasNewAgg = true; newAggAs = a.asn; newAggAddr = a.address; break;
      case 'LARGE_COMMUNITY': large = a.communities.map((c) => `${c.global}:${c.local1}:${c.local2}`).join(' '); break;
      case 'MP_REACH_NLRI':
        mpReach = { abbreviated: a.mrt === true, afi: a.afi, safi: a.safi, nextHop: a.nextHopBytes };
        break;
      default: break;
    }
  }
  let pathText = asPath === undefined ? '' : asPath === null ? '! Error !' : bgpdumpAsPath(asPath);
  // RFC 6793 interworking as bgpdump's process_asn32_trans does it, for 2-octet AS contexts only.
  if (!as4) {
    let stop = false;
    if (hasAgg && hasNewAgg) {
      if (aggAs !== 23456) stop = true;
      else { aggAs = newAggAs; aggAddr = newAggAddr; }
    }
    if (!stop && as4Path !== undefined && asPath !== undefined) {
      const segs = asPath ?? [];
      if (pathCount(segs) >= pathCount(as4Path)) pathText = bgpdumpAsPath(bgpdumpMerge(segs, as4Path));
    }
  }
  return {
    origin: origin === 0 ? 'IGP' : origin === 1 ? 'EGP' : 'INCOMPLETE',
    asPath: pathText, nextHop, localPref: localPref >>> 0, med: med >>> 0, communities, largeCommunities: large, atomic,
    aggregator: hasAgg && aggAddr !== '255.255.255.255' ? `${aggAs >>> 0} ${aggAddr}` : '',
    mpReach,
  };
}

/** An MP_REACH_NLRI the codec rejected, read as bgpdump reads it (first octet non-zero: abbreviated form). */
function lenientMpReach(v: Uint8Array): BgpdumpMpReach | null {
  if (v.length === 0) return null;
  if (v[0] !== 0) return { abbreviated: true, afi: 2, safi: 1, nextHop: v.subarray(1, 1 + v[0]!) };
  if (v.length < 4) return null;
  return { abbreviated: false, afi: u16(v, 0), safi: v[2]!, nextHop: v.subarray(4, 4 + v[3]!) };
}

const VIEWS4 = new WeakMap<AttrSet, BgpdumpAttrs>();
const VIEWS2 = new WeakMap<AttrSet, BgpdumpAttrs>();

/** The view of an AttrSet, computed once per set object (decoding with caches shares set objects). */
export function viewOf(set: AttrSet, as4: boolean): BgpdumpAttrs {
  const views = as4 ? VIEWS4 : VIEWS2;
  let v = views.get(set);
  if (v === undefined) {
    v = bgpdumpAttrs(set.list, as4);
    views.set(set, v);
  }
  return v;
}

/** Next-hop text of an MP_REACH next hop by its length (4: IPv4, 16/32: the IPv6 global address), else null. */
export function mpNextHopText(nh: Uint8Array): string | null {
  if (nh.length === 4) return ipv4Text(nh, 0);
  if (nh.length === 16 || nh.length === 32) return bgpdumpIpv6(nh, 0);
  return null;
}
