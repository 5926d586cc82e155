// The `anycast demo` command line: picks the runtime (network namespaces as root; in-process otherwise, once
// it exists), loads the world, runs the demo, prints the report (or its JSON).

import { fileURLToPath } from 'node:url';
import { detectCapabilities } from '../../netns/capabilities.js';
import { UsageError } from '../../util/errors.js';
import { runDemo } from '../demo.js';
import { loadTopology } from '../topology/parse.js';
import { json, parse, progress, write } from './common.js';

export const DEFAULT_WORLD = fileURLToPath(new URL('../../../../examples/world.yaml', import.meta.url));

export async function demo(argv: string[]): Promise<number> {
  const a = parse(argv, {
    topology: { type: 'string', short: 't' }, runtime: { type: 'string' }, fail: { type: 'string' }, 'no-ddos': { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
  }, `usage: anycast demo [--topology FILE] [--runtime auto|netns|inproc] [--fail SITE] [--no-ddos] [--json] [-q]
  Brings the world up (default examples/world.yaml), shows the catchment, fails a site (default tokyo) and
  restores it, splits a DDoS, tears everything down, and explains each step. Needs root for network
  namespaces; --runtime inproc runs the same in one process.`);
  if (!a) return 0;
  const file = a.values.topology ?? DEFAULT_WORLD;
  const t = loadTopology(file);
  let runtime = a.values.runtime ?? 'auto';
  if (!['auto', 'netns', 'inproc'].includes(runtime)) throw new UsageError('--runtime must be auto, netns or inproc');
  if (runtime === 'auto') {
    const caps = await detectCapabilities('acd');
    runtime = caps.root && caps.netns ? 'netns' : 'inproc';
    if (runtime === 'inproc') process.stderr.write(`anycast demo: no network namespaces here (${caps.notes.join('; ')}); trying the in-process runtime\n`);
  }
  const quiet = !!a.values.quiet || !!a.values.json;
  const report = await runDemo(t, {
    runtime: runtime as 'netns' | 'inproc',
    ...(a.values.fail ? { failSite: a.values.fail } : {}), skipDdos: !!a.values['no-ddos'],
    write: a.values.json ? () => undefined : write, progress: progress(quiet),
  });
  if (a.values.json) write(json(report));
  return 0;
}
