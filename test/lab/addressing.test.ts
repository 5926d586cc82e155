// The addressing plan: both families on every link, no address twice, deterministic, explicit addresses kept
// and generated ones kept clear of them, client subnets inside their router's announced aggregate; checked on
// the world and on generated topologies of many shapes (fast-check).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { planAddresses } from '../../src/lab/addressing.js';
import { generateTopology } from '../../src/lab/generate.js';
import { canonical, hostOf, parseCidr, prefixContains } from '../../src/lab/ip.js';
import { buildModel, namespaceTopology, type LabModel } from '../../src/lab/model.js';
import { parseTopology, topologyFromObject } from '../../src/lab/topology/parse.js';
import { planTopology } from '../../src/netns/plan.js';
import { WORLD } from './helpers.js';

function checkPlan(m: LabModel): void {
  const seen = new Map<string, string>();
  const add = (a: string, who: string) => {
    const c = canonical(hostOf(a));
    assert.ok(!seen.has(c), `${a} of ${who} also used by ${seen.get(c)}`);
    seen.set(c, who);
  };
  for (const l of m.links) {
    for (const [x, y, fam] of [[l.a4, l.b4, 4], [l.a6, l.b6, 6]] as const) {
      const cx = parseCidr(x)!;
      const cy = parseCidr(y)!;
      assert.equal(cx.family, fam);
      assert.equal(cx.network, cy.network, `${l.key}: ${x} and ${y} in one subnet`);
      assert.equal(cx.length, cy.length);
    }
    add(l.a4, `${l.a}:${l.b}`);
    add(l.b4, `${l.b}:${l.a}`);
    add(l.a6, `${l.a}:${l.b}`);
    add(l.b6, `${l.b}:${l.a}`);
  }
  for (const n of m.nodes.filter((x) => x.kind === 'router')) {
    add(n.loopback4!, `${n.name} lo`);
    add(n.loopback6!, `${n.name} lo`);
  }
  // Client subnets lie inside what their router announces.
  for (const n of m.nodes.filter((x) => x.kind === 'client')) {
    const i = n.interfaces[0]!;
    const announced = m.clientPrefixes[i.peer] ?? [];
    assert.ok(announced.some((p) => prefixContains(p, i.addr4)), `${n.name} ${i.addr4} inside ${announced.join(' ')}`);
    assert.ok(announced.some((p) => prefixContains(p, i.addr6)), `${n.name} ${i.addr6} inside ${announced.join(' ')}`);
  }
  // And the netns planner accepts the result (interface names, CIDRs).
  planTopology(namespaceTopology(m));
}

test('world: every link has an IPv4 and an IPv6 subnet, no address twice', () => {
  const m = buildModel(parseTopology(readFileSync(WORLD, 'utf8'), WORLD));
  checkPlan(m);
  assert.equal(m.nodes.length, 51);
  // Every anycast site announces one IPv4 and one IPv6 prefix from the documentation ranges.
  for (const s of m.topology.sites) {
    assert.ok(prefixContains('192.0.2.0/24', s.prefixes.ipv4) || prefixContains('198.51.100.0/24', s.prefixes.ipv4) || prefixContains('203.0.113.0/24', s.prefixes.ipv4));
    assert.ok(prefixContains('2001:db8::/32', s.prefixes.ipv6));
  }
});

test('the plan is deterministic', () => {
  const t = parseTopology(readFileSync(WORLD, 'utf8'), WORLD);
  assert.deepEqual(planAddresses(t), planAddresses(parseTopology(readFileSync(WORLD, 'utf8'), WORLD)));
});

test('explicit addresses are kept and generated ones avoid them', () => {
  const t = topologyFromObject({
    name: 'x',
    ases: { 64500: { routers: { a: { 'loopback-ipv4': '10.255.0.1' }, b: {} } }, 64501: { routers: { c: {} } } },
    relationships: [{ provider: 64500, customer: 64501 }],
    // The first generated link subnet would be 10.0.0.0/30: give it explicitly to the second link.
    links: [{ a: 'a', b: 'b' }, { a: 'b', b: 'c', ipv4: ['10.0.0.2/30', '10.0.0.1/30'] }],
    clients: { k: { router: 'c', ipv4: '10.64.0.2/30' } },
  });
  const p = planAddresses(t);
  assert.equal(p.loopbacks.a!.ipv4, '10.255.0.1');
  assert.notEqual(p.loopbacks.b!.ipv4, '10.255.0.1');
  assert.deepEqual([p.links[1]!.a4, p.links[1]!.b4], ['10.0.0.2/30', '10.0.0.1/30']);
  assert.equal(p.links[0]!.a4, '10.0.0.5/30');
  // The client's explicit address and its router's end of that subnet.
  assert.deepEqual([p.links[2]!.a4, p.links[2]!.b4], ['10.64.0.2/30', '10.64.0.1/30']);
  checkPlan(buildModel(t));
});

test('generated topologies of many sizes and seeds get a valid plan (property)', () => {
  fc.assert(fc.property(fc.integer({ min: 4, max: 60 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 5 }), (n, seed, sites) => {
    const t = topologyFromObject(generateTopology({ routers: n, seed, sites }), 'gen');
    assert.equal(t.routers.length, n);
    checkPlan(buildModel(t));
  }), { numRuns: 60 });
});
