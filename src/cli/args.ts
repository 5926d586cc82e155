// Command-line parsing shared by the command modules: node:util parseArgs, with its own errors (an unknown
// option, a missing option value, an unexpected positional) turned into a one-line UsageError, so that main prints
// `anycast: <reason>` (or {"error":…} with --json) and exits 2 instead of printing a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../util/errors.js';

/** parseArgs, strict, whose errors are UsageErrors naming the command (as `mrt dump`; the message points at its --help). */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T, command: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(`${command}: ${argsErrorReason(e as Error)} (anycast ${command} --help)`);
    }
    throw e;
  }
}

/** node's parseArgs message without its trailing advice on '--' (one short line naming the option). */
export function argsErrorReason(e: Error): string {
  const first = e.message.split('\n')[0]!.trim();
  const cut = first.indexOf('. To specify a positional argument');
  return cut >= 0 ? first.slice(0, cut) : first;
}
