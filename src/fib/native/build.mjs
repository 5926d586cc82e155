#!/usr/bin/env node
// Builds the optional rtnetlink addon of the kernel FIB (rtnl.c, with nlread.c for in-process route reads and
// nssock.c for TCP sockets inside other network namespaces → build/Release/anycast_rtnl.node) with
// node-gyp against Node's own headers (nodedir from npm's config, /usr on a Debian Node, or the running Node's
// prefix), using the node-gyp that ships with npm — nothing is downloaded. Without node-gyp it falls back to
// one C compiler call (an N-API addon links against nothing). Plain JavaScript so that setup can run it before
// the TypeScript build. Without the addon the kernel FIB writes routes through `ip -batch` (slower, same
// behaviour), so by default this exits 0 and says why when it cannot build; --strict makes that exit 1.
//   node src/fib/native/build.mjs [--force] [--quiet] [--strict]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const out = join(dir, 'build', 'Release', 'anycast_rtnl.node');
const quiet = process.argv.includes('--quiet');
const strict = process.argv.includes('--strict');
const force = process.argv.includes('--force');
const say = (m) => { if (!quiet) console.log(`rtnl: ${m}`); };
const stdio = quiet ? 'ignore' : 'inherit';

const inputs = [join(dir, 'rtnl.c'), join(dir, 'nssock.c'), join(dir, 'nlread.c'), join(dir, 'binding.gyp'), fileURLToPath(import.meta.url)];
if (!force && existsSync(out) && statSync(out).mtimeMs >= Math.max(...inputs.map((f) => statSync(f).mtimeMs))) {
  say('up to date');
  process.exit(0);
}
if (process.platform !== 'linux') {
  say(`not built: ${process.platform} has no rtnetlink; the kernel FIB uses ip -batch`);
  process.exit(strict ? 1 : 0);
}

function npmNodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const r = spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const v = (r.stdout ?? '').trim();
  return r.status === 0 && v && v !== 'undefined' && v !== 'null' ? v : undefined;
}
const prefix = dirname(dirname(process.execPath));
const nodedir = [npmNodedir(), '/usr', prefix].find((d) => d && existsSync(join(d, 'include', 'node', 'node_api.h')));

function gyp() {
  const bin = [
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ].find((c) => existsSync(c));
  if (!bin || !nodedir) return false;
  const r = spawnSync(process.execPath, [bin, 'rebuild', `--nodedir=${nodedir}`], { cwd: dir, stdio });
  return r.status === 0 && existsSync(out);
}

function cc() {
  if (!nodedir) return false;
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync(process.env.CC || 'cc', ['-O2', '-shared', '-fPIC', '-fvisibility=hidden', '-DNODE_GYP_MODULE_NAME=anycast_rtnl',
    `-I${join(nodedir, 'include', 'node')}`, join(dir, 'rtnl.c'), join(dir, 'nssock.c'), join(dir, 'nlread.c'), '-o', out], { stdio });
  return r.status === 0 && existsSync(out);
}

if (!nodedir) {
  say('not built: no Node headers (include/node/node_api.h); the kernel FIB uses ip -batch');
  process.exit(strict ? 1 : 0);
}
let ok = false;
if (gyp() || cc()) {
  try {
    const m = createRequire(import.meta.url)(out);
    ok = typeof m.open === 'function' && typeof m.tcpListen === 'function' && typeof m.dump === 'function';
  } catch (e) {
    say(`built but does not load: ${e.message}`);
  }
}
say(ok ? `built ${out}` : 'not built; the kernel FIB uses ip -batch');
process.exit(ok || !strict ? 0 : 1);
