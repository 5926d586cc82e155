// The next-hop resolver over kernel routes (pure), and the watcher that feeds it, over a fake `ip monitor`
// and a fake `ip -j route`: connected and recursive next hops, IGP cost, our own protocol excluded, the
// default route, blackholes and dead links, and change notifications to the speaker.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { NextHopResolver, type ResolutionChange } from '../../src/fib/resolver.js';
import { KernelRouteWatcher, type MonitorChild } from '../../src/fib/kernel-routes.js';
import { parseIpRouteJson, type KernelRoute } from '../../src/fib/ip-lines.js';

const kr = (json: object[], family: 4 | 6 = 4): KernelRoute[] => parseIpRouteJson(JSON.stringify(json), family);

const table = kr([
  { dst: '10.0.0.0/24', dev: 'v0', protocol: '2', scope: '253', flags: [] },
  { dst: '10.1.0.0/16', gateway: '10.0.0.2', dev: 'v0', protocol: '4', metric: 50, flags: [] },
  { dst: '10.1.0.0/16', gateway: '10.0.0.3', dev: 'v0', protocol: '4', metric: 10, flags: [] },
  { dst: '10.2.0.0/16', protocol: '186', metric: 20, flags: [], nexthops: [{ gateway: '10.0.0.2', dev: 'v0', weight: 1, flags: [] }, { gateway: '10.0.0.3', dev: 'v0', weight: 1, flags: [] }] },
  { type: '6', dst: '10.3.0.0/16', flags: [] },
  { dst: '10.4.0.0/24', dev: 'v9', protocol: '2', scope: '253', flags: ['linkdown'] },
  { dst: '10.5.0.0/16', gateway: '10.0.0.2', dev: 'v0', protocol: '172', metric: 20, flags: [] }, // ours
  { dst: 'default', gateway: '10.0.0.1', dev: 'v0', flags: [] },
]);

test('resolution: connected, recursive (lowest metric wins), ECMP, blackhole, linkdown, ours excluded, default', () => {
  const r = new NextHopResolver({ excludeProtocols: [172] });
  r.setRoutes([...table, ...kr([{ dst: 'fe80::/64', dev: 'v0', protocol: '2', metric: 256, flags: [] }, { dst: 'fe80::/64', dev: 'v1', protocol: '2', metric: 256, flags: [] }], 6)]);
  assert.deepEqual(r.resolve('10.0.0.7'), { address: '10.0.0.7', route: '10.0.0.0/24', protocol: 2, reachable: true, metric: 0, via: [{ gateway: '10.0.0.7', dev: 'v0' }] });
  assert.deepEqual(r.resolve('10.1.2.3'), { address: '10.1.2.3', route: '10.1.0.0/16', protocol: 4, reachable: true, metric: 10, via: [{ gateway: '10.0.0.3', dev: 'v0' }] });
  assert.deepEqual(r.resolve('10.2.0.1').via, [{ gateway: '10.0.0.2', dev: 'v0' }, { gateway: '10.0.0.3', dev: 'v0' }]);
  assert.equal(r.resolve('10.3.0.1').reason, 'blackhole');
  assert.equal(r.resolve('10.4.0.1').reason, 'linkdown');
  assert.equal(r.resolve('10.5.0.1').reason, 'default-route', 'our own BGP route never resolves a next hop');
  assert.equal(r.resolve('198.51.100.1').reachable, false);
  assert.equal(r.resolve('fe80::5', 'v1').via[0]!.dev, 'v1');
  assert.equal(r.resolve('2001:db8::1').reason, 'no-route');
  assert.equal(r.resolve('nope').reason, 'not-an-address');
  const d = new NextHopResolver({ resolveViaDefault: true, excludeProtocols: [172] });
  d.setRoutes(table);
  assert.deepEqual(d.resolve('198.51.100.1').via, [{ gateway: '10.0.0.1', dev: 'v0' }]);
});

test('tracked next hops: listeners hear exactly the ones whose resolution changed', () => {
  const r = new NextHopResolver({ excludeProtocols: [172] });
  r.setRoutes(table);
  const heard: ResolutionChange[][] = [];
  r.onChange((c) => heard.push(c));
  assert.equal(r.track('10.1.2.3').metric, 10);
  r.track('10.0.0.7');
  r.track('10.9.9.9');
  // The metric-10 static route goes: 10.1.2.3 now costs 50 via another gateway; the others do not move.
  r.setProtocolRoutes(4, table.filter((x) => x.protocol === 4 && x.metric === 50));
  assert.equal(heard.length, 1);
  assert.deepEqual(heard[0]!.map((c) => [c.address, c.before.metric, c.after.metric, c.after.via[0]!.gateway]), [['10.1.2.3', 10, 50, '10.0.0.2']]);
  // The connected network disappears: 10.0.0.7 unreachable; routes of our protocol change nothing.
  r.setProtocolRoutes(2, []);
  r.setProtocolRoutes(172, kr([{ dst: '10.0.0.0/24', gateway: '10.1.0.1', protocol: '172', flags: [] }]));
  assert.equal(heard.length, 2);
  assert.deepEqual(heard[1]!.map((c) => [c.address, c.after.reachable, c.after.reason]), [['10.0.0.7', false, 'default-route']]);
  assert.equal(r.current('10.0.0.7')?.reachable, false);
  r.untrack('10.0.0.7');
  r.setProtocolRoutes(2, table.filter((x) => x.protocol === 2));
  assert.equal(heard.length, 2, 'an untracked next hop is not reported');
});

class FakeMonitor extends EventEmitter implements MonitorChild {
  stdout = new EventEmitter();
  stderr = new EventEmitter();
  killed = false;
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

test('watcher: a monitor line of another protocol triggers one re-read of that protocol; ours are ignored', async () => {
  let kernel = table.filter((x) => x.protocol !== 2);
  const reads: string[][] = [];
  const runIp = async (args: string[]) => {
    reads.push(args);
    const family = args.includes('-6') ? 6 : 4;
    const pi = args.indexOf('proto');
    const rows = kernel.filter((x) => x.family === family && (pi < 0 || x.protocol === Number(args[pi + 1])));
    return JSON.stringify(rows.map((x) => ({ dst: x.prefix, protocol: String(x.protocol), metric: x.metric, dev: x.dev, type: String(x.type), flags: [], ...(x.nextHops[0] ? { gateway: x.nextHops[0].gateway } : {}) })));
  };
  const mon = new FakeMonitor();
  const resolver = new NextHopResolver({ excludeProtocols: [172] });
  const w = new KernelRouteWatcher(resolver, { runIp, spawnMonitor: () => mon, debounceMs: 1 });
  await w.start();
  assert.equal(resolver.track('10.0.0.7').reachable, false);
  const heard: ResolutionChange[][] = [];
  resolver.onChange((c) => heard.push(c));
  // A burst: our own routes (ignored without parsing), then the connected route appears.
  mon.stdout.emit('data', '192.0.2.0/24 via 10.0.0.2 dev v0 proto 172 \n198.51.100.0/24 via 10.0.0.2 dev v0 proto 172 \n');
  kernel = table;
  mon.stdout.emit('data', Buffer.from('10.0.0.0/24 dev v0 proto 2 scope 253 src 10.0.0.1 \n10.0.0.0/24 dev v0 pro'));
  mon.stdout.emit('data', 'to 2 scope 253 src 10.0.0.1 \n');
  await new Promise((r) => setTimeout(r, 20));
  await w.settled();
  assert.equal(heard.length, 1);
  assert.equal(heard[0]![0]!.after.reachable, true);
  assert.deepEqual(w.stats, { lines: 4, ours: 2, rereads: 1, fullReads: 1, overflows: 0 });
  assert.deepEqual(reads.slice(2).map((a) => a.join(' ')), ['-N -j -4 route show table 254 proto 2', '-N -j -6 route show table 254 proto 2']);
  // Events lost (ip says so on stderr): the whole table is read again, after the burst.
  mon.stderr.emit('data', 'netlink receive error No buffer space available (105)\n');
  await w.settled();
  assert.equal(w.stats.overflows, 1);
  assert.equal(w.stats.fullReads, 2);
  assert.deepEqual(reads.slice(-2).map((a) => a.join(' ')), ['-N -j -4 route show table 254', '-N -j -6 route show table 254']);
  w.stop();
  assert.ok(mon.killed);
});
