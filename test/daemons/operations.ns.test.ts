// Operations the speaker's interop tests lean on, with BIRD as the observer in the middle:
//
//   gobgp ─┐                 ┌─ openbgpd
//          ├── bird (AS65001) ┤
//   frr ───┘                 └─ exabgp
//
// ROUTE-REFRESH both ways with every daemon, bulk announce/withdraw, route counts, graceful restart (GoBGP
// crashes and comes back while BIRD keeps its routes), and the last error of a session refused for a wrong AS.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BirdDaemon, createDaemon, pollUntil, type Daemon, type DaemonKind, type NeighborSpec, type OriginatedRoute } from '../../src/daemons/index.js';
import { join } from 'node:path';
import { createTopology, decodeBgpCapture, makeTempDir, ResourceRegistry, startCapture } from '../../src/netns/index.js';

const root = process.getuid?.() === 0;
const skip = root ? false : 'needs root for network namespaces';
const P = `acp-${process.pid}-o`;
const peers: DaemonKind[] = ['gobgp', 'frr', 'openbgpd', 'exabgp'];
const as = (i: number) => 65002 + i;
const hubAddr = (i: number) => `10.91.${i}.1`;
const peerAddr = (i: number) => `10.91.${i}.2`;
const GR = { restartTime: 60 };

let registry: ResourceRegistry;
let bird: BirdDaemon;
const d: Daemon[] = [];

before(async () => {
  if (!root) return;
  registry = new ResourceRegistry({ label: 'acp-ops' });
  await createTopology({
    namespaces: [{ name: `${P}-bird` }, ...peers.map((k) => ({ name: `${P}-${k}` }))],
    links: peers.map((k, i) => ({
      a: { ns: `${P}-bird`, ifname: `h${k}`.slice(0, 15), addrs: [`${hubAddr(i)}/24`, `fd91:${i}::1/64`] },
      b: { ns: `${P}-${k}`, ifname: 'up', addrs: [`${peerAddr(i)}/24`, `fd91:${i}::2/64`] },
    })),
  }, registry);
  const hubNeighbors: NeighborSpec[] = peers.map((k, i) => ({ name: k, address: peerAddr(i), localAddress: hubAddr(i), remoteAs: as(i), gracefulRestart: GR }));
  // A session FRR refuses: FRR expects AS 65099 on it.
  hubNeighbors.push({ name: 'frr_wrong', address: 'fd91:1::2', localAddress: 'fd91:1::1', remoteAs: as(1) });
  bird = new BirdDaemon({ name: 'hub', routerId: '10.91.255.1', localAs: 65001, neighbors: hubNeighbors, originate: [{ prefix: '192.0.2.0/24' }] },
    { ns: `${P}-bird`, dir: makeTempDir(registry, 'acp-ops'), registry });
  peers.forEach((k, i) => {
    const neighbors: NeighborSpec[] = [{ address: hubAddr(i), localAddress: peerAddr(i), remoteAs: 65001, gracefulRestart: GR }];
    if (k === 'frr') neighbors.push({ address: 'fd91:1::1', localAddress: 'fd91:1::2', remoteAs: 65099 });
    d.push(createDaemon(k, { name: k, routerId: `10.91.${i}.2`, localAs: as(i), neighbors, originate: [{ prefix: `198.51.100.${i * 16}/28` }] },
      { ns: `${P}-${k}`, dir: makeTempDir(registry, `acp-ops-${k}`), registry }));
  });
  await Promise.all([bird, ...d].map((x) => x.start()));
  await bird.waitForSessions(peers.map((_, i) => peerAddr(i)));
  await Promise.all(d.map((x, i) => x.waitForSessions([hubAddr(i)])));
});

after(() => {
  if (root) assert.deepEqual(registry.cleanup().errors, []);
});

/** BIRD's update counters for one protocol: [import updates received, export updates sent]. */
async function counters(name: string): Promise<[number, number]> {
  const out = await bird.birdc(['show', 'protocols', 'all', `bgp_${name}`]);
  const imp = /Import updates:\s+(\d+)/.exec(out);
  const exp = /Export updates:\s+(\d+)/.exec(out);
  return [Number(imp?.[1] ?? 0), Number(exp?.[1] ?? 0)];
}

for (const [i, k] of peers.entries()) {
  test(`ROUTE-REFRESH with ${k}: BIRD asks and ${k} resends; ${k} asks and BIRD resends`, { skip }, async () => {
    await bird.waitForRoute(`198.51.100.${i * 16}/28`);
    if (k === 'openbgpd') {
      // OpenBGPD 7.7 counts the ROUTE-REFRESH but resends nothing (seen on this version): check its counter.
      const o = d[i] as unknown as { bgpctl(a: string[]): Promise<string> };
      const rr = async () => (JSON.parse(await o.bgpctl(['-j', 'show', 'neighbor'])) as { neighbors: { stats: { 'route-refresh': { received: { request: number } } } }[] })
        .neighbors[0]!.stats['route-refresh'].received.request;
      const rr0 = await rr();
      await bird.refresh(peerAddr(i));
      await pollUntil('OpenBGPD received the ROUTE-REFRESH', 10_000, async () => {
        const n = await rr();
        return n > rr0 ? { done: true, value: n } : { done: false, seen: `${n} requests` };
      });
    } else {
      const [imp0] = await counters(k);
      await bird.refresh(peerAddr(i));
      await pollUntil(`${k} resends after BIRD's refresh`, 10_000, async () => {
        const [imp] = await counters(k);
        return imp > imp0 ? { done: true, value: imp } : { done: false, seen: `import updates ${imp}` };
      });
    }
    const [, exp0] = await counters(k);
    await d[i]!.refresh(hubAddr(i));
    await pollUntil(`BIRD resends after ${k}'s refresh`, 10_000, async () => {
      const [, exp] = await counters(k);
      return exp > exp0 ? { done: true, value: exp } : { done: false, seen: `export updates ${exp}` };
    });
  });
}

test('bulk announce and withdraw, counted on BIRD and GoBGP', { skip }, async () => {
  const gobgp = d[0]!;
  const before4 = await gobgp.routeCount('ipv4');
  const many: OriginatedRoute[] = Array.from({ length: 300 }, (_, j) => ({ prefix: `203.0.${113 + Math.floor(j / 256)}.${j % 256}/32`, communities: ['65001:300'] }));
  await bird.announceMany(many);
  await pollUntil('GoBGP has the 300 routes', 15_000, async () => {
    const n = await gobgp.routeCount('ipv4');
    return n === before4 + 300 ? { done: true, value: n } : { done: false, seen: `${n} routes` };
  });
  assert.equal(await bird.routeCount('ipv4'), before4 + 300, 'BIRD counts the same table');
  const best = await bird.bestRoutes('ipv4');
  assert.equal(best.length, before4 + 300, 'one best path per prefix');
  assert.ok(best.every((x) => x.best));
  const [r] = (await gobgp.routes('ipv4')).filter((x) => x.prefix === '203.0.113.7/32');
  assert.deepEqual(r!.communities, ['65001:300']);
  await bird.withdrawMany(many.map((m) => m.prefix));
  await pollUntil('GoBGP lost them again', 15_000, async () => {
    const n = await gobgp.routeCount('ipv4');
    return n === before4 ? { done: true, value: n } : { done: false, seen: `${n} routes` };
  });
  // FRR and ExaBGP bulk paths too.
  await d[1]!.announceMany([{ prefix: '203.0.113.0/25', med: 1 }, { prefix: '2001:db8:91::/48' }]);
  await d[3]!.announceMany([{ prefix: '203.0.113.128/25', med: 2 }]);
  assert.equal((await bird.waitForRoute('203.0.113.0/25'))[0]!.med, 1);
  assert.equal((await bird.waitForRoute('203.0.113.128/25'))[0]!.med, 2);
  await d[1]!.withdrawMany(['203.0.113.0/25', '2001:db8:91::/48']);
  await d[3]!.withdrawMany(['203.0.113.128/25']);
  await bird.waitForNoRoute('203.0.113.0/25');
  await bird.waitForNoRoute('203.0.113.128/25');
});

test('graceful restart: GoBGP crashes (SIGKILL), BIRD keeps its route as stale, GoBGP restarts and re-announces', { skip }, async () => {
  const gobgp = d[0]!;
  const prefix = '198.51.100.0/28';
  await bird.waitForRoute(prefix);
  await gobgp.kill();
  assert.deepEqual(gobgp.pids(), []);
  await pollUntil('BIRD notices the session is gone', 15_000, async () => {
    const st = (await bird.neighbors()).find((n) => n.address === peerAddr(0))!;
    return st.state !== 'established' ? { done: true, value: st } : { done: false, seen: st.state };
  });
  // Helper side of RFC 4724: the route stays while the peer restarts.
  assert.equal((await bird.routesFor(prefix)).length, 1, 'route kept during the restart');
  await (gobgp as unknown as { start(o: { restarting: boolean }): Promise<void> }).start({ restarting: true });
  await bird.waitForSessions([peerAddr(0)]);
  await bird.waitForRoute(prefix);
});

test('capture: the UPDATE GoBGP sends is on the wire, decoded by tshark', { skip }, async () => {
  const file = join(bird.dir, 'gobgp.pcap');
  const cap = await startCapture(`${P}-bird`, 'hgobgp', file, registry, { filter: 'tcp port 179', logFile: join(bird.dir, 'tcpdump.log') });
  await d[0]!.announce({ prefix: '203.0.113.192/26', communities: ['65002:26'] });
  await bird.waitForRoute('203.0.113.192/26');
  await cap.stop();
  const text = JSON.stringify(await decodeBgpCapture(file));
  assert.match(text, /203\.0\.113\.192\/26/);
  assert.ok(text.includes('"bgp.type":"2"'), 'an UPDATE');
  assert.ok(text.includes('"bgp.update.path_attribute.community_as":"65002","bgp.update.path_attribute.community_value":"26"'), 'its community');
  await d[0]!.withdraw('203.0.113.192/26');
});

test('a wrong AS: the refused session says why on both sides', { skip }, async () => {
  const st = await pollUntil('BIRD reports the error', 15_000, async () => {
    const n = (await bird.neighbors()).find((x) => x.address === 'fd91:1::2')!;
    return n.lastError ? { done: true, value: n } : { done: false, seen: JSON.stringify(n) };
  });
  assert.notEqual(st.state, 'established');
  assert.match(st.lastError!, /Bad peer AS/i);
  const frr = (await d[1]!.neighbors()).find((x) => x.address === 'fd91:1::1')!;
  assert.notEqual(frr.state, 'established');
  assert.match(frr.lastError ?? '', /Bad Peer AS/i);
});
