// This project's speaker as a lab router: its speaker.yaml from the neutral RouterSpec — Gao-Rexford as the
// speaker's policies per role, two sessions per link with their family, iBGP with next-hop-self, originations —
// and accepted by the speaker's own configuration checker.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { resolveRouter } from '../../src/daemons/spec.js';
import { buildModel } from '../../src/lab/model.js';
import { parseSpeakerConfig } from '../../src/bgp/config/load.js';
import { asPathNumbers } from '../../src/lab/speaker/runner.js';
import { speakerConfig } from '../../src/lab/speaker/config.js';
import { parseTopology } from '../../src/lab/topology/parse.js';
import { WORLD } from './helpers.js';

const m = buildModel(parseTopology(readFileSync(WORLD, 'utf8'), WORLD));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const cfgOf = (node: string): any => parseYaml(speakerConfig(resolveRouter(m.speakers[node]!), { socket: '/tmp/s.sock' }));

test('Gao-Rexford as policies: import tags and ranks by role, export to peers and providers only own and customer routes', () => {
  const c = cfgOf('mer-tyo');
  assert.equal(c['local-as'], 64610);
  assert.equal(c.fib, 'kernel');
  assert.deepEqual(c.policies['gr-import-customer'].terms[0].set, { 'local-pref': 200, 'large-community': { remove: ['64610:990:*'], add: ['64610:990:1'] } });
  assert.equal(c.policies['gr-import-provider'].terms[0].set['local-pref'], 50);
  const up = c.policies['gr-export-up'];
  assert.equal(up.default, 'reject');
  assert.deepEqual(up.terms.map((t: { match: unknown }) => t.match), [{ 'route-type': 'local' }, { 'large-community': '64610:990:1' }]);
  for (const t of up.terms) assert.deepEqual(t.set, { 'large-community': { remove: ['64610:990:*'] } });
  const kc = c.neighbors.filter((n: { name: string }) => n.name.startsWith('kc_sel'));
  assert.deepEqual(kc.map((n: { families: string[] }) => n.families), [['ipv4-unicast'], ['ipv6-unicast']]);
  assert.deepEqual(kc.map((n: { import: string; export: string }) => [n.import, n.export]), [['gr-import-customer', 'gr-export-customer'], ['gr-import-customer', 'gr-export-customer']]);
  const peer = c.neighbors.find((n: { name: string }) => n.name === 'mer_lax_4');
  assert.equal(peer, undefined); // mer-lax is iBGP, reached over loopbacks
  const ibgp = c.neighbors.filter((n: { 'remote-as': number }) => n['remote-as'] === 64610);
  assert.equal(ibgp.length, 6);
  for (const n of ibgp) {
    assert.equal(n['next-hop-self'], true);
    assert.deepEqual([n.import, n.export], ['accept', 'accept']);
  }
});

test('sites originate their prefixes as networks; client aggregates carry their tag where the AS needs it', () => {
  assert.deepEqual(cfgOf('tokyo').networks, [{ prefix: '192.0.2.0/24' }, { prefix: '2001:db8:53::/48' }]);
  assert.deepEqual(cfgOf('atl-mia').networks.map((n: { 'large-communities': string[] }) => n['large-communities']), [['64600:990:1'], ['64600:990:1']]);
  assert.deepEqual(cfgOf('chennai').networks, []);
});

test('AS path text as the speaker prints it', () => {
  assert.deepEqual(asPathNumbers('64610 65000'), [64610, 65000]);
  assert.deepEqual(asPathNumbers('64512 {64513,64514} (64515)'), [64512, 64513, 64514, 64515]);
  assert.deepEqual(asPathNumbers(''), []);
});

test('every generated speaker.yaml is accepted by the speaker\'s own checker', () => {
  for (const [node, spec] of Object.entries(m.speakers)) parseSpeakerConfig(speakerConfig(resolveRouter(spec), { socket: '/tmp/s.sock' }), `${node}.yaml`);
});
