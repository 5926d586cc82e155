// Bad topology files are rejected by `anycast lab up`, as root, with the file, the key and the reason, before
// anything is created: no namespace with the lab's prefix, no interface, no process, nothing recorded. The four
// cases named for the lab: an unknown node, a duplicate address, a link to nowhere, an AS loop.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers.js';
import { namespacesWith, skip, useStateDir } from './ns-helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SMALL = readFileSync(join(ROOT, 'examples', 'lab', 'small.yaml'), 'utf8');

const CASES: Array<{ what: string; edit: (t: string) => string; key: string; reason: RegExp }> = [
  { what: 'unknown node', edit: (t) => t.replace('w: {router: west,', 'w: {router: mars,'), key: 'clients.w.router', reason: /"mars" is not a router/ },
  { what: 'duplicate address', edit: (t) => t.replace('{a: west, b: east, delay: 25ms}', '{a: west, b: east, delay: 25ms, ipv4: [10.9.0.1/30, 10.9.0.2/30]}')
    .replace('{a: west, b: access, delay: 12ms}', '{a: west, b: access, delay: 12ms, ipv4: [10.9.0.2/30, 10.9.0.3/30]}'), key: 'links[1].ipv4[0]', reason: /duplicate address 10\.9\.0\.2/ },
  { what: 'link to nowhere', edit: (t) => t.replace('{a: east, b: access, delay: 9ms}', '{a: east, b: nowhere, delay: 9ms}'), key: 'links[2].b', reason: /link to nowhere: "nowhere"/ },
  { what: 'AS loop', edit: (t) => t.replace('  - peers: [64510, 64520]', '  - {provider: 64520, customer: 64510}').replace('{provider: 64520, customer: 64530}', '{provider: 64530, customer: 64520}'),
    key: 'relationships', reason: /AS loop in the relationships/ },
];

test('bad topology files: rejected by lab up before anything is created', { skip, timeout: 60_000 }, () => {
  const state = useStateDir('reject');
  for (const [i, c] of CASES.entries()) {
    const prefix = `aclx${process.pid}${i}`;
    const file = join(state, `bad-${i}.yaml`);
    writeFileSync(file, c.edit(SMALL).replace('prefix: small', `prefix: ${prefix}`));
    const r = spawnSync(process.execPath, [CLI, 'lab', 'up', file, '--json'], { encoding: 'utf8', env: process.env, timeout: 30_000 });
    assert.equal(r.status, 1, `${c.what}: ${r.stdout}${r.stderr}`);
    const e = JSON.parse(r.stdout).error as { code: string; message: string };
    assert.equal(e.code, 'ERR_CONFIG', c.what);
    assert.ok(e.message.startsWith(`${file}: ${c.key}`), `${c.what}: ${e.message}`);
    assert.match(e.message, c.reason, c.what);
    assert.deepEqual(namespacesWith(prefix), [], `${c.what}: no namespace created`);
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
    for (const n of ['west', 'east', 'access', 'west-site', 'east-site']) assert.ok(!new RegExp(`^\\d+: ${n}[@:]`, 'm').test(links), `${c.what}: no interface ${n}`);
  }
  assert.ok(!existsSync(join(state, 'labs')) || readdirSync(join(state, 'labs')).length === 0, 'nothing recorded');
});
