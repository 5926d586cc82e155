// OPEN negotiation (RFC 4760 §8, RFC 6793 §4.1, RFC 7911 §4, RFC 8654 §3): two OPENs give the codec context,
// including add-path per family and direction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Capability } from '../../../src/bgp/wire/capabilities.js';
import { IPV4_UNICAST, IPV6_UNICAST } from '../../../src/bgp/wire/context.js';
import type { OpenMessage } from '../../../src/bgp/wire/messages.js';
import { negotiate, openPeerAs } from '../../../src/bgp/wire/open.js';

const open = (myAs: number, caps: Capability[]): OpenMessage => ({ type: 'OPEN', version: 4, myAs, holdTime: 90,
  bgpId: '192.0.2.1', params: [{ kind: 'capabilities', capabilities: caps }], extendedParams: false });
const mp = (afi: number): Capability => ({ name: 'multiprotocol', code: 1, afi, safi: 1, reserved: 0 });

test('negotiation: families, 4-octet AS, extended messages, add-path per direction', () => {
  const local = open(23456, [mp(1), mp(2), { name: 'as4', code: 65, asn: 4200000001 }, { name: 'extended-message', code: 6 },
    { name: 'route-refresh', code: 2 }, { name: 'add-path', code: 69, families: [{ afi: 1, safi: 1, mode: 3 }, { afi: 2, safi: 1, mode: 1 }] }]);
  const remote = { ...open(64512, [mp(1), mp(2), { name: 'as4', code: 65, asn: 64512 }, { name: 'route-refresh', code: 2 },
    { name: 'add-path', code: 69, families: [{ afi: 1, safi: 1, mode: 1 }, { afi: 2, safi: 1, mode: 2 }] }]), holdTime: 30 };
  const n = negotiate(local, remote);
  assert.equal(n.ctx.as4, true);
  assert.equal(n.ctx.extendedMessages, false, 'only one side offered extended messages');
  assert.deepEqual([...n.families].sort(), [IPV4_UNICAST, IPV6_UNICAST]);
  assert.deepEqual([...n.ctx.addPath.send], [IPV4_UNICAST], 'we send path ids where we said send and they said receive');
  assert.deepEqual([...n.ctx.addPath.receive], [IPV6_UNICAST]);
  assert.equal(n.holdTime, 30);
  assert.equal(n.peerAs, 64512);
  assert.equal(n.routeRefresh, true);
  assert.equal(n.enhancedRouteRefresh, false);
  assert.equal(openPeerAs(local), 4200000001);
});

test('a peer without multiprotocol capabilities speaks IPv4 unicast only (RFC 4760 §8)', () => {
  const n = negotiate(open(64512, [mp(1), mp(2)]), open(64513, []));
  assert.deepEqual([...n.families], [IPV4_UNICAST]);
  assert.equal(n.ctx.as4, false);
});
