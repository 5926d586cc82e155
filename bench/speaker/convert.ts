// The receive path's attribute conversion alone: the speaker benchmark's feed (10 peers x 99,538 prefixes, ~111k
// distinct attribute sets, bench/rib/gen.ts) decoded once per build the way a session decodes it, then every set
// converted to the RIB's interned form (speaker/inbound.ts AttrConverter, with the RIB's rewrites on receipt) into
// a fresh store, repeatedly. With build directories as arguments (a `dist` of another checkout, or this one's
// `dist`), the builds alternate repetition by repetition in one process, so that the host's changing speed falls
// on all of them alike.
//
//   node --expose-gc dist/bench/speaker/convert.js [--reps N] [DIST ...]     (default: this build alone)
//
// Per repetition: wall-clock milliseconds for all the sets, and the garbage collector's share of them (from
// the `gc` performance entries). The store's counts after the first repetition are printed per build, so two
// builds can be seen to intern the same sets.
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';

const { values, positionals } = parseArgs({ options: { reps: { type: 'string' } }, allowPositionals: true });
const REPS = Number(values.reps ?? 6);
const PEERS = 10, PREFIXES = 100_000;
const here = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
const builds = positionals.length > 0 ? positionals.map((p) => resolve(p)) : [here];

let gcMs = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const load = (dist: string, path: string): Promise<Any> => import(join(dist, path));

interface Setup { dist: string; run(): { ms: number; gc0: number; stats: string } }

async function setup(dist: string): Promise<Setup> {
  const { Feed } = await load(dist, 'bench/rib/gen.js');
  const { buildStream, CTX } = await load(dist, 'bench/speaker/tester.js');
  const { Rib } = await load(dist, 'src/bgp/rib/rib.js');
  const { InboundDecoder } = await load(dist, 'src/bgp/peer/inbound.js');
  const { AttrConverter } = await load(dist, 'src/bgp/speaker/inbound.js');
  const { FrameReader, FRAME_ERROR, FRAME_INCOMPLETE } = await load(dist, 'src/bgp/wire/framing.js');
  const { IPV4_UNICAST } = await load(dist, 'src/bgp/wire/context.js');
  const { ACCEPT_ALL } = await load(dist, 'src/bgp/policy/index.js');
  const feed = new Feed({ peers: PEERS, prefixes: PREFIXES, maxGroup: 32 });
  const sets: [number, Any, number][] = []; // peer, set, its index in the session's cache
  for (let p = 0; p < PEERS; p++) {
    const dec = new InboundDecoder(CTX, { localAs: 65000, peerAs: 65001 + p, enforceFirstAs: true,
      families: new Set([IPV4_UNICAST]), localAddresses: ['10.0.0.1'], localId: '10.0.0.1' }, [IPV4_UNICAST]);
    const reader = new FrameReader(CTX);
    for (const chunk of buildStream(feed, p).chunks) {
      reader.push(chunk);
      for (let t = reader.read(); t !== FRAME_INCOMPLETE && t !== FRAME_ERROR; t = reader.read()) {
        if (t !== 2) continue;
        const r = dec.decode(reader.frameBuf.slice(reader.frameStart, reader.frameEnd));
        if (r.kind === 'update') sets.push([p, r.update.attrs, r.update.setIndex]);
      }
    }
  }
  return {
    dist,
    run() {
      const rib = new Rib({ localAs: 65000, routerId: '10.0.0.1' });
      const convs: Any[] = [];
      for (let p = 0; p < PEERS; p++) {
        const info = rib.addPeer({ name: `p${p}`, address: `10.0.0.${p + 2}`, asn: 65001 + p, importPolicy: ACCEPT_ALL });
        rib.peerUp(info, { routerId: `10.0.0.${p + 2}`, afis: ['ipv4'] });
        convs.push(new AttrConverter(rib.store, CTX, () => {}, (input: Any) => rib.presetReceived(info, input)));
      }
      const kept: Any[] = [];
      const g0 = gcMs, t0 = performance.now();
      for (const [p, set, index] of sets) kept.push(convs[p].convert(set, 'ipv4', index));
      return { ms: performance.now() - t0, gc0: g0, stats: `${kept.length} sets: ${JSON.stringify(rib.store.stats())}` };
    },
  };
}

const setups: Setup[] = [];
for (const b of builds) setups.push(await setup(b));
const times = builds.map(() => [] as number[]);
const gcs = builds.map(() => [] as number[]);
for (let r = 0; r < REPS; r++) {
  for (let b = 0; b < setups.length; b++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((res) => setTimeout(res, 20)); // the forced collection's entry arrives before the count
    const x = setups[b]!.run();
    await new Promise((res) => setTimeout(res, 20)); // let the gc entries of the repetition arrive
    times[b]!.push(x.ms);
    gcs[b]!.push(gcMs - x.gc0);
    if (r === 0) console.log(`${setups[b]!.dist}: ${x.stats}`);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
for (let b = 0; b < setups.length; b++) {
  console.log(`${setups[b]!.dist}: ms ${times[b]!.map((v) => v.toFixed(0)).join(' ')} (median ${median(times[b]!).toFixed(0)}, ` +
    `min ${Math.min(...times[b]!).toFixed(0)}); of which gc ${gcs[b]!.map((v) => v.toFixed(0)).join(' ')}`);
}
