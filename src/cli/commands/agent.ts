// `anycast agent`: run the anycast node agent, or talk to a running one.
//   anycast agent --config agent.yaml            run (the daemon)
//   anycast agent --check --config agent.yaml    validate the configuration, print its hash, and exit
//   anycast agent status [--json]                per-service state, checks, transitions, announcements, peers
//   anycast agent drain|undrain SERVICE          operator drain (runtime only; the maintenance file persists)
//   anycast agent reload                         re-read the configuration (as SIGHUP)
//   anycast agent cleanup --config agent.yaml    withdraw everything from BIRD (for a service manager's stop hook)
// Talking to a running agent uses --socket PATH, or the control.socket of --config FILE, or the default socket.
import { UsageError } from '../../util/errors.js';
import { parseCommandArgs } from '../args.js';

export const summary = 'anycast node agent: health checks drive announce / drain / withdraw (embedded BGP speaker, or an existing BIRD 2)';

const HELP = `usage:
  anycast agent --config FILE                 run the agent
  anycast agent --check --config FILE [--json]
  anycast agent status [--json] [--socket PATH | --config FILE]
  anycast agent drain SERVICE [--socket PATH | --config FILE] [--json]
  anycast agent undrain SERVICE [--socket PATH | --config FILE] [--json]
  anycast agent reload [--socket PATH | --config FILE] [--json]
  anycast agent cleanup --config FILE [--json]  withdraw everything this agent's BIRD include file announces
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      check: { type: 'boolean' },
      json: { type: 'boolean' },
      socket: { type: 'string', short: 's' },
      help: { type: 'boolean', short: 'h' },
      // guard (internal: started by the agent itself)
      include: { type: 'string' },
      'ipv4-protocol': { type: 'string' },
      'ipv6-protocol': { type: 'string' },
      'export-filter': { type: 'string' },
      route: { type: 'string' },
      name: { type: 'string' },
      timeout: { type: 'string' },
    },
  }, 'agent');
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const cli = await import('../../agent/cli.js');
  const [sub, ...rest] = positionals;
  const json = values.json ?? false;
  const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  if (values.check && sub !== undefined) throw new UsageError(`--check goes with --config FILE, not with ${sub}`);
  switch (sub) {
    case undefined:
      if (!values.config) throw new UsageError('anycast agent needs --config FILE (anycast agent --help)');
      if (values.check) return cli.checkCommand(values.config, json, out);
      return cli.runCommand(values.config);
    case 'status':
      return cli.statusCommand(cli.target(values), json, out);
    case 'drain':
    case 'undrain':
      if (rest.length !== 1) throw new UsageError(`anycast agent ${sub} needs exactly one SERVICE`);
      return cli.drainCommand(cli.target(values), sub, rest[0]!, json, out);
    case 'reload':
      return cli.reloadCommand(cli.target(values), json, out);
    case 'cleanup':
      if (!values.config) throw new UsageError('anycast agent cleanup needs --config FILE');
      return cli.cleanupCommand(values.config, json, out);
    case 'guard':
      return cli.guardCommand(values);
    default:
      throw new UsageError(`unknown agent command '${sub}' (anycast agent --help)`);
  }
}
