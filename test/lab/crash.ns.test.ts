// kill -9 of a lab process in the middle of its work, then `anycast lab down`: nothing is left. Twice: the
// `lab up` process while it is starting daemons, and a `lab run failover` process while its probers run and
// a site's service is down.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readState } from '../../src/netns/registry.js';
import { labDir } from '../../src/lab/state.js';
import { ROOT } from './helpers.js';
import { assertNothingLeft, namespacesWith, processesMentioning, skip, useStateDir } from './ns-helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SMALL = join(ROOT, 'examples', 'lab', 'small.yaml');
const NODES = ['west', 'east', 'access', 'west-site', 'east-site', 'w', 'e', 'a'];

function recorded(name: string, pred: (procName: string) => boolean): number {
  const d = labDir(name);
  if (!existsSync(d)) return 0;
  let n = 0;
  for (const f of readdirSync(d).filter((x) => x.startsWith('registry-'))) {
    try {
      n += readState(join(d, f)).processes.filter((p) => pred(p.name ?? '')).length;
    } catch {
      /* being written */
    }
  }
  return n;
}

async function until(what: string, ms: number, ok: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function down(name: string): { killed: number; namespacesDeleted: number; errors: string[] } {
  const r = spawnSync(process.execPath, [CLI, 'lab', 'down', name, '--json'], { encoding: 'utf8', env: process.env, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return JSON.parse(r.stdout);
}

test('kill -9 of `lab up` while daemons start, then `lab down`: nothing left', { skip, timeout: 120_000 }, async () => {
  useStateDir('crash-up');
  const name = `acl-cu-${process.pid}`;
  const prefix = `aclu${process.pid}`;
  const child = spawn(process.execPath, [CLI, 'lab', 'up', SMALL, '--name', name, '--prefix', prefix, '-q'], { stdio: 'ignore', env: process.env });
  // Mid-run: the namespaces exist and some daemons are recorded, the lab is not up yet.
  // Our routers run in the lab's router host (one process for all of them), other daemons one process each.
  await until('daemons to start', 60_000, () => recorded(name, (p) => p.startsWith('speaker(') || p.startsWith('bird(') || p === 'router-host') >= 2 ||
    recorded(name, (p) => p === 'router-host') >= 1);
  const st = JSON.parse(readFileSync(join(labDir(name), 'lab.json'), 'utf8'));
  assert.equal(st.status, 'starting');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(namespacesWith(prefix).length > 0, 'the crash left namespaces behind');
  assert.ok(processesMentioning(labDir(name)).length > 0, 'and processes');
  const r = down(name);
  assert.deepEqual(r.errors, []);
  assert.equal(r.namespacesDeleted, 8);
  assertNothingLeft(prefix, labDir(name), NODES);
  assert.ok(!existsSync(labDir(name)), 'the lab\'s state is gone');
});

test('kill -9 of `lab run failover` while its probers run, then `lab down`: nothing left', { skip, timeout: 180_000 }, async () => {
  useStateDir('crash-run');
  const name = `acl-cr-${process.pid}`;
  const prefix = `aclr${process.pid}`;
  const up = spawnSync(process.execPath, [CLI, 'lab', 'up', SMALL, '--name', name, '--prefix', prefix, '-q', '--json'], { encoding: 'utf8', env: process.env, timeout: 120_000 });
  assert.equal(up.status, 0, up.stderr + up.stdout);
  try {
    const child = spawn(process.execPath, [CLI, 'lab', 'run', 'failover', 'east-site', '--lab', name], { stdio: 'ignore', env: process.env });
    // One prober for the three clients (its sockets in their namespaces), or one per client without the addon.
    await until('probers to run', 60_000, () => recorded(name, (p) => p.startsWith('probe(')) >= 1);
    await new Promise((r) => setTimeout(r, 1500)); // inside the experiment: probing, the site about to fail
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const r = down(name);
    assert.deepEqual(r.errors, []);
    assertNothingLeft(prefix, labDir(name), NODES);
  } finally {
    if (existsSync(labDir(name))) down(name);
  }
});
