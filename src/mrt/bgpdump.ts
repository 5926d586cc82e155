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
// Deliberate differences: bgpdump prints nothing for RIB_IPV4/IPV6_MULTICAST(_ADDPATH) and RIB_GENERIC records;
// they are printed here in the TABLE_DUMP2 format, since they are routes of the table. With -t change, bgpdump
// 1.6.2 prints 0 as the time of TABLE_DUMP2 lines; the entry's Originated Time is printed here.
// OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH and PEER_INDEX_TABLE records print nothing (as in bgpdump -m).
// Entries read from a file are printed from their octets (bgpdump-attrs.ts, bgpdump-update.ts), with the text of
// each distinct attribute section computed once; records built in memory go through their models.
import { type AttrSet, encodeMessage, ipv4Text, parseIpv4, type Prefix } from '../bgp/wire/index.js';
import {
  type BgpdumpAttrs, bgpdumpAddress, bgpdumpAttrs, bgpdumpAttrsRaw, bgpdumpIpv6, mpNextHopText,
} from './bgpdump-attrs.js';
import { BytesMap, hashBytes } from './bytes-map.js';
import { type PrefixTexts, walkUpdate } from './bgpdump-update.js';
import { bgp4mpContext } from './decode-bgp4mp.js';
import type { Bgp4mpMessageRecord, MrtRecord, RibEntry } from './model.js';

export interface BgpdumpOptions {
  /** Print the large community field after the communities (bgpdump -l). */
  readonly largeCommunities?: boolean;
  /** RIB timestamps: the dump time (default, bgpdump -t dump) or the route's originated time (-t change). */
  readonly time?: 'dump' | 'change';
  /** Attribute sections whose text is kept for reuse, per generation (default 32768; see BytesMap). */
  readonly maxCached?: number;
}

/** Called for what bgpdump would complain about (a RIB record without peer table, an unknown peer index). */
export type BgpdumpProblem = (message: string) => void;

/** bgpdump's text of a prefix value (IPv6 through its inet_ntop). */
export function bgpdumpPrefix(p: Prefix): string {
  return p.afi === 2 ? `${bgpdumpIpv6(p.addr)}/${p.len}` : `${p.addr[0]}.${p.addr[1]}.${p.addr[2]}.${p.addr[3]}/${p.len}`;
}

export class BgpdumpFormatter {
  private peerFields: string[] | null = null;
  // Text per attribute section: by octets for entries read from a file, by AttrSet object for records built in
  // memory (a strong map cleared when full; WeakMaps cost more in garbage collection than they save here).
  private tails = new Map<AttrSet, string>();
  private readonly sectionTails: BytesMap<string>;
  private readonly views4: BytesMap<BgpdumpAttrs>;
  private readonly views2: BytesMap<BgpdumpAttrs>;
  private readonly maxCached: number;
  private readonly large: boolean;
  private readonly change: boolean;

  constructor(opts: BgpdumpOptions = {}, private readonly onProblem: BgpdumpProblem = () => {}) {
    this.large = opts.largeCommunities === true;
    this.change = opts.time === 'change';
    this.maxCached = opts.maxCached ?? 32_768;
    this.sectionTails = new BytesMap(this.maxCached);
    this.views4 = new BytesMap(this.maxCached);
    this.views2 = new BytesMap(this.maxCached);
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
        const raw = r.attributeBytes;
        const v = raw !== undefined ? bgpdumpAttrsRaw(raw, 0, raw.length, false) : bgpdumpAttrs(r.attrs.list, false);
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
    // Entries read from a file: reuse the text of an identical attribute section without decoding it again.
    const raw = e.attributeBytes;
    let h = 0;
    if (raw !== undefined) {
      h = hashBytes(raw, 0, raw.length);
      const t = this.sectionTails.get(h, raw, 0, raw.length);
      if (t !== undefined) return t;
    } else {
      const t = this.tails.get(e.attrs);
      if (t !== undefined) return t;
    }
    const v = raw !== undefined ? bgpdumpAttrsRaw(raw, 0, raw.length, true) : bgpdumpAttrs(e.attrs.list, true);
    const mp = v.mpReach;
    let nh = v.nextHop;
    if (mp !== null && (mp.abbreviated || (mp.afi === 2 && mp.safi === 1) || (mp.afi === 1 && mp.safi === 1))) {
      nh = mpNextHopText(mp.nextHop) ?? '';
    }
    // Flattened once here, so that every line that reuses it copies one string rather than a rope of pieces.
    const tail = flat(`${v.asPath}|${v.origin}|${nh}|${v.localPref}|${v.med}|${this.rest(v)}`);
    if (raw !== undefined) this.sectionTails.set(h, raw, 0, raw.length, tail);
    else {
      if (this.tails.size >= this.maxCached) this.tails = new Map();
      this.tails.set(e.attrs, tail);
    }
    return tail;
  }

  private message(r: Bgp4mpMessageRecord): string {
    // Records built from a message model are encoded first, so that every message is read from its octets.
    let bytes = r.bytes;
    if (bytes.length === 0) {
      if (r.message === null || r.message.type !== 'UPDATE') return '';
      try {
        bytes = encodeMessage(r.message, bgp4mpContext(r.as4, r.addPath));
      } catch (e) {
        this.onProblem(`BGP4MP message that cannot be encoded: ${(e as Error).message}`);
        return '';
      }
    }
    const u = walkUpdate(bytes, r.addPath, bgpdumpIpv6);
    if (u === null) return '';
    const localAp = r.local && r.addPath;
    const label = `${r.extended ? 'BGP4MP_ET' : 'BGP4MP'}${r.addPath ? '_AP' : r.local ? '_LOCAL' : ''}|`;
    const head = `${label}${time(r.timestamp, r.extended, r.microseconds)}|`;
    // bgpdump reads the two AS/IP pairs in swapped order for the LOCAL_ADDPATH subtypes and prints the second.
    const who = `${bgpdumpAddress(localAp ? r.localIp : r.peerIp)}|${localAp ? r.localAs : r.peerAs}|`;
    let out = '';
    const w = (l: PrefixTexts) => {
      let whoW = who;
      if (l.afi === 2 && r.afi === 1 && r.local && !r.addPath) {
        whoW = `${bgpdumpIpv6(zeroFill(parseIpv4(r.peerIp) ?? new Uint8Array(4), 16))}|${r.peerAs}|`;
      }
      for (let i = 0; i < l.texts.length; i++) out += `${head}W|${whoW}${l.texts[i]}${r.addPath ? `|${l.ids[i]}` : ''}\n`;
    };
    w(u.withdrawn);
    if (u.mpUnreach !== null) w(u.mpUnreach);
    const mpA = u.mpReach !== null && u.mpReach.texts.length > 0 ? u.mpReach : null;
    if (u.nlri.texts.length === 0 && mpA === null) return out;
    const v = this.sectionView(bytes, u.attrStart, u.attrEnd, r.as4);
    const id = (l: PrefixTexts, i: number) => (r.addPath ? `${l.ids[i]}|` : '');
    if (u.nlri.texts.length > 0) {
      const tail = `${v.asPath}|${v.origin}|${v.nextHop}|${v.localPref}|${v.med}|${this.rest(v)}`;
      for (let i = 0; i < u.nlri.texts.length; i++) out += `${head}A|${who}${u.nlri.texts[i]}|${id(u.nlri, i)}${tail}\n`;
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
      for (let i = 0; i < mpA.texts.length; i++) out += `${head}A|${who}${mpA.texts[i]}|${id(mpA, i)}${tail}\n`;
    }
    return out;
  }

  /** The view of a message's attribute section, computed once per distinct section. */
  private sectionView(b: Uint8Array, s: number, e: number, as4: boolean): BgpdumpAttrs {
    const map = as4 ? this.views4 : this.views2;
    const h = hashBytes(b, s, e);
    let v = map.get(h, b, s, e);
    if (v === undefined) {
      v = bgpdumpAttrsRaw(b, s, e, as4);
      map.set(h, b, s, e, v);
    }
    return v;
  }
}

function time(ts: number, extended: boolean, us: number): string {
  return extended ? `${ts}.${String(us).padStart(6, '0')}` : String(ts);
}

/** The string, flattened: a string built by concatenation is a tree of pieces (~30 octets each) until flattened. */
export function flat(s: string): string {
  s.charCodeAt(0); // V8 flattens a concatenated string in place when a character is read from it
  return s;
}

function zeroFill(b: Uint8Array, n: number): Uint8Array {
  const o = new Uint8Array(n);
  o.set(b.subarray(0, n));
  return o;
}
