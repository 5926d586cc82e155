// Benchmark helper: read an MRT file with the streaming reader and count records and RIB entries / announced and
// withdrawn prefixes, without printing them (the cost of parsing alone). Prints one JSON line.
//   node dist/bench/mrt/read-only.js FILE [--attrs]   (--attrs: also decode every RIB entry's attributes)
import { readMrtBatches } from '../../src/mrt/reader.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: read-only FILE [--attrs]\n');
  process.exit(2);
}
const attrs = process.argv.includes('--attrs');
const t0 = performance.now();
let records = 0, entries = 0, errors = 0, attributes = 0;
for await (const batch of readMrtBatches(file)) {
  for (const it of batch) {
    if (!it.ok) { errors++; continue; }
    records++;
    const r = it.record;
    if (r.kind === 'RIB' || r.kind === 'RIB_GENERIC') {
      entries += r.entries.length;
      if (attrs) for (const e of r.entries) attributes += e.attrs.list.length;
    } else if (r.kind === 'BGP4MP_MESSAGE' && r.message?.type === 'UPDATE') {
      const m = r.message;
      entries += m.nlri.length + m.withdrawn.length;
      if (m.mpReach !== null && !('opaque' in m.mpReach)) entries += m.mpReach.length;
      if (m.mpUnreach !== null && !('opaque' in m.mpUnreach)) entries += m.mpUnreach.length;
    }
  }
}
process.stdout.write(JSON.stringify({ records, entries, errors, attributes, ms: Math.round(performance.now() - t0) }) + '\n');
