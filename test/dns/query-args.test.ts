// `anycast dns query` arguments: every bad value (type, class, server, name, port, timeout, bufsize) is a one-line
// UsageError naming the value and what is accepted, and the built CLI exits 2 with it (as {"error":…} with --json)
// before sending anything; good values reach the query unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { queryOptionsFromArgs } from '../../src/dns/query-args.js';
import { queryDns } from '../../src/dns/client.js';
import { UsageError } from '../../src/util/errors.js';
import { repoRoot } from './helpers.js';

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

const usage = (positionals: string[], values: Record<string, string | boolean>, re: RegExp) =>
  assert.throws(() => queryOptionsFromArgs(positionals, values), (e: unknown) => {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
    assert.equal(e.code, 'ERR_USAGE');
    assert.ok(!e.message.includes('\n'), 'one line');
    assert.match(e.message, re);
    return true;
  });

test('unknown type or class: the bad value and the accepted ones', () => {
  usage(['127.0.0.1', 'x.example'], { type: 'BOGUS' }, /^dns query: unknown record type 'BOGUS' \(accepted: A, NS, .*AAAA.*, or TYPE0\.\.TYPE65535\)$/);
  usage(['127.0.0.1', 'x.example', 'BOGUS'], {}, /unknown record type 'BOGUS'/);
  usage(['127.0.0.1', 'x.example', 'OPT'], {}, /unknown record type 'OPT'/);
  usage(['127.0.0.1', 'x.example', 'TYPE65536'], {}, /unknown record type 'TYPE65536'/);
  usage(['127.0.0.1', 'x.example'], { class: 'FOO' }, /^dns query: unknown class 'FOO' \(accepted: IN, CH, HS, ANY, CHAOS, or CLASS0\.\.CLASS65535\)$/);
  usage(['127.0.0.1', 'x.example', 'A'], { type: 'AAAA' }, /type given twice: 'A' and --type 'AAAA'/);
});

test('server, name, port, timeout and bufsize: strict, with the accepted range', () => {
  usage(['example.com', 'x.example'], {}, /server 'example\.com' is not an IP address \(accepted: an IPv4 or IPv6 address/);
  usage(['192.0.2.300', 'x.example'], {}, /server '192\.0\.2\.300' is not an IP address/);
  usage(['127.0.0.1', 'a..b'], {}, /name 'a\.\.b' is not a domain name: empty label/);
  usage(['127.0.0.1', `${'a'.repeat(64)}.example`], {}, /label .* is 64 octets \(max 63\)/);
  usage(['127.0.0.1', Array(9).fill('a'.repeat(40)).join('.')], {}, /max 255/);
  for (const p of ['0', '65536', '0x35', '5e1', '-1', '53.0', '']) {
    usage(['127.0.0.1', 'x.example'], { port: p }, new RegExp(`--port '${p.replace('.', '\\.')}' is not valid \\(accepted: a whole number from 1 to 65535\\)`));
  }
  for (const t of ['0', 'abc', '1e9', '3600001', '1.5']) {
    usage(['127.0.0.1', 'x.example'], { timeout: t }, /--timeout '.*' is not valid \(accepted: a whole number from 1 to 3600000 milliseconds\)/);
  }
  usage(['127.0.0.1', 'x.example'], { bufsize: '65536' }, /--bufsize '65536' is not valid \(accepted: a whole number from 0 to 65535 octets\)/);
  usage(['127.0.0.1', 'x.example'], { bufsize: '4096', 'no-edns': true }, /--bufsize and --no-edns exclude each other/);
  usage(['127.0.0.1', 'x.example'], { nsid: true, 'no-edns': true }, /--nsid needs EDNS/);
  usage(['127.0.0.1'], {}, /needs SERVER NAME \[TYPE\]/);
});

test('good arguments become the query options (defaults, @server, [v6], --type, CHAOS)', () => {
  assert.deepEqual(queryOptionsFromArgs(['127.0.0.1', 'www.example.com'], {}), {
    server: '127.0.0.1', port: 53, name: 'www.example.com', type: 'A', class: 'IN', nsid: false, tcp: false, edns: 1232,
    timeoutMs: 2000,
  });
  const o = queryOptionsFromArgs(['@[2001:db8::1]', 'hostname.bind'], { type: 'txt', class: 'chaos', port: '5353',
    timeout: '150', bufsize: '4096', nsid: true, tcp: true });
  assert.deepEqual(o, { server: '2001:db8::1', port: 5353, name: 'hostname.bind', type: 'TXT', class: 'CH', nsid: true,
    tcp: true, edns: 4096, timeoutMs: 150 });
  assert.equal(queryOptionsFromArgs(['::1', 'x.', 'TYPE65280'], { 'no-edns': true }).edns, false);
  assert.equal(queryOptionsFromArgs(['::1', 'x.', 'aaaa'], { type: 'AAAA' }).type, 'AAAA');
});

test('queryDns refuses a server that is not an IP address (node:dgram would throw out of reach)', async () => {
  await assert.rejects(queryDns({ server: 'localhost', name: 'x.example', timeoutMs: 100 }),
    (e: unknown) => (e as { code?: string }).code === 'ERR_DNS_QUERY' && /not an IP address/.test((e as Error).message));
});

for (const [args, message] of [
  [['127.0.0.1', 'x.example', '--type', 'BOGUS'], /^dns query: unknown record type 'BOGUS'/],
  [['127.0.0.1', 'x.example', 'BOGUS'], /^dns query: unknown record type 'BOGUS'/],
  [['127.0.0.1', 'x.example', '--class', 'FOO'], /^dns query: unknown class 'FOO'/],
  [['not-an-address', 'x.example'], /^dns query: server 'not-an-address' is not an IP address/],
  [['127.0.0.1', 'x.example', '--port', '70000'], /^dns query: --port '70000' is not valid/],
  [['127.0.0.1', 'x.example', '--timeout', 'soon'], /^dns query: --timeout 'soon' is not valid/],
] as const) {
  test(`CLI: anycast dns query ${args.join(' ')} exits 2, one line; --json gives {"error":{code,message}}`, () => {
    const r = spawnSync(process.execPath, [cli, 'dns', 'query', ...args], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^anycast: dns query: [^\n]+\n$/);
    assert.match(r.stderr.slice('anycast: '.length), message);
    const j = spawnSync(process.execPath, [cli, 'dns', 'query', ...args, '--json'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(j.status, 2);
    const out = JSON.parse(j.stdout) as { error: { code: string; message: string } };
    assert.deepEqual(Object.keys(out), ['error']);
    assert.equal(out.error.code, 'ERR_USAGE');
    assert.match(out.error.message, message);
  });
}

test('CLI flags mode: a fractional --udp-batch or an out-of-range --udp-payload is a usage error naming the value', () => {
  for (const [flag, value, accepted] of [['--udp-batch', '1.5', 'a whole number from 1 to 1024'],
    ['--udp-payload', '100', 'a whole number from 512 to 4096'], ['--rrl', 'fast', 'a number from 0 to 1000000']] as const) {
    const r = spawnSync(process.execPath, [cli, 'dns', '--zone', 'x.zone', '--listen', '127.0.0.1:5353', flag, value, '--check'],
      { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, `anycast: ${flag} '${value}' is not valid (accepted: ${accepted})\n`);
  }
});
