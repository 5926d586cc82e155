// The prediction that convergence is checked against and that tests expect catchments from: Gao-Rexford
// preference (customer > peer > provider), then AS-path length; valley-free export; loop detection; ties
// kept as sets; NO_EXPORT; and a route that disappears upstream disappears downstream.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildModel } from '../../src/lab/model.js';
import { asNode, expectedCatchment, predictAll, siteNode } from '../../src/lab/predict.js';
import { parseTopology, topologyFromObject } from '../../src/lab/topology/parse.js';
import { WORLD } from './helpers.js';

// T1a ═peer═ T1b ; A customer of T1a and T1b (multi-homed) ; B customer of T1b ; S1 site under T1a (via
// customer C of T1a), S2 site under B.
function lab(extra: Record<string, unknown> = {}) {
  return buildModel(topologyFromObject({
    name: 'p',
    ases: { 100: { routers: { t1a: {} } }, 200: { routers: { t1b: {} } }, 300: { routers: { a: {} } }, 400: { routers: { b: {} } }, 500: { routers: { c: {} } } },
    relationships: [
      { peers: [100, 200] }, { provider: 100, customer: 300 }, { provider: 200, customer: 300 }, { provider: 200, customer: 400 },
      { provider: 100, customer: 500 }, { provider: 500, customer: 65000 }, { provider: 400, customer: 65000 },
    ],
    links: [{ a: 't1a', b: 't1b' }, { a: 'a', b: 't1a' }, { a: 'a', b: 't1b' }, { a: 'b', b: 't1b' }, { a: 'c', b: 't1a' }],
    sites: { s1: { as: 65000, upstreams: ['c'], ...((extra.s1 as object) ?? {}) }, s2: { as: 65000, upstreams: ['b'] } },
    clients: { ka: { router: 'a' }, kb: { router: 'b' }, k1: { router: 't1a' }, k2: { router: 't1b' } },
  }));
}

test('customer routes beat shorter peer routes; ties between providers are kept as sets', () => {
  const m = lab();
  const by = new Map(expectedCatchment(m, '192.0.2.0/24').map((e) => [e.client, e]));
  // t1a: s1 through its customer c (customer, length 2) — not s2 through its peer (peer, length 3).
  assert.deepEqual(by.get('k1')!.sites, ['s1']);
  assert.equal(by.get('k1')!.class, 'customer');
  assert.equal(by.get('k1')!.length, 2);
  // t1b: s2 through its customer b (length 2) beats s1 through the peer t1a (length 3).
  assert.deepEqual(by.get('k2')!.sites, ['s2']);
  // a buys from both: s1 via t1a (100 500 65000) and s2 via t1b (200 400 65000), both provider length 3: a tie.
  assert.deepEqual(by.get('ka')!.sites, ['s1', 's2']);
  assert.equal(by.get('ka')!.class, 'provider');
  assert.deepEqual(by.get('ka')!.paths, [[100, 500, 65000], [200, 400, 65000]]);
  assert.deepEqual(by.get('kb')!.sites, ['s2']);
});

test('valley-free: a peer route is not exported to a peer or a provider; loops are refused', () => {
  const m = lab();
  const p = predictAll(m).find((x) => x.prefix === '192.0.2.0/24')!.byNode;
  // c (500) learns s2 only from its provider t1a, which learned it from its peer t1b: exported to a customer, fine.
  assert.deepEqual(p.get(asNode(500))!.origins, ['s1']); // its own customer route wins
  // Sites never accept the other site's route: AS65000 is in its path.
  assert.equal(p.get(siteNode('s1'))!.class, 'origin');
  assert.deepEqual(p.get(siteNode('s1'))!.origins, ['s1']);
  // A client aggregate of b reaches t1a through the peer t1b, and a (customer of t1a) gets it from t1a or t1b.
  const bAgg = predictAll(m).find((x) => x.kind === 'client' && m.clientPrefixes['b']!.includes(x.prefix))!.byNode;
  assert.equal(bAgg.get(asNode(100))!.class, 'peer');
  // c (customer of t1a) gets it: t1a exports peer routes to customers.
  assert.equal(bAgg.get(asNode(500))!.class, 'provider');
});

test('NO_EXPORT: a local site is seen only by its upstream AS', () => {
  const m = lab({ s1: { scope: 'local' } });
  const p = predictAll(m).find((x) => x.prefix === '192.0.2.0/24')!.byNode;
  assert.equal(p.get(asNode(500))!.class, 'customer');
  assert.deepEqual(p.get(asNode(100))!.origins, ['s2']); // t1a no longer hears s1
});

test('a withdrawn site disappears downstream too (no stale paths in ties)', () => {
  const m = lab();
  const only2 = new Map(expectedCatchment(m, '192.0.2.0/24', ['s2']).map((e) => [e.client, e]));
  assert.deepEqual(only2.get('ka')!.sites, ['s2']);
  assert.deepEqual(only2.get('k1')!.sites, ['s2']);
  assert.equal(only2.get('k1')!.class, 'peer');
  const none = expectedCatchment(m, '192.0.2.0/24', []);
  assert.ok(none.every((e) => e.sites.length === 0));
});

test('world: routing is not geography — Perth is predicted to Tokyo, Lima to New York', () => {
  const m = buildModel(parseTopology(readFileSync(WORLD, 'utf8'), WORLD));
  const by = new Map(expectedCatchment(m, '192.0.2.0/24').map((e) => [e.client, e.sites]));
  assert.deepEqual(by.get('perth'), ['tokyo']);
  assert.deepEqual(by.get('lima'), ['newyork']);
  assert.deepEqual(by.get('auckland'), ['sydney']);
  assert.deepEqual(by.get('mumbai'), ['london', 'tokyo']);
  // Without Tokyo, its customers' customers go to Sydney (a customer route of Meridian beats its peers).
  const noTokyo = new Map(expectedCatchment(m, '192.0.2.0/24', ['newyork', 'london', 'sydney', 'saopaulo', 'joburg']).map((e) => [e.client, e.sites]));
  assert.deepEqual(noTokyo.get('seoul'), ['sydney']);
  assert.deepEqual(noTokyo.get('mumbai'), ['london']);
  // Every client reaches some site, in both families.
  for (const prefix of ['192.0.2.0/24', '2001:db8:53::/48']) for (const e of expectedCatchment(m, prefix)) assert.ok(e.sites.length > 0, `${e.client} ${prefix}`);
});
