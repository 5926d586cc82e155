#!/usr/bin/env node
// Builds the udpbatch addon (batched UDP for the DNS responder) with the C compiler against the Node headers that
// are already on this machine — no network, no node-gyp header download. Linux only; elsewhere, or without a
// compiler or headers, it says why and exits 0: the DNS server then uses node:dgram and logs that once.
//   node native/udpbatch/build.mjs [--force] [--quiet]
// Headers: $npm_config_nodedir or `nodedir` from npm config (…/include/node), else next to the node binary
// (<prefix>/include/node), else the node-gyp cache. Output: native/udpbatch/build/udpbatch.node. Rebuilt only
// when the source or this script is newer than the output (or with --force).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sources = readdirSync(here).filter((f) => f.endsWith('.c')).sort().map((f) => join(here, f));
const inputs = [...sources, ...readdirSync(here).filter((f) => f.endsWith('.h')).map((f) => join(here, f))];
const out = join(here, 'build', 'udpbatch.node');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');
const say = (m) => { if (!quiet) console.log(`udpbatch: ${m}`); };

function done(msg, code = 0) {
  say(msg);
  process.exit(code);
}

if (process.platform !== 'linux') done(`not built: ${process.platform} is not Linux (recvmmsg/sendmmsg); the DNS server uses node:dgram`);

const newest = Math.max(...[...inputs, fileURLToPath(import.meta.url)].map((f) => statSync(f).mtimeMs));
if (!force && existsSync(out) && statSync(out).mtimeMs >= newest) done('up to date');

function npmNodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const r = spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const v = (r.stdout ?? '').trim();
  return r.status === 0 && v && v !== 'undefined' && v !== 'null' ? v : undefined;
}
const candidates = [];
const nd = npmNodedir();
if (nd) candidates.push(join(nd, 'include', 'node'));
candidates.push(join(dirname(dirname(process.execPath)), 'include', 'node'));
candidates.push(join(homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'));
const include = candidates.find((d) => existsSync(join(d, 'node_api.h')) && existsSync(join(d, 'uv.h')));
if (!include) done(`not built: no Node headers (node_api.h, uv.h) in ${candidates.join(', ')}; the DNS server uses node:dgram`);

const cc = process.env.CC || 'cc';
if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status !== 0) {
  done(`not built: no C compiler ('${cc}'); the DNS server uses node:dgram`);
}
mkdirSync(join(here, 'build'), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
// Node-API symbols and libuv are resolved from the node binary at load time (hence no -l flags and no -z defs).
// Hidden visibility: only the module's registration is exported, so no internal name can bind to node's symbols.
const args = ['-O2', '-std=gnu11', '-fPIC', '-shared', '-fvisibility=hidden', '-Wall', '-Wextra', '-Wno-unused-parameter',
  '-DNODE_GYP_MODULE_NAME=udpbatch', '-I', include, '-o', tmp, ...sources];
const r = spawnSync(cc, args, { encoding: 'utf8' });
if (r.status !== 0) {
  console.error(`udpbatch: compile failed (${cc} ${args.join(' ')}):\n${r.stderr}`);
  done('not built; the DNS server uses node:dgram');
}
if (r.stderr.trim()) console.error(r.stderr.trim());
renameSync(tmp, out); // atomic: a running server never sees a half-written file
say(`built ${out} (headers ${include})`);
