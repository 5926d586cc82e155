// `anycast lab graph FILE|--lab NAME`: the topology as Mermaid or DOT text, as SVG/PNG through Graphviz's
// `dot`, or as the simulator's inputs (AS relationships in CAIDA format, the sites as a deployment) — from a
// topology file without deploying it, or from a running lab's recorded state.

import { writeFileSync } from 'node:fs';
import { hasProgram } from '../../netns/capabilities.js';
import { runCommand } from '../../netns/run.js';
import { MissingCapabilityError, UsageError } from '../../util/errors.js';
import { toAsRel, toDot, toMermaid, toSimDeployment } from '../graph.js';
import { buildModel, type LabModel } from '../model.js';
import { readLab, resolveLabName } from '../state.js';
import { loadTopology } from '../topology/parse.js';
import { parse, write } from './common.js';

const FORMATS = ['mermaid', 'dot', 'svg', 'png', 'as-rel', 'deployment'] as const;

export async function graph(argv: string[]): Promise<number> {
  const a = parse(argv, { lab: { type: 'string', short: 'l' }, format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' } },
    `usage: anycast lab graph [FILE | --lab NAME] [--format ${FORMATS.join('|')}] [-o OUT] [--json]
  mermaid (default) and dot print text; svg and png need graphviz (Debian: graphviz) and -o or write to stdout;
  as-rel and deployment are inputs for \`anycast sim\` (CAIDA serial-1 relationships, sites as a deployment).
  --json: {format, nodes, links, text} (or {…, output} with -o) instead of the bare text.`);
  if (!a) return 0;
  const fmt = (a.values.format ?? 'mermaid') as (typeof FORMATS)[number];
  if (!FORMATS.includes(fmt)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const file = a.positionals[0];
  let m: LabModel;
  if (file) m = buildModel(loadTopology(file));
  else m = readLab(resolveLabName(a.values.lab)).model;
  let out: string | Buffer;
  switch (fmt) {
    case 'mermaid': out = toMermaid(m); break;
    case 'dot': out = toDot(m); break;
    case 'as-rel': out = toAsRel(m); break;
    case 'deployment': out = toSimDeployment(m); break;
    default: {
      if (!hasProgram('dot')) throw new MissingCapabilityError('graphviz', 'install the Debian package graphviz (apt-get install graphviz), or use --format dot');
      const r = await runCommand(['sh', '-c', `dot -T${fmt}`], { input: toDot(m), timeoutMs: 60_000 });
      out = fmt === 'svg' ? r.stdout : Buffer.from(r.stdout, 'latin1');
      if (fmt === 'png') {
        // A binary through a text pipe would be mangled: render straight to the file instead.
        if (!a.values.output) throw new UsageError('--format png needs -o FILE');
        await runCommand(['dot', '-Tpng', '-o', a.values.output], { input: toDot(m), timeoutMs: 60_000 });
        write(a.values.json ? JSON.stringify({ format: fmt, nodes: m.nodes.length, links: m.links.length, output: a.values.output })
          : `${a.values.output}: ${m.nodes.length} nodes, ${m.links.length} links`);
        return 0;
      }
    }
  }
  if (a.values.output) {
    writeFileSync(a.values.output, out);
    if (a.values.json) write(JSON.stringify({ format: fmt, nodes: m.nodes.length, links: m.links.length, output: a.values.output }));
    else process.stderr.write(`${a.values.output}: ${fmt}, ${m.nodes.length} nodes, ${m.links.length} links\n`);
  } else if (a.values.json) {
    // For scripts: the text with its counts in one JSON object.
    write(JSON.stringify({ format: fmt, nodes: m.nodes.length, links: m.links.length, text: out.toString() }));
  } else process.stdout.write(out);
  return 0;
}
