// `anycast show ...`: the running speaker's neighbors, tables and decisions (birdc/gobgp-style tables, --json).
import { UsageError } from '../../util/errors.js';
import { parseCommandArgs } from '../args.js';

export const summary = 'show the speaker\'s neighbors, RIB and best-path decisions';

const HELP = `usage:
  anycast show neighbors                         one line per neighbor
  anycast show neighbor NAME|ADDRESS             session, capabilities, counters
  anycast show rib [PREFIX|ADDRESS] [--best] [--in NEIGHBOR [--pre-policy] | --out NEIGHBOR] [--limit N]
  anycast show route PREFIX [--explain]          every candidate and the rule that decided; export per neighbor
  anycast show routes                            routes we originate (network statements and route add)
  anycast show status                            the speaker's summary
common: --json, --socket PATH (or HOST:PORT)
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv, allowPositionals: true,
    options: {
      json: { type: 'boolean' }, socket: { type: 'string', short: 's' }, in: { type: 'string' }, out: { type: 'string' },
      'pre-policy': { type: 'boolean' }, limit: { type: 'string' }, best: { type: 'boolean' }, explain: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  }, 'show');
  if (values.help) { process.stdout.write(HELP); return 0; }
  const cli = await import('../../bgp/api/cli.js');
  const { targetOf } = await import('../../bgp/api/client.js');
  const out = (t: string) => process.stdout.write(t.endsWith('\n') ? t : t + '\n');
  const json = values.json ?? false;
  const t = targetOf(values.socket);
  const [what, arg, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}' (anycast show --help)`);
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    // /^\d+$/ first: Number('') and Number(' 7') are numbers too.
    if (!/^\d+$/.test(values.limit) || !Number.isSafeInteger(limit)) throw new UsageError(`--limit needs a non-negative integer, got '${values.limit}'`);
  }
  // An option that the chosen table does not use is refused rather than silently dropped.
  const ribOnly = (['in', 'out', 'pre-policy', 'best', 'limit'] as const).filter((k) => values[k] !== undefined);
  if (what !== 'rib' && ribOnly.length > 0) throw new UsageError(`--${ribOnly[0]} goes with anycast show rib`);
  if (what !== 'route' && values.explain !== undefined) throw new UsageError('--explain goes with anycast show route');
  switch (what) {
    case 'neighbors': return cli.showNeighbors(t, json, out);
    case 'neighbor':
      if (arg === undefined) throw new UsageError('anycast show neighbor needs a NAME or ADDRESS');
      return cli.showNeighbor(t, arg, json, out);
    case 'rib':
      return cli.showRib(t, { ...(arg !== undefined ? { prefix: arg } : {}), ...(values.in !== undefined ? { in: values.in } : {}),
        ...(values.out !== undefined ? { out: values.out } : {}), prePolicy: values['pre-policy'] ?? false, best: values.best ?? false,
        ...(limit !== undefined ? { limit } : {}) }, json, out);
    case 'route':
      if (arg === undefined) throw new UsageError('anycast show route needs a PREFIX');
      return cli.showRoute(t, arg, values.explain ?? false, json, out);
    case 'routes': return cli.showRoutes(t, json, out);
    case 'status': return cli.statusCommand(t, json, out);
    case undefined: throw new UsageError('anycast show needs what to show: neighbors, neighbor, rib, route, routes or status (anycast show --help)');
    default: throw new UsageError(`unknown: anycast show ${what} (anycast show --help)`);
  }
}
