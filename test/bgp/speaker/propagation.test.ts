// Route propagation between our speakers over the in-memory transport: origination, eBGP chains with import and
// export policies, withdrawals, IPv6, ECMP into the FIB, route reflection, RFC 8212, dynamic neighbors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeDel } from '../../../src/bgp/speaker/ops.js';
import { Lab, best, waitFor, established } from './harness.js';
import { speakerYaml } from './yaml.js';

const A = `
router-id: 192.0.2.1
local-as: 65001
listen: ["192.0.2.1:179"]
networks: [ { prefix: 203.0.113.0/24, communities: ["65001:7"], med: 5 } ]
neighbors:
  - { name: b, address: 192.0.2.2, remote-as: 65002, local-address: 192.0.2.1, import: accept, export: accept }
`;
const B = `
router-id: 192.0.2.2
local-as: 65002
listen: ["192.0.2.2:179"]
neighbors:
  - { name: a, address: 192.0.2.1, remote-as: 65001, local-address: 192.0.2.2, import: accept, export: accept, passive: true }
`;

test('a route originated by A reaches B with A\'s attributes, and goes away on withdrawal', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const b = await lab.node(B);
  const a = await lab.node(A);
  await waitFor(() => established(a.speaker, 'b') && established(b.speaker, 'a'), 'session');
  await waitFor(() => best(b.speaker, '203.0.113.0/24') !== null, 'route at B');
  const r = best(b.speaker, '203.0.113.0/24')!;
  assert.equal(r.peer.name, 'a');
  assert.equal(r.attrs.asPath.text(), '65001');
  assert.equal(r.attrs.nextHop?.address, '192.0.2.1');
  assert.equal(r.attrs.med, 5, 'MED of a route the neighbor originates is sent');
  assert.deepEqual(r.attrs.communities?.values, [65001 * 65536 + 7]);
  await waitFor(() => b.fib.size === 1, 'FIB at B');
  assert.deepEqual(b.fib.lookup('203.0.113.9')?.nextHops, [{ gateway: '192.0.2.1' }]);
  assert.equal(a.fib.size, 0, 'our own route is not installed');
  // End-of-RIB went both ways after the initial tables.
  assert.equal(a.speaker.neighbors.get('b')!.counters.endOfRibOut, 1);
  assert.ok(b.speaker.neighbors.get('a')!.eorReceived.has('ipv4'));
  routeDel(a.speaker, '203.0.113.0/24');
  await waitFor(() => best(b.speaker, '203.0.113.0/24') === null, 'withdrawal at B');
  await waitFor(() => b.fib.size === 0, 'FIB withdrawal at B');
});

const POLICIES_B = `
prefix-lists:
  bogons: [ "10.0.0.0/8 le 32" ]
policies:
  from-a:
    terms:
      - { name: bogons, match: { prefix-list: bogons }, action: reject }
      - { name: backup, match: { community: "65001:666" }, set: { local-pref: 50 }, action: accept }
    default: accept
  to-c:
    terms:
      - { set: { prepend: 2, community: { add: ["65002:5"] } }, action: accept }
`;

test('a chain A → B → C: import policy rejects and sets local-pref, export policy prepends and tags; eBGP drops MED', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const c = await lab.node(speakerYaml({ id: '192.0.2.3', as: 65003, addr: '192.0.2.3',
    neighbors: [{ name: 'b', address: '192.0.2.2', as: 65002, local: '192.0.2.3', extra: 'import: accept, export: accept, passive: true' }] }));
  const b = await lab.node(speakerYaml({ id: '192.0.2.2', as: 65002, addr: '192.0.2.2', extra: POLICIES_B, neighbors: [
    { name: 'a', address: '192.0.2.1', as: 65001, local: '192.0.2.2', extra: 'import: from-a, export: reject, passive: true' },
    { name: 'c', address: '192.0.2.3', as: 65003, local: '192.0.2.2', extra: 'import: reject, export: to-c' }] }));
  const a = await lab.node(speakerYaml({ id: '192.0.2.1', as: 65001, addr: '192.0.2.1', neighbors: [
    { name: 'b', address: '192.0.2.2', as: 65002, local: '192.0.2.1', extra: 'import: accept, export: accept' }],
    extra: `networks:
  - { prefix: 203.0.113.0/24, communities: ["65001:1"], med: 10 }
  - { prefix: 198.51.100.0/24, communities: ["65001:666"] }
  - 10.1.0.0/16` }));
  await waitFor(() => best(c.speaker, '203.0.113.0/24') !== null && best(c.speaker, '198.51.100.0/24') !== null, 'routes at C');
  assert.equal(best(b.speaker, '10.1.0.0/16'), null, 'bogon rejected by B');
  assert.equal(best(c.speaker, '10.1.0.0/16'), null);
  assert.equal(best(b.speaker, '198.51.100.0/24')!.attrs.localPref, 50);
  assert.equal(best(b.speaker, '203.0.113.0/24')!.attrs.localPref, 100, 'eBGP routes get the default LOCAL_PREF');
  const r = best(c.speaker, '203.0.113.0/24')!;
  assert.equal(r.attrs.asPath.text(), '65002 65002 65002 65001');
  assert.deepEqual(r.attrs.communities?.values.map((x) => `${x >>> 16}:${x & 0xffff}`), ['65001:1', '65002:5']);
  assert.equal(r.attrs.med, null, 'MED learned from eBGP is not passed to another AS');
  assert.equal(r.attrs.nextHop?.address, '192.0.2.2', 'next hop self towards eBGP');
  assert.equal(b.speaker.neighbors.get('a')!.info!.stats.advertised, 0, 'export: reject sends nothing back');
  // A withdrawal travels the chain.
  routeDel(a.speaker, '203.0.113.0/24');
  await waitFor(() => best(c.speaker, '203.0.113.0/24') === null, 'withdrawal at C');
  assert.notEqual(best(c.speaker, '198.51.100.0/24'), null);
});

test('IPv6 over an IPv6 session: MP_REACH_NLRI both ways, next hop and FIB', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const b = await lab.node(speakerYaml({ id: '192.0.2.2', as: 65002, addr: '2001:db8::2', neighbors: [
    { name: 'a', address: '2001:db8::1', as: 65001, local: '2001:db8::2', extra: 'import: accept, export: accept, passive: true' }],
    extra: 'networks: [ "2001:db8:200::/48" ]' }));
  const a = await lab.node(speakerYaml({ id: '192.0.2.1', as: 65001, addr: '2001:db8::1', neighbors: [
    { name: 'b', address: '2001:db8::2', as: 65002, local: '2001:db8::1', extra: 'import: accept, export: accept' }],
    extra: 'networks: [ { prefix: "2001:db8:100::/48", large-communities: ["65001:1:2"] } ]' }));
  await waitFor(() => best(b.speaker, '2001:db8:100::/48') !== null && best(a.speaker, '2001:db8:200::/48') !== null, 'IPv6 routes');
  const r = best(b.speaker, '2001:db8:100::/48')!;
  assert.equal(r.attrs.nextHop?.address, '2001:db8::1');
  assert.deepEqual(r.attrs.largeCommunities?.values, [65001, 1, 2]);
  await waitFor(() => b.fib.size === 1, 'IPv6 FIB');
  assert.deepEqual(b.fib.lookup('2001:db8:100::1')?.nextHops, [{ gateway: '2001:db8::1' }]);
});

test('ECMP: equal paths from two neighbors give two next hops in the FIB; one withdrawn leaves one', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const c = await lab.node(speakerYaml({ id: '192.0.2.3', as: 65003, addr: '192.0.2.3', extra: 'decision: { multipath: { enabled: true } }', neighbors: [
    { name: 'a', address: '192.0.2.1', as: 65001, local: '192.0.2.3', extra: 'import: accept, export: reject, passive: true' },
    { name: 'b', address: '192.0.2.2', as: 65002, local: '192.0.2.3', extra: 'import: accept, export: reject, passive: true' }] }));
  const mk = (id: string, as: number) => speakerYaml({ id, as, addr: id, extra: 'networks: [ 203.0.113.0/24 ]',
    neighbors: [{ name: 'c', address: '192.0.2.3', as: 65003, local: id, extra: 'import: reject, export: accept' }] });
  const a = await lab.node(mk('192.0.2.1', 65001));
  await lab.node(mk('192.0.2.2', 65002));
  await waitFor(() => c.fib.lookup('203.0.113.1')?.nextHops.length === 2, 'two next hops');
  assert.deepEqual(c.fib.lookup('203.0.113.1')!.nextHops.map((h) => h.gateway).sort(), ['192.0.2.1', '192.0.2.2']);
  routeDel(a.speaker, '203.0.113.0/24');
  await waitFor(() => c.fib.lookup('203.0.113.1')?.nextHops.length === 1, 'one next hop');
  assert.deepEqual(c.fib.lookup('203.0.113.1')!.nextHops, [{ gateway: '192.0.2.2' }]);
});

test('route reflection: a client\'s route reaches the other client and a non-client with ORIGINATOR_ID and CLUSTER_LIST', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const client = (addr: string) => ({ name: `c${addr.slice(-2)}`, address: addr, as: 65100, local: '10.0.0.1', extra: 'route-reflector-client: true, passive: true' });
  const rr = await lab.node(speakerYaml({ id: '10.0.0.1', as: 65100, addr: '10.0.0.1', extra: 'cluster-id: 10.255.255.1', neighbors: [
    client('10.0.0.11'), client('10.0.0.12'), { name: 'n', address: '10.0.0.13', as: 65100, local: '10.0.0.1', extra: 'passive: true' }] }));
  const member = (addr: string, nets: string) => speakerYaml({ id: addr, as: 65100, addr, extra: `networks: [ ${nets} ]`,
    neighbors: [{ name: 'rr', address: '10.0.0.1', as: 65100, local: addr }] });
  await lab.node(member('10.0.0.11', '192.0.2.0/24'));
  const c2 = await lab.node(member('10.0.0.12', ''));
  const n = await lab.node(member('10.0.0.13', '198.51.100.0/24'));
  await waitFor(() => best(c2.speaker, '192.0.2.0/24') !== null && best(n.speaker, '192.0.2.0/24') !== null, 'reflected to c12 and n');
  const r = best(c2.speaker, '192.0.2.0/24')!;
  assert.equal(r.attrs.nextHop?.address, '10.0.0.11', 'iBGP keeps the next hop');
  assert.equal(r.attrs.originatorId, (10 << 24 | 11) >>> 0);
  assert.deepEqual(r.attrs.clusterList?.values, [(10 << 24 | 255 << 16 | 255 << 8 | 1) >>> 0]);
  assert.equal(r.attrs.localPref, 100);
  await waitFor(() => best(c2.speaker, '198.51.100.0/24') !== null, 'non-client route reflected to clients');
  assert.ok(best(rr.speaker, '198.51.100.0/24') !== null);
});

test('RFC 8212: an eBGP neighbor without policies exchanges nothing, and the log names it', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const b = await lab.node(speakerYaml({ id: '192.0.2.2', as: 65002, addr: '192.0.2.2', extra: 'networks: [ 198.51.100.0/24 ]',
    neighbors: [{ name: 'a', address: '192.0.2.1', as: 65001, local: '192.0.2.2', extra: 'passive: true' }] }));
  const a = await lab.node(speakerYaml({ id: '192.0.2.1', as: 65001, addr: '192.0.2.1', extra: 'networks: [ 203.0.113.0/24 ]',
    neighbors: [{ name: 'b', address: '192.0.2.2', as: 65002, local: '192.0.2.1', extra: 'import: accept, export: accept' }] }));
  await waitFor(() => established(b.speaker, 'a'), 'session');
  await waitFor(() => b.log.records.filter((r) => r.code !== undefined && String(r.code).startsWith('RFC8212')).length === 2, 'RFC 8212 log lines');
  const lines = b.log.records.filter((r) => String(r.code ?? '').startsWith('RFC8212'));
  assert.deepEqual(lines.map((r) => [r.level, r.peer, r.code]).sort(), [['warn', 'a', 'RFC8212_NO_EXPORT_POLICY'], ['warn', 'a', 'RFC8212_NO_IMPORT_POLICY']]);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(best(b.speaker, '203.0.113.0/24'), null);
  assert.equal(best(a.speaker, '198.51.100.0/24'), null);
});

test('dynamic neighbors: a connection from the range becomes a neighbor; routes flow; it goes when the session ends', async (t) => {
  const lab = new Lab();
  t.after(() => lab.close());
  const b = await lab.node(`router-id: 192.0.2.2
local-as: 65002
listen: ["192.0.2.2:179"]
dynamic-neighbors:
  - { name: edge, prefix: 192.0.2.0/28, remote-as-range: "65000-65010", import: accept, export: accept }
networks: [ 198.51.100.0/24 ]
`);
  const a = await lab.node(speakerYaml({ id: '192.0.2.1', as: 65001, addr: '192.0.2.1', extra: 'networks: [ 203.0.113.0/24 ]',
    neighbors: [{ name: 'b', address: '192.0.2.2', as: 65002, local: '192.0.2.1', extra: 'import: accept, export: accept' }] }));
  await waitFor(() => best(b.speaker, '203.0.113.0/24') !== null && best(a.speaker, '198.51.100.0/24') !== null, 'routes both ways');
  const dyn = b.speaker.neighbors.get('edge-192.0.2.1');
  assert.ok(dyn !== undefined && dyn.settings.dynamic && dyn.info?.asn === 65001);
  a.speaker.neighbor('b').peer.stop('bye');
  await waitFor(() => !b.speaker.neighbors.has('edge-192.0.2.1'), 'dynamic neighbor removed');
  await waitFor(() => best(b.speaker, '203.0.113.0/24') === null, 'its routes withdrawn');
});
