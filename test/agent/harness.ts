// An agent under FakeClock with scripted probes, a recording backend and a recording address manager, plus a
// single ordered log of everything observable (backend calls, address changes, shutdown steps, transitions).
import { FakeClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/log.js';
import { Agent, type AgentEvent } from '../../src/agent/agent.js';
import { RecordingBackend } from '../../src/agent/backends/recording.js';
import { RecordingAddressManager } from '../../src/agent/loopback.js';
import { describeAttributes } from '../../src/agent/desired.js';
import type { AgentConfig, LoadedConfig } from '../../src/agent/config/types.js';
import type { ProbeFactory } from '../../src/health/checks.js';
import { loaded } from './fixtures.js';

export class Harness {
  readonly clock = new FakeClock(0);
  readonly logger = memoryLogger();
  readonly log: string[] = [];
  readonly events: AgentEvent[] = [];
  readonly backend: RecordingBackend;
  readonly addresses: RecordingAddressManager;
  /** Probe answers by "service/check"; default healthy. */
  readonly health = new Map<string, boolean>();
  readonly files = new Set<string>();
  readonly agent: Agent;
  configs = new Map<string, LoadedConfig | Error>();

  constructor(config: AgentConfig) {
    const t = () => this.clock.now();
    this.backend = new RecordingBackend(this.clock, (c) => {
      this.log.push(c.op === 'apply'
        ? `${t()} apply ${[...c.desired].map(([p, a]) => `${p}[${describeAttributes(a)}]`).join(' ') || '(empty)'}`
        : `${t()} ${c.op}`);
    });
    this.addresses = new RecordingAddressManager((op, cidr) => this.log.push(`${t()} address ${op} ${cidr}`));
    const probes: ProbeFactory = (check, service) => () => {
      const ok = this.health.get(`${service}/${check.name}`) ?? true;
      return { ok, detail: ok ? 'fine' : 'broken' };
    };
    this.agent = new Agent(loaded(config), {
      clock: this.clock, logger: this.logger, backend: this.backend, probes, random: () => 0,
      wall: () => 1_700_000_000_000 + this.clock.now(), fileExists: (p) => this.files.has(p), addresses: this.addresses,
      loadConfig: (file) => {
        const c = this.configs.get(file);
        if (c === undefined) throw new Error(`no such test file ${file}`);
        if (c instanceof Error) throw c;
        return c;
      },
      onEvent: (e) => {
        this.events.push(e);
        if (e.type === 'shutdown') this.log.push(`${t()} shutdown ${e.step}`);
        if (e.type === 'transition') this.log.push(`${t()} ${e.service} ${e.transition.from}→${e.transition.to}`);
      },
    });
  }

  /** Advance fake time in steps, letting promise callbacks run between steps. */
  async advance(ms: number, stepMs = 50): Promise<void> {
    for (let left = ms; left > 0; left -= stepMs) {
      this.clock.advance(Math.min(stepMs, left));
      await flush();
    }
  }

  applies(): string[] {
    return this.log.filter((l) => / apply /.test(l));
  }

  transitions(service: string): string[] {
    return this.log.filter((l) => l.includes(` ${service} `) && l.includes('→'));
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}
