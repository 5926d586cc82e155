// (bytes, record) vectors per record type: decode gives the expected fields, encode gives back the same octets,
// decoding works at a non-zero offset inside a larger buffer, and malformed bodies give a fault with its reason and
// position instead of an exception.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '../../src/bgp/wire/index.js';
import { decodeRecord, decodeRecordBytes } from '../../src/mrt/decode.js';
import { encodeRecord } from '../../src/mrt/encode.js';
import { nextRecordFrame } from '../../src/mrt/header.js';
import { recordJson } from '../../src/mrt/json.js';
import { concat, modelOnly } from './helpers.js';
import { attr, mrt, section, VECTORS } from './vectors.js';

for (const v of VECTORS) {
  test(`vector: ${v.name}`, () => {
    const r = decodeRecordBytes(v.bytes);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    v.check(r.record);
    assert.equal(toHex(encodeRecord(r.record)), toHex(v.bytes), 'encode(decode(bytes)) == bytes');
    assert.equal(toHex(encodeRecord(modelOnly(r.record))), toHex(v.bytes), 'encoding from the decoded model alone');

    // At a non-zero offset, with other octets before and after.
    const buf = concat([new Uint8Array([1, 2, 3, 4, 5, 6, 7]), v.bytes, new Uint8Array([9, 9, 9])]);
    const f = nextRecordFrame(buf, 7, buf.length);
    assert.equal(f.kind, 'record');
    if (f.kind !== 'record') return;
    assert.deepEqual([f.start, f.end], [7, 7 + v.bytes.length]);
    const r2 = decodeRecord(buf, f.start, f.end);
    assert.ok(r2.ok);
    v.check(r2.record);
    assert.equal(toHex(encodeRecord(r2.record)), toHex(v.bytes));

    const j = recordJson(r.record);
    assert.equal(typeof j.type, 'string');
    assert.doesNotThrow(() => JSON.stringify(j));
  });
}

const ORIGIN = attr(0x40, 1, '00');
const MALFORMED: readonly { name: string; bytes: Uint8Array; reason: RegExp; at: number }[] = [
  { name: 'PEER_INDEX_TABLE announcing more peers than it holds', reason: /peer 1 of 2/, at: 19,
    bytes: mrt(1, 13, 1, 'c00002fe 0000 0002 00 c0000202 c0000202 fc00') },
  { name: 'PEER_INDEX_TABLE view name overrun', reason: /view name/, at: 4, bytes: mrt(1, 13, 1, 'c00002fe 0010 4142') },
  { name: 'RIB prefix length 33', reason: /prefix length 33/, at: 4, bytes: mrt(1, 13, 2, '00000000 21 c6336400 0000') },
  { name: 'RIB attribute length overrunning the record', reason: /attribute length 200 overruns/, at: 16,
    bytes: mrt(1, 13, 2, '00000000 18 c63364 0001 0000 00000000 00c8' + ORIGIN) },
  { name: 'RIB entry count larger than the entries', reason: /RIB entry 1 of 2/, at: 22,
    bytes: mrt(1, 13, 2, '00000000 18 c63364 0002 0000 00000000' + section(ORIGIN)) },
  { name: 'octets after the last RIB entry', reason: /2 octets after the last RIB entry/, at: 22,
    bytes: mrt(1, 13, 2, '00000000 18 c63364 0001 0000 00000000' + section(ORIGIN) + 'abcd') },
  { name: 'RIB_GENERIC_ADDPATH cut inside the Path Identifier', reason: /Path Identifier/, at: 7,
    bytes: mrt(1, 13, 12, '00000000 0001 01 0000') },
  { name: 'STATE_CHANGE with an extra octet', reason: /state change body of 21/, at: 16,
    bytes: mrt(1, 16, 0, 'fc00 fc01 0000 0001 c0000201 c0000202 0001 0002 00') },
  { name: 'BGP4MP address family 3', reason: /address family 3/, at: 6,
    bytes: mrt(1, 16, 1, 'fc00 fc01 0000 0003 c0000201 c0000202') },
  { name: 'BGP4MP_MESSAGE_AS4 cut inside the AS fields', reason: /peer\/local AS/, at: 0, bytes: mrt(1, 16, 4, '0000fc00 0000') },
  { name: 'BGP4MP_ET whose Length cannot hold the microseconds', reason: /cannot hold its microseconds/, at: 0,
    bytes: new Uint8Array([0, 0, 0, 1, 0, 17, 0, 4, 0, 0, 0, 2, 0, 0]) },
  { name: 'TABLE_DUMP attribute length not matching the record', reason: /does not match/, at: 20,
    bytes: mrt(1, 12, 1, '0000 0005 c6336400 18 01 65000000 c0000201 fc00 0005' + ORIGIN) },
];

for (const m of MALFORMED) {
  test(`malformed: ${m.name} -> fault with reason and body offset`, () => {
    const r = decodeRecordBytes(m.bytes);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.reason, m.reason);
    assert.equal(r.at, m.at);
  });
}

test('every truncation of every vector body decodes to a record or a fault, never an exception', () => {
  for (const v of VECTORS) {
    const et = v.bytes[5] === 17 || v.bytes[5] === 33;
    for (let cut = 12 + (et ? 4 : 0); cut < v.bytes.length; cut++) {
      const b = v.bytes.slice(0, cut);
      new DataView(b.buffer).setUint32(8, cut - 12);
      const r = decodeRecordBytes(b);
      if (r.ok) assert.equal(toHex(encodeRecord(modelOnly(r.record))), toHex(b), `${v.name} cut at ${cut}`);
      else assert.ok(r.reason.length > 0);
    }
  }
});
