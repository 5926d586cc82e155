// Loading the simulator's world from files: the AS graph, AS names/countries and country centroids. The only
// file I/O of the simulator's core; defaults are the copies shipped under data/ (see data/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnycastError } from '../util/errors.js';
import { readInput } from '../util/open-input.js';
import { asGeo, parseAsNames, parseCentroids, type AsGeo, type AsInfo, type Centroid } from './asinfo.js';
import { parseAsRel, type ParseStats } from './caida.js';
import { buildGraph, type AsGraph } from './graph.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository (or installed package) root: dist/src/sim -> ../../.. ; src/sim -> ../.. */
function packageRoot(): string {
  for (const up of [join(here, '..', '..', '..'), join(here, '..', '..')]) {
    if (existsSync(join(up, 'data', 'caida'))) return up;
  }
  return join(here, '..', '..', '..');
}
export const dataDir = join(packageRoot(), 'data');
export const defaults = {
  graph: join(dataDir, 'caida', '20180101.as-rel.txt.bz2'),
  names: join(dataDir, 'caida', 'asn-names.txt.gz'),
  centroids: join(dataDir, 'caida', 'country-centroids.txt'),
  rootServers: join(dataDir, 'root-servers'),
  examples: join(packageRoot(), 'examples', 'sim'),
};

export class InputError extends AnycastError {
  constructor(file: string, reason: string) {
    super('ERR_INPUT', `${file}: ${reason}`);
  }
}

export interface World {
  graph: AsGraph;
  info: AsInfo;
  centroids: Map<string, Centroid>;
  geo: AsGeo;
  source: { graph: string; stats: ParseStats; loadMs: number };
}

async function read(path: string): Promise<Buffer> {
  if (!existsSync(path)) throw new InputError(path, 'no such file');
  return readInput(path);
}

export async function loadGraph(path = defaults.graph): Promise<{ graph: AsGraph; stats: ParseStats }> {
  const buf = await read(path);
  const { edges, stats } = parseAsRel(buf, path);
  if (stats.links === 0) throw new InputError(path, 'no AS links in the file');
  return { graph: buildGraph(edges), stats };
}

export async function loadWorld(opts: { graph?: string; names?: string; centroids?: string } = {}): Promise<World> {
  const t0 = performance.now();
  const [{ graph, stats }, namesBuf] = await Promise.all([
    loadGraph(opts.graph ?? defaults.graph),
    read(opts.names ?? defaults.names),
  ]);
  const cpath = opts.centroids ?? defaults.centroids;
  if (!existsSync(cpath)) throw new InputError(cpath, 'no such file');
  const info = parseAsNames(namesBuf.toString('utf8'));
  const centroids = parseCentroids(readFileSync(cpath, 'utf8'));
  const geo = asGeo(graph, info, centroids);
  return { graph, info, centroids, geo,
    source: { graph: opts.graph ?? defaults.graph, stats, loadMs: performance.now() - t0 } };
}
