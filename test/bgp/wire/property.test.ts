// Property tests (fast-check): any bytes give a typed result or a typed error — never an exception or a hang —
// and every message the codec accepts re-encodes to the same bytes; generated valid messages survive
// encode -> decode -> encode unchanged.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bytesEqual, fromHex, toHex } from '../../../src/bgp/wire/addr.js';
import { AttrCache, decodeAttributes } from '../../../src/bgp/wire/attr-decode.js';
import { encodeAttributes } from '../../../src/bgp/wire/attr-encode.js';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/codec.js';
import { type CodecContext, IPV4_UNICAST, IPV6_UNICAST, symmetricContext } from '../../../src/bgp/wire/context.js';
import { decode } from '../../../src/bgp/wire/decode.js';
import { toNotification } from '../../../src/bgp/wire/errors.js';
import { FrameReader } from '../../../src/bgp/wire/framing.js';
import { messageJson } from '../../../src/bgp/wire/json.js';
import { decodePrefixes, PrefixList } from '../../../src/bgp/wire/prefix.js';
import { openArb, otherArb, updateArb } from './arbitraries.js';
import { VECTORS } from './vectors.js';

const CTXS: CodecContext[] = [
  symmetricContext(), symmetricContext({ as4: true }), symmetricContext({ as4: true, addPath: [IPV4_UNICAST, IPV6_UNICAST] }),
  symmetricContext({ extendedMessages: true, addPath: [IPV6_UNICAST] }),
];
const ctxArb = fc.constantFrom(...CTXS);
const RUNS = Number(process.env.WIRE_FC_RUNS ?? 3000);

/** Decode must return data; if it accepts the message, encoding gives the input back. */
function checkAny(bytes: Uint8Array, ctx: CodecContext): void {
  const r = decodeMessage(bytes, ctx);
  if (!r.ok) {
    assert.equal(typeof r.error.kind, 'string');
    assert.equal(r.error.action, 'reset');
    toNotification(r.error);
    return;
  }
  for (const e of r.errors) toNotification(e);
  const len = (bytes[16]! << 8) | bytes[17]!;
  const out = encodeMessage(r.msg, ctx);
  assert.equal(toHex(out), toHex(bytes.subarray(0, len)), 'an accepted message re-encodes to its bytes');
  messageJson(r.msg);
  const full = decode(bytes, ctx, { localAs: 64500, peerAs: 64512, families: new Set([IPV4_UNICAST]) });
  if (full.ok) for (const e of full.errors) toNotification(e);
}

/** A message with a valid header around an arbitrary body, so that fuzzing reaches the body decoders. */
const framedArb = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.uint8Array({ maxLength: 300 })).map(([type, body]) => {
  const out = new Uint8Array(19 + body.length);
  out.fill(0xff, 0, 16);
  out[16] = out.length >> 8; out[17] = out.length & 255; out[18] = type;
  out.set(body, 19);
  return out;
});

/** A vector with some octets changed, removed or inserted, and its header length fixed up. */
const mutatedArb = fc.tuple(fc.constantFrom(...VECTORS.filter((v) => v.bytes.length < 2000)),
  fc.array(fc.tuple(fc.nat(), u8Arb(), fc.constantFrom('set', 'del', 'ins')), { minLength: 1, maxLength: 6 }))
  .map(([v, edits]) => {
    const b = [...v.bytes];
    for (const [pos, val, op] of edits) {
      const i = 19 + (pos % Math.max(1, b.length - 19));
      if (op === 'set') b[i] = val; else if (op === 'del' && b.length > 19) b.splice(i, 1); else b.splice(i, 0, val);
    }
    const out = Uint8Array.from(b);
    out[16] = out.length >> 8; out[17] = out.length & 255;
    return { bytes: out, ctx: v.ctx };
  });
function u8Arb() { return fc.integer({ min: 0, max: 255 }); }

describe('wire property tests', () => {
  test('arbitrary bytes: typed result or typed error, never a throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), ctxArb, (b, ctx) => checkAny(b, ctx)), { numRuns: RUNS });
  });

  test('arbitrary bodies behind a valid header: accepted ones round-trip', () => {
    fc.assert(fc.property(framedArb, ctxArb, (b, ctx) => checkAny(b, ctx)), { numRuns: RUNS * 3 });
  });

  test('mutated vectors: typed result, accepted ones round-trip', () => {
    fc.assert(fc.property(mutatedArb, ctxArb, ({ bytes }, ctx) => checkAny(bytes, ctx)), { numRuns: RUNS * 3 });
  });

  test('with an attribute-set cache shared across messages, every accepted message still re-encodes exactly', () => {
    fc.assert(fc.property(fc.array(mutatedArb, { minLength: 2, maxLength: 12 }), ctxArb, (list, ctx) => {
      const cache = new AttrCache();
      for (const { bytes } of [...list, ...list]) {
        const r = decodeMessage(bytes, ctx, 0, { cache });
        if (r.ok) assert.equal(toHex(encodeMessage(r.msg, ctx)), toHex(bytes));
      }
    }), { numRuns: RUNS });
  });

  test('attribute sections and NLRI alone: any bytes, never a throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), ctxArb, fc.boolean(), (b, ctx, mrt) => {
      const d = decodeAttributes(b, 0, b.length, ctx, mrt ? { mrt: { afi: 2, safi: 1 } } : {});
      if (d.fatal === null) {
        assert.equal(toHex(encodeAttributes(d.attrs.list, ctx, d.mpReach, d.mpUnreach)), toHex(b));
      }
      for (const afi of [1, 2]) for (const ap of [false, true]) {
        const p = decodePrefixes(b, 0, b.length, afi, ap);
        if (p instanceof PrefixList) assert.ok(p.length <= b.length);
      }
    }), { numRuns: RUNS });
  });

  test('a stream of arbitrary bytes in arbitrary chunks: the framer never throws and stops at an error', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }), ctxArb, (chunks, ctx) => {
      const fr = new FrameReader(ctx);
      let errored = false;
      for (const c of chunks) {
        fr.push(c);
        for (let f = fr.next(); f.kind !== 'incomplete'; f = fr.next()) {
          if (f.kind === 'error') { errored = true; break; }
        }
        if (errored) break;
      }
    }), { numRuns: RUNS });
  });

  for (const [name, shape] of [['2-octet AS', { as4: false, addPath4: false, addPath6: false }],
    ['4-octet AS', { as4: true, addPath4: false, addPath6: false }], ['4-octet AS with add-path', { as4: true, addPath4: true, addPath6: true }]] as const) {
    test(`generated UPDATEs (${name}) survive encode -> decode -> encode`, () => {
      const ctx = symmetricContext({ as4: shape.as4, extendedMessages: true,
        addPath: [...(shape.addPath4 ? [IPV4_UNICAST] : []), ...(shape.addPath6 ? [IPV6_UNICAST] : [])] });
      fc.assert(fc.property(updateArb(shape), (m) => {
        const e1 = encodeMessage(m, ctx);
        const r = decodeMessage(e1, ctx);
        assert.ok(r.ok, r.ok ? '' : r.error.reason);
        assert.deepEqual(r.errors, []);
        assert.ok(bytesEqual(encodeMessage(r.msg, ctx), e1));
        const j1 = messageJson(m), j2 = messageJson(r.msg);
        assert.deepEqual(j2.nlri, j1.nlri);
        assert.deepEqual(j2.withdrawn, j1.withdrawn);
        assert.deepEqual(j2.mpReach, j1.mpReach);
        assert.deepEqual((j2.attributes as { value?: unknown }[]).map((a) => a.value),
          (j1.attributes as { value?: unknown }[]).map((a) => a.value));
      }), { numRuns: Math.ceil(RUNS / 3) });
    });
  }

  test('generated OPEN, NOTIFICATION, KEEPALIVE and ROUTE-REFRESH survive encode -> decode -> encode', () => {
    const ctx = CTXS[0]!;
    fc.assert(fc.property(fc.oneof(openArb, otherArb), (m) => {
      const e1 = encodeMessage(m, ctx);
      const r = decodeMessage(e1, ctx);
      assert.ok(r.ok, r.ok ? '' : r.error.reason);
      assert.ok(bytesEqual(encodeMessage(r.msg, ctx), e1));
      assert.deepEqual(messageJson(r.msg), messageJson(m));
    }), { numRuns: RUNS });
  });
});

describe('committed regression inputs', () => {
  const dir = join(process.cwd(), 'test/bgp/wire/regressions');
  const files = readdirSync(dir).filter((f) => f.endsWith('.hex')).sort();
  for (const f of files) {
    test(f, () => {
      const text = readFileSync(join(dir, f), 'utf8');
      const b = fromHex(text.split('\n').filter((l) => !l.startsWith('#')).join(''));
      assert.ok(b !== null);
      for (const ctx of CTXS) checkAny(b, ctx);
    });
  }
});
