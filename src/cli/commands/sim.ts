// `anycast sim …`: the AS-graph simulator. This module stays light; the implementation loads on use.
export const summary = 'simulate anycast on the real AS graph: catchment, failover, add-site, optimize, ddos, compare, converge, root';

export async function run(argv: string[]): Promise<number> {
  const { simMain } = await import('../../sim/cli/index.js');
  return simMain(argv);
}
