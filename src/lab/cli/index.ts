// `anycast lab SUBCOMMAND`: dispatch. Each subcommand module is loaded only when used.

import { UsageError } from '../../util/errors.js';

const SUBCOMMANDS: Record<string, { summary: string; load: () => Promise<(argv: string[]) => Promise<number>> }> = {
  check: { summary: 'validate a topology file (nothing is created); --plan shows every address and session', load: async () => (await import('./lifecycle.js')).check },
  up: { summary: 'create the lab from a topology file and wait until BGP has converged', load: async () => (await import('./lifecycle.js')).up },
  down: { summary: 'remove a lab: its processes, namespaces and state (works after a crash)', load: async () => (await import('./lifecycle.js')).down },
  list: { summary: 'the labs recorded on this machine', load: async () => (await import('./lifecycle.js')).list },
  status: { summary: 'processes, BGP sessions, sites, links of a lab', load: async () => (await import('./lifecycle.js')).status },
  exec: { summary: 'run a command inside a node: lab exec NODE -- CMD', load: async () => (await import('./ops.js')).exec },
  link: { summary: 'take a link down or up: lab link A B down|up', load: async () => (await import('./ops.js')).link },
  node: { summary: "stop/start/freeze/thaw a node's BGP speaker", load: async () => (await import('./ops.js')).node },
  site: { summary: "fail/restore a site's service, announce/withdraw its prefixes", load: async () => (await import('./ops.js')).site },
  capture: { summary: 'capture packets on a link (pcap)', load: async () => (await import('./ops.js')).capture },
  routes: { summary: "a router's best BGP routes", load: async () => (await import('./ops.js')).routes },
  generate: { summary: 'write a generated topology (N routers, tiered ASes) for benchmarks and experiments', load: async () => (await import('./generate.js')).generate },
  graph: { summary: 'the topology as Mermaid, DOT, SVG/PNG, or simulator input (without deploying)', load: async () => (await import('./graph.js')).graph },
  run: { summary: 'run an experiment: catchment, failover, tcp, ddos, add-site', load: async () => (await import('./run.js')).run },
};

export function help(): string {
  return ['usage: anycast lab SUBCOMMAND [options]   (anycast lab SUBCOMMAND --help)', '', 'An emulated internet in network namespaces: real BGP daemons, real packets, anycast sites and clients.', '',
    ...Object.entries(SUBCOMMANDS).map(([k, v]) => `  ${k.padEnd(8)} ${v.summary}`)].join('\n');
}

export async function runLab(argv: string[]): Promise<number> {
  // A reader that goes away (`| head`) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  const [sub, ...rest] = argv;
  if (!sub) throw new UsageError(`anycast lab needs a subcommand: ${Object.keys(SUBCOMMANDS).join(', ')} (anycast lab --help)`);
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(help() + '\n');
    return 0;
  }
  const s = SUBCOMMANDS[sub];
  if (!s) throw new UsageError(`unknown lab subcommand "${sub}" (anycast lab --help lists them)`);
  return (await s.load())(rest);
}
