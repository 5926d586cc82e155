// `anycast neighbor N reset|refresh|shutdown|enable`: act on one neighbor of the running speaker.
import { UsageError } from '../../util/errors.js';
import { parseCommandArgs } from '../args.js';

export const summary = 'reset, refresh (soft reset), shut down or enable one of the speaker\'s neighbors';

const HELP = `usage:
  anycast neighbor NAME|ADDRESS reset [--message TEXT]     Cease (Administrative Reset) and start again
  anycast neighbor NAME|ADDRESS refresh [--in | --out]     soft reset: ROUTE-REFRESH in, resend out (default both)
  anycast neighbor NAME|ADDRESS shutdown [--message TEXT]  Cease (Administrative Shutdown, RFC 8203 message); stays down
  anycast neighbor NAME|ADDRESS enable                     start a neighbor that was shut down
common: --json, --socket PATH (or HOST:PORT)
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv, allowPositionals: true,
    options: {
      json: { type: 'boolean' }, socket: { type: 'string', short: 's' }, message: { type: 'string', short: 'm' },
      in: { type: 'boolean' }, out: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  }, 'neighbor');
  if (values.help) { process.stdout.write(HELP); return 0; }
  const [name, action, ...rest] = positionals;
  if (name === undefined || action === undefined) throw new UsageError('anycast neighbor needs NAME and an action: reset, refresh, shutdown or enable (anycast neighbor --help)');
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  if ((values.in || values.out) && action !== 'refresh') throw new UsageError('--in / --out go with refresh');
  if (values.message !== undefined && action !== 'reset' && action !== 'shutdown') throw new UsageError('--message goes with reset or shutdown');
  const cli = await import('../../bgp/api/cli.js');
  const { targetOf } = await import('../../bgp/api/client.js');
  const out = (t: string) => process.stdout.write(t.endsWith('\n') ? t : t + '\n');
  const direction = values.in && !values.out ? 'in' : values.out && !values.in ? 'out' : undefined;
  return cli.neighborCommand(targetOf(values.socket), name, action,
    { ...(values.message !== undefined ? { message: values.message } : {}), ...(direction !== undefined ? { direction } : {}) },
    values.json ?? false, out);
}
