// Attribute sections and NLRI alone (as MRT RIB entries carry them), the RFC 6396 §4.3.4 abbreviated MP_REACH,
// attribute-set interning, packing routes into UPDATEs, and the RFC 6793 2-/4-octet AS interworking.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '../../../src/bgp/wire/addr.js';
import { asPathText, mergeAs4Path, parseAsPathText, toTwoOctetPath } from '../../../src/bgp/wire/as-path.js';
import { AttrCache, decodeAttributes } from '../../../src/bgp/wire/attr-decode.js';
import { encodeAttributes } from '../../../src/bgp/wire/attr-encode.js';
import { findAttr, type PathAttribute, toReadvertised } from '../../../src/bgp/wire/attributes.js';
import { decodeMessage } from '../../../src/bgp/wire/codec.js';
import { IPV6_UNICAST, symmetricContext } from '../../../src/bgp/wire/context.js';
import { effectiveAggregator, effectiveAsPath } from '../../../src/bgp/wire/effective.js';
import type { UpdateMessage } from '../../../src/bgp/wire/messages.js';
import { chunkMessages, endOfRib, feederOpen, packAnnouncements, packWithdrawals } from '../../../src/bgp/wire/pack.js';
import { decodePrefixes, encodePrefixes, PrefixList } from '../../../src/bgp/wire/prefix.js';
import { attr, BASE_ATTRS, hex, update } from './helpers.js';

const C2 = symmetricContext(), C4 = symmetricContext({ as4: true });

test('NLRI alone: decode at an offset and encode back, with and without path ids', () => {
  const b = hex('aaaa 18c00002 20cb0071ff 00 bbbb');
  const l = decodePrefixes(b, 2, b.length - 2, 1, false);
  assert.ok(l instanceof PrefixList);
  assert.deepEqual(l.texts(), ['192.0.2.0/24', '203.0.113.255/32', '0.0.0.0/0']);
  assert.equal(toHex(encodePrefixes(l, false)), '18c0000220cb0071ff00');
  const ap = hex('00000005 30 20010db80001');
  const l6 = decodePrefixes(ap, 0, ap.length, 2, true);
  assert.ok(l6 instanceof PrefixList);
  assert.equal(l6.pathIds![0], 5);
  assert.equal(l6.text(0), '2001:db8:1::/48');
  assert.equal(toHex(encodePrefixes(l6, true)), toHex(ap));
  assert.ok(!(decodePrefixes(hex('21c0000201'), 0, 5, 1, false) instanceof PrefixList));
});

test('attribute section alone, MRT abbreviated MP_REACH_NLRI (RFC 6396 §4.3.4)', () => {
  const section = hex(attr(0x40, 1, '00') + attr(0x40, 2, '02010000fc00') +
    attr(0x80, 14, '20 20010db8000000000000000000000001 fe800000000000000000000000000001'));
  const d = decodeAttributes(section, 0, section.length, C4, { mrt: { afi: 2, safi: 1 } });
  assert.equal(d.fatal, null);
  assert.deepEqual(d.attrs.errors, []);
  const mp = findAttr(d.attrs.list, 'MP_REACH_NLRI')!;
  assert.deepEqual([mp.afi, mp.safi, mp.mrt, mp.nextHop], [2, 1, true, ['2001:db8::1', 'fe80::1']]);
  assert.equal(d.mpReach, null);
  assert.equal(toHex(encodeAttributes(d.attrs.list, C4)), toHex(section));
  // The full form is still understood inside an MRT entry.
  const full = hex(attr(0x80, 14, '000201 10 20010db8000000000000000000000001 00'));
  const f = decodeAttributes(full, 0, full.length, C4, { mrt: { afi: 2, safi: 1 } });
  assert.equal(findAttr(f.attrs.list, 'MP_REACH_NLRI')!.mrt, undefined);
  assert.equal(toHex(encodeAttributes(f.attrs.list, C4, f.mpReach)), toHex(full));
});

test('attribute-set interning: equal sets are the same object, MP NLRI stay per message', () => {
  const cache = new AttrCache();
  const mk = (nlri: string) => update('', attr(0x40, 1, '00') + attr(0x40, 2, '0201fc00') +
    attr(0x80, 14, '000201 10 20010db8000000000000000000000001 00 ' + nlri), '');
  const a = decodeMessage(mk('30 20010db80001'), C2, 0, { cache });
  const b = decodeMessage(mk('30 20010db80002 30 20010db80003'), C2, 0, { cache });
  assert.ok(a.ok && b.ok);
  const ua = a.msg as UpdateMessage, ub = b.msg as UpdateMessage;
  assert.equal(ua.attrs, ub.attrs);
  assert.deepEqual((ua.mpReach as PrefixList).texts(), ['2001:db8:1::/48']);
  assert.deepEqual((ub.mpReach as PrefixList).texts(), ['2001:db8:2::/48', '2001:db8:3::/48']);
  assert.deepEqual([cache.hits, cache.misses, cache.size], [1, 1, 1]);
  const c = decodeMessage(update('', BASE_ATTRS, '18c00002'), C2, 0, { cache });
  assert.ok(c.ok && (c.msg as UpdateMessage).attrs !== ua.attrs);
});

test('re-advertised attributes: unknown optional transitive get the Partial bit, non-transitive are dropped', () => {
  const section = hex(BASE_ATTRS + attr(0xc0, 0x63, 'beef') + attr(0x80, 0x64, '01'));
  const d = decodeAttributes(section, 0, section.length, C2);
  const out = toReadvertised(d.attrs.list);
  const unknown = out.filter((a) => a.name === 'UNKNOWN');
  assert.deepEqual(unknown.map((a) => [a.typeCode, a.flags]), [[0x63, 0xe0]]);
  assert.equal(toHex(encodeAttributes(out, C2)), toHex(hex(BASE_ATTRS + attr(0xe0, 0x63, 'beef'))));
});

test('packing: prefixes fill UPDATEs up to 4096 octets (or 65535 with extended messages)', () => {
  const many = PrefixList.from(1, Array.from({ length: 3000 }, (_, i) => ({ afi: 1, len: 24,
    addr: new Uint8Array([10, i >> 8, i & 255, 0]) })));
  const attrs: PathAttribute[] = [{ name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 },
    { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [64512] }] },
    { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: '192.0.2.1' }];
  for (const [ctx, max] of [[C2, 4096], [symmetricContext({ extendedMessages: true }), 65535]] as const) {
    const msgs = packAnnouncements(attrs, many, ctx);
    let n = 0;
    for (const m of msgs) {
      assert.ok(m.length <= max);
      const r = decodeMessage(m, ctx);
      assert.ok(r.ok && r.msg.type === 'UPDATE');
      n += r.msg.nlri.length;
    }
    assert.equal(n, 3000);
    if (max === 4096) assert.ok(msgs.slice(0, -1).every((m) => m.length > 4096 - 5), 'messages are full');
  }
  const v6 = PrefixList.parse(2, Array.from({ length: 500 }, (_, i) => `2001:db8:${i.toString(16)}::/48`));
  const v6attrs: PathAttribute[] = [...attrs.slice(0, 2), { name: 'MP_REACH_NLRI', typeCode: 14, flags: 0x80, afi: 2, safi: 1,
    nextHop: ['2001:db8::1'], nextHopBytes: new Uint8Array(0), reserved: 0 }];
  const ap = symmetricContext({ addPath: [IPV6_UNICAST] });
  let total = 0;
  for (const m of packAnnouncements(v6attrs, v6, ap)) {
    const r = decodeMessage(m, ap);
    assert.ok(r.ok && r.msg.type === 'UPDATE' && r.msg.mpReach instanceof PrefixList);
    total += r.msg.mpReach.length;
  }
  assert.equal(total, 500);
  let withdrawn = 0;
  for (const m of packWithdrawals(v6, C2)) {
    const r = decodeMessage(m, C2);
    assert.ok(r.ok && r.msg.type === 'UPDATE' && r.msg.mpUnreach instanceof PrefixList);
    withdrawn += r.msg.mpUnreach.length;
  }
  assert.equal(withdrawn, 500);
  assert.equal(toHex(endOfRib(1, 1, C2)), 'ff'.repeat(16) + '0017020000' + '0000');
  assert.equal(toHex(endOfRib(2, 1, C2)), 'ff'.repeat(16) + '001d0200000006800f03000201');
});

test('chunking a prepared stream: messages kept whole and in order, chunks up to the size unless one message is larger', () => {
  const msgs = [30, 50, 40, 100, 10, 10].map((n, i) => new Uint8Array(n).fill(i + 1));
  const chunks = chunkMessages(msgs, 80);
  assert.deepEqual(chunks.map((c) => c.length), [80, 40, 100, 20]);
  assert.deepEqual(Buffer.concat(chunks), Buffer.concat(msgs));
  assert.deepEqual(chunkMessages([]), []);
});

test('a feeding peer\'s OPEN: one multiprotocol capability per family, the 4-octet AS, AS_TRANS above 65535', () => {
  const caps = (m: unknown) => ((m as { params: { capabilities: { name: string; afi?: number; safi?: number; asn?: number }[] }[] }).params[0]!.capabilities);
  const small = decodeMessage(feederOpen(64601, '198.51.100.1', [[1, 1], [2, 1]], 90), C2);
  assert.ok(small.ok);
  assert.deepEqual({ ...small.msg, params: undefined }, { type: 'OPEN', version: 4, myAs: 64601, holdTime: 90, bgpId: '198.51.100.1', extendedParams: false, params: undefined });
  assert.deepEqual(caps(small.msg).map((c) => [c.name, c.afi ?? c.asn, c.safi]), [['multiprotocol', 1, 1], ['multiprotocol', 2, 1], ['as4', 64601, undefined]]);
  const large = decodeMessage(feederOpen(4200000001, '198.51.100.2', [[1, 1]]), C2);
  assert.ok(large.ok);
  assert.equal((large.msg as { myAs: number; holdTime: number }).myAs, 23456);
  assert.equal((large.msg as { holdTime: number }).holdTime, 180);
  assert.equal(caps(large.msg).find((c) => c.name === 'as4')!.asn, 4200000001);
});

test('RFC 6793 §4.2.3: AS4_PATH merge and AS4_AGGREGATOR', () => {
  const p = (t: string) => parseAsPathText(t)!;
  assert.equal(asPathText(mergeAs4Path(p('64512 23456 23456'), p('4200000001 4200000002'))), '64512 4200000001 4200000002');
  // AS4_PATH longer than AS_PATH: ignored.
  assert.equal(asPathText(mergeAs4Path(p('23456'), p('4200000001 4200000002'))), '23456');
  // An AS_SET counts as one; confed segments in AS4_PATH are dropped.
  assert.equal(asPathText(mergeAs4Path(p('64512 64513 {23456,64514}'), p('{4200000001,64514} (65001)'))), '64512 64513 {4200000001,64514}');
  assert.equal(asPathText(mergeAs4Path(p('(65001) 64512 23456'), p('4200000001'))), '(65001) 64512 4200000001');
  // A confed segment adjacent to a prepended segment is kept; one after a partly taken sequence is not.
  assert.equal(asPathText(mergeAs4Path(p('64512 (65001) 23456'), p('4200000001'))), '64512 (65001) 4200000001');
  assert.equal(asPathText(mergeAs4Path(p('64512 64513 (65001) 23456'), p('64513 4200000001'))), '64512 64513 4200000001');
  const section = (agg: string) => hex(attr(0x40, 1, '00') + attr(0x40, 2, '0202fc005ba0') + attr(0xc0, 7, agg) +
    attr(0xc0, 17, '0201fa56ea01') + attr(0xc0, 18, 'fa56ea01c0000202'));
  const viaTrans = decodeAttributes(section('5ba0c0000202'), 0, section('5ba0c0000202').length, C2).attrs.list;
  assert.equal(asPathText(effectiveAsPath(viaTrans, C2)), '64512 4200000001');
  assert.deepEqual(effectiveAggregator(viaTrans, C2), { asn: 4200000001, address: '192.0.2.2' });
  // AGGREGATOR not AS_TRANS: AS4_AGGREGATOR and AS4_PATH are ignored.
  const plain = decodeAttributes(section('fc01c0000202'), 0, section('fc01c0000202').length, C2).attrs.list;
  assert.equal(asPathText(effectiveAsPath(plain, C2)), '64512 23456');
  assert.deepEqual(effectiveAggregator(plain, C2), { asn: 64513, address: '192.0.2.2' });
  // What a NEW speaker sends an OLD one.
  const two = toTwoOctetPath(p('64512 4200000001 {4200000002,64513}'));
  assert.equal(asPathText(two.asPath), '64512 23456 {23456,64513}');
  assert.equal(asPathText(two.as4Path!), '64512 4200000001 {4200000002,64513}');
  assert.equal(toTwoOctetPath(p('64512 64513')).as4Path, null);
});
