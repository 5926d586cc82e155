// After a SIGKILL of the process that created namespaces and started daemons (no exit hook can run), cleanup()
// from the state file alone removes everything: the recorded processes (verified by start time) and the
// namespaces. Also: a normal exit runs the exit hook and leaves nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, isAlive, listNamespaces, readState } from '../../src/netns/index.js';

const root = process.getuid?.() === 0;
const skip = root ? false : 'needs root for network namespaces';
const here = dirname(fileURLToPath(import.meta.url));

function runChild(stateFile: string, prefix: string): Promise<{ child: ReturnType<typeof spawn>; pids: number[] }> {
  const child = spawn(process.execPath, [join(here, 'crash-child.js'), stateFile, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`child not ready: ${buf}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /READY (.*)\n/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve({ child, pids: (JSON.parse(m[1]!) as { pids: number[] }).pids });
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${buf}`)));
  });
}

test('kill -9 of the creating process, then cleanup(stateFile): no namespace, no process left', { skip }, async () => {
  const prefix = `acp-${process.pid}-k`;
  const stateFile = join(tmpdir(), `acp-crash-${process.pid}.json`);
  const { child, pids } = await runChild(stateFile, prefix);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  // The crash left everything behind, recorded.
  assert.equal((await listNamespaces(prefix)).length, 2);
  for (const p of pids) assert.equal(isAlive(p), true, `pid ${p} still running after the crash`);
  const st = readState(stateFile);
  assert.deepEqual(st.namespaces.sort(), [`${prefix}-a`, `${prefix}-b`]);
  assert.ok(pids.every((p) => st.processes.some((r) => r.pid === p)), 'every PID recorded');

  const rep = cleanup(stateFile);
  assert.deepEqual(rep.errors, []);
  assert.deepEqual(rep.killed.sort(), [...pids].sort());
  assert.deepEqual(await listNamespaces(prefix), []);
  for (const p of pids) assert.equal(isAlive(p), false, `pid ${p} killed`);
  for (const dir of st.dirs) assert.equal(existsSync(dir), false, `${dir} removed`);
  assert.equal(existsSync(stateFile), false, 'state file removed');
});

test('SIGTERM of the creating process runs its exit hook: nothing left, state file gone', { skip }, async () => {
  const prefix = `acp-${process.pid}-t`;
  const stateFile = join(tmpdir(), `acp-term-${process.pid}.json`);
  const { child, pids } = await runChild(stateFile, prefix);
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 143);
  assert.deepEqual(await listNamespaces(prefix), []);
  for (const p of pids) assert.equal(isAlive(p), false);
  assert.equal(existsSync(stateFile), false);
});
