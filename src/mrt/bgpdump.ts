// The one-line output of `bgpdump -m` (bgpdump 1.6.2), so that `anycast mrt dump` and bgpdump can be diffed:
//
//   TABLE_DUMP2|ts|B|peer_ip|peer_as|prefix|as_path|origin|next_hop|local_pref|med|communities|atomic|aggregator|
//   TABLE_DUMP2_AP|ts|B|peer_ip|peer_as|prefix|path_id|as_path|…            (RFC 8050 add-path RIB subtypes)
//   TABLE_DUMP|ts|B|…                                                      (legacy TABLE_DUMP, same fields)
//   BGP4MP|ts|A|peer_ip|peer_as|prefix|as_path|origin|next_hop|local_pref|med|communities|atomic|aggregator|
//   BGP4MP|ts|W|peer_ip|peer_as|prefix
//   BGP4MP|ts|STATE|peer_ip|peer_as|old_state|new_state
// BGP4MP_ET puts ".uuuuuu" microseconds after ts; the label is BGP4MP_LOCAL for MESSAGE(_AS4)_LOCAL, and BGP4MP_AP
// for every _ADDPATH subtype (then the path id follows the prefix). With largeCommunities (bgpdump -l) a large
// community field follows the communities. Lines per UPDATE: IPv4 withdrawn, MP_UNREACH, IPv4 NLRI, MP_REACH.
//
// Rules kept from bgpdump because they show in its output (see bgpdump-attrs.ts for the attribute fields):
//   - the MESSAGE_LOCAL_ADDPATH subtypes print the *local* address and AS and are labelled BGP4MP(_ET)_AP;
//   - announcements carried in an IPv4 MP_REACH_NLRI print LOCAL_PREF and MED as signed 32-bit numbers and the
//     first 4 octets of the MP next hop; IPv6 ones print nothing for as_path…med when the next hop is neither 4,
//     16 nor 32 octets;
//   - IPv6 withdrawals in a MESSAGE_LOCAL record over IPv4 show the local IPv4 address as IPv6 text.
// Deliberate difference: bgpdump prints nothing for RIB_IPV4/IPV6_MULTICAST(_ADDPATH) and RIB_GENERIC records;
// they are printed here in the TABLE_DUMP2 format, since they are routes of the table.
// OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH and PEER_INDEX_TABLE records print nothing (as in bgpdump -m).
import { type AttrSet, ipv4Text, ipv4TextU32, type MpNlri, parseIpv4, type Prefix, type PrefixList } from '../bgp/wire/index.js';
import { type BgpdumpAttrs, bgpdumpAddress, bgpdumpIpv6, mpNextHopText, viewOf } from './bgpdump-attrs.js';
import type { Bgp4mpMessageRecord, MrtRecord, RibEntry } from './model.js';

export interface BgpdumpOptions {
  /** Print the large community field after the communities (bgpdump -l). */
  readonly largeCommunities?: boolean;
  /** RIB timestamps: the dump time (default, bgpdump -t dump) or the route's originated time (-t change). */
  readonly time?: 'dump' | 'change';
}

/** Called for what bgpdump would complain about (a RIB record without peer table, an unknown peer index). */
export type BgpdumpProblem = (message: string) => void;

/** bgpdump's text of a prefix value (IPv6 through its inet_ntop). */
export function bgpdumpPrefix(p: Prefix): string {
  return p.afi === 2 ? `${bgpdumpIpv6(p.addr)}/${p.len}` : `${p.addr[0]}.${p.addr[1]}.${p.addr[2]}.${p.addr[3]}/${p.len}`;
}

function listPrefix(l: PrefixList, i: number): string {
  if (l.afi !== 2) return `${ipv4TextU32(l.words[i]!)}/${l.lens[i]}`;
  const b = new Uint8Array(16);
  for (let k = 0; k < 4; k++) {
    const w = l.words[4 * i + k]!;
    b[4 * k] = w >>> 24; b[4 * k + 1] = (w >>> 16) & 255; b[4 * k + 2] = (w >>> 8) & 255; b[4 * k + 3] = w & 255;
  }
  return `${bgpdumpIpv6(b)}/${l.lens[i]}`;
}

const isPrefixList = (n: MpNlri | null): n is PrefixList => n !== null && !('opaque' in n);

export class BgpdumpFormatter {
  private peerFields: string[] | null = null;
  private readonly tails = new WeakMap<AttrSet, string>();
  private readonly large: boolean;
  private readonly change: boolean;

  constructor(opts: BgpdumpOptions = {}, private readonly onProblem: BgpdumpProblem = () => {}) {
    this.large = opts.largeCommunities === true;
    this.change = opts.time === 'change';
  }

  /** The lines of one record, each ending in '\n' ('' when the record prints nothing). */
  format(r: MrtRecord): string {
    switch (r.kind) {
      case 'PEER_INDEX_TABLE':
        this.peerFields = r.peers.map((p) => `${bgpdumpAddress(p.address)}|${p.asn}|`);
        return '';
      case 'RIB': case 'RIB_GENERIC': {
        const addPath = r.kind === 'RIB' ? r.addPath : r.subtype === 12;
        const label = addPath && r.kind === 'RIB' ? 'TABLE_DUMP2_AP|' : 'TABLE_DUMP2|';
        const prefix = bgpdumpPrefix(r.prefix) + '|';
        const peers = this.peerFields;
        if (peers === null) {
          if (r.entries.length > 0) this.onProblem(`RIB record for ${bgpdumpPrefix(r.prefix)} before any PEER_INDEX_TABLE`);
          return '';
        }
        let out = '';
        for (const e of r.entries) {
          const peer = peers[e.peerIndex];
          if (peer === undefined) {
            this.onProblem(`RIB entry for ${bgpdumpPrefix(r.prefix)}: peer index ${e.peerIndex} not in the peer table ` +
              `of ${peers.length} peers`);
            continue;
          }
          const ts = this.change ? e.originatedTime : r.timestamp;
          const id = r.kind === 'RIB' && addPath ? `${e.pathId ?? 0}|` : '';
          out += `${label}${ts}|B|${peer}${prefix}${id}${this.td2Tail(e)}\n`;
        }
        return out;
      }
      case 'TABLE_DUMP': {
        const v = viewOf(r.attrs, false);
        const nh = v.mpReach !== null && (v.mpReach.abbreviated || (v.mpReach.afi === 2 && v.mpReach.safi === 1))
          ? bgpdumpIpv6(zeroFill(v.mpReach.nextHop, 16)) : v.nextHop;
        const ts = this.change ? r.originatedTime : r.timestamp;
        const prefix = r.subtype === 2 ? `${bgpdumpIpv6(r.prefix.addr)}/${r.prefix.len}` : `${ipv4Text(r.prefix.addr)}/${r.prefix.len}`;
        return `TABLE_DUMP|${ts}|B|${bgpdumpAddress(r.peerIp)}|${r.peerAs}|${prefix}|${v.asPath}|${v.origin}|${nh}|` +
          `${v.localPref}|${v.med}|${this.rest(v)}\n`;
      }
      case 'BGP4MP_STATE_CHANGE':
        return `${r.extended ? 'BGP4MP_ET' : 'BGP4MP'}|${time(r.timestamp, r.extended, r.microseconds)}|STATE|` +
          `${bgpdumpAddress(r.peerIp)}|${r.peerAs}|${r.oldState}|${r.newState}\n`;
      case 'BGP4MP_MESSAGE':
        return this.message(r);
      case 'UNKNOWN':
        return '';
    }
  }

  /** communities|[large|]AG|aggregator| */
  private rest(v: BgpdumpAttrs): string {
    return `${v.communities}|${this.large ? v.largeCommunities + '|' : ''}${v.atomic ? 'AG' : 'NAG'}|${v.aggregator}|`;
  }

  /** as_path|origin|next_hop|local_pref|med|communities|[large|]atomic|aggregator| of a RIB entry. */
  private td2Tail(e: RibEntry): string {
    const cached = this.tails.get(e.attrs);
    if (cached !== undefined) return cached;
    const v = viewOf(e.attrs, true);
    const mp = v.mpReach;
    let nh = v.nextHop;
    if (mp !== null && (mp.abbreviated || (mp.afi === 2 && mp.safi === 1) || (mp.afi === 1 && mp.safi === 1))) {
      nh = mpNextHopText(mp.nextHop) ?? '';
    }
    const tail = `${v.asPath}|${v.origin}|${nh}|${v.localPref}|${v.med}|${this.rest(v)}`;
    this.tails.set(e.attrs, tail);
    return tail;
  }

  private message(r: Bgp4mpMessageRecord): string {
    const m = r.message;
    if (m === null || m.type !== 'UPDATE') return '';
    const localAp = r.local && r.addPath;
    const label = `${r.extended ? 'BGP4MP_ET' : 'BGP4MP'}${r.addPath ? '_AP' : r.local ? '_LOCAL' : ''}|`;
    const head = `${label}${time(r.timestamp, r.extended, r.microseconds)}|`;
    // bgpdump reads the two AS/IP pairs in swapped order for the LOCAL_ADDPATH subtypes and prints the second.
    const ip = localAp ? r.localIp : r.peerIp;
    const who = `${bgpdumpAddress(ip)}|${localAp ? r.localAs : r.peerAs}|`;
    let out = '';
    const w = (l: PrefixList, v6quirk: boolean) => {
      let whoW = who;
      if (v6quirk && l.afi === 2 && r.afi === 1 && r.local && !r.addPath) {
        whoW = `${bgpdumpIpv6(zeroFill(parseIpv4(r.peerIp) ?? new Uint8Array(4), 16))}|${r.peerAs}|`;
      }
      for (let i = 0; i < l.length; i++) {
        out += `${head}W|${whoW}${listPrefix(l, i)}${r.addPath ? `|${l.pathIds?.[i] ?? 0}` : ''}\n`;
      }
    };
    w(m.withdrawn, false);
    if (isPrefixList(m.mpUnreach)) w(m.mpUnreach, true);
    const hasNlri = m.nlri.length > 0;
    const mpA = isPrefixList(m.mpReach) && m.mpReach.length > 0 ? m.mpReach : null;
    if (!hasNlri && mpA === null) return out;
    const v = viewOf(m.attrs, r.as4);
    const id = (l: PrefixList, i: number) => (r.addPath ? `${l.pathIds?.[i] ?? 0}|` : '');
    if (hasNlri) {
      const tail = `${v.asPath}|${v.origin}|${v.nextHop}|${v.localPref}|${v.med}|${this.rest(v)}`;
      for (let i = 0; i < m.nlri.length; i++) out += `${head}A|${who}${listPrefix(m.nlri, i)}|${id(m.nlri, i)}${tail}\n`;
    }
    if (mpA !== null) {
      const nh = v.mpReach?.nextHop ?? new Uint8Array(0);
      let tail: string;
      if (mpA.afi === 1) {
        tail = `${v.asPath}|${v.origin}|${ipv4Text(zeroFill(nh, 4))}|${v.localPref | 0}|${v.med | 0}|${this.rest(v)}`;
      } else {
        const t = mpNextHopText(nh);
        tail = (t === null ? '' : `${v.asPath}|${v.origin}|${t}|${v.localPref}|${v.med}|`) + this.rest(v);
      }
      for (let i = 0; i < mpA.length; i++) out += `${head}A|${who}${listPrefix(mpA, i)}|${id(mpA, i)}${tail}\n`;
    }
    return out;
  }
}

function time(ts: number, extended: boolean, us: number): string {
  return extended ? `${ts}.${String(us).padStart(6, '0')}` : String(ts);
}

function zeroFill(b: Uint8Array, n: number): Uint8Array {
  const o = new Uint8Array(n);
  o.set(b.subarray(0, n));
  return o;
}
