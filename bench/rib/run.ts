// In-process RIB benchmark (pure: no sockets). Run:  node --expose-gc dist/bench/rib/run.js [--peers 10]
//   [--prefixes 100000] [--flush-every 256] [--max-group 32] [--seed 1] [--json]
//
// 1. Load: P peers x N prefixes (same prefixes, different paths) inserted UPDATE by UPDATE (attributes interned
//    per UPDATE, as the speaker does), flushing every F UPDATEs; measured until the Loc-RIB holds every prefix
//    with its best path selected. Reported: time, routes/s, heap per route (heap delta after GC over the input
//    feed held in memory before and after), peak RSS.
// 2. Propagation: a fresh RIB, one eBGP neighbor announcing N routes, one eBGP neighbor receiving: time until
//    its Adj-RIB-Out holds all N, grouped into UPDATE groups by attribute set.
// There is no side-by-side anchor for an in-process RIB; bench/results/rib.md compares the figures with BIRD's
// documented ~100 B/route. The speaker-level benchmark against BIRD and GoBGP is a separate bench.

import { parseArgs } from 'node:util';
import { ACCEPT_ALL, REJECT_ALL } from '../../src/bgp/policy/compile.js';
import { groupOutChanges } from '../../src/bgp/rib/group.js';
import { Rib } from '../../src/bgp/rib/rib.js';
import { Feed } from './gen.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  if (gc) { gc(); gc(); }
  return process.memoryUsage().heapUsed;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function load(feed: Feed, flushEvery: number): { rib: Rib; ms: number; cpu: number; routes: number; updates: number; bestCount: number } {
  const rib = new Rib({ localAs: 65000, routerId: '10.255.255.1' });
  const peers = feed.peers.map((p) => {
    // Feeding peers, as the bgperf testers: import all, export none.
    const info = rib.addPeer({ name: p.name, address: p.address, asn: p.asn, importPolicy: ACCEPT_ALL, exportPolicy: REJECT_ALL });
    rib.peerUp(info, { routerId: p.routerId, afis: ['ipv4'] });
    return info;
  });
  rib.flush();
  const t0 = process.hrtime.bigint();
  const c0 = cpuMs();
  let n = 0, routes = 0;
  for (const u of feed.interleaved()) {
    rib.announce(peers[u.peer]!, 'ipv4', rib.store.intern(u.attrs), u.prefixes);
    routes += u.prefixes.length;
    if (++n % flushEvery === 0) rib.flush({});
  }
  rib.flush({});
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = cpuMs() - c0;
  let bestCount = 0;
  for (const _ of rib.locRib('ipv4')) bestCount++;
  return { rib, ms, cpu, routes, updates: n, bestCount };
}

/** CPU time of generating the feed alone (included in the load figures; reported so it can be subtracted). */
function feedCost(feed: Feed): number {
  const c0 = cpuMs();
  let n = 0;
  for (const u of feed.interleaved()) n += u.prefixes.length;
  return cpuMs() - c0 + (n < 0 ? 1 : 0);
}

function propagate(feed: Feed): { ms: number; cpu: number; routes: number; groups: number; outPrefixes: number } {
  const rib = new Rib({ localAs: 65000, routerId: '10.255.255.1' });
  const src = rib.addPeer({ name: 'in', address: '10.0.0.2', asn: 65001, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
  const dst = rib.addPeer({ name: 'out', address: '10.0.1.2', asn: 65002, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL,
    localAddress: { ipv4: '10.0.1.1' } });
  rib.peerUp(src, { routerId: '10.255.0.1', afis: ['ipv4'] });
  rib.peerUp(dst, { routerId: '10.255.1.1', afis: ['ipv4'] });
  rib.flush();
  const t0 = process.hrtime.bigint();
  const c0 = cpuMs();
  let routes = 0, groups = 0, outPrefixes = 0;
  let n = 0;
  const drain = () => {
    const ch = rib.flush();
    for (const g of groupOutChanges(ch.out)) {
      groups += g.announce.size;
      for (const l of g.announce.values()) outPrefixes += l.length;
    }
  };
  for (const u of feed.updatesOf(0)) {
    rib.announce(src, 'ipv4', rib.store.intern(u.attrs), u.prefixes);
    routes += u.prefixes.length;
    if (++n % 256 === 0) drain();
  }
  drain();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = cpuMs() - c0;
  let held = 0;
  for (const _ of rib.adjRibOut(dst, 'ipv4')) held++;
  if (held !== routes) throw new Error(`propagation incomplete: ${held} of ${routes}`);
  return { ms, cpu, routes, groups, outPrefixes };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      peers: { type: 'string', default: '10' }, prefixes: { type: 'string', default: '100000' },
      'flush-every': { type: 'string', default: '256' }, 'max-group': { type: 'string', default: '32' },
      seed: { type: 'string', default: '1' }, json: { type: 'boolean', default: false },
    },
  });
  if (!gc) console.error('note: run with node --expose-gc for heap figures after GC');
  const feed = new Feed({ peers: Number(values.peers), prefixes: Number(values.prefixes), seed: Number(values.seed), maxGroup: Number(values['max-group']) });
  const before = heap();
  const r = load(feed, Number(values['flush-every']));
  const after = heap();
  const stats = r.rib.stats();
  const bytesPerRoute = (after - before) / r.routes;
  const rssPeakMb = process.resourceUsage().maxRSS / 1024;
  const genCpu = feedCost(feed);
  const prop = propagate(feed);
  const result = {
    node: process.version, peers: feed.peers.length, prefixes: feed.prefixes.length, updates: r.updates, routes: r.routes,
    loadMs: Math.round(r.ms), loadCpuMs: Math.round(r.cpu), feedGenCpuMs: Math.round(genCpu), routesPerSec: Math.round(r.routes / (r.ms / 1000)), bestSelected: r.bestCount,
    heapDeltaMb: +((after - before) / 1048576).toFixed(1), bytesPerRoute: Math.round(bytesPerRoute),
    attrSets: stats.store.attrs, asPaths: stats.store.asPaths, rssPeakMb: Math.round(rssPeakMb),
    propagation: { routes: prop.routes, ms: Math.round(prop.ms), cpuMs: Math.round(prop.cpu), routesPerSec: Math.round(prop.routes / (prop.ms / 1000)), updateGroups: prop.groups },
  };
  if (r.bestCount !== feed.prefixes.length) throw new Error(`Loc-RIB holds ${r.bestCount} of ${feed.prefixes.length} prefixes`);
  if (values.json) { console.log(JSON.stringify(result, null, 2)); return; }
  console.log(`RIB load: ${result.peers} peers x ${result.prefixes} prefixes = ${result.routes} routes in ${result.updates} UPDATEs`);
  console.log(`  time to Loc-RIB complete (best selected): ${result.loadMs} ms wall, ${result.loadCpuMs} ms CPU  (${result.routesPerSec} routes/s)`);
  console.log(`  of which generating the feed: ${result.feedGenCpuMs} ms CPU`);
  console.log(`  heap after GC: ${result.heapDeltaMb} MB = ${result.bytesPerRoute} B/route  (${result.attrSets} attribute sets, ${result.asPaths} AS paths)`);
  console.log(`  peak RSS: ${result.rssPeakMb} MB`);
  console.log(`propagation: ${prop.routes} routes from one eBGP peer to another's Adj-RIB-Out in ${result.propagation.ms} ms wall, ${result.propagation.cpuMs} ms CPU ` +
    `(${result.propagation.routesPerSec} routes/s, ${prop.groups} UPDATE groups)`);
}

main();
