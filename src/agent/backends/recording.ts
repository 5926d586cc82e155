// A backend that records every call (with Clock time and a copy of the desired set) and converges instantly, or
// holds its answer until released, or fails on demand. Tests use it to assert exactly which changes the agent
// asked for, when, and in which order relative to the rest of a shutdown.
import type { Clock } from '../../util/clock.js';
import type { AnnouncementBackend, BackendStatus } from '../backend.js';
import { BackendError } from '../backend.js';
import type { Announcements, RouteAttributes } from '../desired.js';

export type RecordedCall =
  | { op: 'start'; at: number }
  | { op: 'apply'; at: number; desired: Map<string, RouteAttributes> }
  | { op: 'close'; at: number };

export class RecordingBackend implements AnnouncementBackend {
  readonly kind = 'recording';
  readonly calls: RecordedCall[] = [];
  /** What is "announced" now (the last successfully applied set). */
  current: Map<string, RouteAttributes> = new Map();
  /** When set, apply() waits for release() instead of resolving at once. */
  hold = false;
  /** When set, apply() rejects with this message. */
  failWith: string | null = null;
  private held: Array<{ desired: Map<string, RouteAttributes>; resolve: () => void }> = [];
  private applies = 0;

  constructor(private readonly clock: Clock, private readonly onCall?: (c: RecordedCall) => void) {}

  get applyCalls(): Array<Extract<RecordedCall, { op: 'apply' }>> {
    return this.calls.filter((c): c is Extract<RecordedCall, { op: 'apply' }> => c.op === 'apply');
  }

  private record(c: RecordedCall): void {
    this.calls.push(c);
    this.onCall?.(c);
  }

  async start(): Promise<void> {
    this.record({ op: 'start', at: this.clock.now() });
  }

  apply(desired: Announcements): Promise<void> {
    const copy = new Map([...desired].map(([p, a]) => [p, { ...a, communities: [...a.communities],
      largeCommunities: [...a.largeCommunities] }]));
    this.record({ op: 'apply', at: this.clock.now(), desired: copy });
    if (this.failWith !== null) return Promise.reject(new BackendError(this.failWith));
    if (this.hold) return new Promise((resolve) => this.held.push({ desired: copy, resolve }));
    this.current = copy;
    this.applies++;
    return Promise.resolve();
  }

  /** Complete the held applies, in order. */
  release(): void {
    for (const h of this.held.splice(0)) {
      this.current = h.desired;
      this.applies++;
      h.resolve();
    }
  }

  async status(): Promise<BackendStatus> {
    return {
      kind: this.kind, target: 'memory', healthy: true, detail: 'records calls', applies: this.applies, failures: 0,
      lastApply: null, pending: this.held.length > 0,
      peers: [{ name: 'recorder', state: 'Established', info: '', exported: [...this.current.keys()] }],
    };
  }

  async close(): Promise<void> {
    this.record({ op: 'close', at: this.clock.now() });
  }
}
