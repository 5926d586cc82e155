// Child-process feeder for the loopback TCP run of the session benchmark: builds the same stream from the spec on
// stdin, connects to HOST:PORT from LOCAL_ADDR, and feeds it (see feeder.ts).
import { TcpTransport } from '../../src/bgp/transport/index.js';
import { buildStream } from '../wire/stream.js';
import { chunk, feed, STREAM_CTX } from './feeder.js';

const [host, port, local] = process.argv.slice(2);
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const chunks = chunk(buildStream(JSON.parse(input), STREAM_CTX).messages);
  new TcpTransport().connect({ remote: { address: host!, port: Number(port) }, localAddress: local! }, (e, c) => {
    if (e !== null || c === null) { console.error(`feeder: ${e}`); process.exit(1); }
    // Stays until the peer under test closes the session.
    feed(c, chunks, [[1, 1], [2, 1]], () => process.exit(0))
      .then(() => process.stdout.write('started\n'))
      .catch((err: Error) => { console.error(`feeder: ${err.message}`); process.exit(1); });
  });
});
