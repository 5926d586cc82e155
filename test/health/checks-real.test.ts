// Real probes against real servers on loopback: TCP, HTTP(S), exec, DNS (a small dns-packet server in the test),
// and the interface-address check against this host's own lo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer as createHttp, type Server as HttpServer } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createTcp, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { tcpProbe } from '../../src/health/tcp-check.js';
import { httpProbe, type HttpCheckSpec } from '../../src/health/http-check.js';
import { execProbe } from '../../src/health/exec-check.js';
import { dnsProbe, type DnsCheckSpec } from '../../src/health/dns-check.js';
import { addressProbe, parseFibTrieLocal, parseIfInet6, parseIpAddrJson } from '../../src/health/address-check.js';
import type { Probe, ProbeResult } from '../../src/health/types.js';

const dir = mkdtempSync(join(tmpdir(), 'aca-checks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function probeOnce(p: Probe, timeoutMs = 2000): Promise<ProbeResult> {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), timeoutMs);
  try {
    return await p({ signal: ac.signal, timeoutMs });
  } finally {
    clearTimeout(t);
  }
}

const port = (s: { address(): AddressInfo | string | null }) => (s.address() as AddressInfo).port;
const listen = <S extends TcpServer | HttpServer>(s: S) =>
  new Promise<S>((res) => s.listen(0, '127.0.0.1', () => res(s)));

// ---- TCP --------------------------------------------------------------------------------------------------------

test('tcp: a listening port is healthy, a closed one is not', async () => {
  const srv = await listen(createTcp((c) => c.destroy()));
  const p = port(srv);
  assert.equal((await probeOnce(tcpProbe({ host: '127.0.0.1', port: p }))).ok, true);
  await new Promise<void>((r) => srv.close(() => r()));
  const r = await probeOnce(tcpProbe({ host: '127.0.0.1', port: p }));
  assert.equal(r.ok, false);
  assert.match(r.detail, /ECONNREFUSED/);
});

// ---- HTTP(S) ----------------------------------------------------------------------------------------------------

let http: HttpServer;
let httpPort = 0;
before(async () => {
  http = await listen(createHttp((req, res) => {
    if (req.url === '/ok') { res.writeHead(200); res.end('status: ready\n'); return; }
    if (req.url === '/host') { res.writeHead(200); res.end(`host=${req.headers.host}`); return; }
    if (req.url === '/slow') return; // never answers
    res.writeHead(503);
    res.end('maintenance');
  }));
  httpPort = port(http);
});
after(() => { http.closeAllConnections(); http.close(); });

const httpSpec = (path: string, more: Partial<HttpCheckSpec> = {}): HttpCheckSpec => ({
  url: `http://127.0.0.1:${httpPort}${path}`, method: 'GET', expectStatus: [{ min: 200, max: 299 }], tlsVerify: true,
  ...more,
});

test('http: status in the expected set, body regex, Host header', async () => {
  assert.deepEqual(await probeOnce(httpProbe(httpSpec('/ok'))), { ok: true, detail: 'HTTP 200' });
  const bad = await probeOnce(httpProbe(httpSpec('/down')));
  assert.equal(bad.ok, false);
  assert.match(bad.detail, /HTTP 503/);
  assert.equal((await probeOnce(httpProbe(httpSpec('/down', { expectStatus: [{ min: 503, max: 503 }] })))).ok, true);
  assert.equal((await probeOnce(httpProbe(httpSpec('/ok', { body: /ready/ })))).ok, true);
  const nomatch = await probeOnce(httpProbe(httpSpec('/ok', { body: /^healthy$/ })));
  assert.equal(nomatch.ok, false);
  assert.match(nomatch.detail, /body does not match/);
  assert.equal((await probeOnce(httpProbe(httpSpec('/host', { host: 'www.example.com', body: /host=www\.example\.com/ })))).ok, true);
});

test('http: a server that does not answer fails when the timeout aborts the request', async () => {
  const t0 = Date.now();
  const r = await probeOnce(httpProbe(httpSpec('/slow')), 300);
  assert.equal(r.ok, false);
  assert.match(r.detail, /timed out/);
  assert.ok(Date.now() - t0 < 2000);
});

test('https: a self-signed certificate fails with tls-verify and passes without it', async (t) => {
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  } catch {
    t.skip('openssl is not installed');
    return;
  }
  const srv = createHttps({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
    (_q, res) => { res.writeHead(204); res.end(); });
  await listen(srv);
  try {
    const url = `https://127.0.0.1:${port(srv)}/`;
    const strict = await probeOnce(httpProbe({ url, method: 'GET', expectStatus: [{ min: 204, max: 204 }], tlsVerify: true }));
    assert.equal(strict.ok, false);
    assert.match(strict.detail, /self.signed|SELF_SIGNED|certificate/i);
    const lax = await probeOnce(httpProbe({ url, method: 'GET', expectStatus: [{ min: 204, max: 204 }], tlsVerify: false }));
    assert.deepEqual(lax, { ok: true, detail: 'HTTP 204' });
  } finally {
    srv.closeAllConnections();
    srv.close();
  }
});

// ---- exec -------------------------------------------------------------------------------------------------------

test('exec: exit 0 is healthy; another exit code fails with the last output line', async () => {
  assert.equal((await probeOnce(execProbe({ command: ['true'] }))).ok, true);
  const r = await probeOnce(execProbe({ command: 'echo checking; echo "backend down" >&2; exit 3' }));
  assert.equal(r.ok, false);
  assert.equal(r.detail, 'exit 3: backend down');
  const missing = await probeOnce(execProbe({ command: ['/nonexistent/check'] }));
  assert.equal(missing.ok, false);
  assert.match(missing.detail, /cannot run|ENOENT/);
});

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  // A killed process not yet reaped by its new parent is a zombie: dead for our purpose.
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

test('exec: the timeout kills the whole process group, grandchildren included', async () => {
  const pidFile = join(dir, 'grandchild.pid');
  const r = await probeOnce(execProbe({ command: `sleep 30 & echo $! > ${pidFile}; sleep 30` }), 400);
  assert.equal(r.ok, false);
  assert.match(r.detail, /killed \(timeout\)/);
  for (let i = 0; i < 50 && !existsSync(pidFile); i++) await new Promise((res) => setTimeout(res, 20));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(pid > 0);
  let dead = false;
  for (let i = 0; i < 50 && !(dead = gone(pid)); i++) await new Promise((res) => setTimeout(res, 20));
  assert.equal(dead, true, `background child ${pid} survived the timeout`);
});

// ---- DNS --------------------------------------------------------------------------------------------------------

/** A tiny authoritative server: example.com A/TXT, hostname.bind CH TXT, NSID on request, REFUSED otherwise. */
function answer(q: dnsPacket.DecodedPacket, identity: string): Buffer {
  const question = q.questions![0]!;
  const name = question.name.toLowerCase();
  const wantsNsid = (q.additionals ?? []).some((a) => a.type === 'OPT' &&
    ((a as unknown as { options?: Array<{ code: number }> }).options ?? []).some((o) => o.code === 3));
  const res: dnsPacket.Packet = { type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions, answers: [] };
  let rcode = 0;
  if (name === 'example.com' && question.type === 'A') {
    res.answers = [{ type: 'A', name, ttl: 60, data: '192.0.2.1' }, { type: 'A', name, ttl: 60, data: '192.0.2.2' }];
  } else if (name === 'hostname.bind' && question.class === 'CH') {
    res.answers = [{ type: 'TXT', class: 'CH', name, ttl: 0, data: identity }];
  } else if (name === 'big.example.com' && question.type === 'TXT') {
    // Too big for UDP: TC and nothing else; the whole answer over TCP.
    if (identity === 'site-b') res.flags = dnsPacket.TRUNCATED_RESPONSE;
    else res.answers = [{ type: 'TXT', name, ttl: 60, data: ['over ', 'tcp'] }];
  } else if (name === 'mx.example.com' && question.type === 'MX') {
    res.answers = [{ type: 'MX', name, ttl: 60, data: { preference: 10, exchange: 'Mail.Example.com' } }];
  } else if (name === 'nx.example.com') {
    rcode = 3;
  } else {
    rcode = 5;
  }
  res.flags = (res.flags ?? 0) | rcode;
  if (wantsNsid) {
    res.additionals = [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0,
      options: [{ code: 3, data: Buffer.from(identity) } as unknown as dnsPacket.PacketOpt] } as dnsPacket.Answer];
  }
  return dnsPacket.encode(res);
}

let udp: UdpSocket;
let tcpDns: TcpServer;
let dnsPort = 0;
before(async () => {
  tcpDns = await listen(createTcp((c) => {
    let buf = Buffer.alloc(0);
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const out = answer(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))), 'site-b-tcp');
        const len = Buffer.alloc(2);
        len.writeUInt16BE(out.length);
        c.end(Buffer.concat([len, out]));
      }
    });
  }));
  dnsPort = port(tcpDns);
  udp = createSocket('udp4');
  udp.on('message', (msg, rinfo) => udp.send(answer(dnsPacket.decode(msg), 'site-b'), rinfo.port, rinfo.address));
  await new Promise<void>((res) => udp.bind(dnsPort, '127.0.0.1', () => res()));
});
after(() => { udp.close(); tcpDns.close(); });

const dnsSpec = (more: Partial<DnsCheckSpec>): DnsCheckSpec => ({
  server: '127.0.0.1', port: dnsPort, transport: 'udp', query: { name: 'example.com', type: 'A', class: 'IN' },
  recursionDesired: false, expectRcode: 'NOERROR', ...more,
});

test('dns over UDP: rcode and answers', async () => {
  const ok = await probeOnce(dnsProbe(dnsSpec({ expectAnswer: ['192.0.2.2'] })));
  assert.deepEqual(ok, { ok: true, detail: 'NOERROR, 2 answers' });
  const missing = await probeOnce(dnsProbe(dnsSpec({ expectAnswer: ['192.0.2.9'] })));
  assert.equal(missing.ok, false);
  assert.match(missing.detail, /192\.0\.2\.9 not among \[192\.0\.2\.1, 192\.0\.2\.2\]/);
  const refused = await probeOnce(dnsProbe(dnsSpec({ query: { name: 'other.org', type: 'A', class: 'IN' } })));
  assert.equal(refused.ok, false);
  assert.match(refused.detail, /REFUSED.*expected NOERROR/);
  assert.equal((await probeOnce(dnsProbe(dnsSpec({ query: { name: 'nx.example.com', type: 'A', class: 'IN' },
    expectRcode: 'NXDOMAIN' })))).ok, true);
});

test('dns: NSID and hostname.bind identity, over UDP and TCP', async () => {
  const nsid = await probeOnce(dnsProbe(dnsSpec({ expectNsid: 'site-b', expectHostnameBind: 'site-b' })));
  assert.deepEqual(nsid, { ok: true, detail: 'NOERROR, 2 answers, NSID site-b, hostname.bind site-b' });
  const wrong = await probeOnce(dnsProbe(dnsSpec({ expectNsid: 'site-a' })));
  assert.equal(wrong.ok, false);
  assert.match(wrong.detail, /NSID "site-b" \(expected "site-a"\)/);
  assert.equal((await probeOnce(dnsProbe(dnsSpec({ expectNsid: `hex:${Buffer.from('site-b').toString('hex')}` })))).ok, true);
  const tcp = await probeOnce(dnsProbe(dnsSpec({ transport: 'tcp', expectHostnameBind: 'site-b-tcp',
    query: { name: 'hostname.bind', type: 'TXT', class: 'CH' } })));
  assert.deepEqual(tcp, { ok: true, detail: 'NOERROR, 1 answer, hostname.bind site-b-tcp' });
});

test('dns: a truncated UDP reply is retried over TCP; names in answers compare without case or final dot', async () => {
  const big = await probeOnce(dnsProbe(dnsSpec({ query: { name: 'big.example.com', type: 'TXT', class: 'IN' },
    expectAnswer: ['over tcp'] })));
  assert.deepEqual(big, { ok: true, detail: 'NOERROR, 1 answer' });
  const mx = await probeOnce(dnsProbe(dnsSpec({ query: { name: 'mx.example.com', type: 'MX', class: 'IN' },
    expectAnswer: ['10 mail.example.com.'] })));
  assert.deepEqual(mx, { ok: true, detail: 'NOERROR, 1 answer' });
  const other = await probeOnce(dnsProbe(dnsSpec({ query: { name: 'mx.example.com', type: 'MX', class: 'IN' },
    expectAnswer: ['20 mail.example.com'] })));
  assert.match(other.detail, /20 mail\.example\.com not among \[10 Mail\.Example\.com\.\]/);
});

test('dns: the probe\'s abort (the check timing out) ends the query at once', async () => {
  const silent = createSocket('udp4');
  await new Promise<void>((res) => silent.bind(0, '127.0.0.1', () => res()));
  after(() => silent.close());
  const ac = new AbortController();
  const p = Promise.resolve(dnsProbe(dnsSpec({ port: silent.address().port }))({ signal: ac.signal, timeoutMs: 60_000 }));
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(p, /aborted/);
});

test('dns: no server on the port → the probe fails (ICMP refused or timeout)', async () => {
  const s = createSocket('udp4');
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
  const deadPort = s.address().port;
  s.close();
  const r = await probeOnce(dnsProbe(dnsSpec({ port: deadPort })), 500).catch((e: Error) => ({ ok: false, detail: e.message }));
  assert.equal(r.ok, false);
});

// ---- address ----------------------------------------------------------------------------------------------------

test('address: 127.0.0.1 and ::1 are on lo; other addresses, lengths and interfaces are not', async () => {
  assert.equal((await probeOnce(addressProbe({ address: '127.0.0.1', interface: 'lo', source: 'auto' }))).ok, true);
  assert.equal((await probeOnce(addressProbe({ address: '127.0.0.1', prefixLength: 8, interface: 'lo', source: 'auto' }))).ok, true);
  const len = await probeOnce(addressProbe({ address: '127.0.0.1', prefixLength: 32, interface: 'lo', source: 'auto' }));
  assert.equal(len.ok, false);
  assert.match(len.detail, /expected \/32/);
  assert.equal((await probeOnce(addressProbe({ address: '192.0.2.99', interface: 'lo', source: 'auto' }))).ok, false);
  assert.equal((await probeOnce(addressProbe({ address: '127.0.0.1', interface: 'nosuch0', source: 'auto' }))).ok, false);
  assert.equal((await probeOnce(addressProbe({ address: '127.0.0.1', source: 'proc' }))).ok, true);
  if (existsSync('/proc/net/if_inet6') && readFileSync('/proc/net/if_inet6', 'utf8').includes(' lo')) {
    assert.equal((await probeOnce(addressProbe({ address: '::1', interface: 'lo', source: 'auto' }))).ok, true);
    assert.equal((await probeOnce(addressProbe({ address: '0:0::1', interface: 'lo', source: 'proc' }))).ok, true);
  }
});

test('address parsers: if_inet6 DAD flags, fib_trie local table, ip -j', () => {
  const v6 = parseIfInet6([
    '00000000000000000000000000000001 01 80 10 80       lo',
    '20010db8005300000000000000000053 01 80 00 c0       lo', // 0x40 tentative
    '20010db8005300000000000000000054 01 40 00 88       lo', // 0x08 dadfailed
  ].join('\n'));
  assert.deepEqual(v6.map((e) => [e.address, e.prefixLength, e.usable, e.note ?? '']), [
    ['::1', 128, true, ''], ['2001:db8:53::53', 128, false, 'tentative'], ['2001:db8:53::54', 64, false, 'dadfailed'],
  ]);
  const trie = parseFibTrieLocal([
    'Main:', '  +-- 0.0.0.0/0 3 0 5', '     |-- 10.1.1.1', '        /32 host LOCAL',
    'Local:', '  +-- 0.0.0.0/0 3 0 5', '     |-- 127.0.0.1', '        /32 host LOCAL', '     |-- 192.0.2.53',
    '        /32 host LOCAL', '     |-- 192.0.2.255', '        /32 link BROADCAST',
  ].join('\n'));
  assert.deepEqual(trie.sort(), ['127.0.0.1', '192.0.2.53']);
  const j = parseIpAddrJson(JSON.stringify([{ ifname: 'lo', addr_info: [
    { family: 'inet6', local: '2001:db8::1', prefixlen: 128, tentative: true }, { family: 'inet', local: '192.0.2.53', prefixlen: 32 }] }]));
  assert.deepEqual(j.map((e) => [e.ifname, e.address, e.usable]), [['lo', '2001:db8::1', false], ['lo', '192.0.2.53', true]]);
});
