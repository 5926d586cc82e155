// The allocation-light decode path against the one that returns objects: FrameReader.read() (frame bounds in
// fields) against FrameReader.next(), and decodeUpdateInto() with one reused UpdateParts against parseUpdate() /
// decodeMessage(), on the vectors and on generated valid and invalid messages, with and without an AttrCache.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bytesEqual, toHex } from '../../../src/bgp/wire/addr.js';
import { AttrCache, PackedAttrSet } from '../../../src/bgp/wire/attr-decode.js';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/codec.js';
import { type CodecContext, IPV4_UNICAST, IPV6_UNICAST, symmetricContext } from '../../../src/bgp/wire/context.js';
import { FRAME_ERROR, FRAME_INCOMPLETE, FrameReader, nextFrame } from '../../../src/bgp/wire/framing.js';
import { messageJson } from '../../../src/bgp/wire/json.js';
import { HEADER_LENGTH, MSG_UPDATE, type DecodeResult } from '../../../src/bgp/wire/messages.js';
import { decodeUpdateInto, UpdateParts } from '../../../src/bgp/wire/update.js';
import { updateArb } from './arbitraries.js';
import { attr, BASE_ATTRS, msg, update } from './helpers.js';
import { VECTORS } from './vectors.js';

const RUNS = Number(process.env.WIRE_FC_RUNS ?? 3000);
const CTXS: CodecContext[] = [
  symmetricContext(), symmetricContext({ as4: true }), symmetricContext({ as4: true, addPath: [IPV4_UNICAST, IPV6_UNICAST] }),
  symmetricContext({ as4: true, extendedMessages: true, addPath: [IPV6_UNICAST] }),
];

/** decodeUpdateInto() on a whole message must give what decodeMessage() gives: the same error or the same UPDATE. */
function sameOutcome(bytes: Uint8Array, ctx: CodecContext, parts: UpdateParts, cacheA?: AttrCache, cacheB?: AttrCache):
  DecodeResult {
  const want = decodeMessage(bytes, ctx, 0, { cache: cacheB });
  // A message whose header fails never reaches the body decoder.
  if (nextFrame(bytes, 0, bytes.length, ctx).kind !== 'frame') { assert.equal(want.ok, false); return want; }
  const len = (bytes[16]! << 8) | bytes[17]!;
  const error = decodeUpdateInto(bytes, HEADER_LENGTH, len, ctx, cacheA, parts);
  if (!want.ok) {
    assert.ok(error !== null, `decodeMessage rejects (${want.error.reason}), decodeUpdateInto must too`);
    assert.deepEqual(error, want.error);
    return want;
  }
  assert.equal(error, null, error?.reason);
  const m = parts.toMessage();
  assert.deepEqual(messageJson(m), messageJson(want.msg));
  assert.deepEqual(parts.errors, want.errors);
  assert.equal(parts.attrs.key, (want.msg as { attrs: { key: string } }).attrs.key);
  assert.ok(bytesEqual(encodeMessage(m, ctx), bytes.subarray(0, len)), 'encode(decode(x)) == x');
  return want;
}

/** An UPDATE header around an arbitrary body, so that the body decoders see any bytes. */
const updateBodyArb = fc.uint8Array({ maxLength: 300 }).map((body) => {
  const out = new Uint8Array(HEADER_LENGTH + body.length);
  out.fill(0xff, 0, 16);
  out[16] = out.length >> 8; out[17] = out.length & 255; out[18] = MSG_UPDATE;
  out.set(body, HEADER_LENGTH);
  return out;
});

/** A valid UPDATE with some octets of its body changed (header length kept). */
function mutated(ctx: CodecContext): fc.Arbitrary<Uint8Array> {
  return fc.tuple(updateArb({ as4: ctx.as4, addPath4: ctx.addPath.receive.has(IPV4_UNICAST), addPath6: ctx.addPath.receive.has(IPV6_UNICAST) }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }))
    .map(([m, edits]) => {
      let b: Uint8Array;
      try { b = encodeMessage(m, ctx); } catch { return msg(MSG_UPDATE, '00000000'); }
      for (const [pos, val] of edits) if (b.length > HEADER_LENGTH) b[HEADER_LENGTH + (pos % (b.length - HEADER_LENGTH))] = val;
      return b;
    });
}

describe('decodeUpdateInto and UpdateParts', () => {
  test('every UPDATE vector: the same message, errors and bytes as decodeMessage, with one reused UpdateParts', () => {
    const parts = new UpdateParts();
    let n = 0;
    for (const round of [0, 1]) {
      // The second round with caches that have seen every set: the hit path.
      const a = new AttrCache(), b = new AttrCache();
      for (const r of [round, round]) {
        for (const v of VECTORS) {
          if (v.bytes[18] !== MSG_UPDATE) continue;
          sameOutcome(v.bytes, v.ctx, parts, r === 0 ? undefined : a, r === 0 ? undefined : b);
          n++;
        }
      }
    }
    assert.ok(n >= 40, `${n} UPDATE vectors`);
  });

  test('a message made by toMessage() keeps its content after the parts are reused', () => {
    const parts = new UpdateParts();
    const ups = VECTORS.filter((v) => v.bytes[18] === MSG_UPDATE && decodeMessage(v.bytes, v.ctx).ok);
    assert.ok(ups.length >= 5);
    const kept = ups.map((v) => {
      assert.equal(decodeUpdateInto(v.bytes, HEADER_LENGTH, v.bytes.length, v.ctx, undefined, parts), null);
      return { m: parts.toMessage(), v };
    });
    for (const { m, v } of kept) assert.equal(toHex(encodeMessage(m, v.ctx)), toHex(v.bytes), v.name);
  });

  test('overrunning lengths and a malformed NLRI field are the same errors as parseUpdate gives', () => {
    const parts = new UpdateParts();
    for (const body of ['00050000', '0000000a', '00000000' + '21c0000201', '000218c0' + '0000', '00000000' + '18c000']) {
      const b = msg(MSG_UPDATE, body);
      const want = sameOutcome(b, CTXS[0]!, parts);
      assert.equal(want.ok, false, body);
    }
  });

  for (const [i, ctx] of CTXS.entries()) {
    test(`property: generated and corrupted UPDATEs decode the same way on both paths (context ${i})`, () => {
      let accepted = 0, rejected = 0, withErrors = 0;
      fc.assert(fc.property(fc.array(fc.oneof(mutated(ctx), updateBodyArb), { minLength: 1, maxLength: 10 }), (list) => {
        const parts = new UpdateParts();
        const a = new AttrCache(), b = new AttrCache();
        const seen = new Set<object>();
        const byIndex = new Map<number, object>();
        // Each sequence twice: the second pass finds every clean set in the caches.
        for (const bytes of [...list, ...list]) {
          const r = sameOutcome(bytes, ctx, parts, a, b);
          if (r.ok) {
            // newSet: exactly when no earlier decode returned this set object.
            assert.equal(parts.newSet, !seen.has(parts.attrs));
            seen.add(parts.attrs);
            // setIndex: a cached set's dense index, one per set, the same on every hit; -1 for a set not cached.
            const i = parts.setIndex;
            assert.equal(i >= 0, parts.attrs instanceof PackedAttrSet);
            if (i >= 0) {
              assert.ok(i < a.size && a.generation === 0);
              assert.equal(byIndex.get(i) ?? parts.attrs, parts.attrs);
              byIndex.set(i, parts.attrs);
            }
          }
          sameOutcome(bytes, ctx, parts);
          if (r.ok) assert.equal(parts.newSet, true, 'without a cache every set is new');
          if (r.ok) assert.equal(parts.setIndex, -1, 'without a cache no set has an index');
          if (!r.ok) rejected++; else if (r.errors.length > 0) withErrors++; else accepted++;
        }
      }), { numRuns: Math.ceil(RUNS / 10) });
      assert.ok(accepted > RUNS / 10 && rejected > RUNS / 10 && withErrors > RUNS / 100,
        `every outcome reached (accepted ${accepted}, with errors ${withErrors}, rejected ${rejected})`);
    });
  }
});

test('set indices count from 0 in insertion order and restart, with a new generation, when the cache empties itself', () => {
  const ctx = CTXS[0]!;
  const cache = new AttrCache(2);
  const parts = new UpdateParts();
  const seen: [number, number][] = [];
  for (const med of [1, 2, 1, 3, 3]) {
    const b = update('', BASE_ATTRS + attr(0x80, 4, med.toString(16).padStart(8, '0')), '18c00002');
    assert.equal(decodeUpdateInto(b, HEADER_LENGTH, b.length, ctx, cache, parts), null);
    seen.push([cache.generation, parts.setIndex]);
  }
  // MED 1 → 0, MED 2 → 1, MED 1 again → 0 (a hit), MED 3: the cache is full, empties itself → generation 1, index 0.
  assert.deepEqual(seen, [[0, 0], [0, 1], [0, 0], [1, 0], [1, 0]]);
});

describe('FrameReader.read()', () => {
  /**
   * Frames of a stream taken with read() after each chunk, checked against nextFrame() walked over the bytes
   * received so far (an independent oracle): the same frames, then the same 'incomplete' need or the same error.
   * Frames handed out earlier must still hold their bytes at the end.
   */
  function both(ctx: CodecContext, chunks: readonly Uint8Array[]): void {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const all = new Uint8Array(total);
    const fr = new FrameReader(ctx);
    const got: { type: number; buf: Uint8Array; s: number; e: number }[] = [];
    let have = 0, off = 0;
    for (const c of chunks) {
      all.set(c, have);
      have += c.length;
      fr.push(c);
      let t: number;
      for (t = fr.read(); t > 0; t = fr.read()) got.push({ type: t, buf: fr.frameBuf, s: fr.frameStart, e: fr.frameEnd });
      for (;;) {
        const o = nextFrame(all, off, have, ctx);
        if (o.kind === 'frame') {
          const g = got.shift();
          assert.ok(g !== undefined, `a frame at ${off}`);
          assert.equal(g.type, o.type);
          assert.ok(bytesEqual(g.buf.subarray(g.s, g.e), all.subarray(o.start, o.end)), `frame at ${off}`);
          off = o.end;
          continue;
        }
        assert.equal(got.length, 0, 'no frame beyond the oracle');
        if (o.kind === 'incomplete') {
          assert.equal(t, FRAME_INCOMPLETE);
          assert.equal(fr.need, o.need);
          assert.equal(fr.buffered, have - off);
          break;
        }
        assert.equal(t, FRAME_ERROR);
        assert.deepEqual(fr.error, o.error);
        assert.equal(fr.read(), FRAME_ERROR, 'the reader stays failed');
        return;
      }
    }
  }

  test('whole messages inside a chunk are read in place; one split across chunks is joined, the rest in place', () => {
    const ctx = CTXS[0]!;
    const m = [msg(4, ''), msg(MSG_UPDATE, '00000000'), msg(4, '')];
    const stream = new Uint8Array(m.reduce((n, x) => n + x.length, 0));
    let o = 0;
    for (const x of m) { stream.set(x, o); o += x.length; }
    // One chunk: every frame is the chunk itself.
    const one = stream.slice();
    const fr = new FrameReader(ctx);
    fr.push(one);
    for (let i = 0; i < 3; i++) { assert.ok(fr.read() > 0); assert.equal(fr.frameBuf, one); }
    assert.equal(fr.read(), FRAME_INCOMPLETE);
    // Split inside the second message (past its length field): that one is joined, the third is read in place
    // (in the chunk's memory).
    const a = stream.slice(0, 19 + 20), b = stream.slice(19 + 20);
    const fr2 = new FrameReader(ctx);
    fr2.push(a);
    assert.equal(fr2.read(), 4); assert.equal(fr2.frameBuf, a);
    assert.equal(fr2.read(), FRAME_INCOMPLETE);
    assert.equal(fr2.need, 23 - 20);
    fr2.push(b);
    assert.equal(fr2.read(), MSG_UPDATE);
    assert.notEqual(fr2.frameBuf.buffer, b.buffer);
    assert.ok(bytesEqual(fr2.frameBuf.subarray(fr2.frameStart, fr2.frameEnd), m[1]!));
    assert.equal(fr2.read(), 4); assert.equal(fr2.frameBuf.buffer, b.buffer);
    assert.equal(fr2.read(), FRAME_INCOMPLETE);
    assert.equal(fr2.buffered, 0);
  });

  test('all vectors in one stream, in chunks of 1, 7, 64 and all: the same frames as next()', () => {
    for (const ctx of new Set(VECTORS.map((v) => v.ctx))) {
      const list = VECTORS.filter((v) => v.ctx === ctx).map((v) => v.bytes);
      const total = list.reduce((n, x) => n + x.length, 0);
      const stream = new Uint8Array(total);
      let o = 0;
      for (const x of list) { stream.set(x, o); o += x.length; }
      for (const size of [1, 7, 64, total]) {
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < total; i += size) chunks.push(stream.subarray(i, i + size));
        both(ctx, chunks);
        // And read() alone returns every message once, in order, each valid after later pushes.
        const fr = new FrameReader(ctx);
        const got: { buf: Uint8Array; s: number; e: number }[] = [];
        for (const c of chunks) {
          fr.push(c);
          for (let t = fr.read(); t > 0; t = fr.read()) got.push({ buf: fr.frameBuf, s: fr.frameStart, e: fr.frameEnd });
        }
        assert.equal(got.length, list.length);
        got.forEach((g, i) => assert.ok(bytesEqual(g.buf.subarray(g.s, g.e), list[i]!), `message ${i}, chunk size ${size}`));
      }
    }
  });

  test('a header error: FRAME_ERROR with the error next() reports, and the reader stays failed', () => {
    const bad = msg(4, '');
    bad[3] = 0;
    both(CTXS[0]!, [msg(4, ''), bad, msg(4, '')]);
    const fr = new FrameReader(CTXS[0]!);
    fr.push(bad);
    assert.equal(fr.read(), FRAME_ERROR);
    assert.equal(fr.error?.kind, 'header-marker');
    fr.push(msg(4, ''));
    assert.equal(fr.read(), FRAME_ERROR);
  });

  test('property: arbitrary bytes and vectors in arbitrary chunks give the same frames, needs and errors as next()', () => {
    const pieceArb = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(...VECTORS.map((v) => v.bytes)));
    fc.assert(fc.property(fc.array(pieceArb, { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }),
      (pieces, sizes) => {
        const total = pieces.reduce((n, x) => n + x.length, 0);
        const stream = new Uint8Array(total);
        let o = 0;
        for (const x of pieces) { stream.set(x, o); o += x.length; }
        const chunks: Uint8Array[] = [];
        for (let i = 0, k = 0; i < total; i += sizes[k++ % sizes.length]!) chunks.push(stream.subarray(i, i + sizes[k % sizes.length]!));
        // Framing depends on the context only through the length limit: the vectors' longest needs RFC 8654.
        both(CTXS[3]!, chunks);
        both(CTXS[0]!, chunks);
      }), { numRuns: RUNS });
  });
});
