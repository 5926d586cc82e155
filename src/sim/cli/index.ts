// Dispatch of `anycast sim <subcommand>`; each subcommand is its own module, loaded on use.
import { UsageError } from '../../util/errors.js';

const subcommands: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  catchment: { summary: 'which site each AS reaches; per-site load, latency, path inflation', load: () => import('./catchment.js') },
  failover: { summary: 'fail each site in turn (or the given ones): where its catchment goes, load per site', load: () => import('./failover.js') },
  'add-site': { summary: 'the best site(s) to add from candidates, for mean estimated latency', load: () => import('./optimize.js').then((m) => ({ run: m.runAddSite })) },
  optimize: { summary: 'the best K sites out of candidates (greedy, then swap local search)', load: () => import('./optimize.js') },
  ddos: { summary: 'attack load per site; absorb vs withdraw', load: () => import('./ddos.js') },
  compare: { summary: 'agreement of the predicted catchment with a measured one', load: () => import('./compare.js') },
  converge: { summary: 'event-driven BGP with MRAI: convergence after a site announces and withdraws', load: () => import('./converge.js') },
  root: { summary: 'build a deployment from a DNS root letter (a..m)', load: () => import('./root.js') },
};

function help(): string {
  return ['usage: anycast sim <subcommand> [options]   (anycast sim <subcommand> --help for its options)', '',
    'subcommands:', ...Object.entries(subcommands).map(([k, v]) => `  ${k.padEnd(10)} ${v.summary}`)].join('\n');
}

function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
}

export async function simMain(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  // Without a subcommand: one line naming the choices, exit 2, as every other command says a missing argument.
  if (name === undefined) throw new UsageError(`anycast sim needs a subcommand: ${Object.keys(subcommands).join(', ')} (anycast sim --help)`);
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return 0;
  }
  // `anycast sim … | head` closes our stdout early: that is not an error. Installed once per process, however
  // many subcommands run in it.
  if (!process.stdout.listeners('error').includes(onStdoutError)) process.stdout.on('error', onStdoutError);
  const sub = subcommands[name];
  if (sub === undefined) throw new UsageError(`unknown sim subcommand '${name}' (anycast sim --help lists them)`);
  const mod = await sub.load();
  try {
    return await mod.run(rest);
  } catch (e) {
    const { SimArgsError } = await import('./common.js');
    if (e instanceof SimArgsError) throw new UsageError(`${e.message} (anycast sim ${name} --help)`);
    throw e;
  }
}
