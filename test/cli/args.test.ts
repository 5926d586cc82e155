// The shared command-line parser: parseArgs errors become one-line UsageErrors (exit 2 in main), and the built CLI
// reports an unknown option or a missing option value without a stack trace, as {"error":…} with --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../../src/cli/args.js';
import { UsageError } from '../../src/util/errors.js';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');

test('an unknown option is a one-line UsageError naming the option and the command', () => {
  assert.throws(() => parseCommandArgs({ args: ['--bogus'], options: { json: { type: 'boolean' } } }, 'mrt dump'), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.equal(e.message, "mrt dump: Unknown option '--bogus' (anycast mrt dump --help)");
    return true;
  });
});

test('a string option without its value is a UsageError naming the option', () => {
  assert.throws(() => parseCommandArgs({ args: ['--config'], options: { config: { type: 'string' } } }, 'speaker'),
    (e: unknown) => e instanceof UsageError && e.message.includes("'--config <value>' argument missing") && !e.message.includes('\n'));
});

test('valid arguments parse as parseArgs would', () => {
  const r = parseCommandArgs({ args: ['--config', 'a.yaml', 'x'], allowPositionals: true, options: { config: { type: 'string' } } }, 'agent');
  assert.equal(r.values.config, 'a.yaml');
  assert.deepEqual(r.positionals, ['x']);
});

for (const cmd of [['speaker'], ['agent'], ['show'], ['route'], ['neighbor'], ['decode'], ['mrt', 'dump'], ['dns'], ['dns', 'query']]) {
  test(`anycast ${cmd.join(' ')} --bogus exits 2 with one line and no stack; --json gives {"error"}`, () => {
    const r = spawnSync(process.execPath, [main, ...cmd, '--bogus'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `anycast: ${cmd.join(' ')}: Unknown option '--bogus' (anycast ${cmd.join(' ')} --help)\n`);
    const j = spawnSync(process.execPath, [main, ...cmd, '--bogus', '--json'], { encoding: 'utf8' });
    assert.equal(j.status, 2);
    assert.deepEqual(JSON.parse(j.stdout), { error: { code: 'ERR_USAGE', message: `${cmd.join(' ')}: Unknown option '--bogus' (anycast ${cmd.join(' ')} --help)` } });
  });
}

// A missing or unknown subcommand is one line naming the problem (the help text is behind --help), exit 2.
for (const [cmd, expected] of [
  [['speaker'], 'anycast speaker needs --config FILE (anycast speaker --help)'],
  [['agent', 'foo'], "unknown agent command 'foo' (anycast agent --help)"],
  [['show'], 'anycast show needs what to show: neighbors, neighbor, rib, route, routes or status (anycast show --help)'],
  [['route', 'foo'], "anycast route needs add, del or list, got 'foo' (anycast route --help)"],
  [['neighbor'], 'anycast neighbor needs NAME and an action: reset, refresh, shutdown or enable (anycast neighbor --help)'],
  [['lab', 'foo'], 'unknown lab subcommand "foo" (anycast lab --help lists them)'],
  [['lab', 'check', '--bogus'], "Unknown option '--bogus' (anycast lab check --help)"],
  [['dns'], 'give --config FILE, or at least one --zone FILE (anycast dns --help)'],
  [['sim'], 'anycast sim needs a subcommand: catchment, failover, add-site, optimize, ddos, compare, converge, root (anycast sim --help)'],
  [['mrt'], 'anycast mrt needs a subcommand: dump (anycast mrt --help)'],
  [['lab'], 'anycast lab needs a subcommand: check, up, down, list, status, exec, link, node, site, capture, routes, generate, graph, run (anycast lab --help)'],
  // A malformed route is refused before any speaker is asked (none runs at this socket).
  [['route', 'add', '192.0.2.0/33', '--socket', '/nonexistent.sock'], 'anycast route add: \'192.0.2.0/33\': not a prefix (ADDRESS/LENGTH): "192.0.2.0/33"'],
  [['route', 'add', '192.0.2.128/24', '--socket', '/nonexistent.sock'], "anycast route add: '192.0.2.128/24': 192.0.2.128/24 has host bits set (the prefix is 192.0.2.0/24)"],
  [['route', 'add', '192.0.2.0/24', '--next-hop', 'bad', '--socket', '/nonexistent.sock'], 'anycast route add: --next-hop: not an IP address: "bad"'],
  [['route', 'add', '192.0.2.0/24', '--community', '65001:1', '--community', 'x', '--socket', '/nonexistent.sock'], 'anycast route add: --community: not a community (A:B or a well-known name): "x"'],
  [['route', 'del', 'nope', '--socket', '/nonexistent.sock'], 'anycast route del: \'nope\': not a prefix (ADDRESS/LENGTH): "nope"'],
  [['route', 'list', 'extra', '--socket', '/nonexistent.sock'], "unexpected argument 'extra' (anycast route --help)"],
] as const) {
  test(`anycast ${cmd.join(' ')}: one-line usage error, exit 2`, () => {
    const r = spawnSync(process.execPath, [main, ...cmd], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `anycast: ${expected}\n`);
  });
}

// An option that the chosen subcommand does not use is refused (exit 2) before any speaker or agent is contacted.
for (const [cmd, expected] of [
  [['show', 'neighbors', '--best'], '--best goes with anycast show rib'],
  [['show', 'rib', '--limit', ''], "--limit needs a non-negative integer, got ''"],
  [['show', 'rib', '--limit', '1e3'], "--limit needs a non-negative integer, got '1e3'"],
  [['show', 'rib', '--explain'], '--explain goes with anycast show route'],
  [['speaker', 'status', '--graceful-restart'], '--graceful-restart goes with anycast speaker stop'],
  [['speaker', 'status', '--file', 'x.mrt'], '--file goes with anycast speaker dump'],
  [['speaker', 'reload', '--check'], '--check goes with --config FILE, not with reload'],
  [['agent', 'status', '--check'], '--check goes with --config FILE, not with status'],
  [['neighbor', 'n1', 'enable', '--message', 'x'], '--message goes with reset or shutdown'],
] as const) {
  test(`anycast ${cmd.join(' ')}: refused, not ignored`, () => {
    const r = spawnSync(process.execPath, [main, ...cmd, '--socket', '/nonexistent/anycast.sock'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `anycast: ${expected}\n`);
  });
}

test('help is still exit 0 on stdout for sim, mrt and lab', () => {
  for (const cmd of ['sim', 'mrt', 'lab']) {
    const r = spawnSync(process.execPath, [main, cmd, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^usage: anycast ${cmd} `));
  }
});

test('a well-formed route reaches the speaker: with none running, a runtime error (exit 1), not a usage error', () => {
  const r = spawnSync(process.execPath, [main, 'route', 'add', '192.0.2.0/24', '--socket', '/nonexistent.sock'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^anycast: cannot reach the speaker at \/nonexistent\.sock/);
});
