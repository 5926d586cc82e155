// `anycast mrt dump --summary`: what a dump holds, accumulated record by record in bounded memory (distinct
// prefixes are counted in a set: ~30 MB for a full IPv4 table). Counts records by type/subtype, errors by code,
// the time span, and per peer: RIB entries (TABLE_DUMP_V2), or UPDATE announcements/withdrawals, other messages
// and state changes (BGP4MP).
import type { PrefixList } from '../bgp/wire/index.js';
import { subtypeName, typeName, MRT } from './constants.js';
import type { MrtRecord, PeerIndexTableRecord } from './model.js';
import type { MrtReadItem } from './reader.js';

export interface PeerSummary {
  address: string;
  asn: number;
  ribEntries: number;
  announced: number;
  withdrawn: number;
  messages: Record<string, number>;
  stateChanges: number;
}

export interface SummaryResult {
  records: number;
  octets: number;
  byType: Record<string, number>;
  errors: Record<string, number>;
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  peers: PeerSummary[];
  prefixes: { ipv4: number; ipv6: number };
  ribEntries: number;
  announced: number;
  withdrawn: number;
}

export class MrtSummary {
  private records = 0;
  private octets = 0;
  private readonly byType = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private first: number | null = null;
  private last: number | null = null;
  private table: PeerIndexTableRecord | null = null;
  private readonly peers = new Map<string, PeerSummary>();
  private readonly v4 = new Set<number>();
  private readonly v6 = new Set<string>();
  private ribEntries = 0;
  private announced = 0;
  private withdrawn = 0;

  private peer(address: string, asn: number): PeerSummary {
    const k = `${address}|${asn}`;
    let p = this.peers.get(k);
    if (p === undefined) {
      p = { address, asn, ribEntries: 0, announced: 0, withdrawn: 0, messages: {}, stateChanges: 0 };
      this.peers.set(k, p);
    }
    return p;
  }

  private prefixes(l: PrefixList): void {
    if (l.afi === 2) {
      for (let i = 0; i < l.length; i++) this.v6.add(`${l.words[4 * i]},${l.words[4 * i + 1]},${l.words[4 * i + 2]},${l.words[4 * i + 3]}/${l.lens[i]}`);
    } else {
      for (let i = 0; i < l.length; i++) this.v4.add(l.lens[i]! * 4294967296 + l.words[i]!);
    }
  }

  private prefixValue(afi: number, addr: Uint8Array, len: number): void {
    if (afi === 2) {
      const w = (k: number) => ((addr[k]! << 24) | (addr[k + 1]! << 16) | (addr[k + 2]! << 8) | addr[k + 3]!) >>> 0;
      this.v6.add(`${w(0)},${w(4)},${w(8)},${w(12)}/${len}`);
    } else {
      this.v4.add(len * 4294967296 + (((addr[0]! << 24) | (addr[1]! << 16) | (addr[2]! << 8) | addr[3]!) >>> 0));
    }
  }

  add(item: MrtReadItem): void {
    if (!item.ok) {
      this.errors.set(item.error.code, (this.errors.get(item.error.code) ?? 0) + 1);
      return;
    }
    this.records++;
    this.octets += item.length;
    this.record(item.record);
  }

  record(r: MrtRecord): void {
    if (this.first === null || r.timestamp < this.first) this.first = r.timestamp;
    if (this.last === null || r.timestamp > this.last) this.last = r.timestamp;
    const type = r.kind === 'UNKNOWN' ? r.type : r.kind === 'TABLE_DUMP' ? MRT.TABLE_DUMP
      : r.kind === 'BGP4MP_MESSAGE' || r.kind === 'BGP4MP_STATE_CHANGE' ? (r.extended ? MRT.BGP4MP_ET : MRT.BGP4MP)
        : MRT.TABLE_DUMP_V2;
    const key = `${typeName(type)}/${subtypeName(type, r.kind === 'PEER_INDEX_TABLE' ? 1 : r.subtype)}`;
    this.byType.set(key, (this.byType.get(key) ?? 0) + 1);
    switch (r.kind) {
      case 'PEER_INDEX_TABLE':
        this.table = r;
        for (const p of r.peers) this.peer(p.address, p.asn);
        break;
      case 'RIB': case 'RIB_GENERIC':
        this.prefixValue(r.afi, r.prefix.addr, r.prefix.len);
        this.ribEntries += r.entries.length;
        for (const e of r.entries) {
          const p = this.table?.peers[e.peerIndex];
          if (p !== undefined) this.peer(p.address, p.asn).ribEntries++;
        }
        break;
      case 'TABLE_DUMP':
        this.prefixValue(r.subtype, r.prefix.addr, r.prefix.len);
        this.ribEntries++;
        this.peer(r.peerIp, r.peerAs).ribEntries++;
        break;
      case 'BGP4MP_STATE_CHANGE':
        this.peer(r.peerIp, r.peerAs).stateChanges++;
        break;
      case 'BGP4MP_MESSAGE': {
        const p = this.peer(r.peerIp, r.peerAs);
        const t = r.message?.type ?? 'UNDECODABLE';
        const name = `${t}${r.local ? ' sent' : ''}`;
        p.messages[name] = (p.messages[name] ?? 0) + 1;
        const m = r.message;
        if (m !== null && m.type === 'UPDATE') {
          let a = m.nlri.length, w = m.withdrawn.length;
          this.prefixes(m.nlri);
          this.prefixes(m.withdrawn);
          if (m.mpReach !== null && !('opaque' in m.mpReach)) { a += m.mpReach.length; this.prefixes(m.mpReach); }
          if (m.mpUnreach !== null && !('opaque' in m.mpUnreach)) { w += m.mpUnreach.length; this.prefixes(m.mpUnreach); }
          p.announced += a; p.withdrawn += w;
          this.announced += a; this.withdrawn += w;
        }
        break;
      }
      case 'UNKNOWN':
        break;
    }
  }

  result(): SummaryResult {
    return {
      records: this.records, octets: this.octets, byType: Object.fromEntries(this.byType),
      errors: Object.fromEntries(this.errors), firstTimestamp: this.first, lastTimestamp: this.last,
      peers: [...this.peers.values()], prefixes: { ipv4: this.v4.size, ipv6: this.v6.size },
      ribEntries: this.ribEntries, announced: this.announced, withdrawn: this.withdrawn,
    };
  }
}

const iso = (t: number | null) => (t === null ? '-' : `${new Date(t * 1000).toISOString().replace('.000Z', 'Z')} (${t})`);

/** A readable rendering of a summary. */
export function summaryText(s: SummaryResult, file: string): string {
  const lines = [`${file}: ${s.records} records, ${s.octets} octets`, `  time   ${iso(s.firstTimestamp)} .. ${iso(s.lastTimestamp)}`,
    '  records by type:'];
  for (const [k, v] of Object.entries(s.byType).sort()) lines.push(`    ${k.padEnd(44)} ${v}`);
  if (Object.keys(s.errors).length > 0) {
    lines.push('  errors:');
    for (const [k, v] of Object.entries(s.errors)) lines.push(`    ${k.padEnd(44)} ${v}`);
  }
  lines.push(`  prefixes: ${s.prefixes.ipv4} IPv4, ${s.prefixes.ipv6} IPv6 distinct; ${s.ribEntries} RIB entries, ` +
    `${s.announced} announced, ${s.withdrawn} withdrawn`);
  lines.push(`  peers (${s.peers.length}):`);
  const rows = s.peers.map((p) => [p.address, `AS${p.asn}`, String(p.ribEntries), String(p.announced), String(p.withdrawn),
    String(p.stateChanges), Object.entries(p.messages).map(([k, v]) => `${k}=${v}`).join(' ')]);
  const hdr = ['address', 'AS', 'rib', 'announced', 'withdrawn', 'states', 'messages'];
  const widths = hdr.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => ('    ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).trimEnd();
  lines.push(fmt(hdr));
  for (const r of rows) lines.push(fmt(r));
  return lines.join('\n');
}
