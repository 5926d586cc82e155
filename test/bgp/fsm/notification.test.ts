// NOTIFICATION data helpers: RFC 9003 Shutdown Communication (encode with UTF-8-safe truncation, tolerant
// decode), RFC 4486 Maximum Number of Prefixes data, RFC 8538 Hard Reset data, RFC 6608 subcodes per state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ceaseNotification, decodeShutdownCommunication, encodeShutdownCommunication, fsmErrorSubcode, hardResetData,
  maxPrefixesData, receivedCommunication,
} from '../../../src/bgp/fsm/index.js';
import { bytes } from './helpers.js';

test('shutdown communication: length octet then UTF-8', () => {
  assert.deepEqual(encodeShutdownCommunication('ab'), bytes(2, 0x61, 0x62));
  assert.deepEqual(encodeShutdownCommunication(''), bytes(0));
  assert.deepEqual(encodeShutdownCommunication('é'), bytes(2, 0xc3, 0xa9));
});

test('shutdown communication: cut at 255 octets on a character boundary', () => {
  const ascii = encodeShutdownCommunication('x'.repeat(300));
  assert.equal(ascii[0], 255);
  assert.equal(ascii.length, 256);
  // 254 ASCII + a 2-octet character would be 256 octets: the whole character goes, leaving 254.
  const cut = encodeShutdownCommunication('x'.repeat(254) + 'é');
  assert.equal(cut[0], 254);
  assert.equal(decodeShutdownCommunication(cut), 'x'.repeat(254));
  // 4-octet characters (emoji): 63 fit in 252 octets, the 64th would need 256.
  const emoji = encodeShutdownCommunication('🛠'.repeat(70));
  assert.equal(emoji[0], 252);
  assert.equal(decodeShutdownCommunication(emoji), '🛠'.repeat(63));
});

test('shutdown communication decode: round trip, and invalid data ignored rather than fatal', () => {
  const text = 'NANOG-maint: link upgrade, back at 14:00 UTC ✓';
  assert.equal(decodeShutdownCommunication(encodeShutdownCommunication(text)), text);
  assert.equal(decodeShutdownCommunication(bytes()), undefined, 'no data');
  assert.equal(decodeShutdownCommunication(bytes(5, 0x61)), undefined, 'length beyond the data');
  assert.equal(decodeShutdownCommunication(bytes(2, 0xc3, 0x28)), undefined, 'invalid UTF-8');
  assert.equal(decodeShutdownCommunication(bytes(1, 0x61, 0x62)), 'a', 'trailing octets after the communication');
});

test('ceaseNotification: communication only on Administrative Shutdown and Reset', () => {
  assert.deepEqual(ceaseNotification({ subcode: 2, communication: 'hi' }), { code: 6, subcode: 2, data: bytes(2, 0x68, 0x69) });
  assert.deepEqual(ceaseNotification({ subcode: 4, communication: 'hi' }), { code: 6, subcode: 4, data: bytes(2, 0x68, 0x69) });
  assert.deepEqual(ceaseNotification({ subcode: 3, communication: 'hi' }), { code: 6, subcode: 3, data: bytes() });
  assert.deepEqual(ceaseNotification({ subcode: 1, data: bytes(0, 1, 1, 0, 0, 0, 10) }), { code: 6, subcode: 1, data: bytes(0, 1, 1, 0, 0, 0, 10) });
  assert.equal(receivedCommunication({ code: 6, subcode: 2, data: bytes(1, 0x7a) }), 'z');
  assert.equal(receivedCommunication({ code: 6, subcode: 3, data: bytes(1, 0x7a) }), undefined);
  assert.equal(receivedCommunication({ code: 2, subcode: 2, data: bytes(1, 0x7a) }), undefined);
});

test('RFC 4486 max-prefix data: AFI, SAFI, upper bound', () => {
  assert.deepEqual(maxPrefixesData(2, 1, 100000), bytes(0, 2, 1, 0, 1, 0x86, 0xa0));
  assert.deepEqual(maxPrefixesData(1, 1, 0xffffffff), bytes(0, 1, 1, 255, 255, 255, 255));
});

test('RFC 8538 hard reset data: inner code, subcode, data', () => {
  assert.deepEqual(hardResetData({ code: 4, subcode: 0, data: bytes() }), bytes(4, 0));
  assert.deepEqual(hardResetData({ code: 6, subcode: 2, data: bytes(1, 0x61) }), bytes(6, 2, 1, 0x61));
});

test('RFC 6608 subcodes per state', () => {
  assert.deepEqual(
    (['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'] as const).map(fsmErrorSubcode),
    [0, 0, 0, 1, 2, 3],
  );
});
