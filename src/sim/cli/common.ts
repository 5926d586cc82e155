// What every `anycast sim` subcommand shares: the options for inputs and output, loading the world and the
// deployment, progress on stderr for long runs. The subcommands stay small and print through format.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { argsErrorReason } from '../../cli/args.js';
import { UsageError } from '../../util/errors.js';
import { compileDeployment, type Compiled } from '../compile.js';
import { parseDeployment, type Deployment } from '../deployment.js';
import { defaults, InputError, loadWorld, type World } from '../load.js';
import type { TieMode } from '../propagate.js';
import { rootDeployment } from '../root.js';
import { parseWeights, type Weights } from '../weights.js';

export const DEFAULT_DEPLOYMENT = join(defaults.examples, 'k-root.yaml');

export const commonOptions = {
  graph: { type: 'string' },
  names: { type: 'string' },
  centroids: { type: 'string' },
  deployment: { type: 'string', short: 'd' },
  root: { type: 'string' },
  mode: { type: 'string', default: 'lowest-asn' },
  weights: { type: 'string' },
  json: { type: 'boolean', default: false },
  csv: { type: 'boolean', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export const commonHelp = `inputs:
  --graph FILE        CAIDA AS relationships, serial-1 or serial-2, plain/.gz/.bz2 (default: the shipped 2018-01-01 graph)
  --names FILE        asn-names (ASN:NAME, CC) for names and countries (default: shipped)
  --centroids FILE    country centroids CC:name:lat:lon (default: shipped)
  -d, --deployment F  deployment YAML/JSON (default: examples/sim/k-root.yaml)
  --root X            use DNS root letter X (a..m) as the deployment, placed by the documented heuristic
  --mode M            tie-break: lowest-asn (default, as BGPy) or all (keep every tied route; catchments as sets)
  --weights FILE      per-AS weights (users/traffic): JSON {"ASN": n} or lines "ASN weight" (default: 1 per AS)
output:
  --json | --csv      machine-readable output instead of tables
  -q, --quiet         no progress on stderr`;

export type Values = { [k: string]: string | boolean | string[] | undefined };

/** An option parseArgs refused; the dispatcher adds which subcommand's --help lists the options. */
export class SimArgsError extends UsageError {}

export function parse<O extends ParseArgsConfig['options']>(argv: string[], options: O, positionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...commonOptions, ...options }, allowPositionals: positionals, strict: true });
  } catch (e) {
    throw new SimArgsError(argsErrorReason(e as Error));
  }
}

export function tieMode(v: Values): TieMode {
  const m = v.mode;
  if (m === 'lowest-asn' || m === 'all') return m;
  throw new UsageError(`--mode must be lowest-asn or all, got '${String(m)}'`);
}

/**
 * Refuses common options that `sub` has no use for, rather than ignoring them silently (a user who passes
 * --weights to converge would otherwise believe the weights were applied).
 */
export function rejectUnused(v: Values, sub: string, options: Array<keyof typeof commonOptions>): void {
  for (const o of options) {
    const given = o === 'mode' ? v.mode !== commonOptions.mode.default : v[o] !== undefined && v[o] !== false;
    if (given) throw new UsageError(`--${o} has no effect on 'anycast sim ${sub}'`);
  }
}

/** A JSON input file, its syntax errors reported with the file name. */
export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `invalid JSON: ${(e as Error).message}`);
  }
}

/** --limit N: how many table rows to show (all when absent). */
export function limitOf(v: Values): number {
  const limit = v.limit === undefined ? Infinity : Number(v.limit);
  if (!(limit >= 1)) throw new UsageError('--limit must be a positive number');
  return limit;
}

export function outputKind(v: Values): 'table' | 'json' | 'csv' {
  if (v.json && v.csv) throw new UsageError('choose one of --json and --csv');
  return v.json ? 'json' : v.csv ? 'csv' : 'table';
}

export class Progress {
  private last = 0;
  constructor(private readonly enabled: boolean, private readonly what: string) {}
  tick(done: number, total: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 250 && done < total) return;
    this.last = now;
    process.stderr.write(`\r${this.what}: ${done}/${total} (${Math.round((100 * done) / total)}%)`);
    if (done >= total) process.stderr.write('\n');
  }
  note(msg: string): void {
    if (this.enabled) process.stderr.write(`${msg}\n`);
  }
}

export function progressEnabled(v: Values): boolean {
  return !v.quiet && !v.json && process.stderr.isTTY === true;
}

export async function world(v: Values): Promise<World> {
  return loadWorld({ graph: v.graph as string | undefined, names: v.names as string | undefined,
    centroids: v.centroids as string | undefined });
}

export function readText(path: string): string {
  if (!existsSync(path)) throw new InputError(path, 'no such file');
  return readFileSync(path, 'utf8');
}

export function rootFile(letter: string): string {
  const l = letter.toLowerCase();
  if (!/^[a-m]$/.test(l)) throw new UsageError(`a root letter is a..m, got '${letter}'`);
  return join(defaults.rootServers, `root_${l}.json`);
}

export function loadDeployment(v: Values, w: World): Deployment {
  if (v.root !== undefined && v.deployment !== undefined) throw new UsageError('give --deployment or --root, not both');
  if (v.root !== undefined) {
    const f = rootFile(v.root as string);
    return rootDeployment(readJson(f), v.root as string, f, w.graph, w.info, w.centroids);
  }
  const f = (v.deployment as string | undefined) ?? DEFAULT_DEPLOYMENT;
  return parseDeployment(readText(f), f);
}

export function compile(v: Values, w: World): Compiled {
  return compileDeployment(w.graph, loadDeployment(v, w), w);
}

export function weights(v: Values, w: World, option = 'weights'): Weights | undefined {
  const f = v[option] as string | undefined;
  return f === undefined ? undefined : parseWeights(readText(f), f, w.graph);
}

export function siteByName(c: Compiled, id: string): number {
  const i = c.siteIndex.get(id);
  if (i === undefined) {
    const known = c.sites.slice(0, 12).map((s) => s.id).join(', ');
    throw new UsageError(`no site '${id}' in ${c.file} (sites: ${known}${c.sites.length > 12 ? ', …' : ''})`);
  }
  return i;
}

export function asName(w: World, asn: number): string {
  return w.info.name.get(asn) ?? '';
}

export function write(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
}
