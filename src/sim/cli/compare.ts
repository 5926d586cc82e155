// `anycast sim compare --measured FILE`: agreement of the predicted catchment with a measured one.
import { UsageError } from '../../util/errors.js';
import { compare, parseMeasured } from '../compare.js';
import { csv, json, pct, table } from '../format.js';
import { propagate } from '../propagate.js';
import { commonHelp, compile, outputKind, parse, readText, rejectUnused, tieMode, world, write } from './common.js';

const HELP = `usage: anycast sim compare --measured FILE [options]
  FILE is JSON {"ASN": ["site", …]} (the site(s) where each AS was measured to land, by the deployment's ids).
  Reports the share of ASes whose measured site is the predicted one (or in the predicted set with --mode all).
${commonHelp}`;

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, { measured: { type: 'string' } });
  if (v.help) { write(HELP); return 0; }
  if (v.measured === undefined) throw new UsageError('give --measured FILE');
  rejectUnused(v, 'compare', ['weights']);
  const out = outputKind(v);
  const mode = tieMode(v);
  const w = await world(v);
  const c = compile(v, w);
  const m = parseMeasured(readText(v.measured as string), v.measured as string);
  const r = propagate(w.graph, c.ann, mode);
  const a = compare(w.graph, c, r, m);
  if (out === 'json') { write(json({ deployment: c.name, mode, file: v.measured, ...a })); return 0; }
  if (out === 'csv') {
    write(csv(['site', 'measured', 'agree', 'share', 'predicted_instead'], a.perSite.map((s) =>
      [s.site, s.measured, s.agree, s.agree / s.measured, Object.entries(s.predictedElsewhere).map(([k, x]) => `${k}:${x}`).join(' ')])));
    return 0;
  }
  write(`${c.name} vs ${v.measured}: ${a.measured} measured ASes; compared ${a.compared} ` +
    `(not in graph ${a.notInGraph}, unknown site ${a.unknownSite}, no predicted route ${a.noRoute}); tie-break ${mode}`);
  write(`agreement: ${pct(a.agreeShare)} (${a.agree}/${a.compared}) measured site ${mode === 'all' ? 'in the predicted set' : 'is the predicted one'}` +
    (mode === 'all' ? `; exact (single predicted site) ${a.exact}; mean probability given to the measured site ${pct(a.meanProbability)}` : '') + '\n');
  write(table([{ title: 'measured site' }, { title: 'ASes' }, { title: 'agree' }, { title: 'share', align: 'right' }, { title: 'predicted instead (top)' }],
    a.perSite.map((s) => [s.site, s.measured, s.agree, pct(s.agree / s.measured),
      Object.entries(s.predictedElsewhere).slice(0, 3).map(([k, x]) => `${k} ${x}`).join(', ')])));
  return 0;
}
