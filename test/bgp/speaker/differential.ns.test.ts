// Differential best path: the same routes from several peers (the benchmark's tester: 100k prefixes from each of
// 5 eBGP peers, per-peer AS paths of 2-7 ASes, origins IGP/INCOMPLETE, MEDs on 30% of origins, communities) fed
// to BIRD 2 and to our speaker, one after the other in the same namespace; every prefix must get the best path
// from the same neighbor on both. The peers' router ids run opposite to their addresses, so a tie-break by
// address instead of router id (RFC 4271 §9.1.2.2 f before g) would show; each peer has its own AS, so MED is
// never comparable (a MED compared across ASes would show too).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callSpeaker } from '../../../src/bgp/api/client.js';
import { createDaemon, pollUntil, type Daemon } from '../../../src/daemons/index.js';
import { createTopology, makeTempDir, nsSpawn, ResourceRegistry, type NsProcess } from '../../../src/netns/index.js';
import { peerAddress } from '../../../bench/speaker/tester.js';

const root = process.getuid?.() === 0;
const skip = root ? false : 'needs root for network namespaces';
const P = `acx-${process.pid}-d`;
const DUT = `${P}-dut`, TST = `${P}-tst`;
const DUT_ADDR = '10.97.0.1', TPL = '10.97.0.%';
const PEERS = 5, PREFIXES = 100_000;
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

let registry: ResourceRegistry;

before(async () => {
  if (!root) return;
  registry = new ResourceRegistry({ label: 'acx-differential' });
  await createTopology({
    namespaces: [{ name: DUT }, { name: TST }],
    links: [{ a: { ns: DUT, ifname: 'dut', addrs: [`${DUT_ADDR}/24`] },
      b: { ns: TST, ifname: 'tst', addrs: Array.from({ length: PEERS }, (_, p) => `${peerAddress(TPL, p)}/24`) } }],
  }, registry);
});

after(() => {
  if (root) assert.deepEqual(registry.cleanup().errors, []);
});

function tester(dir: string): NsProcess {
  const spec = { dut: { address: DUT_ADDR, port: 179, asn: 65000 }, peers: PEERS, prefixes: PREFIXES, addressOf: TPL, reverseRouterIds: true };
  return nsSpawn(TST, [process.execPath, join(ROOT, 'dist', 'bench', 'speaker', 'tester-main.js'), JSON.stringify(spec)], registry,
    { logFile: join(dir, 'tester.log') });
}

async function sentRoutes(dir: string): Promise<number> {
  return pollUntil('the tester started sending', 120_000, async () => {
    const { readFileSync } = await import('node:fs');
    let text = '';
    try { text = readFileSync(join(dir, 'tester.log'), 'utf8'); } catch { /* not yet */ }
    const m = /"event":"sending","t":\d+,"routes":(\d+)/.exec(text);
    return m ? { done: true, value: Number(m[1]) } : { done: false, seen: text.slice(-200) || 'nothing yet' };
  });
}

test('BIRD 2 and our speaker select the best path from the same neighbor for every one of 100k prefixes', { skip, timeout: 900_000 }, async () => {
  // BIRD first.
  const bdir = makeTempDir(registry, 'acx-diff-bird');
  const bird: Daemon = createDaemon('bird', { name: 'dut', routerId: DUT_ADDR, localAs: 65000,
    neighbors: Array.from({ length: PEERS }, (_, p) => ({ name: `t${p + 1}`, address: peerAddress(TPL, p), localAddress: DUT_ADDR,
      remoteAs: 65001 + p, passive: true, holdTime: 180, import: 'accept-all' as const, export: 'reject-all' as const })) },
  { ns: DUT, dir: bdir, registry });
  await bird.start();
  let t = tester(bdir);
  const want = await sentRoutes(bdir);
  const prefixCount = want / PEERS;
  await pollUntil('BIRD has every prefix', 300_000, async () => {
    const n = await bird.routeCount('ipv4');
    return n >= prefixCount ? { done: true, value: n } : { done: false, seen: `${n} prefixes` };
  });
  // Wait for the table to be complete (every path), then read the best paths.
  await new Promise((r) => setTimeout(r, 2000));
  const birdBest = new Map((await bird.bestRoutes('ipv4')).map((r) => [r.prefix, r.from]));
  await t.stop(2000);
  await bird.stop();
  assert.equal(birdBest.size, prefixCount);

  // Our speaker, same tester, same routes.
  const odir = makeTempDir(registry, 'acx-diff-ours');
  const sock = join(odir, 's.sock');
  const ns = Array.from({ length: PEERS }, (_, p) => `  - { name: t${p + 1}, address: ${peerAddress(TPL, p)}, remote-as: ${65001 + p}, passive: true, hold-time: 180, import: accept, export: reject }`);
  writeFileSync(join(odir, 's.yaml'), `router-id: ${DUT_ADDR}\nlocal-as: 65000\nlisten: ["${DUT_ADDR}:179"]\nfib: noop\ngraceful-restart: false\n` +
    `control: { socket: ${sock} }\nlog: { level: warn }\nneighbors:\n${ns.join('\n')}\n`);
  const us = nsSpawn(DUT, [process.execPath, join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'speaker', '--config', join(odir, 's.yaml')], registry,
    { logFile: join(odir, 's.log') });
  try {
    await pollUntil('our control socket', 30_000, async () => {
      try { await callSpeaker({ socket: sock }, 'GET', '/v1/status'); return { done: true, value: true }; } catch (e) { return { done: false, seen: String(e) }; }
    });
    t = tester(odir);
    assert.equal(await sentRoutes(odir), want);
    await pollUntil('our Loc-RIB complete and decided', 300_000, async () => {
      const m = await callSpeaker({ socket: sock }, 'GET', '/metrics') as string;
      const paths = Number(/^anycast_bgp_rib_paths\{afi="ipv4"\} (\d+)$/m.exec(m)?.[1] ?? 0);
      const pending = Number(/^anycast_bgp_decision_pending (\d+)$/m.exec(m)?.[1] ?? 1);
      return paths === want && pending === 0 ? { done: true, value: true } : { done: false, seen: `${paths} paths, ${pending} pending` };
    });
    const rib = await callSpeaker({ socket: sock }, 'GET', '/v1/rib?best=1') as { routes: { prefix: string; paths: { best: boolean; fromAddress: string }[] }[] };
    const ours = new Map(rib.routes.map((r) => [r.prefix, r.paths.find((p) => p.best)?.fromAddress ?? null]));
    assert.equal(ours.size, prefixCount);
    const diff: string[] = [];
    let ties = 0;
    for (const [prefix, from] of birdBest) {
      if (ours.get(prefix) !== from) diff.push(`${prefix}: BIRD ${from}, ours ${ours.get(prefix)}`);
      if (from !== peerAddress(TPL, PEERS - 1)) ties++;
    }
    assert.deepEqual(diff.slice(0, 10), [], `${diff.length} prefixes differ`);
    // The feed must exercise more than one rule: not every prefix is won by the same neighbor.
    assert.ok(ties > prefixCount / 10 && ties < prefixCount, `winners spread over the neighbors (${ties} of ${prefixCount} not won by the last)`);
  } finally {
    await t.stop(2000);
    await us.stop(10_000);
  }
});
