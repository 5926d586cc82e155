// Every generated configuration, with every neutral feature turned on (passive, multihop, add-path, graceful
// restart, Gao-Rexford and reject-all policies, iBGP next-hop-self, originated routes with attributes, kernel
// export where supported), is accepted by the real daemon's own check mode. Needs the daemons, not root.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  birdConfig, birdOriginateConf, exabgpConfig, frrConfig, gobgpConfig, openbgpdConfig, resolveRouter,
} from '../../src/daemons/index.js';
import { exabgpApiScript, exabgpEnv } from '../../src/daemons/exabgp/config.js';
import { daemonVersions, runCommand } from '../../src/netns/index.js';
import { resolved, router } from './fixtures.js';

const root = process.getuid?.() === 0;
const v = daemonVersions();
// Check modes of FRR and OpenBGPD want root (privileges, chroot directories); all of them run as root in CI.
const need = (d: keyof typeof v, pkg: string) => (!root ? 'needs root' : !v[d] ? `${pkg} not installed` : false);
const dir = mkdtempSync(join(tmpdir(), 'acp-configcheck-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const withKernel = { ...resolved, kernelExport: true };

test('BIRD parses the generated bird.conf and originate.conf (bird -p)', { skip: need('bird', 'bird2') }, async () => {
  const orig = join(dir, 'originate.conf');
  writeFileSync(orig, birdOriginateConf(resolved));
  writeFileSync(join(dir, 'bird.conf'), birdConfig(withKernel, { dir, originateFile: orig, logFile: join(dir, 'bird.log') }));
  const r = await runCommand(['bird', '-p', '-c', join(dir, 'bird.conf')], { allowFailure: true });
  assert.equal(r.code, 0, r.stderr);
  // and a broken config is reported, so the check above can fail
  writeFileSync(join(dir, 'bad.conf'), 'protocol bgp x { neighbor as; }\n');
  assert.notEqual((await runCommand(['bird', '-p', '-c', join(dir, 'bad.conf')], { allowFailure: true })).code, 0);
});

test('FRR bgpd accepts the generated bgpd.conf (bgpd -C)', { skip: need('frr', 'frr') }, async () => {
  const f = join(dir, 'bgpd.conf');
  writeFileSync(f, frrConfig(withKernel, { logFile: join(dir, 'frr.log') }));
  const r = await runCommand(['/usr/lib/frr/bgpd', '-C', '-S', '-f', f, '--vty_socket', dir], { allowFailure: true });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /Unknown command|error/i);
});

test('GoBGP accepts the generated gobgpd.toml (gobgpd -d)', { skip: need('gobgp', 'gobgpd') }, async () => {
  const f = join(dir, 'gobgpd.toml');
  writeFileSync(f, gobgpConfig(resolved));
  const r = await runCommand(['gobgpd', '-d', '-f', f], { allowFailure: true });
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('OpenBGPD accepts the generated bgpd.conf (bgpd -n)', { skip: need('openbgpd', 'openbgpd') }, async () => {
  const spec = resolveRouter({ ...router, kernelExport: true, originate: [router.originate![0]!, { prefix: '2001:db8:1::/48', communities: ['65001:6'] }] });
  const f = join(dir, 'obgpd.conf');
  writeFileSync(f, openbgpdConfig(spec, { socket: join(dir, 'bgpd.sock') }));
  chmodSync(f, 0o600);
  const r = await runCommand(['bgpd', '-n', '-f', f], { allowFailure: true });
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('ExaBGP accepts the generated configuration (exabgp --validate)', { skip: need('exabgp', 'exabgp') }, async () => {
  const f = join(dir, 'exabgp.conf');
  writeFileSync(join(dir, 'api.sh'), exabgpApiScript(join(dir, 'ev'), join(dir, 'fifo')), { mode: 0o755 });
  writeFileSync(f, exabgpConfig(resolved, { apiScript: join(dir, 'api.sh') }));
  const r = await runCommand(['exabgp', '--validate', f], { allowFailure: true, env: { ...process.env, ...exabgpEnv(resolved), 'exabgp.tcp.bind': '' }, timeoutMs: 30_000 });
  // --validate, not --test: ExaBGP 4.2.21's --test fails on any route with communities, which run fine. No
  // listening in a check (the addresses exist only in a namespace). Its error report is checked as well.
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /syntax error|incomplete neighbor|invalid/i);
  writeFileSync(join(dir, 'bad-exa.conf'), 'neighbor 10.0.0.1 { peer-as 1; }\n');
  const bad = await runCommand(['exabgp', '--validate', join(dir, 'bad-exa.conf')], { allowFailure: true, env: { ...process.env, ...exabgpEnv(resolved), 'exabgp.tcp.bind': '' }, timeoutMs: 30_000 });
  assert.match(bad.stdout + bad.stderr, /syntax error|incomplete neighbor/i, 'the check can fail');
});
