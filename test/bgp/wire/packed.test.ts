// The packed attribute sets of an AttrCache against the plain decoder: the one-pass scan (attr-scan.ts) and the
// full attribute decoder (attr-values.ts) must agree on which sections are error-free and on the header words; a
// lazily decoded set must give the list the plain decoder gives; validateUpdate() must return the same errors
// (RFC 7606 actions included) whether it reads a packed set's header words or the attribute objects; and the
// cache must stay correct when every hash collides and when it is emptied at its bound.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../../src/bgp/wire/addr.js';
import type { AsSegment } from '../../../src/bgp/wire/as-path.js';
import { PerSet } from '../../../src/bgp/wire/attr-cache.js';
import { AttrCache, decodeAttributes, decodeList, PackedAttrSet } from '../../../src/bgp/wire/attr-decode.js';
import { encodeAttributes } from '../../../src/bgp/wire/attr-encode.js';
import { BIT_EAGER, hashBytes, hashCopyBytes, HEADER_WORDS, HOT, LITTLE_ENDIAN, SCAN_EAGER, SCAN_LAZY, SCANNED, scanSection } from '../../../src/bgp/wire/attr-scan.js';
import { headerFromList } from '../../../src/bgp/wire/attr-set.js';
import type { PathAttribute } from '../../../src/bgp/wire/attributes.js';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/codec.js';
import { type CodecContext, family, IPV4_UNICAST, IPV6_UNICAST, symmetricContext } from '../../../src/bgp/wire/context.js';
import { messageJson } from '../../../src/bgp/wire/json.js';
import type { UpdateMessage } from '../../../src/bgp/wire/messages.js';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';
import { type SessionInfo, validateUpdate } from '../../../src/bgp/wire/validate.js';
import { updateArb } from './arbitraries.js';
import { VECTORS } from './vectors.js';
import { attr, BASE_ATTRS, update } from './helpers.js';

const RUNS = Number(process.env.WIRE_FC_RUNS ?? 3000);
const C2 = symmetricContext(), C4 = symmetricContext({ as4: true });
const CTXS: CodecContext[] = [C2, C4, symmetricContext({ as4: true, addPath: [IPV4_UNICAST, IPV6_UNICAST] })];
const MRT = [undefined, { afi: 2, safi: 1 }, { afi: 1, safi: 1 }] as const;

/** The attribute section of an UPDATE message (header included in `m`). */
function attrSection(m: Uint8Array): Uint8Array | null {
  if (m.length < 23 || m[18] !== 2) return null;
  const wl = (m[19]! << 8) | m[20]!;
  if (21 + wl + 2 > m.length) return null;
  const al = (m[21 + wl]! << 8) | m[22 + wl]!;
  const s = 23 + wl;
  return s + al <= m.length ? m.subarray(s, s + al) : null;
}

const updateVectors = VECTORS.map((v) => ({ sec: attrSection(v.bytes), ctx: v.ctx }))
  .filter((v): v is { sec: Uint8Array; ctx: CodecContext } => v.sec !== null && v.sec.length > 0);

/** Sections: vector sections with a few octets changed, removed or inserted; generated valid ones; random bytes. */
const sectionArb: fc.Arbitrary<{ sec: Uint8Array; ctx: CodecContext }> = fc.oneof(
  fc.tuple(fc.constantFrom(...updateVectors), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }),
    fc.constantFrom('set', 'del', 'ins')), { maxLength: 4 }), fc.constantFrom(...CTXS)).map(([v, edits, ctx]) => {
    const b = [...v.sec];
    for (const [pos, val, op] of edits) {
      const i = pos % Math.max(1, b.length);
      if (op === 'set') b[i] = val; else if (op === 'del') b.splice(i, 1); else b.splice(i, 0, val);
    }
    return { sec: Uint8Array.from(b), ctx };
  }),
  fc.constantFrom(...CTXS).chain((ctx) => updateArb({ as4: ctx.as4, addPath4: false, addPath6: false })
    .map((m) => ({ sec: attrSection(encodeMessage(m, ctx))!, ctx }))),
  fc.tuple(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(...CTXS)).map(([sec, ctx]) => ({ sec, ctx })),
);

/** Header words as headerFromList() computes them from the plain decoder's list (the eager-decode bit aside). */
function wordsFromList(list: readonly PathAttribute[], octets: number): number[] {
  const out = new Uint32Array(HEADER_WORDS);
  headerFromList(list, octets, out, 0);
  out[1] = out[1]! & ~BIT_EAGER;
  return [...out];
}

describe('packed attribute sets', () => {
  test('scan and full decoder agree: a lazy section has no error and the same header words; an eager one has errors', () => {
    let lazy = 0, eager = 0;
    fc.assert(fc.property(sectionArb, fc.constantFrom(...MRT), ({ sec, ctx }, mrt) => {
      const status = scanSection(sec, 0, sec.length, ctx.as4, mrt);
      const hot = [...HOT], octets = SCANNED.len;
      const d = decodeList(sec, 0, sec.length, ctx, mrt);
      if (status === SCAN_LAZY) {
        lazy++;
        assert.equal(d.fatal, null);
        assert.deepEqual(d.errors, []);
        assert.deepEqual(hot, wordsFromList(d.list, octets));
      } else if (status === SCAN_EAGER) {
        eager++;
        assert.ok(d.fatal !== null || d.errors.length > 0, 'an eager section has at least one error');
      }
    }), { numRuns: RUNS });
    assert.ok(lazy > RUNS / 10 && eager > RUNS / 50, `both kinds reached (lazy ${lazy}, eager ${eager})`);
  });

  test('a packed set decodes (lazily, again after dropList) to the list, key and errors of the plain decoder, and re-encodes exactly', () => {
    fc.assert(fc.property(sectionArb, fc.constantFrom(...MRT), ({ sec, ctx }, mrt) => {
      const opts = mrt === undefined ? {} : { mrt };
      const plain = decodeAttributes(sec, 0, sec.length, ctx, opts);
      const cache = new AttrCache();
      for (let round = 0; round < 2; round++) {
        const packed = decodeAttributes(sec, 0, sec.length, ctx, opts, cache);
        assert.equal(packed.fatal?.kind, plain.fatal?.kind);
        assert.deepEqual(packed.attrs.list, plain.attrs.list);
        assert.equal(packed.attrs.key, plain.attrs.key);
        assert.deepEqual(packed.attrs.errors, plain.attrs.errors);
        assert.deepEqual(packed.nlriErrors, plain.nlriErrors);
        if (plain.fatal === null) {
          assert.equal(toHex(encodeAttributes(packed.attrs.list, ctx, packed.mpReach, packed.mpUnreach)), toHex(sec));
        }
        // The second round's cache hit must give the same list after the first let go of it.
        if (packed.attrs instanceof PackedAttrSet) packed.attrs.dropList();
      }
    }), { numRuns: RUNS });
  });

  test('the header accessors equal what the attribute objects say', () => {
    fc.assert(fc.property(sectionArb, ({ sec, ctx }) => {
      const cache = new AttrCache();
      const d = decodeAttributes(sec, 0, sec.length, ctx, {}, cache);
      const s = d.attrs;
      if (!(s instanceof PackedAttrSet)) return;
      // Read the accessors before anything builds the list (they must not need it).
      const got = { path: [...s.asPathData()], comm: [...s.communityValues()], nh: s.nextHop, med: s.med, lp: s.localPref,
        origin: s.origin, reach: s.mpFamily(14), unreach: s.mpFamily(15) };
      const list = decodeList(sec, 0, sec.length, ctx, undefined).list;
      const first = <N extends PathAttribute['name']>(n: N) => list.find((a) => a.name === n) as Extract<PathAttribute, { name: N }> | undefined;
      const segs: readonly AsSegment[] = first('AS_PATH')?.segments ?? [];
      const mp = (t: number) => list.find((a) => (a.name === 'MP_REACH_NLRI' || a.name === 'MP_UNREACH_NLRI') && a.typeCode === t);
      const fam = (t: number) => { const a = mp(t); return a !== undefined && 'afi' in a ? family(a.afi, a.safi) : -1; };
      assert.deepEqual(got, {
        path: segs.flatMap((g) => [g.type, g.asns.length, ...g.asns]),
        comm: first('COMMUNITIES')?.communities ?? [],
        nh: first('NEXT_HOP') === undefined ? null : first('NEXT_HOP')!.nextHop.split('.').reduce((v, x) => v * 256 + Number(x), 0),
        med: first('MULTI_EXIT_DISC')?.med ?? null, lp: first('LOCAL_PREF')?.localPref ?? null,
        origin: first('ORIGIN')?.origin ?? null, reach: fam(14), unreach: fam(15),
      });
    }), { numRuns: RUNS });
  });
});

// Attribute values chosen to hit every check of validateUpdate(): AS 0, confederation segments, the peer's AS
// first or not, bad and own next hops, iBGP-only attributes, AS4_* on a 4-octet session, unnegotiated families.
const asPool = fc.oneof({ arbitrary: fc.constantFrom(64512, 64513, 65000), weight: 6 }, { arbitrary: fc.constant(0), weight: 1 });
const segArb: fc.Arbitrary<AsSegment> = fc.record({
  type: fc.oneof({ arbitrary: fc.constant(2), weight: 6 }, { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 2 }),
  asns: fc.array(asPool, { minLength: 1, maxLength: 3 }),
});
const nhPool = fc.oneof({ arbitrary: fc.constantFrom('192.0.2.1', '192.0.2.9', '198.51.100.3'), weight: 6 },
  { arbitrary: fc.constantFrom('0.0.0.0', '127.0.0.1', '224.0.0.5', '240.0.0.1', '255.255.255.255'), weight: 1 });
/** Mostly absent (or false): most generated UPDATEs then pass some sessions' checks and fail others. */
const rare = <T>(a: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: a, weight: 1 });
const mostly = <T>(a: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: a, weight: 8 });

const validateCaseArb = fc.record({
  origin: mostly(fc.constant(true)), path: mostly(fc.array(segArb, { maxLength: 3 })),
  nh: mostly(nhPool), lp: rare(fc.constant(true)), orig: rare(fc.constant(true)), cluster: rare(fc.constant(true)),
  agg: rare(asPool), as4agg: rare(asPool),
  as4path: rare(fc.array(fc.record({ type: fc.constantFrom(1, 2), asns: fc.array(asPool, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 2 })),
  reach: rare(fc.constantFrom([2, 1], [1, 2], [2, 2])), unreach: rare(fc.constantFrom([2, 1], [1, 1])),
  nlri: fc.boolean(), as4: fc.boolean(),
});

type Case = typeof validateCaseArb extends fc.Arbitrary<infer T> ? T : never;

function buildUpdate(c: Case): UpdateMessage {
  const l: PathAttribute[] = [];
  if (c.origin === true) l.push({ name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 });
  if (c.path !== undefined) l.push({ name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: c.path });
  if (c.nh !== undefined) l.push({ name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: c.nh });
  if (c.lp === true) l.push({ name: 'LOCAL_PREF', typeCode: 5, flags: 0x40, localPref: 100 });
  if (c.agg !== undefined) l.push({ name: 'AGGREGATOR', typeCode: 7, flags: 0xc0, asn: c.as4 ? c.agg : c.agg & 0xffff, address: '192.0.2.3' });
  if (c.orig === true) l.push({ name: 'ORIGINATOR_ID', typeCode: 9, flags: 0x80, originatorId: '192.0.2.4' });
  if (c.cluster === true) l.push({ name: 'CLUSTER_LIST', typeCode: 10, flags: 0x80, clusterList: ['192.0.2.5'] });
  if (c.reach !== undefined) {
    const [afi, safi] = c.reach;
    l.push({ name: 'MP_REACH_NLRI', typeCode: 14, flags: 0x90, afi: afi!, safi: safi!, nextHop: [afi === 2 ? '2001:db8::1' : '192.0.2.8'],
      nextHopBytes: new Uint8Array(0), reserved: 0 });
  }
  if (c.unreach !== undefined) l.push({ name: 'MP_UNREACH_NLRI', typeCode: 15, flags: 0x90, afi: c.unreach[0]!, safi: c.unreach[1]! });
  if (c.as4path !== undefined) l.push({ name: 'AS4_PATH', typeCode: 17, flags: 0xc0, segments: c.as4path });
  if (c.as4agg !== undefined) l.push({ name: 'AS4_AGGREGATOR', typeCode: 18, flags: 0xc0, asn: c.as4agg, address: '192.0.2.6' });
  const v6 = (n: number) => PrefixList.parse(2, [`2001:db8:${n}::/48`]);
  const v4p = () => PrefixList.parse(1, ['203.0.113.0/24']);
  return {
    type: 'UPDATE', withdrawn: PrefixList.empty(1), attrs: { list: l, key: '', errors: [] },
    nlri: c.nlri ? v4p() : PrefixList.empty(1),
    mpReach: c.reach === undefined ? null : c.reach[0] === 2 ? v6(1) : v4p(),
    mpUnreach: c.unreach === undefined ? null : c.unreach[0] === 2 ? v6(2) : v4p(),
  };
}

const sessionArb: fc.Arbitrary<SessionInfo> = fc.record({
  localAs: fc.option(fc.constantFrom(64512, 64513), { nil: undefined }),
  peerAs: fc.option(fc.constantFrom(64512, 64513, 65000), { nil: undefined }),
  confederationPeer: fc.option(fc.boolean(), { nil: undefined }),
  enforceFirstAs: fc.option(fc.boolean(), { nil: undefined }),
  families: fc.option(fc.subarray([IPV4_UNICAST, IPV6_UNICAST, family(1, 2), family(2, 2)]).map((f) => new Set(f)), { nil: undefined }),
  localAddresses: fc.option(fc.constantFrom(['192.0.2.1'], [], ['198.51.100.1', '192.0.2.9']), { nil: undefined }),
});

describe('validateUpdate on packed sets', () => {
  test('the same errors and actions from the header words as from the attribute objects', () => {
    let clean = 0, flagged = 0;
    fc.assert(fc.property(validateCaseArb, sessionArb, (c, s) => {
      const ctx = c.as4 ? C4 : C2;
      let bytes: Uint8Array;
      try { bytes = encodeMessage(buildUpdate(c), ctx); } catch { return; } // e.g. a 2-octet AS that does not fit
      const plain = decodeMessage(bytes, ctx);
      const packed = decodeMessage(bytes, ctx, 0, { cache: new AttrCache() });
      if (!plain.ok || !packed.ok || plain.msg.type !== 'UPDATE' || packed.msg.type !== 'UPDATE') {
        assert.equal(packed.ok, plain.ok);
        return;
      }
      const want = validateUpdate(plain.msg, ctx, s);
      const got = validateUpdate(packed.msg, ctx, s);
      assert.deepEqual(got, want);
      if (want.length === 0) clean++; else flagged++;
      assert.deepEqual(messageJson(packed.msg), messageJson(plain.msg));
    }), { numRuns: RUNS * 2 });
    assert.ok(clean > RUNS / 20 && flagged > RUNS / 20, `both outcomes reached (clean ${clean}, flagged ${flagged})`);
  });
});

describe('AttrCache', () => {
  test('with every hash colliding, equal sections give one set and different ones different sets', () => {
    fc.assert(fc.property(fc.array(updateArb({ as4: true, addPath4: false, addPath6: false }), { minLength: 1, maxLength: 20 }), (ms) => {
      const cache = new AttrCache(1_000_000, { hash: () => 0 });
      const bytes = ms.map((m) => encodeMessage(m, C4));
      const first = bytes.map((b) => decodeMessage(b, C4, 0, { cache }));
      const again = bytes.map((b) => decodeMessage(b, C4, 0, { cache }));
      const norm = (i: number) => { const r = first[i]!; return r.ok && r.msg.type === 'UPDATE' ? r.msg.attrs.key : ''; };
      for (let i = 0; i < bytes.length; i++) {
        const a = first[i]!, b = again[i]!;
        assert.ok(a.ok && b.ok && a.msg.type === 'UPDATE' && b.msg.type === 'UPDATE');
        assert.equal(b.msg.attrs, a.msg.attrs, 'the second decode returns the interned set');
        assert.equal(toHex(encodeMessage(b.msg, C4)), toHex(bytes[i]!));
        for (let j = 0; j < i; j++) {
          const c = first[j]!;
          assert.ok(c.ok && c.msg.type === 'UPDATE');
          assert.equal(c.msg.attrs === a.msg.attrs, norm(i) === norm(j), 'same set exactly when the keys are equal');
        }
      }
      assert.equal(cache.size, new Set(bytes.map((_, i) => norm(i))).size);
    }), { numRuns: RUNS / 10 });
  });

  test('sets share one source per slab and context; a context change gives sets decoded under their own context', () => {
    const cache = new AttrCache();
    // AS_PATH as one AS_SEQUENCE of 4 octets: two 2-octet ASes (64512 64513) or one 4-octet AS (0xfc00fc01).
    const mk = (med: string) => update('', attr(0x40, 1, '00') + attr(0x40, 2, '0202fc00fc01') +
      attr(0x40, 3, 'c0000201') + attr(0x80, 4, med), '18c00002');
    const mk4 = (med: string) => update('', attr(0x40, 1, '00') + attr(0x40, 2, '0201fc00fc01') + attr(0x40, 3, 'c0000201') +
      attr(0x80, 4, med), '18c00002');
    const set = (b: Uint8Array, ctx: CodecContext) => {
      const r = decodeMessage(b, ctx, 0, { cache });
      assert.ok(r.ok && r.msg.type === 'UPDATE' && r.msg.attrs instanceof PackedAttrSet);
      return r.msg.attrs;
    };
    const a = set(mk('00000001'), C2), b = set(mk('00000002'), C2), c = set(mk4('00000003'), C4);
    const d = set(mk('00000004'), C2);
    assert.ok(!a.decoded && !b.decoded && !c.decoded && !d.decoded, 'nothing decoded yet');
    assert.equal(a.src, b.src, 'same slab and context: one source');
    assert.notEqual(b.src, c.src, 'another context: another source');
    assert.notEqual(c.src, d.src);
    const path = (s: PackedAttrSet) => {
      const p = s.list.find((x) => x.name === 'AS_PATH');
      return p?.name === 'AS_PATH' ? p.segments.map((g) => g.asns.join(' ')).join(' | ') : '';
    };
    assert.deepEqual([path(a), path(b), path(c), path(d)], ['64512 64513', '64512 64513', String(0xfc00fc01), '64512 64513']);
    assert.deepEqual([...a.asPathData()], [2, 2, 64512, 64513]);
    assert.deepEqual([...c.asPathData()], [2, 1, 0xfc00fc01]);
    assert.deepEqual([a.med, b.med, c.med, d.med], [1, 2, 3, 4]);
    assert.deepEqual([a.errors, c.errors], [[], []]);
    assert.ok(a.decoded && c.decoded);
  });

  test('an eagerly decoded set (RFC 7606 errors) keeps its errors and list; its key is built on request', () => {
    const cache = new AttrCache();
    // MULTI_EXIT_DISC of 3 octets: treat-as-withdraw (RFC 7606 §7.4).
    const b = update('', BASE_ATTRS + attr(0x80, 4, '000001'), '18c00002');
    const r = decodeMessage(b, C2, 0, { cache });
    assert.ok(r.ok && r.msg.type === 'UPDATE' && r.msg.attrs instanceof PackedAttrSet);
    const s = r.msg.attrs;
    assert.ok(s.decoded);
    assert.deepEqual(s.errors.map((e) => e.action), ['withdraw']);
    assert.deepEqual(r.errors.map((e) => e.action), ['withdraw']);
    assert.equal(s.key, decodeAttributes(b, 23, b.length - 4, C2).attrs.key);
    const again = decodeMessage(b, C2, 0, { cache });
    assert.ok(again.ok && again.msg.type === 'UPDATE');
    assert.equal(again.msg.attrs, s);
    assert.deepEqual(again.errors.map((e) => e.action), ['withdraw'], 'a cache hit reports the errors again');
    assert.equal(toHex(encodeMessage(r.msg, C2)), toHex(b));
  });

  test('sections copied while hashed: thousands of sets across slabs, hits in between, each keeps its own bytes', () => {
    const cache = new AttrCache();
    // Sections of 1..3 words past the mandatory attributes (lengths 0..3 mod 4) so the last word is partial too.
    const mk = (i: number) => update('', BASE_ATTRS + attr(0x80, 4, (i >>> 0).toString(16).padStart(8, '0')) +
      (i % 4 === 0 ? '' : attr(0xc0, 8, 'fc00' + (i & 0xffff).toString(16).padStart(4, '0'))) +
      attr(0xc0, 0xfe, '00'.repeat(i % 4)), '18c00002');
    const msgs = Array.from({ length: 6000 }, (_, i) => mk(i));
    const sets: PackedAttrSet[] = [];
    msgs.forEach((b, i) => {
      const r = decodeMessage(b, C2, 0, { cache });
      assert.ok(r.ok && r.msg.type === 'UPDATE' && r.msg.attrs instanceof PackedAttrSet);
      sets.push(r.msg.attrs);
      if (i % 5 === 4) {
        const j = (i * 7919) % (i + 1);
        const again = decodeMessage(msgs[j]!, C2, 0, { cache });
        assert.ok(again.ok && again.msg.type === 'UPDATE');
        assert.equal(again.msg.attrs, sets[j], `a hit on set ${j} gives the same object`);
      }
    });
    assert.equal(cache.size, msgs.length);
    assert.ok(new Set(sets.map((s) => s.src.u8)).size > 5, 'several slabs were filled');
    sets.forEach((s, i) => {
      assert.equal(toHex(s.section()), toHex(msgs[i]!.subarray(23, msgs[i]!.length - 4)), `set ${i} bytes`);
      assert.equal(s.med, i);
    });
  });

  test('set() interns a set built elsewhere, get() finds it by key, and set() again replaces it', () => {
    const cache = new AttrCache();
    const b = update('', BASE_ATTRS + attr(0x80, 4, '00000007'), '18c00002');
    const plain = decodeAttributes(b, 23, b.length - 4, C2).attrs;
    assert.ok(!(plain instanceof PackedAttrSet));
    cache.set(plain);
    assert.equal(cache.size, 1);
    const got = cache.get(plain.key);
    assert.ok(got instanceof PackedAttrSet);
    assert.equal(got.list, plain.list, 'the interned set carries the list it was given');
    const r = decodeMessage(b, C2, 0, { cache });
    assert.ok(r.ok && r.msg.type === 'UPDATE');
    assert.equal(r.msg.attrs, got, 'decoding equal bytes returns the interned set');
    assert.equal(got.med, 7);
    const other = decodeAttributes(b, 23, b.length - 4, C2).attrs;
    cache.set(other);
    assert.equal(cache.size, 1, 'replaced, not added');
    const now = cache.get(plain.key);
    assert.ok(now instanceof PackedAttrSet && now !== got);
    assert.equal(now.list, other.list);
    assert.equal(toHex(now.section()), toHex(got.section()));
    assert.equal(cache.get(plain.key.slice(0, -1)), undefined);
  });

  test('bounded: emptied at maxEntries, and sets handed out before stay valid', () => {
    const cache = new AttrCache(4);
    const mk = (med: number) => encodeMessage({
      type: 'UPDATE', withdrawn: PrefixList.empty(1), nlri: PrefixList.parse(1, ['203.0.113.0/24']),
      attrs: { list: [{ name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 }, { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [64512] }] },
        { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: '192.0.2.1' }, { name: 'MULTI_EXIT_DISC', typeCode: 4, flags: 0x80, med }], key: '', errors: [] },
      mpReach: null, mpUnreach: null,
    }, C4);
    const msgs = Array.from({ length: 10 }, (_, i) => mk(i));
    const out = msgs.map((b) => decodeMessage(b, C4, 0, { cache }));
    assert.ok(cache.size <= 4 && cache.size > 0, `size ${cache.size}`);
    out.forEach((r, i) => {
      assert.ok(r.ok && r.msg.type === 'UPDATE');
      const med = r.msg.attrs.list.find((a) => a.name === 'MULTI_EXIT_DISC');
      assert.equal(med?.name === 'MULTI_EXIT_DISC' ? med.med : -1, i);
      assert.equal(toHex(encodeMessage(r.msg, C4)), toHex(msgs[i]!));
    });
  });
});

test('hashCopyBytes gives hashBytes\' hash and copies exactly the octets, at any offset and length', { skip: LITTLE_ENDIAN ? false : 'little-endian hosts only' }, () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 7 }), fc.nat({ max: 5 }), (bytes, from, at) => {
    const b = new Uint8Array(from + bytes.length);
    b.set(bytes, from);
    const dst = new Uint32Array(at + ((bytes.length + 3) >> 2) + 1);
    assert.equal(hashCopyBytes(b, from, bytes.length, dst, at), hashBytes(b, from, bytes.length));
    assert.deepEqual(new Uint8Array(dst.buffer, at * 4, bytes.length), bytes);
  }), { numRuns: 2000 });
  // Distinct inputs of one length hash apart (the cache relies on few collisions, not none).
  assert.notEqual(hashBytes(Uint8Array.from([1, 2, 3, 4, 5]), 0, 5), hashBytes(Uint8Array.from([1, 2, 3, 4, 6]), 0, 5));
});

test('PerSet: values by index and slot, only for the set stored at the index; the index of the last set found', () => {
  const a = {}, b = {};
  const p = new PerSet<string>(3);
  assert.equal(p.get(a, 0), undefined);
  p.put(a, 2, 1, 'a1'); // indices 0 and 1 stay empty
  p.put(a, 2, 2, 'a2');
  assert.deepEqual([p.get(a, 2, 0), p.get(a, 2, 1), p.get(a, 2, 2)], [undefined, 'a1', 'a2']);
  assert.equal(p.get(b, 2, 1), undefined, 'another set at the same index finds nothing');
  p.put(b, 2, 0, 'b0');
  assert.deepEqual([p.get(b, 2, 0), p.get(b, 2, 1), p.get(a, 2, 1)], ['b0', undefined, undefined], 'replacing the set drops its values');
  p.put(a, 0, 0, 'x');
  assert.equal(p.get(a, 0), 'x');
  p.clear();
  assert.equal(p.get(b, 2, 0), undefined);

  const cache = new AttrCache();
  const sets = VECTORS.map((v) => decodeMessage(v.bytes, v.ctx, 0, { cache }))
    .flatMap((r) => (r.ok && r.msg.type === 'UPDATE' && r.msg.attrs instanceof PackedAttrSet ? [r.msg.attrs] : []));
  assert.ok(sets.length >= 2);
  const last = sets[sets.length - 1]!;
  assert.equal(cache.indexOf(last), cache.size - 1, 'the set just added: the last index');
  assert.equal(cache.indexOf(sets[0]!), sets[0] === last ? cache.size - 1 : -1, 'only the last set found is known');
  assert.equal(cache.indexOf({}), -1);
});
