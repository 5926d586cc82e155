// Route propagation between our speakers over the in-memory transport: origination, eBGP and iBGP, policies,
// withdrawals, and the FIB following the Loc-RIB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, best, waitFor, established } from './harness.js';

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
  const a = await lab.node(A);
  const b = await lab.node(B);
  await waitFor(() => established(a.speaker, 'b') && established(b.speaker, 'a'), 'session');
  await waitFor(() => best(b.speaker, '203.0.113.0/24') !== null, 'route at B');
  const r = best(b.speaker, '203.0.113.0/24')!;
  assert.equal(r.peer.name, 'a');
  assert.equal(r.attrs.asPath.text(), '65001');
  assert.equal(r.attrs.nextHop?.address, '192.0.2.1');
  assert.equal(r.attrs.med, 5);
  assert.deepEqual(r.attrs.communities?.values, [65001 * 65536 + 7]);
  await waitFor(() => b.fib.size === 1, 'FIB at B');
  assert.deepEqual(b.fib.lookup('203.0.113.9')?.nextHops, [{ gateway: '192.0.2.1' }]);
  assert.equal(a.fib.size, 0, 'our own route is not installed');
  a.speaker.originated.delete('203.0.113.0/24');
  await waitFor(() => best(b.speaker, '203.0.113.0/24') === null, 'withdrawal at B');
  await waitFor(() => b.fib.size === 0, 'FIB withdrawal at B');
});
