// MRT dump benchmark: `anycast mrt dump` against `bgpdump -m` (1.6.2, Debian) on the same files in the same run.
//
//   node dist/bench/mrt/run.js [--prefixes 250000] [--peers 4] [--pool 50000] [--updates 200000] [--runs 2]
//                                [--write]   (--write: also write bench/results/mrt.md)
//
// Files (generated with test/mrt/generate.ts, written with MrtWriter): a TABLE_DUMP_V2 dump of prefixes × peers RIB
// entries (80% IPv4, 20% IPv6, attribute lists drawn from a pool of --pool per family, as routes share attribute
// sets in real tables), the same dump gzipped, the dump concatenated three times (to show that memory does not grow
// with the input), and a BGP4MP log of --updates messages of every subtype. Each tool runs --runs times per file,
// interleaved, pinned to the same core with taskset when available, under /usr/bin/time: wall time, CPU time (user +
// system) and peak RSS. Rates are given per CPU second, which the other load on a shared machine distorts far less
// than wall time. Outputs are compared once, byte for byte (they must be identical). All files live in a temporary
// directory removed at the end; every child is waited for.
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { encodeRecord } from '../../src/mrt/encode.js';
import { MrtWriter } from '../../src/mrt/writer.js';
import { bgp4mpLog, rng, tableDumpRecords } from '../../test/mrt/generate.js';
import { median } from '../stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const MAIN = join(root, 'dist/src/cli/main.js');
const READ_ONLY = join(here, 'read-only.js');

const { values: o } = parseArgs({ options: {
  prefixes: { type: 'string', default: '250000' }, peers: { type: 'string', default: '4' },
  pool: { type: 'string', default: '50000' }, updates: { type: 'string', default: '200000' },
  runs: { type: 'string', default: '2' }, write: { type: 'boolean', default: false },
} });
const N = { prefixes: Number(o.prefixes), peers: Number(o.peers), pool: Number(o.pool), updates: Number(o.updates), runs: Number(o.runs) };

const hasTime = spawnSync('/usr/bin/time', ['-f', '%e', 'true'], { stdio: 'ignore' }).status === 0;
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
const cores = cpus().length;

interface Run { wall: number; cpu: number; rssMb: number; stdout?: string }

/** Run a command with stdout to a file (or /dev/null); wall, user+sys CPU and peak RSS from /usr/bin/time. */
function measure(cmd: string[], out = '/dev/null'): Run {
  const pinned = hasTaskset ? ['taskset', '-c', String(cores - 1), ...cmd] : cmd;
  const t0 = performance.now();
  const full = hasTime ? ['/usr/bin/time', '-f', '@@%e %U %S %M', ...pinned] : pinned;
  const r = spawnSync('sh', ['-c', `${full.map((a) => `'${a}'`).join(' ')} > '${out}'`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const m = /@@([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  return m === null ? { wall, cpu: NaN, rssMb: NaN }
    : { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024 };
}

const best = (rs: Run[]) => rs.reduce((a, b) => (b.cpu < a.cpu ? b : a));
const mb = (bytes: number) => bytes / 1e6;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'acr-bench-'));
  const lines: string[] = [];
  const log = (s = '') => { lines.push(s); process.stdout.write(s + '\n'); };
  try {
    const load0 = loadavg();
    // ---- generate ----
    const rib = join(dir, 'rib.mrt');
    let t = performance.now();
    const w = new MrtWriter(createWriteStream(rib));
    let ribRecords = 0;
    for (const r of tableDumpRecords(rng(42), { peers: N.peers, prefixes: N.prefixes, v6Share: 0.2, entriesPerPrefix: N.peers,
      attributePool: N.pool })) { await w.write(r); ribRecords++; }
    await w.close();
    const genSec = (performance.now() - t) / 1000;
    const ribBytes = statSync(rib).size;
    const entries = N.prefixes * N.peers;
    // Encoder alone, on records held in memory.
    const sample = [...tableDumpRecords(rng(43), { peers: N.peers, prefixes: 20_000, v6Share: 0.2, entriesPerPrefix: N.peers, attributePool: 5000 })];
    t = performance.now();
    let encBytes = 0;
    for (let k = 0; k < 3; k++) for (const r of sample) encBytes += encodeRecord(r).length;
    const encSec = (performance.now() - t) / 1000;
    writeFileSync(join(dir, 'rib.mrt.gz'), gzipSync(readFileSync(rib), { level: 6 }));
    execFileSync('sh', ['-c', `cat '${rib}' '${rib}' '${rib}' > '${join(dir, 'rib3.mrt')}'`]);
    const upd = join(dir, 'updates.mrt');
    const uw = new MrtWriter(createWriteStream(upd));
    for (const r of bgp4mpLog(rng(44), N.updates)) await uw.write(r);
    await uw.close();

    // ---- correctness: identical outputs ----
    const same: string[] = [];
    for (const f of ['rib.mrt', 'updates.mrt']) {
      const a = join(dir, `${f}.ours`), b = join(dir, `${f}.bgpdump`);
      measure(['node', MAIN, 'mrt', 'dump', join(dir, f)], a);
      measure(['bgpdump', '-m', '-q', join(dir, f)], b);
      const eq = spawnSync('cmp', ['-s', a, b]).status === 0;
      const n = Number(execFileSync('wc', ['-l', a], { encoding: 'utf8' }).trim().split(' ')[0]);
      same.push(`${f}: ${n} lines, ${eq ? 'identical' : 'DIFFERENT'}`);
      if (!eq) throw new Error(`outputs differ for ${f}`);
      rmSync(a); rmSync(b);
    }

    // ---- timed runs, interleaved ----
    const cases: { name: string; file: string; lines: number; cmds: Record<string, string[]> }[] = [
      { name: `TABLE_DUMP_V2, ${entries.toLocaleString('en')} entries`, file: 'rib.mrt', lines: entries, cmds: {
        'bgpdump -m': ['bgpdump', '-m', '-q', join(dir, 'rib.mrt')],
        'anycast mrt dump': ['node', MAIN, 'mrt', 'dump', join(dir, 'rib.mrt')],
        'reader only (no output)': ['node', READ_ONLY, join(dir, 'rib.mrt')],
        'reader + decode all attributes': ['node', READ_ONLY, join(dir, 'rib.mrt'), '--attrs'],
      } },
      { name: 'same, gzip', file: 'rib.mrt', lines: entries, cmds: {
        'bgpdump -m': ['bgpdump', '-m', '-q', join(dir, 'rib.mrt.gz')],
        'anycast mrt dump': ['node', MAIN, 'mrt', 'dump', join(dir, 'rib.mrt.gz')],
      } },
      { name: 'same dump ×3 (memory check)', file: 'rib3.mrt', lines: 3 * entries, cmds: {
        'bgpdump -m': ['bgpdump', '-m', '-q', join(dir, 'rib3.mrt')],
        'anycast mrt dump': ['node', MAIN, 'mrt', 'dump', join(dir, 'rib3.mrt')],
      } },
      { name: `BGP4MP(_ET), ${N.updates.toLocaleString('en')} messages`, file: 'updates.mrt', lines: N.updates, cmds: {
        'bgpdump -m': ['bgpdump', '-m', '-q', join(dir, 'updates.mrt')],
        'anycast mrt dump': ['node', MAIN, 'mrt', 'dump', join(dir, 'updates.mrt')],
        'reader only (no output)': ['node', READ_ONLY, join(dir, 'updates.mrt')],
      } },
    ];
    const results: { kase: string; tool: string; size: number; lines: number; runs: Run[] }[] = [];
    for (const c of cases) {
      const size = statSync(join(dir, c.file)).size;
      const per = new Map<string, Run[]>();
      for (let i = 0; i < N.runs; i++) {
        for (const [tool, cmd] of Object.entries(c.cmds)) per.set(tool, [...(per.get(tool) ?? []), measure(cmd)]);
      }
      for (const [tool, runs] of per) results.push({ kase: c.name, tool, size, lines: c.lines, runs });
    }
    const load1 = loadavg();

    // ---- report ----
    log('# MRT dump: anycast vs bgpdump 1.6.2');
    log();
    log(`Command: \`node dist/bench/mrt/run.js --prefixes ${N.prefixes} --peers ${N.peers} --pool ${N.pool} ` +
      `--updates ${N.updates} --runs ${N.runs}\` (${new Date().toISOString().slice(0, 10)}).`);
    log(`Machine: ${cores} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}; shared with other work: load average ` +
      `${load0.map((x) => x.toFixed(1)).join('/')} at start, ${load1.map((x) => x.toFixed(1)).join('/')} at end. ` +
      `${hasTaskset ? `Each run pinned to core ${cores - 1} (taskset). ` : ''}Best of ${N.runs} runs by CPU time; wall time is the median.`);
    log();
    log(`Files: TABLE_DUMP_V2 ${mb(ribBytes).toFixed(1)} MB (${ribRecords.toLocaleString('en')} records, ${entries.toLocaleString('en')} RIB ` +
      `entries over ${N.peers} peers, attribute lists from a pool of ${N.pool.toLocaleString('en')} per family), generated and written ` +
      `in ${genSec.toFixed(1)} s; BGP4MP log ${mb(statSync(upd).size).toFixed(1)} MB. ${same.join('; ')} (bgpdump -m vs anycast mrt dump).`);
    log(`Encoder alone (encodeRecord on records in memory): ${(3 * sample.length / encSec / 1000).toFixed(0)}k records/s, ` +
      `${(mb(encBytes) / encSec).toFixed(1)} MB/s.`);
    log();
    log('| input | tool | CPU s | wall s | MB/s per CPU s | entries (RIB) or messages (BGP4MP) /s per CPU s | peak RSS MB | CPU vs bgpdump | wall vs bgpdump |');
    log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of results) {
      const b = best(r.runs);
      const ref = results.find((x) => x.kase === r.kase && x.tool === 'bgpdump -m');
      const ratio = ref === undefined ? '' : `${(b.cpu / best(ref.runs).cpu).toFixed(2)}×`;
      const wall = median(r.runs.map((x) => x.wall));
      const wallRatio = ref === undefined ? '' : `${(wall / median(ref.runs.map((x) => x.wall))).toFixed(2)}×`;
      const eps = Number.isNaN(r.lines) ? '' : `${Math.round(r.lines / b.cpu).toLocaleString('en')}`;
      log(`| ${r.kase} | ${r.tool} | ${b.cpu.toFixed(2)} | ${wall.toFixed(2)} | ${(mb(r.size) / b.cpu).toFixed(1)} | ` +
        `${eps} | ${Math.max(...r.runs.map((x) => x.rssMb)).toFixed(0)} | ${ratio} | ${wallRatio} |`);
    }
    if (o.write) writeFileSync(join(root, 'bench/results/mrt.md'), lines.join('\n') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
