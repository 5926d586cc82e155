// Child process for crash-cleanup.ns.test.ts (not a test): builds a small topology with a BIRD router and a
// plain process in namespaces, records everything in the state file given as argv[2], prints READY with the
// PIDs, then waits to be killed with SIGKILL (so no exit hook can run).

import { createDaemon } from '../../src/daemons/index.js';
import { createTopology, makeTempDir, nsSpawn, ResourceRegistry } from '../../src/netns/index.js';

const [stateFile, prefix] = process.argv.slice(2) as [string, string];
const registry = new ResourceRegistry({ stateFile, label: 'acp-crash' });
await createTopology({
  namespaces: [{ name: `${prefix}-a`, loopbacks: ['192.0.2.1/32'] }, { name: `${prefix}-b` }],
  links: [{ a: { ns: `${prefix}-a`, ifname: 'ca', addrs: ['10.78.0.1/24'] }, b: { ns: `${prefix}-b`, ifname: 'cb', addrs: ['10.78.0.2/24'] } }],
}, registry);
const sleeper = nsSpawn(`${prefix}-b`, ['sleep', '300'], registry);
const bird = createDaemon('bird', {
  name: 'a', routerId: '10.78.0.1', localAs: 65001,
  neighbors: [{ address: '10.78.0.2', remoteAs: 65002, localAddress: '10.78.0.1' }],
}, { ns: `${prefix}-a`, dir: makeTempDir(registry, 'acp-crash'), registry });
await bird.start();
process.stdout.write(`READY ${JSON.stringify({ pids: [sleeper.pid, ...bird.pids()] })}\n`);
setInterval(() => undefined, 1000);
