// AS-path regular expressions with the Cisco/Junos `_` boundary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileAsPathRegex } from '../../../src/bgp/policy/aspath-regex.js';

test('`_` matches the start, the end and separators; whole AS numbers with it', () => {
  const cases: [string, string, boolean][] = [
    ['_64500_', '64500', true], ['_64500_', '64501 64500 64502', true], ['_64500_', '164500 645001', false],
    ['^64500_', '64500 64501', true], ['^64500_', '64501 64500', false], ['_64500$', '64501 64500', true],
    ['^$', '', true], ['^$', '64500', false], ['^64500_64501_', '64500 64501 64502', true],
    ['^64500_64501_', '64500 64502 64501', false], ['_64502_', '64500 {64501,64502}', true],
    ['_64502_', '(64502) 64500', true], ['^64500(_64500)*$', '64500 64500 64500', true],
    ['^64500(_64500)*$', '64500 64501', false], ['_6450[0-9]_', '1 64507 2', true], ['.*', 'anything', true],
    ['a\\_b', 'a_b', true], ['[_]', '_', true],
  ];
  for (const [re, text, expect] of cases) assert.equal(compileAsPathRegex(re).test(text), expect, `${re} ~ "${text}"`);
});

test('invalid patterns throw', () => {
  assert.throws(() => compileAsPathRegex('(64500'));
});
