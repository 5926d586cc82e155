// Replies leave from the address the query was sent to, with the server bound to the wildcard addresses and
// several service addresses on lo — the anycast set-up (RFC 1122 §4.1.3.5; a resolver drops a reply from
// another address). In a namespace of our own (prefix acq): 192.0.2.53, 198.51.100.53, 2001:db8::53 and
// 2001:db8::5353 on its lo; clients bound to 127.0.0.1 / ::1, as a remote client would reach the server on a
// route whose preferred source is another address. The native backend answers each from the address asked
// (IP_PKTINFO / IPV6_PKTINFO, per datagram within a batch); node:dgram, the control, answers from the address
// the kernel picks for the route back, which is why the dgram backend needs each address bound explicitly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { noNative, repoRoot } from './helpers.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const haveIp = spawnSync('ip', ['-V']).status === 0;
const skip = !isRoot ? 'needs root (network namespaces)' : !haveIp ? 'needs iproute2' : false;

const ns = `acq-${process.pid}-a`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const removeNs = () => { spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); };
const targets = ['127.0.0.1', '192.0.2.53', '198.51.100.53', '::1', '2001:db8::53', '2001:db8::5353'];

function runChild(backend: string): { backend: string; maxBatch: number; replies: Array<{ asked: string; from: string | null }> } {
  const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath,
    join(repoRoot, 'dist', 'test', 'dns', 'ns-reply-source-child.js'), backend, ...targets], { encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

test('wildcard bind with several addresses on lo: each reply comes from the address asked', { skip: skip || noNative }, (t) => {
  process.on('exit', removeNs);
  t.after(removeNs);
  ip('netns', 'add', ns);
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  ip('-n', ns, 'addr', 'add', '192.0.2.53/32', 'dev', 'lo');
  ip('-n', ns, 'addr', 'add', '198.51.100.53/32', 'dev', 'lo');
  ip('-n', ns, '-6', 'addr', 'add', '2001:db8::53/128', 'dev', 'lo', 'nodad');
  ip('-n', ns, '-6', 'addr', 'add', '2001:db8::5353/128', 'dev', 'lo', 'nodad');

  const native = runChild('native');
  assert.equal(native.backend, 'native');
  assert.deepEqual(native.replies, targets.map((a) => ({ asked: a, from: a })));

  // The control: without per-datagram source addresses the replies come from the route's preferred source.
  const plain = runChild('dgram');
  assert.equal(plain.backend, 'dgram');
  const wrong = plain.replies.filter((r) => r.from !== null && r.from !== r.asked).map((r) => r.asked);
  assert.deepEqual(wrong, ['192.0.2.53', '198.51.100.53', '2001:db8::53', '2001:db8::5353'],
    `dgram replies: ${JSON.stringify(plain.replies)}`);
});
