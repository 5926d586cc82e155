#!/usr/bin/env node
// Runs the whole test suite with node's own test runner, then prints one summary line.
//   node scripts/test.mjs                 every test
//   node scripts/test.mjs test/bgp/wire   only the test files under these paths (source paths, .ts or folders)
// Files named *.ns.test.ts create network namespaces or start real daemons: they need root and run one at a time,
// after the unit tests, which run in parallel. Without root they are reported as skipped, never as passed.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const filters = process.argv.slice(2).map((p) => p.replace(/\.ts$/, '').replace(/\/$/, ''));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const all = walk(join(dist, 'test')).sort().filter((f) => {
  if (filters.length === 0) return true;
  const src = relative(dist, f).split(sep).join('/').replace(/\.js$/, '');
  return filters.some((flt) => src === flt || src.startsWith(flt + '/') || src.startsWith(flt));
});
const ns = all.filter((f) => f.endsWith('.ns.test.js'));
const unit = all.filter((f) => !f.endsWith('.ns.test.js'));

const totals = { tests: 0, pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
function runGroup(files, concurrency, timeoutMs) {
  if (files.length === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`,
      '--test-reporter=spec', ...files,
    ], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      for (const key of Object.keys(totals)) {
        const m = tail.match(new RegExp(`ℹ ${key} (\\d+)`));
        if (m) totals[key] += Number(m[1]);
      }
      resolve(code ?? 1);
    });
  });
}

const started = Date.now();
const codeUnit = await runGroup(unit, 2, 300_000);
const codeNs = await runGroup(ns, 1, 900_000);
const secs = ((Date.now() - started) / 1000).toFixed(1);
const ok = codeUnit === 0 && codeNs === 0 && totals.fail === 0 && totals.cancelled === 0;
console.log(`\nanycast tests: ${totals.tests} tests, ${totals.pass} passed, ${totals.fail} failed, ` +
  `${totals.skipped} skipped, ${totals.cancelled} cancelled (${unit.length} unit files, ${ns.length} namespace ` +
  `files, ${secs} s) — ${ok ? 'OK' : 'FAILED'}`);
process.exit(ok ? 0 : 1);
