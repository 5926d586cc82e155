// MRT files written by real daemons, from a live session in network namespaces: BIRD 2 (protocol mrt:
// TABLE_DUMP_V2 of master4/master6, and with `always add path` the RFC 8050 ADDPATH subtypes) peers with GoBGP
// ([[mrt-dump]] updates: BGP4MP_MESSAGE_AS4 of everything GoBGP receives, announcements and withdrawals). Every
// file must read without error, every record re-encode to its exact octets, and `bgpdump -m` must print the same
// lines as we do; the routes each side originated must be in the other side's file.
//
//   acr-<pid>-g (GoBGP, AS 64512)  10.0.0.1/24 fdac::1/64 ── veth ── 10.0.0.2/24 fdac::2/64  acr-<pid>-b (BIRD, AS 64513)
//   GoBGP originates 192.0.2.0/24, 2001:db8:200::/48; BIRD 198.51.100.0/24, 203.0.113.0/25, 2001:db8:100::/48.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeRecord } from '../../src/mrt/encode.js';
import { recordJson } from '../../src/mrt/json.js';
import { readMrt } from '../../src/mrt/reader.js';
import { bgpdumpLines, modelOnly, ourLines, tempDir } from './helpers.js';

const have = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).error === undefined;
const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)'
  : !have('bird', ['--version']) || !have('gobgpd', ['--version']) || !have('bgpdump', ['-T'])
    ? 'needs bird2, gobgpd and bgpdump (Debian packages)' : false;

const P = process.pid;
const G = `acr-${P}-g`, B = `acr-${P}-b`;

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
const inNs = (ns: string, args: string[]) => spawnSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });

/** The daemon under test is gone: `until` stops at once instead of waiting out its time. */
class GobgpdExited extends Error {}

async function until(what: string, ok: () => boolean | Promise<boolean>, seconds = 90): Promise<void> {
  const end = Date.now() + seconds * 1000;
  let last = '';
  while (Date.now() < end) {
    try {
      if (await ok()) return;
    } catch (e) {
      if (e instanceof GobgpdExited) throw e; // waiting longer cannot help
      last = (e as Error).message; // e.g. the daemon's control socket is not there yet
    }
    await sleep(250);
  }
  assert.fail(`timed out after ${seconds} s waiting for ${what}${last === '' ? '' : ` (last error: ${last})`}`);
}

/** Records of a file, with a check that each re-encodes to its exact octets. */
async function readExact(file: string): Promise<{ records: number; kinds: Set<string> }> {
  const bytes = readFileSync(file);
  let records = 0;
  const kinds = new Set<string>();
  for await (const it of readMrt(file)) {
    assert.ok(it.ok, it.ok ? '' : `${file}: ${it.error.message}`);
    const again = Buffer.from(encodeRecord(modelOnly(it.record)));
    assert.ok(again.equals(bytes.subarray(it.offset, it.offset + it.length)), `${file}: record at ${it.offset} re-encodes differently`);
    JSON.stringify(recordJson(it.record));
    kinds.add(`${it.record.kind}/${'subtype' in it.record ? it.record.subtype : 1}`);
    records++;
  }
  return { records, kinds };
}

test('BIRD table dumps and GoBGP update dumps from a live session: read exactly, same lines as bgpdump', { skip, timeout: 600_000 },
  async (t) => {
    const { dir, cleanup } = tempDir('acr-ns-');
    const procs: ChildProcess[] = [];
    const teardown = () => {
      const birdPid = join(dir, 'bird.pid');
      if (existsSync(birdPid)) { try { process.kill(Number(readFileSync(birdPid, 'utf8').trim())); } catch { /* gone */ } }
      for (const p of procs) if (p.exitCode === null && p.pid !== undefined) { try { process.kill(p.pid); } catch { /* gone */ } }
      for (const ns of [G, B]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      cleanup();
    };
    process.once('exit', teardown);
    t.after(async () => { teardown(); process.removeListener('exit', teardown); });

    sh('ip', ['netns', 'add', G]);
    sh('ip', ['netns', 'add', B]);
    sh('ip', ['link', 'add', `acrg${P}`, 'netns', G, 'type', 'veth', 'peer', 'name', `acrb${P}`, 'netns', B]);
    for (const [ns, dev, v4, v6] of [[G, `acrg${P}`, '10.0.0.1/24', 'fdac::1/64'], [B, `acrb${P}`, '10.0.0.2/24', 'fdac::2/64']] as const) {
      sh('ip', ['-n', ns, 'addr', 'add', v4, 'dev', dev]);
      sh('ip', ['-n', ns, 'addr', 'add', v6, 'dev', dev, 'nodad']);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      sh('ip', ['-n', ns, 'link', 'set', dev, 'up']);
    }

    const f = (n: string) => join(dir, n);
    writeFileSync(f('bird.conf'), `router id 10.0.0.2;
protocol device {}
protocol static s4 {
  ipv4;
  route 198.51.100.0/24 blackhole { bgp_med = 50; bgp_community.add((64513, 7)); bgp_large_community.add((64513, 1, 2)); };
  route 203.0.113.0/25 blackhole;
}
protocol static s6 {
  ipv6;
  route 2001:db8:100::/48 blackhole { bgp_community.add((65535, 65281)); };
}
template bgp peer { local as 64513; connect delay time 1; connect retry time 1; error wait time 1,5; }
protocol bgp g4 from peer { local 10.0.0.2; neighbor 10.0.0.1 as 64512; ipv4 { import all; export all; }; }
protocol bgp g6 from peer { local fdac::2; neighbor fdac::1 as 64512; ipv6 { import all; export all; }; }
protocol mrt m4 { table "master4"; filename "${f('bird4.mrt')}"; period 1; }
protocol mrt m6 { table "master6"; filename "${f('bird6.mrt')}"; period 1; }
protocol mrt m4ap { table "master4"; filename "${f('bird4-addpath.mrt')}"; period 1; always add path on; }
`);
    writeFileSync(f('gobgpd.toml'), `[global.config]
  as = 64512
  router-id = "10.0.0.1"
${['10.0.0.2', 'fdac::2'].map((a) => `[[neighbors]]
  [neighbors.config]
    neighbor-address = "${a}"
    peer-as = 64513
  [neighbors.timers.config]
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "${a.includes(':') ? 'ipv6' : 'ipv4'}-unicast"`).join('\n')}
[[mrt-dump]]
  [mrt-dump.config]
    dump-type = "updates"
    file-name = "gobgp-updates.mrt"
`);
    const gobgpdLog: Buffer[] = [];
    // GoBGP passes an update dump's file name through Go's time.Format (its rotation interval is never 0 for
    // updates), which turns digits and words such as "Mon" into date fields: a relative name free of them, in the
    // daemon's working directory, is the only way to know where the file lands.
    const gobgpd = spawn('ip', ['netns', 'exec', G, 'gobgpd', '-f', f('gobgpd.toml'), '--pprof-disable', '--api-hosts', '127.0.0.1:50051'],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    gobgpd.stdout!.on('data', (d: Buffer) => gobgpdLog.push(d));
    gobgpd.stderr!.on('data', (d: Buffer) => gobgpdLog.push(d));
    procs.push(gobgpd);
    // GoBGP logs only the updates that arrive after its MRT dumper has started (it creates the file then): start
    // BIRD, whose announcements are to be logged, after that.
    const gobgpdSaid = () => Buffer.concat(gobgpdLog).toString().slice(-3000);
    await until('GoBGP to open its MRT update dump', () => {
      if (gobgpd.exitCode !== null) throw new GobgpdExited(`gobgpd exited (${gobgpd.exitCode}): ${gobgpdSaid()}`);
      return existsSync(f('gobgp-updates.mrt'));
    }, 30).catch((e: Error) => { throw e instanceof GobgpdExited ? e : new Error(`${e.message}; gobgpd said: ${gobgpdSaid()}`); });
    sh('ip', ['netns', 'exec', B, 'bird', '-c', f('bird.conf'), '-s', f('bird.ctl'), '-P', f('bird.pid')]);

    const birdc = (...args: string[]) => sh('birdc', ['-s', f('bird.ctl'), ...args]);
    await until('both BGP sessions Established in BIRD', () => {
      const out = birdc('show', 'protocols');
      return /g4\s+BGP.*Established/.test(out) && /g6\s+BGP.*Established/.test(out);
    });
    for (const route of [['-a', 'ipv4', '192.0.2.0/24', 'community', '64512:100', 'med', '10'],
      ['-a', 'ipv6', '2001:db8:200::/48', 'community', '64512:200']]) {
      await until(`gobgp accepting ${route[2]}`, () => inNs(G, ['gobgp', 'global', 'rib', 'add', ...route]).status === 0, 20);
    }
    await until('BIRD to learn both GoBGP routes', () => birdc('show', 'route', 'protocol', 'g4').includes('192.0.2.0/24') &&
      birdc('show', 'route', 'protocol', 'g6').includes('2001:db8:200::/48'));
    // Let the table dumps include the learned routes, then make BIRD withdraw everything it originates.
    await until('a BIRD dump with the learned route', async () => (await ourLines(f('bird4.mrt'))).lines.some((l) => l.includes('|192.0.2.0/24|')));
    await until('an IPv6 BIRD dump with the learned route', async () => (await ourLines(f('bird6.mrt'))).lines.some((l) => l.includes('|2001:db8:200::/48|')));
    await until('an add-path BIRD dump with the learned route', async () => (await ourLines(f('bird4-addpath.mrt'))).lines.some((l) => l.includes('|192.0.2.0/24|')));
    await until('GoBGP to log BIRD\'s three announcements', async () => {
      const lines = (await ourLines(f('gobgp-updates.mrt'))).lines;
      return ['198.51.100.0/24', '203.0.113.0/25', '2001:db8:100::/48'].every((p) => lines.some((l) => l.includes(`|A|`) && l.includes(`|${p}|`)));
    });
    birdc('disable', 's4');
    birdc('disable', 's6');
    await until('GoBGP to log the withdrawals', async () => (await ourLines(f('gobgp-updates.mrt'))).lines.filter((l) => l.includes('|W|')).length >= 3);

    // Stop every writer before the files are compared: BIRD appends a dump to each file every second and GoBGP logs
    // every UPDATE it receives, and a file must not change between our read and bgpdump's.
    for (const m of ['m4', 'm6', 'm4ap']) birdc('disable', m);
    await until('BIRD to stop its MRT dumps', () => {
      const out = birdc('show', 'protocols');
      return ['m4', 'm6', 'm4ap'].every((m) => new RegExp(`^${m}\\s+MRT\\s+\\S+\\s+down\\b`, 'm').test(out));
    });
    gobgpd.kill('SIGTERM');
    await until('gobgpd to exit', () => gobgpd.exitCode !== null || gobgpd.signalCode !== null, 30);

    for (const file of ['bird4.mrt', 'bird6.mrt', 'bird4-addpath.mrt', 'gobgp-updates.mrt']) {
      const { records, kinds } = await readExact(f(file));
      assert.ok(records > 0, file);
      const ours = await ourLines(f(file));
      assert.deepEqual(ours.problems, [], file);
      assert.deepEqual(ours.lines, bgpdumpLines(f(file)), `${file}: our lines differ from bgpdump's`);
      t.diagnostic(`${file}: ${records} records (${[...kinds].join(', ')}), ${ours.lines.length} lines identical to bgpdump -m`);
    }

    const bird4 = (await ourLines(f('bird4.mrt'))).lines;
    assert.ok(bird4.some((l) => /^TABLE_DUMP2\|\d+\|B\|10\.0\.0\.1\|64512\|192\.0\.2\.0\/24\|64512\|\w+\|10\.0\.0\.1\|100\|10\|64512:100\|NAG\|\|$/.test(l)),
      'BIRD dumped the route learned from GoBGP with its attributes');
    assert.ok(bird4.some((l) => l.includes('|198.51.100.0/24||') && l.includes('|64513:7|')), 'BIRD dumped its own static route');
    const bird6 = (await ourLines(f('bird6.mrt'))).lines;
    assert.ok(bird6.some((l) => /\|fdac::1\|64512\|2001:db8:200::\/48\|64512\|\w+\|fdac::1\|/.test(l)));
    assert.ok((await ourLines(f('bird4-addpath.mrt'))).lines.every((l) => l.startsWith('TABLE_DUMP2_AP|')));
    const upd = (await ourLines(f('gobgp-updates.mrt'))).lines;
    assert.ok(upd.some((l) => /^BGP4MP\|\d+\|A\|10\.0\.0\.2\|64513\|198\.51\.100\.0\/24\|64513\|IGP\|10\.0\.0\.2\|/.test(l) && l.includes('|64513:7|')));
    assert.ok(upd.some((l) => /^BGP4MP\|\d+\|A\|fdac::2\|64513\|2001:db8:100::\/48\|64513\|IGP\|fdac::2\|.*\|no-export\|/.test(l)));
    for (const p of ['198.51.100.0/24', '203.0.113.0/25', '2001:db8:100::/48']) {
      assert.ok(upd.some((l) => l.includes('|W|') && l.endsWith(`|${p}`)), `withdrawal of ${p}`);
    }
  });
