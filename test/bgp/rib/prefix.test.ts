// Prefix keys and addresses: parsing, canonical text (RFC 5952), masking of host bits, bit access, IPv6 keys
// from the wire codec's word layout, containment, and the address order used by the neighbor-address rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addressSortKey, afiOfKey, canonicalAddress, formatIPv6, formatPrefix, parseIPv6, parsePrefix, prefixBit,
  prefixCovers, prefixLength, v4Key, v6Key, v6KeyOfWords,
} from '../../../src/bgp/rib/prefix.js';

test('IPv4 prefixes: parse, mask host bits, format', () => {
  for (const [input, out] of [
    ['192.0.2.0/24', '192.0.2.0/24'], ['192.0.2.77/24', '192.0.2.0/24'], ['0.0.0.0/0', '0.0.0.0/0'],
    ['198.51.100.7', '198.51.100.7/32'], ['255.255.255.255/32', '255.255.255.255/32'], ['10.1.2.3/7', '10.0.0.0/7'],
  ]) {
    const p = parsePrefix(input!)!;
    assert.equal(p.afi, 'ipv4');
    assert.equal(typeof p.key, 'number');
    assert.equal(formatPrefix(p.key), out);
  }
  for (const bad of ['192.0.2.0/33', '256.0.0.0/8', '1.2.3/8', '1.2.3.4/', 'x', '01.2.3.4.5/8', '1.2.3.4/a']) {
    assert.equal(parsePrefix(bad), null, bad);
  }
});

test('IPv6 prefixes: parse, mask, RFC 5952 text', () => {
  for (const [input, out] of [
    ['2001:db8::/32', '2001:db8::/32'], ['2001:DB8:0:0:1::1/128', '2001:db8::1:0:0:1/128'],
    ['2001:db8:1:2:3:4:5:6/48', '2001:db8:1::/48'], ['::/0', '::/0'], ['::ffff:192.0.2.1/128', '::ffff:c000:201/128'],
    ['2001:db8:0:1:0:0:0:1/128', '2001:db8:0:1::1/128'], ['2001:db8::1:0:0:1/64', '2001:db8::/64'],
    ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff/127', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:fffe/127'],
  ]) {
    const p = parsePrefix(input!)!;
    assert.equal(p.afi, 'ipv6');
    assert.equal(formatPrefix(p.key), out, input);
  }
  for (const bad of ['2001:db8::/129', '2001:db8:::/32', '1:2:3:4:5:6:7:8:9/64', '2001:db8::g/64', '::1::/8']) {
    assert.equal(parsePrefix(bad), null, bad);
  }
  assert.equal(formatIPv6(parseIPv6('1:0:0:2:0:0:0:3')!), '1:0:0:2::3'); // the longest zero run
  assert.equal(formatIPv6(parseIPv6('1:0:2:3:4:5:6:7')!), '1:0:2:3:4:5:6:7'); // a single zero group stays
});

test('keys: family from the key type, length and bits', () => {
  const v4 = parsePrefix('192.0.2.128/25')!.key;
  assert.equal(afiOfKey(v4), 'ipv4');
  assert.equal(prefixLength(v4), 25);
  assert.deepEqual(Array.from({ length: 25 }, (_, i) => prefixBit(v4, i)).join(''), '1100000000000000000000101');
  const v6 = parsePrefix('8000::/1')!.key;
  assert.equal(afiOfKey(v6), 'ipv6');
  assert.equal(prefixBit(v6, 0), 1);
  assert.equal(prefixLength(v6), 1);
  assert.equal(v6Key([0x2001, 0xdb8, 0xffff], 32), parsePrefix('2001:db8::/32')!.key);
  assert.equal(v6KeyOfWords(0x20010db8, 0x00010000, 0, 0, 48), parsePrefix('2001:db8:1::/48')!.key);
});

test('an IPv6 key from four address words is the key of its eight groups, host bits masked, at every length', () => {
  fc.assert(fc.property(fc.array(fc.nat({ max: 0xffffffff }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 128 }), (w, len) => {
    const groups = w.flatMap((x) => [x >>> 16, x & 0xffff]);
    const key = v6Key(groups, len);
    assert.equal(v6KeyOfWords(w[0]!, w[1]!, w[2]!, w[3]!, len), key);
  }), { numRuns: 2000 });
});

test('containment', () => {
  const k = (s: string) => parsePrefix(s)!.key;
  assert.equal(prefixCovers(k('192.0.2.0/24'), k('192.0.2.128/25')), true);
  assert.equal(prefixCovers(k('192.0.2.0/25'), k('192.0.2.128/25')), false);
  assert.equal(prefixCovers(k('0.0.0.0/0'), k('203.0.113.1')), true);
  assert.equal(prefixCovers(k('2001:db8::/32'), k('2001:db8:5::/48')), true);
  assert.equal(prefixCovers(k('2001:db8::/32'), k('2001:db9::/48')), false);
  assert.equal(prefixCovers(k('2001:db8::/32'), k('192.0.2.0/24')), false);
});

test('address order: IPv4 as IPv4-mapped IPv6 (below 2001:db8::), numeric within a family', () => {
  const sorted = ['192.0.2.10', '192.0.2.9', '2001:db8::1', '10.0.0.1', '::1'].sort((a, b) =>
    (addressSortKey(a)! < addressSortKey(b)! ? -1 : 1));
  assert.deepEqual(sorted, ['::1', '10.0.0.1', '192.0.2.9', '192.0.2.10', '2001:db8::1']);
  assert.equal(canonicalAddress('2001:0DB8::0001'), '2001:db8::1');
  assert.equal(canonicalAddress('192.0.2.300'), null);
});

test('property: IPv4 and IPv6 prefixes round-trip through key and text', () => {
  fc.assert(fc.property(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }), (addr, len) => {
    const key = v4Key(addr, len);
    const p = parsePrefix(formatPrefix(key))!;
    return p.key === key && prefixLength(key) === len;
  }));
  fc.assert(fc.property(fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }), (g, len) => {
    const key = v6Key(g, len);
    return parsePrefix(formatPrefix(key))!.key === key;
  }));
});
