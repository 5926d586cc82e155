// The kernel FIB and the resolver in a real network namespace (root): routes installed through the persistent
// `ip -batch` are read back with `ip -j route` exactly as requested and tagged with our protocol id; replace
// and delete; a route the kernel refuses, and a line that makes ip exit, are reported for that route while the
// rest of the batch lands; close() leaves no route of ours (and keeps others'); sync() after a restart and the
// graceful-restart sweep leave exactly the wanted routes; the resolver hears a connected route come and go.

import { after, before, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { comparePrefixes } from '../../src/fib/delta.js';
import { createTopology, nsExec, ResourceRegistry, uniqueNsName } from '../../src/netns/index.js';
import { KernelFib as BaseKernelFib, KernelRouteWatcher, NextHopResolver, type FibChange, type KernelFibOptions, type ResolutionChange } from '../../src/fib/index.js';
import { loadRtnl, RTNL_ADDON_PATH } from '../../src/fib/netlink.js';

const root = process.getuid?.() === 0;
const skip = root ? false : 'needs root for network namespaces';
// Both writers run every test: the rtnetlink addon (built here from Node's headers if it is not yet) and ip -batch.
if (root && !existsSync(RTNL_ADDON_PATH)) {
  spawnSync(process.execPath, [fileURLToPath(new URL('../../../src/fib/native/build.mjs', import.meta.url)), '--quiet']);
}
const haveAddon = root && loadRtnl() !== null;
const NS = uniqueNsName('acf', 'k');
const PEER = uniqueNsName('acf', 'p');
let registry: ResourceRegistry;

before(async () => {
  if (!root) return;
  registry = new ResourceRegistry({ label: 'acf-kernel' });
  await createTopology({
    namespaces: [{ name: NS }, { name: PEER }],
    links: [{ a: { ns: NS, ifname: 'k0', addrs: ['10.0.0.1/24', 'fd00::1/64'] }, b: { ns: PEER, ifname: 'p0', addrs: ['10.0.0.2/24', 'fd00::2/64'] } }],
  }, registry);
});
after(() => registry?.cleanup());

type Row = { dst: string; protocol?: string; metric?: number; gateway?: string; dev?: string; via?: { family: string; host: string }; nexthops?: Array<{ gateway: string; dev: string; weight: number }> };
async function kernel(family: 4 | 6, filter: string[] = []): Promise<Row[]> {
  return JSON.parse((await nsExec(NS, ['ip', '-N', '-j', `-${family}`, 'route', 'show', 'table', 'main', ...filter])).stdout) as Row[];
}
const ours = async (family: 4 | 6) => (await kernel(family)).filter((r) => r.protocol === '172').sort((x, y) => comparePrefixes(x.dst, y.dst));
const strip = (r: Row) => ({ dst: r.dst, metric: r.metric, gateway: r.gateway, via: r.via, dev: r.dev, nexthops: r.nexthops?.map((n) => ({ gateway: n.gateway, dev: n.dev, weight: n.weight })) });

for (const backend of ['netlink', 'ip-batch'] as const) {
  const bskip = skip || (backend === 'netlink' && !haveAddon ? 'the rtnetlink addon did not build' : false);
  class KernelFib extends BaseKernelFib {
    constructor(o: KernelFibOptions = {}) {
      super({ ...o, backend });
    }
  }
  test(`${backend}: install v4, v6, ECMP, IPv4-via-IPv6 and link-local routes; read back exactly, with protocol 172 and metric 20`, { skip: bskip }, async () => {
    const fib = new KernelFib({ ns: NS });
    try {
      const res = await fib.apply([
        { kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.2' }] },
        { kind: 'replace', prefix: '198.51.100.0/24', nextHops: [{ gateway: '10.0.0.2', dev: 'k0' }, { gateway: '10.0.0.3', dev: 'k0', weight: 3 }] },
        { kind: 'replace', prefix: '2001:db8::/32', nextHops: [{ gateway: 'fd00::2' }] },
        { kind: 'replace', prefix: '2001:db8:1::/48', nextHops: [{ gateway: 'fe80::2', dev: 'k0' }, { gateway: 'fd00::3', dev: 'k0' }] },
        { kind: 'replace', prefix: '203.0.113.0/24', nextHops: [{ gateway: 'fd00::2', dev: 'k0' }] },
      ]);
      assert.deepEqual(res, { replaced: 5, deleted: 0, coalesced: 0, failures: [] });
      assert.deepEqual((await ours(4)).map(strip), [
        { dst: '192.0.2.0/24', metric: 20, gateway: '10.0.0.2', via: undefined, dev: 'k0', nexthops: undefined },
        { dst: '198.51.100.0/24', metric: 20, gateway: undefined, via: undefined, dev: undefined, nexthops: [{ gateway: '10.0.0.2', dev: 'k0', weight: 1 }, { gateway: '10.0.0.3', dev: 'k0', weight: 3 }] },
        { dst: '203.0.113.0/24', metric: 20, gateway: undefined, via: { family: 'inet6', host: 'fd00::2' }, dev: 'k0', nexthops: undefined },
      ]);
      assert.deepEqual((await ours(6)).map(strip), [
        { dst: '2001:db8::/32', metric: 20, gateway: 'fd00::2', via: undefined, dev: 'k0', nexthops: undefined },
        { dst: '2001:db8:1::/48', metric: 20, gateway: undefined, via: undefined, dev: undefined, nexthops: [{ gateway: 'fe80::2', dev: 'k0', weight: 1 }, { gateway: 'fd00::3', dev: 'k0', weight: 1 }] },
      ]);
      // list() reads the same back in our own terms.
      assert.deepEqual((await fib.list()).map((r) => r.prefix), ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '2001:db8:1::/48']);
      // Replace and delete.
      const r2 = await fib.apply([
        { kind: 'replace', prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.3' }] },
        { kind: 'delete', prefix: '198.51.100.0/24' },
        { kind: 'delete', prefix: '2001:db8:1::/48' },
        { kind: 'delete', prefix: '203.0.113.0/24' },
        { kind: 'delete', prefix: '203.0.113.0/25' }, // never there: done anyway
        { kind: 'replace', prefix: '2001:db8:2::/48', nextHops: [{ gateway: '10.0.0.2' }] }, // refused before the kernel
      ]);
      assert.deepEqual([r2.replaced, r2.deleted], [1, 4]);
      assert.deepEqual(r2.failures.map((f) => [f.prefix, f.code]), [['2001:db8:2::/48', 'ERR_FIB_INVALID']]);
      assert.deepEqual((await ours(4)).map((r) => [r.dst, r.gateway]), [['192.0.2.0/24', '10.0.0.3']]);
      assert.deepEqual((await ours(6)).map((r) => r.dst), ['2001:db8::/32']);
    } finally {
      await fib.close();
    }
    assert.deepEqual([...(await ours(4)), ...(await ours(6))], [], 'close() removed every route of ours');
  });

  test(`${backend}: a refused route and a line that makes ip exit are reported for that route; the rest of the batch lands`, { skip: bskip }, async () => {
    const fib = new KernelFib({ ns: NS, batch: { chunkLines: 50 } });
    try {
      const changes: FibChange[] = [];
      for (let i = 0; i < 200; i++) changes.push({ kind: 'replace', prefix: `203.0.${i >> 4}.${(i & 15) * 16}/28`, nextHops: [{ gateway: '10.0.0.2' }] });
      changes[37] = { kind: 'replace', prefix: '198.51.100.0/24', nextHops: [{ gateway: '10.99.0.1' }] }; // not on any connected network
      changes[120] = { kind: 'replace', prefix: '198.51.100.128/25', nextHops: [{ gateway: '10.0.0.2', dev: 'nosuchdev' }, { gateway: '10.0.0.3' }] }; // ip exits
      const res = await fib.apply(changes);
      res.failures.sort((x, y) => comparePrefixes(x.prefix, y.prefix));
      assert.equal(res.replaced, 198);
      assert.deepEqual(res.failures.map((f) => [f.prefix, f.code]), [['198.51.100.0/24', 'ERR_FIB_REJECTED'], ['198.51.100.128/25', 'ERR_FIB_REJECTED']]);
      assert.match(res.failures[0]!.message, /Nexthop has invalid gateway/);
      assert.match(res.failures[1]!.message, /Cannot find device "nosuchdev"/);
      assert.equal((await ours(4)).length, 198);
      assert.equal(fib.backend, backend);
      if (backend === 'ip-batch') assert.equal(fib.stats.restarts, 2, 'ip exited once on the bad line, once more to find it');
    } finally {
      await fib.close();
    }
    assert.equal((await ours(4)).length, 0);
  });

  test(`${backend}: sync() after a restart removes stale routes and keeps the right ones; graceful restart sweeps after End-of-RIB`, { skip: bskip }, async () => {
    await nsExec(NS, ['ip', 'route', 'add', '203.0.113.0/24', 'via', '10.0.0.2', 'proto', 'static']); // not ours: must survive
    const a = { prefix: '192.0.2.0/24', nextHops: [{ gateway: '10.0.0.2' }] };
    const b = { prefix: '198.51.100.0/24', nextHops: [{ gateway: '10.0.0.2' }] };
    const c = { prefix: '2001:db8::/32', nextHops: [{ gateway: 'fd00::2' }] };
    const first = new KernelFib({ ns: NS });
    await first.apply([a, b, c].map((r) => ({ kind: 'replace' as const, ...r })));
    await first.close({ keepRoutes: true }); // "crash" with routes left behind
    assert.equal((await ours(4)).length + (await ours(6)).length, 3);

    const second = new KernelFib({ ns: NS, metric: 20 });
    const s = await second.sync([a, { prefix: b.prefix, nextHops: [{ gateway: '10.0.0.3' }] }]);
    assert.deepEqual([s.unchanged, s.replaced, s.deleted, s.failures.length], [1, 1, 1, 0]);
    assert.deepEqual((await ours(4)).map((r) => [r.dst, r.gateway]), [['192.0.2.0/24', '10.0.0.2'], ['198.51.100.0/24', '10.0.0.3']]);
    assert.deepEqual(await ours(6), []);
    await second.close({ keepRoutes: true });

    // Graceful restart: adopt as stale (still forwarding), the peer re-sends one route, End-of-RIB sweeps the other.
    const third = new KernelFib({ ns: NS });
    assert.equal(await third.markStale(), 2);
    assert.equal((await ours(4)).length, 2, 'stale routes keep forwarding');
    await third.apply([{ kind: 'replace', ...a }]);
    const swept = await third.sweepStale();
    assert.equal(swept.deleted, 1);
    assert.deepEqual((await ours(4)).map((r) => r.dst), ['192.0.2.0/24']);
    await third.close();
    assert.deepEqual(await ours(4), []);
    assert.deepEqual((await kernel(4, ['proto', 'static'])).map((r) => r.dst), ['203.0.113.0/24'], 'other protocols untouched');
    await nsExec(NS, ['ip', 'route', 'del', '203.0.113.0/24', 'proto', 'static']);
  });

  test(`${backend}: the resolver sees a connected route appear and disappear, and notifies; our routes never resolve`, { skip: bskip }, async () => {
    const resolver = new NextHopResolver({ excludeProtocols: [172] });
    const watcher = new KernelRouteWatcher(resolver, { ns: NS, debounceMs: 5 });
    const fib = new KernelFib({ ns: NS });
    const heard: ResolutionChange[] = [];
    resolver.onChange((c) => heard.push(...c));
    const until = async (pred: () => boolean, what: string) => {
      for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(pred(), `timed out waiting for ${what}`);
    };
    try {
      await watcher.start();
      assert.deepEqual(resolver.track('10.0.0.2').via, [{ gateway: '10.0.0.2', dev: 'k0' }]);
      assert.equal(resolver.track('10.77.0.5').reason, 'no-route');
      // Our own route covering the next hop must not make it reachable.
      await fib.apply([{ kind: 'replace', prefix: '10.77.0.0/16', nextHops: [{ gateway: '10.0.0.2' }] }]);
      await nsExec(NS, ['ip', 'addr', 'add', '10.77.0.1/24', 'dev', 'k0']);
      await until(() => heard.some((h) => h.address === '10.77.0.5' && h.after.reachable), 'reachable');
      const r = resolver.current('10.77.0.5')!;
      assert.deepEqual([r.route, r.protocol, r.metric, r.via], ['10.77.0.0/24', 2, 0, [{ gateway: '10.77.0.5', dev: 'k0' }]]);
      await nsExec(NS, ['ip', 'addr', 'del', '10.77.0.1/24', 'dev', 'k0']);
      await until(() => resolver.current('10.77.0.5')?.reachable === false, 'unreachable again');
      assert.equal(resolver.current('10.77.0.5')!.reason, 'no-route');
      // A static route makes it reachable recursively, with the static route's metric as IGP cost.
      await nsExec(NS, ['ip', 'route', 'add', '10.77.0.0/24', 'via', '10.0.0.2', 'metric', '33', 'proto', 'static']);
      await until(() => resolver.current('10.77.0.5')?.reachable === true, 'reachable via the static route');
      assert.deepEqual([resolver.current('10.77.0.5')!.metric, resolver.current('10.77.0.5')!.via], [33, [{ gateway: '10.0.0.2', dev: 'k0' }]]);
      assert.ok(watcher.stats.ours >= 1, 'the monitor saw our own route and dropped it');
    } finally {
      watcher.stop();
      await fib.close();
      await nsExec(NS, ['ip', 'route', 'del', '10.77.0.0/24', 'proto', 'static'], { allowFailure: true });
    }
  });
}
