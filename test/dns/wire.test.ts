// The wire layer: names (text/wire/key), the query parser against queries encoded by dns-packet, the writer's
// compression and size limits checked with dns-packet's decoder, and TCP framing split at every byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { name, nameKey, nameToText, nameToWire, parseName, isSubdomain } from '../../src/dns/wire/name.js';
import { parseQuery, questionName } from '../../src/dns/wire/query.js';
import { encodeResponse, type OutRRset } from '../../src/dns/wire/writer.js';
import { frame, nextFrame } from '../../src/dns/tcp-framing.js';
import { query } from './helpers.js';

test('names: presentation round trip, case-insensitive key, subdomain test, limits', () => {
  const n = name('WwW.Example.COM.');
  assert.equal(nameToText(n), 'WwW.Example.COM.');
  assert.equal(nameKey(n), nameKey(name('www.example.com.')));
  assert.deepEqual(nameToWire(n), Buffer.from('03577757074578616d706c6503434f4d00', 'hex'));
  assert.ok(isSubdomain(name('a.b.example.com.'), name('EXAMPLE.com.')));
  assert.ok(!isSubdomain(name('xexample.com.'), name('example.com.')));
  assert.equal(nameToText([]), '.');
  assert.equal(parseName('a..b.').ok, false);
  assert.equal(parseName(`${'a.'.repeat(128)}`).ok, false, 'over 255 octets');
  // Only ASCII letters fold (RFC 4343): 0xC0 and 0xE0 stay distinct.
  assert.notEqual(nameKey(['\xc0']), nameKey(['\xe0']));
});

test('query parser: reads what dns-packet wrote (ID, type, class, EDNS size, DO, NSID)', () => {
  const q = query('Www.Example.com', 'AAAA', { id: 4321, edns: 4000, do: true, nsid: true, rd: true });
  const p = parseQuery(q);
  assert.equal(p.kind, 'query');
  if (p.kind !== 'query') return;
  assert.equal(p.query.id, 4321);
  assert.equal(p.query.qtype, 28);
  assert.equal(p.query.qclass, 1);
  assert.deepEqual(p.query.edns, { udpSize: 4000, version: 0, do: true, nsid: true });
  assert.deepEqual(questionName(q, p.query.questionEnd), ['Www', 'Example', 'com']);
  const plain = parseQuery(query('example.com', 'TXT', { class: 'CH' }));
  assert.ok(plain.kind === 'query' && plain.query.edns === undefined && plain.query.qclass === 3);
});

test('query parser: malformed inputs are typed results, not exceptions', () => {
  const q = query('www.example.com', 'A', { edns: 1232 });
  assert.deepEqual(parseQuery(q.subarray(0, 5)), { kind: 'drop', reason: 'short' });
  for (let cut = 12; cut < q.length; cut++) {
    const p = parseQuery(q.subarray(0, cut));
    assert.equal(p.kind, 'error', `cut at ${cut}`);
    if (p.kind === 'error') assert.equal(p.rcode, 1);
  }
  // Two OPT records.
  const two = Buffer.concat([q, q.subarray(q.length - 11)]);
  two.writeUInt16BE(2, 10);
  const p = parseQuery(two);
  assert.ok(p.kind === 'error' && /more than one OPT/.test(p.reason));
});

const rr = (owner: string, type: number, parts: OutRRset['rdatas'][number]['parts'], ttl = 60): OutRRset =>
  ({ owner: name(owner), type, class: 1, ttl, rdatas: [{ parts }] });

test('writer: names compress against the question and each other; dns-packet decodes it', () => {
  const q = query('www.example.com', 'MX');
  const qEnd = (parseQuery(q) as { query: { questionEnd: number } }).query.questionEnd;
  const enc = encodeResponse({
    id: 9, flags: 0x0400, question: q.subarray(12, qEnd),
    answer: [rr('www.example.com.', 15, [{ bytes: Buffer.from([0, 10]) }, { name: name('mail.example.com.'), compress: true }])],
    authority: [],
    additional: [rr('mail.example.com.', 1, [{ bytes: Buffer.from([192, 0, 2, 1]) }])],
  }, 512);
  const d = dnsPacket.decode(enc.buf);
  assert.equal(d.id, 9);
  assert.deepEqual((d.answers![0] as { data: unknown }).data, { preference: 10, exchange: 'mail.example.com' });
  assert.equal(d.additionals![0]!.name, 'mail.example.com');
  // Owner of the answer is a 2-octet pointer to offset 12.
  assert.equal(enc.buf.readUInt16BE(12 + (qEnd - 12)), 0xc00c);
  // Uncompressed it would be longer by the repeated suffixes.
  assert.ok(enc.buf.length < 12 + (qEnd - 12) + (17 + 10 + 2 + 18) + (18 + 10 + 4));
});

test('writer: truncation never exceeds the limit and keeps the OPT record', () => {
  const sets: OutRRset[] = [];
  for (let i = 0; i < 30; i++) sets.push(rr(`n${i}.example.com.`, 16, [{ bytes: Buffer.concat([Buffer.from([40]), Buffer.alloc(40, 0x61)]) }]));
  for (const limit of [512, 600, 1232, 65535]) {
    const enc = encodeResponse({ id: 1, flags: 0, answer: sets, authority: [], additional: [],
      opt: { udpPayload: 1232, extRcode: 0, do: false, nsid: Buffer.from('x') } }, limit);
    assert.ok(enc.buf.length <= limit, `${enc.buf.length} <= ${limit}`);
    const d = dnsPacket.decode(enc.buf);
    assert.equal(d.additionals!.at(-1)!.type, 'OPT');
    assert.equal(enc.truncated, d.answers!.length < 30);
  }
});

test('TCP framing: incomplete until whole, at every split point; several frames in one buffer', () => {
  const a = frame(Buffer.from('hello'));
  const b = frame(Buffer.from('world!'));
  const all = Buffer.concat([a, b]);
  for (let i = 0; i < a.length; i++) assert.equal(nextFrame(all.subarray(0, i)).kind, 'incomplete');
  const f1 = nextFrame(all);
  assert.ok(f1.kind === 'frame' && f1.bytes.toString() === 'hello');
  const f2 = f1.kind === 'frame' ? nextFrame(f1.rest) : f1;
  assert.ok(f2.kind === 'frame' && f2.bytes.toString() === 'world!' && f2.rest.length === 0);
});
