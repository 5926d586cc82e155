// `anycast route add|del PREFIX`: originate or withdraw a route on the running speaker at run time.
import { UsageError } from '../../util/errors.js';
import { parseCommandArgs } from '../args.js';

export const summary = 'originate (add), withdraw (del) or list the routes the running speaker originates';

const HELP = `usage:
  anycast route add PREFIX [--next-hop ADDR] [--community A:B]... [--large-community A:B:C]...
                           [--ext-community rt:A:B]... [--med N] [--local-pref N] [--prepend N]
                           [--as-path "A B C"] [--origin igp|egp|incomplete]
  anycast route del PREFIX
  anycast route list
common: --json, --socket PATH (or HOST:PORT)
`;

function int(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new UsageError(`${what} needs a non-negative integer, got '${v}'`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv, allowPositionals: true,
    options: {
      json: { type: 'boolean' }, socket: { type: 'string', short: 's' }, 'next-hop': { type: 'string' },
      community: { type: 'string', multiple: true }, 'large-community': { type: 'string', multiple: true },
      'ext-community': { type: 'string', multiple: true }, med: { type: 'string' }, 'local-pref': { type: 'string' },
      prepend: { type: 'string' }, 'as-path': { type: 'string' }, origin: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  }, 'route');
  if (values.help) { process.stdout.write(HELP); return 0; }
  const [action, prefix, ...rest] = positionals;
  const cli = await import('../../bgp/api/cli.js');
  const { targetOf } = await import('../../bgp/api/client.js');
  const out = (t: string) => process.stdout.write(t.endsWith('\n') ? t : t + '\n');
  const t = targetOf(values.socket);
  if (action === 'list') {
    if (prefix !== undefined) throw new UsageError(`unexpected argument '${prefix}' (anycast route --help)`);
    return cli.showRoutes(t, values.json ?? false, out);
  }
  if (action !== 'add' && action !== 'del') throw new UsageError(`anycast route needs add, del or list${action === undefined ? '' : `, got '${action}'`} (anycast route --help)`);
  if (prefix === undefined) throw new UsageError(`anycast route ${action} needs a PREFIX`);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const attrs: Record<string, unknown> = {};
  if (action === 'add') {
    if (values['next-hop'] !== undefined) attrs['next-hop'] = values['next-hop'];
    if (values.community) attrs.communities = values.community;
    if (values['large-community']) attrs['large-communities'] = values['large-community'];
    if (values['ext-community']) attrs['ext-communities'] = values['ext-community'];
    const med = int(values.med, '--med'), lp = int(values['local-pref'], '--local-pref'), pre = int(values.prepend, '--prepend');
    if (med !== undefined) attrs.med = med;
    if (lp !== undefined) attrs['local-pref'] = lp;
    if (pre !== undefined) attrs.prepend = pre;
    if (values['as-path'] !== undefined) attrs['as-path'] = values['as-path'];
    if (values.origin !== undefined) attrs.origin = values.origin;
  } else if (Object.keys(values).some((k) => !['json', 'socket'].includes(k))) {
    throw new UsageError('anycast route del takes only the PREFIX');
  }
  // The speaker's own check of a route, run here first: a malformed prefix or attribute is a usage error (exit 2)
  // whether or not a speaker is reachable, not a connection error.
  const { parseNetwork } = await import('../../bgp/config/load.js');
  const { ConfigError } = await import('../../util/errors.js');
  try {
    parseNetwork({ prefix, ...attrs });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // The API's keys back to the flags that fill them (communities[1] came from the second --community).
    const key = e.key.replace(/^route\.?/, '').replace(/\[\d+\]$/, '').replace(/^(large-|ext-)?communities$/, '$1community');
    throw new UsageError(`anycast route ${action}: ${key === 'prefix' ? `'${prefix}'` : `--${key}`}: ${e.reason}`);
  }
  return cli.routeCommand(t, action, prefix, attrs, values.json ?? false, out);
}
