// The bgperf-style benchmark of the speaker, side by side with BIRD 2 and GoBGP in the same run, with the same
// tester (bench/speaker/tester.ts, a separate process in its own namespace):
//   load         10 tester peers x 100k prefixes (1M routes) into the device under test: time from the first
//                UPDATE until the device holds every route with its best path selected (polled every 100 ms:
//                our /metrics, `birdc show route count`, `gobgp global rib summary`), peak RSS of the device
//                (VmHWM), and (RSS after − RSS before) per route.
//   reload       the load again into the same device process, once the tester's sessions went down and the
//                device emptied its table: a process that has run before (for ours: its code already compiled by
//                V8's optimizing compiler, its heap already grown), as after a session reset rather than a start.
//   propagation  100k routes from one tester peer through the device to a sink peer: time until the sink has
//                them all.
// CPU is reported for the whole process and for its main thread (the rest: V8's compiler and collector helpers).
// Each load line also gives the device's start-up time: from its launch until it answers (ours: its control API;
// it includes our start-up warm-up, src/bgp/speaker/warm-up.ts). `ours-cold` is our speaker with `warm-up: false`.
// Needs root (namespaces). node dist/bench/speaker/run.js [--peers N] [--prefixes N] [--rounds N] [--only ours,ours-cold,bird,gobgp]
//   [--phase load,reload,propagation] (default load,propagation) [--settle S] (seconds before the reload, default 10)
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { callSpeaker } from '../../src/bgp/api/client.js';
import { createDaemon, type BirdDaemon, type Daemon, type GobgpDaemon } from '../../src/daemons/index.js';
import { createTopology, makeTempDir, nsSpawn, ResourceRegistry, type NsProcess } from '../../src/netns/index.js';
import { peerAddress, type TesterSpec } from './tester.js';
import { median } from '../stats.js';

const { values } = parseArgs({ options: { peers: { type: 'string' }, prefixes: { type: 'string' }, rounds: { type: 'string' }, only: { type: 'string' }, phase: { type: 'string' }, settle: { type: 'string' } } });
const PHASES = (values.phase ?? 'load,propagation').split(',');
for (const p of PHASES) if (!['load', 'reload', 'propagation'].includes(p)) throw new Error(`--phase: unknown phase "${p}" (load, reload, propagation)`);
/** reload alone still runs (and reports nothing of) the first load it follows. */
const RELOAD = PHASES.includes('reload'), LOADS = RELOAD || PHASES.includes('load');
/** Seconds between the end of the first load's withdrawal and the reload. */
const SETTLE_S = Number(values.settle ?? 10);
if (!(SETTLE_S >= 0)) throw new Error(`--settle: "${values.settle}" is not a number of seconds`);
const PEERS = Number(values.peers ?? 10), PREFIXES = Number(values.prefixes ?? 100_000), ROUNDS = Number(values.rounds ?? 1);
type Kind = 'ours' | 'ours-cold' | 'bird' | 'gobgp';
const KINDS = (values.only ?? 'ours,bird,gobgp').split(',') as Kind[];
for (const k of KINDS) if (!['ours', 'ours-cold', 'bird', 'gobgp'].includes(k)) throw new Error(`--only: unknown device "${k}" (ours, ours-cold, bird, gobgp)`);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const P = `acs-${process.pid}-b`;
const DUT = `${P}-dut`, TST = `${P}-tst`;
const DUT_ADDR = '10.96.0.1', TPL = '10.96.0.%';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function procStatus(pid: number, key: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * CPU seconds (user + system, all threads) the process has used: on a shared machine the wall-clock time of a
 * run depends on the other jobs, the CPU time much less.
 */
function cpuSeconds(pid: number, file = `/proc/${pid}/stat`): number {
  const stat = readFileSync(file, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (fields 14 and 15) in USER_HZ ticks
}

/** CPU seconds of the process's main thread (the thread whose id is the PID): for ours the rest is V8's helpers. */
function mainThreadCpuSeconds(pid: number): number {
  return cpuSeconds(pid, `/proc/${pid}/task/${pid}/stat`);
}

/** The V8 flags `bin/anycast` gives the speaker by default (read from the launcher, so both stay one). */
function launcherFlags(): string {
  const m = /ANYCAST_SPEAKER_NODE_FLAGS-([^}]*)\}/.exec(readFileSync(join(ROOT, 'bin', 'anycast'), 'utf8'));
  if (m === null) throw new Error('bin/anycast: no default speaker flags found');
  return m[1];
}

/** count(): routes held with their best path selected; -1 while the device has a decision pending. */
interface Dut { pid(): number; count(): Promise<number>; stop(): Promise<void>; note?(): Promise<string> }

async function startDut(kind: Kind, reg: ResourceRegistry, peers: number, sink: boolean): Promise<Dut> {
  const dir = makeTempDir(reg, `acs-bench-${kind}`);
  const total = peers + (sink ? 1 : 0);
  const exportFor = (p: number) => sink && p === peers;
  if (kind === 'ours' || kind === 'ours-cold') {
    const sock = join(dir, 's.sock');
    const ns = Array.from({ length: total }, (_, p) => `  - { name: t${p + 1}, address: ${peerAddress(TPL, p)}, remote-as: ${65001 + p}, passive: true, ` +
      `hold-time: 180, import: accept, export: ${exportFor(p) ? 'accept' : 'reject'} }`);
    writeFileSync(join(dir, 's.yaml'), `router-id: ${DUT_ADDR}\nlocal-as: 65000\nlisten: ["${DUT_ADDR}:179"]\nfib: noop\n` +
      `graceful-restart: false\ncontrol: { socket: ${sock} }\nlog: { level: warn }\n${kind === 'ours-cold' ? 'warm-up: false\n' : ''}neighbors:\n${ns.join('\n')}\n`);
    const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
    // Started as users start it, through the `anycast` launcher (bin/anycast: the speaker's start-up V8 flags);
    // BENCH_NODE_FLAGS, when set, replaces those flags; BENCH_PROF adds a CPU profile to them (on the command
    // line: Node refuses --cpu-prof in NODE_OPTIONS).
    const env: NodeJS.ProcessEnv = { ...process.env };
    const flags = process.env.BENCH_NODE_FLAGS ?? (prof.length > 0 ? launcherFlags() : undefined);
    if (flags !== undefined) env.ANYCAST_SPEAKER_NODE_FLAGS = [flags, ...prof].join(' ').trim();
    const proc = nsSpawn(DUT, ['/bin/sh', join(ROOT, 'bin', 'anycast'), 'speaker', '--config', join(dir, 's.yaml')], reg,
      { logFile: join(dir, 's.log'), env });
    for (let i = 0; ; i++) {
      try { await callSpeaker({ socket: sock }, 'GET', '/v1/status'); break; } catch (e) {
        if (!proc.running || i > 600) throw new Error(`our speaker did not start: ${String(e)}; log: ${proc.logTail(5)}`);
        await sleep(100);
      }
    }
    return {
      pid: () => proc.pid,
      count: async () => {
        let m: string;
        try {
          m = await callSpeaker({ socket: sock }, 'GET', '/metrics') as string;
        } catch (e) {
          if (!proc.running) throw new Error(`our speaker exited: ${proc.logTail(10)}`);
          console.log(`  (poll failed, retrying: ${String(e)})`);
          return -1;
        }
        const paths = Number(/^anycast_bgp_rib_paths\{afi="ipv4"\} (\d+)$/m.exec(m)?.[1] ?? 0);
        const pending = Number(/^anycast_bgp_decision_pending (\d+)$/m.exec(m)?.[1] ?? 1);
        return pending === 0 ? paths : -1;
      },
      stop: async () => { await proc.stop(10_000); if (process.env.BENCH_KEEP_LOG) copyFileSync(join(dir, 's.log'), process.env.BENCH_KEEP_LOG); },
      note: async () => {
        const m = await callSpeaker({ socket: sock }, 'GET', '/metrics') as string;
        const mb = (k: string) => { const v = new RegExp(`^${k} (\\d+)$`, 'm').exec(m)?.[1]; return v ? `${(Number(v) / 1e6).toFixed(0)} MB` : '?'; };
        return `${/^anycast_bgp_decision_runs_total (\d+)$/m.exec(m)?.[1]} flushes; heap ${mb('nodejs_heap_size_used_bytes')} used of ` +
          `${mb('nodejs_heap_size_total_bytes')}, external ${mb('nodejs_external_memory_bytes')}, RSS ${mb('process_resident_memory_bytes')}`;
      },
    };
  }
  const d: Daemon = createDaemon(kind as 'bird' | 'gobgp', {
    name: 'dut', routerId: DUT_ADDR, localAs: 65000,
    neighbors: Array.from({ length: total }, (_, p) => ({ name: `t${p + 1}`, address: peerAddress(TPL, p), localAddress: DUT_ADDR,
      remoteAs: 65001 + p, passive: true, holdTime: 180, import: 'accept-all' as const, export: exportFor(p) ? 'accept-all' as const : 'reject-all' as const })),
  }, { ns: DUT, dir, registry: reg });
  await d.start();
  return {
    pid: () => d.pids()[0]!,
    count: async () => {
      if (kind === 'bird') {
        const out = await (d as BirdDaemon).birdc(['show', 'route', 'count']);
        return Number(/(\d+) of \d+ routes/.exec(out)?.[1] ?? 0);
      }
      const out = await (d as GobgpDaemon).gobgp(['-j', 'global', 'rib', 'summary', '-a', 'ipv4']);
      return Number(/"num_path":\s*(\d+)/.exec(out)?.[1] ?? 0);
    },
    stop: () => d.stop(),
  };
}

function startTester(reg: ResourceRegistry, spec: TesterSpec, log: string): NsProcess {
  return nsSpawn(TST, [process.execPath, join(ROOT, 'dist', 'bench', 'speaker', 'tester-main.js'), JSON.stringify(spec)], reg, { logFile: log });
}

async function testerEvent(log: string, event: string, timeoutMs: number): Promise<{ t: number; routes?: number }> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    let text = '';
    try { text = readFileSync(log, 'utf8'); } catch { /* not yet */ }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const e = JSON.parse(line) as { event: string; t: number; message?: string; routes?: number };
      if (e.event === 'error') throw new Error(`tester: ${e.message}`);
      if (e.event === event) return e;
    }
    await sleep(50);
  }
  throw new Error(`tester: no ${event} within ${timeoutMs} ms`);
}

/** "CPU x s, main thread y s" (Go schedules its work on threads of its own: GoBGP's main thread says nothing). */
function cpuText(x: { kind: string; cpu: number; mainCpu: number }): string {
  return `CPU ${x.cpu.toFixed(2)} s` + (x.kind === 'gobgp' ? '' : `, main thread ${x.mainCpu.toFixed(2)} s`);
}

/** One result line of a load or reload; `memory`: what it says of the device's memory. */
function loadLine(phase: string, x: LoadResult, memory: string): string {
  return `${phase} ${x.kind}: ${x.routes} routes in ${x.seconds.toFixed(2)} s (${cpuText(x)}), ${memory}`;
}

interface LoadResult { kind: string; seconds: number; cpu: number; mainCpu: number; peakRss: number; rss: number; perRoute: number; routes: number; startS?: number }
interface PropResult { kind: string; seconds: number; cpu: number; mainCpu: number }

/** The tester's full table into `dut`, timed from the first UPDATE until the device holds it all. */
async function timedLoad(kind: string, dut: Dut, reg: ResourceRegistry): Promise<LoadResult> {
  const rss0 = procStatus(dut.pid(), 'VmRSS');
  const cpu0 = cpuSeconds(dut.pid()), main0 = mainThreadCpuSeconds(dut.pid());
  const dir = makeTempDir(reg, 'acs-bench-tester');
  const log = join(dir, 'tester.log');
  const tester = startTester(reg, { dut: { address: DUT_ADDR, port: 179, asn: 65000 }, peers: PEERS, prefixes: PREFIXES, addressOf: TPL }, log);
  try {
    const start = await testerEvent(log, 'sending', 120_000);
    const t0 = start.t, want = start.routes!;
    let t1 = 0;
    for (const end = Date.now() + 900_000; Date.now() < end;) {
      if (await dut.count() >= want) { t1 = Date.now(); break; }
      await sleep(100);
    }
    if (t1 === 0) throw new Error(`${kind}: the table never completed`);
    const cpu = cpuSeconds(dut.pid()) - cpu0, mainCpu = mainThreadCpuSeconds(dut.pid()) - main0;
    const peak = procStatus(dut.pid(), 'VmHWM'), rss = procStatus(dut.pid(), 'VmRSS');
    if (dut.note) console.log(`  ${kind}: ${await dut.note()}`);
    return { kind, seconds: (t1 - t0) / 1000, cpu, mainCpu, peakRss: peak, rss, perRoute: (rss - rss0) / want, routes: want };
  } finally {
    await tester.stop(2000);
  }
}

/** A fresh device loads the table (phase load); with `again`, it then loads it a second time (phase reload). */
async function load(kind: Kind, reg: ResourceRegistry, again: boolean): Promise<[LoadResult, LoadResult?]> {
  const launched = performance.now();
  const dut = await startDut(kind, reg, PEERS, false);
  const startS = (performance.now() - launched) / 1000;
  try {
    await sleep(500);
    const first = { ...await timedLoad(kind, dut, reg), startS };
    if (!again) return [first];
    // The tester's sessions are gone: wait until the device has withdrawn every route, then let it settle (GoBGP
    // refuses a neighbor's new connection for a few seconds after the session went down: its idle hold time; after
    // ~8 s of quiet, V8's memory reducer gives our heap back to the system, so the reload grows it again).
    for (const end = Date.now() + 120_000; await dut.count() !== 0;) {
      if (Date.now() > end) throw new Error(`${kind}: routes still held 120 s after the tester left`);
      await sleep(100);
    }
    await sleep(SETTLE_S * 1000);
    return [first, await timedLoad(kind, dut, reg)];
  } finally {
    await dut.stop();
  }
}

async function propagation(kind: Kind, reg: ResourceRegistry): Promise<PropResult> {
  const dut = await startDut(kind, reg, 1, true);
  await sleep(500);
  const cpu0 = cpuSeconds(dut.pid()), main0 = mainThreadCpuSeconds(dut.pid());
  const dir = makeTempDir(reg, 'acs-bench-tester');
  const log = join(dir, 'tester.log');
  const tester = startTester(reg, { dut: { address: DUT_ADDR, port: 179, asn: 65000 }, peers: 1, prefixes: PREFIXES, addressOf: TPL, sink: true }, log);
  try {
    const t0 = (await testerEvent(log, 'sending', 120_000)).t;
    const t1 = (await testerEvent(log, 'sink-done', 600_000)).t;
    return { kind, seconds: (t1 - t0) / 1000, cpu: cpuSeconds(dut.pid()) - cpu0, mainCpu: mainThreadCpuSeconds(dut.pid()) - main0 };
  } finally {
    await tester.stop(2000);
    await dut.stop();
  }
}

const reg = new ResourceRegistry({ label: 'acs-bench-speaker' });
try {
  await createTopology({
    namespaces: [{ name: DUT }, { name: TST }],
    links: [{ a: { ns: DUT, ifname: 'dut', addrs: [`${DUT_ADDR}/24`] },
      b: { ns: TST, ifname: 'tst', addrs: Array.from({ length: PEERS + 1 }, (_, p) => `${peerAddress(TPL, p)}/24`) } }],
  }, reg);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, node ${process.version}`);
  const loads: LoadResult[] = [], reloads: LoadResult[] = [], props: PropResult[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of LOADS ? KINDS : []) {
      const [first, second] = await load(k, reg, RELOAD);
      if (PHASES.includes('load')) {
        loads.push(first);
        console.log(loadLine('load', first, `peak RSS ${(first.peakRss / 1e6).toFixed(0)} MB, ${first.perRoute.toFixed(0)} B/route; started in ${first.startS!.toFixed(2)} s`));
      }
      if (second !== undefined) {
        reloads.push(second);
        console.log(loadLine('reload', second, `RSS ${(second.rss / 1e6).toFixed(0)} MB after it (the process's peak includes the first load's)`));
      }
    }
    for (const k of PHASES.includes('propagation') ? KINDS : []) {
      const x = await propagation(k, reg);
      props.push(x);
      console.log(`propagation ${k}: ${PREFIXES} routes through in ${x.seconds.toFixed(2)} s (${cpuText(x)})`);
    }
  }
  const least = (l: PropResult[], k: string, of: (x: PropResult) => number) => Math.min(...l.filter((x) => x.kind === k).map(of));
  const best = (l: PropResult[], k: string) => least(l, k, (x) => x.seconds);
  const bestCpu = (l: PropResult[], k: string) => least(l, k, (x) => x.cpu);
  if (KINDS.includes('bird') && KINDS.includes('ours')) {
    const parts: string[] = [];
    const loadRatios = (name: string, l: LoadResult[]) => `${name} time ours/BIRD ${(best(l, 'ours') / best(l, 'bird')).toFixed(2)}` +
      (KINDS.includes('gobgp') ? `, ours/GoBGP ${(best(l, 'ours') / best(l, 'gobgp')).toFixed(2)}` : '') +
      ` (CPU ours/BIRD ${(bestCpu(l, 'ours') / bestCpu(l, 'bird')).toFixed(2)})`;
    if (loads.length > 0) parts.push(loadRatios('load', loads));
    if (reloads.length > 0) parts.push(loadRatios('reload', reloads));
    if (props.length > 0) {
      parts.push(`propagation ours/BIRD ${(best(props, 'ours') / best(props, 'bird')).toFixed(2)}` +
        ` (CPU ${(bestCpu(props, 'ours') / bestCpu(props, 'bird')).toFixed(2)})`);
    }
    console.log(`ratios (best of ${ROUNDS}): ${parts.join('; ')}`);
    // Each round runs every device once, one after the other, so a round's ratio compares runs made under the
    // same load of the (shared) machine: the figure to quote when its speed varies between rounds.
    const perRound = (l: { kind: string; seconds: number }[], k: string) => {
      const o = l.filter((x) => x.kind === k), b = l.filter((x) => x.kind === 'bird');
      const r = o.map((x, i) => x.seconds / b[i]!.seconds);
      return `${r.map((x) => x.toFixed(2)).join(', ')} (median ${median(r).toFixed(2)})`;
    };
    for (const k of ROUNDS > 1 ? KINDS.filter((x) => x === 'ours' || x === 'ours-cold') : []) {
      const rounds: string[] = [];
      if (loads.length > 0) rounds.push(`load ${perRound(loads, k)}`);
      if (reloads.length > 0) rounds.push(`reload ${perRound(reloads, k)}`);
      if (props.length > 0) rounds.push(`propagation ${perRound(props, k)}`);
      console.log(`${k}/BIRD per round: ${rounds.join('; ')}`);
    }
  }
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  const r = reg.cleanup();
  if (r.errors.length > 0) console.error('cleanup errors', r.errors);
}
