// The writers: MrtWriter honours backpressure (a producer that awaits write() never has more than one record
// queued beyond the stream's buffer), RibDumper writes a TABLE_DUMP_V2 dump that reads back route for route, the
// builders pick the RFC 6396 / RFC 8050 subtypes and Peer Type bits, and a failing stream rejects the writer.
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { createGzip } from 'node:zlib';
import { findAttr, type PathAttribute } from '../../src/bgp/wire/index.js';
import { messageRecord, mrtNextHop, peerIndexTable, stateChangeRecord } from '../../src/mrt/build.js';
import { decodeRecordBytes } from '../../src/mrt/decode.js';
import { encodeRecord } from '../../src/mrt/encode.js';
import type { MrtRecord } from '../../src/mrt/model.js';
import { readMrt } from '../../src/mrt/reader.js';
import { MrtWriter, RibDumper } from '../../src/mrt/writer.js';
import { rng, tableDump } from './generate.js';
import { concat, tempDir } from './helpers.js';

test('backpressure: write() waits for drain; queued octets stay within one record of the high-water mark', async () => {
  const chunks: Buffer[] = [];
  let maxQueued = 0;
  const slow = new Writable({
    highWaterMark: 4096,
    write(chunk: Buffer, _enc, cb) { chunks.push(chunk); setTimeout(cb, 1); },
  });
  const w = new MrtWriter(slow);
  const recs = tableDump(rng(21), { peers: 3, prefixes: 300 });
  let largest = 0;
  for (const r of recs) {
    largest = Math.max(largest, encodeRecord(r).length);
    await w.write(r);
    maxQueued = Math.max(maxQueued, slow.writableLength);
  }
  await w.close();
  assert.ok(maxQueued <= 4096 + largest, `${maxQueued} octets queued`);
  assert.equal(w.records, recs.length);
  assert.deepEqual(Buffer.concat(chunks), Buffer.from(concat(recs.map(encodeRecord))));
});

test('RibDumper: peer table then one RIB record per prefix, consecutive sequence numbers, add-path split', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, 'rib.mrt.gz');
  const gz = createGzip();
  const done = new Promise<void>((resolve) => { gz.pipe(createWriteStream(file)).on('finish', () => resolve()); });
  const w = new MrtWriter(gz);
  const d = new RibDumper(w, { timestamp: 1700000000, collectorBgpId: '192.0.2.254', viewName: 'anycast',
    peers: [{ bgpId: '192.0.2.1', address: '192.0.2.1', asn: 64512 }, { bgpId: '192.0.2.2', address: '2001:db8::2', asn: 4200000002 }] });
  const attrs = (nh: string): PathAttribute[] => [{ name: 'ORIGIN', typeCode: 1, flags: 0x40, origin: 0 } as PathAttribute,
    { name: 'AS_PATH', typeCode: 2, flags: 0x40, segments: [{ type: 2, asns: [64512] }] } as PathAttribute,
    { name: 'NEXT_HOP', typeCode: 3, flags: 0x40, nextHop: nh } as PathAttribute];
  await d.begin();
  await d.prefix('198.51.100.0/24', [{ peerIndex: 0, originatedTime: 10, attributes: attrs('192.0.2.1') },
    { peerIndex: 0, originatedTime: 11, pathId: 2, attributes: attrs('192.0.2.9') }]);
  await d.prefix('2001:db8:1::/48', [{ peerIndex: 1, originatedTime: 12,
    attributes: [...attrs('192.0.2.1').slice(0, 2), mrtNextHop(2, ['2001:db8::2'])] }]);
  await w.close();
  await done;
  const recs: MrtRecord[] = [];
  for await (const it of readMrt(file)) { assert.ok(it.ok); recs.push(it.record); }
  assert.deepEqual(recs.map((r) => [r.kind, 'subtype' in r ? r.subtype : 1, 'sequence' in r ? r.sequence : -1]),
    [['PEER_INDEX_TABLE', 1, -1], ['RIB', 2, 0], ['RIB', 8, 1], ['RIB', 4, 2]]);
  const pit = recs[0]!;
  assert.ok(pit.kind === 'PEER_INDEX_TABLE');
  assert.deepEqual(pit.peers.map((p) => p.peerType), [2, 3]);
  const ap = recs[2]!;
  assert.ok(ap.kind === 'RIB');
  assert.equal(ap.entries[0]!.pathId, 2);
  assert.equal(findAttr(ap.entries[0]!.attrs.list, 'NEXT_HOP')!.nextHop, '192.0.2.9');
  const v6 = recs[3]!;
  assert.ok(v6.kind === 'RIB');
  assert.deepEqual(findAttr(v6.entries[0]!.attrs.list, 'MP_REACH_NLRI')!.nextHop, ['2001:db8::2']);
});

test('builders: BGP4MP message subtypes for every (AS4, sent, add-path) combination, ET with microseconds', () => {
  const p = { peer: { asn: 64512, ip: '192.0.2.1' }, local: { asn: 64513, ip: '192.0.2.2' }, timestamp: 1 };
  const expect: [boolean, 'received' | 'sent', boolean, number][] = [
    [false, 'received', false, 1], [true, 'received', false, 4], [false, 'sent', false, 6], [true, 'sent', false, 7],
    [false, 'received', true, 8], [true, 'received', true, 9], [false, 'sent', true, 10], [true, 'sent', true, 11]];
  for (const [as4, direction, addPath, subtype] of expect) {
    const r = messageRecord({ ...p, as4, direction, addPath, message: { type: 'KEEPALIVE' } });
    assert.equal(r.subtype, subtype);
    const b = encodeRecord(r);
    assert.equal((b[4]! << 8) | b[5]!, 16);
    const d = decodeRecordBytes(b);
    assert.ok(d.ok && d.record.kind === 'BGP4MP_MESSAGE' && d.record.subtype === subtype);
  }
  const et = encodeRecord(messageRecord({ ...p, microseconds: 7, as4: true, direction: 'received', message: { type: 'KEEPALIVE' } }));
  assert.equal((et[4]! << 8) | et[5]!, 17);
  // Message octets given as-is are written as-is.
  const raw = new Uint8Array([...new Array(16).fill(255), 0, 19, 4]);
  const r = decodeRecordBytes(encodeRecord(messageRecord({ ...p, as4: false, direction: 'sent', message: raw })));
  assert.ok(r.ok && r.record.kind === 'BGP4MP_MESSAGE' && r.record.message?.type === 'KEEPALIVE' && r.record.local);
  const sc = stateChangeRecord({ ...p, peer: { asn: 4200000001, ip: '2001:db8::1' }, local: { asn: 64513, ip: '2001:db8::2' },
    oldState: 5, newState: 6 });
  assert.deepEqual([sc.subtype, sc.as4, sc.afi], [5, true, 2]);
  assert.throws(() => stateChangeRecord({ ...p, local: { asn: 1, ip: '2001:db8::2' }, oldState: 1, newState: 2 }), /different families/);
  assert.deepEqual(peerIndexTable({ timestamp: 1, collectorBgpId: '192.0.2.9', peers: [
    { bgpId: '192.0.2.1', address: '192.0.2.1', asn: 64512, as4: false }, { bgpId: '192.0.2.1', address: '192.0.2.1', asn: 64512 }] })
    .peers.map((x) => x.peerType), [0, 2]);
});

test('encoding a model that does not fit its fields throws a typed error', () => {
  const p = { peer: { asn: 4200000001, ip: '192.0.2.1' }, local: { asn: 64513, ip: '192.0.2.2' }, timestamp: 1 };
  assert.throws(() => encodeRecord(stateChangeRecord({ ...p, as4: false, oldState: 1, newState: 2 })),
    (e: Error & { code?: string }) => e.code === 'ERR_MRT_ENCODE' && /2-octet AS field/.test(e.message));
  assert.throws(() => encodeRecord(peerIndexTable({ timestamp: 1, collectorBgpId: 'x', peers: [] })),
    (e: Error & { code?: string }) => e.code === 'ERR_MRT_ENCODE');
});

test('a failing output stream rejects write()', async () => {
  const bad = new Writable({ write(_c, _e, cb) { cb(new Error('disk full')); } });
  const w = new MrtWriter(bad);
  const rec = peerIndexTable({ timestamp: 1, collectorBgpId: '192.0.2.9', peers: [] });
  await assert.rejects(async () => { for (let i = 0; i < 100; i++) await w.write(rec); }, /disk full/);
});

test('a dump written through a PassThrough reads back byte for byte', async () => {
  const pt = new PassThrough();
  const got: Buffer[] = [];
  pt.on('data', (c: Buffer) => got.push(c));
  const w = new MrtWriter(pt);
  const recs = tableDump(rng(22), { peers: 2, prefixes: 50, v6Share: 0.5, addPathShare: 0.5 });
  for (const r of recs) await w.write(r);
  await w.close();
  const items = [];
  for await (const it of readMrt(PassThrough.from([Buffer.concat(got)]))) items.push(it);
  assert.equal(items.length, recs.length);
  items.forEach((it, i) => { assert.ok(it.ok); assert.deepEqual(encodeRecord(it.record), encodeRecord(recs[i]!)); });
});
