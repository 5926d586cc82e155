// What the `anycast lab` subcommands share: strict option parsing into UsageError, output as a table or as
// JSON (--json), and durations on the command line ("10s", "500ms").

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../../util/errors.js';
import { argsErrorReason } from '../../cli/args.js';
import { parseDuration } from '../topology/reader.js';

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, help: string) {
  try {
    const r = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    if ((r.values as { help?: boolean }).help) {
      process.stdout.write(help.trimEnd() + '\n');
      return null;
    }
    return r;
  } catch (e) {
    // One line naming the problem and where the options are, not the whole help text.
    const cmd = /^usage: (anycast(?: [a-z-]+)+)/.exec(help.trimStart())?.[1];
    throw new UsageError(`${argsErrorReason(e as Error)}${cmd !== undefined ? ` (${cmd} --help)` : ''}`);
  }
}

export function write(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
}

export function json(v: unknown): string {
  return JSON.stringify(v, null, 2);
}

export function durationArg(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const ms = parseDuration(v);
  if (typeof ms === 'string') throw new UsageError(`--${name}: ${ms}`);
  return ms;
}

export function intArg(v: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name}: must be an integer from ${min} to ${max} (got ${v})`);
  return n;
}

/** Prints progress lines on stderr (never on stdout, which carries the result). */
export const progress = (quiet: boolean) => (msg: string): void => {
  if (!quiet) process.stderr.write(`… ${msg}\n`);
};
