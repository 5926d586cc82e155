// The master-file parser (RFC 1035 §5) and the YAML zone format: every syntax element, and errors that name the
// file, the line and the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMasterFile } from '../../src/dns/zone/master.js';
import { tokenize } from '../../src/dns/zone/tokenizer.js';
import { parseYamlZone } from '../../src/dns/zone/yaml-zone.js';
import { ZoneLoadError, loadZone, zoneFromText } from '../../src/dns/zone/load.js';
import { TYPE } from '../../src/dns/wire/constants.js';
import { name, nameToText } from '../../src/dns/wire/name.js';
import { parseTtl } from '../../src/dns/zone/rdata.js';

const parse = (text: string, origin = 'example.com.') => parseMasterFile(text, { file: 'z.zone', origin: name(origin) });
const owners = (text: string) => parse(text).records.map((r) => nameToText(r.owner));
const bytes = (r: { rdata: { parts: readonly unknown[] } }) =>
  Buffer.concat(r.rdata.parts.map((p) => ('bytes' in (p as object) ? (p as { bytes: Buffer }).bytes : Buffer.alloc(0))));

test('$ORIGIN, @, relative and absolute names', () => {
  const text = '$TTL 60\n@ A 192.0.2.1\nwww A 192.0.2.2\nabs.example.org. A 192.0.2.3\n$ORIGIN sub.example.com.\nx A 192.0.2.4\n@ A 192.0.2.5\n';
  assert.deepEqual(owners(text), ['example.com.', 'www.example.com.', 'abs.example.org.', 'x.sub.example.com.', 'sub.example.com.']);
  // A relative $ORIGIN is relative to the current origin.
  assert.deepEqual(owners('$TTL 1\n$ORIGIN a\nb A 192.0.2.1\n'), ['b.a.example.com.']);
});

test('$TTL, explicit TTLs with units, TTL and class in either order, last-TTL rule', () => {
  const r = parse('$TTL 1h\na A 192.0.2.1\nb 300 IN A 192.0.2.2\nc IN 1d A 192.0.2.3\nd 1h30m A 192.0.2.4\ne 2W A 192.0.2.5\n').records;
  assert.deepEqual(r.map((x) => x.ttl), [3600, 300, 86400, 5400, 1209600]);
  // Without $TTL, a record without TTL takes the last explicit one (RFC 1035 §5.1); the SOA takes its minimum.
  const s = parse('@ SOA ns h 1 2 3 4 77\na A 192.0.2.1\nb 5 A 192.0.2.1\nc A 192.0.2.2\n').records;
  assert.deepEqual(s.map((x) => x.ttl), [77, 77, 5, 5]);
  assert.equal(parseTtl('2147483648'), undefined);
  assert.equal(parseTtl('1x'), undefined);
});

test('blank owner inherits the previous owner; comments and parentheses span lines', () => {
  const text = [
    '$TTL 60',
    '@ IN SOA ns1 hostmaster ( ; comment inside',
    '      2024 ; serial',
    '      7200 3600',
    '      1209600 300 )',
    '  IN NS ns1 ; same owner',
    '\tIN NS ns2',
    'www A 192.0.2.1 ; trailing comment',
    '    AAAA 2001:db8::1',
  ].join('\n');
  const r = parse(text);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.records.map((x) => `${nameToText(x.owner)} ${x.type}`),
    ['example.com. 6', 'example.com. 2', 'example.com. 2', 'www.example.com. 1', 'www.example.com. 28']);
  const soa = r.records[0]!;
  const nums = bytes(soa);
  assert.deepEqual([0, 4, 8, 12, 16].map((o) => nums.readUInt32BE(o)), [2024, 7200, 3600, 1209600, 300]);
  assert.equal(r.records[3]!.line, 8);
});

test('quoted TXT strings: spaces, semicolons, escaped quotes, \\DDD, several strings, unquoted words', () => {
  const r = parse('$TTL 1\nt TXT "a b; c" "say \\"hi\\"" \\065\\066 plain "x\\059y"\n');
  assert.deepEqual(r.errors, []);
  const raw = bytes(r.records[0]!);
  const strings: string[] = [];
  for (let o = 0; o < raw.length; o += raw[o]! + 1) strings.push(raw.subarray(o + 1, o + 1 + raw[o]!).toString('latin1'));
  assert.deepEqual(strings, ['a b; c', 'say "hi"', 'AB', 'plain', 'x;y']);
  // A quoted string may span lines inside parentheses, one entry.
  const m = parse('$TTL 1\nt TXT ( "one"\n "two" )\n');
  assert.equal(m.records.length, 1);
});

test('every record type parses to the right wire RDATA', () => {
  const r = parse([
    '$TTL 1', 'a A 192.0.2.1', 'a AAAA 2001:db8::1', 'a NS ns.example.net.', 'c CNAME a', 'a MX 10 mx',
    'p PTR a', 's SRV 1 2 53 t', 'a CAA 128 issue "ca.example"', 'g TYPE65280 \\# 3 abcdef', 'h A \\# 4 c0000201',
  ].join('\n')).records;
  assert.equal(r.length, 10);
  assert.deepEqual(bytes(r[0]!), Buffer.from([192, 0, 2, 1]));
  assert.deepEqual(bytes(r[1]!), Buffer.from('20010db8000000000000000000000001', 'hex'));
  assert.equal(nameToText((r[2]!.rdata.parts[0] as { name: readonly string[] }).name), 'ns.example.net.');
  assert.equal(nameToText((r[3]!.rdata.parts[0] as { name: readonly string[] }).name), 'a.example.com.');
  assert.deepEqual(bytes(r[4]!), Buffer.from([0, 10]));
  assert.equal((r[6]!.rdata.parts[3] as { compress: boolean }).compress, false, 'SRV target is never compressed');
  assert.deepEqual(bytes(r[7]!), Buffer.concat([Buffer.from([128, 5]), Buffer.from('issueca.example')]));
  assert.equal(r[8]!.type, 65280);
  assert.deepEqual(bytes(r[8]!), Buffer.from('abcdef', 'hex'));
  assert.deepEqual(bytes(r[9]!), Buffer.from([192, 0, 2, 1]), 'RFC 3597 generic form for a known type');
});

test('A and AAAA forms: compressed, full, embedded IPv4; bad ones rejected with the line', () => {
  const r = parse(['$TTL 1', 'a AAAA ::', 'b AAAA 2001:db8:0:0:0:0:0:1', 'c AAAA ::ffff:192.0.2.1'].join('\n'));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.records.map((x) => bytes(x).toString('hex')),
    ['0'.repeat(32), '20010db8000000000000000000000001', '00000000000000000000ffffc0000201']);
  const bad = ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7', '192.0.2.1', 'fe80::1%eth0'];
  const e = parse(['$TTL 1', ...bad.map((b) => `x AAAA ${b}`), 'y A 192.0.2.01', 'z A 2001:db8::1'].join('\n'));
  assert.equal(e.records.length, 0);
  assert.deepEqual(e.errors.map((x) => x.line), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.match(e.errors[0]!.reason, /'1::2::3' is not an IPv6 address/);
  assert.match(e.errors[8]!.reason, /'2001:db8::1' is not an IPv4 address/);
});

test('escaped names: \\. inside a label, \\DDD octets, case kept', () => {
  const r = parse('$TTL 1\na\\.b A 192.0.2.1\n\\065Bc A 192.0.2.1\n').records;
  assert.deepEqual(r[0]!.owner, ['a.b', 'example', 'com']);
  assert.deepEqual(r[1]!.owner.slice(0, 1), ['ABc']);
  assert.equal(nameToText(r[0]!.owner), 'a\\.b.example.com.');
});

test('$INCLUDE reads another file with an optional origin; its $ORIGIN does not leak back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acd-zone-'));
  try {
    writeFileSync(join(dir, 'inc.zone'), '$ORIGIN elsewhere.example.\nx A 192.0.2.9\n');
    writeFileSync(join(dir, 'inc2.zone'), 'y A 192.0.2.10\n');
    writeFileSync(join(dir, 'main.zone'), [
      '$TTL 60', '@ SOA ns h 1 2 3 4 5', '@ NS ns', 'ns A 192.0.2.1', '$INCLUDE inc2.zone sub.example.com.',
      'after A 192.0.2.2', '$INCLUDE missing.zone',
    ].join('\n'));
    assert.throws(() => loadZone({ file: join(dir, 'main.zone'), origin: 'example.com' }), (e: unknown) =>
      e instanceof ZoneLoadError && /main\.zone:7: \$INCLUDE missing\.zone: ENOENT/.test(e.message));
    writeFileSync(join(dir, 'main.zone'), [
      '$TTL 60', '@ SOA ns h 1 2 3 4 5', '@ NS ns', 'ns A 192.0.2.1', '$INCLUDE inc2.zone sub.example.com.', 'after A 192.0.2.2',
    ].join('\n'));
    const z = loadZone({ file: join(dir, 'main.zone'), origin: 'example.com' }).zone;
    assert.ok(z.nodes.has('\x01y\x03sub\x07example\x03com\x00'));
    assert.ok(z.nodes.has('\x05after\x07example\x03com\x00'), 'origin restored after $INCLUDE');
    const m = parseMasterFile('$TTL 1\n$INCLUDE inc.zone\nz A 192.0.2.3\n', { file: join(dir, 'm.zone'), origin: name('example.com.'),
      include: (p) => ({ ok: true, text: '$ORIGIN elsewhere.example.\nx A 192.0.2.9\n', file: p }) });
    assert.deepEqual(m.records.map((x) => nameToText(x.owner)), ['x.elsewhere.example.', 'z.example.com.']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('errors name the file, the line and the reason, and parsing goes on to report them all', () => {
  const text = [
    '$TTL 60',                      // 1
    'a A 192.0.2.300',              // 2 bad IPv4
    'b AAAA 2001:db8::g',           // 3 bad IPv6
    'c MX mail',                    // 4 too few fields
    'd FOO 1',                      // 5 unknown type
    'e TXT "unterminated',          // 6
  ].join('\n');
  const r = parse(text);
  const msgs = r.errors.map((e) => `${e.file}:${e.line}: ${e.reason}`);
  assert.match(msgs[0]!, /^z\.zone:6: unterminated quoted string/);
  assert.ok(msgs.some((m) => /^z\.zone:2: A: '192\.0\.2\.300' is not an IPv4 address/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /^z\.zone:3: AAAA: '2001:db8::g' is not an IPv6 address/.test(m)));
  assert.ok(msgs.some((m) => /^z\.zone:4: MX: too few fields/.test(m)));
  assert.ok(msgs.some((m) => /^z\.zone:5: unknown record type or class 'FOO'/.test(m)));
  const more = parse('a 1 A 192.0.2.1\n  TXT "x"\n$BOGUS 1\n$TTL x\nq IN\n( a A 192.0.2.1\n').errors;
  assert.deepEqual(more.map((e) => e.line), [6, 3, 4, 5]);
  assert.match(more[0]!.reason, /'\(' is never closed/);
  assert.match(more[1]!.reason, /unknown directive \$BOGUS/);
  assert.equal(parse(' A 192.0.2.1\n').errors[0]!.reason, 'entry starts with blank space but there is no previous owner name');
  assert.match(parse('x A 192.0.2.1\n').errors[0]!.reason, /no TTL/);
  assert.match(parseMasterFile('x 1 A 192.0.2.1\n', { file: 'f' }).errors[0]!.reason, /relative name 'x' but no origin/);
  assert.match(parse('x 1 CH A 192.0.2.1\n').errors[0]!.reason, /only IN/);
  assert.match(parse(`${'a'.repeat(64)} 1 A 192.0.2.1\n`).errors[0]!.reason, /64 octets \(max 63\)/);
  assert.match(parse('x 1 TXT "' + 'a'.repeat(256) + '"\n').errors[0]!.reason, /256 octets \(max 255/);
});

test('zone checks: SOA, CNAME and other data, out-of-zone names, occluded data, TTL mismatch', () => {
  const bad = (text: string, re: RegExp) => assert.throws(() => zoneFromText(text, 'z.zone', 'example.com.'),
    (e: unknown) => e instanceof ZoneLoadError && re.test(e.message), re.source);
  bad('$TTL 1\n@ NS ns\n', /no SOA record at the zone apex example\.com\./);
  bad('$TTL 1\n@ SOA ns h 1 2 3 4 5\n@ SOA ns h 2 2 3 4 5\n', /z\.zone:3: more than one SOA|z\.zone:2: more than one SOA/);
  bad('$TTL 1\n@ SOA ns h 1 2 3 4 5\nwww CNAME a\nwww A 192.0.2.1\n', /z\.zone:3: CNAME and other data \(A\) at www\.example\.com\./);
  bad('$TTL 1\n@ SOA ns h 1 2 3 4 5\nx.example.org. A 192.0.2.1\n', /z\.zone:3: x\.example\.org\. is outside the zone/);
  bad('$TTL 1\n@ SOA ns h 1 2 3 4 5\nsub SOA ns h 1 2 3 4 5\n', /not the apex/);
  const ok = zoneFromText('$TTL 1\n@ SOA ns h 1 2 3 4 5\nsub NS ns.sub\nns.sub A 192.0.2.1\nx.sub TXT "hidden"\n' +
    'w 10 A 192.0.2.1\nw 20 A 192.0.2.2\nw 10 A 192.0.2.1\n', 'z.zone', 'example.com.');
  const warns = ok.warnings.map((w) => `${w.file}:${w.line}: ${w.reason}`);
  assert.ok(warns.some((w) => /z\.zone:5: TXT at x\.sub\.example\.com\. is below the delegation at sub\.example\.com\./.test(w)), warns.join('\n'));
  assert.ok(warns.some((w) => /z\.zone:7: TTL 20 differs from 10/.test(w)));
  assert.ok(warns.some((w) => /no NS records at the zone apex/.test(w)));
  const w = ok.zone.nodes.get('\x01w\x07example\x03com\x00')!.rrsets.get(TYPE.A)!;
  assert.equal(w.rdatas.length, 2, 'duplicate RR collapsed (RFC 2181 §5)');
  assert.equal(w.ttl, 10);
});

test('the zone name comes from the SOA owner when no origin is given', () => {
  const z = zoneFromText('$ORIGIN example.org.\n$TTL 1\n@ SOA ns h 1 2 3 4 5\n', 'z.zone');
  assert.equal(nameToText(z.zone.origin), 'example.org.');
});

test('YAML zones: records, plain-text TXT, per-record TTL, strict keys with file:line errors', () => {
  const text = [
    'origin: example.net.', 'ttl: 300', 'records:',
    "  - { name: '@', type: SOA, data: 'ns h 1 2 3 4 5' }",
    '  - { name: www, type: A, data: 192.0.2.1, ttl: 60 }',
    '  - name: t',
    '    type: TXT',
    '    data: plain text; with ünïcode',
  ].join('\n');
  const y = parseYamlZone(text, 'z.yaml');
  assert.deepEqual(y.errors, []);
  assert.deepEqual(y.records.map((r) => [nameToText(r.owner), r.ttl]), [['example.net.', 300], ['www.example.net.', 60], ['t.example.net.', 300]]);
  const txt = bytes(y.records[2]!);
  assert.equal(txt.subarray(1).toString('utf8'), 'plain text; with ünïcode');
  const bad = parseYamlZone('origin: example.net.\nrecords:\n  - { name: a, type: A, data: 1.2.3, bogus: 1 }\n  - { name: b, type: NOPE, data: x }\n', 'b.yaml');
  const msgs = bad.errors.map((e) => `${e.file}:${e.line}: ${e.reason}`);
  assert.ok(msgs.some((m) => /^b\.yaml:3: records\[0\]: bogus: unknown key/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /^b\.yaml:4: records\[1\]: type: 'NOPE' is not a record type/.test(m)), msgs.join('\n'));
  assert.match(parseYamlZone('records: []\n', 'c.yaml').errors[0]!.reason, /origin: missing/);
  assert.match(parseYamlZone('origin: [\n', 'd.yaml').errors[0]!.file, /d\.yaml/);
});

test('the lexer reports a stray closing parenthesis with its line', () => {
  const r = tokenize('a A 1\nb A 2 )\n');
  assert.deepEqual(r.errors, [{ line: 2, reason: "')' without a matching '('" }]);
});
