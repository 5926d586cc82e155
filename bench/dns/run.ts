// DNS throughput benchmark: dnsperf on loopback against our responder over its native UDP backend (recvmmsg/
// sendmmsg batches) and over node:dgram, and against NSD (same zone, same query file); optionally against the bare
// Node dgram echo (--floor). Each server is pinned to one core with taskset and dnsperf to the other. Rounds are
// interleaved, the order rotating every round, so that load from other processes on the machine hits all alike;
// medians and the spread (min–max) are reported, with the server CPU per query (from /proc) and latency
// percentiles at fixed rates. Every child is started and stopped by PID; the run is bounded (rounds × targets ×
// (duration + duration/2 per rate)).
//   node dist/bench/dns/run.js [--duration 8] [--rounds 5] [--rate 5000,20000] [--floor] [--write bench/results/dns.md]
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
import { median } from '../stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values } = parseArgs({ options: {
  duration: { type: 'string', default: '8' }, rounds: { type: 'string', default: '5' },
  rate: { type: 'string', default: '5000,20000' }, write: { type: 'string' }, floor: { type: 'boolean' },
  'server-core': { type: 'string', default: '1' }, 'client-core': { type: 'string', default: '0' },
} });
const duration = Math.min(60, Math.max(2, Number(values.duration)));
const rounds = Math.min(10, Math.max(1, Number(values.rounds)));
const rates = values.rate!.split(',').map((r) => Math.max(100, Number(r))).filter((r) => Number.isFinite(r)).slice(0, 3);
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
const stderrOf = new Map<ChildProcess, string>();
function startPinned(core: string, cmd: string, args: string[]): ChildProcess {
  const c = spawn('taskset', ['-c', core, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  c.stderr!.on('data', (d) => { err = (err + d).slice(-4000); stderrOf.set(c, err); });
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
function latency(port: number, pid: number, queryFile: string, rate: number): Lat {
  const c0 = cpuMs(pid);
  const { text } = dnsperf(port, queryFile, ['-l', String(Math.max(2, Math.floor(duration / 2))), '-Q', String(rate), '-v']);
  const c1 = cpuMs(pid);
  const xs: number[] = [];
  for (const m of text.matchAll(/^> \S+ \S+ \S+ ([\d.]+)$/gm)) xs.push(Number(m[1]) * 1e6);
  xs.sort((a, b) => a - b);
  const p = (q: number) => xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : NaN;
  return { p50: p(0.5), p90: p(0.9), p99: p(0.99), p999: p(0.999), n: xs.length, cpuUsPerQuery: ((c1 - c0) * 1000) / xs.length };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'acd-bench-'));
  try {
    const zoneText = makeZone();
    writeFileSync(join(dir, 'bench.example.zone'), zoneText);
    const queryFile = join(dir, 'queries.txt');
    writeFileSync(queryFile, makeQueries());
    const [pNative, pDgram, pNsd, pFloor] = [await freePort(), await freePort(), await freePort(), await freePort()];
    writeFileSync(join(dir, 'nsd.conf'), [
      'server:', `  ip-address: 127.0.0.1@${pNsd}`, '  username: ""', `  zonesdir: "${dir}"`, '  database: ""',
      `  pidfile: "${dir}/nsd.pid"`, `  xfrdfile: "${dir}/xfrd.state"`, `  zonelistfile: "${dir}/zone.list"`,
      `  logfile: "${dir}/nsd.log"`, '  server-count: 1', '  verbosity: 0', '  hide-version: no',
      '  rrl-ratelimit: 0', '  rrl-whitelist-ratelimit: 0', '  minimal-responses: yes',
      'remote-control:', '  control-enable: no', 'zone:', '  name: bench.example', '  zonefile: bench.example.zone', '',
    ].join('\n'));
    const ours = (port: number, backend: string) => startPinned(serverCore, process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'),
      'dns', '--zone', join(dir, 'bench.example.zone'), '--listen', `127.0.0.1:${port}`, '--log-level', 'info',
      '--hostname', 'bench', '--udp-backend', backend]);
    const nsd = startPinned(serverCore, 'nsd', ['-d', '-c', join(dir, 'nsd.conf')]);
    const native = ours(pNative, 'native');
    const plain = ours(pDgram, 'dgram');
    const floor = values.floor ? startPinned(serverCore, process.execPath, [join(root, 'dist', 'bench', 'dns', 'node-udp-floor.js'), String(pFloor)]) : undefined;
    await Promise.all([waitReady(pNative, 'www.bench.example'), waitReady(pDgram, 'www.bench.example'),
      waitReady(pNsd, 'www.bench.example'), ...(floor ? [waitReady(pFloor, 'www.bench.example')] : [])]);
    // The backend each of ours really runs, from its "dns server listening" log line.
    const backendOf = (c: ChildProcess) => /"udpBackend":"(\w+)"/.exec(stderrOf.get(c) ?? '')?.[1] ?? '?';
    if (backendOf(native) !== 'native') throw new Error(`the native backend is not active (${backendOf(native)}): build it with node scripts/setup.mjs`);

    const targets = [
      { name: 'anycast dns, native UDP', port: pNative, pid: native.pid! },
      { name: 'anycast dns, node:dgram', port: pDgram, pid: plain.pid! },
      { name: 'NSD', port: pNsd, pid: nsd.pid! },
      ...(floor ? [{ name: 'Node dgram echo (floor)', port: pFloor, pid: floor.pid! }] : []),
    ];
    const results = new Map<string, { runs: Run[]; lat: Lat[][] }>(targets.map((t) => [t.name, { runs: [], lat: rates.map(() => []) }]));
    const load0 = loadavg()[0]!;
    for (let r = 0; r < rounds; r++) {
      const order = targets.map((_, i) => targets[(i + r) % targets.length]!);
      for (const t of order) {
        const s = saturate(t.port, t.pid, queryFile);
        results.get(t.name)!.runs.push(s);
        console.error(`round ${r + 1} ${t.name}: ${s.qps.toFixed(0)} q/s, ${s.cpuUsPerQuery.toFixed(1)} µs CPU/query, lost ${s.lost}`);
      }
      for (const t of order) rates.forEach((rate, k) => results.get(t.name)!.lat[k]!.push(latency(t.port, t.pid, queryFile, rate)));
    }
    const load1 = loadavg()[0]!;
    await Promise.all([stop(native), stop(plain), stop(nsd), ...(floor ? [stop(floor)] : [])]);

    const zone = zoneFromText(zoneText, 'bench.example.zone').zone;
    const codec = codecBench(zone, Array.from({ length: 2000 }, (_, i) => `h${i}.bench.example`));

    const sum = targets.map((t) => {
      const x = results.get(t.name)!;
      const lat = x.lat.map((ls) => ({ p50: median(ls.map((l) => l.p50)), p90: median(ls.map((l) => l.p90)),
        p99: median(ls.map((l) => l.p99)), p999: median(ls.map((l) => l.p999)), cpu: median(ls.map((l) => l.cpuUsPerQuery)),
        n: median(ls.map((l) => l.n)) }));
      const q = x.runs.map((v) => v.qps);
      return { name: t.name, qps: median(q), min: Math.min(...q), max: Math.max(...q), all: q.map((v) => Math.round(v)),
        busy: x.runs.map((v) => (v.qps * v.cpuUsPerQuery) / 1e4),
        cpuSat: median(x.runs.map((v) => v.cpuUsPerQuery)), cpuAll: x.runs.map((v) => v.cpuUsPerQuery),
        lost: x.runs.reduce((a, v) => a + v.lost, 0), rcodes: x.runs[0]!.rcodes, avgMs: median(x.runs.map((v) => v.avgMs)), lat };
    });
    const [o, d, n] = sum as [typeof sum[0], typeof sum[0], typeof sum[0]];
    // Per round, the ratio of the two measured back to back in that round (less exposed to load that shifts between rounds).
    const perRound = o.all.map((v, i) => v / n.all[i]!);
    const nsdVersion = /NSD version ([\d.]+)/.exec(spawnSync('nsd', ['-v'], { encoding: 'utf8' }).stderr ?? '')?.[1] ?? '?';
    const pv = spawnSync('dnsperf', ['-h'], { encoding: 'utf8' });
    const perfVersion = /Version ([\d.]+)/.exec(`${pv.stdout}${pv.stderr}`)?.[1] ?? '?';
    const fmt = (x: number) => x.toFixed(0);
    const md = [
      `Command: \`node dist/bench/dns/run.js --duration ${duration} --rounds ${rounds} --rate ${rates.join(',')}${floor ? ' --floor' : ''}\``,
      '',
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Linux, Node ${process.version}, NSD ${nsdVersion}, ` +
        `dnsperf ${perfVersion}. Servers pinned to core ${serverCore}, dnsperf to core ${clientCore} (taskset). ` +
        `Load average (1 min) ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end (other work shares the machine).`,
      '',
      `Zone: ${zone.recordCount} records (A, AAAA, TXT, CNAME, MX). Queries: 20000 lines, 65% A, 10% AAAA, 5% TXT, ` +
        '5% CNAME→A, 5% MX, 10% NXDOMAIN; same file for all servers. NSD: `server-count: 1`, RRL off, minimal responses. ' +
        'Ours: the `anycast dns` CLI with `--udp-backend native` (batches of up to 64) and `--udp-backend dgram`, RRL off (default).',
      '',
      `### Throughput at saturation (dnsperf -c 8 -q 1000 -l ${duration}; ${rounds} interleaved rounds, order rotating)`,
      '',
      '| server | queries/s (median) | spread (min–max) | each round (core share) | server CPU per query (median) | lost | avg latency |',
      '|---|---:|---:|---|---:|---:|---:|',
      ...sum.map((s) => `| ${s.name} | ${fmt(s.qps)} | ${fmt(s.min)}–${fmt(s.max)} | ` +
        `${s.all.map((v, i) => `${v} (${s.busy[i]!.toFixed(0)}%)`).join(', ')} | ${s.cpuSat.toFixed(1)} µs | ${s.lost} | ${s.avgMs.toFixed(2)} ms |`),
      '',
      'Core share = CPU per query × queries/s: how much of core 1 the server got in that run. Well below 100%, other ' +
        'jobs held the rest of the core, and queries/s is about that share divided by the CPU per query.',
      '',
      `**Ratio native / NSD: ${(o.qps / n.qps).toFixed(2)}×** in median queries/s (target ≥ 0.5×); per round ` +
        `${perRound.map((r) => r.toFixed(2)).join(', ')}. node:dgram / NSD: ${(d.qps / n.qps).toFixed(2)}×; native / node:dgram: ` +
        `${(o.qps / d.qps).toFixed(2)}×. CPU per query, NSD / ours (1.0 = as efficient): native ${(n.cpuSat / o.cpuSat).toFixed(2)}, ` +
        `node:dgram ${(n.cpuSat / d.cpuSat).toFixed(2)}.`,
      '',
      `Response codes (round 1): ${sum.map((s) => `${s.name}: ${s.rcodes}`).join('; ')}.`,
      '',
      ...rates.flatMap((rate, k) => [
        `### Latency at a fixed ${rate} queries/s (dnsperf -Q ${rate} -v, every query's latency; median over rounds)`,
        '',
        '| server | p50 | p90 | p99 | p99.9 | answered per run | server CPU per query |',
        '|---|---:|---:|---:|---:|---:|---:|',
        ...sum.map((s) => { const l = s.lat[k]!; return `| ${s.name} | ${fmt(l.p50)} µs | ${fmt(l.p90)} µs | ${fmt(l.p99)} µs | ${fmt(l.p999)} µs | ${fmt(l.n)} | ${l.cpu.toFixed(1)} µs |`; }),
        '',
      ]),
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
