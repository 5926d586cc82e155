// `anycast decode`: readable and JSON output, exit codes, context options.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { toHex } from '../../../src/bgp/wire/addr.js';
import { attr, BASE_ATTRS, msg, update } from './helpers.js';

const main = join(process.cwd(), 'dist/src/cli/main.js');
function run(...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [main, 'decode', ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

test('decode prints a clean UPDATE and exits 0; hex may contain spaces and colons', () => {
  const hex = toHex(update('', BASE_ATTRS + attr(0xc0, 8, 'fde80001'), '18c00002'));
  const spaced = hex.match(/../g)!.join(':');
  const r = run(spaced);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /AS_PATH\s+\[0x40\] 64512/);
  assert.match(r.out, /COMMUNITIES\s+\[0xc0\] 65000:1/);
  assert.match(r.out, /nlri: 192\.0\.2\.0\/24/);
  const j = JSON.parse(run(hex, '--json').out);
  assert.equal(j.ok, true);
  assert.deepEqual(j.message.nlri, ['192.0.2.0/24']);
  assert.equal(j.action, null);
});

test('a malformed message prints the typed error, NOTIFICATION code/subcode and action, exit 1', () => {
  const bad = toHex(update('', BASE_ATTRS + attr(0x40, 1, '05'), '18c00002')); // duplicate + invalid ORIGIN copy
  const r = run(bad);
  assert.equal(r.code, 1);
  assert.match(r.out, /attr-duplicate/);
  const fatal = run(toHex(update('21c0000201', '', '')), '--json');
  assert.equal(fatal.code, 1);
  const j = JSON.parse(fatal.out);
  assert.equal(j.ok, false);
  assert.equal(j.error.kind, 'nlri-invalid');
  assert.equal(j.error.action, 'reset');
  assert.deepEqual([j.error.notification.code, j.error.notification.subcode], [3, 10]);
  assert.equal(j.error.notification.subcodeName, 'Invalid Network Field');
  const treat = JSON.parse(run(toHex(update('', BASE_ATTRS.replace('40010100', '40010103'), '18c00002')), '--json').out);
  assert.equal(treat.action, 'withdraw');
  assert.equal(treat.errors[0].notification.subcode, 6);
});

test('context options change the decoding: --as4 and --addpath', () => {
  const four = toHex(update('', attr(0x40, 1, '00') + attr(0x40, 2, '0201fa56ea01') + attr(0x40, 3, 'c0000201'), '18c00002'));
  assert.equal(run(four).code, 1, 'a 4-octet path read as 2-octet is malformed');
  const ok = JSON.parse(run(four, '--as4', '--json').out);
  assert.equal(ok.message.attributes[1].value, '4200000001');
  const withId = toHex(msg(2, '0008 00000007 18c63364 0000'));
  const j = JSON.parse(run(withId, '--addpath', '--json').out);
  assert.deepEqual(j.message.withdrawn, [{ prefix: '198.51.100.0/24', pathId: 7 }]);
});

test('usage errors exit 2', () => {
  assert.equal(run('zz').code, 2);
  assert.equal(run().code, 2);
});
