// `anycast demo` (what `npm start` runs): the default scenario end to end — the world comes up in network
// namespaces, catchment, a site fails and recovers, a DDoS splits across sites, teardown — with a report a
// newcomer can follow. Light: the implementation is loaded only when the command runs.
export const summary = 'the anycast story with real packets: world up, catchment, failover, DDoS split, teardown (npm start)';

export async function run(argv: string[]): Promise<number> {
  const impl = await import('../../lab/cli/demo.js');
  return impl.demo(argv);
}
