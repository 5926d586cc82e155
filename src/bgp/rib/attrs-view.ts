// Attribute sets (attrs-model.ts) back to plain values: for the UPDATE encoder (attrsToInput, the inverse of
// AttrStore.intern) and for presentation (attrsToJSON: `show`, the API, explain).

import { formatCommunity, formatExtCommunity, formatLargeCommunity } from './communities.js';
import { formatIPv4 } from './prefix.js';
import { type Attrs, type AttrsInput, type OpaqueAttr, ORIGIN_NAMES, type OriginName } from './attrs-model.js';

// Back to plain values (for the UPDATE encoder): the inverse of AttrStore.intern(), in the shapes the wire codec
// uses (numeric segment types, {hi, lo} extended and {global, local1, local2} large communities, dotted-quad
// identifiers). `store.intern(attrsToInput(a)) === a` for any live `a` of that store.

export interface AttrsValues extends AttrsInput {
  origin: number;
  asPath: { type: number; asns: number[] }[];
  nextHop: string | null;
  nextHopLinkLocal: string | null;
  med: number | null;
  localPref: number | null;
  atomicAggregate: boolean;
  aggregator: { asn: number; address: string } | null;
  communities: number[];
  extCommunities: { hi: number; lo: number }[];
  largeCommunities: { global: number; local1: number; local2: number }[];
  originatorId: string | null;
  clusterList: string[];
  otc: number | null;
  opaque: OpaqueAttr[];
}

export function attrsToInput(a: Attrs): AttrsValues {
  const d = a.asPath.data;
  const asPath: { type: number; asns: number[] }[] = [];
  for (let i = 0; i < d.length;) {
    const n = d[i + 1]!;
    asPath.push({ type: d[i]!, asns: d.slice(i + 2, i + 2 + n) });
    i += 2 + n;
  }
  const ext: { hi: number; lo: number }[] = [];
  const ev = a.extCommunities?.values ?? [];
  for (let i = 0; i < ev.length; i += 2) ext.push({ hi: ev[i]!, lo: ev[i + 1]! });
  const large: { global: number; local1: number; local2: number }[] = [];
  const lv = a.largeCommunities?.values ?? [];
  for (let i = 0; i < lv.length; i += 3) large.push({ global: lv[i]!, local1: lv[i + 1]!, local2: lv[i + 2]! });
  return {
    origin: a.origin,
    asPath,
    nextHop: a.nextHop?.address ?? null,
    nextHopLinkLocal: a.nextHop?.linkLocal ?? null,
    med: a.med,
    localPref: a.localPref,
    atomicAggregate: a.atomicAggregate,
    aggregator: a.aggregatorAs === null ? null : { asn: a.aggregatorAs, address: formatIPv4(a.aggregatorAddress ?? 0) },
    communities: a.communities?.values.slice() ?? [],
    extCommunities: ext,
    largeCommunities: large,
    originatorId: a.originatorId === null ? null : formatIPv4(a.originatorId),
    clusterList: a.clusterList?.values.map(formatIPv4) ?? [],
    otc: a.otc,
    opaque: a.opaque?.items.slice() ?? [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Presentation

export interface AttrsJSON {
  origin: OriginName;
  asPath: string;
  nextHop: string | null;
  nextHopLinkLocal?: string;
  med: number | null;
  localPref: number | null;
  atomicAggregate?: true;
  aggregator?: { asn: number; address: string };
  communities?: string[];
  extCommunities?: string[];
  largeCommunities?: string[];
  originatorId?: string;
  clusterList?: string[];
  otc?: number;
  opaque?: { code: number; flags: number; hex: string }[];
}

export function attrsToJSON(a: Attrs): AttrsJSON {
  const out: AttrsJSON = {
    origin: ORIGIN_NAMES[a.origin] ?? 'incomplete',
    asPath: a.asPath.text(),
    nextHop: a.nextHop?.address ?? null,
    med: a.med,
    localPref: a.localPref,
  };
  if (a.nextHop?.linkLocal) out.nextHopLinkLocal = a.nextHop.linkLocal;
  if (a.atomicAggregate) out.atomicAggregate = true;
  if (a.aggregatorAs !== null) out.aggregator = { asn: a.aggregatorAs, address: formatIPv4(a.aggregatorAddress ?? 0) };
  if (a.communities) out.communities = a.communities.values.map((c) => formatCommunity(c));
  if (a.extCommunities) {
    const v = a.extCommunities.values;
    out.extCommunities = [];
    for (let i = 0; i < v.length; i += 2) out.extCommunities.push(formatExtCommunity(v[i]!, v[i + 1]!));
  }
  if (a.largeCommunities) {
    const v = a.largeCommunities.values;
    out.largeCommunities = [];
    for (let i = 0; i < v.length; i += 3) out.largeCommunities.push(formatLargeCommunity(v[i]!, v[i + 1]!, v[i + 2]!));
  }
  if (a.originatorId !== null) out.originatorId = formatIPv4(a.originatorId);
  if (a.clusterList) out.clusterList = a.clusterList.values.map(formatIPv4);
  if (a.otc !== null) out.otc = a.otc;
  if (a.opaque) {
    out.opaque = a.opaque.items.map((x) => ({
      code: x.code, flags: x.flags, hex: Array.from(x.data, (b) => b.toString(16).padStart(2, '0')).join(''),
    }));
  }
  return out;
}
