// dig (BIND's client, Debian dnsutils) against the responder on loopback, on a random port: every record type,
// CHAOS identity, NSID, TCP, truncation and retry over TCP, NXDOMAIN and NODATA with the SOA, REFUSED, IPv6;
// once over each UDP backend (native batches and node:dgram).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { DnsServer } from '../../src/dns/server.js';
import { backends, dig, startServer } from './helpers.js';

const haveDig = spawnSync('dig', ['-v']).status === 0;
for (const backend of backends) {
  describe(`dig, UDP backend ${backend.name}`, { skip: backend.skip }, () => {
    let server: DnsServer;
    let port = 0;
    let port6 = 0;
    const q = (...args: string[]) => dig(['@127.0.0.1', '-p', String(port), '+norec', '+time=2', '+tries=1', ...args]);
    const short = async (...args: string[]) => (await q(...args, '+short')).trim().split('\n').filter(Boolean);
    const status = (out: string) => /status: (\w+)/.exec(out)?.[1];
    const flags = (out: string) => /;; flags: ([a-z ]+);/.exec(out)?.[1]?.split(' ') ?? [];

    before(async () => {
      if (!haveDig || backend.skip) return;
      ({ server, port, port6 } = await startServer({ udpBackend: backend.name }));
      assert.equal(server.stats().udp.backend, backend.name);
    });
    after(async () => {
      await server?.stop();
    });

    test('every record type through dig', { skip: !haveDig && 'dig (dnsutils) not installed' }, async () => {
      assert.deepEqual(await short('www.example.com', 'A'), ['192.0.2.10', '192.0.2.11']);
      assert.deepEqual(await short('www.example.com', 'AAAA'), ['2001:db8::10']);
      assert.deepEqual(await short('example.com', 'NS'), ['ns1.example.com.', 'ns2.example.com.']);
      assert.deepEqual(await short('example.com', 'MX'), ['10 mail.example.com.']);
      assert.deepEqual(await short('txt.example.com', 'TXT'), ['"hello world" "a second string; with a semicolon"']);
      assert.deepEqual(await short('example.com', 'SOA'), ['ns1.example.com. hostmaster.example.com. 2024060101 7200 3600 1209600 300']);
      assert.deepEqual(await short('web.example.com', 'CNAME'), ['www.example.com.']);
      assert.deepEqual(await short('alias.example.com', 'A'), ['web.example.com.', 'www.example.com.', '192.0.2.10', '192.0.2.11']);
      assert.deepEqual(await short('_sip._udp.example.com', 'SRV'), ['10 60 5060 sip.example.com.']);
      assert.deepEqual(await short('10.2.0.192.in-addr.example.com', 'PTR'), ['www.example.com.']);
      assert.deepEqual(await short('example.com', 'CAA'), ['0 issue "letsencrypt.org"']);
      const out = await q('www.example.com', 'A');
      assert.equal(status(out), 'NOERROR');
      assert.ok(flags(out).includes('aa'));
      assert.ok(!flags(out).includes('ra'));
    });

    test('query case is preserved in the answer', { skip: !haveDig && 'no dig' }, async () => {
      const out = await q('WwW.ExAmPlE.cOm', 'A', '+noall', '+answer');
      assert.match(out, /^WwW\.ExAmPlE\.cOm\.\s+300\s+IN\s+A\s+192\.0\.2\.10$/m);
    });

    test('CHAOS identity: hostname.bind, id.server, version.bind, version.server', { skip: !haveDig && 'no dig' }, async () => {
      assert.deepEqual(await short('hostname.bind', 'TXT', '-c', 'CH'), ['"site-a.test"']);
      assert.deepEqual(await short('id.server', 'TXT', '-c', 'CH'), ['"site-a"']);
      assert.deepEqual(await short('version.bind', 'TXT', '-c', 'CH'), ['"anycast-test"']);
      assert.deepEqual(await short('version.server', 'TXT', '-c', 'CH'), ['"anycast-test"']);
    });

    test('NSID with +nsid, absent without', { skip: !haveDig && 'no dig' }, async () => {
      assert.match(await q('www.example.com', '+nsid'), /; NSID: 6e 73 69 64 2d 61 \("nsid-a"\)/);
      assert.doesNotMatch(await q('www.example.com'), /NSID/);
    });

    test('TCP with +tcp, over IPv4 and IPv6', { skip: !haveDig && 'no dig' }, async () => {
      const out = await q('www.example.com', '+tcp');
      assert.match(out, /\(TCP\)/);
      assert.equal(status(out), 'NOERROR');
      const v6 = await dig(['@::1', '-p', String(port6), '+norec', '+tcp', 'www.example.com', 'AAAA', '+short']);
      assert.equal(v6.trim(), '2001:db8::10');
      const v6udp = await dig(['@::1', '-p', String(port6), '+norec', 'hostname.bind', 'TXT', 'CH', '+short']);
      assert.equal(v6udp.trim(), '"site-a.test"');
    });

    test('truncation: +bufsize=512 +ignore shows TC; +notcp keeps UDP; dig retries over TCP by default', { skip: !haveDig && 'no dig' }, async () => {
      const tc = await q('big.example.com', 'TXT', '+bufsize=512', '+ignore');
      assert.ok(flags(tc).includes('tc'), tc);
      assert.match(tc, /ANSWER: 0,/);
      assert.match(tc, /\(UDP\)/);
      const noedns = await q('big.example.com', 'TXT', '+noedns', '+ignore');
      assert.ok(flags(noedns).includes('tc'));
      const retried = await q('big.example.com', 'TXT', '+bufsize=512');
      assert.match(retried, /Truncated, retrying in TCP mode/);
      assert.match(retried, /ANSWER: 8,/);
      assert.match(retried, /\(TCP\)/);
      const big = await q('big.example.com', 'TXT', '+bufsize=1232', '+notcp');
      assert.ok(!flags(big).includes('tc'));
      assert.match(big, /ANSWER: 8,/);
    });

    test('NXDOMAIN and NODATA carry the SOA in authority with the negative TTL', { skip: !haveDig && 'no dig' }, async () => {
      const nx = await q('nope.example.com', 'A');
      assert.equal(status(nx), 'NXDOMAIN');
      assert.match(nx, /AUTHORITY SECTION:\nexample\.com\.\s+300\s+IN\s+SOA\s+ns1\.example\.com\./);
      assert.ok(flags(nx).includes('aa'));
      const nodata = await q('www.example.com', 'MX');
      assert.equal(status(nodata), 'NOERROR');
      assert.match(nodata, /ANSWER: 0, AUTHORITY: 1/);
      assert.match(nodata, /AUTHORITY SECTION:\nexample\.com\.\s+300\s+IN\s+SOA/);
    });

    test('REFUSED for zones not served; referral below a delegation', { skip: !haveDig && 'no dig' }, async () => {
      assert.equal(status(await q('www.example.org', 'A')), 'REFUSED');
      const ref = await q('host.sub.example.com', 'A');
      assert.equal(status(ref), 'NOERROR');
      assert.ok(!flags(ref).includes('aa'));
      assert.match(ref, /AUTHORITY SECTION:\nsub\.example\.com\.\s+3600\s+IN\s+NS\s+ns\.sub\.example\.com\./);
      assert.match(ref, /ADDITIONAL SECTION:\nns\.sub\.example\.com\.\s+3600\s+IN\s+A\s+192\.0\.2\.153/);
    });
  });
}
