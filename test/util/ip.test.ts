// The shared IP address parser and formatter, checked against independent implementations: node:net's validators
// (which accept or refuse a text exactly when we do, zone indexes aside) and the WHATWG URL serialiser (which
// writes RFC 5952 text), on hand-picked vectors and on generated addresses written in every text form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import {
  canonicalIp, formatIp, formatIPv4, formatIPv6, formatIPv6Octets, maskOctets, parseIp, parseIPv4, parseIPv6,
  samePrefixBits,
} from '../../src/util/ip.js';

test('IPv4: dotted quads, no leading zeros, nothing else', () => {
  assert.equal(parseIPv4('192.0.2.1'), 0xc0000201);
  assert.equal(parseIPv4('0.0.0.0'), 0);
  assert.equal(parseIPv4('255.255.255.255'), 0xffffffff);
  assert.equal(formatIPv4(0xc6336407), '198.51.100.7');
  for (const bad of ['01.2.3.4', '1.2.3.04', '00.0.0.0', '256.0.0.0', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3',
    '1.2.3.', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.-4', '1.2.3.4/24', '0x1.2.3.4', '', '1234.1.1.1']) {
    assert.equal(parseIPv4(bad), null, bad);
  }
});

test('IPv6: every RFC 4291 text form, RFC 5952 output', () => {
  for (const [text, canonical] of [
    ['2001:db8::1', '2001:db8::1'], ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'], ['::', '::'], ['::1', '::1'],
    ['1::', '1::'], ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'], ['64:ff9b::198.51.100.7', '64:ff9b::c633:6407'],
    ['0001:0db8:0000::0001', '1:db8::1'], ['fe80::1:2:3:4', 'fe80::1:2:3:4'],
  ]) {
    assert.equal(canonicalIp(text!), canonical, text);
  }
  for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::1', ':1', '1:', '1::2:',
    ':::', '1:2:3:4:5:6:7:8::', '::1:2:3:4:5:6:7:8', 'fe80::1%eth0', '::ffff:01.2.3.4', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4',
    '[::1]', '', ':']) {
    assert.equal(parseIPv6(bad), null, bad);
  }
});

test('octets: parseIp / formatIp / formatIPv6Octets, masks and prefix comparison', () => {
  assert.deepEqual(parseIp('192.0.2.77'), { family: 4, bytes: Uint8Array.of(192, 0, 2, 77) });
  const v6 = parseIp('2001:db8::ff')!;
  assert.equal(v6.family, 6);
  assert.equal(Buffer.from(v6.bytes).toString('hex'), '20010db80000000000000000000000ff');
  assert.equal(formatIp(v6.bytes), '2001:db8::ff');
  assert.equal(formatIPv6Octets(Buffer.concat([Buffer.from([9, 9]), Buffer.from(v6.bytes)]), 2), '2001:db8::ff');
  assert.equal(parseIp('nonsense'), null);
  assert.equal(formatIp(maskOctets(parseIp('192.0.2.77')!.bytes, 26)), '192.0.2.64');
  assert.equal(formatIp(maskOctets(parseIp('2001:db8:1:22ff::1')!.bytes, 56)), '2001:db8:1:2200::');
  assert.equal(formatIp(maskOctets(parseIp('192.0.2.77')!.bytes, 0)), '0.0.0.0');
  const p = parseIp('198.51.100.0')!.bytes;
  assert.equal(samePrefixBits(parseIp('198.51.100.200')!.bytes, p, 24), true);
  assert.equal(samePrefixBits(parseIp('198.51.101.1')!.bytes, p, 24), false);
  assert.equal(samePrefixBits(parseIp('198.51.101.1')!.bytes, p, 23), true);
  assert.equal(samePrefixBits(parseIp('::1')!.bytes, p, 0), false, 'different families never match');
});

/** An address written in one of its many text forms: case, leading zeros in groups, "::" anywhere it may go, a
 *  trailing dotted quad. */
const v6Text = fc.record({
  groups: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
  upper: fc.boolean(), pad: fc.boolean(), compress: fc.boolean(), quad: fc.boolean(),
}).map(({ groups, upper, pad, compress, quad }) => {
  let parts = groups.map((g) => (pad ? g.toString(16).padStart(4, '0') : g.toString(16)));
  if (quad) parts = [...parts.slice(0, 6), `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`];
  let text = parts.join(':');
  if (compress) {
    // Replace the first run of zero groups (within the hex part) by "::".
    const hexCount = quad ? 6 : 8;
    const start = groups.findIndex((g, i) => i < hexCount && g === 0);
    if (start >= 0) {
      let end = start;
      while (end + 1 < hexCount && groups[end + 1] === 0) end++;
      text = `${parts.slice(0, start).join(':')}::${parts.slice(end + 1).join(':')}`;
    }
  }
  return { groups, text: upper ? text.toUpperCase() : text };
});

test('property: every text form of an IPv6 address parses to its groups; output is the URL serialiser\'s', () => {
  fc.assert(fc.property(v6Text, ({ groups, text }) => {
    assert.deepEqual(parseIPv6(text), groups, text);
    assert.equal(isIPv6(text), true, text);
    const out = formatIPv6(groups);
    assert.equal(`[${out}]`, new URL(`http://[${out}]/`).hostname, out);
    assert.deepEqual(parseIPv6(out), groups);
    const octets = Buffer.alloc(18);
    groups.forEach((g, i) => octets.writeUInt16BE(g, 2 + 2 * i));
    assert.equal(formatIPv6Octets(octets, 2), out, 'the octet form (the DNS batch listener\'s) writes the same');
    assert.deepEqual(parseIp(out)!.bytes, new Uint8Array(octets.subarray(2)));
  }), { numRuns: 3000 });
});

test('property: we accept a text exactly when node:net does (damaged addresses included)', () => {
  const damaged = fc.tuple(
    fc.oneof(v6Text.map((x) => x.text), fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'))),
    fc.array(fc.tuple(fc.nat(50), fc.constantFrom('', ':', '.', '0', '00', 'f', 'g', '::', '1.2', '%', ' ')), { maxLength: 2 }),
  ).map(([text, edits]) => {
    let t = text;
    for (const [at, ins] of edits) { const k = at % (t.length + 1); t = t.slice(0, k) + ins + t.slice(k + (ins === '' ? 1 : 0)); }
    return t;
  });
  fc.assert(fc.property(damaged, (t) => {
    // node:net accepts zone indexes ("fe80::1%eth0"); we do not, on purpose.
    if (t.includes('%')) { assert.equal(parseIPv6(t), null); return; }
    assert.equal(parseIPv6(t) !== null, isIPv6(t), `IPv6 ${JSON.stringify(t)}`);
    assert.equal(parseIPv4(t) !== null, isIPv4(t), `IPv4 ${JSON.stringify(t)}`);
  }), { numRuns: 5000 });
});
