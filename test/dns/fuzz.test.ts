// Property tests: arbitrary and mutated packets are answered or dropped, never a crash; every reply is a
// well-formed DNS message (dns-packet decodes it), echoes the ID, fits the size limit; and the server still answers
// a valid query afterwards. Also: the zone-file parser never throws on arbitrary text. Inputs that once broke
// something are kept in REGRESSIONS and replayed first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import dnsPacket from 'dns-packet';
import { parseQuery } from '../../src/dns/wire/query.js';
import { parseMasterFile } from '../../src/dns/zone/master.js';
import { name } from '../../src/dns/wire/name.js';
import { backends, decode, query, responder, startServer, udp, tcp } from './helpers.js';

/** Hand-made and found-once nasty packets (hex). */
const REGRESSIONS = [
  '0001000000010000000000010377777707example03636f6d0000010001c00c00290000000000000000', // OPT owned by a pointer
  '00010000000100000000000100000100010000291000000000000afffe', // OPT rdlen beyond the end
  '0001000000010000000000010000010001000029100000000000080003ffff000000', // NSID option length overruns
  '000100000001000000000001c00c00010001', // pointer loop in the question
  '0001000000010000000000000000ff00ff', // root ANY/ANY
  '0001780000010000000000000000010001', // opcode 15
  '00010000000100000000ffff0000010001', // 65535 additional records, none present
  '000100000001000000000000' + '3f' + '61'.repeat(63) + '3f' + '61'.repeat(63) + '3f' + '61'.repeat(63) + '3d' + '61'.repeat(61) + '0000010001', // a name of exactly 255 octets (the maximum)
  '000100000001000000000000' + '3f' + '61'.repeat(63) + '3f' + '61'.repeat(63) + '3f' + '61'.repeat(63) + '3f' + '61'.repeat(63) + '0000010001', // 257 octets: FORMERR
];

const r = responder();
const valid = query('www.example.com', 'A', { edns: 1232, nsid: true });

function checkReply(msg: Buffer, out: Buffer | null, limit: number): void {
  if (out === null) return;
  assert.ok(out.length <= limit, `reply of ${out.length} octets over ${limit}`);
  assert.equal(out.readUInt16BE(0), msg.readUInt16BE(0), 'ID echoed');
  assert.ok(out[2]! & 0x80, 'QR set');
  dnsPacket.decode(out); // throws if malformed
}

function stillAnswers(): void {
  const p = decode(r.handle(valid, udp)!);
  assert.equal(p.rcode, 'NOERROR');
  assert.equal(p.answers!.length, 2);
}

test('regression vectors: each is answered or dropped without a crash', () => {
  for (const hex of REGRESSIONS) {
    const msg = Buffer.from(hex, 'hex');
    assert.doesNotThrow(() => parseQuery(msg));
    checkReply(msg, r.handle(msg, udp), 1232);
    checkReply(msg, r.handle(msg, tcp), 65535);
  }
  stillAnswers();
});

test('arbitrary bytes: answered or dropped, never a throw; replies well-formed and within 512/1232', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
    const msg = Buffer.from(bytes);
    const out = r.handle(msg, udp);
    checkReply(msg, out, 1232);
    if (out && out.length > 512) assert.ok(parseQuery(msg).kind === 'query', 'only EDNS queries get > 512');
  }), { numRuns: 3000 });
  stillAnswers();
});

test('arbitrary headers on a valid question: every flag/count combination handled', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (hdr) => {
    const msg = Buffer.from(valid);
    Buffer.from(hdr).copy(msg, 0);
    checkReply(msg, r.handle(msg, udp), 1232);
  }), { numRuns: 3000 });
  stillAnswers();
});

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
);

const seeds = [
  query('www.example.com'), query('big.example.com', 'TXT', { edns: 512, do: true }),
  query('hostname.bind', 'TXT', { class: 'CH', nsid: true }), query('alias.example.com', 'A', { edns: 4096 }),
  query('x.sub.example.com', 'NS'), query('nope.example.com', 'MX', { nsid: true }), query('example.com', 'ANY'),
];

test('mutated valid queries (flipped, cut, extended, inserted bytes): no crash, valid replies', () => {
  fc.assert(fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, muts) => {
    let msg = Buffer.from(seed);
    for (const m of muts) {
      if (m.kind === 'flip' && msg.length > 0) msg[m.at % msg.length] = m.value;
      else if (m.kind === 'cut') msg = msg.subarray(0, m.at % (msg.length + 1));
      else if (m.kind === 'append') msg = Buffer.concat([msg, Buffer.from(m.extra)]);
      else if (m.kind === 'insert') {
        const at = m.at % (msg.length + 1);
        msg = Buffer.concat([msg.subarray(0, at), Buffer.from(m.extra), msg.subarray(at)]);
      }
    }
    checkReply(msg, r.handle(msg, udp), 1232);
    checkReply(msg, r.handle(msg, tcp), 65535);
  }), { numRuns: 5000 });
  stillAnswers();
});

for (const b of backends) {
  test(`a live UDP server survives arbitrary and mutated packets and answers a valid query afterwards [udp ${b.name}]`, { skip: b.skip }, async (t) => {
    const { server, port } = await startServer({ udpBackend: b.name });
    t.after(() => server.stop());
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((res) => sock.bind(0, '127.0.0.1', res));
    t.after(() => sock.close());
    const samples = fc.sample(fc.oneof(fc.uint8Array({ maxLength: 512 }),
      fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.integer({ min: 0, max: 255 }))
        .map(([s, at, v]) => { const b = Buffer.from(s); b[at % b.length] = v; return b; })), 400);
    for (const s of samples) sock.send(Buffer.from(s), port, '127.0.0.1');
    for (const hex of REGRESSIONS) sock.send(Buffer.from(hex, 'hex'), port, '127.0.0.1');
    await sleep(200);
    const reply = await new Promise<Buffer>((res, rej) => {
      const timer = setTimeout(() => rej(new Error('no reply to a valid query after the fuzzing')), 2000);
      sock.removeAllListeners('message');
      sock.on('message', (m) => {
        if (m.readUInt16BE(0) === 0x7777) { clearTimeout(timer); res(m); }
      });
      sock.send(query('www.example.com', 'A', { id: 0x7777 }), port, '127.0.0.1');
    });
    assert.equal(decode(reply).answers!.length, 2);
    assert.equal(server.stats().internalErrors, 0);
  });
}

test('the master-file parser returns records or errors for any text, never throws', () => {
  const chars = fc.constantFrom(...'abc.@$;()"\\ \t\n0123456789AINSOXTMCH*-_'.split(''));
  fc.assert(fc.property(fc.array(chars, { maxLength: 200 }).map((a) => a.join('')), (text) => {
    const res = parseMasterFile(text, { file: 'f', origin: name('example.com.') });
    for (const e of res.errors) assert.ok(e.line >= 1 && e.reason.length > 0);
  }), { numRuns: 3000 });
});

test('the reply cache is transparent: cached and uncached responders give identical bytes', async () => {
  const { createResponder } = await import('../../src/dns/answer/responder.js');
  const { exampleZone, identity } = await import('./helpers.js');
  const zone = exampleZone();
  const cached = createResponder({ zones: [zone], identity, cacheEntries: 8 }); // tiny: constant eviction
  const fresh = createResponder({ zones: [zone], identity, cacheEntries: 0 });
  const names = ['www', 'WWW', 'wWw', 'mail', 'alias', 'nope', 'x.wild', 'big', 'sub', 'a.sub', '_sip._udp', 'txt', ''];
  const types = ['A', 'AAAA', 'TXT', 'MX', 'NS', 'SOA', 'CNAME', 'SRV', 'ANY', 'CAA'];
  fc.assert(fc.property(fc.constantFrom(...names), fc.constantFrom(...types), fc.integer({ min: 0, max: 0xffff }),
    fc.boolean(), fc.option(fc.constantFrom(0, 100, 512, 700, 1232, 4096)), fc.boolean(), fc.boolean(),
    (n, t, id, rd, edns, nsid, overTcp) => {
      const q = query(n ? `${n}.example.com` : 'example.com', t, { id, rd, edns: edns ?? false, nsid: nsid && edns !== null });
      const client = overTcp ? tcp : udp;
      const a = cached.handle(q, client);
      const b = fresh.handle(q, client);
      assert.deepEqual(a, b);
    }), { numRuns: 4000 });
});
