// BIRD's control socket from the lab, in process: the lab polls every router while it converges, and a `birdc`
// process per query would cost more than the queries. The client is the agent's (src/agent/backends/
// bird-control.ts); this adapter returns the reply as birdc prints it, for the parsers of src/daemons/bird.

import { birdCommand as request, isError, replyText } from '../../../agent/backends/bird-control.js';
import { AnycastError } from '../../../util/errors.js';
import { SystemClock } from '../../../util/clock.js';

export class BirdControlError extends AnycastError {
  constructor(socket: string, detail: string) {
    super('ERR_BIRD_CONTROL', detail.includes(socket) ? detail : `BIRD control socket ${socket}: ${detail}`);
  }
}

const clock = new SystemClock(false);

/** Runs one command on a BIRD control socket; resolves with the reply as birdc would print it. */
export async function birdCommand(socket: string, command: string, timeoutMs = 5000): Promise<string> {
  let r;
  try {
    r = await request(socket, command, timeoutMs, clock);
  } catch (e) {
    throw new BirdControlError(socket, (e as Error).message);
  }
  if (isError(r)) throw new BirdControlError(socket, `"${command}": ${replyText(r)}`);
  const text = replyText(r);
  return text ? `${text}\n` : '';
}
