// fast-check generators of valid BGP messages (the model side), shared by the property tests and the Wireshark
// interop test. Values stay within what the wire can carry; attribute types appear at most once.
import fc from 'fast-check';
import type { AsSegment } from '../../../src/bgp/wire/as-path.js';
import type { PathAttribute } from '../../../src/bgp/wire/attributes.js';
import type { Capability } from '../../../src/bgp/wire/capabilities.js';
import type { BgpMessage, OpenMessage, UpdateMessage } from '../../../src/bgp/wire/messages.js';
import { type Prefix, PrefixList } from '../../../src/bgp/wire/prefix.js';

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const asn = (as4: boolean) => (as4 ? fc.integer({ min: 1, max: 0xffffffff }) : fc.integer({ min: 1, max: 0xffff }));
const ipv4 = fc.tuple(u8, u8, u8, u8).map((b) => b.join('.'));
const ipv4Host = fc.tuple(fc.integer({ min: 1, max: 223 }), u8, u8, fc.integer({ min: 1, max: 254 }))
  .filter(([a]) => a !== 127).map((b) => b.join('.'));
const ipv6 = fc.array(u16, { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));

export function prefixArb(afi: number, withPathId: boolean): fc.Arbitrary<Prefix> {
  const max = afi === 1 ? 32 : 128;
  return fc.tuple(fc.integer({ min: 0, max }), fc.uint8Array({ minLength: max / 8, maxLength: max / 8 }), u32)
    .map(([len, addr, id]) => {
      const nb = (len + 7) >> 3;
      const a = addr.slice();
      a.fill(0, nb);
      return withPathId ? { afi, len, addr: a, pathId: id } : { afi, len, addr: a };
    });
}

export function prefixListArb(afi: number, withPathId: boolean, max = 30): fc.Arbitrary<PrefixList> {
  return fc.array(prefixArb(afi, withPathId), { maxLength: max }).map((ps) => PrefixList.from(afi, ps, withPathId));
}

const segment = (as4: boolean): fc.Arbitrary<AsSegment> =>
  fc.record({ type: fc.integer({ min: 1, max: 4 }), asns: fc.array(asn(as4), { minLength: 1, maxLength: 12 }) });

/** Well-formed attributes (no MP ones), in type order, each type once. */
export function attrsArb(as4: boolean): fc.Arbitrary<PathAttribute[]> {
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  return fc.record({
    origin: opt(fc.integer({ min: 0, max: 2 })),
    asPath: opt(fc.array(segment(as4), { maxLength: 4 })),
    nextHop: opt(ipv4Host),
    med: opt(u32),
    localPref: opt(u32),
    atomic: fc.boolean(),
    aggregator: opt(fc.tuple(asn(as4), ipv4)),
    communities: opt(fc.array(u32, { minLength: 1, maxLength: 8 })),
    originatorId: opt(ipv4),
    clusterList: opt(fc.array(ipv4, { minLength: 1, maxLength: 4 })),
    ext: opt(fc.array(fc.record({ hi: u32, lo: u32 }), { minLength: 1, maxLength: 4 })),
    as4Path: opt(fc.array(fc.record({ type: fc.integer({ min: 1, max: 2 }), asns: fc.array(asn(true), { minLength: 1, maxLength: 6 }) }), { minLength: 1, maxLength: 3 })),
    large: opt(fc.array(fc.record({ global: u32, local1: u32, local2: u32 }), { minLength: 1, maxLength: 4 })),
    otc: opt(asn(true)),
    unknown: opt(fc.tuple(fc.integer({ min: 100, max: 250 }), fc.uint8Array({ maxLength: 40 }), fc.boolean())),
    extBit: fc.boolean(),
  }).map((r) => {
    const x = r.extBit ? 0x10 : 0;
    const l: PathAttribute[] = [];
    if (r.origin !== undefined) l.push({ name: 'ORIGIN', typeCode: 1, flags: 0x40 | x, origin: r.origin });
    if (r.asPath !== undefined) l.push({ name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: r.asPath });
    if (r.nextHop !== undefined) l.push({ name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: r.nextHop });
    if (r.med !== undefined) l.push({ name: 'MULTI_EXIT_DISC', typeCode: 4, flags: 0x80, med: r.med });
    if (r.localPref !== undefined) l.push({ name: 'LOCAL_PREF', typeCode: 5, flags: 0x40, localPref: r.localPref });
    if (r.atomic) l.push({ name: 'ATOMIC_AGGREGATE', typeCode: 6, flags: 0x40 });
    if (r.aggregator !== undefined) l.push({ name: 'AGGREGATOR', typeCode: 7, flags: 0xc0, asn: r.aggregator[0], address: r.aggregator[1] });
    if (r.communities !== undefined) l.push({ name: 'COMMUNITIES', typeCode: 8, flags: 0xc0 | x, communities: r.communities });
    if (r.originatorId !== undefined) l.push({ name: 'ORIGINATOR_ID', typeCode: 9, flags: 0x80, originatorId: r.originatorId });
    if (r.clusterList !== undefined) l.push({ name: 'CLUSTER_LIST', typeCode: 10, flags: 0x80, clusterList: r.clusterList });
    if (r.ext !== undefined) l.push({ name: 'EXTENDED_COMMUNITIES', typeCode: 16, flags: 0xc0, communities: r.ext });
    if (r.as4Path !== undefined && !as4) l.push({ name: 'AS4_PATH', typeCode: 17, flags: 0xc0, segments: r.as4Path });
    if (r.large !== undefined) l.push({ name: 'LARGE_COMMUNITY', typeCode: 32, flags: 0xc0, communities: r.large });
    if (r.otc !== undefined) l.push({ name: 'ONLY_TO_CUSTOMER', typeCode: 35, flags: 0xc0, asn: r.otc });
    if (r.unknown !== undefined) {
      l.push({ name: 'UNKNOWN', typeCode: r.unknown[0], flags: r.unknown[2] ? 0xe0 : 0x80, value: r.unknown[1] });
    }
    return l;
  });
}

export interface CtxShape { as4: boolean; addPath4: boolean; addPath6: boolean }

export function updateArb(s: CtxShape): fc.Arbitrary<UpdateMessage> {
  return fc.record({
    withdrawn: prefixListArb(1, s.addPath4),
    attrs: attrsArb(s.as4),
    nlri: prefixListArb(1, s.addPath4),
    v6: fc.option(fc.tuple(prefixListArb(2, s.addPath6), fc.array(ipv6, { minLength: 1, maxLength: 2 })), { nil: undefined }),
    v6w: fc.option(prefixListArb(2, s.addPath6), { nil: undefined }),
  }).map((r) => {
    const list = [...r.attrs];
    if (r.v6 !== undefined) {
      list.splice(Math.min(1, list.length), 0, { name: 'MP_REACH_NLRI', typeCode: 14, flags: 0x90, afi: 2, safi: 1,
        nextHop: r.v6[1], nextHopBytes: new Uint8Array(0), reserved: 0 });
    }
    if (r.v6w !== undefined) list.push({ name: 'MP_UNREACH_NLRI', typeCode: 15, flags: 0x80, afi: 2, safi: 1 });
    return { type: 'UPDATE', withdrawn: r.withdrawn, attrs: { list, key: '', errors: [] }, nlri: r.nlri,
      mpReach: r.v6 === undefined ? null : r.v6[0], mpUnreach: r.v6w ?? null };
  });
}

const capabilityArb: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({ afi: fc.constantFrom(1, 2), safi: fc.constantFrom(1, 2, 128) })
    .map(({ afi, safi }) => ({ name: 'multiprotocol', code: 1, afi, safi, reserved: 0 }) as Capability),
  fc.constant({ name: 'route-refresh', code: 2 } as Capability),
  fc.constant({ name: 'enhanced-route-refresh', code: 70 } as Capability),
  fc.constant({ name: 'extended-message', code: 6 } as Capability),
  asn(true).map((a) => ({ name: 'as4', code: 65, asn: a }) as Capability),
  fc.integer({ min: 0, max: 4 }).map((role) => ({ name: 'role', code: 9, role }) as Capability),
  fc.record({ flags: fc.integer({ min: 0, max: 15 }), time: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(fc.record({ afi: fc.constantFrom(1, 2), safi: fc.constant(1), flags: fc.constantFrom(0, 128) }), { maxLength: 2 }) })
    .map((g) => ({ name: 'graceful-restart', code: 64, ...g }) as Capability),
  fc.array(fc.record({ afi: fc.constantFrom(1, 2), safi: fc.constant(1), mode: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 2 })
    .map((families) => ({ name: 'add-path', code: 69, families }) as Capability),
  fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.stringMatching(/^[a-z0-9.]{0,20}$/))
    .map(([hostname, domain]) => ({ name: 'fqdn', code: 73, hostname, domain }) as Capability),
  fc.tuple(fc.integer({ min: 200, max: 255 }), fc.uint8Array({ maxLength: 10 }))
    .map(([code, value]) => ({ name: 'unknown', code, value }) as Capability),
);

export const openArb: fc.Arbitrary<OpenMessage> = fc.record({
  myAs: u16, holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })), bgpId: ipv4Host,
  params: fc.array(fc.array(capabilityArb, { maxLength: 6 }), { maxLength: 3 }), extendedParams: fc.boolean(),
}).map((r) => ({ type: 'OPEN', version: 4, myAs: r.myAs, holdTime: r.holdTime, bgpId: r.bgpId, extendedParams: r.extendedParams,
  params: r.params.map((capabilities) => ({ kind: 'capabilities' as const, capabilities })) }));

export const otherArb: fc.Arbitrary<BgpMessage> = fc.oneof(
  fc.constant({ type: 'KEEPALIVE' } as BgpMessage),
  fc.record({ code: fc.integer({ min: 1, max: 8 }), subcode: u8, data: fc.uint8Array({ maxLength: 64 }) })
    .map((n) => ({ type: 'NOTIFICATION', ...n }) as BgpMessage),
  fc.record({ afi: fc.constantFrom(1, 2), safi: fc.constantFrom(1, 2), subtype: fc.integer({ min: 0, max: 2 }) })
    .map((r) => ({ type: 'ROUTE_REFRESH', ...r, rest: new Uint8Array(0) }) as BgpMessage),
);
