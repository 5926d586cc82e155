// The embedded BGP speaker backend: the project's own speaker (src/bgp/speaker) runs in the agent's process and
// owns the BGP sessions, so a dead agent is a dead announcement — its TCP sessions die with the process and the
// peers withdraw what it announced (RFC 4271 §6.7, §8.2.2; unless graceful restart is turned on, RFC 4724).
//
// Desired-state reconciliation (src/agent/backend.ts): apply(set) diffs the set against what is originated and
// touches only the prefixes that changed — a prefix whose attributes are unchanged produces no UPDATE — then
// flushes the speaker once, so the changes of one apply leave in as few UPDATEs as their attribute sets allow
// (one per distinct set and family). The agent's attributes become the originated route's: AS_PATH prepends of
// the local AS (RFC 4271 §5.1.2; the speaker adds the AS once more towards eBGP), MULTI_EXIT_DISC (§5.1.4),
// communities (RFC 1997, GRACEFUL_SHUTDOWN 65535:0 per RFC 8326) and large communities (RFC 8092).
// close(): withdraws whatever is still originated, lets the withdrawal reach the wire, then ends every session
// with a Cease NOTIFICATION, subcode 2 Administrative Shutdown with a shutdown communication (RFC 4486, RFC 8203).
import { networkInterfaces } from 'node:os';
import type { NetworkConfig } from '../../bgp/config/index.js';
import { Speaker } from '../../bgp/speaker/index.js';
import { formatPrefix } from '../../bgp/rib/prefix.js';
import { TcpTransport } from '../../bgp/transport/index.js';
import type { Transport } from '../../bgp/transport/index.js';
import { NoopFib } from '../../fib/index.js';
import type { Clock } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import { BackendError, type AnnouncementBackend, type BackendPeer, type BackendStatus } from '../backend.js';
import type { SpeakerBackendConfig } from '../config/types.js';
import { describeAttributes, type Announcements, type RouteAttributes } from '../desired.js';
import { comparePrefixText } from '../prefix.js';
import type { BackendDeps } from './index.js';
import { speakerConfigFor, type Interfaces } from './speaker-config.js';

export interface SpeakerBackendDeps {
  clock: Clock;
  logger: Logger;
  wall: () => number;
  agentName: string;
  /** TCP by default; tests pass a MemoryNetwork. */
  transport?: Transport;
  /** The host's interfaces, for next hops of the other family (os.networkInterfaces by default). */
  interfaces?: () => Interfaces;
  /** How long close() waits between the withdrawal and the Cease (ms): the UPDATE leaves before the NOTIFICATION. */
  closeGraceMs?: number;
}

/** The attributes the agent hands over, as an originated route of the speaker. */
export function networkFor(prefix: string, a: RouteAttributes): NetworkConfig {
  return {
    prefix, nextHop: undefined, origin: 'igp', asPath: [], prepend: a.prepend, med: a.med ?? undefined,
    localPref: undefined, communities: [...a.communities], largeCommunities: [...a.largeCommunities], extCommunities: [],
  };
}

/** "3d4h", "1h2m3s", "42s": a session's uptime for the status line. */
export function uptimeText(seconds: number): string {
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24, m = Math.floor(seconds / 60) % 60, sec = seconds % 60;
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

const attrKey = (a: RouteAttributes) => JSON.stringify([a.prepend, a.med, a.communities, a.largeCommunities]);

export class SpeakerBackend implements AnnouncementBackend {
  readonly kind = 'speaker';
  private speaker: Speaker | null = null;
  /** What is originated now: prefix → attribute key. */
  private readonly current = new Map<string, string>();
  private applies = 0;
  private failures = 0;
  private last: BackendStatus['lastApply'] = null;
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly config: SpeakerBackendConfig, private readonly deps: SpeakerBackendDeps) {
    this.log = deps.logger;
  }

  /** The running speaker (tests and status). */
  get instance(): Speaker | null {
    return this.speaker;
  }

  async start(): Promise<void> {
    if (this.speaker !== null) return;
    // Nothing from an earlier run can be announced: the sessions are new, and the speaker originates nothing
    // until apply().
    const cfg = speakerConfigFor(this.config, (this.deps.interfaces ?? networkInterfaces)());
    const speaker = new Speaker(cfg, {
      transport: this.deps.transport ?? new TcpTransport(), clock: this.deps.clock, logger: this.log,
      fib: new NoopFib(), wallClock: this.deps.wall,
    });
    try {
      await speaker.start();
    } catch (e) {
      await speaker.stop().catch(() => {});
      throw new BackendError(`the embedded speaker did not start: ${errorMessage(e)}`, { cause: e });
    }
    this.speaker = speaker;
    for (const n of cfg.neighbors) {
      this.log.info('speaker peer configured', { peer: n.name, address: n.address, remoteAs: n.remoteAs,
        families: n.session.families, passive: n.session.passive === true, nextHop: n.nextHop });
    }
  }

  async apply(desired: Announcements): Promise<void> {
    const s = this.speaker;
    if (s === null || this.closed) throw new BackendError('the embedded speaker is not running');
    const t0 = performance.now();
    let announced = 0, withdrawn = 0;
    try {
      for (const prefix of [...this.current.keys()]) {
        if (desired.has(prefix)) continue;
        s.originated.delete(prefix);
        this.current.delete(prefix);
        withdrawn++;
      }
      for (const [prefix, attrs] of desired) {
        const key = attrKey(attrs);
        if (this.current.get(prefix) === key) continue; // unchanged: no UPDATE
        s.originated.set(networkFor(prefix, attrs), 'api');
        this.current.set(prefix, key);
        announced++;
      }
      // One decision run and one round of UPDATEs for the whole change (the speaker would otherwise flush at the
      // end of this event-loop turn anyway; flushing now makes "applied" mean "on the wire").
      s.flush();
      this.applies++;
      this.last = { wallAt: this.deps.wall(), durationMs: performance.now() - t0, ok: true, error: null };
      this.log.debug('speaker: applied', { announced, withdrawn, originated: this.current.size });
    } catch (e) {
      this.failures++;
      this.last = { wallAt: this.deps.wall(), durationMs: performance.now() - t0, ok: false, error: errorMessage(e) };
      throw new BackendError(`the embedded speaker refused the change: ${errorMessage(e)}`, { cause: e });
    }
  }

  async status(): Promise<BackendStatus> {
    const s = this.speaker;
    const peers: BackendPeer[] = [];
    let established = 0;
    if (s !== null) {
      for (const n of s.neighbors.values()) {
        const st = n.peer.status();
        if (st.state === 'Established') established++;
        const exported: string[] = [];
        if (n.info !== null && st.state === 'Established') {
          for (const afi of ['ipv4', 'ipv6'] as const) for (const r of s.rib.adjRibOut(n.info, afi)) exported.push(formatPrefix(r.prefix));
          exported.sort(comparePrefixText);
        }
        const remote = st.remote.address.includes(':') ? `[${st.remote.address}]:${st.remote.port}` : `${st.remote.address}:${st.remote.port}`;
        const parts = [`AS${st.peerAs ?? n.peer.config.peerAs} ${remote}`];
        if (st.localAddress !== null) parts.push(`local ${st.localAddress}`);
        if (st.uptime !== null) parts.push(`up ${uptimeText(st.uptime)}`);
        if (st.state !== 'Established' && st.lastDown !== null) parts.push(`last error: ${st.lastDown.text}`);
        peers.push({ name: n.name, state: st.state, info: parts.join(', '), exported });
      }
    }
    const total = peers.length;
    return {
      kind: this.kind, target: `speaker AS${this.config.localAs} router-id ${this.config.routerId}`,
      healthy: s !== null && !this.closed && established > 0,
      detail: s === null ? 'not started' : this.closed ? 'closed' : `${established}/${total} session${total === 1 ? '' : 's'} established, ` +
        `${this.current.size} prefix${this.current.size === 1 ? '' : 'es'} originated`,
      applies: this.applies, failures: this.failures, lastApply: this.last, pending: false, peers,
    };
  }

  /** What is originated now, with its attributes as the agent describes them (for logs and tests). */
  originated(): Array<{ prefix: string; attributes: string }> {
    const s = this.speaker;
    if (s === null) return [];
    return s.originated.list().map((r) => ({ prefix: r.spec.prefix, attributes: describeAttributes({
      prepend: r.spec.prepend, med: r.spec.med ?? null, communities: [...r.spec.communities], largeCommunities: [...r.spec.largeCommunities] }) }));
  }

  async close(): Promise<void> {
    const s = this.speaker;
    if (s === null || this.closed) return;
    if (this.current.size > 0) {
      this.log.info('speaker: withdrawing before closing the sessions', { prefixes: this.current.size });
      await this.apply(new Map());
    }
    this.closed = true;
    // The withdrawal was written before the NOTIFICATION on the same TCP stream; the pause lets a peer process it
    // as an UPDATE rather than lose it with the connection's teardown.
    await new Promise((r) => setTimeout(r, this.deps.closeGraceMs ?? 100));
    await s.stop({ message: `anycast agent ${this.deps.agentName} shutting down` });
  }
}

export function createSpeakerBackend(config: SpeakerBackendConfig, deps: BackendDeps): AnnouncementBackend {
  return new SpeakerBackend(config, { ...deps, logger: deps.logger.child({ backend: 'speaker' }) });
}
