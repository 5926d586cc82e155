// The `anycast lab` and `anycast demo` command lines without root: check, graph, generate; a bad topology is
// refused with file, key and reason before anything is recorded or created.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, WORLD } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('lab check: a summary, and --json with the counts', () => {
  const r = cli(['lab', 'check', WORLD]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /OK — 14 ASes, 24 routers \(24 anycast\), 29 links, 25 relationships, 7 sites, 20 clients; 51 namespaces/);
  const j = JSON.parse(cli(['lab', 'check', WORLD, '--json']).out);
  assert.equal(j.routers, 24);
  assert.equal(j.sites.find((s: { name: string }) => s.name === 'chennai').announce, false);
});

test('a bad topology is refused before anything is recorded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acl-cli-'));
  try {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nases:\n  64500:\n    routers:\n      r1: {}\nlinks:\n  - {a: r1, b: ghost}\n');
    const state = join(dir, 'state');
    const r = cli(['lab', 'up', bad, '--json'], { ANYCAST_STATE_DIR: state });
    assert.equal(r.code, 1);
    const e = JSON.parse(r.out).error;
    assert.equal(e.code, 'ERR_CONFIG');
    assert.equal(e.message, `${bad}: links[0].b: link to nowhere: "ghost" is not a router of any AS (line 7)`);
    assert.ok(!existsSync(state) || readdirSync(state).length === 0, 'nothing recorded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lab graph and lab generate', () => {
  const g = cli(['lab', 'graph', WORLD, '--format', 'dot']);
  assert.equal(g.code, 0, g.err);
  assert.match(g.out, /^graph "world" \{/);
  const gen = cli(['lab', 'generate', '--routers', '30', '--seed', '7']);
  assert.equal(gen.code, 0, gen.err);
  assert.match(gen.out, /name: gen30/);
  const dir = mkdtempSync(join(tmpdir(), 'acl-gen-'));
  try {
    writeFileSync(join(dir, 'g.yaml'), gen.out);
    assert.match(cli(['lab', 'check', join(dir, 'g.yaml')]).out, /30 routers \(30 anycast\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lab graph --json and lab generate --json: JSON, not the bare text', () => {
  const g = cli(['lab', 'graph', WORLD, '--format', 'dot', '--json']);
  assert.equal(g.code, 0, g.err);
  const j = JSON.parse(g.out);
  assert.equal(j.format, 'dot');
  assert.match(j.text, /^graph "world" \{/);
  assert.ok(j.nodes > 0 && j.links > 0);
  const gen = cli(['lab', 'generate', '--routers', '30', '--seed', '7', '--json']);
  assert.equal(gen.code, 0, gen.err);
  const topo = JSON.parse(gen.out);
  assert.equal(topo.name, 'gen30');
  const dir = mkdtempSync(join(tmpdir(), 'acl-genj-'));
  try {
    writeFileSync(join(dir, 'g.json'), gen.out);
    assert.match(cli(['lab', 'check', join(dir, 'g.json')]).out, /30 routers \(30 anycast\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('commands on a lab that is not there say so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acl-none-'));
  try {
    const r = cli(['lab', 'status', 'nope', '--json'], { ANYCAST_STATE_DIR: dir });
    assert.equal(JSON.parse(r.out).error.code, 'ERR_LAB_NOT_FOUND');
    assert.equal(cli(['lab', 'list'], { ANYCAST_STATE_DIR: dir }).out.trim(), 'no lab is recorded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors are one line naming the problem (the help stays behind --help)', () => {
  const run = cli(['lab', 'run']);
  assert.equal(run.code, 2);
  assert.equal(run.err, 'anycast: anycast lab run needs an EXPERIMENT: catchment, failover, tcp, ddos or add-site (anycast lab run --help)\n');
  const opt = cli(['lab', 'up', '--bogus']);
  assert.equal(opt.code, 2);
  assert.equal(opt.err, "anycast: Unknown option '--bogus' (anycast lab up --help)\n");
  const sub = cli(['lab', 'nope', '--json']);
  assert.equal(sub.code, 2);
  assert.deepEqual(JSON.parse(sub.out), { error: { code: 'ERR_USAGE', message: 'unknown lab subcommand "nope" (anycast lab --help lists them)' } });
});

test('lab run, capture, link, node, site: bad arguments are usage errors (exit 2) before any lab is looked up; no lab is a runtime error (exit 1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acg-run-'));
  try {
    const env = { ANYCAST_STATE_DIR: join(dir, 'state') };
    for (const [args, message] of [
      [['catchment', '--duration', 'xyz'], '--duration: "xyz" is not a duration (e.g. 5ms, 1.5s)'],
      [['bogus'], 'unknown experiment "bogus" (anycast lab run --help lists them)'],
      [['failover'], 'anycast lab run failover needs a SITE (anycast lab run --help)'],
      [['catchment', '--family', 'v5'], '--family must be ipv4, ipv6 or both'],
      [['ddos', '--rate', '0'], '--rate: must be an integer from 1 to 2000 (got 0)'],
    ] as const) {
      const r = cli(['lab', 'run', ...args], env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.equal(r.err, `anycast: ${message}\n`);
    }
    // The other subcommands that open a lab check their arguments first too.
    for (const [args, message] of [
      [['capture', 'a', 'b', '--duration', 'soon'], '--duration: "soon" is not a duration (e.g. 5ms, 1.5s)'],
      [['link', 'a', 'b', 'sideways'], 'usage: anycast lab link A B down|up'],
      [['node', 'a', 'explode'], 'usage: anycast lab node NODE stop|start|freeze|thaw'],
      [['site', 's', 'bloom'], 'usage: anycast lab site SITE fail|restore|announce|withdraw'],
    ] as const) {
      const r = cli(['lab', ...args], env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.equal(r.err, `anycast: ${message}\n`);
    }
    const none = cli(['lab', 'run', 'catchment', '--json'], env);
    assert.equal(none.code, 1);
    assert.equal(JSON.parse(none.out).error.message, 'no lab is recorded (start one with `anycast lab up FILE`)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
