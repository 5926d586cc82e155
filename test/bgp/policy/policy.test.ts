// The policy engine: strict compilation (errors name the key), every matcher, every action, term flow
// (accept / reject / next / default), and that the per-attribute-set cache never changes an answer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePolicyConfig } from '../../../src/bgp/policy/compile.js';
import type { Policy, PolicyResult } from '../../../src/bgp/policy/types.js';
import { AttrStore, Attrs, AttrsInput } from '../../../src/bgp/rib/attrs.js';
import { PeerInfo } from '../../../src/bgp/rib/peer.js';
import { formatCommunity, formatExtCommunity } from '../../../src/bgp/rib/communities.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';

const store = new AttrStore();
const EBGP = new PeerInfo(1, { name: 'upstream', address: '192.0.2.1', asn: 64601, routerId: '10.0.0.1' }, 'ebgp');
const IBGP = new PeerInfo(2, { name: 'core', address: '192.0.2.2', asn: 65000, routerId: '10.0.0.2' }, 'ibgp');
const LOCAL = new PeerInfo(0, { name: 'local', address: '', asn: 65000 }, 'local');

function pol(def: unknown, lists: Record<string, unknown> = {}): Policy {
  const cfg = compilePolicyConfig({ 'prefix-lists': lists, policies: { p: def } });
  return cfg.policies.get('p')!;
}

function run(p: Policy, prefix: string, input: AttrsInput, source = EBGP): PolicyResult {
  const b = p.bind({ store, ownAs: 65000, peer: EBGP, direction: 'import' });
  const pk = parsePrefix(prefix)!;
  return b.evaluate({ afi: pk.afi, prefix: pk.key, attrs: store.intern({ nextHop: '192.0.2.1', ...input }), source });
}

function matches(match: unknown, prefix: string, input: AttrsInput, source = EBGP, lists: Record<string, unknown> = {}): boolean {
  return run(pol({ terms: [{ match, action: 'accept' }], default: 'reject' }, lists), prefix, input, source).accept;
}

test('matchers: prefixes, lengths, AS path, communities, next hop, route type, neighbor, origin, LOCAL_PREF, MED', () => {
  const R = '198.51.100.0/24';
  const cases: [string, unknown, string, AttrsInput, boolean, PeerInfo?][] = [
    ['prefix-list', { 'prefix-list': 'l' }, R, {}, true], ['prefix-list miss', { 'prefix-list': 'l' }, '203.0.113.0/24', {}, false],
    ['prefix inline', { prefix: ['203.0.113.0/24', '198.51.100.0/23 le 24'] }, R, {}, true],
    ['prefix inline miss', { prefix: '198.51.100.0/23' }, R, {}, false],
    ['prefix-length', { 'prefix-length': '20-24' }, R, {}, true], ['prefix-length miss', { 'prefix-length': { min: 25 } }, R, {}, false],
    ['as-path', { 'as-path': '^64601_' }, R, { asPath: '64601 64500' }, true],
    ['as-path any of', { 'as-path': ['^1_', '_64500$'] }, R, { asPath: '64601 64500' }, true],
    ['as-path miss', { 'as-path': '^64500_' }, R, { asPath: '64601 64500' }, false],
    ['as-path-length', { 'as-path-length': '1-2' }, R, { asPath: '64601 {1,2,3}' }, true],
    ['as-path-length miss', { 'as-path-length': 1 }, R, { asPath: '64601 64500' }, false],
    ['origin-as', { 'origin-as': [64500, '64510-64520'] }, R, { asPath: '64601 64515' }, true],
    ['origin-as aggregated', { 'origin-as': 64500 }, R, { asPath: '64601 {64500}' }, false],
    ['neighbor-as', { 'neighbor-as': 64601 }, R, { asPath: '64601 64500' }, true],
    ['as-path-contains', { 'as-path-contains': 64510 }, R, { asPath: '64601 {64510,1} 64500' }, true],
    ['community', { community: '64601:*' }, R, { communities: ['64601:5'] }, true],
    ['community miss', { community: ['64601:1', '1:1'] }, R, { communities: ['64601:5'] }, false],
    ['community-all', { 'community-all': ['64601:5', 'no-export'] }, R, { communities: ['64601:5', 'no-export'] }, true],
    ['community-all miss', { 'community-all': ['64601:5', 'no-export'] }, R, { communities: ['64601:5'] }, false],
    ['large-community', { 'large-community': '64601:*:1' }, R, { largeCommunities: ['64601:9:1'] }, true],
    ['ext-community', { 'ext-community': 'rt:64601:*' }, R, { extCommunities: ['rt:64601:3'] }, true],
    ['ext-community miss', { 'ext-community': 'ro:64601:*' }, R, { extCommunities: ['rt:64601:3'] }, false],
    ['next-hop address', { 'next-hop': '192.0.2.1' }, R, {}, true],
    ['next-hop prefix', { 'next-hop': '192.0.2.0/28' }, R, {}, true],
    ['next-hop miss', { 'next-hop': ['192.0.2.2', '2001:db8::/32'] }, R, {}, false],
    ['route-type ebgp', { 'route-type': 'ebgp' }, R, {}, true],
    ['route-type ibgp miss', { 'route-type': 'ibgp' }, R, {}, false],
    ['route-type ibgp', { 'route-type': ['ibgp', 'local'] }, R, {}, true, IBGP],
    ['route-type local', { 'route-type': 'local' }, R, {}, true, LOCAL],
    ['neighbor by name', { neighbor: 'upstream' }, R, {}, true], ['neighbor by address', { neighbor: '192.0.2.1' }, R, {}, true],
    ['neighbor miss', { neighbor: 'core' }, R, {}, false],
    ['origin', { origin: ['egp', 'incomplete'] }, R, { origin: 'incomplete' }, true],
    ['origin miss', { origin: 'igp' }, R, { origin: 'incomplete' }, false],
    ['local-pref', { 'local-pref': '100-200' }, R, { localPref: 150 }, true],
    ['local-pref absent', { 'local-pref': '0-200' }, R, {}, false],
    ['med', { med: { max: 10 } }, R, { med: 10 }, true], ['med miss', { med: { max: 10 } }, R, { med: 11 }, false],
    ['not', { not: { community: 'no-export' } }, R, { communities: ['no-export'] }, false],
    ['any', { any: [{ community: '1:1' }, { 'prefix-length': 24 }] }, R, {}, true],
    ['AND of conditions', { 'prefix-length': 24, community: '1:1' }, R, {}, false],
    ['IPv6 prefix', { prefix: '2001:db8::/32 le 48' }, '2001:db8:1::/48', { nextHop: '2001:db8::1' }, true],
  ];
  for (const [name, m, prefix, input, expect, src] of cases) {
    assert.equal(matches(m, prefix, input, src ?? EBGP, { l: ['198.51.100.0/22 le 24'] }), expect, name);
  }
});

function comms(a: Attrs): string[] {
  return a.communities?.values.map((c) => formatCommunity(c)) ?? [];
}

test('actions: local-pref, med, origin, prepend, communities, large and extended communities, next hop', () => {
  const r = (set: unknown, input: AttrsInput = {}) => run(pol({ terms: [{ set, action: 'accept' }] }), '198.51.100.0/24', input);
  assert.equal(r({ 'local-pref': 250 }).attrs.localPref, 250);
  assert.equal(r({ med: 42 }).attrs.med, 42);
  assert.equal(r({ med: 42 }).medSet, true);
  assert.equal(r({ med: 'remove' }, { med: 5 }).attrs.med, null);
  assert.equal(r({ origin: 'egp' }).attrs.origin, 1);
  assert.equal(r({ prepend: 2 }, { asPath: '64601' }).attrs.asPath.text(), '65000 65000 64601');
  assert.equal(r({ prepend: { as: 64999, count: 3 } }, { asPath: '64601' }).attrs.asPath.text(), '64999 64999 64999 64601');
  assert.deepEqual(comms(r({ community: { add: ['65000:1', 'no-export'] } }, { communities: ['64601:7'] }).attrs), ['64601:7', '65000:1', 'no-export']);
  assert.deepEqual(comms(r({ community: { remove: ['64601:*'] } }, { communities: ['64601:7', '64601:8', '1:1'] }).attrs), ['1:1']);
  assert.deepEqual(comms(r({ community: { clear: true, add: ['2:2'] } }, { communities: ['64601:7'] }).attrs), ['2:2']);
  assert.deepEqual(comms(r({ community: { set: ['3:3'] } }, { communities: ['64601:7'] }).attrs), ['3:3']);
  assert.equal(r({ community: { clear: true } }, { communities: ['64601:7'] }).attrs.communities, null);
  const lc = r({ 'large-community': { remove: ['64601:*:*'], add: ['65000:1:1'] } }, { largeCommunities: ['64601:1:2', '1:2:3'] }).attrs;
  assert.deepEqual(lc.largeCommunities?.values, [1, 2, 3, 65000, 1, 1]);
  const ec = r({ 'ext-community': { add: ['rt:65000:1'], remove: ['rt:64601:*'] } }, { extCommunities: ['rt:64601:1', 'ro:64601:1'] }).attrs;
  const ev = ec.extCommunities!.values;
  assert.deepEqual([formatExtCommunity(ev[0]!, ev[1]!), formatExtCommunity(ev[2]!, ev[3]!)], ['rt:65000:1', 'ro:64601:1']);
  assert.equal(r({ 'next-hop': '203.0.113.5' }).attrs.nextHop?.address, '203.0.113.5');
  const self = r({ 'next-hop': 'self' });
  assert.equal(self.nextHopSelf, true);
  assert.equal(self.attrs.nextHop?.address, '192.0.2.1');
  // Several edits in one block apply in the documented order (clear, remove, add).
  assert.deepEqual(comms(r({ community: { remove: ['1:*'], add: ['1:5'] } }, { communities: ['1:1'] }).attrs), ['1:5']);
});

test('term flow: first accept/reject decides, `next` accumulates changes, the default applies otherwise', () => {
  const p = pol({
    default: 'accept',
    terms: [
      { name: 'tag', match: { 'neighbor-as': 64601 }, set: { community: { add: ['65000:100'] } } },
      { name: 'bump', match: { community: '65000:100' }, set: { 'local-pref': 200 }, action: 'next' },
      { name: 'drop-long', match: { 'as-path-length': { min: 4 } }, action: 'reject' },
      { name: 'ok', match: { 'prefix-length': '0-24' }, action: 'accept' },
    ],
  });
  const a = run(p, '198.51.100.0/24', { asPath: '64601 64500' });
  assert.deepEqual([a.accept, a.term, a.attrs.localPref, comms(a.attrs)], [true, 'ok', 200, ['65000:100']]);
  const b = run(p, '198.51.100.0/24', { asPath: '64601 1 2 3' });
  assert.deepEqual([b.accept, b.term], [false, 'drop-long']);
  const c = run(p, '198.51.100.0/25', { asPath: '64602 64500' });
  assert.deepEqual([c.accept, c.term, c.attrs.localPref], [true, null, null]);
  assert.equal(run(pol({ terms: [{ match: { community: '9:9' }, action: 'accept' }] }), '198.51.100.0/24', {}).accept, false); // default reject
  assert.equal(run(pol('accept'), '198.51.100.0/24', {}).accept, true);
  assert.equal(run(pol('reject'), '198.51.100.0/24', {}).accept, false);
  assert.equal(pol('accept').constant, true);
  assert.equal(p.constant, null);
  assert.equal(p.dependsOnPrefix, true);
  assert.equal(p.dependsOnSource, false);
});

test('compile errors name the key and the reason', () => {
  const bad: [unknown, string, RegExp][] = [
    [{ policies: { p: { terms: [{ match: { comunity: '1:1' }, action: 'accept' }] } } }, 'policies.p.terms[0].match.comunity', /unknown key/],
    [{ policies: { p: { terms: [{ match: { community: '1:x' }, action: 'accept' }] } } }, 'policies.p.terms[0].match.community', /bad community pattern/],
    [{ policies: { p: { terms: [{ match: { 'as-path': '(' }, action: 'accept' }] } } }, 'policies.p.terms[0].match.as-path', /regular expression/],
    [{ policies: { p: { terms: [{ match: { 'prefix-list': 'nope' }, action: 'accept' }] } } }, 'policies.p.terms[0].match.prefix-list', /no prefix list/],
    [{ policies: { p: { terms: [{ match: { prefix: '1.2.3.0/24 ge 8' } }] } } }, 'policies.p.terms[0].match.prefix', /shorter/],
    [{ policies: { p: { terms: [{ match: { med: 1 } }] } } }, 'policies.p.terms[0]', /needs an `action`/],
    [{ policies: { p: { terms: [{ action: 'drop' }] } } }, 'policies.p.terms[0].action', /one of accept, reject, next/],
    [{ policies: { p: { terms: [{ set: { 'local-pref': -1 }, action: 'accept' }] } } }, 'policies.p.terms[0].set.local-pref', /outside/],
    [{ policies: { p: { terms: [{ set: { prepend: 40 } }] } } }, 'policies.p.terms[0].set.prepend', /outside 1\.\.32/],
    [{ policies: { p: { terms: [{ set: { 'next-hop': 'me' } }] } } }, 'policies.p.terms[0].set.next-hop', /neither "self" nor an address/],
    [{ policies: { p: { terms: [{ set: { community: { set: ['1:1'], clear: true } } }] } } }, 'policies.p.terms[0].set.community', /do not combine/],
    [{ policies: { p: { terms: [{ name: 'a', action: 'accept' }, { name: 'a', action: 'accept' }] } } }, 'policies.p.terms[1].name', /duplicate/],
    [{ policies: { p: { default: 'maybe' } } }, 'policies.p.default', /one of accept, reject/],
    [{ policies: { p: { terms: [{ set: { 'local-pref': 50 }, action: 'reject' }] } } }, 'policies.p.terms[0].set',
      /has no effect: the term rejects the route/],
    [{ policies: { 'bad name': 'accept' } }, 'policies.bad name', /names may use/],
    [{ 'prefix-lists': { l: '10.0.0.0/8' } }, 'prefix-lists.l', /list of prefix entries/],
    [{ polices: {} }, 'polices', /unknown key/],
  ];
  for (const [cfg, key, re] of bad) {
    assert.throws(() => compilePolicyConfig(cfg), (e: Error & { key?: string; code?: string }) => {
      assert.equal(e.code, 'ERR_POLICY');
      assert.equal(e.key, key);
      assert.match(e.message, re);
      return true;
    }, key);
  }
});

test('cache: the answer with a warm cache equals a fresh evaluation, prefix- and source-dependent terms included', () => {
  const p = pol({
    default: 'reject',
    terms: [
      { match: { 'prefix-length': '25-32' }, action: 'reject' },
      { match: { 'route-type': 'ibgp' }, set: { 'local-pref': 300 }, action: 'accept' },
      { match: { community: '1:*' }, set: { med: 1 }, action: 'next' },
      { match: { prefix: '198.51.100.0/22 le 24' }, set: { 'local-pref': 150 }, action: 'accept' },
      { match: { 'as-path': '_64500$' }, action: 'accept' },
    ],
  });
  const warm = p.bind({ store, ownAs: 65000, peer: EBGP, direction: 'import' });
  const route = fc.record({
    len: fc.integer({ min: 20, max: 28 }), third: fc.integer({ min: 96, max: 107 }), src: fc.boolean(),
    path: fc.constantFrom('64601 64500', '64601 64501'), comm: fc.constantFrom([], ['1:1'], ['2:2']),
  });
  fc.assert(fc.property(fc.array(route, { minLength: 1, maxLength: 30 }), (routes) => {
    for (const r of routes) {
      const pk = parsePrefix(`198.51.${r.third}.0/${r.len}`)!;
      const attrs = store.intern({ asPath: r.path, communities: r.comm, nextHop: '192.0.2.1' });
      const view = { afi: pk.afi, prefix: pk.key, attrs, source: r.src ? IBGP : EBGP };
      const fresh = p.bind({ store, ownAs: 65000, peer: EBGP, direction: 'import' }).evaluate(view);
      const cached = warm.evaluate(view);
      if (fresh.accept !== cached.accept || fresh.attrs !== cached.attrs || fresh.term !== cached.term) return false;
    }
    return true;
  }), { numRuns: 200 });
});
