// The zone model: RRsets per name, empty non-terminals, delegation points, and the checks a zone must pass
// before it is served. RFC 1034 §3.6.2 (a CNAME owner has no other data), §4.2.1 (one SOA at the apex),
// RFC 2181 §5 (RRsets: duplicates collapse, one TTL per RRset), §6 (zone cuts; data below a cut is glue only).
// Pure: built from records, no I/O.
import { TYPE, typeName } from '../wire/constants.js';
import { type Name, isSubdomain, nameKey, nameToText } from '../wire/name.js';
import type { ZoneRecord, ZoneSyntaxError } from './master.js';
import { type Rdata, rdataKey } from './rdata.js';

export interface RRset {
  readonly owner: Name;
  readonly type: number;
  readonly ttl: number;
  readonly rdatas: readonly Rdata[];
}

export interface ZoneNode {
  readonly name: Name;
  /** Empty for an empty non-terminal (a name that exists only because names below it do). */
  readonly rrsets: ReadonlyMap<number, RRset>;
}

export interface Zone {
  readonly origin: Name;
  readonly originKey: string;
  readonly nodes: ReadonlyMap<string, ZoneNode>;
  readonly soa: RRset;
  /** SOA serial, minimum and TTL: the negative-caching TTL is min(SOA TTL, minimum) (RFC 2308 §5). */
  readonly serial: number;
  readonly negativeTtl: number;
  /** Keys of names below the apex that own an NS RRset: delegation points. */
  readonly cuts: ReadonlySet<string>;
  /** Where the zone came from (for messages and status). */
  readonly source: string;
  readonly recordCount: number;
}

export interface BuildResult {
  zone?: Zone;
  errors: ZoneSyntaxError[];
  warnings: ZoneSyntaxError[];
}

export function buildZone(origin: Name, records: readonly ZoneRecord[], source: string): BuildResult {
  const errors: ZoneSyntaxError[] = [];
  const warnings: ZoneSyntaxError[] = [];
  type MutableSet = { owner: Name; type: number; ttl: number; rdatas: Rdata[]; keys: Set<string>; file: string;
    line: number };
  const sets = new Map<string, Map<number, MutableSet>>();
  const owners = new Map<string, Name>();
  let count = 0;

  for (const r of records) {
    if (!isSubdomain(r.owner, origin)) {
      errors.push({ file: r.file, line: r.line,
        reason: `${nameToText(r.owner)} is outside the zone ${nameToText(origin)}` });
      continue;
    }
    const k = nameKey(r.owner);
    let node = sets.get(k);
    if (!node) {
      node = new Map();
      sets.set(k, node);
      owners.set(k, r.owner);
    }
    const s = node.get(r.type);
    const rk = rdataKey(r.rdata);
    if (!s) {
      node.set(r.type, { owner: owners.get(k)!, type: r.type, ttl: r.ttl, rdatas: [r.rdata], keys: new Set([rk]),
        file: r.file, line: r.line });
      count++;
      continue;
    }
    if (s.keys.has(rk)) continue; // RFC 2181 §5: duplicate RRs are one RR.
    if (r.ttl !== s.ttl) {
      warnings.push({ file: r.file, line: r.line, reason: `TTL ${r.ttl} differs from ${s.ttl} of the other ` +
        `${typeName(r.type)} records of ${nameToText(r.owner)} (line ${s.line}); the RRset uses the lowest` });
      s.ttl = Math.min(s.ttl, r.ttl);
    }
    s.keys.add(rk);
    s.rdatas.push(r.rdata);
    count++;
  }

  const originKey = nameKey(origin);
  const apex = sets.get(originKey);
  const soa = apex?.get(TYPE.SOA);
  if (!soa) errors.push({ file: source, line: 0, reason: `no SOA record at the zone apex ${nameToText(origin)}` });
  else if (soa.rdatas.length > 1) {
    errors.push({ file: soa.file, line: soa.line, reason: `more than one SOA record at ${nameToText(origin)}` });
  }
  if (apex && !apex.has(TYPE.NS)) {
    warnings.push({ file: source, line: 0, reason: `no NS records at the zone apex ${nameToText(origin)}` });
  }

  const cuts = new Set<string>();
  for (const [k, node] of sets) {
    const owner = owners.get(k)!;
    for (const s of node.values()) {
      if (s.type === TYPE.SOA && k !== originKey) {
        errors.push({ file: s.file, line: s.line, reason: `SOA record at ${nameToText(owner)}, which is not the apex` });
      }
    }
    const cname = node.get(TYPE.CNAME);
    if (cname) {
      if (cname.rdatas.length > 1) {
        errors.push({ file: cname.file, line: cname.line, reason: `more than one CNAME at ${nameToText(owner)}` });
      }
      if (node.size > 1) {
        const others = [...node.keys()].filter((t) => t !== TYPE.CNAME).map(typeName).join(', ');
        errors.push({ file: cname.file, line: cname.line,
          reason: `CNAME and other data (${others}) at ${nameToText(owner)} (RFC 1034 §3.6.2)` });
      }
    }
    if (k !== originKey && node.has(TYPE.NS)) cuts.add(k);
  }
  // Data at or below a cut, other than the NS RRset and address glue, is occluded: it is never served.
  for (const [k, node] of sets) {
    const owner = owners.get(k)!;
    // From the highest possible cut (one label below the apex) down to the owner itself.
    for (let from = owner.length - origin.length - 1; from >= 0; from--) {
      const above = nameKey(owner, from);
      if (!cuts.has(above)) continue;
      for (const s of node.values()) {
        const atCut = above === k;
        if (atCut ? s.type === TYPE.NS || s.type === TYPE.DS : s.type === TYPE.A || s.type === TYPE.AAAA) continue;
        warnings.push({ file: s.file, line: s.line, reason: `${typeName(s.type)} at ${nameToText(owner)} is ` +
          `below the delegation at ${nameToText(owners.get(above)!)} and will not be served` });
      }
      break;
    }
  }
  if (errors.length > 0 || !soa) return { errors, warnings };

  const nodes = new Map<string, ZoneNode>();
  for (const [k, node] of sets) {
    const rrsets = new Map<number, RRset>();
    for (const [t, s] of node) rrsets.set(t, { owner: s.owner, type: s.type, ttl: s.ttl, rdatas: s.rdatas });
    nodes.set(k, { name: owners.get(k)!, rrsets });
  }
  // Empty non-terminals: every ancestor of an owner, up to the apex, exists (RFC 4592 §2.2.2 / RFC 8020).
  for (const owner of owners.values()) {
    for (let i = 1; i < owner.length - origin.length; i++) {
      const anc = owner.slice(i);
      const k = nameKey(anc);
      if (!nodes.has(k)) nodes.set(k, { name: anc, rrsets: new Map() });
    }
  }
  const soaData = soa.rdatas[0]!.parts[2]!;
  const nums = 'bytes' in soaData ? soaData.bytes : Buffer.alloc(20);
  const serial = nums.readUInt32BE(0);
  const minimum = nums.readUInt32BE(16);
  return {
    zone: {
      origin, originKey, nodes, cuts, source, recordCount: count, serial,
      soa: nodes.get(originKey)!.rrsets.get(TYPE.SOA)!,
      negativeTtl: Math.min(soa.ttl, minimum),
    },
    errors, warnings,
  };
}

/** The zones served: found by the longest origin that contains the query name. */
export class ZoneSet {
  private readonly byKey = new Map<string, Zone>();
  constructor(zones: readonly Zone[]) {
    for (const z of zones) this.byKey.set(z.originKey, z);
  }
  get zones(): Zone[] {
    return [...this.byKey.values()];
  }
  get size(): number {
    return this.byKey.size;
  }
  /** The closest enclosing zone of `qname`, or undefined (then the answer is REFUSED). */
  find(qname: Name): Zone | undefined {
    if (this.byKey.size === 0) return undefined;
    for (let i = 0; i <= qname.length; i++) {
      const z = this.byKey.get(nameKey(qname, i));
      if (z) return z;
    }
    return undefined;
  }
}
