// `anycast dns --check` errors say the file, the key and the reason, with the line where the YAML knows it (the
// speaker's reader, "(line N)" as the agent and speaker say it); zone-file errors say file:line; an error a zone
// file cannot place on a line (unreadable, no SOA, a duplicate zone) names the config key that asked for the zone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/util/errors.js';
import { parseDnsConfig } from '../../src/dns/config.js';
import { loadZones, ZoneLoadError } from '../../src/dns/zone/load.js';
import { repoRoot } from './helpers.js';

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const check = (args: string[]) => spawnSync(process.execPath, [cli, 'dns', '--check', ...args], { encoding: 'utf8', timeout: 20_000 });

const configError = (text: string, key: string, reason: string) =>
  assert.throws(() => parseDnsConfig(text, 'dns.yaml', '1.0'), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.file, 'dns.yaml');
    assert.equal(e.key, key);
    assert.equal(e.reason, reason);
    return true;
  });

test('config errors carry the line of the key (or of its closest parent in the file)', () => {
  const head = 'identity:\n  hostname: a\nlisten:\n  - 127.0.0.1:5353\n';
  configError(`${head}  - address: 127.0.0.1\n    port: 99999\nzones: [z.zone]\n`, 'listen[1].port',
    'must be an integer from 0 to 65535 (got 99999) (line 6)');
  configError(`${head}zones: [z.zone]\nrrl:\n  responses-per-second: 5\n  slipp: 2\n`, 'rrl.slipp',
    'unknown key (expected one of: responses-per-second, nxdomains-per-second, errors-per-second, slip, window, ' +
    'ipv4-prefix-length, ipv6-prefix-length, max-entries, exempt) (line 8)');
  // A required key that is absent: the line of the mapping that lacks it.
  configError(`${head}zones: [z.zone]\n\nrrl:\n  slip: 1\n`, 'rrl.responses-per-second', 'is required when rrl is set (line 8)');
  configError(`${head}zones:\n  - z.zone\n  - { file: y.zone, origin: "a..b" }\n`, 'zones[1].origin',
    "empty label in name 'a..b.' (line 7)");
  // Nothing in the file to point at: no line.
  configError('zones: [z.zone]\n', 'listen', 'must be a non-empty list of addresses');
});

test('YAML syntax errors and duplicate keys say line and column', () => {
  configError('listen: [127.0.0.1:5353\nzones: [z.zone]\n', '',
    'YAML syntax error at line 2, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]');
  assert.throws(() => parseDnsConfig('listen: [127.0.0.1:53]\nzones: [a]\nlisten: [::1]\n', 'dns.yaml', '1.0'),
    (e: unknown) => e instanceof ConfigError && /^YAML syntax error at line 3, column 1: Map keys must be unique/.test(e.reason));
});

test('zone errors: file:line for what the zone file shows; the config key for what it cannot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acg-check-'));
  try {
    writeFileSync(join(dir, 'a.zone'), '$ORIGIN example.com.\n$TTL 300\n@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n' +
      'www A 192.0.2.300\nbad BOGUS x\n');
    writeFileSync(join(dir, 'b.yaml'), 'origin: example.org.\nttl: 300\nrecords:\n  - { name: "@", type: SOA, data: "ns1 hm 1 2 3 4 5" }\n' +
      '  - { name: x, data: 192.0.2.1 }\n');
    writeFileSync(join(dir, 'c.zone'), '$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n');
    writeFileSync(join(dir, 'dns.yaml'), 'listen: [127.0.0.1:5353]\nzones:\n  - a.zone\n  - b.yaml\n  - c.zone\n\n  - missing.zone\n  - c.zone\n');
    const cfgFile = join(dir, 'dns.yaml');
    const r = check(['--config', cfgFile]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      `anycast: ${join(dir, 'a.zone')}:6: A: '192.0.2.300' is not an IPv4 address`,
      `${join(dir, 'a.zone')}:7: unknown record type or class 'BOGUS'`,
      `${join(dir, 'b.yaml')}:5: records[1]: type: missing (A, AAAA, TXT, …)`,
      `${join(dir, 'missing.zone')}: cannot read: ENOENT (zones[3] of ${cfgFile}, line 7)`,
      `${join(dir, 'c.zone')}: zone example.net. is also loaded from ${join(dir, 'c.zone')} (zones[4] of ${cfgFile}, line 8)`,
    ]);
    const j = check(['--config', cfgFile, '--json']);
    assert.equal(j.status, 1);
    const out = JSON.parse(j.stdout) as { error: { code: string; message: string } };
    assert.equal(out.error.code, 'ERR_ZONE');
    assert.match(out.error.message, /missing\.zone: cannot read: ENOENT \(zones\[3\] of .*dns\.yaml, line 7\)/);
    // Flags mode: the flag that named the zone.
    const f = check(['--zone', join(dir, 'nope.zone'), '--listen', '127.0.0.1:5353']);
    assert.equal(f.status, 1);
    assert.equal(f.stderr, `anycast: ${join(dir, 'nope.zone')}: cannot read: ENOENT (--zone ${join(dir, 'nope.zone')})\n`);
    // The library without a `from`: the error as the zone file alone can say it.
    assert.throws(() => loadZones([{ file: join(dir, 'nope.zone') }]),
      (e: unknown) => e instanceof ZoneLoadError && e.message === `${join(dir, 'nope.zone')}: cannot read: ENOENT`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
