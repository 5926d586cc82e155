#!/usr/bin/env node
// Brings a checkout to a runnable state: npm packages, the TypeScript build, and (as root on Debian) the
// system packages the lab, the interop tests and the benchmarks use. Safe to run again: it only does what is missing.
//   node scripts/setup.mjs              for `npm start` (runtime packages)
//   node scripts/setup.mjs --for-tests  for `npm test` (adds the real BGP daemons, tshark, bgpdump, dig, nsd, dnsperf)
// It also compiles the DNS server's batched-UDP addon (native/udpbatch) with the local C compiler and Node headers,
// offline; where that is not possible it says so and the DNS server falls back to node:dgram.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--for-tests');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`setup: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}
function has(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0 || existsSync(bin);
}

// 1. System packages (Debian). Each entry: the package and a file that proves it is installed.
const runtime = [
  ['iproute2', 'ip'], ['procps', 'ps'], ['bzip2', 'bzip2'], ['iputils-ping', 'ping'],
  // `npm start` runs the lab's world (our speaker on the routers; BIRD for labs that choose it per node),
  // traceroute for the paths packets take, graphviz for `anycast lab graph --format svg|png`.
  ['bird2', 'bird'], ['traceroute', 'traceroute'], ['graphviz', 'dot'],
];
const testing = [
  ['bird2', 'bird'], ['frr', '/usr/lib/frr/bgpd'], ['gobgpd', 'gobgpd'], ['openbgpd', '/usr/sbin/bgpd'],
  ['exabgp', 'exabgp'], ['bgpdump', 'bgpdump'], ['tshark', 'tshark'], ['tcpdump', 'tcpdump'],
  ['dnsutils', 'dig'], ['nsd', 'nsd'], ['dnsperf', 'dnsperf'],
];
const wanted = forTests ? [...runtime, ...testing] : runtime;
const missing = wanted.filter(([, bin]) => !has(bin)).map(([pkg]) => pkg);
if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && has('apt-get')) {
    console.log(`setup: installing Debian packages: ${missing.join(' ')}`);
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.log(`setup: not root or no apt-get; these Debian packages are missing and the parts that need them ` +
      `will say so: ${missing.join(' ')}`);
  }
}

// 2. npm packages: install when node_modules is absent or older than the lock file.
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(stamp) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(stamp).mtimeMs)) {
  console.log('setup: installing npm packages');
  run('npm', [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund', '--ignore-scripts']);
}

// 3. The native UDP addon for the DNS server (Linux; optional: build.mjs explains and exits 0 when it cannot).
run(process.execPath, [join(root, 'native', 'udpbatch', 'build.mjs')]);
// The kernel FIB's rtnetlink addon (exits 0 when it cannot build: routes then go through `ip -batch`, and the lab
// runs a process per router instead of its router host, which needs the addon's namespace sockets).
run(process.execPath, [join(root, 'src', 'fib', 'native', 'build.mjs'), '--quiet']);

// 4. Build (incremental).
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
try {
  execFileSync(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), '--version'], { stdio: 'ignore' });
} catch {
  console.error('setup: the build did not produce a working CLI (dist/src/cli/main.js)');
  process.exit(1);
}
