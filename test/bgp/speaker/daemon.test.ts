// Two speaker daemons over loopback TCP, driven through the real CLI (`anycast show|neighbor|route|speaker`
// as child processes talking to the control socket): tables and --json for every command, errors with exit
// codes, run-time routes, reload (a bad file keeps the running configuration; a policy change applies without a
// session reset), Prometheus metrics, and stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callSpeaker } from '../../../src/bgp/api/client.js';
import { startDaemon, type DaemonHandle } from '../../../src/bgp/speaker/daemon.js';
import { waitFor } from './harness.js';

const CLI = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.js');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : (err as { code?: number }).code ?? 1, stdout, stderr });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

const yamlA = (port: number, dir: string, lp: number) => `
router-id: 192.0.2.1
local-as: 65001
listen: false
fib: noop
control: { socket: ${dir}/a.sock }
log: { level: debug }
policies:
  from-b:
    terms:
      - { set: { local-pref: ${lp} }, action: accept }
networks:
  - { prefix: 203.0.113.0/24, communities: ["65001:7"], med: 5 }
neighbors:
  - { name: b, address: 127.0.0.1, remote-as: 65002, port: ${port}, import: from-b, export: accept, hold-time: 9,
      next-hop: { ipv4: 192.0.2.1 }, description: "test peer" }
`;
const yamlB = (port: number, dir: string) => `
router-id: 192.0.2.2
local-as: 65002
listen: ["127.0.0.1:${port}"]
fib: noop
control: { socket: ${dir}/b.sock }
networks: [ 198.51.100.0/24 ]
neighbors:
  - { name: a, address: 127.0.0.1, remote-as: 65001, passive: true, import: accept, export: accept, hold-time: 9,
      next-hop: { ipv4: 192.0.2.2 } }
`;

test('daemons over loopback TCP, driven through the CLI', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'acx-speaker-'));
  const port = await freePort();
  const fa = join(dir, 'a.yaml'), fb = join(dir, 'b.yaml');
  writeFileSync(fa, yamlA(port, dir, 150));
  writeFileSync(fb, yamlB(port, dir));
  const logs: string[] = [];
  const daemons: DaemonHandle[] = [];
  t.after(async () => { for (const d of daemons) await d.stop(); rmSync(dir, { recursive: true, force: true }); });
  const b = await startDaemon(fb, { write: () => {}, signals: false });
  daemons.push(b);
  const a = await startDaemon(fa, { write: (l) => logs.push(l), signals: false });
  daemons.push(a);
  const A = ['--socket', join(dir, 'a.sock')], B = ['--socket', join(dir, 'b.sock')];
  await waitFor(() => a.speaker.neighbor('b').peer.established, 'session', 15_000);
  await waitFor(() => a.speaker.rib.ipv4.dests.size === 2 && b.speaker.rib.ipv4.dests.size === 2, 'routes both ways');

  // show neighbors: a table and JSON.
  const q = await Promise.all([
    cli(['show', 'neighbors', ...A]),
    cli(['show', 'neighbors', '--json', ...A]),
    cli(['show', 'neighbor', 'b', ...A]),
    cli(['show', 'neighbor', '127.0.0.1', '--json', ...A]),
    cli(['show', 'rib', ...A]),
    cli(['show', 'rib', '198.51.100.77', '--json', ...A]),
    cli(['show', 'rib', '--out', 'b', ...A]),
    cli(['show', 'rib', '--in', 'b', '--json', ...A]),
    cli(['show', 'rib', '192.0.2.0/24', ...A]),
    cli(['show', 'route', '198.51.100.0/24', '--explain', ...A]),
    cli(['show', 'route', '198.51.100.0/24', '--explain', '--json', ...A]),
    cli(['neighbor', 'nope', 'reset', ...A]),
    cli(['show', 'neighbor', 'nope', '--json', ...A]),
    cli(['show', 'neighbors', '--socket', join(dir, 'none.sock')]),
    cli(['show', 'rib', '--in', 'b', '--out', 'b', ...A]),
  ]);
  let r = q[0]!;
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^Neighbor\s+Address\s+AS\s+State\s+Since\s+Rcvd\s+Accepted\s+Adv\s+Info$/);
  assert.match(lines[1]!, /^b\s+127\.0\.0\.1\s+65002\s+Established\s+\d\d:\d\d:\d\d\s+-\s+1\s+1\s+test peer$/);
  r = q[1]!;
  const nj = JSON.parse(r.stdout) as { neighbors: { name: string; state: string; prefixes: { accepted: number; advertised: number } }[] };
  assert.deepEqual(nj.neighbors.map((n) => [n.name, n.state, n.prefixes.accepted, n.prefixes.advertised]), [['b', 'Established', 1, 1]]);

  // show neighbor N (by name and by address).
  r = q[2]!;
  assert.match(r.stdout, /^BGP neighbor b \(127\.0\.0\.1\), remote AS 65002, local AS 65001, ebgp$/m);
  assert.match(r.stdout, /Hold time: +9 s, keepalive 3 s/);
  assert.match(r.stdout, /Policies: +import from-b, export accept/);
  r = q[3]!;
  assert.equal((JSON.parse(r.stdout) as { session: { holdTime: number } }).session.holdTime, 9);

  // show rib: the route from B with the local-pref A's policy set.
  r = q[4]!;
  assert.match(r.stdout, /^\*>\s+198\.51\.100\.0\/24\s+192\.0\.2\.2\s+65002 i\s+-\s+150\s+b$/m);
  assert.match(r.stdout, /^\*>\s+203\.0\.113\.0\/24\s+-\s+i\s+5\s+-\s+65001:7\s+local$/m);
  r = q[5]!;
  const rj = JSON.parse(r.stdout) as { routes: { prefix: string; paths: { best: boolean; attrs: { localPref: number } }[] }[] };
  assert.deepEqual(rj.routes.map((x) => [x.prefix, x.paths[0]!.best, x.paths[0]!.attrs.localPref]), [['198.51.100.0/24', true, 150]]);
  r = q[6]!;
  assert.match(r.stdout, /^Adj-RIB-Out of b$/m);
  assert.match(r.stdout, /^203\.0\.113\.0\/24\s+192\.0\.2\.1\s+65001 i\s+5\s+-\s+65001:7$/m);
  r = q[7]!;
  assert.equal((JSON.parse(r.stdout) as { routes: unknown[] }).routes.length, 1);
  r = q[8]!;
  assert.equal(r.code, 1, 'an unknown prefix is exit 1');
  assert.equal(r.stdout.trim(), 'no routes');

  // show route --explain.
  r = q[9]!;
  assert.match(r.stdout, /^198\.51\.100\.0\/24: 1 candidate path, 1 eligible; best #1 from b/);
  assert.match(r.stdout, /^b\s+no\s+learned from this neighbor$/m);
  r = q[10]!;
  assert.equal((JSON.parse(r.stdout) as { explanation: { candidates: unknown[] } }).explanation.candidates.length, 1);

  // Errors: unknown neighbor (exit 1, clear message; --json error object), unreachable speaker.
  r = q[11]!;
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), 'anycast: no neighbor named or addressed "nope" (neighbors: b)');
  r = q[12]!;
  assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'ERR_UNKNOWN_NEIGHBOR');
  r = q[13]!;
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot reach the speaker at .*none\.sock: ENOENT/);
  r = q[14]!;
  assert.equal(r.code, 2, 'usage error');

  // route add / del at run time, seen at B.
  r = await cli(['route', 'add', '192.0.2.128/25', '--community', '65001:9', '--large-community', '65001:1:2', '--med', '7', '--prepend', '2', ...A]);
  assert.equal(r.stdout.trim(), '192.0.2.128/25: announced');
  await waitFor(() => b.speaker.rib.ipv4.dests.size === 3, 'the route at B');
  r = await cli(['show', 'rib', '192.0.2.128/25', '--json', ...B]);
  const added = (JSON.parse(r.stdout) as { routes: { paths: { attrs: { asPath: string; med: number; communities: string[]; largeCommunities: string[] } }[] }[] }).routes[0]!.paths[0]!.attrs;
  assert.deepEqual([added.asPath, added.med, added.communities, added.largeCommunities], ['65001 65001 65001', 7, ['65001:9'], ['65001:1:2']]);
  r = await cli(['route', 'add', '192.0.2.129/25', ...A]);
  assert.equal(r.code, 2); // checked by the command line before it reaches the speaker
  assert.match(r.stderr, /host bits set/);
  r = await cli(['route', 'list', ...A]);
  assert.match(r.stdout, /^192\.0\.2\.128\/25\s+api\s+self\s+\(own\) \(own\)\s+7\s+-\s+65001:9 65001:1:2$/m);
  r = await cli(['route', 'del', '192.0.2.128/25', '--json', ...A]);
  assert.deepEqual(JSON.parse(r.stdout), { prefix: '192.0.2.128/25', source: 'api' });
  await waitFor(() => b.speaker.rib.ipv4.dests.size === 2, 'withdrawn at B');

  // neighbor refresh (soft reset in: ROUTE-REFRESH).
  r = await cli(['neighbor', 'b', 'refresh', '--in', ...A]);
  assert.equal(r.stdout.trim(), 'b: refresh (in: ROUTE-REFRESH sent)');

  // Reload: a bad file is refused and the running configuration stays; a policy change applies in place.
  writeFileSync(fa, yamlA(port, dir, 150).replace('hold-time: 9', 'hold-time: 1'));
  r = await cli(['speaker', 'reload', ...A]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /reload refused \(the running configuration stays\): .*a\.yaml: neighbors\[0\]\.hold-time: must be 0 or 3\.\.65535 seconds, got 1 \(line \d+\)/);
  assert.ok(logs.some((l) => l.includes('"reload refused: the new configuration is invalid; keeping the running one"')));
  writeFileSync(fa, yamlA(port, dir, 90));
  r = await cli(['speaker', 'reload', ...A]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /neighbor b: import policy changed, ROUTE-REFRESH sent/);
  await waitFor(() => [...a.speaker.rib.locRib('ipv4')].some((x) => x.best.attrs.localPref === 90), 'new local-pref');
  assert.equal(a.speaker.neighbor('b').peer.counters.flaps, 0, 'no session reset');

  // Metrics (over the control socket) and status.
  const metrics = await callSpeaker({ socket: join(dir, 'a.sock') }, 'GET', '/metrics') as string;
  assert.match(metrics, /^anycast_bgp_neighbor_up\{neighbor="b"\} 1$/m);
  assert.match(metrics, /^anycast_bgp_neighbor_state\{neighbor="b",address="127\.0\.0\.1",state="Established"\} 1$/m);
  assert.match(metrics, /^anycast_bgp_rib_prefixes\{afi="ipv4"\} 2$/m);
  assert.match(metrics, /^anycast_bgp_decision_runs_total \d+$/m);
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  assert.ok(gauge('nodejs_heap_size_used_bytes') > 0 && gauge('nodejs_heap_size_used_bytes') <= gauge('nodejs_heap_size_total_bytes'));
  assert.ok(gauge('nodejs_external_memory_bytes') >= 0 && gauge('process_resident_memory_bytes') > gauge('nodejs_heap_size_used_bytes'));
  r = await cli(['speaker', 'status', ...A]);
  assert.match(r.stdout, /^BGP speaker 192\.0\.2\.1, AS 65001, up \d\d:\d\d:\d\d/);
  r = await cli(['show', 'status', '--json', ...A]);
  assert.equal((JSON.parse(r.stdout) as { localAs: number }).localAs, 65001);

  // Shutdown with a message, seen at B; stop through the CLI.
  r = await cli(['neighbor', 'b', 'shutdown', '--message', 'bye for now', ...A]);
  assert.equal(r.stdout.trim(), 'b: shutdown');
  await waitFor(() => /bye for now/.test(b.speaker.neighbor('a').lastNotification?.text ?? ''), 'communication at B');
  r = await cli(['speaker', 'stop', ...A]);
  assert.equal(r.stdout.trim(), 'stopping');
  assert.equal(await a.done, 0);
});
