// Longest-prefix-match speed of the shared trie (lpm.ts, used by MemoryFib and the resolver): a full IPv4
// table shape (1M prefixes, /16../28) and 200k IPv6 /48../64, then random lookups; side by side with the
// textbook baseline, one hash map per prefix length probed from the longest down, on the same data.
//   node --expose-gc dist/bench/fib/lpm.js [--v4 1000000] [--v6 200000] [--lookups 1000000]

import { parseArgs } from 'node:util';
import { PrefixTrie } from '../../src/fib/lpm.js';
import { formatIPv4, maskWords } from '../../src/fib/addr.js';

const { values } = parseArgs({ options: { v4: { type: 'string', default: '1000000' }, v6: { type: 'string', default: '200000' }, lookups: { type: 'string', default: '1000000' } } });
const gc = (globalThis as { gc?: () => void }).gc;
let seed = 42;
const rnd = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; }; // xorshift32
const cpuS = (c: NodeJS.CpuUsage) => { const u = process.cpuUsage(c); return (u.user + u.system) / 1e6; };
const heap = () => { gc?.(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };

function run(family: 4 | 6, n: number, lookups: number): void {
  const words = family === 4 ? 1 : 4;
  const keys: Array<{ w: Uint32Array; len: number }> = [];
  for (let i = 0; i < n; i++) {
    const w = new Uint32Array(words);
    if (family === 4) w[0] = rnd();
    else { w[0] = 0x20010db8; w[1] = rnd(); }
    const len = family === 4 ? 16 + (rnd() % 13) : 48 + (rnd() % 17);
    keys.push({ w: maskWords(w, len), len });
  }
  const probes: Uint32Array[] = [];
  for (let i = 0; i < lookups; i++) {
    const k = keys[rnd() % n]!;
    const w = Uint32Array.from(k.w);
    w[words - 1]! ^= rnd() & 0xff; // inside or near a stored prefix
    probes.push(w);
  }
  const h0 = heap();
  const trie = new PrefixTrie<number>(family);
  let t = performance.now();
  for (let i = 0; i < n; i++) trie.set(keys[i]!.w, keys[i]!.len, family === 4 ? `${formatIPv4(keys[i]!.w[0]!)}/${keys[i]!.len}` : '', i);
  const insS = (performance.now() - t) / 1000;
  const bytes = (heap() - h0) / trie.size;
  t = performance.now();
  let c = process.cpuUsage();
  let hits = 0;
  for (const p of probes) if (trie.lookup(p)) hits++;
  const lkS = (performance.now() - t) / 1000;
  const lkCpu = cpuS(c);

  // Baseline: a Map per length, key = masked words as a string, probed longest first.
  const maps = new Map<number, Map<string, number>>();
  const keyOf = (w: Uint32Array, len: number) => { const m = maskWords(w, len); return family === 4 ? String(m[0]) : `${m[0]},${m[1]},${m[2]},${m[3]}`; };
  t = performance.now();
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (!maps.has(k.len)) maps.set(k.len, new Map());
    maps.get(k.len)!.set(keyOf(k.w, k.len), i);
  }
  const bInsS = (performance.now() - t) / 1000;
  const lens = [...maps.keys()].sort((a, b) => b - a);
  t = performance.now();
  c = process.cpuUsage();
  let bHits = 0;
  for (const p of probes) {
    for (const l of lens) if (maps.get(l)!.has(keyOf(p, l))) { bHits++; break; }
  }
  const bLkS = (performance.now() - t) / 1000;
  const bLkCpu = cpuS(c);
  if (bHits !== hits) throw new Error(`trie found ${hits}, baseline ${bHits}`);
  console.log(`| IPv${family} | ${trie.size} | trie | ${Math.round(n / insS)} | ${(lookups / lkS / 1e6).toFixed(2)} M | ${(lookups / lkCpu / 1e6).toFixed(2)} M | ${bytes.toFixed(0)} |`);
  console.log(`| IPv${family} | ${trie.size} | Map per length | ${Math.round(n / bInsS)} | ${(lookups / bLkS / 1e6).toFixed(2)} M | ${(lookups / bLkCpu / 1e6).toFixed(2)} M | — |`);
}

console.log('| family | prefixes | structure | inserts/s | lookups/s (wall) | lookups per CPU second | bytes/prefix (heap + typed arrays) |\n| --- | --- | --- | --- | --- | --- | --- |');
run(4, Number(values.v4), Number(values.lookups));
run(6, Number(values.v6), Number(values.lookups));
