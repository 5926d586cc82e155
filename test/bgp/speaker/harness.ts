// In-process speakers for the speaker tests: each built from YAML text (the real loader), on a shared in-memory
// network (or loopback TCP), with an in-memory FIB, a memory logger, and flushes deferred with setImmediate.
import { MemoryFib } from '../../../src/fib/memory.js';
import { parseSpeakerConfig } from '../../../src/bgp/config/index.js';
import { Speaker, type SpeakerDeps } from '../../../src/bgp/speaker/index.js';
import { MemoryNetwork, type Transport } from '../../../src/bgp/transport/index.js';
import { parsePrefix } from '../../../src/bgp/rib/prefix.js';
import { SystemClock, type Clock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/log.js';

export interface Node {
  speaker: Speaker;
  fib: MemoryFib;
  log: ReturnType<typeof memoryLogger>;
}

export class Lab {
  readonly net = new MemoryNetwork();
  readonly nodes: Node[] = [];
  constructor(readonly clock: Clock = new SystemClock(), readonly transport: Transport | null = null) {}

  async node(yaml: string, extra: Partial<SpeakerDeps> = {}): Promise<Node> {
    const config = parseSpeakerConfig(yaml, 'test.yaml');
    const fib = new MemoryFib();
    const log = memoryLogger();
    const speaker = new Speaker(config, { transport: this.transport ?? this.net, clock: this.clock, logger: log, fib, jitterSeed: 0, ...extra });
    await speaker.start();
    const n = { speaker, fib, log };
    this.nodes.push(n);
    return n;
  }

  async close(): Promise<void> {
    for (const n of this.nodes) await n.speaker.stop();
  }
}

/** Wait (real time) until `cond` holds. */
export async function waitFor(cond: () => boolean, what = 'condition', ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function best(s: Speaker, prefix: string) {
  const p = parsePrefix(prefix)!;
  return s.rib.lookup(p.afi, p.key)?.best ?? null;
}

export function established(s: Speaker, name: string): boolean {
  return s.neighbors.get(name)?.peer.established ?? false;
}
