// The speaker's full-table load in one process, over the in-memory transport (no sockets, no kernel): 10 tester
// peers x 100k prefixes into a Speaker; time until its Loc-RIB holds every route with the best path selected,
// CPU, heap per route; then 100k routes from one peer through the speaker to a sink peer. With --loads N the load
// runs N times, each into a new Speaker in this same process: from the second on, V8 has compiled the code and
// grown its heap already (the difference is what a process's start costs its first load).
//   node --expose-gc dist/bench/speaker/memory.js [--peers N] [--prefixes N] [--max-group N] [--loads N]
import { parseArgs } from 'node:util';
import { parseSpeakerConfig } from '../../src/bgp/config/index.js';
import { Speaker } from '../../src/bgp/speaker/index.js';
import { MemoryNetwork } from '../../src/bgp/transport/index.js';
import { NoopFib } from '../../src/fib/noop.js';
import { SystemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';
import { runTester } from './tester.js';

const { values } = parseArgs({ options: { peers: { type: 'string' }, prefixes: { type: 'string' }, 'max-group': { type: 'string' }, 'prop-only': { type: 'boolean' }, loads: { type: 'string' } } });
const PEERS = Number(values.peers ?? 10), PREFIXES = Number(values.prefixes ?? 100_000), MAXG = Number(values['max-group'] ?? 32);
const LOADS = Number(values.loads ?? 1);
if (!(Number.isInteger(LOADS) && LOADS >= 1)) throw new Error(`--loads: "${values.loads}" is not a whole number >= 1`);
const gc = (globalThis as { gc?: () => void }).gc;

function config(peers: number, sinkExport: boolean): string {
  const ns = Array.from({ length: peers + (sinkExport ? 1 : 0) }, (_, p) =>
    `  - { name: p${p + 1}, address: 10.0.0.${p + 2}, remote-as: ${65001 + p}, passive: true, import: accept, export: ${sinkExport && p === peers ? 'accept' : 'reject'} }`);
  return `router-id: 10.0.0.1\nlocal-as: 65000\nlisten: ["10.0.0.1:179"]\nfib: noop\ngraceful-restart: false\nneighbors:\n${ns.join('\n')}\n`;
}

async function load(peers: number, prefixes: number, sink: boolean, label = 'load'): Promise<void> {
  const net = new MemoryNetwork({ highWaterMark: 1 << 20 });
  const sp = new Speaker(parseSpeakerConfig(config(peers, sink), 'bench.yaml'), { transport: net, clock: new SystemClock(false), logger: silentLogger, fib: new NoopFib() });
  await sp.start();
  gc?.(); gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let t0 = 0, c0 = process.cpuUsage();
  let sinkAt = 0;
  let want = peers * prefixes;
  const tester = await new Promise<{ close(): void }>((resolve, reject) => {
    let h: { close(): void } | null = null;
    runTester({ dut: { address: '10.0.0.1', port: 179, asn: 65000 }, peers, prefixes, maxGroup: MAXG, addressOf: '10.0.0.%', sink }, net, {
      sending: (routes) => { want = routes; t0 = performance.now(); c0 = process.cpuUsage(); },
      sinkCount: (n) => { if (n >= want && sinkAt === 0) sinkAt = performance.now(); },
    }).then((x) => { h = x; resolve(x); }, reject);
    void h;
  });
  // Poll as the network benchmark does: every path held, decided.
  let t1 = 0;
  for (;;) {
    let held = 0;
    for (const n of sp.neighbors.values()) if (n.info) { const x = sp.rib.heldFrom(n.info); held += x.ipv4; }
    if (held >= want && (!sink || sinkAt > 0)) { sp.flush(); t1 = performance.now(); break; }
    await new Promise((r) => setTimeout(r, 5));
  }
  const cpu = process.cpuUsage(c0);
  gc?.(); gc?.();
  const heap = process.memoryUsage().heapUsed - heap0;
  if (!sink) {
    console.log(`${label}: ${peers} peers x ${prefixes} prefixes = ${want} routes in ${(t1 - t0).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (tester included)`);
    console.log(`  Loc-RIB ${sp.rib.ipv4.dests.size} prefixes; heap after GC ${(heap / 1e6).toFixed(1)} MB = ${(heap / want).toFixed(0)} B/route; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB; ${sp.stats.flushes} flushes`);
  } else {
    console.log(`propagation: ${prefixes} routes from one peer to the sink in ${(sinkAt - t0).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`);
  }
  tester.close();
  await sp.stop();
}

if (!values['prop-only']) {
  for (let i = 1; i <= LOADS; i++) await load(PEERS, PREFIXES, false, LOADS === 1 ? 'load' : `load ${i} of ${LOADS}`);
}
await load(1, PREFIXES, true);
process.exit(0);
