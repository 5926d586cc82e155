// Topology files: every shipped example parses; bad files are rejected with the file, the key, the reason (and
// the line), before anything could be created.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseTopology } from '../../src/lab/topology/parse.js';
import { ConfigError } from '../../src/util/errors.js';
import { ROOT } from './helpers.js';

const BASE = `name: t
ases:
  64500:
    routers:
      r1: {}
      r2: {}
  64501:
    routers:
      x1: {}
relationships:
  - {provider: 64500, customer: 64501}
  - {provider: 64500, customer: 65000}
links:
  - {a: r1, b: r2}
  - {a: r2, b: x1, delay: 5ms}
sites:
  s1: {as: 65000, upstreams: [r1]}
clients:
  c1: {router: x1}
`;

function rejects(text: string, key: string, reason: RegExp, line?: number): void {
  assert.throws(() => parseTopology(text, 'bad.yaml'), (e: unknown) => {
    assert.ok(e instanceof ConfigError, `not a ConfigError: ${String(e)}`);
    assert.equal(e.code, 'ERR_CONFIG');
    assert.equal(e.file, 'bad.yaml');
    assert.equal(e.key, key, e.message);
    assert.match(e.reason, reason);
    if (line !== undefined) assert.match(e.reason, new RegExp(`\\(line ${line}\\)$`));
    return true;
  });
}

test('the base topology of these tests is valid', () => {
  const t = parseTopology(BASE, 'base.yaml');
  assert.equal(t.routers.length, 3);
  assert.equal(t.links.length, 4); // 2 core + site upstream + client access
  assert.deepEqual(t.sites[0]!.prefixes, { ipv4: '192.0.2.0/24', ipv6: '2001:db8:53::/48' });
  assert.deepEqual(t.sites[0]!.service, { ipv4: '192.0.2.53', ipv6: '2001:db8:53::53' });
  assert.equal(t.links[1]!.delayMs, 5);
  assert.equal(t.routers[0]!.implementation, 'anycast', 'this project\'s speaker is the default');
});

test('every shipped topology parses', () => {
  const files = [join(ROOT, 'examples', 'world.yaml'), ...readdirSync(join(ROOT, 'examples', 'lab')).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, 'examples', 'lab', f))];
  assert.ok(files.length >= 3);
  for (const f of files) {
    const t = parseTopology(readFileSync(f, 'utf8'), f);
    assert.ok(t.sites.length > 0, f);
  }
});

test('unknown key: named with its path and line', () => {
  rejects(BASE.replace('r1: {}', 'r1: {colour: red}'), 'ases.64500.routers.r1.colour', /unknown key/, 5);
});

test('link to nowhere: a link end that is not a router', () => {
  rejects(BASE.replace('{a: r2, b: x1, delay: 5ms}', '{a: r2, b: x9, delay: 5ms}'), 'links[1].b', /link to nowhere: "x9" is not a router/, 15);
});

test('unknown node: a client attached to a router that does not exist', () => {
  rejects(BASE.replace('c1: {router: x1}', 'c1: {router: nope}'), 'clients.c1.router', /link to nowhere: "nope"/);
});

test('unknown node: a site upstream that does not exist, and a site used as a link end', () => {
  rejects(BASE.replace('upstreams: [r1]', 'upstreams: [r7]'), 'sites.s1.upstreams[0]', /"r7" is not a router/);
  rejects(BASE.replace('{a: r1, b: r2}', '{a: r1, b: s1}'), 'links[0].b', /s1" is a site: sites are attached with sites.s1.upstreams/);
});

test('duplicate node names across routers, sites and clients', () => {
  rejects(BASE.replace('c1: {router: x1}', 'r1: {router: x1}'), 'clients.r1', /already used by a router/);
  rejects(BASE.replace('      x1: {}', '      r1: {}').replace('{a: r2, b: x1, delay: 5ms}', '{a: r2, b: r1}').replace('c1: {router: x1}', 'c1: {router: r1}'), 'ases.64501.routers.r1', /defined twice/);
});

test('duplicate address: an explicit link address equal to another, and overlapping subnets', () => {
  const dup = BASE.replace('{a: r1, b: r2}', '{a: r1, b: r2, ipv4: [10.9.0.1/30, 10.9.0.2/30]}')
    .replace('{a: r2, b: x1, delay: 5ms}', '{a: r2, b: x1, delay: 5ms, ipv4: [10.9.0.2/30, 10.9.0.1/30]}');
  rejects(dup, 'links[1].ipv4[0]', /duplicate address 10\.9\.0\.2 \(also at links\[0\]\.ipv4\[1\]\)/);
  const loop = BASE.replace('r1: {}', 'r1: {loopback-ipv4: 10.9.0.1}').replace('{a: r1, b: r2}', '{a: r1, b: r2, ipv4: [10.9.0.1/30, 10.9.0.2/30]}');
  rejects(loop, 'links[0].ipv4[0]', /duplicate address 10\.9\.0\.1 \(also at ases\.64500\.routers\.r1\.loopback-ipv4\)/);
  const overlap = BASE.replace('{a: r1, b: r2}', '{a: r1, b: r2, ipv4: [10.9.0.1/29, 10.9.0.2/29]}')
    .replace('{a: r2, b: x1, delay: 5ms}', '{a: r2, b: x1, delay: 5ms, ipv4: [10.9.0.5/30, 10.9.0.6/30]}');
  rejects(overlap, 'links[1].ipv4', /subnet 10\.9\.0\.4\/30 overlaps 10\.9\.0\.0\/29/);
  rejects(BASE.replace('{a: r1, b: r2}', '{a: r1, b: r2, ipv6: ["2001:db8:53::1/64", "2001:db8:53::2/64"]}'), 'links[0].ipv6[0]', /inside the anycast prefix 2001:db8:53::\/48/);
});

test('AS loop in the relationships: a provider cycle is named', () => {
  const t = BASE.replace('  - {provider: 64500, customer: 64501}', '  - {provider: 64500, customer: 64501}\n  - {provider: 64501, customer: 64502}\n  - {provider: 64502, customer: 64500}')
    .replace('  64501:\n', '  64502:\n    routers:\n      y1: {}\n  64501:\n');
  rejects(t, 'relationships[0]', /AS loop in the relationships: AS64500 → AS64501 → AS64502 → AS64500/);
});

test('relationships: unknown AS, self, twice, and a link between ASes with none', () => {
  rejects(BASE.replace('{provider: 64500, customer: 64501}', '{provider: 64500, customer: 64599}'), 'relationships[0].customer', /AS64599 has no routers and no sites/);
  rejects(BASE.replace('{provider: 64500, customer: 64501}', '{peers: [64500, 64500]}'), 'relationships[0]', /with itself/);
  rejects(BASE.replace('  - {provider: 64500, customer: 65000}', '  - {provider: 64500, customer: 65000}\n  - {peers: [64501, 64500]}'), 'relationships[2]', /already have a relationship \(relationships\[0\]\)/);
  rejects(BASE.replace('  - {provider: 64500, customer: 64501}\n', ''), 'links[1]', /AS64500 and AS64501 have no relationship/);
});

test('an AS with several routers: connected inside, and implementations that resolve iBGP next hops', () => {
  rejects(BASE.replace('  - {a: r1, b: r2}\n', '').replace('{a: r2, b: x1, delay: 5ms}', '{a: r2, b: x1, delay: 5ms}\n  - {a: r1, b: x1}'),
    'ases.64500.routers.r2', /no path of links inside AS64500/);
  rejects(BASE.replace('r2: {}', 'r2: {implementation: gobgp}'), 'ases.64500.routers.r2.implementation', /gobgp cannot resolve iBGP next hops/);
});

test('values: durations, coordinates, names, addresses, sites', () => {
  rejects(BASE.replace('delay: 5ms', 'delay: 5'), 'links[1].delay', /duration with a unit/);
  rejects(BASE.replace('delay: 5ms', 'delay: fast'), 'links[1].delay', /not a duration/);
  rejects(BASE.replace('r1: {}', 'r1: {coords: [91, 0]}'), 'ases.64500.routers.r1.coords[0]', /from -90 to 90/);
  rejects(BASE.replace('c1: {router: x1}', 'Client_1: {router: x1}'), 'clients.Client_1', /not a valid node name/);
  rejects(BASE.replace('s1: {as: 65000, upstreams: [r1]}', 's1: {as: 65000, upstreams: [r1], service: {ipv4: 198.51.100.53}}'), 'sites.s1.service.ipv4', /not inside 192\.0\.2\.0\/24/);
  rejects(BASE.replace('s1: {as: 65000, upstreams: [r1]}', 's1: {as: 64501, upstreams: [r1]}').replace('  - {provider: 64500, customer: 65000}\n', ''), 'sites.s1.as', /AS64501 has routers/);
  rejects(BASE.replace('s1: {as: 65000, upstreams: [r1]}', 's1: {as: 65000, upstreams: [r1], services: [http]}'), 'sites.s1.services', /must include dns/);
  rejects(BASE.replace('c1: {router: x1}', 'c1: {router: r1, ipv4: 10.70.0.2/30}'), 'clients.c1.ipv4', /only router of its AS/);
  rejects('name: t\nases: {}\nfoo: [', '', /not valid YAML/);
  rejects('ases: {}', 'name', /is required/);
});
