// The speaker's MRT dump (RFC 6396 TABLE_DUMP_V2) read back with the MRT module's reader: one PEER_INDEX_TABLE
// naming us as collector and the neighbor with its AS, then one RIB record per prefix whose entries point at the
// right peer and carry the path's attributes (a received route and one we originate).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mrtDump } from '../../../src/bgp/speaker/mrt.js';
import { bgpdumpAttrs, bgpdumpPrefix, readMrtStrict, type MrtRecord } from '../../../src/mrt/index.js';
import { silentLogger } from '../../../src/util/log.js';
import { Lab, best, waitFor } from './harness.js';
import { speakerYaml } from './yaml.js';

test('MRT dump: PEER_INDEX_TABLE, then every prefix with its paths, readable by the MRT reader', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-mrt-'));
  const lab = new Lab();
  t.after(async () => { await lab.close(); rmSync(dir, { recursive: true, force: true }); });
  const b = await lab.node(speakerYaml({ id: '192.0.2.2', as: 65002, addr: '192.0.2.2', extra: 'networks: [ 198.51.100.0/24 ]\n',
    neighbors: [{ name: 'a', address: '192.0.2.1', as: 65001, local: '192.0.2.2', extra: 'import: accept, export: accept, passive: true' }] }));
  await lab.node(speakerYaml({ id: '192.0.2.1', as: 65001, addr: '192.0.2.1',
    extra: 'networks: [ { prefix: 203.0.113.0/24, communities: ["65001:1"], med: 7 } ]\n',
    neighbors: [{ name: 'b', address: '192.0.2.2', as: 65002, local: '192.0.2.1', extra: 'import: accept, export: accept' }] }));
  await waitFor(() => best(b.speaker, '203.0.113.0/24') !== null, 'route at B');

  const file = join(dir, 'rib.mrt');
  const r = await mrtDump(b.speaker, file, silentLogger);
  assert.equal(r.prefixes, 2);
  const records: MrtRecord[] = [];
  for await (const rec of readMrtStrict(file)) records.push(rec);
  assert.equal(records.length, 3, 'peer index table and two prefixes');
  const pit = records[0]!;
  assert.equal(pit.kind, 'PEER_INDEX_TABLE');
  if (pit.kind !== 'PEER_INDEX_TABLE') return;
  assert.equal(pit.collectorBgpId, '192.0.2.2');
  const byPrefix = new Map<string, Extract<MrtRecord, { kind: 'RIB' }>>();
  for (const rec of records.slice(1)) {
    assert.equal(rec.kind, 'RIB');
    if (rec.kind === 'RIB') byPrefix.set(bgpdumpPrefix(rec.prefix), rec);
  }
  assert.deepEqual([...byPrefix.keys()].sort(), ['198.51.100.0/24', '203.0.113.0/24']);
  const learned = byPrefix.get('203.0.113.0/24')!;
  assert.equal(learned.entries.length, 1);
  const peer = pit.peers[learned.entries[0]!.peerIndex]!;
  assert.equal(peer.asn, 65001);
  assert.equal(peer.address, '192.0.2.1');
  assert.equal(peer.bgpId, '192.0.2.1');
  const a = bgpdumpAttrs(learned.entries[0]!.attrs.list, true);
  assert.equal(a.asPath, '65001');
  assert.equal(a.med, 7);
  assert.equal(a.communities, '65001:1');
  assert.equal(a.nextHop, '192.0.2.1');
  const own = byPrefix.get('198.51.100.0/24')!;
  assert.notEqual(pit.peers[own.entries[0]!.peerIndex]!.asn, 65001, 'our own route is not filed under the neighbor');
});
