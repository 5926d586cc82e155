import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeDesired, degradedAttributes, describeAttributes, normalAttributes, sameAnnouncements, toAnnouncements,
} from '../../src/agent/desired.js';
import type { Phase } from '../../src/agent/service-fsm.js';
import { service } from './fixtures.js';

const view = (name: string, phase: Phase, more = {}) => ({ config: service(name, more), phase });

test('normal and degraded attributes: prepend, MED, GRACEFUL_SHUTDOWN, extra communities', () => {
  const s = service('dns', { med: 10, communities: ['64512:100'], degrade: { ...service('x').degrade,
    prepend: 3, med: 1000, gracefulShutdown: true, communities: ['64512:666'], largeCommunities: ['64512:1:2'] } });
  assert.deepEqual(normalAttributes(s), { prepend: 0, med: 10, communities: ['64512:100'], largeCommunities: [] });
  assert.deepEqual(degradedAttributes(s), {
    prepend: 3, med: 1000, communities: ['64512:100', '64512:666', '65535:0'], largeCommunities: ['64512:1:2'],
  });
  assert.equal(describeAttributes(degradedAttributes(s)), 'prepend 3, med 1000, 64512:100 64512:666 65535:0, 64512:1:2');
});

test('one service, each phase: up → normal, draining → degraded, down → absent', () => {
  assert.equal(computeDesired([view('a', 'up')], {}).get('192.0.2.0/24')!.degraded, false);
  const d = computeDesired([view('a', 'draining')], {}).get('192.0.2.0/24')!;
  assert.equal(d.degraded, true);
  assert.equal(d.attributes.prepend, 2);
  assert.equal(computeDesired([view('a', 'down')], {}).size, 0);
});

test('several prefixes per service, IPv4 and IPv6, in prefix order', () => {
  const d = computeDesired([view('a', 'up', { prefixes: ['2001:db8:53::/48', '198.51.100.0/24', '192.0.2.0/24'] })], {});
  assert.deepEqual([...d.keys()], ['192.0.2.0/24', '198.51.100.0/24', '2001:db8:53::/48']);
});

test('optimistic co-location (default): a shared prefix stays while any of its services is up', () => {
  const d = computeDesired([view('dns', 'down'), view('ntp', 'up')], {});
  assert.deepEqual(d.get('192.0.2.0/24')!.services, ['ntp']);
  assert.equal(d.get('192.0.2.0/24')!.degraded, false);
  const dr = computeDesired([view('dns', 'down'), view('ntp', 'draining')], {});
  assert.equal(dr.get('192.0.2.0/24')!.degraded, true);
  assert.equal(computeDesired([view('dns', 'down'), view('ntp', 'down')], {}).size, 0);
});

test('pessimistic covering prefix (RFC 4786 §4.8.2): withdrawn if any service under it fails', () => {
  const pol = { '192.0.2.0/24': { coLocation: 'pessimistic' as const } };
  const dns = (p: Phase) => view('dns', p, { prefixes: ['192.0.2.0/24'] });
  const ntp = (p: Phase) => view('ntp', p, { prefixes: ['192.0.2.123/32'] }); // a more-specific under the cover
  assert.equal(computeDesired([dns('up'), ntp('up')], pol).has('192.0.2.0/24'), true);
  assert.equal(computeDesired([dns('up'), ntp('down')], pol).has('192.0.2.0/24'), false);
  assert.equal(computeDesired([dns('down'), ntp('up')], pol).has('192.0.2.0/24'), false);
  const drained = computeDesired([dns('up'), ntp('draining')], pol).get('192.0.2.0/24')!;
  assert.equal(drained.degraded, true, 'any member draining → the cover carries the worse path');
  assert.equal(drained.attributes.prepend, 2);
  // Without the policy the /24 follows its own service only.
  assert.equal(computeDesired([dns('up'), ntp('down')], {}).has('192.0.2.0/24'), true);
});

test('a covering prefix listed by no service is announced on behalf of the services inside it', () => {
  const pol = { '192.0.2.0/24': { coLocation: 'optimistic' as const } };
  const d = computeDesired([view('a', 'up', { prefixes: ['192.0.2.53/32'] }), view('b', 'down', { prefixes: ['192.0.2.80/32'] })], pol);
  assert.deepEqual([...d.keys()], ['192.0.2.0/24', '192.0.2.53/32']);
  assert.deepEqual(d.get('192.0.2.0/24')!.services, ['a']);
});

test('sameAnnouncements compares prefixes and every attribute', () => {
  const a = toAnnouncements(computeDesired([view('a', 'up')], {}));
  const b = toAnnouncements(computeDesired([view('a', 'up')], {}));
  const c = toAnnouncements(computeDesired([view('a', 'draining')], {}));
  assert.equal(sameAnnouncements(a, b), true);
  assert.equal(sameAnnouncements(a, c), false);
  assert.equal(sameAnnouncements(a, new Map()), false);
});
