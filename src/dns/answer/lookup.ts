// Authoritative answer logic for class IN: from (zones, qname, qtype) to the sections of the reply, as data.
// RFC 1034 §4.3.2 (the lookup algorithm: delegation, exact match, CNAME restart, wildcard, name error),
// RFC 2308 §2-3 (NXDOMAIN and NODATA carry the zone's SOA in authority, TTL = min(SOA TTL, SOA minimum)),
// RFC 4592 (wildcards: synthesised at the closest encloser's "*" child, never across an existing name),
// RFC 6604 (after a CNAME chain the rcode is that of the last name), RFC 8482 (ANY over UDP: one RRset),
// RFC 9471 (referral glue for in-domain name servers is required).
// Deliberate choices: minimal responses (no NS RRset in authority for positive answers); CNAMEs are chased only
// inside the same zone (a target elsewhere is for the resolver to follow), at most MAX_CHAIN links.
import { CLASS, RCODE, TYPE } from '../wire/constants.js';
import { type Name, isSubdomain, nameKey } from '../wire/name.js';
import type { OutRRset } from '../wire/writer.js';
import { targetName } from '../zone/rdata.js';
import type { RRset, Zone, ZoneNode, ZoneSet } from '../zone/zone.js';

export type ResultKind = 'answer' | 'nodata' | 'nxdomain' | 'referral' | 'refused';

export interface Resolution {
  kind: ResultKind;
  rcode: number;
  aa: boolean;
  answer: OutRRset[];
  authority: OutRRset[];
  additional: OutRRset[];
  /** The zone (or delegation) the reply is about: the rate limiter groups negative answers by it. */
  rrlName: string;
}

export const MAX_CHAIN = 12;

const out = (s: RRset, owner: Name = s.owner, ttl = s.ttl): OutRRset =>
  ({ owner, type: s.type, class: CLASS.IN, ttl, rdatas: s.rdatas });

/** The highest delegation point at or above `name` (and below the apex), if any. */
function findCut(zone: Zone, name: Name): ZoneNode | undefined {
  if (zone.cuts.size === 0) return undefined;
  for (let from = name.length - zone.origin.length - 1; from >= 0; from--) {
    const k = nameKey(name, from);
    if (zone.cuts.has(k)) return zone.nodes.get(k);
  }
  return undefined;
}

/** Wildcard match (RFC 4592 §3.3.1): the "*" child of the closest encloser, when the name itself does not exist. */
function findWildcard(zone: Zone, name: Name): ZoneNode | undefined {
  for (let from = 1; from <= name.length - zone.origin.length; from++) {
    if (zone.nodes.has(nameKey(name, from))) {
      return zone.nodes.get('\x01*' + nameKey(name, from));
    }
  }
  return undefined;
}

function addressSets(zone: Zone, target: Name, required: boolean, into: OutRRset[]): void {
  const node = zone.nodes.get(nameKey(target));
  if (!node) return;
  for (const t of [TYPE.A, TYPE.AAAA]) {
    const s = node.rrsets.get(t);
    if (s && !into.some((x) => x.type === t && nameKey(x.owner) === nameKey(s.owner))) {
      into.push({ ...out(s), required });
    }
  }
}

function referral(zone: Zone, cut: ZoneNode, answer: OutRRset[]): Resolution {
  const ns = cut.rrsets.get(TYPE.NS)!;
  const additional: OutRRset[] = [];
  for (const rd of ns.rdatas) {
    const t = targetName(TYPE.NS, rd);
    if (t && isSubdomain(t, zone.origin)) addressSets(zone, t, isSubdomain(t, cut.name), additional);
  }
  return { kind: 'referral', rcode: RCODE.NOERROR, aa: answer.length > 0, answer, authority: [out(ns)], additional,
    rrlName: nameKey(cut.name) };
}

function negative(zone: Zone, kind: 'nodata' | 'nxdomain', answer: OutRRset[]): Resolution {
  return {
    kind, rcode: kind === 'nxdomain' ? RCODE.NXDOMAIN : RCODE.NOERROR, aa: true, answer,
    authority: [out(zone.soa, zone.origin, zone.negativeTtl)], additional: [], rrlName: zone.originKey,
  };
}

export interface LookupOptions {
  /** RFC 8482: over UDP an ANY query gets one RRset, not all of them. */
  minimalAny: boolean;
}

export function lookup(zones: ZoneSet, qname: Name, qtype: number, opts: LookupOptions): Resolution {
  const zone = zones.find(qname);
  if (!zone) return { kind: 'refused', rcode: RCODE.REFUSED, aa: false, answer: [], authority: [], additional: [],
    rrlName: '' };
  const answer: OutRRset[] = [];
  const seen = new Set<string>();
  let name = qname;
  for (let hop = 0; hop <= MAX_CHAIN; hop++) {
    const key = nameKey(name);
    seen.add(key);
    const cut = findCut(zone, name);
    // A DS query at the cut itself is answered by the parent side (RFC 4035 §3.1.4.1); all else is referred.
    if (cut && !(qtype === TYPE.DS && nameKey(cut.name) === key)) return referral(zone, cut, answer);

    let node = zone.nodes.get(key);
    if (!node) {
      node = findWildcard(zone, name);
      if (!node) return negative(zone, 'nxdomain', answer);
    }
    if (qtype === TYPE.ANY) {
      const sets = [...node.rrsets.values()];
      if (sets.length === 0) return negative(zone, 'nodata', answer);
      const chosen = opts.minimalAny ? [sets.find((s) => s.type !== TYPE.SOA) ?? sets[0]!] : sets;
      for (const s of chosen) answer.push(out(s, name));
      return { kind: 'answer', rcode: RCODE.NOERROR, aa: true, answer, authority: [], additional: [],
        rrlName: key };
    }
    const s = node.rrsets.get(qtype);
    if (s) {
      answer.push(out(s, name));
      const additional: OutRRset[] = [];
      if (qtype === TYPE.NS || qtype === TYPE.MX || qtype === TYPE.SRV) {
        for (const rd of s.rdatas) {
          const t = targetName(qtype, rd);
          if (t && isSubdomain(t, zone.origin)) addressSets(zone, t, false, additional);
        }
      }
      return { kind: 'answer', rcode: RCODE.NOERROR, aa: true, answer, authority: [], additional, rrlName: key };
    }
    const cname = node.rrsets.get(TYPE.CNAME);
    if (!cname) return negative(zone, 'nodata', answer);
    answer.push(out(cname, name));
    const target = targetName(TYPE.CNAME, cname.rdatas[0]!)!;
    if (!isSubdomain(target, zone.origin) || seen.has(nameKey(target))) {
      return { kind: 'answer', rcode: RCODE.NOERROR, aa: true, answer, authority: [], additional: [], rrlName: key };
    }
    name = target;
  }
  return { kind: 'answer', rcode: RCODE.NOERROR, aa: true, answer, authority: [], additional: [],
    rrlName: nameKey(qname) };
}
