// `anycast dns`: the authoritative DNS responder (serve), its client (`anycast dns query`). Light: the
// implementation is loaded only when the command runs.
export const summary = 'authoritative DNS responder with instance identity (hostname.bind, NSID) and RRL; `dns query` asks one';

export async function run(argv: string[]): Promise<number> {
  const impl = await import('../../dns/cli.js');
  return impl.runDns(argv);
}
