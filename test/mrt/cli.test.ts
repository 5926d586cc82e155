// `anycast mrt dump` end to end (the built CLI in a child process): bgpdump lines, JSON lines, summary, error
// reporting with offsets and exit status, --stop-on-error, stdin, usage errors, and a closed pipe.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { encodeRecord } from '../../src/mrt/encode.js';
import { rng, tableDump, bgp4mpLog } from './generate.js';
import { concat, tempDir, writeRecords } from './helpers.js';
import { mrt } from './vectors.js';

const MAIN = join(process.cwd(), 'dist/src/cli/main.js');

function run(args: string[], input?: Uint8Array): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [MAIN, 'mrt', ...args], { input, maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, out: r.stdout.toString(), err: r.stderr.toString() };
}

test('mrt dump: bgpdump lines for a table dump and an update log; --json; --summary', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, 'd.mrt');
  const recs = [...tableDump(rng(31), { peers: 3, prefixes: 40, v6Share: 0.5 }), ...bgp4mpLog(rng(32), 40)];
  writeRecords(file, recs);
  const text = run(['dump', file]);
  assert.equal(text.code, 0, text.err);
  const lines = text.out.trim().split('\n');
  assert.ok(lines.length > 80);
  assert.ok(lines.every((l) => /^(TABLE_DUMP2|BGP4MP(_ET)?(_LOCAL|_AP)?)\|\d+(\.\d{6})?\|(B|A|W|STATE)\|/.test(l)), lines.find((l) => !/^(T|B)/.test(l)));

  const json = run(['dump', file, '--json']);
  assert.equal(json.code, 0);
  const objs = json.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; subtype: string; offset: number });
  assert.equal(objs.length, recs.length);
  assert.deepEqual([objs[0]!.type, objs[0]!.subtype, objs[0]!.offset], ['TABLE_DUMP_V2', 'PEER_INDEX_TABLE', 0]);
  assert.equal(objs[1]!.offset, encodeRecord(recs[0]!).length);

  const sum = run(['dump', file, '--summary', '--json']);
  const s = JSON.parse(sum.out) as { records: number; byType: Record<string, number>; ribEntries: number; peers: unknown[] };
  assert.equal(s.records, recs.length);
  assert.equal(s.byType['TABLE_DUMP_V2/PEER_INDEX_TABLE'], 1);
  assert.equal(s.ribEntries, recs.reduce((n, r) => n + (r.kind === 'RIB' ? r.entries.length : 0), 0));
  const st = run(['dump', file, '--summary']);
  assert.match(st.out, /records by type:/);
  assert.match(st.out, /TABLE_DUMP_V2\/RIB_IPV4_UNICAST\s+\d+/);
});

test('mrt dump: a malformed record is reported with its offset on stderr, the rest printed, exit 1', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, 'bad.mrt');
  const good = bgp4mpLog(rng(33), 5).map(encodeRecord);
  const bad = mrt(1, 16, 1, 'fc00 fc01 0000 0003 c0000201 c0000202');
  const at = good[0]!.length + good[1]!.length;
  writeFileSync(file, concat([good[0]!, good[1]!, bad, ...good.slice(2)]));
  const r = run(['dump', file]);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`offset ${at}: record type 16 subtype 1: address family 3 .*\\[ERR_MRT_MALFORMED\\]`));
  const all = run(['dump', file, '--json']);
  const errLine = all.out.split('\n').find((l) => l.includes('"error"'))!;
  assert.deepEqual(JSON.parse(errLine).error.offset, at);
  assert.equal(JSON.parse(errLine).error.code, 'ERR_MRT_MALFORMED');
  const stop = run(['dump', file, '--json', '--stop-on-error']);
  assert.equal(stop.out.trim().split('\n').length, 3, 'two records, then the error, then nothing');
});

test('mrt dump: stdin, missing file, usage errors, closed pipe', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const bytes = writeRecords(join(dir, 'x.mrt'), tableDump(rng(34), { peers: 2, prefixes: 3000 }));
  const viaStdin = run(['dump', '-'], bytes);
  assert.equal(viaStdin.code, 0);
  assert.equal(viaStdin.out, run(['dump', join(dir, 'x.mrt')]).out);

  const missing = run(['dump', join(dir, 'nope.mrt')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nope\.mrt: no such file/);
  assert.equal(run(['dump']).code, 2);
  assert.equal(run(['dump', 'a', '--time', 'later']).code, 2);
  assert.equal(run(['frobnicate']).code, 2);
  const missingJson = run(['dump', join(dir, 'nope.mrt'), '--json']);
  assert.equal(JSON.parse(missingJson.out).error.code, 'ERR_INPUT');

  // `| head -1`: the reader stops quietly when stdout closes.
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${MAIN}" mrt dump "${join(dir, 'x.mrt')}" | head -1`]);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.toString().trim().split('\n').length, 1);
  assert.equal(r.stderr.toString(), '');
});
