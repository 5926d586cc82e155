// dns.yaml validation (file, key, reason for every error; unknown keys rejected; defaults), the shipped examples
// parse and load, and the CLI: --check, flags mode, SIGHUP reload keeping the last good zones, SIGTERM stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../src/util/errors.js';
import { parseDnsConfig, validateDnsConfig } from '../../src/dns/config.js';
import { loadZones } from '../../src/dns/zone/load.js';
import { queryDns } from '../../src/dns/client.js';
import { repoRoot } from './helpers.js';

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const bad = (raw: unknown, key: string, reason: RegExp) => assert.throws(() => validateDnsConfig(raw, 'dns.yaml', '1.0'),
  (e: unknown) => e instanceof ConfigError && e.file === 'dns.yaml' && e.key === key && reason.test(e.reason),
  `${key}: ${reason.source}`);
const min = { listen: ['127.0.0.1:5353'], zones: ['z.zone'] };

test('the shipped example config parses and its zones load', () => {
  const file = join(repoRoot, 'examples', 'dns', 'dns.yaml');
  const cfg = parseDnsConfig(readFileSync(file, 'utf8'), file, '1.0');
  assert.equal(cfg.identity.hostname, 'site-a.anycast.example');
  assert.equal(cfg.identity.nsid?.toString(), 'site-a');
  assert.deepEqual(cfg.listen.map((l) => [l.address, l.port]), [['127.0.0.1', 5353], ['::1', 5353]]);
  assert.equal(cfg.rrl?.responsesPerSecond, 20);
  const { zones, warnings } = loadZones(cfg.zones);
  assert.equal(zones.length, 2);
  assert.deepEqual(warnings, []);
});

test('defaults: port 53, UDP+TCP, payload 1232, version "anycast <v>", NSID = hostname, no RRL', () => {
  const c = validateDnsConfig({ identity: { hostname: 'h1' }, listen: ['192.0.2.1'], zones: ['z'] }, '/etc/dns.yaml', '2.3');
  assert.deepEqual(c.listen, [{ address: '192.0.2.1', port: 53, udp: true, tcp: true }]);
  assert.equal(c.udpPayload, 1232);
  assert.equal(c.identity.version, 'anycast 2.3');
  assert.equal(c.identity.nsid?.toString(), 'h1');
  assert.equal(c.rrl, undefined);
  assert.equal(c.zones[0]!.file, '/etc/z', 'relative to the config file');
  assert.equal(validateDnsConfig({ ...min, identity: { version: false, nsid: false } }, 'f', '1').identity.version, undefined);
});

test('every error names the key and the reason', () => {
  bad({ ...min, bogus: 1 }, 'bogus', /unknown key/);
  bad({ zones: ['z'] }, 'listen', /non-empty list/);
  bad({ listen: ['127.0.0.1:99999'], zones: ['z'] }, 'listen[0]', /port 99999/);
  bad({ listen: ['not-an-ip:53'], zones: ['z'] }, 'listen[0]', /not an IP address/);
  bad({ listen: [{ address: '::1', port: 53, udp: false, tcp: false }], zones: ['z'] }, 'listen[0]', /nothing to listen/);
  bad({ listen: [{ address: '::1', extra: 1 }], zones: ['z'] }, 'listen[0].extra', /unknown key/);
  bad({ listen: ['::1'] }, 'zones', /non-empty list/);
  bad({ ...min, zones: [{ file: 'z', origin: 'a..b' }] }, 'zones[0].origin', /empty label/);
  bad({ ...min, edns: { 'udp-payload': 100 } }, 'edns.udp-payload', /512 to 4096 octets/);
  bad({ ...min, tcp: { 'idle-timeout-ms': 'x' } }, 'tcp.idle-timeout-ms', /integer/);
  bad({ ...min, rrl: { slip: 2 } }, 'rrl.responses-per-second', /required/);
  bad({ ...min, rrl: { 'responses-per-second': 5, exempt: ['300.1.1.1/8'] } }, 'rrl.exempt[0]', /not an address prefix/);
  bad({ ...min, identity: { 'nsid-hex': 'abc' } }, 'identity.nsid-hex', /even number/);
  bad({ ...min, identity: { nsid: 'a', 'nsid-hex': 'ab' } }, 'identity.nsid-hex', /not both/);
  bad({ ...min, log: { level: 'loud' } }, 'log.level', /debug, info/);
  bad({ ...min, stats: { listen: 'x:1' } }, 'stats.listen', /not an IP/);
  assert.throws(() => parseDnsConfig('listen: [\n', 'y.yaml', '1'), (e: unknown) => e instanceof ConfigError && /y\.yaml/.test(e.message));
});

function run(args: string[]) {
  return spawnSync(process.execPath, [cli, 'dns', ...args], { encoding: 'utf8', timeout: 20_000 });
}

test('CLI --check: OK with a summary, or exit 1 with file:line for a broken zone, JSON error with --json', () => {
  const ok = run(['--config', join(repoRoot, 'examples', 'dns', 'dns.yaml'), '--check']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /zone example\.com\. serial 2024060101, 30 records/);
  const dir = mkdtempSync(join(tmpdir(), 'acd-cfg-'));
  try {
    writeFileSync(join(dir, 'bad.zone'), '$TTL 1\n@ SOA ns h 1 2 3 4 5\nwww A 999.0.0.1\n');
    writeFileSync(join(dir, 'dns.yaml'), 'listen: ["127.0.0.1:5300"]\nzones: [{ file: bad.zone, origin: example.com }]\n');
    const r = run(['--config', join(dir, 'dns.yaml'), '--check']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.zone:3: A: '999\.0\.0\.1' is not an IPv4 address/);
    writeFileSync(join(dir, 'dns.yaml'), 'listen: ["127.0.0.1:5300"]\nzones: [bad.zone]\nrrl: { slip: 1 }\n');
    const j = run(['--config', join(dir, 'dns.yaml'), '--check', '--json']);
    assert.equal(j.status, 1);
    assert.deepEqual(JSON.parse(j.stdout), { error: { code: 'ERR_CONFIG',
      message: `${join(dir, 'dns.yaml')}: rrl.responses-per-second: is required when rrl is set (line 3)` } });
    const u = run(['--zone', 'x.zone']);
    assert.equal(u.status, 2);
    assert.match(u.stderr, /--listen/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI serve: SIGHUP reloads, a broken zone keeps the last good one (error logged), SIGTERM stops cleanly', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'acd-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const zone = join(dir, 'example.com.zone');
  copyFileSync(join(repoRoot, 'examples', 'dns', 'example.com.zone'), zone);
  // The CLI takes a fixed port: ask the OS for a free one first.
  const port = await new Promise<number>((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
  const child = spawn(process.execPath, [cli, 'dns', '--zone', zone, '--listen', `127.0.0.1:${port}`, '--hostname', 'cli-site'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 100 && !re.test(log); i++) await sleep(50);
    assert.match(log, re);
  };
  await waitFor(/dns server listening/);
  const ask = () => queryDns({ server: '127.0.0.1', port, name: 'www.example.com', timeoutMs: 1000 });
  assert.equal((await ask()).answers.length, 2);
  writeFileSync(zone, readFileSync(zone, 'latin1').replace('2024060101', '2024060102').replace(/^www .*$/m, 'www 60 IN A 203.0.113.1'));
  child.kill('SIGHUP');
  await waitFor(/"msg":"reloaded".*2024060102/);
  assert.deepEqual((await ask()).answers.map((a) => a.data), ['203.0.113.1', '192.0.2.11']);
  writeFileSync(zone, 'this is not a zone\n');
  child.kill('SIGHUP');
  await waitFor(/reload failed; still serving the last good zones/);
  assert.match(log, /example\.com\.zone:1: /);
  assert.deepEqual((await ask()).answers.map((a) => a.data), ['203.0.113.1', '192.0.2.11']);
  const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(log, /"msg":"stopped"/);
  for (const line of log.trim().split('\n')) JSON.parse(line); // every log line is JSON
});
