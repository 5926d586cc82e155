// The registry and cleanup without root: processes only (namespaces are covered by the *.ns tests).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanup, isAlive, isSameProcess, orphanStateFiles, readIdentity, readState, ResourceExistsError, ResourceRegistry,
  StateFileError, waitGone,
} from '../../src/netns/index.js';

const tmp = (n: string) => join(tmpdir(), `acp-reg-${process.pid}-${n}`);

test('identity: start time and program of a live process; null for a missing one', () => {
  const me = readIdentity(process.pid)!;
  assert.ok(me.startTime > 0);
  assert.match(me.cmdline[0]!, /node/);
  assert.equal(isSameProcess({ pid: process.pid, startTime: me.startTime, argv: ['node'] }), true);
  assert.equal(isSameProcess({ pid: process.pid, startTime: me.startTime + 1, argv: ['node'] }), false, 'recycled PID');
  assert.equal(isSameProcess({ pid: process.pid, startTime: me.startTime, argv: ['bird'] }), false, 'other program');
  assert.equal(readIdentity(0x3ffffff), null);
});

test('state file is written before anything else and lists what was recorded', () => {
  const file = tmp('a.json');
  const r = new ResourceRegistry({ stateFile: file, exitHooks: false });
  r.addDir('/nonexistent/acp-dir');
  const st = readState(file);
  assert.equal(st.owner.pid, process.pid);
  assert.deepEqual(st.dirs, ['/nonexistent/acp-dir']);
  assert.throws(() => new ResourceRegistry({ stateFile: file, exitHooks: false }), ResourceExistsError);
  r.cleanup();
  assert.equal(existsSync(file), false);
});

test('cleanup kills a recorded process, skips a PID that is no longer ours, removes dirs', async () => {
  const file = tmp('b.json');
  const dir = tmp('dir');
  const r = new ResourceRegistry({ stateFile: file, exitHooks: false });
  r.addDir(dir);
  mkdirSync(dir);
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  r.addProcess(child.pid!, ['sleep', '60']);
  // A record whose start time does not match: must not be killed (it is this test process).
  r.addProcess(process.pid + 0, ['node']);
  const st = readState(file);
  st.processes[1]!.startTime += 1;
  writeFileSync(file, JSON.stringify(st));
  const exited = new Promise((res) => child.once('exit', res));
  const rep = cleanup(file);
  await exited;
  assert.deepEqual(rep.killed, [child.pid]);
  assert.equal(rep.skipped.length, 0, 'own PID is never a target');
  assert.equal(isAlive(child.pid!), false);
  assert.deepEqual(rep.dirsRemoved, [dir]);
  assert.equal(existsSync(dir), false);
  assert.equal(existsSync(file), false);
});

test('cleanup skips a recorded PID whose process changed (recycled)', async () => {
  const file = tmp('c.json');
  const r = new ResourceRegistry({ stateFile: file, exitHooks: false });
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  const rec = r.addProcess(child.pid!, ['sleep', '60']);
  const st = readState(file);
  st.processes[0]!.startTime = rec.startTime - 1;
  writeFileSync(file, JSON.stringify(st));
  const rep = cleanup(file);
  assert.deepEqual(rep.killed, []);
  assert.equal(rep.skipped[0]?.pid, child.pid);
  assert.equal(isAlive(child.pid!), true, 'a process that is not ours survives');
  child.kill('SIGKILL');
  await waitGone(child.pid!, 2000);
});

test('orphan state files: those whose owner is dead', () => {
  const dir = tmp('orph');
  mkdirSync(dir, { recursive: true });
  const dead = { version: 1, label: 'x', created: '', owner: { pid: 0x3ffffff, startTime: 1, argv: [] }, namespaces: [], processes: [], dirs: [] };
  writeFileSync(join(dir, 'dead.json'), JSON.stringify(dead));
  const me = readIdentity(process.pid)!;
  writeFileSync(join(dir, 'live.json'), JSON.stringify({ ...dead, owner: { pid: process.pid, startTime: me.startTime, argv: [] } }));
  writeFileSync(join(dir, 'other.json'), '{"not":"ours"}');
  try {
    assert.deepEqual(orphanStateFiles(dir), [join(dir, 'dead.json')]);
    assert.throws(() => readState(join(dir, 'other.json')), StateFileError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
