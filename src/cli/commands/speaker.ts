// `anycast speaker`: run the BGP speaker, check its configuration, or talk to a running one.
//   anycast speaker --config FILE                run (SIGHUP reloads, SIGTERM stops)
//   anycast speaker --config FILE --check        validate the configuration and exit
//   anycast speaker status|reload|stop|dump      talk to a running speaker (--socket PATH)
import { UsageError } from '../../util/errors.js';
import { parseCommandArgs } from '../args.js';

export const summary = 'BGP-4 speaker daemon: sessions, RIB, policies, kernel routes (show/neighbor/route talk to it)';

const HELP = `usage:
  anycast speaker --config FILE                  run the speaker
  anycast speaker --config FILE --check [--json] validate the configuration and exit
  anycast speaker status [--json]                identity, tables, neighbors by state
  anycast speaker reload [--json]                re-read the configuration (as SIGHUP)
  anycast speaker stop [--graceful-restart] [--message TEXT] [--json]
                                                 stop (graceful restart: keep kernel routes, no NOTIFICATION)
  anycast speaker dump [--file PATH] [--json]    MRT TABLE_DUMP_V2 dump of the RIB
common: --socket PATH (or HOST:PORT) selects the speaker; default $ANYCAST_SPEAKER_SOCKET or /run/anycast/speaker.sock
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv, allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' }, check: { type: 'boolean' }, json: { type: 'boolean' },
      socket: { type: 'string', short: 's' }, 'graceful-restart': { type: 'boolean' }, message: { type: 'string', short: 'm' },
      file: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  }, 'speaker');
  if (values.help) { process.stdout.write(HELP); return 0; }
  const cli = await import('../../bgp/api/cli.js');
  const { targetOf } = await import('../../bgp/api/client.js');
  const out = (t: string) => process.stdout.write(t.endsWith('\n') ? t : t + '\n');
  const json = values.json ?? false;
  const [sub, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}' (anycast speaker --help)`);
  // An option that the chosen subcommand does not use is refused rather than silently dropped.
  if (values.check && sub !== undefined) throw new UsageError(`--check goes with --config FILE, not with ${sub}`);
  if (sub !== 'stop' && (values['graceful-restart'] || values.message !== undefined)) {
    throw new UsageError(`--${values['graceful-restart'] ? 'graceful-restart' : 'message'} goes with anycast speaker stop`);
  }
  if (sub !== 'dump' && values.file !== undefined) throw new UsageError('--file goes with anycast speaker dump');
  const t = targetOf(values.socket);
  switch (sub) {
    case undefined:
      if (!values.config) throw new UsageError('anycast speaker needs --config FILE (anycast speaker --help)');
      return values.check ? cli.checkCommand(values.config, json, out) : cli.runCommand(values.config);
    case 'status': return cli.statusCommand(t, json, out);
    case 'reload': return cli.reloadCommand(t, json, out);
    case 'stop': return cli.stopCommand(t, values['graceful-restart'] ?? false, values.message, json, out);
    case 'dump': return cli.dumpCommand(t, values.file, json, out);
    default: throw new UsageError(`unknown speaker command '${sub}' (anycast speaker --help)`);
  }
}
