import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { detectCompression, readInput, readLines } from '../../src/util/open-input.js';

test('openInput reads plain, gzip and bzip2 files alike, told apart by magic bytes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'anycast-input-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const text = Array.from({ length: 5000 }, (_, i) => `64512|${65000 + i}|-1`).join('\n') + '\n';
  writeFileSync(join(dir, 'plain.txt'), text);
  writeFileSync(join(dir, 'data.gz'), gzipSync(text));
  writeFileSync(join(dir, 'data.txt'), text);
  execFileSync('bzip2', ['-k', join(dir, 'data.txt')]);
  assert.equal(detectCompression(join(dir, 'plain.txt')), 'none');
  assert.equal(detectCompression(join(dir, 'data.gz')), 'gzip');
  assert.equal(detectCompression(join(dir, 'data.txt.bz2')), 'bzip2');
  for (const f of ['plain.txt', 'data.gz', 'data.txt.bz2']) {
    assert.equal((await readInput(join(dir, f))).toString(), text, f);
    const lines: string[] = [];
    for await (const l of readLines(join(dir, f))) lines.push(l);
    assert.equal(lines.length, 5000);
    assert.equal(lines[4999], '64512|69999|-1');
  }
});

test('openInput reports a missing file and a corrupt bzip2 file as errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'anycast-input-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(readInput(join(dir, 'nope')), /nope/);
  writeFileSync(join(dir, 'bad.bz2'), Buffer.from('BZh9 this is not bzip2 data'));
  await assert.rejects(readInput(join(dir, 'bad.bz2')), /bzip2 failed/);
});

test('readLines keeps multi-byte UTF-8 characters that straddle two chunks intact', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'anycast-input-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Lines of 2-octet characters over several 64 KiB chunks: some chunk boundary falls inside a character.
  const line = 'x' + 'ü'.repeat(40);
  const text = Array.from({ length: 5000 }, () => line).join('\n') + '\n';
  writeFileSync(join(dir, 'names.txt'), text);
  writeFileSync(join(dir, 'names.gz'), gzipSync(text));
  for (const f of ['names.txt', 'names.gz']) {
    const lines: string[] = [];
    for await (const l of readLines(join(dir, f))) lines.push(l);
    assert.equal(lines.length, 5000, f);
    assert.equal(lines.filter((l) => l !== line).length, 0, `${f}: every line decoded as written`);
  }
});
