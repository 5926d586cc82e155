// Decode throughput benchmark: a realistic full-table UPDATE stream (see stream.ts) is framed from 64 KiB chunks,
// decoded (both the attribute sets, interned with an AttrCache, and every prefix) and the prefixes grouped by
// attribute set, on one core (the timed loop is decode-loop.ts). Reports prefixes/s, bytes/s, allocation per prefix, and — when bgpdump is installed —
// bgpdump's time on the same messages in an MRT BGP4MP file, as an independent anchor.
//   node --expose-gc dist/bench/wire/decode.js [--quick]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { symmetricContext } from '../../src/bgp/wire/context.js';
import { decodeAll, type Outcome } from './decode-loop.js';
import { buildStream } from './stream.js';
import { median } from '../stats.js';

const quick = process.argv.includes('--quick');
const ctx = symmetricContext({ as4: true });
const gc = (globalThis as { gc?: () => void }).gc;

function mrtFile(messages: Uint8Array[]): Uint8Array {
  // RFC 6396 §4.4.3 BGP4MP_MESSAGE_AS4 records (type 16, subtype 4), IPv4 peer.
  const total = messages.reduce((a, m) => a + 12 + 20 + m.length, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let o = 0;
  for (const m of messages) {
    dv.setUint32(o, 1_700_000_000); dv.setUint16(o + 4, 16); dv.setUint16(o + 6, 4); dv.setUint32(o + 8, 20 + m.length);
    dv.setUint32(o + 12, 64512); dv.setUint32(o + 16, 64500); dv.setUint16(o + 20, 0); dv.setUint16(o + 22, 1);
    out.set([192, 0, 2, 1, 192, 0, 2, 2], o + 24);
    out.set(m, o + 32);
    o += 32 + m.length;
  }
  return out;
}

function prepare(v: { v4: number; v6: number; v4Sets: number; v6Sets: number }):
  { stream: Uint8Array; mrt: Uint8Array; count: number } {
  const { messages } = buildStream({ ...v, seed: 7 }, ctx);
  const stream = new Uint8Array(messages.reduce((a, m) => a + m.length, 0));
  let o = 0;
  for (const m of messages) { stream.set(m, o); o += m.length; }
  return { stream, mrt: mrtFile(messages), count: messages.length };
}

const variants = [
  { name: 'table with 5,000 attribute sets', v4: 1_000_000, v6: 200_000, v4Sets: 4000, v6Sets: 1000 },
  { name: 'table with 200,000 attribute sets', v4: 1_000_000, v6: 200_000, v4Sets: 160_000, v6Sets: 40_000 },
].map((v) => (quick ? { ...v, v4: v.v4 / 10, v6: v.v6 / 10, v4Sets: Math.ceil(v.v4Sets / 10), v6Sets: Math.ceil(v.v6Sets / 10) } : v));

const lines: string[] = [];
const say = (s: string) => { lines.push(s); process.stdout.write(s + '\n'); };
say(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}, one core (single-threaded loop)`);

for (const v of variants) {
  const t0 = Date.now();
  // The messages go once the stream and the MRT file for bgpdump are made: the timed runs (and the full GC after
  // each) should see the decoder's objects only.
  const { stream, mrt, count } = prepare(v);
  const bytes = stream.length;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes; i += 65536) chunks.push(stream.subarray(i, i + 65536));
  say(`\n## ${v.name}: ${count} UPDATEs, ${(bytes / 1e6).toFixed(1)} MB (built in ${Date.now() - t0} ms)`);

  decodeAll(chunks, ctx); // warm-up
  // CPU time (user + system) of this single-threaded process is the measure: on a shared, loaded machine the
  // wall clock also counts time spent waiting for a core. Both are reported.
  const cpu: number[] = [], wall: number[] = [], withGc: number[] = [];
  let out: Outcome | null = null;
  for (let i = 0; i < (quick ? 3 : 7); i++) {
    gc?.();
    const w0 = process.hrtime.bigint(), c0 = process.cpuUsage();
    out = decodeAll(chunks, ctx);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
    wall.push(Number(process.hrtime.bigint() - w0) / 1e9);
    // A run that ends with much of what it kept still in the young generation leaves that collection to whoever
    // runs next: also timed with a full GC right after the run.
    if (gc !== undefined) { gc(); const g = process.cpuUsage(c0); withGc.push((g.user + g.system) / 1e6); }
  }
  if (out === null) throw new Error('no run');
  const med = median(cpu), best = Math.min(...cpu);
  say(`prefixes decoded: ${out.prefixes} in ${out.groups} attribute-set groups (${out.messages} messages)`);
  say(`CPU time: median ${(med * 1000).toFixed(0)} ms, best ${(best * 1000).toFixed(0)} ms over ${cpu.length} runs ` +
    `(wall: median ${(median(wall) * 1000).toFixed(0)} ms, best ${(Math.min(...wall) * 1000).toFixed(0)} ms)`);
  say(`throughput (median CPU): ${(out.prefixes / med / 1e6).toFixed(2)} M prefixes/s, ${(bytes / med / 1e6).toFixed(0)} MB/s, ` +
    `${(out.messages / med / 1e3).toFixed(0)} k UPDATEs/s; best run ${(out.prefixes / best / 1e6).toFixed(2)} M prefixes/s`);
  if (withGc.length > 0) {
    const mg = median(withGc);
    say(`with the full GC after each run: median ${(mg * 1000).toFixed(0)} ms CPU, ${(out.prefixes / mg / 1e6).toFixed(2)} M prefixes/s`);
  }

  // Allocation: count GCs and heap growth across one run. With --max-semi-space-size large enough that no GC runs,
  // the heap growth is the total allocated.
  let gcs = 0;
  const obs = new PerformanceObserver((l) => { gcs += l.getEntries().length; });
  obs.observe({ entryTypes: ['gc'] });
  gc?.();
  const h0 = process.memoryUsage().heapUsed;
  const keep = decodeAll(chunks, ctx);
  const h1 = process.memoryUsage().heapUsed;
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  say(`allocation: heap grew ${((h1 - h0) / 1e6).toFixed(1)} MB during one run = ${((h1 - h0) / keep.prefixes).toFixed(1)} bytes/prefix ` +
    `(${gcs} GC events during the run${gcs > 0 ? ', so this undercounts' : ''}; run with --max-semi-space-size=1024 for a full count)`);

  const bg = spawnSync('sh', ['-c', 'command -v bgpdump']);
  if (bg.status === 0) {
    const dir = mkdtempSync(join(tmpdir(), 'acw-bench-'));
    try {
      const file = join(dir, 'updates.mrt');
      writeFileSync(file, mrt);
      // bgpdump's own CPU time (user + system of the child, from /usr/bin/time's format or bash's times).
      const r = spawnSync('bash', ['-c', `bgpdump -m ${file} > /dev/null; times`], { encoding: 'utf8' });
      const tl = r.stdout.trim().split('\n').pop() ?? '';
      const sec = (x: string) => { const m = /(\d+)m([\d.]+)s/.exec(x); return m ? Number(m[1]) * 60 + Number(m[2]) : NaN; };
      const [u, sy] = tl.split(/\s+/).map(sec);
      const secs = (u ?? NaN) + (sy ?? NaN);
      say(`bgpdump -m on the same messages (MRT BGP4MP file, output to /dev/null): ${secs.toFixed(2)} s CPU, ` +
        `${(out.prefixes / secs / 1e6).toFixed(2)} M prefixes/s; ratio ours/bgpdump = ${(secs / med).toFixed(1)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
if (process.argv.includes('--write')) {
  writeFileSync(join(process.cwd(), 'bench/results/wire.raw.txt'), lines.join('\n') + '\n');
}
