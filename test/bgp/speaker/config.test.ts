// The speaker's configuration: every shipped example passes `anycast speaker --check`; defaults come from one
// place; templates merge; and bad input is rejected with the file, the key, the reason and the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpeakerConfig, SPEAKER_DEFAULTS } from '../../../src/bgp/config/index.js';
import { PEER_DEFAULTS } from '../../../src/bgp/peer/config.js';
import { ConfigError } from '../../../src/util/errors.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const EXAMPLES = join(ROOT, 'examples', 'speaker');

test('every shipped example passes anycast speaker --check (exit 0, JSON summary)', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 3, 'route server, anycast site and iBGP RR examples');
  for (const f of files) {
    const out = execFileSync(process.execPath, [CLI, 'speaker', '--config', join(EXAMPLES, f), '--check', '--json'], { encoding: 'utf8' });
    const r = JSON.parse(out) as { ok: boolean; neighbors: number };
    assert.equal(r.ok, true, f);
    assert.ok(r.neighbors > 0, f);
  }
});

test('a bad file: exit 1, file, key, reason and line on stderr; --json gives the error object', () => {
  const bad = join(ROOT, 'dist', 'speaker-bad.yaml');
  const fs = { write: (t: string) => execFileSync('sh', ['-c', `cat > ${bad}`], { input: t }) };
  fs.write('router-id: 192.0.2.1\nlocal-as: 65001\nneighbors:\n  - address: 192.0.2.2\n    remote-as: 65002\n    hold-time: 2\n');
  let err = null as { status: number; stderr: string; stdout: string } | null;
  try { execFileSync(process.execPath, [CLI, 'speaker', '--config', bad, '--check'], { encoding: 'utf8', stdio: 'pipe' }); } catch (e) { err = e as never; }
  assert.ok(err !== null);
  assert.equal(err.status, 1);
  assert.equal(err.stderr.trim(), `anycast: ${bad}: neighbors[0].hold-time: must be 0 or 3..65535 seconds, got 2 (line 6)`);
  try { execFileSync(process.execPath, [CLI, 'speaker', '--config', bad, '--check', '--json'], { encoding: 'utf8', stdio: 'pipe' }); } catch (e) { err = e as never; }
  assert.deepEqual(JSON.parse(err!.stdout), { error: { code: 'ERR_CONFIG', message: `${bad}: neighbors[0].hold-time: must be 0 or 3..65535 seconds, got 2 (line 6)` } });
});

function fails(yaml: string, key: string, reason: RegExp): void {
  try {
    parseSpeakerConfig(yaml, 'x.yaml');
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.file, 'x.yaml');
    assert.equal(e.key, key, e.message);
    assert.match(e.reason, reason);
    return;
  }
  assert.fail(`accepted: ${yaml}`);
}

const HEAD = 'router-id: 192.0.2.1\nlocal-as: 65001\n';

test('config errors name the key and the reason, with the line', () => {
  fails('local-as: 65001\n', 'router-id', /required/);
  fails(HEAD + 'neighbours: []\n', 'neighbours', /unknown key \(known here: .*neighbors.*\) \(line 3\)/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65002, hodl-time: 3 }\n', 'neighbors[0].hodl-time', /unknown key/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65002, hold-time: 2 }\n', 'neighbors[0].hold-time', /0 or 3\.\.65535 seconds, got 2 \(line 4\)/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.300, remote-as: 65002 }\n', 'neighbors[0].address', /not an IP address/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2 }\n', 'neighbors[0].remote-as', /required/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65002, import: nope }\n', 'neighbors[0].import', /no policy named "nope"/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65002 }\n  - { address: 192.0.2.2, remote-as: 65003 }\n', 'neighbors[1].address', /duplicate/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65002, max-prefix: { limit: 0 } }\n', 'neighbors[0].max-prefix.limit', /1\.\.4294967295/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65002, families: [ipv4-multicast] }\n', 'neighbors[0].families[0]', /ipv4-unicast and ipv6-unicast/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65002, password: secret }\n', 'neighbors[0].password', /RFC 2385/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65002, graceful-restart: { restart-time: 4096 } }\n', 'neighbors[0].graceful-restart.restart-time', /0\.\.4095/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65002, route-reflector-client: true }\n', 'neighbors[0].route-reflector-client', /iBGP/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65001, local-role: customer }\n', 'neighbors[0].local-role', /eBGP/);
  fails(HEAD + 'networks: [ 192.0.2.1/24 ]\n', 'networks[0]', /host bits set \(the prefix is 192\.0\.2\.0\/24\)/);
  fails(HEAD + 'networks: [ { prefix: 192.0.2.0/24, communities: ["1:2:3:4"] } ]\n', 'networks[0].communities[0]', /not a community/);
  fails(HEAD + 'policies:\n  p:\n    terms:\n      - match: { comunity: "1:1" }\n        action: accept\n', 'policies.p.terms[0].match.comunity', /unknown key.*\(line 6\)/);
  fails(HEAD + 'prefix-lists:\n  l: [ "192.0.2.0/24 ge 20" ]\n', 'prefix-lists.l[0]', /ge 20/);
  fails(HEAD + 'control: { listen: "192.0.2.1:8179" }\n', 'control.listen', /localhost only/);
  fails(HEAD + 'fib: { kind: kernal }\n', 'fib.kind', /expected one of auto, kernel, memory, noop, none/);
  fails(HEAD + 'templates:\n  t: { hold-time: 1 }\n', 'templates.t.hold-time', /0 or 3\.\.65535/);
  fails(HEAD + 'neighbors:\n  - { address: 192.0.2.2, remote-as: 65002, template: nope }\n', 'neighbors[0].template', /no template named "nope"/);
  fails(HEAD + 'dynamic-neighbors:\n  - { name: r, prefix: 198.51.100.0/24 }\n', 'dynamic-neighbors[0].remote-as', /remote-as or remote-as-range/);
  fails(HEAD + 'bad: [\n', '', /YAML syntax error at line/);
});

test('defaults come from one place and templates merge under the neighbor\'s own keys', () => {
  const c = parseSpeakerConfig(HEAD + `
templates:
  t: { hold-time: 30, import: accept, export: accept, max-prefix: 100 }
neighbors:
  - { name: a, address: 192.0.2.2, remote-as: 65002, template: t, hold-time: 60 }
  - { name: b, address: "2001:db8::2", remote-as: 65003 }
`, 'x.yaml');
  assert.deepEqual(c.listen, SPEAKER_DEFAULTS.listen);
  assert.equal(c.mrai, SPEAKER_DEFAULTS.mrai);
  assert.deepEqual(c.decision, SPEAKER_DEFAULTS.decision);
  const [a, b] = c.neighbors;
  assert.equal(a!.session.holdTime, 60, 'the neighbor overrides its template');
  assert.equal(a!.importPolicy, 'accept');
  assert.deepEqual(a!.session.maxPrefix, { limit: 100 });
  assert.equal(b!.session.holdTime, undefined, 'left to the session layer default');
  assert.equal(PEER_DEFAULTS.holdTime, 90);
  assert.equal(b!.importPolicy, null, 'no policy: RFC 8212 applies');
  assert.equal(b!.name, 'b');
  assert.equal(c.control.socket?.endsWith('speaker.sock'), true);
});
