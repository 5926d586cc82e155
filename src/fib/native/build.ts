// Builds the optional rtnetlink addon (rtnl.c) with node-gyp against Node's own headers (nodedir=/usr on a
// Debian Node, else the running Node's prefix), using the node-gyp that ships with npm — nothing downloaded.
// Without node-gyp it falls back to one direct C compiler call (an N-API addon links against nothing).
// The kernel FIB works without the addon (through `ip -batch`); with it, it writes routes several times faster.
//   node dist/src/fib/native/build.js [--quiet]        exit 0 when the addon was built and loads

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../../../src/fib/native/', import.meta.url));
const out = join(dir, 'build', 'Release', 'anycast_rtnl.node');
const quiet = process.argv.includes('--quiet');
const prefix = join(dirname(process.execPath), '..');
const nodedir = existsSync('/usr/include/node/node_api.h') ? '/usr' : prefix;
const stdio = quiet ? 'ignore' : 'inherit';

function gyp(): boolean {
  const candidates = [
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ];
  const bin = candidates.find((c) => existsSync(c));
  if (!bin) return false;
  const r = spawnSync(process.execPath, [bin, 'rebuild', `--nodedir=${nodedir}`], { cwd: dir, stdio });
  return r.status === 0 && existsSync(out);
}

function cc(): boolean {
  mkdirSync(dirname(out), { recursive: true });
  const inc = join(nodedir, 'include', 'node');
  const r = spawnSync('cc', ['-O2', '-shared', '-fPIC', '-DNODE_GYP_MODULE_NAME=anycast_rtnl', `-I${inc}`, join(dir, 'rtnl.c'), '-o', out], { stdio });
  return r.status === 0 && existsSync(out);
}

const built = gyp() || cc();
let ok = false;
if (built) {
  try {
    const m = createRequire(import.meta.url)(out) as { open?: unknown };
    ok = typeof m.open === 'function';
  } catch (e) {
    if (!quiet) console.error(`rtnl addon built but does not load: ${(e as Error).message}`);
  }
}
if (!quiet) console.log(ok ? `rtnl addon: ${out}` : 'rtnl addon: not built (the kernel FIB will use ip -batch)');
process.exit(ok ? 0 : 1);
