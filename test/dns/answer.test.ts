// The responder's answer logic, driven with bytes and checked with dns-packet's decoder: every record type,
// CNAME chains, wildcards, referrals, NXDOMAIN/NODATA with the SOA (RFC 2308 TTL), REFUSED, CHAOS identity,
// NSID, EDNS sizes and truncation, header echo rules, and error replies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { decode, identity, query, responder, tcp, udp } from './helpers.js';
import { zoneFromText } from '../../src/dns/zone/load.js';
import { createResponder } from '../../src/dns/answer/responder.js';

const r = responder();
const ask = (name: string, type = 'A', o = {}, client = udp) => decode(r.handle(query(name, type, o), client)!);
const data = (p: ReturnType<typeof ask>) => (p.answers ?? []).map((a) => (a as { data: unknown }).data);

test('A, AAAA, NS, MX, TXT, SOA, CNAME, SRV, PTR, CAA answers are authoritative and complete', () => {
  let p = ask('www.example.com');
  assert.equal(p.rcode, 'NOERROR');
  assert.equal(p.aa, true);
  assert.deepEqual(data(p), ['192.0.2.10', '192.0.2.11']);
  assert.equal((p.answers![0] as { ttl: number }).ttl, 300);
  assert.deepEqual(data(ask('www.example.com', 'AAAA')), ['2001:db8::10']);
  p = ask('example.com', 'NS');
  assert.deepEqual(data(p), ['ns1.example.com', 'ns2.example.com']);
  // Additional-section addresses for in-zone name servers.
  assert.deepEqual((p.additionals ?? []).filter((a) => a.type !== 'OPT').map((a) => `${a.name} ${a.type}`).sort(),
    ['ns1.example.com A', 'ns1.example.com AAAA', 'ns2.example.com A']);
  p = ask('example.com', 'MX');
  assert.deepEqual(data(p), [{ preference: 10, exchange: 'mail.example.com' }]);
  assert.equal(p.additionals?.[0]?.name, 'mail.example.com');
  assert.deepEqual(data(ask('txt.example.com', 'TXT')).map((d) => (d as Buffer[]).map(String)),
    [['hello world', 'a second string; with a semicolon']]);
  const soa = data(ask('example.com', 'SOA'))[0] as { serial: number; minimum: number; mname: string };
  assert.equal(soa.serial, 2024060101);
  assert.equal(soa.minimum, 300);
  assert.equal(soa.mname, 'ns1.example.com');
  assert.deepEqual(data(ask('web.example.com', 'CNAME')), ['www.example.com']);
  assert.deepEqual(data(ask('_sip._udp.example.com', 'SRV')), [{ priority: 10, weight: 60, port: 5060, target: 'sip.example.com' }]);
  assert.deepEqual(data(ask('10.2.0.192.in-addr.example.com', 'PTR')), ['www.example.com']);
  assert.deepEqual(data(ask('example.com', 'CAA')), [{ flags: 0, tag: 'issue', value: 'letsencrypt.org', issuerCritical: false }]);
});

test('a CNAME chain is followed inside the zone, each link in the answer', () => {
  const p = ask('alias.example.com');
  assert.deepEqual(p.answers!.map((a) => `${a.name} ${a.type}`),
    ['alias.example.com CNAME', 'web.example.com CNAME', 'www.example.com A', 'www.example.com A']);
  assert.equal(p.aa, true);
});

test('a CNAME to a missing name ends NXDOMAIN with the chain and the SOA (RFC 6604)', () => {
  const z = zoneFromText('$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\na CNAME gone\nloop1 CNAME loop2\nloop2 CNAME loop1\nout CNAME www.example.org.\n',
    't.zone', 'test.');
  const rr = createResponder({ zones: [z.zone], identity: {} });
  let p = decode(rr.handle(query('a.test'), udp)!);
  assert.equal(p.rcode, 'NXDOMAIN');
  assert.equal(p.answers![0]!.type, 'CNAME');
  assert.equal(p.authorities![0]!.type, 'SOA');
  // A loop stops; a target outside the zone is left for the resolver.
  p = decode(rr.handle(query('loop1.test'), udp)!);
  assert.equal(p.rcode, 'NOERROR');
  assert.deepEqual(p.answers!.map((a) => a.name), ['loop1.test', 'loop2.test']);
  p = decode(rr.handle(query('out.test'), udp)!);
  assert.deepEqual(p.answers!.map((a) => a.type), ['CNAME']);
});

test('NXDOMAIN and NODATA carry the SOA with TTL = min(SOA TTL, minimum) (RFC 2308)', () => {
  let p = ask('nope.example.com');
  assert.equal(p.rcode, 'NXDOMAIN');
  assert.equal(p.aa, true);
  assert.equal(p.answers!.length, 0);
  assert.equal(p.authorities!.length, 1);
  assert.equal(p.authorities![0]!.type, 'SOA');
  assert.equal((p.authorities![0] as { ttl: number }).ttl, 300);
  p = ask('www.example.com', 'TXT');
  assert.equal(p.rcode, 'NOERROR');
  assert.equal(p.answers!.length, 0);
  assert.equal(p.authorities![0]!.type, 'SOA');
  // An empty non-terminal (the parent of _sip._udp) exists: NODATA, not NXDOMAIN (RFC 8020).
  p = ask('_udp.example.com', 'A');
  assert.equal(p.rcode, 'NOERROR');
  assert.equal(p.authorities![0]!.type, 'SOA');
});

test('wildcards synthesise for missing names only, with the query name as owner', () => {
  let p = ask('anything.wild.example.com');
  assert.deepEqual(data(p), ['192.0.2.99']);
  assert.equal(p.answers![0]!.name, 'anything.wild.example.com');
  p = ask('a.b.wild.example.com');
  assert.deepEqual(data(p), ['192.0.2.99']);
  p = ask('x.wild.example.com', 'AAAA');
  assert.equal(p.rcode, 'NOERROR');
  assert.equal(p.answers!.length, 0);
});

test('names at and below a delegation get a referral: NS in authority, glue in additional, no AA', () => {
  for (const n of ['sub.example.com', 'deep.x.sub.example.com']) {
    const p = ask(n);
    assert.equal(p.rcode, 'NOERROR');
    assert.equal(p.aa, false);
    assert.equal(p.answers!.length, 0);
    assert.deepEqual(p.authorities!.map((a) => `${a.name} ${a.type} ${(a as { data: unknown }).data}`),
      ['sub.example.com NS ns.sub.example.com']);
    assert.deepEqual(p.additionals!.filter((a) => a.type === 'A').map((a) => (a as { data: unknown }).data), ['192.0.2.153']);
  }
});

test('zones not served and other classes are REFUSED; transfers are REFUSED', () => {
  for (const [n, t, c] of [['example.org', 'A', 'IN'], ['com', 'NS', 'IN'], ['www.example.com', 'A', 'HS'],
    ['example.com', 'AXFR', 'IN'], ['example.com', 'IXFR', 'IN']] as const) {
    const p = ask(n, t, { class: c });
    assert.equal(p.rcode, 'REFUSED', `${n} ${t} ${c}`);
    assert.equal(p.aa, false);
  }
});

test('CHAOS identity: hostname.bind, id.server, version.bind, version.server; others REFUSED', () => {
  const txt = (n: string) => {
    const p = ask(n, 'TXT', { class: 'CH' });
    assert.equal(p.rcode, 'NOERROR');
    assert.equal((p.answers![0] as { class?: string }).class, 'CH');
    return (data(p)[0] as Buffer[]).map(String).join('');
  };
  assert.equal(txt('hostname.bind'), 'site-a.test');
  assert.equal(txt('HOSTNAME.BIND'), 'site-a.test');
  assert.equal(txt('id.server'), 'site-a');
  assert.equal(txt('version.bind'), 'anycast-test');
  assert.equal(txt('version.server'), 'anycast-test');
  assert.equal(ask('authors.bind', 'TXT', { class: 'CH' }).rcode, 'REFUSED');
  const hidden = createResponder({ zones: [], identity: { hostname: 'h' } });
  assert.equal(decode(hidden.handle(query('version.bind', 'TXT', { class: 'CH' }), udp)!).rcode, 'REFUSED');
  assert.equal(decode(hidden.handle(query('id.server', 'TXT', { class: 'CH' }), udp)!).answers!.length, 1);
});

test('NSID is returned only when the query carries the NSID option (RFC 5001)', () => {
  const nsidOf = (p: ReturnType<typeof ask>) => {
    const opt = p.additionals!.find((a) => a.type === 'OPT') as { options: Array<{ code: number; data: Buffer }> } | undefined;
    return opt?.options.find((o) => o.code === 3)?.data.toString();
  };
  assert.equal(nsidOf(ask('www.example.com', 'A', { nsid: true })), 'nsid-a');
  assert.equal(nsidOf(ask('www.example.com', 'A', { edns: 1232 })), undefined);
  assert.equal(nsidOf(ask('nope.example.com', 'A', { nsid: true })), 'nsid-a');
  assert.equal(nsidOf(ask('hostname.bind', 'TXT', { class: 'CH', nsid: true })), 'nsid-a');
  assert.ok(identity.nsid);
});

test('the query name keeps its letter case in question and answer (0x20)', () => {
  const p = ask('WwW.ExAmPlE.CoM');
  assert.equal(p.questions![0]!.name, 'WwW.ExAmPlE.CoM');
  assert.equal(p.answers![0]!.name, 'WwW.ExAmPlE.CoM');
  // A cached reply to another spelling must not leak the first spelling.
  const q = ask('www.EXAMPLE.com');
  assert.equal(q.answers![0]!.name, 'www.EXAMPLE.com');
});

test('header echo: ID, RD and CD copied from the query, also on cache hits; RA never set', () => {
  for (let i = 0; i < 2; i++) {
    const p = ask('www.example.com', 'A', { id: 0xbeef + i, rd: i === 1, cd: i === 0 });
    assert.equal(p.id, 0xbeef + i);
    assert.equal(((p.flags ?? 0) & 0x100) !== 0, i === 1);
    assert.equal(((p.flags ?? 0) & 0x10) !== 0, i === 0);
    assert.equal(((p.flags ?? 0) & 0x80) !== 0, false);
  }
});

test('EDNS: OPT echoed with our payload size and the DO bit; absent without EDNS', () => {
  let p = ask('www.example.com', 'A', { edns: 4096, do: true });
  const opt = p.additionals!.find((a) => a.type === 'OPT') as unknown as { udpPayloadSize: number; flags: number };
  assert.equal(opt.udpPayloadSize, 1232);
  assert.equal(opt.flags & 0x8000, 0x8000);
  p = ask('www.example.com');
  assert.equal((p.additionals ?? []).length, 0);
});

test('truncation: a reply that does not fit drops whole RRsets and sets TC; TCP gets it all', () => {
  // big.example.com has 8 TXT records of 71 octets: ~700 octets, over 512.
  let p = ask('big.example.com', 'TXT');
  assert.equal(p.tc, true);
  assert.equal(p.answers!.length, 0, 'no partial RRset');
  p = ask('big.example.com', 'TXT', { edns: 512 });
  assert.equal(p.tc, true);
  assert.ok(p.additionals!.some((a) => a.type === 'OPT'), 'OPT kept in a truncated reply (RFC 6891 §7)');
  // EDNS sizes below 512 count as 512; a bigger size lets it through.
  p = ask('big.example.com', 'TXT', { edns: 100 });
  assert.equal(p.tc, true);
  p = ask('big.example.com', 'TXT', { edns: 1232 });
  assert.equal(p.tc, false);
  assert.equal(p.answers!.length, 8);
  // The server's own payload (here 600) caps a client's larger size.
  const small = responder({ udpPayload: 600 });
  p = decode(small.handle(query('big.example.com', 'TXT', { edns: 4096 }), udp)!);
  assert.equal(p.tc, true);
  p = decode(r.handle(query('big.example.com', 'TXT'), tcp)!);
  assert.equal(p.tc, false);
  assert.equal(p.answers!.length, 8);
});

test('truncation keeps complete earlier RRsets of a CNAME chain and every reply fits its limit', () => {
  const lines = ['$TTL 60', '@ SOA ns h 1 2 3 4 5', '@ NS ns', 'ns A 192.0.2.1', 'c CNAME t'];
  for (let i = 0; i < 40; i++) lines.push(`t A 192.0.2.${i + 10}`);
  const rr = createResponder({ zones: [zoneFromText(lines.join('\n'), 'c.zone', 'c.test.').zone], identity: {} });
  const buf = rr.handle(query('c.c.test'), udp)!;
  assert.ok(buf.length <= 512);
  const p = decode(buf);
  assert.equal(p.tc, true);
  assert.deepEqual(p.answers!.map((a) => a.type), ['CNAME']);
});

test('truncation in the authority section: a referral that does not fit is cut back to header and question', () => {
  const lines = ['$TTL 60', '@ SOA ns h 1 2 3 4 5', '@ NS ns', 'ns A 192.0.2.1'];
  // big: 20 out-of-zone name servers, ~1100 octets of NS RRset. glued: 12 in-domain name servers whose NS RRset
  // fits in 512 octets but whose required glue (RFC 9471) does not: the NS RRset already written must go too.
  for (let i = 0; i < 20; i++) lines.push(`big NS name-server-number-${i}.a-rather-long-provider-name.example.`);
  for (let i = 0; i < 12; i++) {
    lines.push(`glued NS ns${i}.glued`, `ns${i}.glued A 192.0.2.${i + 10}`, `ns${i}.glued AAAA 2001:db8::${i + 10}`);
  }
  const rr = createResponder({ zones: [zoneFromText(lines.join('\n'), 'r.zone', 'r.test.').zone], identity: {} });
  for (const [name, edns] of [['www.big.r.test', false], ['www.big.r.test', 512], ['www.glued.r.test', false],
    ['www.glued.r.test', 512]] as const) {
    const q = query(name, 'A', { edns });
    const buf = rr.handle(q, udp)!;
    const p = decode(buf);
    assert.equal(p.tc, true, `${name} edns ${edns}`);
    assert.deepEqual([p.answers!.length, p.authorities!.length], [0, 0]);
    // Nothing of the partly written authority RRset is left behind the counts: the reply is the header, the
    // question and (with EDNS) our OPT record — exactly the size of the query, which has the same parts.
    assert.equal(buf.length, q.length, `${name} edns ${edns}`);
    const qEnd = q.length - (edns ? 11 : 0);
    assert.deepEqual(buf.subarray(12, qEnd), q.subarray(12, qEnd), 'the question, echoed');
  }
  let t = decode(rr.handle(query('www.big.r.test'), tcp)!);
  assert.deepEqual([t.tc, t.authorities!.length], [false, 20]);
  t = decode(rr.handle(query('www.glued.r.test'), tcp)!);
  assert.deepEqual([t.tc, t.authorities!.length, t.additionals!.length], [false, 12, 24]);
});

test('an RRset larger than any message gives TC (UDP and TCP), never an exception', () => {
  const lines = ['$TTL 60', '@ SOA ns h 1 2 3 4 5', '@ NS ns', 'ns A 192.0.2.1'];
  // 400 TXT records of ~760 octets: ~300 kB, more than a DNS message (64 kB) can hold.
  const s = `"${'x'.repeat(250)}" `.repeat(3);
  for (let i = 0; i < 400; i++) lines.push(`t TXT ${s}"${i}"`);
  const rr = createResponder({ zones: [zoneFromText(lines.join('\n'), 'b.zone', 'b.test.').zone], identity: {} });
  for (const client of [udp, tcp]) {
    const p = decode(rr.handle(query('t.b.test', 'TXT'), client)!);
    assert.equal(p.tc, true, client.transport);
    assert.equal(p.answers!.length, 0);
  }
  // The scratch buffer is intact: an ordinary query afterwards is answered normally.
  assert.equal(decode(rr.handle(query('ns.b.test'), udp)!).answers!.length, 1);
});

test('ANY: over UDP one RRset (RFC 8482), over TCP all of them', () => {
  const u = ask('example.com', 'ANY');
  assert.equal(new Set(u.answers!.map((a) => a.type)).size, 1);
  const t = decode(r.handle(query('example.com', 'ANY'), tcp)!);
  assert.deepEqual([...new Set(t.answers!.map((a) => a.type))].sort(), ['CAA', 'MX', 'NS', 'SOA', 'TXT']);
});

test('errors: QR=1 and short packets dropped; bad opcode NOTIMP; 2 questions, no question FORMERR; BADVERS', () => {
  const resp = dnsPacket.encode({ type: 'response', id: 1, questions: [{ name: 'www.example.com', type: 'A' }] });
  assert.equal(r.handle(resp, udp), null);
  assert.equal(r.handle(Buffer.alloc(11), udp), null);
  const notify = query('example.com', 'SOA');
  notify[2] = (notify[2]! & 0x87) | (4 << 3);
  let p = decode(r.handle(notify, udp)!);
  assert.equal(p.rcode, 'NOTIMP');
  assert.equal(p.questions![0]!.name, 'example.com');
  const two = dnsPacket.encode({ type: 'query', id: 7, questions: [{ name: 'a.example.com', type: 'A' },
    { name: 'b.example.com', type: 'A' }] });
  p = decode(r.handle(two, udp)!);
  assert.equal(p.rcode, 'FORMERR');
  assert.equal(p.id, 7);
  const none = Buffer.from(query('www.example.com').subarray(0, 12));
  none.writeUInt16BE(0, 4);
  assert.equal(decode(r.handle(none, udp)!).rcode, 'FORMERR');
  const v1 = query('www.example.com', 'A', { edns: 1232 });
  v1[v1.length - 5] = 1; // EDNS version 1 (OPT: name, type, class, ext-rcode, version, …)
  p = decode(r.handle(v1, udp)!);
  const opt = p.additionals!.find((a) => a.type === 'OPT') as unknown as { extendedRcode: number };
  assert.equal(opt.extendedRcode, 1, 'BADVERS = 16: upper bits 1 in OPT');
  assert.equal((p.flags ?? 0) & 0xf, 0);
  assert.equal(p.answers!.length, 0);
  // A compression pointer in the question is FORMERR.
  const ptr = Buffer.from('abcd0000000100000000000003777777c00c00010001', 'hex');
  assert.equal(decode(r.handle(ptr, udp)!).rcode, 'FORMERR');
});

test('reload swaps zones and identity, and empties the reply cache', () => {
  const rr = responder();
  assert.equal(decode(rr.handle(query('www.example.com'), udp)!).answers!.length, 2);
  const z = zoneFromText('$TTL 60\n@ SOA ns h 2 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.200\n', 'n.zone', 'example.com.');
  rr.reload([z.zone], { hostname: 'site-b' });
  assert.deepEqual(decode(rr.handle(query('www.example.com'), udp)!).answers!.map((a) => (a as { data: unknown }).data), ['192.0.2.200']);
  assert.equal(String((decode(rr.handle(query('hostname.bind', 'TXT', { class: 'CH' }), udp)!).answers![0] as { data: Buffer[] }).data[0]), 'site-b');
  assert.deepEqual(rr.stats().zones, [{ zone: 'example.com.', serial: 2, records: 4 }]);
});

test('stats count queries, rcodes and cache use', () => {
  const rr = responder();
  rr.handle(query('www.example.com'), udp);
  rr.handle(query('www.example.com'), udp);
  rr.handle(query('nope.example.com'), tcp);
  const s = rr.stats();
  assert.deepEqual(s.queries, { udp: 2, tcp: 1 });
  assert.deepEqual(s.rcodes, { NOERROR: 2, NXDOMAIN: 1 });
  assert.equal(s.cache.hits, 1);
  assert.equal(s.cache.misses, 2);
});
