#!/usr/bin/env node
// Runs the benchmarks, each side by side with its anchor (BIRD, GoBGP, NSD, bgpdump, the reference simulator),
// one area after another, and prints their reports. `npm run bench` runs every area; `npm run bench -- wire dns`
// runs those; `--list` shows what exists. The figures each area measured on this project's reference machine,
// with the exact commands, are in bench/results/<area>.md.
//
// Areas that need root (namespaces, kernel routes, daemons) are reported as skipped without it, never as run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** area → steps: [script under dist/bench, node flags, args, needs root]. */
const AREAS = {
  wire: [['wire/decode.js', ['--expose-gc'], [], false]],
  session: [['session/receive.js', ['--expose-gc'], ['--quick'], true]],
  rib: [['rib/run.js', ['--expose-gc'], [], false]],
  fib: [['fib/lpm.js', ['--expose-gc'], [], false], ['fib/kernel.js', [], ['--v4', '100000', '--v6', '100000'], true]],
  dns: [['dns/run.js', [], ['--duration', '5', '--rounds', '3', '--rate', '20000'], true]],
  sim: [['sim/run.js', [], [], false]],
  mrt: [['mrt/run.js', [], [], false]],
  speaker: [['speaker/run.js', [], [], true]],
  lab: [['lab/run.js', [], ['--sizes', '20,50,100', '--rounds', '1'], true]],
};

const args = process.argv.slice(2);
if (args.includes('--list') || args.includes('--help')) {
  console.log('usage: npm run bench [-- AREA…]\nareas: ' + Object.keys(AREAS).join(' '));
  console.log('results and commands: bench/results/<area>.md');
  process.exit(0);
}
const unknown = args.filter((a) => !(a in AREAS));
if (unknown.length > 0) {
  console.error(`bench: unknown area ${unknown.join(', ')} (areas: ${Object.keys(AREAS).join(' ')})`);
  process.exit(2);
}
const chosen = args.length > 0 ? args : Object.keys(AREAS);
const isRoot = process.getuid?.() === 0;
const outcome = [];
for (const area of chosen) {
  for (const [script, flags, extra, needsRoot] of AREAS[area]) {
    const file = join(root, 'dist', 'bench', script);
    const label = `${area}: ${script}`;
    if (!existsSync(file)) { outcome.push(`${label}: not in this build`); continue; }
    if (needsRoot && !isRoot) { outcome.push(`${label}: skipped (needs root for namespaces and daemons)`); continue; }
    console.log(`\n=== ${label} ${extra.join(' ')}`);
    const started = Date.now();
    const r = spawnSync(process.execPath, [...flags, file, ...extra], { cwd: root, stdio: 'inherit' });
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    outcome.push(`${label}: ${r.status === 0 ? 'done' : `failed (exit ${r.status ?? r.signal})`} in ${secs} s`);
  }
}
console.log('\nbench summary:\n  ' + outcome.join('\n  '));
process.exit(outcome.some((o) => o.includes('failed')) ? 1 : 0);
