// Receive-path benchmark of the session layer: a full-table UPDATE stream (bench/wire/stream.ts: 1M IPv4 + 200k
// IPv6 prefixes, realistic attribute sets) is sent by a minimal feeder to one of our Peers, which frames, decodes
// (interned attribute sets), validates (RFC 7606), and emits an UpdateIn per message to a handler that counts
// the prefixes. Measured until the Peer reports the last End-of-RIB:
//   codec floor   FrameReader + decodeBody with an AttrCache, no session (what the wire benchmark measures)
//   in-memory     feeder and Peer in one process over the in-memory transport (CPU of both)
//   loopback TCP  feeder in a child process, Peer here, 127.0.0.1 (CPU of this process only)
//   node --expose-gc dist/bench/session/receive.js [--quick]
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SystemClock } from '../../src/util/clock.js';
import { BgpListener, Peer } from '../../src/bgp/peer/index.js';
import { MemoryNetwork, TcpTransport, type Transport } from '../../src/bgp/transport/index.js';
import { AttrCache } from '../../src/bgp/wire/attr-decode.js';
import { decodeBody } from '../../src/bgp/wire/codec.js';
import { FrameReader } from '../../src/bgp/wire/framing.js';
import { PrefixList } from '../../src/bgp/wire/prefix.js';
import { buildStream } from '../wire/stream.js';
import { chunk, feed, FEEDER_AS, STREAM_CTX } from './feeder.js';
import { anchorUnavailable, birdAnchor } from './bird-anchor.js';

const quick = process.argv.includes('--quick');
const gc = (globalThis as { gc?: () => void }).gc;
const FAMILIES: [number, number][] = [[1, 1], [2, 1]];

interface Run { wallMs: number; cpuMs: number; messages: number; prefixes: number }

function codecFloor(chunks: Uint8Array[]): Run {
  const cache = new AttrCache();
  const fr = new FrameReader(STREAM_CTX);
  let prefixes = 0, messages = 0;
  const c0 = process.cpuUsage(), t0 = performance.now();
  for (const c of chunks) {
    fr.push(c);
    for (let f = fr.next(); f.kind === 'frame'; f = fr.next()) {
      const r = decodeBody(f.type, f.bytes, 0, f.bytes.length, STREAM_CTX, { cache });
      if (!r.ok || r.msg.type !== 'UPDATE') throw new Error('stream must decode');
      messages++;
      prefixes += r.msg.nlri.length + (r.msg.mpReach instanceof PrefixList ? r.msg.mpReach.length : 0);
    }
  }
  const c = process.cpuUsage(c0);
  return { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, messages, prefixes };
}

async function viaPeer(transport: Transport, sendFrom: 'memory' | 'child', chunks: Uint8Array[], streamSpec: object): Promise<Run> {
  const clock = new SystemClock();
  const addr = '127.0.0.1';
  const listener = new BgpListener({ transport, clock });
  const port = (await listener.listen({ address: addr, port: 0 })).port;
  const peer = Peer.create({ localAs: 65000, routerId: '192.0.2.2', remoteAddress: '127.0.0.2', peerAs: FEEDER_AS, passive: true,
    families: ['ipv4-unicast', 'ipv6-unicast'], holdTime: 90, extendedMessages: false, gracefulRestart: false }, { transport, clock });
  listener.add(peer);
  let prefixes = 0, messages = 0, eor = 0;
  let t0 = 0, c0 = process.cpuUsage();
  const done = new Promise<Run>((resolve) => {
    peer.on('update', (u) => {
      messages++;
      for (const a of u.announce) prefixes += a.prefixes.length;
    });
    peer.on('endOfRib', () => {
      if (++eor < FAMILIES.length) return;
      const c = process.cpuUsage(c0);
      resolve({ wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, messages, prefixes });
    });
  });
  peer.on('established', () => { t0 = performance.now(); c0 = process.cpuUsage(); });
  peer.start();
  let child: ReturnType<typeof spawn> | undefined;
  if (sendFrom === 'memory') {
    transport.connect({ remote: { address: addr, port }, localAddress: '127.0.0.2' }, (e, c) => {
      if (e !== null) throw new Error(e);
      void feed(c!, chunks, FAMILIES);
    });
  } else {
    child = spawn(process.execPath, [fileURLToPath(new URL('./feeder-main.js', import.meta.url)), addr, String(port), '127.0.0.2'],
      { stdio: ['pipe', 'ignore', 'inherit'] });
    child.stdin!.end(JSON.stringify(streamSpec));
  }
  const r = await done;
  peer.close();
  await listener.close();
  if (child !== undefined) await new Promise((res) => { child!.once('exit', res); setTimeout(() => child!.kill('SIGKILL'), 5000).unref(); });
  return r;
}

// Rates per CPU second (the receiving process; BIRD's processes for the anchor) and per wall second. On a shared
// machine the CPU figures are the ones to compare; wall time includes waiting for a core.
function fmt(r: Run): string {
  const perCpu = (n: number) => n / (r.cpuMs / 1000);
  return `CPU ${r.cpuMs.toFixed(0).padStart(5)} ms: ${(perCpu(r.prefixes) / 1e6).toFixed(2)} M prefixes/s, ` +
    `${(perCpu(r.messages) / 1e3).toFixed(0)} k msgs/s of CPU; wall ${r.wallMs.toFixed(0)} ms`;
}

const streams = [
  { name: '5,000 attribute sets', v4: 1_000_000, v6: 200_000, v4Sets: 4000, v6Sets: 1000 },
  { name: '200,000 attribute sets', v4: 1_000_000, v6: 200_000, v4Sets: 160_000, v6Sets: 40_000 },
].map((v) => (quick ? { ...v, v4: v.v4 / 10, v6: v.v6 / 10, v4Sets: Math.ceil(v.v4Sets / 10), v6Sets: Math.ceil(v.v6Sets / 10) } : v));

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}, load ${loadavg()[0]!.toFixed(1)}`);
const noAnchor = await anchorUnavailable();
if (noAnchor !== null) console.log(`BIRD anchor skipped: ${noAnchor}`);
let anchorSeq = 0;
for (const s of streams) {
  const spec = { v4: s.v4, v6: s.v6, v4Sets: s.v4Sets, v6Sets: s.v6Sets, seed: 7 };
  const { messages } = buildStream(spec, STREAM_CTX);
  const chunks = chunk(messages);
  const bytes = chunks.reduce((a, c) => a + c.length, 0);
  console.log(`\nstream: ${s.name}: ${messages.length} UPDATEs, ${(bytes / 1e6).toFixed(1)} MB`);
  const rounds = quick ? 2 : 3;
  let expected = 0;
  const medians: Record<string, Run> = {};
  const variants: [string, () => Promise<Run>][] = [
    ['codec floor', async () => codecFloor(chunks)],
    ['in-memory', async () => viaPeer(new MemoryNetwork(), 'memory', chunks, spec)],
    ['loopback TCP', async () => viaPeer(new TcpTransport(), 'child', chunks, spec)],
  ];
  if (noAnchor === null) {
    variants.push(['BIRD (anchor)', async () => {
      const a = await birdAnchor(spec, expected, String(anchorSeq++));
      return { ...a, messages: medians['loopback TCP']!.messages, prefixes: expected };
    }]);
  }
  for (const [label, run] of variants) {
    const runs: Run[] = [];
    for (let i = 0; i < rounds; i++) { gc?.(); runs.push(await run()); }
    runs.sort((a, b) => a.wallMs - b.wallMs);
    const med = runs[Math.floor(runs.length / 2)]!;
    medians[label] = med;
    if (label === 'in-memory') expected = med.prefixes;
    console.log(`  ${label.padEnd(13)} ${fmt(med)}   [${runs.map((r) => r.wallMs.toFixed(0)).join(', ')} ms]`);
  }
  const tcp = medians['loopback TCP']!, bird = medians['BIRD (anchor)'];
  if (bird !== undefined) {
    console.log(`  ratio loopback TCP / BIRD: wall ${(tcp.wallMs / bird.wallMs).toFixed(2)}x, CPU ${(tcp.cpuMs / bird.cpuMs).toFixed(2)}x (lower is faster)`);
  }
}
