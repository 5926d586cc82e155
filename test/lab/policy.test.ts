// BGP sessions and policies generated from the AS relationships: roles both ways, two sessions per link (one
// per family) with matching addresses, the iBGP mesh over loopbacks inside an AS, originations (client
// aggregates tagged as customer routes; sites' prefixes, NO_EXPORT for local sites), and specs every daemon's
// config generator accepts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { birdConfig, frrConfig, gobgpConfig, grTag, openbgpdConfig, resolveRouter } from '../../src/daemons/index.js';
import { hostOf } from '../../src/lab/ip.js';
import { buildModel } from '../../src/lab/model.js';
import { NO_EXPORT, roleOf } from '../../src/lab/policy.js';
import { siteAgentConfig, siteAgentPaths, siteBirdConfig } from '../../src/lab/runtime/netns/site-agent.js';
import { parseTopology, topologyFromObject } from '../../src/lab/topology/parse.js';
import { WORLD } from './helpers.js';
import { parse as parseYaml } from 'yaml';
import { parseConfigText } from '../../src/agent/config/parse.js';

const world = () => buildModel(parseTopology(readFileSync(WORLD, 'utf8'), WORLD));

test('roles come from the relationships, seen from each side', () => {
  const t = world().topology;
  assert.equal(roleOf(t, 64600, 64700), 'customer'); // Atlas sells to Prairie Net
  assert.equal(roleOf(t, 64700, 64600), 'provider');
  assert.equal(roleOf(t, 64600, 64620), 'peer');
  assert.equal(roleOf(t, 64620, 64600), 'peer');
  assert.equal(roleOf(t, 64600, 64600), undefined);
  assert.equal(roleOf(t, 64700, 64720), undefined);
});

test('every eBGP session: Gao-Rexford both ways with the role, one per family, addresses of the link', () => {
  const m = world();
  for (const [node, spec] of Object.entries(m.speakers)) {
    const n = m.nodes.find((x) => x.name === node)!;
    const ebgp = spec.neighbors.filter((x) => x.remoteAs !== spec.localAs);
    for (const nb of ebgp) {
      assert.equal(nb.import, 'gao-rexford');
      assert.equal(nb.export, 'gao-rexford');
      const iface = n.interfaces.find((i) => hostOf(i.peer4) === nb.address || hostOf(i.peer6) === nb.address)!;
      assert.ok(iface, `${node}: neighbor ${nb.address} is at the far end of one of its links`);
      assert.equal(nb.localAddress, hostOf(nb.address.includes(':') ? iface.addr6 : iface.addr4));
      const peer = m.nodes.find((x) => x.name === iface.peer)!;
      assert.equal(nb.remoteAs, peer.asn);
      assert.equal(nb.role, roleOf(m.topology, spec.localAs, peer.asn!));
    }
    // Each link to another AS carries exactly two sessions, IPv4 and IPv6.
    const links = n.interfaces.filter((i) => { const p = m.nodes.find((x) => x.name === i.peer)!; return p.kind !== 'client' && p.asn !== n.asn; });
    assert.equal(ebgp.length, 2 * links.length, node);
    // And the spec is one the daemons accept.
    resolveRouter(spec, node);
  }
});

test('an AS with several routers: an iBGP full mesh over loopbacks, next-hop-self, relationship tags kept', () => {
  const m = world();
  const atlas = m.nodes.filter((n) => n.asn === 64600 && n.kind === 'router');
  assert.equal(atlas.length, 4);
  for (const r of atlas) {
    const ibgp = m.speakers[r.name]!.neighbors.filter((x) => x.remoteAs === 64600);
    assert.equal(ibgp.length, 2 * (atlas.length - 1));
    for (const nb of ibgp) {
      assert.equal(nb.nextHopSelf, true);
      assert.equal(nb.import, 'accept-all');
      assert.equal(nb.export, 'accept-all');
      assert.ok(atlas.some((o) => o.loopback4 === nb.address || o.loopback6 === nb.address));
      assert.ok(nb.localAddress === r.loopback4 || nb.localAddress === r.loopback6);
    }
    // Its IGP reaches every other loopback of the AS.
    const dsts = r.routes.map((x) => x.dst);
    for (const o of atlas) if (o !== r) assert.ok(dsts.includes(`${o.loopback4}/32`) && dsts.includes(`${o.loopback6}/128`), `${r.name} → ${o.name}`);
  }
});

test('originations: client aggregates tagged as customer routes; sites their prefixes unless standby', () => {
  const m = world();
  const mia = m.speakers['atl-mia']!;
  assert.deepEqual(mia.originate!.map((r) => r.prefix), m.clientPrefixes['atl-mia']);
  for (const r of mia.originate!) assert.deepEqual(r.largeCommunities, [grTag(64600, 'customer')]);
  assert.deepEqual(m.speakers['tokyo']!.originate!.map((r) => r.prefix), ['192.0.2.0/24', '2001:db8:53::/48']);
  assert.deepEqual(m.speakers['chennai']!.originate, []);
  assert.deepEqual(m.speakers['mer-hkg']!.originate!.length, 2);
  // A router alone in its AS needs no tag on its originations (nothing inside its AS to pass them on).
  for (const r of m.speakers['kc-sel']!.originate!) assert.equal(r.largeCommunities, undefined);
  assert.deepEqual(m.speakers['bor-fra']!.originate, []);
});

test('a local-scope site announces with NO_EXPORT, in the spec and in the agent configuration', () => {
  const t = topologyFromObject({
    name: 'x', ases: { 64500: { routers: { r: {} } } }, relationships: [{ provider: 64500, customer: 65000 }],
    sites: { s: { as: 65000, upstreams: ['r'], scope: 'local' } },
  });
  const m = buildModel(t);
  for (const r of m.speakers['s']!.originate!) assert.deepEqual(r.communities, [NO_EXPORT]);
  const cfg = parseYaml(siteAgentConfig(m, 's', siteAgentPaths('/tmp/x'))) as { services: { dns: { communities: string[]; prefixes: string[] } } };
  assert.deepEqual(cfg.services.dns.communities, [NO_EXPORT]);
  assert.deepEqual(cfg.services.dns.prefixes, ['192.0.2.0/24', '2001:db8:53::/48']);
});

test('every daemon generates a configuration from the lab\'s specs', () => {
  const m = world();
  const paths = { dir: '/tmp/d', originateFile: '/tmp/d/o.conf', logFile: '/tmp/d/l' };
  for (const spec of Object.values(m.speakers)) {
    const r = resolveRouter(spec);
    assert.match(birdConfig(r, paths), /protocol bgp/);
    if (r.neighbors.every((n) => n.remoteAs !== r.localAs)) {
      assert.match(frrConfig(r, { logFile: '/tmp/d/l' }), /router bgp/);
      assert.match(gobgpConfig(r), /\[global\.config\]/);
      assert.match(openbgpdConfig(r, { socket: '/tmp/d/s' }), /neighbor/);
    }
  }
});

test('a site\'s BIRD includes the agent\'s file and exports only through its filter; the agent checks hostname.bind', () => {
  const m = world();
  const p = siteAgentPaths('/tmp/site');
  const conf = siteBirdConfig(m.speakers['tokyo']!, p);
  assert.match(conf, /include "\/tmp\/site\/agent-routes\.conf";/);
  const exports = [...conf.matchAll(/export filter (\w+);/g)].map((x) => x[1]);
  assert.ok(exports.length === 2 && exports.every((f) => f === 'anycast_export'));
  assert.match(conf, /protocol bgp bgp_mer_tyo_4 \{/);
  const cfg = parseYaml(siteAgentConfig(m, 'tokyo', p)) as Record<string, any>;
  assert.equal(cfg.backend.type, 'bird');
  assert.equal(cfg.backend.bird['include-file'], p.include);
  assert.deepEqual(cfg.services.dns.checks[0], { name: 'hostname-bind', type: 'dns', server: '192.0.2.53', port: 53, 'expect-hostname-bind': 'tokyo' });
  assert.equal(cfg.defaults.check.interval, '200ms');
  assert.equal(cfg['maintenance-file'], p.maintenance);
});

test('a site with the agent\'s embedded speaker: one peer per session of the site, accepted by the agent\'s own parser; replies leave by default routes', () => {
  const m = world();
  const p = siteAgentPaths('/tmp/site');
  const text = siteAgentConfig(m, 'tokyo', p, 'speaker');
  const loaded = parseConfigText(text, 'tokyo-agent.yaml');
  assert.equal(loaded.config.backend.type, 'speaker');
  const sp = loaded.config.backend.speaker!;
  assert.equal(sp.localAs, 65000);
  const spec = resolveRouter(m.speakers['tokyo']!);
  assert.deepEqual(sp.peers.map((x) => [x.name, x.address, x.as, x.families.join(','), x.localAddress]),
    spec.neighbors.map((n) => [n.name, n.address, n.remoteAs, n.families.map((f) => `${f}-unicast`).join(','), n.localAddress]));
  assert.deepEqual(sp.peers.map((x) => x.families.join(',')).sort(), ['ipv4-unicast', 'ipv6-unicast']);
  const site = m.nodes.find((n) => n.name === 'tokyo')!;
  assert.equal(site.implementation, 'anycast', 'sites run the agent\'s embedded speaker by default');
  assert.deepEqual(site.routes.map((r) => [r.dst, r.via, r.family ?? 'ipv4']), [
    ['default', spec.neighbors.find((n) => n.families[0] === 'ipv4')!.address, 'ipv4'],
    ['default', spec.neighbors.find((n) => n.families[0] === 'ipv6')!.address, 'ipv6'],
  ]);
});
