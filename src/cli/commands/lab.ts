// `anycast lab`: the emulated internet in network namespaces (up, down, status, exec, link, node, site,
// capture, graph, run EXPERIMENT). Light: the implementation is loaded only when the command runs.
export const summary = 'an emulated internet in network namespaces: real BGP daemons, anycast sites, clients, experiments';

export async function run(argv: string[]): Promise<number> {
  const impl = await import('../../lab/cli/index.js');
  return impl.runLab(argv);
}
