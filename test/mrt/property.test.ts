// Property tests (fast-check) of the MRT reader and record codec: any octets give records or typed errors — never
// an exception or a hang — and every record the reader accepts re-encodes to exactly the octets it came from;
// generated records survive encode -> decode -> encode, print the same bgpdump lines before and after the round
// trip, and read the same however the stream is cut into chunks. Inputs in regressions/ are replayed first.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../../src/bgp/wire/index.js';
import { BgpdumpFormatter } from '../../src/mrt/bgpdump.js';
import { decodeRecordBytes } from '../../src/mrt/decode.js';
import { encodeRecord } from '../../src/mrt/encode.js';
import { MrtError } from '../../src/mrt/errors.js';
import { recordJson } from '../../src/mrt/json.js';
import type { MrtRecord } from '../../src/mrt/model.js';
import { MrtStreamDecoder, type MrtReadItem } from '../../src/mrt/reader.js';
import { bgp4mpLog, rng, tableDump, tableDumpV1 } from './generate.js';
import { concat, modelOnly } from './helpers.js';
import { VECTORS } from './vectors.js';

const RUNS = Number(process.env.MRT_FC_RUNS ?? 2000);

/** Read `input` in the given chunks; check every item; return the items. */
function check(input: Uint8Array, cuts: readonly number[] = []): MrtReadItem[] {
  const d = new MrtStreamDecoder({ maxRecordLength: 1 << 20 });
  const out: MrtReadItem[] = [];
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) { d.push(input.subarray(from, c), out); from = c; }
  d.push(input.subarray(from), out);
  d.end(out);
  let covered = 0;
  for (const it of out) {
    if (!it.ok) {
      assert.ok(it.error instanceof MrtError);
      assert.ok(it.error.offset >= 0 && it.error.offset <= input.length, `error offset ${it.error.offset}`);
      continue;
    }
    assert.ok(it.offset >= covered, 'records in order, not overlapping');
    const want = toHex(input.subarray(it.offset, it.offset + it.length));
    assert.equal(toHex(encodeRecord(it.record)), want, 'accepted record re-encodes to its octets');
    assert.equal(toHex(encodeRecord(modelOnly(it.record))), want, 'and so does its decoded model alone');
    JSON.stringify(recordJson(it.record));
    covered = it.offset + it.length;
  }
  return out;
}

/** An MRT header with a known type/subtype (so that the body decoders are reached) around arbitrary octets. */
const KNOWN: readonly [number, number][] = [
  [13, 1], [13, 2], [13, 3], [13, 4], [13, 5], [13, 6], [13, 8], [13, 9], [13, 10], [13, 11], [13, 12],
  [16, 0], [16, 1], [16, 4], [16, 5], [16, 6], [16, 7], [16, 8], [16, 9], [16, 10], [16, 11], [17, 1], [17, 4], [17, 5],
  [12, 1], [12, 2], [11, 0],
];
const framedArb = fc.tuple(fc.constantFrom(...KNOWN), fc.uint8Array({ maxLength: 400 })).map(([[type, sub], body]) => {
  const out = new Uint8Array(12 + body.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 1700000000); v.setUint16(4, type); v.setUint16(6, sub); v.setUint32(8, body.length);
  out.set(body, 12);
  return out;
});

/** A vector with octets changed, removed or inserted, its Length fixed up (body decoders see near-valid input). */
const mutatedArb = fc.tuple(fc.constantFrom(...VECTORS),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'del', 'ins')), { minLength: 1, maxLength: 5 }))
  .map(([v, edits]) => {
    const b = [...v.bytes];
    for (const [pos, val, op] of edits) {
      const i = 12 + (pos % Math.max(1, b.length - 12));
      if (op === 'set') b[i] = val; else if (op === 'del' && b.length > 12) b.splice(i, 1); else b.splice(i, 0, val);
    }
    const out = new Uint8Array(b);
    new DataView(out.buffer).setUint32(8, out.length - 12);
    return out;
  });

const REGRESSIONS = join(process.cwd(), 'test/mrt/regressions');

test('regression inputs: records or typed errors, byte-exact when accepted', () => {
  const files = readdirSync(REGRESSIONS).filter((f) => f.endsWith('.hex'));
  assert.ok(files.length > 0);
  for (const f of files) {
    const text = readFileSync(join(REGRESSIONS, f), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('');
    const b = fromHex(text);
    assert.ok(b !== null, f);
    check(b);
  }
});

test('any octets: records or typed errors, never an exception; accepted records re-encode exactly', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (b) => { check(b); }), { numRuns: RUNS });
});

test('valid headers around arbitrary bodies of every record type', () => {
  fc.assert(fc.property(fc.array(framedArb, { minLength: 1, maxLength: 4 }), (recs) => {
    const items = check(concat(recs));
    assert.equal(items.length, recs.length, 'one item per framed record');
  }), { numRuns: RUNS });
});

test('mutated vectors: records or typed errors; accepted ones re-encode exactly', () => {
  fc.assert(fc.property(mutatedArb, (b) => { check(b); }), { numRuns: RUNS });
});

function records(seed: number): MrtRecord[] {
  const r = rng(seed);
  return [...tableDump(r, { peers: 5, prefixes: 30, v6Share: 0.4, addPathShare: 0.3, multicastShare: 0.2 }),
    ...bgp4mpLog(r, 30), ...tableDumpV1(r, 10)];
}

test('generated records: encode -> decode -> encode unchanged, same bgpdump lines, any chunking', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(fc.nat(), { maxLength: 6 }), (seed, cutsRaw) => {
    const recs = records(seed);
    const bytes = recs.map(encodeRecord);
    const file = concat(bytes);
    const before = new BgpdumpFormatter({ largeCommunities: true });
    const after = new BgpdumpFormatter({ largeCommunities: true });
    recs.forEach((rec, i) => {
      const d = decodeRecordBytes(bytes[i]!);
      assert.ok(d.ok, d.ok ? '' : d.reason);
      assert.equal(toHex(encodeRecord(d.record)), toHex(bytes[i]!));
      assert.equal(toHex(encodeRecord(modelOnly(d.record))), toHex(bytes[i]!));
      assert.equal(after.format(d.record), before.format(rec), 'lines from the decoded record = lines from the model');
    });
    const items = check(file, cutsRaw.map((c) => c % (file.length + 1)));
    assert.equal(items.length, recs.length);
    assert.ok(items.every((x) => x.ok));
  }), { numRuns: Math.max(50, RUNS / 20) });
});
