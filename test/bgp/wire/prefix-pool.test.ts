// Decoded prefix lists are regions of shared decode pools (prefix.ts): no typed array of their own until `lens` /
// `words` / `pathIds` are asked for. These tests hold the pool form to the own-array form: every reader (per-index
// and array) gives the same values, lists decoded one after another (across pool boundaries, and one larger than a
// pool) keep their own contents, views made late still show the right region, and encoding gives the bytes back.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../../src/bgp/wire/addr.js';
import { concatPrefixes, decodePrefixes, encodePrefixes, PrefixList, slicePrefixes, stride } from '../../../src/bgp/wire/prefix.js';
import { prefixListArb } from './arbitraries.js';
import { hex } from './helpers.js';

const RUNS = Number(process.env.WIRE_FC_RUNS ?? 3000);

function decoded(b: Uint8Array, afi: number, addPath: boolean): PrefixList {
  const l = decodePrefixes(b, 0, b.length, afi, addPath);
  assert.ok(l instanceof PrefixList, 'decodes');
  return l;
}

/** Every reader of `got` against the same reader of `want` (an own-array list). */
function assertSame(got: PrefixList, want: PrefixList): void {
  assert.equal(got.afi, want.afi);
  assert.equal(got.length, want.length);
  assert.equal(got.hasPathIds, want.pathIds !== null);
  const s = stride(want.afi);
  for (let i = 0; i < want.length; i++) {
    assert.equal(got.prefixLen(i), want.lens[i], `prefixLen(${i})`);
    for (let k = 0; k < s; k++) assert.equal(got.addrWord(i, k), want.words[s * i + k], `addrWord(${i}, ${k})`);
    assert.equal(got.pathIdAt(i), want.pathIds === null ? 0 : want.pathIds[i], `pathIdAt(${i})`);
  }
  assert.deepEqual([...got.lens], [...want.lens]);
  assert.deepEqual([...got.words], [...want.words]);
  assert.deepEqual(got.pathIds === null ? null : [...got.pathIds], want.pathIds === null ? null : [...want.pathIds]);
  assert.deepEqual(got.texts(), want.texts());
}

describe('prefix lists in decode pools', () => {
  test('vectors: IPv4, IPv6 and add-path lists read the same through every reader', () => {
    // 192.0.2.0/24, 203.0.113.255/32 (host bits kept), 10.0.0.0/8, 0.0.0.0/0
    const v4 = decoded(hex('18c00002 20cb0071ff 080a 00'), 1, false);
    assert.deepEqual([v4.prefixLen(0), v4.addrWord(0), v4.prefixLen(1), v4.addrWord(1), v4.addrWord(2), v4.prefixLen(3)],
      [24, 0xc0000200, 32, 0xcb0071ff, 0x0a000000, 0]);
    assertSame(v4, PrefixList.parse(1, ['192.0.2.0/24', '203.0.113.255/32', '10.0.0.0/8', '0.0.0.0/0']));
    assert.equal(v4.pathIds, null);

    // path id 5: 2001:db8:1::/48; path id 0x01020304: 2001:db8:ff00::1/128
    const v6 = decoded(hex('00000005 30 20010db80001  01020304 80 20010db8ff000000000000000000 0001'), 2, true);
    assert.deepEqual([v6.addrWord(0, 0), v6.addrWord(0, 1), v6.addrWord(0, 2), v6.pathIdAt(0)], [0x20010db8, 0x00010000, 0, 5]);
    assert.deepEqual([v6.addrWord(1, 3), v6.prefixLen(1), v6.pathIdAt(1)], [1, 128, 0x01020304]);
    assertSame(v6, PrefixList.parse(2, ['2001:db8:1::/48', '2001:db8:ff00::1/128'], [5, 0x01020304]));
    assert.equal(toHex(encodePrefixes(v6, true)), '000000053020010db80001010203048020010db8ff0000000000000000000001');
  });

  test('lists decoded one after another across many pools keep their own contents; late views are right', () => {
    // ~60 KB of prefixes in 3,000 lists: several pools, each list checked after all were decoded.
    const bytes: Uint8Array[] = [], lists: PrefixList[] = [];
    for (let j = 0; j < 3000; j++) {
      const n = 1 + (j % 7);
      const b = new Uint8Array(n * 5);
      for (let i = 0; i < n; i++) { b[5 * i] = 32; b[5 * i + 1] = 198; b[5 * i + 2] = 51; b[5 * i + 3] = j >> 8; b[5 * i + 4] = (j + i) & 255; }
      bytes.push(b);
      lists.push(decoded(b, 1, false));
      if (j % 3 === 0) void lists[j]!.words; // some views made at once, the others only after later decodes
    }
    lists.forEach((l, j) => {
      assert.equal(l.length, 1 + (j % 7));
      for (let i = 0; i < l.length; i++) {
        const w = ((198 << 24) | (51 << 16) | ((j >> 8) << 8) | ((j + i) & 255)) >>> 0;
        assert.equal(l.addrWord(i), w, `list ${j} prefix ${i}`);
        assert.equal(l.words[i], w);
        assert.equal(l.lens[i], 32);
      }
      assert.equal(toHex(encodePrefixes(l, false)), toHex(bytes[j]!));
    });
  });

  test('a list larger than a pool gets a pool of its own', () => {
    const n = 14000; // 70,000 octets of NLRI: more than one pool
    const b = new Uint8Array(5 * n);
    for (let i = 0; i < n; i++) { b[5 * i] = 32; b[5 * i + 1] = 10; b[5 * i + 2] = i >> 16; b[5 * i + 3] = (i >> 8) & 255; b[5 * i + 4] = i & 255; }
    const before = decoded(hex('18c00002'), 1, false);
    const big = decoded(b, 1, false);
    const after = decoded(hex('18cb0071'), 1, false);
    assert.equal(big.length, n);
    for (const i of [0, 1, 4095, 4096, 8191, n - 1]) assert.equal(big.addrWord(i), (0x0a000000 | i) >>> 0);
    assert.equal(big.words.length, n);
    assert.equal(toHex(encodePrefixes(big, false)), toHex(b));
    assert.deepEqual([before.text(0), after.text(0)], ['192.0.2.0/24', '203.0.113.0/24']);
  });

  test('property: pool lists equal own-array lists, through decode, slice and concat, interleaved', () => {
    const arb = fc.array(fc.tuple(fc.constantFrom(1, 2), fc.boolean()).chain(([afi, ap]) =>
      prefixListArb(afi, ap).map((l) => ({ l, ap }))), { minLength: 1, maxLength: 12 });
    fc.assert(fc.property(arb, (cases) => {
      const wire = cases.map(({ l, ap }) => encodePrefixes(l, ap));
      const got = cases.map(({ l, ap }, i) => decodePrefixes(wire[i]!, 0, wire[i]!.length, l.afi, ap));
      cases.forEach(({ l, ap }, i) => {
        const g = got[i]!;
        assert.ok(g instanceof PrefixList);
        // The wire cannot carry path ids of a list without them, nor bytes past the length: compare to the re-read.
        const want = ap ? l : new PrefixList(l.afi, l.lens, l.words, null);
        assertSame(g, want);
        assert.equal(toHex(encodePrefixes(g, ap)), toHex(wire[i]!));
        if (g.length > 1) assertSame(slicePrefixes(g, 1, g.length), slicePrefixes(want, 1, want.length));
        assertSame(concatPrefixes(g.afi, [g, g]), concatPrefixes(want.afi, [want, want]));
      });
    }), { numRuns: RUNS / 10 });
  });

  test('own-array lists: the constructor keeps the arrays given', () => {
    const lens = Uint8Array.from([24]), words = Uint32Array.from([0xc0000200]), ids = Uint32Array.from([7]);
    const l = new PrefixList(1, lens, words, ids);
    assert.equal(l.lens, lens);
    assert.equal(l.words, words);
    assert.equal(l.pathIds, ids);
    assert.deepEqual([l.length, l.prefixLen(0), l.addrWord(0), l.pathIdAt(0), l.hasPathIds], [1, 24, 0xc0000200, 7, true]);
    assert.equal(PrefixList.empty(2).length, 0);
  });
});
