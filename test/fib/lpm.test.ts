// The shared LPM trie and the address helpers: RFC 5952 text, and lookups checked against a brute-force
// longest-prefix match on random tables (inserts, replacements and deletes) with fast-check.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIPv6, parseAddress, parsePrefix, samePrefix, type Words } from '../../src/fib/addr.js';
import { Lpm, PrefixTrie } from '../../src/fib/lpm.js';

test('IPv6 text is RFC 5952 canonical; bad addresses are refused', () => {
  const cases: Array<[string, string]> = [
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not shortened
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['2001:db8::192.0.2.1', '2001:db8::c000:201'],
  ];
  for (const [i, o] of cases) assert.equal(formatIPv6(parseAddress(i)!.words), o, i);
  for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '192.0.2', '192.0.2.256', '01.2.3.4', ':1']) {
    assert.equal(parseAddress(bad), null, bad);
  }
});

test('prefixes: host bits are an error when strict, cleared otherwise; default needs a family', () => {
  assert.deepEqual((parsePrefix('192.0.2.0/24') as { text: string }).text, '192.0.2.0/24');
  assert.match((parsePrefix('192.0.2.1/24') as { error: string }).error, /host bits/);
  assert.equal((parsePrefix('192.0.2.1/24', { strict: false }) as { text: string }).text, '192.0.2.0/24');
  assert.equal((parsePrefix('2001:DB8::/32') as { text: string }).text, '2001:db8::/32');
  assert.equal((parsePrefix('192.0.2.7') as { text: string }).text, '192.0.2.7/32');
  assert.equal((parsePrefix('default', { family: 6 }) as { text: string }).text, '::/0');
  assert.ok('error' in parsePrefix('192.0.2.0/33'));
  assert.ok('error' in parsePrefix('default'));
});

// Random prefixes drawn so that they overlap a lot: a few "base" addresses and all lengths.
const v4Prefix = fc.tuple(fc.constantFrom(0x0a000000, 0xc0000200, 0xc0000280, 0x00000000, 0xffffffff), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 32 }))
  .map(([base, noise, len]) => ({ w: Uint32Array.of((base ^ (noise << 8)) >>> 0), len }));
const v6Prefix = fc.tuple(fc.constantFrom(0x20010db8, 0xfe800000, 0x00000000), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 128 }))
  .map(([hi, mid, lo, len]) => ({ w: Uint32Array.of(hi, mid, 0, lo >>> 0), len }));

function brute(entries: Map<string, { w: Words; len: number; v: number }>, addr: Words): number | undefined {
  let best: { len: number; v: number } | undefined;
  for (const e of entries.values()) if (samePrefix(e.w, addr, e.len) && (!best || e.len > best.len)) best = e;
  return best?.v;
}

for (const [family, arb, addrArb] of [
  [4, v4Prefix, fc.integer({ min: 0, max: 0xffffffff }).map((x) => Uint32Array.of(x >>> 0))],
  [6, v6Prefix, fc.tuple(fc.constantFrom(0x20010db8, 0xfe800000, 0), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffffff })).map(([a, b, c]) => Uint32Array.of(a, b, 0, c >>> 0))],
] as const) {
  test(`IPv${family} trie lookups equal a brute-force longest-prefix match (inserts, replaces, deletes)`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arb as fc.Arbitrary<{ w: Words; len: number }>, fc.boolean()), { maxLength: 80 }),
        fc.array(addrArb as fc.Arbitrary<Words>, { minLength: 1, maxLength: 30 }),
        (ops, addrs) => {
          const trie = new PrefixTrie<number>(family);
          const model = new Map<string, { w: Words; len: number; v: number }>();
          ops.forEach(([p, del], i) => {
            const r = parsePrefix(`${family === 4 ? `${p.w[0]! >>> 24}.${(p.w[0]! >>> 16) & 255}.${(p.w[0]! >>> 8) & 255}.${p.w[0]! & 255}` : formatIPv6(p.w)}/${p.len}`, { strict: false });
            assert.ok(!('error' in r));
            if (del) {
              assert.equal(trie.delete(r.words, r.len), model.delete(r.text));
            } else {
              assert.equal(trie.set(r.words, r.len, r.text, i), !model.has(r.text));
              model.set(r.text, { w: r.words, len: r.len, v: i });
            }
          });
          assert.equal(trie.size, model.size);
          assert.deepEqual([...trie.entries()].map((e) => e.prefix).sort(), [...model.keys()].sort());
          // Probe random addresses and every stored prefix's first address.
          const probes = [...addrs, ...[...model.values()].map((e) => e.w)];
          for (const a of probes) assert.equal(trie.lookup(a)?.value, brute(model, a));
          for (const [text, e] of model) assert.equal(trie.get(e.w, e.len), e.v, text);
        },
      ),
      { numRuns: 300 },
    );
  });
}

test('Lpm over text: both families, exact get, delete back to empty', () => {
  const t = new Lpm<string>();
  t.set('0.0.0.0/0', 'default4');
  t.set('192.0.2.0/24', 'a');
  t.set('192.0.2.128/25', 'b');
  t.set('2001:db8::/32', 'c');
  t.set('2001:db8:1::/48', 'd');
  assert.equal(t.lookup('192.0.2.200')?.value, 'b');
  assert.equal(t.lookup('192.0.2.200')?.prefix, '192.0.2.128/25');
  assert.equal(t.lookup('192.0.2.1')?.value, 'a');
  assert.equal(t.lookup('198.51.100.1')?.value, 'default4');
  assert.equal(t.lookup('2001:db8:1::5')?.value, 'd');
  assert.equal(t.lookup('2001:db8:2::5')?.value, 'c');
  assert.equal(t.lookup('2001:db9::1'), undefined);
  assert.equal(t.lookup('not an address'), undefined);
  assert.equal(t.get('192.0.2.0/24'), 'a');
  for (const p of ['0.0.0.0/0', '192.0.2.0/24', '192.0.2.128/25', '2001:db8::/32', '2001:db8:1::/48']) assert.ok(t.delete(p));
  assert.equal(t.size, 0);
  assert.equal(t.lookup('192.0.2.200'), undefined);
  assert.throws(() => t.set('nope/8', 'x'), RangeError);
});

test('IPv6 parse and RFC 5952 text agree with the WHATWG URL parser on random addresses, in every spelling', () => {
  const words = fc.tuple(...[0, 1, 2, 3].map(() => fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffffffff })))).map((a) => Uint32Array.from(a.map((x) => x >>> 0)));
  fc.assert(
    fc.property(words, (w) => {
      const canonical = formatIPv6(w);
      const groups = [...w].flatMap((x) => [x >>> 16, x & 0xffff]);
      const full = groups.map((g) => g.toString(16).toUpperCase().padStart(4, '0')).join(':');
      // glibc's inet_ntop (what `ip` prints) keeps a dotted tail where the URL parser does not.
      const dotted = w[0] === 0 && w[1] === 0 && (w[2] === 0xffff || (w[2] === 0 && w[3]! >>> 16 !== 0));
      const tail = `${w[3]! >>> 24}.${(w[3]! >>> 16) & 255}.${(w[3]! >>> 8) & 255}.${w[3]! & 255}`;
      assert.equal(canonical, dotted ? `::${w[2] ? 'ffff:' : ''}${tail}` : new URL(`http://[${full}]/`).hostname.slice(1, -1));
      for (const text of [canonical, full, canonical.toUpperCase()]) assert.deepEqual(parseAddress(text)?.words, w, text);
    }),
    { numRuns: 500 },
  );
});
