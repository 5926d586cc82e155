// The in-process data plane: longest-prefix match, hop-by-hop forwarding to where an address is local, link
// state, loops and missing routes reported — with routes installed by hand, as a speaker would install them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostOf } from '../../src/lab/ip.js';
import { buildModel } from '../../src/lab/model.js';
import { DataPlane, Fib } from '../../src/lab/runtime/inproc/dataplane.js';
import { topologyFromObject } from '../../src/lab/topology/parse.js';

test('FIB: longest prefix wins, per family', () => {
  const f = new Fib();
  f.install({ prefix: '0.0.0.0/0', nextHop: '10.0.0.1', dev: 'a' });
  f.install({ prefix: '192.0.2.0/24', nextHop: '10.0.0.5', dev: 'b' });
  f.install({ prefix: '192.0.2.53/32', nextHop: null, dev: 'lo' });
  f.install({ prefix: '2001:db8::/32', nextHop: 'fd00::1', dev: 'c' });
  assert.equal(f.lookup('192.0.2.53')!.dev, 'lo');
  assert.equal(f.lookup('192.0.2.54')!.dev, 'b');
  assert.equal(f.lookup('198.51.100.1')!.dev, 'a');
  assert.equal(f.lookup('2001:db8:53::53')!.dev, 'c');
  assert.equal(f.lookup('2001:db9::1'), undefined);
  f.remove('192.0.2.0/24');
  assert.equal(f.lookup('192.0.2.54')!.dev, 'a');
});

test('forwarding hop by hop: client → routers → site, link delays summed; link down and loops reported', () => {
  const m = buildModel(topologyFromObject({
    name: 'd', ases: { 1: { routers: { r1: {} } }, 2: { routers: { r2: {} } } },
    relationships: [{ provider: 1, customer: 2 }, { provider: 2, customer: 65000 }],
    links: [{ a: 'r1', b: 'r2', delay: '7ms' }], sites: { s: { as: 65000, upstreams: [{ router: 'r2', delay: '3ms' }] } },
    clients: { c: { router: 'r1', delay: '2ms' } },
  }));
  const dp = new DataPlane(m);
  const via = (node: string, peer: string) => hostOf(m.nodes.find((n) => n.name === node)!.interfaces.find((i) => i.peer === peer)!.peer4);
  // What the speakers would install for the anycast prefix.
  dp.fibs.get('r1')!.install({ prefix: '192.0.2.0/24', nextHop: via('r1', 'r2'), dev: 'r2' });
  dp.fibs.get('r2')!.install({ prefix: '192.0.2.0/24', nextHop: via('r2', 's'), dev: 's' });
  const d = dp.forward('c', '192.0.2.53');
  assert.deepEqual(d.hops, ['c', 'r1', 'r2', 's']);
  assert.equal(d.reached, 's');
  assert.equal(d.delayMs, 12);
  // A next hop given only by address is resolved to its node.
  dp.fibs.get('r1')!.install({ prefix: '192.0.2.0/24', nextHop: via('r1', 'r2'), dev: '' });
  assert.equal(dp.forward('c', '192.0.2.53').reached, 's');
  const core = m.links.find((l) => [l.a, l.b].sort().join() === 'r1,r2')!.index;
  dp.setLink(core, false);
  const down = dp.forward('c', '192.0.2.53');
  assert.equal(down.reached, null);
  assert.match(down.error!, /is down/);
  dp.setLink(core, true);
  dp.fibs.get('r2')!.install({ prefix: '192.0.2.0/24', nextHop: via('r2', 'r1'), dev: 'r1' });
  assert.match(dp.forward('c', '192.0.2.53').error!, /forwarding loop/);
  dp.fibs.get('r2')!.remove('192.0.2.0/24');
  assert.match(dp.forward('c', '192.0.2.53').error!, /no route at r2/);
});
