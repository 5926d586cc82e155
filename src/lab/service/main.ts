// The site service as a process of its own, started by the lab inside the site's namespace (recorded by PID,
// so `site fail` can kill it and `lab down` never leaves it behind):
//   node main.js --site NAME --lab LAB --address A [--address B] [--dns-port 53] [--http-port 80]
//                [--capacity QPS] [--stats FILE] [--city CITY]

import { parseArgs } from 'node:util';
import { startService } from './service.js';

const { values } = parseArgs({
  options: {
    site: { type: 'string' }, lab: { type: 'string' }, city: { type: 'string' }, address: { type: 'string', multiple: true },
    'dns-port': { type: 'string', default: '53' }, 'http-port': { type: 'string', default: '80' },
    capacity: { type: 'string' }, stats: { type: 'string' },
  },
});

const svc = await startService({
  site: values.site!, lab: values.lab!, addresses: values.address ?? [], dnsPort: Number(values['dns-port']),
  httpPort: Number(values['http-port']), ...(values.city ? { city: values.city } : {}),
  ...(values.capacity ? { capacityQps: Number(values.capacity) } : {}), ...(values.stats ? { statsFile: values.stats } : {}),
});
process.stdout.write(`service ${values.site} ready on ${(values.address ?? []).join(', ')}\n`);
const stop = () => void svc.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
