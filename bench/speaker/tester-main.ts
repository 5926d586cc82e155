// The tester as a child process over real TCP (so that the device under test has its own CPU):
//   node tester-main.js 'SPEC-JSON'    (see TesterSpec); events as JSON lines on stdout with Date.now() times.
import { TcpTransport } from '../../src/bgp/transport/index.js';
import { runTester, type TesterSpec } from './tester.js';

const spec = JSON.parse(process.argv[2]!) as TesterSpec;
const say = (event: string, extra: Record<string, unknown> = {}) => process.stdout.write(JSON.stringify({ event, t: Date.now(), ...extra }) + '\n');
let sinkDone = false;
let target = spec.prefixes;
runTester(spec, new TcpTransport(), {
  sending: (routes) => { target = routes / spec.peers; say('sending', { routes }); },
  sent: () => say('sent'),
  sinkCount: (n) => { if (!sinkDone && n >= target) { sinkDone = true; say('sink-done', { prefixes: n }); } },
}).then((h) => {
  setInterval(() => h.keepalive(), 20_000);
}, (e: Error) => { say('error', { message: e.message }); process.exit(1); });
