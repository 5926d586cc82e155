// The agent as a real process (dry-run backend, no root): a TCP service on loopback drives it; the CLI talks to it
// over the control socket; SIGHUP with a bad file keeps the old configuration and logs why; SIGTERM runs the
// shutdown sequence and exits 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const main = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'aca-proc-'));
const procs: ChildProcess[] = [];
after(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function getMetrics(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let t = '';
      res.on('data', (d) => (t += d));
      res.on('end', () => resolve(t));
    }).on('error', reject).end();
  });
}

test('daemon: announce on health, CLI status/drain/undrain, SIGHUP with a bad file, SIGTERM shutdown', async () => {
  const svc: Server = await new Promise((res) => { const s = createServer((c) => c.destroy()); s.listen(0, '127.0.0.1', () => res(s)); });
  const svcPort = (svc.address() as AddressInfo).port;
  const metricsProbe: Server = await new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => res(s)); });
  const metricsPort = (metricsProbe.address() as AddressInfo).port;
  await new Promise<void>((r) => metricsProbe.close(() => r()));
  const sock = join(dir, 'agent.sock');
  const file = join(dir, 'agent.yaml');
  const good = `
agent: { name: proc-test }
control: { socket: ${sock} }
metrics: { listen: 127.0.0.1:${metricsPort} }
backend: { type: dry-run }
shutdown: { drain: true, drain-time: 300ms, linger: 100ms }
services:
  web:
    prefixes: [192.0.2.0/24, "2001:db8:80::/48"]
    hold-down: 0s
    degrade: { mode: withdraw, maintenance: drain, drain-time: 500ms, prepend: 1, med: 100 }
    checks:
      - { name: port, type: tcp, port: ${svcPort}, interval: 200ms, timeout: 100ms, fast-interval: 100ms, rise: 2, fall: 2, jitter: 0s }
`;
  writeFileSync(file, good);
  const check = await cli(['agent', '--check', '--config', file, '--json']);
  assert.equal(check.code, 0, check.stderr);
  const hash = (JSON.parse(check.stdout) as { hash: string }).hash;

  const agent = spawn(process.execPath, [main, 'agent', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(agent);
  const logs: Array<Record<string, unknown>> = [];
  let partial = '';
  agent.stderr!.on('data', (d) => {
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l.trim()) logs.push(JSON.parse(l) as Record<string, unknown>);
  });
  const exited = new Promise<number>((r) => agent.on('exit', (c) => r(c ?? -1)));

  // Up: the dry-run backend logs what it would announce.
  await until('announcement', () => logs.find((l) => l.msg === 'dry-run: would announce' &&
    JSON.stringify(l.announce).includes('192.0.2.0/24')));
  const st = await cli(['agent', 'status', '--socket', sock, '--json']);
  assert.equal(st.code, 0, st.stderr);
  const status = JSON.parse(st.stdout) as { agent: { configHash: string }; services: Array<{ state: string; checks: Array<{ last: { latencyMs: number } }> }> };
  assert.equal(status.agent.configHash, hash, 'the running agent reports the hash --check computed');
  assert.equal(status.services[0]!.state, 'up');
  const text = await cli(['agent', 'status', '--socket', sock]);
  assert.match(text.stdout, /^Service\s+State\s+Since\s+Health\s+Penalty\s+Info\nweb\s+up\s/m);
  assert.match(text.stdout, /192\.0\.2\.0\/24\s+-\s+web\s+applied/);

  // Metrics on the configured localhost port.
  const m = await getMetrics(metricsPort);
  assert.match(m, /anycast_agent_service_state\{service="web",state="up"\} 1/);
  assert.match(m, /anycast_agent_announced_prefixes\{backend="dry-run"\} 2/);

  // Operator drain / undrain through the CLI.
  const dr = await cli(['agent', 'drain', 'web', '--socket', sock]);
  assert.equal(dr.code, 0, dr.stderr);
  assert.match(dr.stdout, /^web: drained; now draining \(operator drain\)/);
  await until('drained announcement', () => logs.find((l) => l.msg === 'dry-run: would announce' &&
    JSON.stringify(l.announce).includes('prepend 1, med 100, 65535:0')));
  await until('withdrawal after drain-time', () => logs.find((l) => l.msg === 'dry-run: would announce' &&
    JSON.stringify(l.announce) === '{}'));
  const un = await cli(['agent', 'undrain', 'web', '--socket', sock, '--json']);
  assert.equal((JSON.parse(un.stdout) as { adminDrain: boolean }).adminDrain, false);
  const bad = await cli(['agent', 'drain', 'nosuch', '--socket', sock, '--json']);
  assert.equal(bad.code, 1);
  assert.equal((JSON.parse(bad.stdout) as { error: { code: string } }).error.code, 'ERR_UNKNOWN_SERVICE');

  // SIGHUP with a broken file: old configuration kept, error logged with file, key and reason.
  writeFileSync(file, good.replace('interval: 200ms', 'interval: 200'));
  agent.kill('SIGHUP');
  const err = await until('reload error', () => logs.find((l) => l.msg === 'reload rejected; keeping the running configuration'));
  assert.equal(err.file, file);
  assert.equal(err.key, 'services.web.checks[0].interval');
  assert.match(String(err.reason), /needs a unit/);
  const after1 = JSON.parse((await cli(['agent', 'status', '--socket', sock, '--json'])).stdout) as { agent: { configHash: string; lastReload: { ok: boolean } } };
  assert.equal(after1.agent.configHash, hash);
  assert.equal(after1.agent.lastReload.ok, false);
  const rl = await cli(['agent', 'reload', '--socket', sock]);
  assert.equal(rl.code, 1);
  assert.match(rl.stderr, /reload rejected, still running config [0-9a-f]{16}: .*interval/);

  // A good file is taken.
  writeFileSync(file, good.replace('med: 100', 'med: 200'));
  const ok = await cli(['agent', 'reload', '--socket', sock]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^reloaded: config hash [0-9a-f]{16}; service web changed/);

  // Service killed: withdrawn.
  await until('re-announced', async () => {
    const s = JSON.parse((await cli(['agent', 'status', '--socket', sock, '--json'])).stdout) as { announced: unknown[] };
    return s.announced.length === 2 || undefined;
  });
  await new Promise<void>((r) => svc.close(() => r()));
  await until('withdrawn after the service died', () => logs.find((l, i) => l.msg === 'service transition' &&
    l.to === 'down' && i > logs.findIndex((x) => x.msg === 'configuration reloaded')));
  // The transition is logged before the withdrawal is requested: wait until nothing is announced, so that the
  // shutdown below has nothing to linger for.
  await until('nothing announced', async () => {
    const s = JSON.parse((await cli(['agent', 'status', '--socket', sock, '--json'])).stdout) as { announced: unknown[] };
    return s.announced.length === 0 || undefined;
  });

  // SIGTERM: clean shutdown, steps in order, exit 0.
  agent.kill('SIGTERM');
  assert.equal(await exited, 0);
  const steps = logs.filter((l) => String(l.msg).startsWith('shutdown: ')).map((l) => l.msg);
  assert.deepEqual(steps, ['shutdown: drain', 'shutdown: withdraw', 'shutdown: withdrawn', 'shutdown: addresses',
    'shutdown: close', 'shutdown: done']);
  const gone = await cli(['agent', 'status', '--socket', sock]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /cannot reach the agent/);
});

test('daemon hosting the DNS responder: it answers, its dns check brings the service up, it stops at shutdown', async () => {
  // A free port for both UDP and TCP.
  const probe: Server = await new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => res(s)); });
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const sub = mkdtempSync(join(dir, 'resp-'));
  writeFileSync(join(sub, 'example.com.zone'), '$ORIGIN example.com.\n@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n' +
    '@ 300 IN NS ns1\nns1 300 IN A 192.0.2.53\nwww 300 IN A 192.0.2.80\n');
  writeFileSync(join(sub, 'dns.yaml'), `identity: { hostname: site-b, nsid: site-b }\nlisten: ["127.0.0.1:${port}"]\nzones: [example.com.zone]\n`);
  const file = join(sub, 'agent.yaml');
  const sock = join(sub, 'agent.sock');
  writeFileSync(file, `
control: { socket: ${sock} }
backend: { type: dry-run }
shutdown: { drain: false, linger: 0s }
services:
  dns:
    prefixes: [192.0.2.0/24]
    responder: { kind: dns, config: dns.yaml }
    checks:
      - { type: dns, port: ${port}, query: { name: www.example.com, type: A }, expect-answer: [192.0.2.80],
          expect-nsid: site-b, expect-hostname-bind: site-b, interval: 200ms, timeout: 150ms, fast-interval: 100ms, rise: 2, jitter: 0s }
`);
  const agent = spawn(process.execPath, [main, 'agent', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(agent);
  const logs: Array<Record<string, unknown>> = [];
  let partial = '';
  agent.stderr!.on('data', (d) => {
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l.trim()) logs.push(JSON.parse(l) as Record<string, unknown>);
  });
  const exited = new Promise<number>((r) => agent.on('exit', (c) => r(c ?? -1)));
  await until('service up', async () => {
    const r = await cli(['agent', 'status', '--socket', sock, '--json']);
    return r.code === 0 && (JSON.parse(r.stdout) as { services: Array<{ state: string }> }).services[0]!.state === 'up' ? true : undefined;
  });
  const text = await cli(['agent', 'status', '--socket', sock]);
  assert.match(text.stdout, new RegExp(`Responder:   dns .*dns\\.yaml, listening on udp 127\\.0\\.0\\.1:${port}, tcp 127\\.0\\.0\\.1:${port}, \\d+ queries`));
  agent.kill('SIGTERM');
  assert.equal(await exited, 0);
  const steps = logs.filter((l) => String(l.msg).startsWith('shutdown: ')).map((l) => l.msg);
  assert.deepEqual(steps, ['shutdown: drain', 'shutdown: withdraw', 'shutdown: withdrawn', 'shutdown: responders',
    'shutdown: addresses', 'shutdown: close', 'shutdown: done'], 'the responder answers until the withdrawal is done');
  // The port is free again.
  const again: Server = createServer();
  await new Promise<void>((res, rej) => { again.once('error', rej); again.listen(port, '127.0.0.1', () => res()); });
  await new Promise<void>((r) => again.close(() => r()));
});
