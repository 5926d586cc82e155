// Plain-JSON and one-line text renderings of messages and errors, for the CLI and logs: prefixes, AS paths and
// communities as text, bytes as hex. Pure functions of the decoded model.
import { toHex } from './addr.js';
import { asPathText } from './as-path.js';
import { ATTR_NAMES, type PathAttribute } from './attributes.js';
import type { Capability } from './capabilities.js';
import { ROLE_NAMES } from './capabilities.js';
import { communityText, extCommunityText, largeCommunityText } from './communities.js';
import { familyText, family } from './context.js';
import { toNotification, type WireError } from './errors.js';
import type { BgpMessage, MpNlri } from './messages.js';
import { codeName, notificationInfo, subcodeName } from './notification.js';
import type { PrefixList } from './prefix.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function prefixes(l: PrefixList): Json {
  const out: Json[] = [];
  for (let i = 0; i < l.length; i++) {
    out.push(l.pathIds === null ? l.text(i) : { prefix: l.text(i), pathId: l.pathIds[i]! });
  }
  return out;
}

function mp(n: MpNlri | null): Json {
  if (n === null) return null;
  if ('opaque' in n) return { afi: n.afi, safi: n.safi, hex: toHex(n.bytes) };
  return prefixes(n);
}

const ORIGINS = ['IGP', 'EGP', 'INCOMPLETE'];

export function attributeJson(a: PathAttribute): { [k: string]: Json } {
  const base: { [k: string]: Json } = { type: a.name, code: a.typeCode, flags: `0x${a.flags.toString(16).padStart(2, '0')}` };
  switch (a.name) {
    case 'ORIGIN': return { ...base, value: ORIGINS[a.origin] ?? a.origin };
    case 'AS_PATH': case 'AS4_PATH':
      return { ...base, value: asPathText(a.segments), segments: a.segments.map((s) => ({ type: s.type, asns: [...s.asns] })) };
    case 'NEXT_HOP': return { ...base, value: a.nextHop };
    case 'MULTI_EXIT_DISC': return { ...base, value: a.med };
    case 'LOCAL_PREF': return { ...base, value: a.localPref };
    case 'ATOMIC_AGGREGATE': return base;
    case 'AGGREGATOR': case 'AS4_AGGREGATOR': return { ...base, asn: a.asn, address: a.address };
    case 'COMMUNITIES': return { ...base, value: a.communities.map(communityText) };
    case 'ORIGINATOR_ID': return { ...base, value: a.originatorId };
    case 'CLUSTER_LIST': return { ...base, value: [...a.clusterList] };
    case 'EXTENDED_COMMUNITIES': return { ...base, value: a.communities.map(extCommunityText) };
    case 'LARGE_COMMUNITY': return { ...base, value: a.communities.map(largeCommunityText) };
    case 'ONLY_TO_CUSTOMER': return { ...base, value: a.asn };
    case 'MP_REACH_NLRI':
      return { ...base, afi: a.afi, safi: a.safi, family: familyText(family(a.afi, a.safi)), nextHop: [...a.nextHop],
        nextHopHex: toHex(a.nextHopBytes), ...(a.mrt === true ? { mrtAbbreviated: true } : {}) };
    case 'MP_UNREACH_NLRI': return { ...base, afi: a.afi, safi: a.safi, family: familyText(family(a.afi, a.safi)) };
    case 'UNKNOWN': return { ...base, hex: toHex(a.value) };
    case 'INVALID': return { ...base, hex: toHex(a.value), error: a.error };
    case 'UNPARSED': return { ...base, hex: toHex(a.bytes) };
  }
}

function capabilityJson(c: Capability): Json {
  switch (c.name) {
    case 'multiprotocol': return { name: c.name, code: c.code, family: familyText(family(c.afi, c.safi)) };
    case 'role': return { name: c.name, code: c.code, role: ROLE_NAMES[c.role] ?? c.role };
    case 'unknown': return { name: c.name, code: c.code, hex: toHex(c.value) };
    default: return JSON.parse(JSON.stringify(c)) as Json;
  }
}

export function messageJson(m: BgpMessage): { [k: string]: Json } {
  switch (m.type) {
    case 'OPEN':
      return { type: 'OPEN', version: m.version, myAs: m.myAs, holdTime: m.holdTime, bgpId: m.bgpId,
        extendedParams: m.extendedParams,
        params: m.params.map((p): Json => (p.kind === 'capabilities'
          ? { capabilities: p.capabilities.map(capabilityJson) } : { paramType: p.paramType, hex: toHex(p.value) })) };
    case 'UPDATE':
      return { type: 'UPDATE', withdrawn: prefixes(m.withdrawn), attributes: m.attrs.list.map(attributeJson),
        nlri: prefixes(m.nlri), mpReach: mp(m.mpReach), mpUnreach: mp(m.mpUnreach) };
    case 'NOTIFICATION': {
      const info = notificationInfo(m);
      return { type: 'NOTIFICATION', code: m.code, subcode: m.subcode, codeName: info.codeName,
        subcodeName: info.subcodeName, data: toHex(m.data),
        ...(info.shutdown !== undefined ? { shutdown: info.shutdown } : {}),
        ...(info.maxPrefix !== undefined ? { maxPrefix: { ...info.maxPrefix } } : {}),
        ...(info.hardReset !== undefined ? { hardReset: { code: info.hardReset.code, subcode: info.hardReset.subcode,
          data: toHex(info.hardReset.data) } } : {}) };
    }
    case 'KEEPALIVE': return { type: 'KEEPALIVE' };
    case 'ROUTE_REFRESH':
      return { type: 'ROUTE_REFRESH', afi: m.afi, safi: m.safi, family: familyText(family(m.afi, m.safi)),
        subtype: ['normal', 'BoRR', 'EoRR'][m.subtype] ?? m.subtype, rest: toHex(m.rest) };
  }
}

export function errorJson(e: WireError): { [k: string]: Json } {
  const n = toNotification(e);
  return { kind: e.kind, action: e.action, reason: e.reason, notification: { code: n.code, subcode: n.subcode,
    codeName: codeName(n.code), subcodeName: subcodeName(n.code, n.subcode), data: toHex(n.data) } };
}

/** A multi-line readable rendering, in the spirit of `birdc show route all`. */
export function messageText(m: BgpMessage): string {
  const j = messageJson(m);
  const lines: string[] = [m.type];
  switch (m.type) {
    case 'OPEN':
      lines.push(`  version ${m.version}, my AS ${m.myAs}, hold time ${m.holdTime}, BGP identifier ${m.bgpId}`);
      for (const p of (j.params as { capabilities?: Json[] }[])) {
        for (const c of p.capabilities ?? []) lines.push(`  capability ${JSON.stringify(c)}`);
      }
      break;
    case 'UPDATE': {
      if (m.withdrawn.length > 0) lines.push(`  withdrawn: ${m.withdrawn.texts().join(' ')}`);
      for (const a of j.attributes as { [k: string]: Json }[]) {
        const { type: t0, code, flags, ...rest } = a;
        const type = t0 === 'INVALID' || t0 === 'UNKNOWN' ? `${String(t0)}(${ATTR_NAMES[Number(code)] ?? String(code)})` : t0;
        const v = 'value' in rest ? (Array.isArray(rest.value) ? rest.value.join(' ') : String(rest.value))
          : Object.entries(rest).filter(([k]) => k !== 'segments').map(([k, x]) => `${k}=${JSON.stringify(x)}`).join(' ');
        lines.push(`  ${String(type).padEnd(21)} [${flags}] ${v}`);
      }
      if (m.nlri.length > 0) lines.push(`  nlri: ${m.nlri.texts().join(' ')}`);
      if (m.mpReach !== null) lines.push(`  mp_reach nlri: ${JSON.stringify(j.mpReach)}`);
      if (m.mpUnreach !== null) lines.push(`  mp_unreach nlri: ${JSON.stringify(j.mpUnreach)}`);
      break;
    }
    case 'NOTIFICATION':
      lines.push(`  ${m.code}/${m.subcode} ${String(j.codeName)} / ${String(j.subcodeName)}` +
        (j.shutdown !== undefined ? `, shutdown communication "${String(j.shutdown)}"` : '') +
        (m.data.length > 0 ? `, data ${String(j.data)}` : ''));
      break;
    case 'KEEPALIVE': break;
    case 'ROUTE_REFRESH':
      lines.push(`  ${String(j.family)} subtype ${String(j.subtype)}`);
      break;
  }
  return lines.join('\n');
}
