// The BIRD backend against a fake BIRD control socket (the reply protocol of BIRD 2, doc/reply_codes): what it
// writes, how it serializes and coalesces reconfigurations, how it handles refusals and "in progress"; and the
// rendered include file parsed by the real `bird -p`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/log.js';
import { BirdBackend } from '../../src/agent/backends/bird.js';
import { BirdReplyParser } from '../../src/agent/backends/bird-control.js';
import { parseProtocols, parseRoutePrefixes, renderInclude } from '../../src/agent/backends/bird-render.js';
import type { BirdBackendConfig } from '../../src/agent/config/types.js';
import type { RouteAttributes } from '../../src/agent/desired.js';

const dir = mkdtempSync(join(tmpdir(), 'aca-bird-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A fake BIRD: greets, answers configure / show status / show protocols / show route export. */
class FakeBird {
  server: Server;
  socket: string;
  configures = 0;
  inFlight = 0;
  maxInFlight = 0;
  delayMs = 0;
  refuse: string | null = null;
  inProgressPolls = 0;
  readAtConfigure: string[] = [];
  constructor(readonly include: string) {
    this.socket = join(dir, `bird-${n++}.ctl`);
    this.server = createServer((c) => {
      c.write('0001 BIRD 2.0.12 ready.\n');
      let buf = '';
      c.on('data', (d) => {
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        const cmd = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        void this.answer(cmd).then((text) => c.end(text));
      });
      c.on('error', () => {});
    });
  }
  listen(): Promise<this> {
    return new Promise((res) => this.server.listen(this.socket, () => res(this)));
  }
  close(): Promise<void> {
    return new Promise((res) => this.server.close(() => res()));
  }
  async answer(cmd: string): Promise<string> {
    if (cmd === 'configure') {
      this.configures++;
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      await new Promise((r) => setTimeout(r, this.delayMs));
      this.inFlight--;
      this.readAtConfigure.push(readFileSync(this.include, 'utf8'));
      if (this.refuse) return `0002-Reading configuration from /etc/bird/bird.conf\n8002 ${this.refuse}\n`;
      if (this.inProgressPolls > 0) return '0002-Reading configuration from /etc/bird/bird.conf\n0004 Reconfiguration in progress\n';
      return '0002-Reading configuration from /etc/bird/bird.conf\n0003 Reconfigured\n';
    }
    if (cmd === 'show status') {
      const running = --this.inProgressPolls <= 0;
      return `1000-BIRD 2.0.12\n1011-Router ID is 10.0.0.1\n0013 ${running ? 'Daemon is up and running' : 'Reconfiguration in progress'}\n`;
    }
    if (cmd === 'show protocols') {
      return '2002-Name       Proto      Table      State  Since         Info\n' +
        '1002-device1    Device     ---        up     10:00:00.000  \n' +
        ' anycast4   Static     master4    up     10:00:00.000  \n' +
        ' upstream   BGP        ---        up     10:00:01.000  Established   \n' +
        ' backup     BGP        ---        start  10:00:01.000  Active        Socket: Connection refused\n0000 \n';
    }
    if (cmd.startsWith('show route export upstream')) {
      return '1007-Table master4:\n 192.0.2.0/24         blackhole [anycast4 10:00:02.000] * (200)\n' +
        ' 10.99.0.0/16         unicast [kernel1 10:00:00.000] * (10)\n0000 \n';
    }
    if (cmd.startsWith('show route export')) return '0000 \n';
    return '9001 Parse error\n';
  }
}

function cfg(socket: string, include: string, more: Partial<BirdBackendConfig> = {}): BirdBackendConfig {
  return { socket, includeFile: include, ipv4Protocol: 'anycast4', ipv6Protocol: 'anycast6', exportFilter: 'anycast_export', route: 'blackhole',
    localAs: 64512, timeoutMs: 2000, retryMs: 100, coalesceMs: 10, guard: false, ...more };
}

const plain: RouteAttributes = { prepend: 0, med: null, communities: [], largeCommunities: [] };
const drained: RouteAttributes = { prepend: 2, med: 1000, communities: ['64512:100', '65535:0'], largeCommunities: ['64512:1:2'] };

test('reply parser: codes, continuation lines, and reply boundaries', () => {
  const p = new BirdReplyParser();
  assert.deepEqual(p.feed('0001 BIRD 2.0.12 ready.\n0002-Reading'), [{ code: 1, lines: [{ code: 1, text: 'BIRD 2.0.12 ready.' }] }]);
  const r = p.feed(' x\n1007-Table master4:\n 192.0.2.0/24 blackhole\n0003 Reconfigured\n');
  assert.equal(r.length, 1);
  assert.equal(r[0]!.code, 3);
  assert.deepEqual(r[0]!.lines.map((l) => l.code), [2, 1007, 1007, 3]);
  assert.deepEqual(parseRoutePrefixes(r[0]!.lines.map((l) => l.text)), ['192.0.2.0/24']);
});

test('the include file: one static protocol per family, attributes per route, parsed by the real BIRD', (t) => {
  const text = renderInclude(new Map([['192.0.2.0/24', drained], ['198.51.100.0/24', plain], ['2001:db8::/48', plain]]),
    cfg('x', 'y'), 'site1');
  assert.match(text, /^protocol static anycast4 \{\n  ipv4;\n  route 192\.0\.2\.0\/24 blackhole \{ bgp_path\.prepend\(64512\); bgp_path\.prepend\(64512\); bgp_med = 1000; bgp_community\.add\(\(64512,100\)\); bgp_community\.add\(\(65535,0\)\); bgp_large_community\.add\(\(64512,1,2\)\); \};\n  route 198\.51\.100\.0\/24 blackhole;\n\}$/m);
  assert.match(text, /protocol static anycast6 \{\n  ipv6;\n  route 2001:db8::\/48 blackhole;\n\}/);
  assert.match(text, /filter anycast_export \{\n  if proto != "anycast4" && proto != "anycast6" then reject;\n/);
  if (spawnSync('sh', ['-c', 'command -v bird'], { stdio: 'ignore' }).status !== 0) {
    t.skip('bird is not installed');
    return;
  }
  const inc = join(dir, 'render.conf');
  writeFileSync(inc, text);
  writeFileSync(join(dir, 'render-main.conf'), `router id 10.0.0.1;\nprotocol device {}\ninclude "${inc}";\n` +
    'protocol bgp up { local as 64512; neighbor 192.0.2.254 as 64500; ipv4 { import none; export filter anycast_export; }; ' +
    'ipv6 { import none; export filter anycast_export; }; }\n');
  execFileSync('bird', ['-p', '-c', join(dir, 'render-main.conf')]); // throws on a parse error
  writeFileSync(inc, renderInclude(new Map(), cfg('x', 'y'), 'site1'));
  execFileSync('bird', ['-p', '-c', join(dir, 'render-main.conf')]);
});

test('apply: writes the file, reconfigures, verifies "Reconfigured"; start() clears stale routes', async () => {
  const include = join(dir, 'a.conf');
  writeFileSync(include, 'protocol static anycast4 { ipv4; route 203.0.113.0/24 blackhole; }\n'); // left by a dead agent
  const bird = await new FakeBird(include).listen();
  const b = new BirdBackend(cfg(bird.socket, include), { clock: new SystemClock(), logger: memoryLogger(), agentName: 's' });
  await b.start();
  assert.equal(bird.configures, 1);
  assert.doesNotMatch(readFileSync(include, 'utf8'), /203\.0\.113/);
  await b.apply(new Map([['192.0.2.0/24', plain]]));
  assert.equal(bird.configures, 2);
  assert.match(bird.readAtConfigure[1]!, /route 192\.0\.2\.0\/24 blackhole;/);
  await b.apply(new Map([['192.0.2.0/24', plain]]));
  assert.equal(bird.configures, 2, 'an unchanged set is not reconfigured again');
  const st = await b.status();
  assert.deepEqual(st.peers.map((p) => [p.name, p.state, p.exported]), [
    ['upstream', 'Established', ['192.0.2.0/24']], ['backup', 'Active', []]]);
  assert.equal(st.applies, 2);
  await b.close();
  await bird.close();
});

test('bursts are coalesced: one reconfiguration in flight, only the newest set written, every caller answered', async () => {
  const include = join(dir, 'b.conf');
  const bird = await new FakeBird(include).listen();
  bird.delayMs = 80;
  const b = new BirdBackend(cfg(bird.socket, include), { clock: new SystemClock(), logger: memoryLogger(), agentName: 's' });
  const calls: Array<Promise<void>> = [];
  for (let i = 0; i < 30; i++) {
    calls.push(b.apply(new Map([[`198.51.100.${i * 4}/30`, plain]])));
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(calls);
  assert.equal(bird.maxInFlight, 1, 'never two reconfigurations at once');
  assert.ok(bird.configures <= 5, `30 changes in ~150 ms took ${bird.configures} reconfigurations`);
  assert.match(bird.readAtConfigure.at(-1)!, /route 198\.51\.100\.116\/30 blackhole;/);
  assert.doesNotMatch(bird.readAtConfigure.at(-1)!, /198\.51\.100\.112\/30/);
  await b.close();
  await bird.close();
});

test('a refused configuration rejects the caller, is retried, and converges once BIRD accepts', async (t) => {
  const include = join(dir, 'c.conf');
  const bird = await new FakeBird(include).listen();
  bird.refuse = '/etc/bird/bird.conf:12:3 syntax error, unexpected CF_SYM_UNDEFINED';
  const logger = memoryLogger();
  const b = new BirdBackend(cfg(bird.socket, include), { clock: new SystemClock(), logger, agentName: 's' });
  t.after(async () => { await b.close(); await bird.close(); });
  await assert.rejects(b.apply(new Map([['192.0.2.0/24', drained]])),
    /^BackendError: BIRD refused the configuration: \/etc\/bird\/bird\.conf:12:3 syntax error, unexpected CF_SYM_UNDEFINED$/);
  const st = await b.status();
  assert.equal(st.healthy, false);
  assert.equal(st.pending, true);
  bird.refuse = null;
  for (let i = 0; i < 50 && (await b.status()).pending; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await b.status()).pending, false, 'retried in the background until applied');
  assert.ok(bird.configures >= 2);
  assert.ok(logger.records.some((r) => r.msg === 'bird: reconfiguration failed; will retry'));
});

test('"Reconfiguration in progress" waits until BIRD reports it is up and running', async () => {
  const include = join(dir, 'd.conf');
  const bird = await new FakeBird(include).listen();
  bird.inProgressPolls = 3;
  const b = new BirdBackend(cfg(bird.socket, include), { clock: new SystemClock(), logger: memoryLogger(), agentName: 's' });
  await b.apply(new Map([['192.0.2.0/24', plain]]));
  assert.ok(bird.inProgressPolls <= 0, 'polled show status until running');
  await b.close();
  await bird.close();
});

test('no BIRD on the socket: apply rejects with the socket named', async () => {
  const b = new BirdBackend(cfg(join(dir, 'nobody.ctl'), join(dir, 'e.conf')), {
    clock: new SystemClock(), logger: memoryLogger(), agentName: 's' });
  await assert.rejects(b.apply(new Map()), /BIRD control socket .*nobody\.ctl: ENOENT/);
  assert.equal((await b.status()).healthy, false);
  await b.close();
});

test('show protocols parsing', () => {
  const rows = parseProtocols(['Name       Proto      Table      State  Since         Info', 'up1 BGP --- up 10:00:00.000 Established']);
  assert.deepEqual(rows, [{ name: 'up1', proto: 'BGP', table: '---', state: 'up', since: '10:00:00.000', info: 'Established' }]);
});

/** Runs the guard process against `bird`, feeds it `lines` and closes its stdin as a dying agent does. */
async function guardRun(bird: FakeBird, include: string, lines: string[]): Promise<number | null> {
  const { spawn } = await import('node:child_process');
  const main = new URL('../../src/cli/main.js', import.meta.url).pathname;
  const p = spawn(process.execPath, [main, 'agent', 'guard', '--socket', bird.socket, '--include', include,
    '--ipv4-protocol', 'anycast4', '--ipv6-protocol', 'anycast6', '--export-filter', 'anycast_export', '--route', 'blackhole',
    '--name', 'guarded', '--timeout', '2000'], { stdio: ['pipe', 'ignore', 'ignore'] });
  p.stdin.end(lines.map((l) => l + '\n').join(''));
  return new Promise((res) => p.on('exit', (code) => res(code)));
}

test('the guard withdraws the agent\'s include file when the agent dies, also one written but not yet confirmed by BIRD', async () => {
  const { sha256 } = await import('../../src/agent/backends/bird-guard.js');
  const include = join(dir, 'guard-include.conf');
  const bird = await new FakeBird(include).listen();
  const render = (prefix: string) => renderInclude(new Map([[prefix, plain]]), cfg(bird.socket, include), 'guarded');
  const a = render('192.0.2.0/24'), b = render('198.51.100.0/24');
  try {
    // Confirmed: the file is the one BIRD accepted last.
    writeFileSync(include, a);
    assert.equal(await guardRun(bird, include, [`applied ${sha256(a)}`]), 0);
    assert.equal(bird.configures, 1);
    assert.doesNotMatch(readFileSync(include, 'utf8'), /192\.0\.2\.0/);
    // Written, the agent killed before BIRD answered: still the agent's, withdrawn.
    writeFileSync(include, b);
    assert.equal(await guardRun(bird, include, [`applied ${sha256(a)}`, `writing ${sha256(b)}`]), 0);
    assert.equal(bird.configures, 2);
    assert.doesNotMatch(readFileSync(include, 'utf8'), /198\.51\.100\.0/);
    // Someone else's file: left alone. Disarmed (a clean shutdown): nothing done.
    writeFileSync(include, b);
    assert.equal(await guardRun(bird, include, [`applied ${sha256(a)}`]), 0);
    assert.equal(await guardRun(bird, include, [`applied ${sha256(b)}`, 'disarm']), 0);
    assert.equal(bird.configures, 2);
    assert.match(readFileSync(include, 'utf8'), /198\.51\.100\.0/);
  } finally {
    await bird.close();
  }
});
