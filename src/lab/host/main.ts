// The router host process: `node dist/src/lab/host/main.js --socket PATH`. Serves the control channel
// (control.ts) and runs the routers it is asked to (host.ts). Prints one line, "ready PID", on stdout once the
// socket answers. SIGTERM/SIGINT: every router stops (Cease, kernel routes removed), then the process exits.
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import { RouterHost } from './host.js';
import { serveControl } from './control.js';

const { values } = parseArgs({ options: { socket: { type: 'string' } } });
if (!values.socket) {
  process.stderr.write('usage: node dist/src/lab/host/main.js --socket PATH\n');
  process.exit(2);
}
const socket = values.socket;
const host = new RouterHost();
let exiting = false;
const exit = async () => {
  if (exiting) return;
  exiting = true;
  await host.stopAll();
  srv.close();
  rmSync(socket, { force: true });
  process.exit(0);
};
const srv = await serveControl(host, socket, () => { void exit(); });
process.on('SIGTERM', () => { void exit(); });
process.on('SIGINT', () => { void exit(); });
process.stdout.write(`ready ${process.pid}\n`);
