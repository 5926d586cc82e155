// A client of BIRD's control socket, in process: the lab polls every router while it converges, and a `birdc`
// process per query would cost more than the queries (a hundred routers, several rounds). The protocol: a
// greeting "0001 BIRD x ready.", then per command lines "CODE-text" and " text" continued by a final "CODE text";
// codes 8xxx/9xxx are errors. The text is returned as birdc prints it, for the parsers of src/daemons/bird.

import net from 'node:net';
import { AnycastError } from '../../../util/errors.js';

export class BirdControlError extends AnycastError {
  constructor(socket: string, detail: string) {
    super('ERR_BIRD_CONTROL', `BIRD control socket ${socket}: ${detail}`);
  }
}

/** Runs one command on a BIRD control socket; resolves with the reply as birdc would print it. */
export function birdCommand(socket: string, command: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socket);
    const lines: string[] = [];
    let buf = '';
    let greeted = false;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(lines.join('\n') + (lines.length ? '\n' : ''));
    };
    const timer = setTimeout(() => finish(new BirdControlError(socket, `no reply to "${command}" within ${timeoutMs} ms`)), timeoutMs);
    s.on('error', (e) => finish(new BirdControlError(socket, e.message)));
    s.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!greeted) {
          greeted = true;
          s.write(command + '\n');
          continue;
        }
        const m = /^(\d{4})([ -])(.*)$/.exec(line);
        if (m) {
          const code = Number(m[1]);
          if (code >= 8000) return finish(new BirdControlError(socket, `"${command}": ${m[3]}`));
          if (m[1] !== '0000' || m[3]) lines.push(m[3]!);
          if (m[2] === ' ') return finish();
        } else lines.push(line.startsWith(' ') ? line.slice(1) : line);
      }
    });
    s.on('close', () => finish(greeted ? undefined : new BirdControlError(socket, 'closed before the greeting')));
  });
}
