// The `anycast sim` subcommands end to end on a tiny graph (and once on the shipped defaults): JSON/CSV output
// that parses and says the right thing, and errors that name file, key and reason.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { simMain } from '../../src/sim/cli/index.js';

// The fixtures live beside the test sources (test/sim/fixtures), two levels up from dist/test/sim.
const fx = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'sim', 'fixtures');
const base = ['--graph', join(fx, 'tiny.as-rel.txt'), '-d', join(fx, 'tiny.yaml'), '-q'];

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  const orig = process.stdout.write.bind(process.stdout);
  let out = '';
  // Only our strings: node's test runner reports through this same stdout, in binary.
  (process.stdout as { write: unknown }).write = (s: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof s === 'string') { out += s; return true; }
    return (orig as (...a: unknown[]) => boolean)(s, ...rest);
  };
  try {
    const code = await simMain(argv);
    return { code, out };
  } finally {
    (process.stdout as { write: unknown }).write = orig;
  }
}

test('catchment --json and --csv on the tiny graph', async () => {
  const j = JSON.parse((await capture(['catchment', ...base, '--json'])).out);
  // A reaches 64510, 64520 (below), 64500 (customer route), 64511 and 64521? 64521 has providers 64511 (A, len 4)
  // and 64512 (B, len 2): B. 64501 prefers its customer 64512 (B).
  assert.deepEqual(j.sites.map((s: { id: string; ases: number }) => [s.id, s.ases]), [['A', 4], ['B', 3]]);
  assert.equal(j.routed, 7);
  const csv = (await capture(['catchment', ...base, '--csv', '--ases'])).out.trim().split('\n');
  assert.equal(csv[0], 'asn,name,cc,site,route,path_len,rtt_ms,nearest_site');
  assert.equal(csv.length, 8);
  assert.match(csv.find((l) => l.startsWith('64521,'))!, /,B,provider,2,/);
  const one = JSON.parse((await capture(['catchment', ...base, '--json', '--as', '64520'])).out);
  assert.deepEqual(one.asPath, [64520, 64510, 65000]);
  const all = JSON.parse((await capture(['catchment', ...base, '--json', '--mode', 'all'])).out);
  assert.equal(all.uncertain, 0);
});

test('failover, optimize, add-site, ddos, compare, converge produce their JSON', async () => {
  const f = JSON.parse((await capture(['failover', ...base, '--json'])).out);
  assert.equal(f.failovers.length, 2);
  assert.deepEqual(f.failovers[0].movedTo, { B: 4 }, 'all of A\'s catchment goes to B');
  const o = JSON.parse((await capture(['optimize', '1', ...base, '--json'])).out);
  assert.equal(o.chosen.length, 1);
  const a = JSON.parse((await capture(['add-site', ...base, '--json', '--candidates', 'top:3'])).out);
  assert.equal(a.chosen.length, 1);
  assert.match(a.chosen[0], /^cand-as645\d\d$/);
  assert.ok(a.greedy[0].gainMs >= 0, 'adding a site cannot make the mean RTT worse');
  const d = JSON.parse((await capture(['ddos', ...base, '--json', '--sources', '3', '--seed', '2'])).out);
  assert.equal(d.attack.sources, 2, 'the tiny graph has only two stub ASes (64520, 64521)');
  assert.equal(d.withdraw.withdrawn.length, 1);
  const dir = mkdtempSync(join(tmpdir(), 'anycast-sim-'));
  const m = join(dir, 'measured.json');
  writeFileSync(m, JSON.stringify({ 64520: ['A'], 64521: ['A'], 64501: ['B'] }));
  const c = JSON.parse((await capture(['compare', ...base, '--json', '--measured', m])).out);
  assert.equal(c.compared, 3);
  assert.equal(c.agree, 2);
  const v = JSON.parse((await capture(['converge', ...base, '--json', '--site', 'A', '--link-delay', '10', '--proc', '1-1', '--no-jitter'])).out);
  assert.equal(v.phases.length, 3);
  assert.ok(v.phases.every((p: { matchesStatic: boolean }) => p.matchesStatic));
});

test('errors: unknown key in the deployment, unknown site, bad option', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anycast-sim-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'name: x\nsites:\n  - id: a\n    origin: 64510\n    prepnd: 2\n');
  await assert.rejects(capture(['catchment', '--graph', join(fx, 'tiny.as-rel.txt'), '-d', bad]),
    (e: Error & { code?: string }) => e.code === 'ERR_CONFIG' && e.message === `${bad}: sites[0].prepnd: unknown key (allowed: id, origin, town, country, location, neighbors, prepend, no-export, capacity)`);
  await assert.rejects(capture(['failover', ...base, 'nowhere']), /no site 'nowhere'/);
  await assert.rejects(capture(['catchment', ...base, '--mode', 'random']), /--mode must be lowest-asn or all/);
  await assert.rejects(capture(['bogus']), /unknown sim subcommand/);
});

test('options a subcommand has no use for are refused, not ignored; a broken root-site file names itself', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anycast-sim-'));
  const w = join(dir, 'weights.json');
  writeFileSync(w, '{"64520": 10}');
  await assert.rejects(capture(['converge', ...base, '--weights', w]), /--weights has no effect on 'anycast sim converge'/);
  const m = join(dir, 'measured.json');
  writeFileSync(m, '{"64520": ["A"]}');
  await assert.rejects(capture(['compare', ...base, '--measured', m, '--weights', w]), /--weights has no effect on 'anycast sim compare'/);
  const tiny = ['--graph', join(fx, 'tiny.as-rel.txt'), '-q'];
  await assert.rejects(capture(['root', 'k', ...tiny, '--mode', 'all']), /--mode has no effect on 'anycast sim root'/);
  await assert.rejects(capture(['root', 'k', ...tiny, '-d', join(fx, 'tiny.yaml')]), /--deployment has no effect/);
  await assert.rejects(capture(['root', 'k', ...tiny, '--csv']), /--csv has no effect/);
  const broken = join(dir, 'root_k.json');
  writeFileSync(broken, '{"ASN": 25152, "Sites": [');
  await assert.rejects(capture(['root', 'k', ...tiny, '--file', broken]),
    (e: Error & { code?: string }) => e.code === 'ERR_INPUT' && e.message.startsWith(`${broken}: invalid JSON`));
});

test('with no arguments: the shipped graph and the shipped K-root example', async () => {
  const j = JSON.parse((await capture(['catchment', '--json', '-q'])).out);
  assert.equal(j.deployment, 'K-root');
  assert.equal(j.ases, 60006);
  assert.ok(j.routed > 59000);
  assert.equal(j.sites.length, 125);
});

test('an unknown option or a missing option value is a one-line usage error naming the option', async () => {
  await assert.rejects(simMain(['catchment', ...base, '--bogus']), (e: Error & { code?: string }) =>
    e.code === 'ERR_USAGE' && e.message === "Unknown option '--bogus' (anycast sim catchment --help)");
  await assert.rejects(simMain(['catchment', '-d']), (e: Error & { code?: string }) =>
    e.code === 'ERR_USAGE' && e.message === "Option '-d, --deployment <value>' argument missing (anycast sim catchment --help)");
});
