// V8 heap sizing for the long-running daemons. Their heap is mostly long-lived tables (the speaker's RIB: a full
// table is ~10^5 prefixes and ~10^6 paths that stay for hours), while V8 sizes the old generation for
// throughput: after each full collection it lets the heap grow to up to 4x what survived before collecting again,
// so a loading RIB of 80 MB could reserve well over 200 MB. A fixed growth step of 50 % keeps the reservation near
// the live size. It costs a few more full collections during a table load, most of whose marking runs on V8's
// background threads (measured in bench/results/speaker.md).
// ANYCAST_HEAP_GROWTH=PERCENT overrides the step; 0 gives V8's own dynamic sizing back.
import { setFlagsFromString } from 'node:v8';

export const DAEMON_HEAP_GROWTH_PERCENT = 50;

/** Apply the daemon's heap growth step to this process; returns the step used (0: V8's default). */
export function tuneDaemonHeap(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ANYCAST_HEAP_GROWTH;
  const n = raw === undefined || raw === '' ? DAEMON_HEAP_GROWTH_PERCENT : Number(raw);
  const percent = Number.isInteger(n) && n >= 0 && n <= 1000 ? n : DAEMON_HEAP_GROWTH_PERCENT;
  setFlagsFromString(`--heap-growing-percent=${percent}`); // 0: V8's dynamic sizing
  return percent;
}
