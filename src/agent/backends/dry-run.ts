// A backend that announces nothing and logs what it would announce: for trying a configuration and its checks on a
// host without touching BGP (`backend: {type: dry-run}`).
import type { Logger } from '../../util/log.js';
import type { AnnouncementBackend, BackendStatus } from '../backend.js';
import { describeAttributes, type Announcements } from '../desired.js';

export class DryRunBackend implements AnnouncementBackend {
  readonly kind = 'dry-run';
  private current: string[] = [];
  private applies = 0;
  private last: BackendStatus['lastApply'] = null;

  constructor(private readonly logger: Logger, private readonly wall: () => number = Date.now) {}

  async start(): Promise<void> {
    this.logger.info('dry-run backend: nothing will be announced');
  }

  async apply(desired: Announcements): Promise<void> {
    this.current = [...desired.keys()];
    this.applies++;
    this.last = { wallAt: this.wall(), durationMs: 0, ok: true, error: null };
    this.logger.info('dry-run: would announce', {
      announce: Object.fromEntries([...desired].map(([p, a]) => [p, describeAttributes(a)])),
    });
  }

  async status(): Promise<BackendStatus> {
    return {
      kind: this.kind, target: 'dry-run', healthy: true, detail: 'announces nothing', applies: this.applies,
      failures: 0, lastApply: this.last, pending: false,
      peers: [{ name: '(dry-run)', state: 'none', info: '', exported: this.current }],
    };
  }

  async close(): Promise<void> {}
}
