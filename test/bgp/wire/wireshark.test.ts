// Interop with an independent decoder: Wireshark's BGP dissector (tshark). Thousands of generated messages are
// written into pcap files on TCP port 179 (one to three messages per segment, some split across segments), tshark
// dissects them, and its fields are compared with our decode field by field — zero mismatches allowed.
// Limits of the comparison (what the dissector cannot arbitrate): AS number size is set by preference per file
// (its auto-detection is a heuristic); extended communities compare by type octet; attribute types 35 (OTC) and
// unknown ones compare by flags/type/length; communities avoid the reserved AS 0 and 65535 ranges, which the
// dissector renders as well-known values instead of AS:value.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { ipv4TextU32, ipv6Text } from '../../../src/bgp/wire/addr.js';
import { attrsArb, openArb, otherArb, prefixArb, type CtxShape } from './arbitraries.js';
import { encodeAttrValue } from '../../../src/bgp/wire/attr-encode.js';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/codec.js';
import { type CodecContext, IPV4_UNICAST, IPV6_UNICAST, symmetricContext } from '../../../src/bgp/wire/context.js';
import type { BgpMessage, MpNlri, UpdateMessage } from '../../../src/bgp/wire/messages.js';
import { type Prefix, PrefixList, prefixMask4 } from '../../../src/bgp/wire/prefix.js';
import { openCapabilities } from '../../../src/bgp/wire/open.js';
import { pcapOfSegments } from './pcap.js';

const N = Number(process.env.WIRE_TSHARK_MESSAGES ?? 1500);
const hasTshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;

type Fields = Map<string, string[]>;
function add(f: Fields, k: string, v: string | number): void {
  const l = f.get(k);
  if (l === undefined) f.set(k, [String(v)]); else l.push(String(v));
}

const PA = 'bgp.update.path_attribute.';
const KEEP = new Set(['bgp.type', 'bgp.length', 'bgp.update.withdrawn_routes.length', 'bgp.update.path_attributes.length',
  `${PA}flags`, `${PA}type_code`, `${PA}length`, `${PA}origin`, `${PA}as_path_segment.type`, `${PA}as_path_segment.length`,
  `${PA}as_path_segment.as2`, `${PA}as_path_segment.as4`, `${PA}next_hop`, `${PA}multi_exit_disc`, `${PA}local_pref`,
  `${PA}aggregator_as`, `${PA}aggregator_origin`, `${PA}community_as`, `${PA}community_value`, `${PA}originator_id`,
  'bgp.path_attribute.cluster_id', 'bgp.ext_com.type', 'bgp.large_communities.ga', 'bgp.large_communities.ldp1',
  'bgp.large_communities.ldp2', `${PA}mp_reach_nlri.afi`, `${PA}mp_reach_nlri.safi`, `${PA}mp_reach_nlri.next_hop.ipv6`,
  `${PA}mp_reach_nlri.next_hop.ipv6.link_local`, `${PA}mp_unreach_nlri.afi`, `${PA}mp_unreach_nlri.safi`,
  'bgp.prefix_length', 'bgp.withdrawn_prefix', 'bgp.nlri_prefix', 'bgp.mp_reach_nlri_ipv6_prefix',
  'bgp.mp_unreach_nlri_ipv6_prefix', 'bgp.nlri_path_id', 'bgp.open.version', 'bgp.open.myas', 'bgp.open.holdtime',
  'bgp.open.identifier', 'bgp.cap.type', 'bgp.cap.length', 'bgp.notify.major_error', 'bgp.notify.minor',
  'bgp.route_refresh.afi', 'bgp.route_refresh.subtype', 'bgp.route_refresh.safi']);

/** Leaves of tshark's JSON tree (duplicate keys merged into arrays by --no-duplicate-keys), by field name. */
function walk(o: unknown, f: Fields): void {
  if (Array.isArray(o)) { for (const x of o) walk(x, f); return; }
  if (o === null || typeof o !== 'object') return;
  for (const [k0, v] of Object.entries(o as Record<string, unknown>)) {
    if (k0.startsWith('_ws.') || k0.endsWith('flags_tree')) continue;
    const k = k0.startsWith('bgp.notify.minor_error') ? 'bgp.notify.minor' : k0;
    const leaves = Array.isArray(v) ? v : [v];
    for (const x of leaves) {
      if (x !== null && typeof x === 'object') walk(x, f);
      else if (KEEP.has(k)) add(f, k, String(x));
    }
  }
}

/** The dissector prints prefixes with the host bits cleared; we keep them (for exact re-encoding), so mask here. */
function prefixFields(f: Fields, l: MpNlri | null, field: string): void {
  if (l === null || 'opaque' in l) return;
  for (let i = 0; i < l.length; i++) {
    if (l.pathIds !== null) add(f, 'bgp.nlri_path_id', l.pathIds[i]!);
    const len = l.lens[i]!;
    add(f, 'bgp.prefix_length', len);
    if (l.afi === 1) { add(f, field, ipv4TextU32((l.words[i]! & prefixMask4(len)) >>> 0)); continue; }
    const a = l.at(i).addr;
    for (let b = 0; b < 16; b++) a[b] = a[b]! & (b * 8 >= len ? 0 : b * 8 + 8 <= len ? 255 : (0xff00 >> (len - b * 8)) & 255);
    add(f, field, ipv6Text(a));
  }
}

/** Our decode, expressed as the dissector's fields. */
function ourFields(m: BgpMessage, len: number, ctx: CodecContext): Fields {
  const f: Fields = new Map();
  add(f, 'bgp.length', len);
  add(f, 'bgp.type', { OPEN: 1, UPDATE: 2, NOTIFICATION: 3, KEEPALIVE: 4, ROUTE_REFRESH: 5 }[m.type]);
  switch (m.type) {
    case 'OPEN':
      add(f, 'bgp.open.version', m.version); add(f, 'bgp.open.myas', m.myAs); add(f, 'bgp.open.holdtime', m.holdTime);
      add(f, 'bgp.open.identifier', m.bgpId);
      for (const c of openCapabilities(m)) {
        add(f, 'bgp.cap.type', c.code);
        add(f, 'bgp.cap.length', encodeCapValueLength(c));
      }
      break;
    case 'NOTIFICATION': add(f, 'bgp.notify.major_error', m.code); add(f, 'bgp.notify.minor', m.subcode); break;
    case 'ROUTE_REFRESH':
      add(f, 'bgp.route_refresh.afi', m.afi); add(f, 'bgp.route_refresh.subtype', m.subtype); add(f, 'bgp.route_refresh.safi', m.safi);
      break;
    case 'KEEPALIVE': break;
    case 'UPDATE': updateFields(f, m, ctx); break;
  }
  return f;
}

let encodeCapValueLength: (c: ReturnType<typeof openCapabilities>[number]) => number;

function updateFields(f: Fields, m: UpdateMessage, ctx: CodecContext): void {
  const wl = m.withdrawn.length === 0 ? 0 : m.withdrawn.lens.reduce((a, l) => a + 1 + ((l + 7) >> 3), 0) + (m.withdrawn.pathIds ? 4 * m.withdrawn.length : 0);
  add(f, 'bgp.update.withdrawn_routes.length', wl);
  prefixFields(f, m.withdrawn, 'bgp.withdrawn_prefix');
  let total = 0;
  for (const a of m.attrs.list) {
    const v = encodeAttrValue(a, ctx, m.mpReach, m.mpUnreach);
    total += ((a.flags & 0x10) !== 0 || v.length > 255 ? 4 : 3) + v.length;
    add(f, `${PA}flags`, '0x' + a.flags.toString(16).padStart(2, '0'));
    add(f, `${PA}type_code`, a.typeCode);
    add(f, `${PA}length`, v.length);
    switch (a.name) {
      case 'ORIGIN': add(f, `${PA}origin`, a.origin); break;
      case 'AS_PATH': case 'AS4_PATH':
        for (const s of a.segments) {
          add(f, `${PA}as_path_segment.type`, s.type); add(f, `${PA}as_path_segment.length`, s.asns.length);
          for (const x of s.asns) add(f, `${PA}as_path_segment.${a.name === 'AS4_PATH' || ctx.as4 ? 'as4' : 'as2'}`, x);
        }
        break;
      case 'NEXT_HOP': add(f, `${PA}next_hop`, a.nextHop); break;
      case 'MULTI_EXIT_DISC': add(f, `${PA}multi_exit_disc`, a.med); break;
      case 'LOCAL_PREF': add(f, `${PA}local_pref`, a.localPref); break;
      case 'AGGREGATOR': case 'AS4_AGGREGATOR': add(f, `${PA}aggregator_as`, a.asn); add(f, `${PA}aggregator_origin`, a.address); break;
      case 'COMMUNITIES': for (const c of a.communities) { add(f, `${PA}community_as`, c >>> 16); add(f, `${PA}community_value`, c & 0xffff); } break;
      case 'ORIGINATOR_ID': add(f, `${PA}originator_id`, a.originatorId); break;
      case 'CLUSTER_LIST': for (const c of a.clusterList) add(f, 'bgp.path_attribute.cluster_id', c); break;
      case 'EXTENDED_COMMUNITIES': for (const c of a.communities) add(f, 'bgp.ext_com.type', '0x' + (c.hi >>> 24).toString(16).padStart(2, '0')); break;
      case 'LARGE_COMMUNITY':
        for (const c of a.communities) {
          add(f, 'bgp.large_communities.ga', c.global); add(f, 'bgp.large_communities.ldp1', c.local1); add(f, 'bgp.large_communities.ldp2', c.local2);
        }
        break;
      case 'MP_REACH_NLRI':
        add(f, `${PA}mp_reach_nlri.afi`, a.afi); add(f, `${PA}mp_reach_nlri.safi`, a.safi);
        add(f, `${PA}mp_reach_nlri.next_hop.ipv6`, a.nextHop[0]!);
        if (a.nextHop[1] !== undefined) add(f, `${PA}mp_reach_nlri.next_hop.ipv6.link_local`, a.nextHop[1]);
        prefixFields(f, m.mpReach, 'bgp.mp_reach_nlri_ipv6_prefix');
        break;
      case 'MP_UNREACH_NLRI':
        add(f, `${PA}mp_unreach_nlri.afi`, a.afi); add(f, `${PA}mp_unreach_nlri.safi`, a.safi);
        prefixFields(f, m.mpUnreach, 'bgp.mp_unreach_nlri_ipv6_prefix');
        break;
      default: break;
    }
  }
  add(f, 'bgp.update.path_attributes.length', total);
  prefixFields(f, m.nlri, 'bgp.nlri_prefix');
}

/**
 * Distinct, canonical prefixes with small path ids. The dissector keys prefixes by text in its JSON (repeats would
 * merge), and without capability tracking it guesses add-path per NLRI block: host bits past the length make it
 * suspect add-path, and a path id whose first octet is 0 (as ids from 0 to 255 are) makes it recognise add-path.
 * Routers send canonical prefixes, so this keeps the test realistic while making the guess unambiguous.
 */
function uniq(afi: number, ps0: Prefix[], withIds: boolean): PrefixList {
  const seen = new Set<string>();
  const ps = ps0.map((p) => {
    const addr = p.addr.map((x, b) => x & (b * 8 >= p.len ? 0 : b * 8 + 8 <= p.len ? 255 : (0xff00 >> (p.len - b * 8)) & 255));
    return p.pathId === undefined ? { ...p, addr } : { ...p, addr, pathId: p.pathId % 256 };
  });
  return PrefixList.from(afi, ps.filter((p) => {
    const k = `${p.len}/${Array.from(p.addr).join('.')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  }), withIds);
}

function realisticUpdateArb(s: CtxShape): fc.Arbitrary<UpdateMessage> {
  const v4 = fc.array(prefixArb(1, s.addPath4).filter((p) => p.len >= 8), { maxLength: 25 });
  const v6 = fc.array(prefixArb(2, s.addPath6).filter((p) => p.len >= 16 && p.len <= 64), { maxLength: 12 });
  const ipv6 = fc.tuple(fc.integer({ min: 1, max: 0xfffe }), fc.integer({ min: 1, max: 0xffff }))
    .map(([a, b]) => `2001:db8:${a.toString(16)}::${b.toString(16)}`);
  return fc.record({
    withdrawn: v4, attrs: attrsArb(s.as4), nlri: v4, v6: fc.option(fc.tuple(v6, fc.boolean(), ipv6), { nil: undefined }),
    v6w: fc.option(v6, { nil: undefined }),
  }).map((r) => {
    const list = r.attrs.map((a) => {
      if (a.name === 'COMMUNITIES') return { ...a, communities: a.communities.map((c) => ((((c >>> 16) % 65534) + 1) * 65536 + (c & 0xffff))) };
      if (a.name === 'UNKNOWN') return { ...a, typeCode: 200 + (a.typeCode % 40) };
      return a;
    });
    if (r.v6 !== undefined) {
      list.splice(Math.min(1, list.length), 0, { name: 'MP_REACH_NLRI', typeCode: 14, flags: 0x90, afi: 2, safi: 1,
        nextHop: r.v6[1] ? [r.v6[2], 'fe80::1'] : [r.v6[2]], nextHopBytes: new Uint8Array(0), reserved: 0 });
    }
    if (r.v6w !== undefined) list.push({ name: 'MP_UNREACH_NLRI', typeCode: 15, flags: 0x80, afi: 2, safi: 1 });
    return { type: 'UPDATE', withdrawn: uniq(1, r.withdrawn, s.addPath4), attrs: { list, key: '', errors: [] },
      nlri: uniq(1, r.nlri, s.addPath4), mpReach: r.v6 === undefined ? null : uniq(2, r.v6[0], s.addPath6),
      mpUnreach: r.v6w === undefined ? null : uniq(2, r.v6w, s.addPath6) };
  });
}

/** Cut a stream into segments: mostly whole messages (1-3 per segment), sometimes split inside one. */
function segments(msgs: Uint8Array[], seed: number): Uint8Array[] {
  const total = msgs.reduce((a, m) => a + m.length, 0);
  const stream = new Uint8Array(total);
  let o = 0;
  const bounds: number[] = [];
  for (const m of msgs) { stream.set(m, o); o += m.length; bounds.push(o); }
  const out: Uint8Array[] = [];
  let x = seed, start = 0, bi = 0;
  const rnd = () => { x = (x * 1103515245 + 12345) >>> 0; return x >>> 8; };
  while (start < total) {
    let end: number;
    if (rnd() % 8 === 0) end = Math.min(total, start + 1 + (rnd() % 60));
    else { bi = bounds.findIndex((b) => b > start); end = bounds[Math.min(bounds.length - 1, bi + (rnd() % 3))]!; }
    out.push(stream.subarray(start, end));
    start = end;
  }
  return out;
}

function compare(name: string, ctx: CodecContext, pref: string, msgs: BgpMessage[], seed: number): void {
  const bytes = msgs.map((m) => encodeMessage(m, ctx));
  const dir = mkdtempSync(join(tmpdir(), 'acw-pcap-'));
  try {
    const file = join(dir, `${name}.pcap`);
    writeFileSync(file, pcapOfSegments(segments(bytes, seed)));
    const r = spawnSync('tshark', ['-r', file, '-o', `bgp.asn_len:${pref}`, '-T', 'json', '-J', 'bgp', '--no-duplicate-keys'],
      { encoding: 'utf8', maxBuffer: 1 << 30 });
    assert.equal(r.status, 0, r.stderr);
    const packets = JSON.parse(r.stdout) as { _source: { layers: { bgp?: unknown } } }[];
    const theirs: Fields[] = [];
    for (const p of packets) {
      const b = p._source.layers.bgp;
      if (b === undefined) continue;
      for (const one of Array.isArray(b) ? b : [b]) { const f: Fields = new Map(); walk(one, f); theirs.push(f); }
    }
    assert.equal(theirs.length, bytes.length, `${name}: tshark saw ${theirs.length} BGP messages, we wrote ${bytes.length}`);
    const mismatches: string[] = [];
    bytes.forEach((b, i) => {
      const d = decodeMessage(b, ctx);
      assert.ok(d.ok);
      const ours = ourFields(d.msg, b.length, ctx);
      const t = theirs[i]!;
      for (const k of new Set([...ours.keys(), ...t.keys()])) {
        const a = (ours.get(k) ?? []).join(','), w = (t.get(k) ?? []).join(',');
        if (a !== w) mismatches.push(`${name} message ${i} (${d.msg.type}) field ${k}: ours [${a}] wireshark [${w}]`);
      }
    });
    assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} mismatches`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sample = <T>(a: fc.Arbitrary<T>, n: number, seed: number): T[] => fc.sample(a, { numRuns: n, seed });

test('Wireshark agrees field by field: 4-octet AS session', { skip: hasTshark ? false : 'tshark is not installed' }, async () => {
  const { encodeCapabilityValue } = await import('../../../src/bgp/wire/capabilities.js');
  encodeCapValueLength = (c) => encodeCapabilityValue(c).length;
  const ctx = symmetricContext({ as4: true });
  const msgs: BgpMessage[] = [...sample(realisticUpdateArb({ as4: true, addPath4: false, addPath6: false }), N, 42),
    ...sample(openArb.map((o) => ({ ...o, extendedParams: false })), 200, 43), ...sample(otherArb, 200, 44)];
  compare('as4', ctx, '4 octet', sample(fc.shuffledSubarray(msgs, { minLength: msgs.length }), 1, 45)[0]!, 7);
});

test('Wireshark agrees field by field: 2-octet AS session with AS4_PATH', { skip: hasTshark ? false : 'tshark is not installed' }, () => {
  const ctx = symmetricContext();
  compare('as2', ctx, '2 octet', sample(realisticUpdateArb({ as4: false, addPath4: false, addPath6: false }), N, 46), 11);
});

test('Wireshark agrees field by field: add-path on IPv4 and IPv6', { skip: hasTshark ? false : 'tshark is not installed' }, () => {
  const ctx = symmetricContext({ as4: true, addPath: [IPV4_UNICAST, IPV6_UNICAST] });
  compare('addpath', ctx, '4 octet', sample(realisticUpdateArb({ as4: true, addPath4: true, addPath6: true }), Math.ceil(N / 3), 47), 13);
});
