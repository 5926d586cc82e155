// The daemon's signals, on a real `anycast speaker` process (no root: no listener, no-op FIB, control socket in
// a temporary directory): SIGHUP reloads the file (a new network appears), SIGHUP with an invalid file keeps the
// running configuration and logs why, SIGTERM stops the process with exit code 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callSpeaker } from '../../../src/bgp/api/client.js';

const CLI = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.js');

const yaml = (dir: string, networks: string, holdTime = 90) => `
router-id: 192.0.2.1
local-as: 65001
listen: false
fib: noop
control: { socket: ${dir}/s.sock }
networks: [ ${networks} ]
neighbors:
  - { name: b, address: 127.0.0.1, remote-as: 65002, port: 9, passive: true, import: accept, export: accept, hold-time: ${holdTime} }
`;

async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function networks(sock: string): Promise<string[]> {
  const r = await callSpeaker({ socket: sock }, 'GET', '/v1/routes') as { routes: { prefix: string }[] };
  return r.routes.map((x) => x.prefix).sort();
}

test('SIGHUP reloads the file, keeps the running configuration when the file is invalid; SIGTERM stops', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-sig-'));
  const file = join(dir, 's.yaml');
  const sock = join(dir, 's.sock');
  writeFileSync(file, yaml(dir, '203.0.113.0/24'));
  const child = spawn(process.execPath, [CLI, 'speaker', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { log += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  await until(async () => { try { return (await networks(sock)).length === 1; } catch { return false; } }, 'the speaker answers');
  assert.deepEqual(await networks(sock), ['203.0.113.0/24']);

  writeFileSync(file, yaml(dir, '203.0.113.0/24, 198.51.100.0/24'));
  child.kill('SIGHUP');
  await until(async () => (await networks(sock)).length === 2, 'the new network after SIGHUP');
  assert.deepEqual(await networks(sock), ['198.51.100.0/24', '203.0.113.0/24']);

  // Invalid (hold time 2) and a network removed: nothing of it applies.
  writeFileSync(file, yaml(dir, '192.0.2.0/25', 2));
  child.kill('SIGHUP');
  await until(() => log.includes('reload refused'), 'the refusal in the log');
  assert.match(log, /hold-time: must be 0 or 3\.\.65535 seconds, got 2/);
  assert.deepEqual(await networks(sock), ['198.51.100.0/24', '203.0.113.0/24'], 'the running configuration stays');

  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
