// The RIB's input shapes line up with the wire codec's decoded forms: a PrefixList goes straight into
// announceBatch/withdrawBatch (IPv4 and IPv6, with add-path ids), and the codec's AS segments, extended and
// large communities are accepted as they are (checked by the compiler as well as at run time).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrefixList } from '../../../src/bgp/wire/prefix.js';
import type { AsSegment } from '../../../src/bgp/wire/as-path.js';
import type { ExtCommunity, LargeCommunity } from '../../../src/bgp/wire/attributes.js';
import { ACCEPT_ALL } from '../../../src/bgp/policy/compile.js';
import { AttrsInput } from '../../../src/bgp/rib/attrs.js';
import { parseIPv4, parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { PrefixBatch, Rib } from '../../../src/bgp/rib/rib.js';

test('a wire PrefixList is a PrefixBatch (IPv4, IPv6, add-path ids)', () => {
  const rib = new Rib({ localAs: 65000, routerId: '10.255.255.254' });
  const n = rib.addPeer({ name: 'n', address: '192.0.2.1', asn: 65000, importPolicy: ACCEPT_ALL });
  rib.peerUp(n, { routerId: '10.0.0.1', addPathReceive: true });
  const v4: PrefixBatch = new PrefixList(1, Uint8Array.from([24, 24]), Uint32Array.from([parseIPv4('198.51.100.0')!, parseIPv4('198.51.100.0')!]), Uint32Array.from([1, 2]));
  const v6: PrefixBatch = new PrefixList(2, Uint8Array.from([48]), Uint32Array.from([0x20010db8, 0x00070000, 0, 0]), null);
  rib.announceBatch(n, 'ipv4', rib.store.intern({ asPath: '64500', nextHop: '192.0.2.1' }), v4);
  rib.announceBatch(n, 'ipv6', rib.store.intern({ asPath: '64500', nextHop: '2001:db8::1' }), v6);
  rib.flush();
  assert.deepEqual(rib.lookup('ipv4', parsePrefix('198.51.100.0/24')!.key)!.candidates.map((c) => c.pathId), [1, 2]);
  assert.ok(rib.lookup('ipv6', parsePrefix('2001:db8:7::/48')!.key));
  rib.withdrawBatch(n, 'ipv4', new PrefixList(1, Uint8Array.from([24]), Uint32Array.from([parseIPv4('198.51.100.0')!]), Uint32Array.from([2])));
  rib.flush();
  assert.deepEqual(rib.lookup('ipv4', parsePrefix('198.51.100.0/24')!.key)!.candidates.map((c) => c.pathId), [1]);
});

test('the codec\'s segment and community shapes are AttrsInput values', () => {
  const segments: AsSegment[] = [{ type: 2, asns: [64500, 64501] }, { type: 1, asns: [1, 2] }];
  const ext: ExtCommunity[] = [{ hi: 0x0002fbf4, lo: 100 }];
  const large: LargeCommunity[] = [{ global: 64500, local1: 1, local2: 2 }];
  const input: AttrsInput = { asPath: segments, extCommunities: ext, largeCommunities: large };
  const rib = new Rib({ localAs: 65000, routerId: '10.255.255.254' });
  const a = rib.store.intern(input);
  assert.equal(a.asPath.text(), '64500 64501 {1,2}');
  assert.deepEqual(a.extCommunities?.values, [0x0002fbf4, 100]);
  assert.deepEqual(a.largeCommunities?.values, [64500, 1, 2]);
});
