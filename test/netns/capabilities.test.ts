import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasProgram, requireDaemon } from '../../src/netns/index.js';
import { MissingCapabilityError } from '../../src/util/errors.js';

test('a daemon missing from PATH is a MissingCapabilityError naming the Debian package', () => {
  assert.equal(hasProgram('sh'), true);
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    assert.equal(hasProgram('sh'), false);
    assert.throws(() => requireDaemon('gobgp'), (e: unknown) => e instanceof MissingCapabilityError && /apt-get install gobgpd/.test(e.message));
    assert.throws(() => requireDaemon('bird'), /bird2/);
  } finally {
    process.env.PATH = saved;
  }
});
