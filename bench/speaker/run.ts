// The bgperf-style benchmark of the speaker, side by side with BIRD 2 and GoBGP in the same run, with the same
// tester (bench/speaker/tester.ts, a separate process in its own namespace):
//   load         10 tester peers x 100k prefixes (1M routes) into the device under test: time from the first
//                UPDATE until the device holds every route with its best path selected (polled every 100 ms:
//                our /metrics, `birdc show route count`, `gobgp global rib summary`), peak RSS of the device
//                (VmHWM), and (RSS after − RSS before) per route.
//   propagation  100k routes from one tester peer through the device to a sink peer: time until the sink has
//                them all.
// Needs root (namespaces). node dist/bench/speaker/run.js [--peers N] [--prefixes N] [--rounds N] [--only ours,bird,gobgp]
//   [--phase load,propagation]
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { callSpeaker } from '../../src/bgp/api/client.js';
import { createDaemon, type BirdDaemon, type Daemon, type GobgpDaemon } from '../../src/daemons/index.js';
import { createTopology, makeTempDir, nsSpawn, ResourceRegistry, type NsProcess } from '../../src/netns/index.js';
import { peerAddress, type TesterSpec } from './tester.js';
import { median } from '../stats.js';

const { values } = parseArgs({ options: { peers: { type: 'string' }, prefixes: { type: 'string' }, rounds: { type: 'string' }, only: { type: 'string' }, phase: { type: 'string' } } });
const PHASE = values.phase ?? 'load,propagation';
const PEERS = Number(values.peers ?? 10), PREFIXES = Number(values.prefixes ?? 100_000), ROUNDS = Number(values.rounds ?? 1);
const KINDS = (values.only ?? 'ours,bird,gobgp').split(',') as ('ours' | 'bird' | 'gobgp')[];
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
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (fields 14 and 15) in USER_HZ ticks
}

/** The V8 flags `bin/anycast` gives the speaker by default (read from the launcher, so both stay one). */
function launcherFlags(): string {
  const m = /ANYCAST_SPEAKER_NODE_FLAGS-([^}]*)\}/.exec(readFileSync(join(ROOT, 'bin', 'anycast'), 'utf8'));
  if (m === null) throw new Error('bin/anycast: no default speaker flags found');
  return m[1];
}

interface Dut { pid(): number; count(): Promise<number>; stop(): Promise<void>; note?(): Promise<string> }

async function startDut(kind: 'ours' | 'bird' | 'gobgp', reg: ResourceRegistry, peers: number, sink: boolean): Promise<Dut> {
  const dir = makeTempDir(reg, `acs-bench-${kind}`);
  const total = peers + (sink ? 1 : 0);
  const exportFor = (p: number) => sink && p === peers;
  if (kind === 'ours') {
    const sock = join(dir, 's.sock');
    const ns = Array.from({ length: total }, (_, p) => `  - { name: t${p + 1}, address: ${peerAddress(TPL, p)}, remote-as: ${65001 + p}, passive: true, ` +
      `hold-time: 180, import: accept, export: ${exportFor(p) ? 'accept' : 'reject'} }`);
    writeFileSync(join(dir, 's.yaml'), `router-id: ${DUT_ADDR}\nlocal-as: 65000\nlisten: ["${DUT_ADDR}:179"]\nfib: noop\n` +
      `graceful-restart: false\ncontrol: { socket: ${sock} }\nlog: { level: warn }\nneighbors:\n${ns.join('\n')}\n`);
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
          return 0;
        }
        const paths = Number(/^anycast_bgp_rib_paths\{afi="ipv4"\} (\d+)$/m.exec(m)?.[1] ?? 0);
        const pending = Number(/^anycast_bgp_decision_pending (\d+)$/m.exec(m)?.[1] ?? 1);
        return pending === 0 ? paths : 0;
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
  const d: Daemon = createDaemon(kind, {
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

interface LoadResult { kind: string; seconds: number; cpu: number; peakRss: number; perRoute: number; routes: number }
interface PropResult { kind: string; seconds: number; cpu: number }

async function load(kind: 'ours' | 'bird' | 'gobgp', reg: ResourceRegistry): Promise<LoadResult> {
  const dut = await startDut(kind, reg, PEERS, false);
  await sleep(500);
  const rss0 = procStatus(dut.pid(), 'VmRSS');
  const cpu0 = cpuSeconds(dut.pid());
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
    const cpu = cpuSeconds(dut.pid()) - cpu0;
    const peak = procStatus(dut.pid(), 'VmHWM'), rss = procStatus(dut.pid(), 'VmRSS');
    if (dut.note) console.log(`  ${kind}: ${await dut.note()}`);
    return { kind, seconds: (t1 - t0) / 1000, cpu, peakRss: peak, perRoute: (rss - rss0) / want, routes: want };
  } finally {
    await tester.stop(2000);
    await dut.stop();
  }
}

async function propagation(kind: 'ours' | 'bird' | 'gobgp', reg: ResourceRegistry): Promise<PropResult> {
  const dut = await startDut(kind, reg, 1, true);
  await sleep(500);
  const cpu0 = cpuSeconds(dut.pid());
  const dir = makeTempDir(reg, 'acs-bench-tester');
  const log = join(dir, 'tester.log');
  const tester = startTester(reg, { dut: { address: DUT_ADDR, port: 179, asn: 65000 }, peers: 1, prefixes: PREFIXES, addressOf: TPL, sink: true }, log);
  try {
    const t0 = (await testerEvent(log, 'sending', 120_000)).t;
    const t1 = (await testerEvent(log, 'sink-done', 600_000)).t;
    return { kind, seconds: (t1 - t0) / 1000, cpu: cpuSeconds(dut.pid()) - cpu0 };
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
  const loads: LoadResult[] = [], props: PropResult[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of PHASE.includes('load') ? KINDS : []) {
      const x = await load(k, reg);
      loads.push(x);
      console.log(`load ${k}: ${x.routes} routes in ${x.seconds.toFixed(2)} s (CPU ${x.cpu.toFixed(2)} s), peak RSS ${(x.peakRss / 1e6).toFixed(0)} MB, ${x.perRoute.toFixed(0)} B/route`);
    }
    for (const k of PHASE.includes('propagation') ? KINDS : []) {
      const x = await propagation(k, reg);
      props.push(x);
      console.log(`propagation ${k}: ${PREFIXES} routes through in ${x.seconds.toFixed(2)} s (CPU ${x.cpu.toFixed(2)} s)`);
    }
  }
  const best = (l: { kind: string; seconds: number }[], k: string) => Math.min(...l.filter((x) => x.kind === k).map((x) => x.seconds));
  const bestCpu = (l: { kind: string; cpu: number }[], k: string) => Math.min(...l.filter((x) => x.kind === k).map((x) => x.cpu));
  if (KINDS.includes('bird') && KINDS.includes('ours')) {
    const parts: string[] = [];
    if (loads.length > 0) {
      parts.push(`load time ours/BIRD ${(best(loads, 'ours') / best(loads, 'bird')).toFixed(2)}` +
        (KINDS.includes('gobgp') ? `, ours/GoBGP ${(best(loads, 'ours') / best(loads, 'gobgp')).toFixed(2)}` : '') +
        ` (CPU ours/BIRD ${(bestCpu(loads, 'ours') / bestCpu(loads, 'bird')).toFixed(2)})`);
    }
    if (props.length > 0) {
      parts.push(`propagation ours/BIRD ${(best(props, 'ours') / best(props, 'bird')).toFixed(2)}` +
        ` (CPU ${(bestCpu(props, 'ours') / bestCpu(props, 'bird')).toFixed(2)})`);
    }
    console.log(`ratios (best of ${ROUNDS}): ${parts.join('; ')}`);
    // Each round runs every device once, one after the other, so a round's ratio compares runs made under the
    // same load of the (shared) machine: the figure to quote when its speed varies between rounds.
    const perRound = (l: { kind: string; seconds: number }[]) => {
      const o = l.filter((x) => x.kind === 'ours'), b = l.filter((x) => x.kind === 'bird');
      const r = o.map((x, i) => x.seconds / b[i]!.seconds);
      return `${r.map((x) => x.toFixed(2)).join(', ')} (median ${median(r).toFixed(2)})`;
    };
    if (ROUNDS > 1) {
      const rounds: string[] = [];
      if (loads.length > 0) rounds.push(`load ${perRound(loads)}`);
      if (props.length > 0) rounds.push(`propagation ${perRound(props)}`);
      console.log(`ours/BIRD per round: ${rounds.join('; ')}`);
    }
  }
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  const r = reg.cleanup();
  if (r.errors.length > 0) console.error('cleanup errors', r.errors);
}
