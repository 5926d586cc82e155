import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announcedPath, resolveRouter, type RouterSpec } from '../../src/daemons/index.js';
import { ConfigError } from '../../src/util/errors.js';
import { resolved, router } from './fixtures.js';

test('defaults are filled in one place', () => {
  const n = resolved.neighbors[0]!;
  assert.equal(n.holdTime, 9);
  assert.equal(n.keepalive, 3);
  assert.deepEqual(n.families, ['ipv4']);
  assert.equal(n.routeRefresh, true);
  assert.equal(n.ebgp, true);
  assert.equal(resolved.neighbors[4]!.ebgp, false, 'same AS is iBGP');
  assert.deepEqual(resolved.neighbors[2]!.families, ['ipv6'], 'family follows the address');
  assert.equal(resolved.kernelExport, false);
  assert.equal(resolveRouter({ ...router, neighbors: [{ address: '10.9.9.9', remoteAs: 65009 }] }).neighbors[0]!.name, 'n_10_9_9_9');
});

test('announced path: our AS 1 + prepend times, then the given tail', () => {
  assert.deepEqual(announcedPath({ prefix: '192.0.2.0/24', prepend: 2, asPath: [64999] }, 65001), [65001, 65001, 65001, 64999]);
  assert.deepEqual(announcedPath({ prefix: '192.0.2.0/24' }, 65001), [65001]);
});

function rejects(mut: (s: RouterSpec) => void, key: string) {
  const s = structuredClone(router);
  mut(s);
  assert.throws(() => resolveRouter(s, 'lab.yaml'), (e: unknown) => e instanceof ConfigError && e.key === key && e.file === 'lab.yaml', key);
}

test('invalid values are rejected with the key that is wrong', () => {
  rejects((s) => (s.routerId = '::1'), 'routerId');
  rejects((s) => (s.localAs = 0), 'localAs');
  rejects((s) => (s.name = 'R 1'), 'name');
  rejects((s) => (s.neighbors[0]!.address = '10.0.1'), 'neighbors[0].address');
  rejects((s) => (s.neighbors[1]!.address = s.neighbors[0]!.address), 'neighbors[1].address');
  rejects((s) => (s.neighbors[0]!.holdTime = 2), 'neighbors[0].holdTime');
  rejects((s) => (s.neighbors[0]!.localAddress = 'fd00::1'), 'neighbors[0].localAddress');
  rejects((s) => delete s.neighbors[0]!.role, 'neighbors[0].role');
  rejects((s) => (s.neighbors[1]!.name = 'cust'), 'neighbors[1].name');
  rejects((s) => (s.neighbors[0]!.multihop = 0), 'neighbors[0].multihop');
  rejects((s) => (s.originate![0]!.prefix = '192.0.2.0/33'), 'originate[0].prefix');
  rejects((s) => (s.originate![0]!.communities = ['65001:70000']), 'originate[0].communities[0]');
  rejects((s) => (s.originate![0]!.largeCommunities = ['1:2']), 'originate[0].largeCommunities[0]');
  rejects((s) => (s.originate![0]!.med = -1), 'originate[0].med');
  rejects((s) => (s.originate![0]!.asPath = [0]), 'originate[0].asPath[0]');
});
