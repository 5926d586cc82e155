// (bytes, message) vectors: decode gives the expected message, encode gives the same bytes back, the header length
// equals the written length, decoding works at a non-zero offset, and the stream framer yields the message for
// every split point.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytesEqual, toHex } from '../../../src/bgp/wire/addr.js';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/codec.js';
import { FrameReader } from '../../../src/bgp/wire/framing.js';
import { messageJson } from '../../../src/bgp/wire/json.js';
import { VECTORS } from './vectors.js';

function assertSubset(actual: Record<string, unknown>, expected: Record<string, unknown>, where: string): void {
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(actual[k], v, `${where}: field ${k}`);
}

describe('wire vectors', () => {
  for (const v of VECTORS) {
    test(v.name, () => {
      const r = decodeMessage(v.bytes, v.ctx);
      assert.ok(r.ok, `decode failed: ${r.ok ? '' : r.error.reason}`);
      assert.deepEqual(r.errors.map((e) => e.kind), v.errors ?? []);
      assertSubset(messageJson(r.msg), v.json, v.name);

      const out = encodeMessage(r.msg, v.ctx);
      assert.equal(toHex(out), toHex(v.bytes), 'encode(decode(bytes)) == bytes');
      assert.equal((out[16]! << 8) | out[17]!, out.length, 'header length == written length');

      // Decoding at a non-zero offset, with bytes before and after the message.
      const padded = new Uint8Array(v.bytes.length + 10);
      padded.fill(0xa5);
      padded.set(v.bytes, 7);
      const r2 = decodeMessage(padded, v.ctx, 7);
      assert.ok(r2.ok);
      assertSubset(messageJson(r2.msg), v.json, `${v.name} at offset 7`);
      assert.ok(bytesEqual(encodeMessage(r2.msg, v.ctx), v.bytes));

      // Every split point of the stream: two chunks, then the whole message comes out once.
      for (let i = 1; i < v.bytes.length; i++) {
        const fr = new FrameReader(v.ctx);
        fr.push(v.bytes.subarray(0, i));
        const first = fr.next();
        assert.equal(first.kind, 'incomplete', `split at ${i}`);
        fr.push(v.bytes.subarray(i));
        const f = fr.next();
        assert.ok(f.kind === 'frame' && bytesEqual(f.bytes, v.bytes), `split at ${i}`);
        assert.equal(fr.next().kind, 'incomplete');
      }
    });
  }

  test('all vectors coalesced into one stream, fed one octet at a time and in one chunk', () => {
    const groups = new Map<object, Uint8Array[]>();
    for (const v of VECTORS) groups.set(v.ctx, [...(groups.get(v.ctx) ?? []), v.bytes]);
    for (const [ctx, list] of groups) {
      const total = list.reduce((a, b) => a + b.length, 0);
      const stream = new Uint8Array(total);
      let o = 0;
      for (const b of list) { stream.set(b, o); o += b.length; }
      for (const chunkSize of [1, 7, total]) {
        const fr = new FrameReader(ctx as never);
        const got: Uint8Array[] = [];
        for (let i = 0; i < total; i += chunkSize) {
          fr.push(stream.subarray(i, i + chunkSize));
          for (let f = fr.next(); f.kind === 'frame'; f = fr.next()) got.push(f.bytes.slice());
        }
        assert.equal(got.length, list.length, `chunk size ${chunkSize}`);
        got.forEach((g, i) => assert.ok(bytesEqual(g, list[i]!), `message ${i}, chunk size ${chunkSize}`));
      }
    }
  });
});
