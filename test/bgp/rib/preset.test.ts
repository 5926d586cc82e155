// Rewrites on receipt applied before interning (Rib.presetReceived, import.ts presetInput): the attribute set
// interned for a received route is then the one the RIB keeps, with the same values as when the RIB derives the
// rewritten set itself; nothing changes for a neighbor whose routes are kept as received.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttrsInput } from '../../../src/bgp/rib/attrs.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { attrsToJSON } from '../../../src/bgp/rib/attrs.js';
import { ribWith, Spec } from './helpers.js';

const P = parsePrefix('203.0.113.0/24')!.key as number;
const RECEIVED: AttrsInput = {
  asPath: '64601 64500', nextHop: '192.0.2.1', localPref: 300, originatorId: '10.9.9.9', clusterList: ['10.8.8.8'],
  communities: ['64500:1'],
};

function kept(spec: Spec, preset: boolean, keepPrePolicy = false) {
  const { rib, peers } = ribWith([spec], {}, { keepPrePolicy });
  const input = { ...RECEIVED };
  if (preset) rib.presetReceived(peers[0]!, input);
  const interned = rib.store.intern(input);
  rib.announce(peers[0]!, 'ipv4', interned, [P]);
  rib.flush();
  const best = rib.lookup('ipv4', P)!.best!;
  return { same: best.attrs === interned, json: attrsToJSON(best.attrs), input };
}

for (const [name, spec] of [['eBGP', {}], ['iBGP', { kind: 'ibgp' }], ['iBGP route-reflector client', { kind: 'ibgp', rrClient: true }]] as [string, Spec][]) {
  test(`${name}: the preset set is the one the RIB keeps, with the values the RIB would give it`, () => {
    const withPreset = kept(spec, true);
    const without = kept(spec, false);
    assert.equal(withPreset.same, true);
    assert.deepEqual(withPreset.json, without.json);
  });
}

test('eBGP: the received LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST are replaced before interning', () => {
  const r = kept({}, true);
  assert.equal(r.input.localPref, 100);
  assert.equal(r.input.originatorId, null);
  assert.equal(r.input.clusterList, null);
  // Without the preset the RIB derives a second set from the received one.
  assert.equal(kept({}, false).same, false);
});

test('with the pre-policy Adj-RIB-In kept, received attributes are left as received', () => {
  const r = kept({}, true, true);
  assert.deepEqual(r.input, RECEIVED);
  assert.equal(r.same, false);
});
