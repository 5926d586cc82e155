// The streaming reader: records split across chunks at every octet boundary, plain / gzip / bzip2 files, typed
// errors with file offsets for truncated, malformed and over-long records (and the choice to go on or stop),
// a failing input stream, and bounded buffering with lazy pulling from the source.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { toHex } from '../../src/bgp/wire/index.js';
import { encodeRecord } from '../../src/mrt/encode.js';
import { MrtInputError, MrtMalformedError, MrtRecordTooLongError, MrtTruncatedError } from '../../src/mrt/errors.js';
import {
  MrtStreamDecoder, type MrtReadItem, readMrt, readMrtBatches, readMrtStrict,
} from '../../src/mrt/reader.js';
import { rng, tableDump } from './generate.js';
import { concat, tempDir } from './helpers.js';
import { mrt, VECTORS } from './vectors.js';

const FILE = concat(VECTORS.map((v) => v.bytes));
const OFFSETS = VECTORS.reduce<number[]>((a, _v, i) => [...a, i === 0 ? 0 : a[i - 1]! + VECTORS[i - 1]!.bytes.length], []);

/** A comparable digest of read items: offset + re-encoded octets, or the error code and offset. */
function digest(items: readonly MrtReadItem[]): string[] {
  return items.map((it) => (it.ok ? `${it.offset}:${Buffer.from(encodeRecord(it.record)).toString('hex')}`
    : `${it.error.code}@${it.error.offset}`));
}

function readAll(chunks: readonly Uint8Array[], opts = {}): MrtReadItem[] {
  const d = new MrtStreamDecoder(opts);
  const out: MrtReadItem[] = [];
  for (const c of chunks) d.push(c, out);
  return d.end(out);
}

const WHOLE = digest(readAll([FILE]));

test('a file of every vector reads back record by record, at the right offsets, byte-exact', () => {
  assert.equal(WHOLE.length, VECTORS.length);
  WHOLE.forEach((d, i) => assert.equal(d, `${OFFSETS[i]}:${toHex(VECTORS[i]!.bytes)}`));
});

test('split into two chunks at every octet boundary: the same records', () => {
  for (let k = 0; k <= FILE.length; k++) {
    assert.deepEqual(digest(readAll([FILE.subarray(0, k), FILE.subarray(k)])), WHOLE, `split at ${k}`);
  }
});

test('split into three chunks at many boundary pairs, and one octet at a time: the same records', () => {
  for (let k = 0; k < FILE.length; k += 37) {
    for (let j = k; j <= FILE.length; j += 41) {
      assert.deepEqual(digest(readAll([FILE.subarray(0, k), FILE.subarray(k, j), FILE.subarray(j)])), WHOLE, `${k}/${j}`);
    }
  }
  const bytes = Array.from({ length: FILE.length }, (_, i) => FILE.subarray(i, i + 1));
  assert.deepEqual(digest(readAll(bytes)), WHOLE);
});

test('plain, gzip and bzip2 files give the same records (format told by magic bytes, not the name)', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(join(dir, 'a.mrt'), FILE);
  writeFileSync(join(dir, 'a.gz-named-oddly'), gzipSync(FILE));
  execFileSync('bzip2', ['-k', join(dir, 'a.mrt')]);
  for (const f of ['a.mrt', 'a.gz-named-oddly', 'a.mrt.bz2']) {
    const items: MrtReadItem[] = [];
    for await (const it of readMrt(join(dir, f))) items.push(it);
    assert.deepEqual(digest(items), WHOLE, f);
  }
});

test('a file cut inside a record header or body ends with MrtTruncatedError at that record\'s offset', () => {
  const last = OFFSETS[OFFSETS.length - 1]!;
  for (const cut of [last + 5, last + 12, FILE.length - 1]) {
    const items = readAll([FILE.subarray(0, cut)]);
    assert.equal(items.length, VECTORS.length);
    const e = items[items.length - 1]!;
    assert.ok(!e.ok && e.error instanceof MrtTruncatedError);
    assert.equal(e.error.offset, last);
    assert.equal(e.error.code, 'ERR_MRT_TRUNCATED');
    assert.equal(e.error.recoverable, false);
    assert.equal(e.error.have, cut - last);
  }
});

test('a malformed record gives MrtMalformedError with its offset; the records after it are still read', async () => {
  const bad = mrt(1, 16, 1, 'fc00 fc01 0000 0003 c0000201 c0000202'); // address family 3
  const file = concat([VECTORS[0]!.bytes, bad, VECTORS[2]!.bytes]);
  const items = readAll([file]);
  assert.equal(items.length, 3);
  assert.ok(items[0]!.ok && items[2]!.ok);
  const e = items[1]!;
  assert.ok(!e.ok && e.error instanceof MrtMalformedError);
  assert.equal(e.error.offset, VECTORS[0]!.bytes.length);
  assert.deepEqual([e.error.type, e.error.subtype, e.error.at, e.error.recoverable], [16, 1, 6, true]);
  assert.match(e.error.message, /^offset \d+: record type 16 subtype 1: address family 3/);
  assert.equal(items[2]!.ok && items[2]!.offset, VECTORS[0]!.bytes.length + bad.length);

  // The caller may stop at the first error instead.
  const seen: MrtReadItem[] = [];
  for await (const it of readMrt(Readable.from([Buffer.from(file)]))) {
    seen.push(it);
    if (!it.ok) break;
  }
  assert.equal(seen.length, 2);
  // …or have it thrown.
  await assert.rejects(async () => { for await (const _ of readMrtStrict(Readable.from([Buffer.from(file)]))) void _; },
    (e: unknown) => e instanceof MrtMalformedError);
});

test('a record longer than the limit is reported and skipped without buffering its body', () => {
  const big = mrt(1, 16, 1, 'fc00 fc01 0000 0001 c0000201 c0000202' + '00'.repeat(2000));
  const file = concat([VECTORS[0]!.bytes, big, VECTORS[2]!.bytes]);
  for (const chunk of [file.length, 100, 1]) {
    const d = new MrtStreamDecoder({ maxRecordLength: 1000 });
    const out: MrtReadItem[] = [];
    let maxPending = 0;
    for (let i = 0; i < file.length; i += chunk) {
      d.push(file.subarray(i, i + chunk), out);
      maxPending = Math.max(maxPending, d.pending);
    }
    d.end(out);
    assert.equal(out.length, 3, `chunk ${chunk}`);
    const e = out[1]!;
    assert.ok(!e.ok && e.error instanceof MrtRecordTooLongError);
    assert.deepEqual([e.error.offset, e.error.length, e.error.limit], [VECTORS[0]!.bytes.length, big.length - 12, 1000]);
    assert.ok(out[2]!.ok);
    if (chunk < 1000) assert.ok(maxPending < 1000, `held ${maxPending} octets`);
  }
});

test('a corrupt gzip stream ends with MrtInputError after the records before it, without throwing', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const gz = gzipSync(FILE);
  const f = join(dir, 'bad.gz');
  writeFileSync(f, gz.subarray(0, Math.floor(gz.length * 0.6)));
  const items: MrtReadItem[] = [];
  for await (const it of readMrt(f)) items.push(it);
  const last = items[items.length - 1]!;
  assert.ok(!last.ok && last.error instanceof MrtInputError);
  assert.equal(last.error.code, 'ERR_MRT_INPUT');
  assert.equal(last.error.recoverable, false);
  assert.ok(items.filter((i) => i.ok).length < VECTORS.length);
});

test('a missing file is an error item, not an exception', async () => {
  const items: MrtReadItem[] = [];
  for await (const it of readMrt('/nonexistent/acr.mrt')) items.push(it);
  assert.equal(items.length, 1);
  assert.ok(!items[0]!.ok && items[0]!.error.code === 'ERR_MRT_INPUT');
});

test('streaming: the source is pulled only as records are consumed, and buffering stays within a chunk', async () => {
  // A lazily generated dump of ~2 MB in 64 KiB chunks; read 100 records and stop.
  const recs = tableDump(rng(11), { peers: 4, prefixes: 12_000 }).map(encodeRecord);
  const data = concat(recs);
  let produced = 0;
  function* chunks() {
    for (let i = 0; i < data.length; i += 65536) { produced++; yield Buffer.from(data.subarray(i, i + 65536)); }
  }
  let n = 0;
  for await (const batch of readMrtBatches(Readable.from(chunks(), { objectMode: true, highWaterMark: 1 }))) {
    n += batch.length;
    if (n >= 100) break;
  }
  const total = Math.ceil(data.length / 65536);
  assert.ok(total > 20);
  assert.ok(produced <= 4, `${produced} of ${total} chunks pulled to read 100 records`);

  const d = new MrtStreamDecoder();
  let maxPending = 0, count = 0;
  for (let i = 0; i < data.length; i += 65536) {
    count += d.push(data.subarray(i, i + 65536)).filter((x) => x.ok).length;
    maxPending = Math.max(maxPending, d.pending);
  }
  assert.equal(count, recs.length);
  assert.ok(maxPending < 65536, `held ${maxPending} octets between chunks`);
});
