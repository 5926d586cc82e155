// DNS throughput benchmark: dnsperf on loopback against our responder, against NSD (same zone, same query file)
// and against the bare Node UDP floor, each server pinned to one core with taskset and dnsperf to the other.
// Rounds are interleaved (ours, NSD, floor, ours, …) so that load from other processes on the machine hits all
// alike; medians are reported, and the ratio ours/NSD. Every child is started and stopped by PID; the run is
// bounded (rounds × targets × duration).
//   node dist/bench/dns/run.js [--duration 8] [--rounds 3] [--rate 5000] [--write bench/results/dns.md]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { queryDns } from '../../src/dns/client.js';
import { zoneFromText } from '../../src/dns/zone/load.js';
import { codecBench } from './codec.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values } = parseArgs({ options: {
  duration: { type: 'string', default: '8' }, rounds: { type: 'string', default: '3' },
  rate: { type: 'string', default: '5000' }, write: { type: 'string' },
  'server-core': { type: 'string', default: '1' }, 'client-core': { type: 'string', default: '0' },
} });
const duration = Math.min(60, Math.max(2, Number(values.duration)));
const rounds = Math.min(10, Math.max(1, Number(values.rounds)));
const rate = Math.max(100, Number(values.rate));
const serverCore = values['server-core']!;
const clientCore = values['client-core']!;

function need(bin: string): void {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
    console.error(`bench/dns: ${bin} is not installed (Debian: ${bin === 'nsd' ? 'nsd' : bin === 'dig' ? 'dnsutils' : bin})`);
    process.exit(2);
  }
}
['dnsperf', 'nsd', 'taskset'].forEach(need);

// A deterministic PRNG so that every run uses the same zone and query mix.
let seed = 0x5eed;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

function makeZone(): string {
  const l = ['$ORIGIN bench.example.', '$TTL 3600', '@ SOA ns1 hostmaster 1 7200 3600 1209600 300', '@ NS ns1', '@ NS ns2',
    'ns1 A 192.0.2.53', 'ns2 A 198.51.100.53', '@ MX 10 mail', 'mail A 192.0.2.25', 'www A 192.0.2.1'];
  for (let i = 0; i < 2000; i++) l.push(`h${i} A 192.0.2.${i % 250 + 1}`);
  for (let i = 0; i < 500; i++) l.push(`h${i} AAAA 2001:db8::${(i + 1).toString(16)}`);
  for (let i = 0; i < 200; i++) l.push(`t${i} TXT "v=bench${i} some text to make it longer than a few octets"`);
  for (let i = 0; i < 100; i++) l.push(`c${i} CNAME h${i}`);
  return l.join('\n') + '\n';
}

function makeQueries(): string {
  const out: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const x = rnd();
    if (x < 0.65) out.push(`h${Math.floor(rnd() * 2000)}.bench.example A`);
    else if (x < 0.75) out.push(`h${Math.floor(rnd() * 500)}.bench.example AAAA`);
    else if (x < 0.80) out.push(`t${Math.floor(rnd() * 200)}.bench.example TXT`);
    else if (x < 0.85) out.push(`c${Math.floor(rnd() * 100)}.bench.example A`);
    else if (x < 0.90) out.push('bench.example MX');
    else out.push(`nx${Math.floor(rnd() * 2000)}.bench.example A`);
  }
  return out.join('\n') + '\n';
}

async function freePort(): Promise<number> {
  for (;;) {
    const u = dgram.createSocket('udp4');
    const port = await new Promise<number>((r) => u.bind(0, '127.0.0.1', () => r(u.address().port)));
    const ok = await new Promise<boolean>((r) => {
      const t = net.createServer().once('error', () => r(false)).listen(port, '127.0.0.1', () => t.close(() => r(true)));
    });
    await new Promise<void>((r) => u.close(() => r()));
    if (ok) return port;
  }
}

const children = new Set<ChildProcess>();
function startPinned(core: string, cmd: string, args: string[]): ChildProcess {
  const c = spawn('taskset', ['-c', core, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  c.stderr!.on('data', (d) => (err = (err + d).slice(-2000)));
  c.on('exit', (code) => { children.delete(c); if (code && code !== 0 && code !== 143) console.error(`${cmd} exited ${code}: ${err}`); });
  children.add(c);
  return c;
}
async function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.pid === undefined) return;
  const done = new Promise<void>((r) => c.once('exit', () => r()));
  process.kill(c.pid, 'SIGTERM');
  await Promise.race([done, sleep(3000)]);
  if (c.exitCode === null) process.kill(c.pid, 'SIGKILL');
}
const cleanup = () => { for (const c of children) if (c.pid && c.exitCode === null) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } };
process.on('exit', cleanup);
process.on('SIGINT', () => { cleanup(); process.exit(130); });

async function waitReady(port: number, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await queryDns({ server: '127.0.0.1', port, name, timeoutMs: 200 });
      return;
    } catch { await sleep(100); }
  }
  throw new Error(`server on port ${port} never answered`);
}

/** CPU time (ms) used so far by a process and all its descendants (NSD forks xfrd → main → server). */
function cpuMs(pid: number): number {
  const ppids = new Map<number, number[]>();
  const stats = new Map<number, number>();
  const hz = 100; // USER_HZ on Linux
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      ppids.set(ppid, [...(ppids.get(ppid) ?? []), Number(d)]);
      stats.set(Number(d), (Number(f[11]) + Number(f[12])) * (1000 / hz));
    } catch { /* exited */ }
  }
  let total = 0;
  const walk = (p: number) => { total += stats.get(p) ?? 0; for (const c of ppids.get(p) ?? []) walk(c); };
  walk(pid);
  return total;
}

interface Run { qps: number; lost: number; avgMs: number; rcodes: string; cpuUsPerQuery: number }
function dnsperf(port: number, queryFile: string, extra: string[]): { text: string } {
  const r = spawnSync('taskset', ['-c', clientCore, 'dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', queryFile, ...extra],
    { encoding: 'utf8', maxBuffer: 512 << 20, timeout: (duration + 30) * 1000 });
  return { text: (r.stdout ?? '') + (r.stderr ?? '') };
}
function saturate(port: number, pid: number, queryFile: string): Run {
  const c0 = cpuMs(pid);
  const { text } = dnsperf(port, queryFile, ['-l', String(duration), '-c', '8', '-q', '1000']);
  const c1 = cpuMs(pid);
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  return { cpuUsPerQuery: ((c1 - c0) * 1000) / num(/Queries completed:\s+(\d+)/),
    qps: num(/Queries per second:\s+([\d.]+)/), lost: num(/Queries lost:\s+(\d+)/),
    avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000, rcodes: /Response codes:\s+(.*)/.exec(text)?.[1] ?? '' };
}
interface Lat { p50: number; p90: number; p99: number; p999: number; n: number; cpuUsPerQuery: number }
function latency(port: number, pid: number, queryFile: string): Lat {
  const c0 = cpuMs(pid);
  const { text } = dnsperf(port, queryFile, ['-l', String(Math.max(2, Math.floor(duration / 2))), '-Q', String(rate), '-v']);
  const c1 = cpuMs(pid);
  const xs: number[] = [];
  for (const m of text.matchAll(/^> \S+ \S+ \S+ ([\d.]+)$/gm)) xs.push(Number(m[1]) * 1e6);
  xs.sort((a, b) => a - b);
  const p = (q: number) => xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : NaN;
  return { p50: p(0.5), p90: p(0.9), p99: p(0.99), p999: p(0.999), n: xs.length, cpuUsPerQuery: ((c1 - c0) * 1000) / xs.length };
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'acd-bench-'));
  try {
    const zoneText = makeZone();
    writeFileSync(join(dir, 'bench.example.zone'), zoneText);
    const queryFile = join(dir, 'queries.txt');
    writeFileSync(queryFile, makeQueries());
    const [pOurs, pNsd, pFloor] = [await freePort(), await freePort(), await freePort()];
    writeFileSync(join(dir, 'nsd.conf'), [
      'server:', `  ip-address: 127.0.0.1@${pNsd}`, '  username: ""', `  zonesdir: "${dir}"`, '  database: ""',
      `  pidfile: "${dir}/nsd.pid"`, `  xfrdfile: "${dir}/xfrd.state"`, `  zonelistfile: "${dir}/zone.list"`,
      `  logfile: "${dir}/nsd.log"`, '  server-count: 1', '  verbosity: 0', '  hide-version: no',
      '  rrl-ratelimit: 0', '  rrl-whitelist-ratelimit: 0', '  minimal-responses: yes',
      'remote-control:', '  control-enable: no', 'zone:', '  name: bench.example', '  zonefile: bench.example.zone', '',
    ].join('\n'));
    const nsd = startPinned(serverCore, 'nsd', ['-d', '-c', join(dir, 'nsd.conf')]);
    const ours = startPinned(serverCore, process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'dns',
      '--zone', join(dir, 'bench.example.zone'), '--listen', `127.0.0.1:${pOurs}`, '--log-level', 'warn', '--hostname', 'bench']);
    const floor = startPinned(serverCore, process.execPath, [join(root, 'dist', 'bench', 'dns', 'node-udp-floor.js'), String(pFloor)]);
    await Promise.all([waitReady(pOurs, 'www.bench.example'), waitReady(pNsd, 'www.bench.example'), waitReady(pFloor, 'www.bench.example')]);

    const targets = [{ name: 'anycast dns', port: pOurs, pid: ours.pid! }, { name: 'NSD', port: pNsd, pid: nsd.pid! },
      { name: 'Node UDP floor', port: pFloor, pid: floor.pid! }];
    const results = new Map<string, { runs: Run[]; lat: Lat[] }>(targets.map((t) => [t.name, { runs: [], lat: [] }]));
    const load0 = loadavg()[0]!;
    for (let r = 0; r < rounds; r++) {
      for (const t of targets) {
        const s = saturate(t.port, t.pid, queryFile);
        results.get(t.name)!.runs.push(s);
        console.error(`round ${r + 1} ${t.name}: ${s.qps.toFixed(0)} q/s, lost ${s.lost}, ${s.rcodes}`);
      }
      for (const t of targets) results.get(t.name)!.lat.push(latency(t.port, t.pid, queryFile));
    }
    const load1 = loadavg()[0]!;
    await Promise.all([stop(ours), stop(nsd), stop(floor)]);

    const zone = zoneFromText(zoneText, 'bench.example.zone').zone;
    const codec = codecBench(zone, Array.from({ length: 2000 }, (_, i) => `h${i}.bench.example`));

    const sum = targets.map((t) => {
      const x = results.get(t.name)!;
      const lat = x.lat.length ? { p50: median(x.lat.map((l) => l.p50)), p90: median(x.lat.map((l) => l.p90)),
        p99: median(x.lat.map((l) => l.p99)), p999: median(x.lat.map((l) => l.p999)),
        cpu: median(x.lat.map((l) => l.cpuUsPerQuery)) } : undefined;
      return { name: t.name, qps: median(x.runs.map((q) => q.qps)), all: x.runs.map((q) => Math.round(q.qps)),
        cpuSat: median(x.runs.map((q) => q.cpuUsPerQuery)), lost: x.runs.reduce((a, q) => a + q.lost, 0), rcodes: x.runs[0]!.rcodes, avgMs: median(x.runs.map((q) => q.avgMs)), lat };
    });
    const [o, n, f] = sum;
    const nsdVersion = /NSD version ([\d.]+)/.exec(spawnSync('nsd', ['-v'], { encoding: 'utf8' }).stderr ?? '')?.[1] ?? '?';
    const pv = spawnSync('dnsperf', ['-h'], { encoding: 'utf8' });
    const perfVersion = /Version ([\d.]+)/.exec(`${pv.stdout}${pv.stderr}`)?.[1] ?? '?';
    const fmt = (x: number) => x.toFixed(0);
    const md = [
      `Command: \`node dist/bench/dns/run.js --duration ${duration} --rounds ${rounds} --rate ${rate}\``,
      '',
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Linux, Node ${process.version}, NSD ${nsdVersion}, ` +
        `dnsperf ${perfVersion}. Servers pinned to core ${serverCore}, dnsperf to core ${clientCore} (taskset). ` +
        `Load average (1 min) ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end (other work shares the machine).`,
      '',
      `Zone: ${zone.recordCount} records (A, AAAA, TXT, CNAME, MX). Queries: 20000 lines, 65% A, 10% AAAA, 5% TXT, ` +
        '5% CNAME→A, 5% MX, 10% NXDOMAIN; same file for all servers. NSD: `server-count: 1`, RRL off, minimal responses. ' +
        'Ours: `anycast dns` CLI, RRL off (default).',
      '',
      `### Throughput (dnsperf -c 8 -q 1000 -l ${duration}, median of ${rounds} interleaved rounds)`,
      '',
      '| server | queries/s (median) | each round | server CPU per query | lost | avg latency at saturation | response codes (round 1) |',
      '|---|---:|---|---:|---:|---:|---|',
      ...sum.map((s) => `| ${s.name} | ${fmt(s.qps)} | ${s.all.join(', ')} | ${s.cpuSat.toFixed(1)} µs | ${s.lost} | ${s.avgMs.toFixed(2)} ms | ${s.rcodes} |`),
      '',
      `**Ratio anycast dns / NSD: ${(o!.qps / n!.qps).toFixed(2)}×** (target ≥ 0.5×). ` +
        `anycast dns / Node UDP floor: ${(o!.qps / f!.qps).toFixed(2)}×; Node UDP floor / NSD: ${(f!.qps / n!.qps).toFixed(2)}×.`,
      '',
      `### Latency at a fixed ${rate} queries/s (dnsperf -Q ${rate} -v, per-query latencies, median of rounds)`,
      '',
      '| server | p50 | p90 | p99 | p99.9 | server CPU per query |',
      '|---|---:|---:|---:|---:|---:|',
      ...sum.filter((s) => s.lat).map((s) => `| ${s.name} | ${fmt(s.lat!.p50)} µs | ${fmt(s.lat!.p90)} µs | ${fmt(s.lat!.p99)} µs | ${fmt(s.lat!.p999)} µs | ${s.lat!.cpu.toFixed(1)} µs |`),
      '',
      `CPU efficiency ratio (NSD CPU per query / ours), less sensitive to other load on the machine: ` +
        `${(n!.cpuSat / o!.cpuSat).toFixed(2)}× at saturation, ${(n!.lat!.cpu / o!.lat!.cpu).toFixed(2)}× at ${rate} q/s.`,
      '',
      '### Codec cost per query, in process (no sockets)',
      '',
      '| path | ns/query |',
      '|---|---:|',
      ...codec.map((c) => `| ${c.name} | ${fmt(c.nsPerQuery)} |`),
      '',
    ].join('\n');
    process.stdout.write(md);
    if (values.write) {
      const file = join(root, values.write);
      let prev = '';
      try { prev = readFileSync(file, 'utf8'); } catch { /* new file */ }
      const marker = '<!-- measured -->';
      const head = prev.includes(marker) ? prev.slice(0, prev.indexOf(marker) + marker.length) : `# DNS throughput\n\n${marker}`;
      writeFileSync(file, `${head}\n\n${md}`);
      console.error(`wrote ${values.write}`);
    }
  } finally {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
