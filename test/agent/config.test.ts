import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/util/errors.js';
import { loadConfigFile, parseConfigText } from '../../src/agent/config/parse.js';
import { DEFAULT_CHECK_TIMING } from '../../src/agent/config/defaults.js';
import { formatDuration, parseCommunity, parseDuration } from '../../src/agent/config/units.js';
import { speakerConfigFor } from '../../src/agent/backends/speaker-config.js';
import { assertAvailable } from '../../src/agent/backends/index.js';

const base = `
backend: { type: bird, bird: { local-as: 64512 } }
services:
  dns:
    prefixes: [192.0.2.0/24, "2001:db8:53::/48"]
    checks:
      - { type: tcp, port: 53 }
`;

function fails(text: string, key: string, reason: RegExp) {
  assert.throws(() => parseConfigText(text, 'agent.yaml'), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.file, 'agent.yaml');
    assert.equal(e.key, key);
    assert.match(e.reason, reason);
    return true;
  });
}

test('every shipped example parses', () => {
  const dir = join(process.cwd(), 'examples', 'agent');
  // Agent configurations (dns.yaml there is the hosted responder's own file, validated through hosted-dns.yaml).
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && /^services:/m.test(readFileSync(join(dir, f), 'utf8')));
  assert.deepEqual(files.sort(), ['agent.yaml', 'hosted-dns.yaml', 'speaker.yaml']);
  for (const f of files) {
    const { config, hash } = loadConfigFile(join(dir, f));
    assert.ok(config.services.length > 0, f);
    assert.match(hash, /^[0-9a-f]{16}$/);
    // The speaker's own loader accepts what the agent's section becomes (next hops from a fixed interface list).
    if (config.backend.type === 'speaker') assert.ok(speakerConfigFor(config.backend.speaker!, {}).neighbors.length > 0, f);
  }
});

test('defaults come from one place and fill every omitted key', () => {
  const { config } = parseConfigText(base, 'agent.yaml');
  const s = config.services[0]!;
  assert.deepEqual(s.checks[0]!.timing, DEFAULT_CHECK_TIMING);
  assert.equal(s.checks[0]!.name, 'tcp');
  assert.deepEqual(s.checks[0]!.spec, { type: 'tcp', host: '127.0.0.1', port: 53 });
  assert.equal(s.degrade.mode, 'drain');
  assert.equal(s.degrade.gracefulShutdown, true);
  assert.equal(config.control.socket, '/run/anycast/agent.sock');
  assert.equal(config.backend.bird!.includeFile, '/etc/bird/anycast-agent.conf');
  assert.equal(config.metrics, null);
});

test('durations need units; communities accept well-known names', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2s'), 2000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.match(String(parseDuration(2)), /needs a unit/);
  assert.match(String(parseDuration('2 s')), /not a duration/);
  assert.equal(formatDuration(90_000), '90s');
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(parseCommunity('graceful-shutdown'), '65535:0');
  assert.equal(parseCommunity('64512:0100'), '64512:100');
  assert.ok(typeof parseCommunity('70000:1') !== 'string');
});

test('unknown keys are rejected with file, key, the known keys and the line', () => {
  fails(base.replace('{ type: tcp, port: 53 }', '{ type: tcp, port: 53, intervall: 2s }'),
    'services.dns.checks[0].intervall', /unknown key \(known here: .*interval.*\) \(line 7\)/);
  fails(`${base}bogus: 1\n`, 'bogus', /unknown key/);
  fails(base.replace('type: bird,', 'type: bird, birdd: {},'), 'backend.birdd', /unknown key/);
});

test('values are checked: types, ranges, prefixes, cross-field rules', () => {
  fails(base.replace('port: 53', 'port: 70000'), 'services.dns.checks[0].port', /integer 1\.\.65535/);
  fails(base.replace('port: 53', 'port: 53, interval: 2'), 'services.dns.checks[0].interval', /needs a unit/);
  fails(base.replace('port: 53', 'port: 53, interval: 1s, timeout: 2s'), 'services.dns.checks[0].timeout', /exceeds the interval/);
  fails(base.replace('192.0.2.0/24', '192.0.2.1/24'), 'services.dns.prefixes[0]', /host bits set \(did you mean 192\.0\.2\.0\/24\?\)/);
  fails(base.replace('    checks:', '    addresses: [198.51.100.1]\n    checks:'), 'services.dns.addresses[0]', /not inside any of the service's prefixes/);
  fails(base.replace('local-as: 64512', 'socket: /x').replace('    checks:', '    degrade: { prepend: 2 }\n    checks:'),
    'backend.bird.local-as', /needs the AS to prepend/);
  fails(base.replace('    checks:', '    degrade: { graceful-shutdown: false }\n    checks:'), 'services.dns.degrade', /needs a worse path/);
  fails(base.replace('  dns:', '  DNS!:'), 'services.DNS!', /service name/);
  fails(`${base}prefixes: { "203.0.113.0/24": { co-location: pessimistic } }\n`, 'prefixes.203.0.113.0/24', /no service announces/);
  fails(base.replace('checks:\n      - { type: tcp, port: 53 }', 'checks: []'), 'services.dns.checks', /at least one check/);
  fails('{}', 'backend', /a backend is needed/);
  fails(`${base}control: { listen: 192.0.2.1:9179 }\n`, 'control.listen', /not a loopback address/);
  assert.deepEqual(parseConfigText(`${base}control: { listen: "[::1]:9179" }\n`, 'a').config.control.listen, { host: '::1', port: 9179 });
  fails('services: [\n', '', /YAML syntax error at line 2/);
});

test('services sharing a prefix must agree on its attributes', () => {
  const two = `${base}  ntp:
    prefixes: [192.0.2.0/24]
    communities: [64512:7]
    checks: [{ type: tcp, port: 123 }]
`;
  fails(two, 'services.ntp.prefixes[0]', /also announced by service dns with a different med\/communities/);
});

test('check forms: list + require, nested groups, names made unique', () => {
  const { config } = parseConfigText(base.replace('      - { type: tcp, port: 53 }\n',
    '      - { type: tcp, port: 53 }\n      - { type: tcp, port: 54 }\n      - any: [{ type: exec, command: "true" }, { type: address, address: 192.0.2.53/32, interface: lo }]\n    require: 2\n'),
  'agent.yaml');
  const s = config.services[0]!;
  assert.deepEqual(s.checks.map((c) => c.name), ['tcp', 'tcp-2', 'exec', 'address']);
  assert.equal(s.require.kind, 'at-least');
  fails(base.replace('      - { type: tcp, port: 53 }\n', '      - { type: tcp, port: 53 }\n    require: 3\n'),
    'services.dns.require', /integer 1\.\.1/);
});

test('the speaker backend section is validated, and this build has the embedded speaker', async () => {
  const speaker = base.replace('{ type: bird, bird: { local-as: 64512 } }',
    '{ type: speaker, speaker: { local-as: 64512, router-id: 192.0.2.1, peers: [{ address: 10.0.0.1, as: 64500, families: [ipv4-unicast, ipv6-unicast] }] } }');
  const { config } = parseConfigText(speaker, 'agent.yaml');
  assert.deepEqual(config.backend.speaker!.peers[0]!.families, ['ipv4-unicast', 'ipv6-unicast']);
  assert.equal(config.backend.speaker!.gracefulRestart, false, 'graceful restart is off unless asked for');
  await assertAvailable(config);
  fails(speaker.replace('router-id: 192.0.2.1', 'router-id: 2001:db8::1'), 'backend.speaker.router-id', /IPv4 dotted/);
  fails(speaker.replace('router-id: 192.0.2.1', 'router-id: 192.0.2'), 'backend.speaker.router-id', /IPv4 dotted.*, got "192\.0\.2" \(line \d+\)$/);
  fails(speaker.replace('address: 10.0.0.1', 'address: 10.0.0.300'), 'backend.speaker.peers[0].address', /IPv4 or IPv6 address, got "10\.0\.0\.300" \(line \d+\)$/);
  fails(speaker.replace('families: [ipv4-unicast, ipv6-unicast]', 'families: [ipv4-flowspec]'),
    'backend.speaker.peers[0].families[0]', /unknown family/);
  fails(speaker.replace('families: [ipv4-unicast, ipv6-unicast]', 'families: [ipv4-unicast]'),
    'services.dns.prefixes[1]', /no speaker peer carries ipv6-unicast/);
});

test('a hosted DNS responder: its dns.yaml and zones are validated with the agent configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aca-resp-'));
  try {
    const agentFile = join(dir, 'agent.yaml');
    writeFileSync(agentFile, base.replace('    checks:', '    responder: { kind: dns, config: dns.yaml }\n    checks:'));
    assert.throws(() => loadConfigFile(agentFile), (e: unknown) => e instanceof ConfigError &&
      e.key === 'services.dns.responder.config' && /cannot read .*dns\.yaml/.test(e.reason));
    writeFileSync(join(dir, 'dns.yaml'), 'listen: ["127.0.0.1:5300"]\nzones: [example.com.zone]\nbogus: 1\n');
    assert.throws(() => loadConfigFile(agentFile), (e: unknown) => e instanceof ConfigError &&
      e.key === 'services.dns.responder.config' && /bogus/.test(e.reason));
    writeFileSync(join(dir, 'dns.yaml'), 'listen: ["127.0.0.1:5300"]\nzones: [example.com.zone]\n');
    writeFileSync(join(dir, 'example.com.zone'), '$ORIGIN example.com.\n@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 300 IN A 999.0.0.1\n');
    assert.throws(() => loadConfigFile(agentFile), (e: unknown) => e instanceof ConfigError && /999\.0\.0\.1/.test(e.reason));
    writeFileSync(join(dir, 'example.com.zone'), '$ORIGIN example.com.\n@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 300 IN NS ns1\nns1 300 IN A 192.0.2.53\n');
    const { config } = loadConfigFile(agentFile);
    assert.deepEqual(config.services[0]!.responder, { kind: 'dns', config: join(dir, 'dns.yaml') }, 'resolved next to agent.yaml');
    fails(base.replace('    checks:', '    responder: { kind: dns }\n    checks:'), 'services.dns.responder.config', /configuration file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the configuration hash is stable across spellings and changes with the effective config', () => {
  const a = parseConfigText(base, 'a.yaml').hash;
  const b = parseConfigText(base.replace('{ type: tcp, port: 53 }', '{ port: 53, type: tcp, interval: 2000ms }'), 'b.yaml').hash;
  const c = parseConfigText(base.replace('port: 53', 'port: 5353'), 'a.yaml').hash;
  assert.equal(a, b, 'same effective configuration, same hash');
  assert.notEqual(a, c);
});
