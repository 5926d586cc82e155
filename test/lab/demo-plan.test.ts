// `anycast demo --dry-run`: the plan is the runtime choice the real run would make from the machine's capabilities
// (root, ip, kernel namespaces, the daemons the topology names), the counts of what it would create, the site it
// would fail and the steps; the command line prints it (or its JSON) without root and without creating anything.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDemoPlan, planDemo, type DryRunCapabilities } from '../../src/lab/demo-plan.js';
import { loadTopology, parseTopology } from '../../src/lab/topology/parse.js';
import { ROOT, WORLD } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const world = loadTopology(WORLD);
const rootCaps: DryRunCapabilities = { root: true, ip: true, kernelNetns: true, missing: [] };

test('auto: network namespaces when root, ip and the kernel allow; otherwise in-process, saying why', () => {
  const p = planDemo(world, { runtime: 'auto', skipDdos: false, caps: rootCaps });
  assert.equal(p.runtime, 'netns');
  assert.equal(p.ready, true);
  assert.deepEqual(p.creates, { namespaces: 51, links: 56, speakers: 31, prefix: 'demo', earlierLab: null });
  assert.deepEqual(p.steps.map((s) => s.title), ['build the world', 'catchment', 'tokyo fails', 'DDoS', 'tear down']);
  assert.match(p.steps[0]!.detail, /51 namespaces named demo-<node>, 56 veth links\), 31 BGP speakers/);
  const user = planDemo(world, { runtime: 'auto', skipDdos: false, caps: { ...rootCaps, root: false } });
  assert.equal(user.runtime, 'inproc');
  assert.equal(user.ready, true);
  assert.match(user.why, /^no network namespaces here \(not root: network namespaces need root/);
  assert.deepEqual(user.creates, { namespaces: 0, links: 0, speakers: 31, prefix: null, earlierLab: null });
  const noIp = planDemo(world, { runtime: 'auto', skipDdos: false, caps: { ...rootCaps, ip: false, kernelNetns: false } });
  assert.equal(noIp.runtime, 'inproc');
  assert.match(noIp.why, /`ip` \(iproute2\) is not installed; this kernel has no network namespaces/);
});

test('forced netns without root, or a missing daemon, is a plan that is not ready, with the reasons', () => {
  const p = planDemo(world, { runtime: 'netns', skipDdos: false, caps: { ...rootCaps, root: false, missing: ['bird is not available: install bird2'] } });
  assert.equal(p.runtime, 'netns');
  assert.equal(p.ready, false);
  assert.deepEqual(p.blockers, ['not root: network namespaces need root (or CAP_SYS_ADMIN and CAP_NET_ADMIN)', 'bird is not available: install bird2']);
  assert.match(formatDemoPlan(p), /\nwould fail: not root: .*\nwould fail: bird is not available: install bird2$/);
  // The in-process runtime needs neither.
  const inproc = planDemo(world, { runtime: 'inproc', skipDdos: false, caps: { ...rootCaps, root: false, missing: ['x'] } });
  assert.equal(inproc.ready, true);
});

test('the failed site, --no-ddos, and a demo lab left by an earlier run', () => {
  const p = planDemo(world, { runtime: 'auto', skipDdos: true, failSite: 'london', caps: rootCaps,
    earlier: { pid: 4242, alive: false } });
  assert.equal(p.failSite, 'london');
  assert.equal(p.failSiteWhy, '--fail');
  assert.equal(p.steps[2]!.title, 'london fails');
  assert.deepEqual(p.steps[3], { step: 4, title: 'DDoS (skipped)', detail: '--no-ddos' });
  assert.match(p.creates.earlierLab ?? '', /earlier demo that did not finish \(pid 4242\) would be removed first/);
  assert.equal(p.ready, true);
  const busy = planDemo(world, { runtime: 'auto', skipDdos: false, caps: rootCaps, earlier: { pid: 4242, alive: true } });
  assert.equal(busy.ready, false);
  assert.deepEqual(busy.blockers, ['another demo (pid 4242) is running']);
  const noTokyo = planDemo(parseTopology(readFileSync(WORLD, 'utf8').replaceAll('tokyo', 'kyoto'), 'kyoto.yaml'),
    { runtime: 'auto', skipDdos: false, caps: rootCaps });
  assert.equal(noTokyo.failSite, null);
  assert.match(noTokyo.failSiteWhy, /the site answering the most clients in step 2/);
});

function cli(args: string[], state: string) {
  // Run as an unprivileged user when we are root: the dry run must not need root.
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, [CLI, 'demo', ...args], { encoding: 'utf8', timeout: 60_000, cwd: tmpdir(),
    env: { ...process.env, ANYCAST_STATE_DIR: state }, ...asUser });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('CLI: anycast demo --dry-run without root, text and --json, records nothing; bad --fail/--runtime exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acg-demo-'));
  chmodSync(dir, 0o755); // readable by the unprivileged user the CLI runs as
  try {
    const state = join(dir, 'state');
    const text = cli(['--dry-run'], state);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^anycast demo --dry-run: nothing was created\ntopology  .*world\.yaml: 14 ASes, 24 routers, 7 sites, 20 clients/);
    assert.match(text.out, /\n {2}\[3\/5\] tokyo fails: /);
    assert.equal(text.err, '');
    const j = cli(['--dry-run', '--json', '--fail', 'sydney', '--no-ddos'], state);
    assert.equal(j.code, 0, j.err);
    const plan = JSON.parse(j.out);
    assert.equal(plan.dryRun, true);
    assert.equal(plan.failSite, 'sydney');
    assert.equal(plan.steps.length, 5);
    if (process.getuid?.() === 0) {
      assert.equal(plan.runtime, 'inproc');
      assert.match(plan.why, /not root/);
      const forced = cli(['--dry-run', '--json', '--runtime', 'netns'], state);
      assert.equal(forced.code, 1);
      assert.equal(JSON.parse(forced.out).ready, false);
    }
    assert.deepEqual(readdirSync(dir), [], 'no state recorded');
    // A lab recorded by an earlier demo whose process is gone: the plan says it would be removed.
    mkdirSync(join(state, 'labs', 'demo'), { recursive: true, mode: 0o755 });
    writeFileSync(join(state, 'labs', 'demo', 'lab.json'), JSON.stringify({ owner: { pid: 2 ** 22 + 1, startTime: 1 } }));
    const earlier = cli(['--dry-run', '--json', '--runtime', 'netns'], state);
    assert.match(JSON.parse(earlier.out).creates.earlierLab, /earlier demo that did not finish \(pid 4194305\)/);
    const badFail = cli(['--dry-run', '--fail', 'atlantis'], state);
    assert.equal(badFail.code, 2);
    assert.match(badFail.err, /^anycast: --fail 'atlantis' is not a site of .*world\.yaml \(sites: newyork, london, tokyo, .*\)\n$/);
    const badRuntime = cli(['--dry-run', '--runtime', 'vm', '--json'], state);
    assert.equal(badRuntime.code, 2);
    assert.deepEqual(JSON.parse(badRuntime.out), { error: { code: 'ERR_USAGE', message: "--runtime 'vm' is not valid (accepted: auto, netns, inproc)" } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
