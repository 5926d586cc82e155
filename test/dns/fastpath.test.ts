// The batch path's pure parts, against the per-message path they shortcut: scanSimpleQuery agrees with
// parseQuery wherever it accepts a message; respondInto (reading the query in place from a shared buffer and
// writing the reply in place) gives the same bytes and the same statistics as handle() — on valid, mutated and
// arbitrary messages, over UDP and TCP, with the rate limiter on, and with the message embedded in a larger
// buffer whose neighbouring bytes must not be read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type ResponderOptions, createResponder } from '../../src/dns/answer/responder.js';
import { FakeClock } from '../../src/util/clock.js';
import { newSimpleQuery, parseQuery, scanSimpleQuery } from '../../src/dns/wire/query.js';
import { exampleZone, identity, query } from './helpers.js';

const zone = exampleZone();
const names = ['www', 'WWW', 'mail', 'alias', 'nope', 'x.wild', 'big', 'sub', 'a.sub', 'txt', ''];
const types = ['A', 'AAAA', 'TXT', 'MX', 'NS', 'SOA', 'ANY', 'AXFR'];
const validQuery = fc.tuple(fc.constantFrom(...names), fc.constantFrom(...types), fc.integer({ min: 0, max: 0xffff }),
  fc.boolean(), fc.option(fc.constantFrom(0, 512, 700, 1232, 4096)), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([n, t, id, rd, edns, nsid, dnssecOk, ch]) => ch ?
    query('hostname.bind', 'TXT', { class: 'CH', id, edns: edns ?? false, nsid: nsid && edns !== null }) :
    query(n ? `${n}.example.com` : 'example.com', t, { id, rd, edns: edns ?? false, nsid: nsid && edns !== null,
      do: dnssecOk && edns !== null }));
const mutated = fc.tuple(validQuery, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
  fc.nat()).map(([q, flips, cut]) => {
  const b = Buffer.from(q);
  for (const [at, v] of flips) b[at % b.length] = v;
  return b.subarray(0, cut % 3 === 0 ? cut % (b.length + 1) : b.length);
});
const anyMessage = fc.oneof(validQuery, validQuery, mutated, fc.uint8Array({ maxLength: 80 }).map((u) => Buffer.from(u)));

test('scanSimpleQuery accepts only what parseQuery reads as a query, with the same flags, class and EDNS', () => {
  const sq = newSimpleQuery();
  let accepted = 0;
  fc.assert(fc.property(anyMessage, fc.nat({ max: 7 }), (msg, pad) => {
    const buf = Buffer.concat([Buffer.alloc(pad, 0xee), msg, Buffer.alloc(pad, 0xee)]);
    if (!scanSimpleQuery(buf, pad, msg.length, sq)) return;
    accepted++;
    const p = parseQuery(msg);
    assert.equal(p.kind, 'query');
    if (p.kind !== 'query') return;
    assert.equal(sq.flags, p.query.flags);
    assert.equal(sq.questionEnd, p.query.questionEnd);
    assert.equal(sq.qclass, p.query.qclass);
    assert.equal(sq.edns, p.query.edns !== undefined);
    if (p.query.edns) {
      assert.equal(sq.udpSize, p.query.edns.udpSize);
      assert.equal(sq.do, p.query.edns.do);
      assert.equal(sq.nsid, p.query.edns.nsid);
    }
  }), { numRuns: 5000 });
  assert.ok(accepted > 1000, `the fast path accepted ${accepted} of 5000 (it must cover the common queries)`);
  // The common shapes are all on the fast path.
  for (const q of [query('www.example.com'), query('www.example.com', 'AAAA', { edns: 1232, nsid: true, do: true })]) {
    assert.ok(scanSimpleQuery(q, 0, q.length, sq));
  }
});

function pair(extra: Partial<ResponderOptions> = {}) {
  const ca = new FakeClock();
  const cb = new FakeClock();
  const a = createResponder({ zones: [zone], identity, clock: ca, cacheEntries: 16, ...extra });
  const b = createResponder({ zones: [zone], identity, clock: cb, cacheEntries: 16, ...extra });
  return { a, b, tick: (ms: number) => { ca.advance(ms); cb.advance(ms); } };
}

test('respondInto == handle: same reply bytes and same stats, UDP and TCP, message at an offset in a larger buffer', () => {
  const { a, b } = pair();
  const out = Buffer.alloc(70000, 0xaa);
  let fast = 0;
  fc.assert(fc.property(anyMessage, fc.boolean(), fc.nat({ max: 300 }), fc.nat({ max: 40 }), (msg, overTcp, at, outAt) => {
    const client = { address: '192.0.2.9', transport: overTcp ? 'tcp' as const : 'udp' as const };
    // Bytes around the message are junk the reader must not look at (0x00 after it would end a cut name).
    const buf = Buffer.concat([Buffer.alloc(at, 0xc0), msg, Buffer.alloc(64, 0x00)]);
    const before = a.stats().cache.hits;
    const n = a.respondInto(buf, at, msg.length, client, out, outAt);
    if (a.stats().cache.hits > before) fast++;
    const want = b.handle(Buffer.from(msg), client);
    if (want === null) assert.equal(n, -1);
    else assert.deepEqual(out.subarray(outAt, outAt + n), want);
  }), { numRuns: 6000 });
  assert.deepEqual(a.stats(), b.stats());
  assert.ok(fast > 500, `cache hits through the in-place path: ${fast}`);
});

test('respondInto == handle with the rate limiter on: same verdicts (send, drop, slip) and counters', () => {
  const { a, b, tick } = pair({ rrl: { responsesPerSecond: 3, slip: 2, window: 2 } });
  const out = Buffer.alloc(70000);
  const clients = ['192.0.2.1', '192.0.2.77', '198.51.100.4', '2001:db8::1', '2001:db8:0:ff::2'];
  // Up to 100 ms between queries: with five clients at 3 responses/s each, every run limits (drops and slips)
  // many times over, whatever the generated sequence.
  fc.assert(fc.property(validQuery, fc.constantFrom(...clients), fc.nat({ max: 100 }), (msg, address, ms) => {
    tick(ms);
    const client = { address, transport: 'udp' as const };
    const n = a.respondInto(msg, 0, msg.length, client, out, 0);
    const want = b.handle(msg, client);
    if (want === null) assert.equal(n, -1);
    else assert.deepEqual(out.subarray(0, n), want);
  }), { numRuns: 4000 });
  const s = a.stats();
  assert.deepEqual(s, b.stats());
  assert.ok(s.dropped.rrl > 0 && s.rrlSlipped > 0, `limiting happened: ${JSON.stringify(s.dropped)} slipped ${s.rrlSlipped}`);
});

test('respondInto reads only its slice: a cut message answers as the cut message, not as what follows it', () => {
  const { a, b } = pair();
  const q = query('www.example.com', 'A', { edns: 1232 });
  const out = Buffer.alloc(70000);
  for (let cut = 0; cut <= q.length; cut++) {
    // Warm the cache with the whole query first so that a wrong read of the tail would hit it.
    a.respondInto(q, 0, q.length, { address: '192.0.2.1', transport: 'udp' }, out, 0);
    b.handle(q, { address: '192.0.2.1', transport: 'udp' });
    const n = a.respondInto(q, 0, cut, { address: '192.0.2.1', transport: 'udp' }, out, 0);
    const want = b.handle(q.subarray(0, cut), { address: '192.0.2.1', transport: 'udp' });
    assert.deepEqual(n === -1 ? null : Buffer.from(out.subarray(0, n)), want, `cut at ${cut}`);
  }
});
