// Interop with an independent implementation: MRT files written by our encoder are read by the installed
// bgpdump 1.6.2 (Debian's `bgpdump`), and `bgpdump -m` must print exactly the lines `anycast mrt dump` prints for the
// same file — thousands of generated entries with varied attributes, IPv4 and IPv6, 2- and 4-octet AS, add-path
// (RFC 8050; bgpdump reads it), BGP4MP and BGP4MP_ET of every message subtype, legacy TABLE_DUMP, -l and -t change.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { bgp4mpLog, rng, tableDump, tableDumpV1 } from './generate.js';
import { bgpdumpLines, concat, firstDifference, hasBgpdump, hex, ourLines, tempDir, writeRecords } from './helpers.js';
import { peerIndexTable } from '../../src/mrt/build.js';
import { encodeRecord } from '../../src/mrt/encode.js';
import type { MrtRecord } from '../../src/mrt/model.js';

const skip = hasBgpdump() ? false : 'bgpdump is not installed (Debian package bgpdump)';

async function same(t: { after: (f: () => void) => void }, records: readonly MrtRecord[], flags: string[] = [],
  opts: Parameters<typeof ourLines>[1] = {}, minLines = 1): Promise<number> {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, 'gen.mrt');
  writeRecords(file, records);
  const theirs = bgpdumpLines(file, flags);
  const ours = await ourLines(file, opts);
  assert.deepEqual(ours.problems, []);
  assert.ok(theirs.length >= minLines, `bgpdump printed only ${theirs.length} lines`);
  assert.equal(ours.lines.length, theirs.length, firstDifference(ours.lines, theirs));
  for (let i = 0; i < theirs.length; i++) if (ours.lines[i] !== theirs[i]) assert.fail(firstDifference(ours.lines, theirs));
  return theirs.length;
}

test('TABLE_DUMP_V2: 4000 prefixes, 7 peers, IPv4 + IPv6, 20% add-path — identical to bgpdump -m', { skip }, async (t) => {
  const n = await same(t, tableDump(rng(1), { peers: 7, prefixes: 4000, v6Share: 0.3, addPathShare: 0.2 }), [], {}, 8000);
  assert.ok(n > 8000);
});

test('TABLE_DUMP_V2 with large communities: identical to bgpdump -m -l', { skip }, async (t) => {
  await same(t, tableDump(rng(2), { peers: 4, prefixes: 1500, v6Share: 0.3, addPathShare: 0.1 }), ['-l'],
    { largeCommunities: true }, 1500);
});

test('-t change: TABLE_DUMP lines identical to bgpdump; TABLE_DUMP2 lines carry the originated time', { skip },
  async (t) => {
    // bgpdump 1.6.2 prints 0 as the TABLE_DUMP2 timestamp under -t change (its RIB entry time is lost); we print the
    // entry's Originated Time, and every other field must be bgpdump's.
    await same(t, tableDumpV1(rng(3), 300), ['-t', 'change'], { time: 'change' }, 300);
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const file = join(dir, 'td2.mrt');
    const recs = tableDump(rng(3), { peers: 3, prefixes: 400 });
    writeRecords(file, recs);
    const theirs = bgpdumpLines(file, ['-t', 'change']);
    const ours = (await ourLines(file, { time: 'change' })).lines;
    const times = recs.flatMap((r) => (r.kind === 'RIB' ? r.entries.map((e) => String(e.originatedTime)) : []));
    assert.equal(ours.length, theirs.length);
    assert.equal(ours.length, times.length);
    ours.forEach((l, i) => {
      const [a, b] = [l.split('|'), theirs[i]!.split('|')];
      assert.equal(b[1], '0');
      assert.equal(a[1], times[i]);
      assert.deepEqual([...a.slice(0, 1), ...a.slice(2)], [...b.slice(0, 1), ...b.slice(2)]);
    });
  });

test('BGP4MP and BGP4MP_ET, every message subtype, state changes: identical to bgpdump -m', { skip }, async (t) => {
  const recs = bgp4mpLog(rng(4), 4000);
  const subtypes = new Set(recs.map((r) => (r.kind === 'BGP4MP_MESSAGE' || r.kind === 'BGP4MP_STATE_CHANGE' ? r.subtype : -1)));
  for (const s of [0, 1, 4, 5, 6, 7, 8, 9, 10, 11]) assert.ok(subtypes.has(s), `generated log lacks subtype ${s}`);
  await same(t, recs, [], {}, 4000);
});

test('BGP4MP with large communities: identical to bgpdump -m -l', { skip }, async (t) => {
  await same(t, bgp4mpLog(rng(5), 1500), ['-l'], { largeCommunities: true }, 1000);
});

test('legacy TABLE_DUMP (v1), IPv4 and IPv6: identical to bgpdump -m', { skip }, async (t) => {
  await same(t, tableDumpV1(rng(6), 1000), [], {}, 1000);
});

test('gzip and bzip2 files: bgpdump and we read the same lines from the compressed forms', { skip }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const plain = join(dir, 'd.mrt');
  const bytes = writeRecords(plain, [...tableDump(rng(7), { peers: 3, prefixes: 500, v6Share: 0.5 }), ...bgp4mpLog(rng(8), 300)]);
  writeFileSync(join(dir, 'd.mrt.gz'), gzipSync(bytes));
  execFileSync('bzip2', ['-k', plain]);
  const reference = bgpdumpLines(plain);
  assert.ok(reference.length > 500);
  for (const f of ['d.mrt.gz', 'd.mrt.bz2']) {
    const ours = await ourLines(join(dir, f));
    assert.deepEqual(ours.problems, []);
    assert.deepEqual(ours.lines, reference, f);
    assert.deepEqual(bgpdumpLines(join(dir, f)), reference, `bgpdump on ${f}`);
  }
});

test('multicast RIB records: bgpdump skips them, we print them in the same format and nothing else differs', { skip },
  async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const file = join(dir, 'mc.mrt');
    const recs = tableDump(rng(9), { peers: 3, prefixes: 600, multicastShare: 0.3, v6Share: 0.3 });
    const multicast = recs.filter((r) => r.kind === 'RIB' && r.safi === 2).length;
    assert.ok(multicast > 100);
    writeRecords(file, recs);
    const theirs = bgpdumpLines(file);
    const ours = (await ourLines(file)).lines;
    // Drop the lines of multicast records from ours: the rest must be bgpdump's output, in order.
    const unicastOnly = join(dir, 'uc.mrt');
    writeRecords(unicastOnly, recs.filter((r) => !(r.kind === 'RIB' && r.safi === 2)));
    assert.deepEqual(theirs, bgpdumpLines(unicastOnly));
    assert.deepEqual((await ourLines(unicastOnly)).lines, theirs);
    assert.ok(ours.length > theirs.length);
  });

test('attributes the wire codec rejects are printed as bgpdump reads them', { skip }, async (t) => {
  // RIB entries whose attributes are malformed (each one the codec keeps as INVALID): bgpdump reads them leniently
  // and so must the bgpdump format. (Duplicated attributes are left out: bgpdump aborts on them.)
  const sections = [
    '40010105', // ORIGIN 5
    '40010100 40020c 0201 0000fc00 0200', // zero-length AS_SEQUENCE at the end
    '40010100 400206 0501 0000fc00', // unknown segment type
    '40010100 400206 0202 0000fc00', // segment overruns the attribute
    '40010100 400304 c0000201 800402 0001', // MED of 2 octets
    '40010100 c00806 ffffff01 0001', // COMMUNITIES of 6 octets
    '40010100 400601 00', // ATOMIC_AGGREGATE of 1 octet
    '40010100 c00706 fc00c0000201', // 2-octet AGGREGATOR where 4 octets are due
    '00010100', // ORIGIN with the optional bit wrong
    '40010100 c00304 c0000201', // NEXT_HOP with wrong flags
  ];
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, 'bad.mrt');
  const body = (i: number, a: Uint8Array) => concat([hex(`0000000${i} 18 c63364 0001 0000 00000001`),
    new Uint8Array([a.length >> 8, a.length & 255]), a]);
  const rec = (b: Uint8Array) => concat([hex('00000002 000d 0002'), new Uint8Array([0, 0, b.length >> 8, b.length & 255]), b]);
  const pit = encodeRecord(peerIndexTable({ timestamp: 1, collectorBgpId: '192.0.2.9',
    peers: [{ bgpId: '192.0.2.1', address: '192.0.2.1', asn: 64512 }] }));
  writeFileSync(file, concat([pit, ...sections.map((s, i) => rec(body(i, hex(s))))]));
  const theirs = bgpdumpLines(file);
  const ours = await ourLines(file);
  assert.equal(theirs.length, sections.length);
  assert.deepEqual(ours.lines, theirs);
});
