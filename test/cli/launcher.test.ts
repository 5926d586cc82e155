// The `anycast` launcher (bin/anycast): it runs the CLI in the same process (exec: the PID a supervisor or a
// signal sees is Node's), starts `anycast speaker` with the speaker's V8 start-up flags, which
// ANYCAST_SPEAKER_NODE_FLAGS replaces, and gives other commands none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LAUNCHER = join(import.meta.dirname, '..', '..', '..', 'bin', 'anycast');

function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

async function speakerArgv(env: NodeJS.ProcessEnv): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'acs-launch-'));
  try {
    writeFileSync(join(dir, 's.yaml'), `router-id: 192.0.2.1\nlocal-as: 65001\nlisten: false\nfib: noop\ncontrol: { socket: ${dir}/s.sock }\nneighbors: []\n`);
    const child = spawn('/bin/sh', [LAUNCHER, 'speaker', '--config', join(dir, 's.yaml')], { stdio: 'ignore', env: { ...process.env, ...env } });
    const exited = new Promise((r) => child.on('exit', r));
    try {
      // The shell replaces itself: the child's PID becomes Node running the CLI.
      const end = Date.now() + 20_000;
      let argv = cmdline(child.pid!);
      while (!argv.some((a) => a.endsWith('main.js')) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 20));
        argv = cmdline(child.pid!);
      }
      return argv;
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('anycast speaker runs as node with the speaker start-up flags, in the launcher\'s own process', async () => {
  const argv = await speakerArgv({});
  assert.match(argv[0]!, /node$/);
  assert.ok(argv.includes('--max-semi-space-size=4') && argv.includes('--v8-pool-size=1'), argv.join(' '));
  assert.deepEqual(argv.slice(-3), ['speaker', '--config', argv.at(-1)!]);
});

test('ANYCAST_SPEAKER_NODE_FLAGS replaces the flags; empty means none', async () => {
  const custom = await speakerArgv({ ANYCAST_SPEAKER_NODE_FLAGS: '--max-semi-space-size=8 --stack-size=2000' });
  assert.ok(custom.includes('--max-semi-space-size=8') && custom.includes('--stack-size=2000') && !custom.includes('--max-semi-space-size=4') && !custom.includes('--v8-pool-size=1'));
  const none = await speakerArgv({ ANYCAST_SPEAKER_NODE_FLAGS: '' });
  assert.ok(!none.some((a) => a.startsWith('--max-semi-space-size')), none.join(' '));
});

test('other commands get no flags and their exit code passes through', async () => {
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile('/bin/sh', [LAUNCHER, 'decode', 'zz'], (e, stdout, stderr) => resolve({ code: e ? (e as { code?: number }).code ?? 1 : 0, out: stdout + stderr }));
  });
  assert.equal(r.code, 2, r.out);
  const ok = await new Promise<number | null>((resolve) => execFile('/bin/sh', [LAUNCHER, '--help'], (e) => resolve(e ? 1 : 0)));
  assert.equal(ok, 0);
});
