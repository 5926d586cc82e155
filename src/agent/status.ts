// The agent's status as data: what `anycast agent status --json` prints and what the text table and the metrics
// are made from. Times are ISO strings (wall clock) plus "in/ago" milliseconds, so that a fleet tool can use either.
import { describeCheck } from '../health/checks.js';
import { describeTree } from '../health/combine.js';
import type { Health } from '../health/types.js';
import type { Agent } from './agent.js';
import type { BackendStatus } from './backend.js';
import { advance, reuseAt } from './damping.js';
import { describeAttributes, type RouteAttributes } from './desired.js';
import { blockers, type Phase } from './service-fsm.js';

export interface CheckStatusJson {
  name: string;
  type: string;
  target: string;
  state: Health;
  okStreak: number;
  failStreak: number;
  rise: number;
  fall: number;
  pending: boolean;
  intervalMs: number;
  fastIntervalMs: number;
  timeoutMs: number;
  probes: number;
  last: { ok: boolean; detail: string; latencyMs: number; at: string; timedOut: boolean } | null;
  lastChange: { at: string; from: Health; to: Health; detail: string } | null;
  nextInMs: number | null;
}

export interface ServiceStatusJson {
  name: string;
  state: Phase;
  since: string;
  forMs: number;
  reason: string;
  health: Health;
  healthDetail: string;
  require: string;
  mode: string;
  adminDrain: boolean;
  maintenanceFile: string | null;
  prefixes: Array<{ prefix: string; announced: boolean; attributes: string | null }>;
  addresses: string[];
  responder: { config: string; listening: string[]; queries: number } | null;
  drainEndsInMs: number | null;
  holdDownRemainingMs: number | null;
  damping: { enabled: boolean; penalty: number; suppressed: boolean; reuseInMs: number | null; flaps: number;
    halfLifeMs: number; suppress: number; reuse: number };
  blockers: string[];
  checks: CheckStatusJson[];
  transitions: Array<{ at: string; from: Phase; to: Phase; reason: string }>;
}

export interface AnnouncedJson {
  prefix: string;
  attributes: RouteAttributes;
  summary: string;
  degraded: boolean;
  services: string[];
  confirmed: boolean;
}

export interface AgentStatusJson {
  agent: {
    name: string;
    pid: number;
    startedAt: string;
    uptimeMs: number;
    configFile: string;
    configHash: string;
    backend: string;
    shuttingDown: string | null;
    lastReload: { at: string; ok: boolean; error?: string; hash: string } | null;
    maintenanceFile: string | null;
  };
  services: ServiceStatusJson[];
  announced: AnnouncedJson[];
  backend: BackendStatus;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function buildStatus(agent: Agent): Promise<AgentStatusJson> {
  const now = agent.clock.now();
  const wallNow = agent.wall();
  const wallOf = (t: number) => iso(wallNow - (now - t));
  const services: ServiceStatusJson[] = [];
  for (const svc of agent.services.values()) {
    const c = svc.config;
    const f = svc.fsm;
    const damp = advance(f.damping, c.damping, now);
    const reuse = reuseAt(damp, c.damping);
    const checks: CheckStatusJson[] = c.checks.map((def) => {
      const st = svc.runners.get(def.name)!.status();
      return {
        name: def.name, type: def.spec.type, target: describeCheck(def.spec), state: st.state,
        okStreak: st.okStreak, failStreak: st.failStreak, rise: def.timing.rise, fall: def.timing.fall,
        pending: st.pending, intervalMs: def.timing.intervalMs, fastIntervalMs: def.timing.fastIntervalMs,
        timeoutMs: def.timing.timeoutMs, probes: st.probes,
        last: st.last && { ok: st.last.ok, detail: st.last.detail, latencyMs: st.last.latencyMs, at: iso(st.last.wallAt),
          timedOut: st.last.timedOut },
        lastChange: st.lastChange && { at: iso(st.lastChange.wallAt), from: st.lastChange.from, to: st.lastChange.to,
          detail: st.lastChange.detail },
        nextInMs: st.nextAt === null ? null : Math.max(0, st.nextAt - now),
      };
    });
    services.push({
      name: c.name, state: f.phase, since: wallOf(f.since), forMs: now - f.since, reason: f.reason,
      health: svc.health, healthDetail: svc.healthDetail, require: describeTree(c.require), mode: c.degrade.mode,
      adminDrain: svc.adminDrain, maintenanceFile: svc.maintenanceFile,
      prefixes: c.prefixes.map((p) => {
        const e = agent.requested.get(p);
        return { prefix: p, announced: e !== undefined && e.services.includes(c.name),
          attributes: e ? describeAttributes(e.attributes) : null };
      }),
      addresses: agent.config.loopback.manage ? c.addresses : [],
      responder: agent.responders?.status(c.name) ?? (c.responder ? { config: c.responder.config, listening: [], queries: 0 } : null),
      drainEndsInMs: f.phase === 'draining' && f.drainUntil !== null ? Math.max(0, f.drainUntil - now) : null,
      holdDownRemainingMs: f.phase === 'down' && f.holdDownUntil !== null && f.holdDownUntil > now ? f.holdDownUntil - now : null,
      damping: {
        enabled: c.damping.enabled, penalty: Math.round(damp.penalty), suppressed: damp.suppressed,
        reuseInMs: reuse === null ? null : Math.max(0, reuse - now), flaps: damp.flaps, halfLifeMs: c.damping.halfLifeMs,
        suppress: c.damping.suppress, reuse: c.damping.reuse,
      },
      blockers: blockers(f, svc.inputs(agent.shutdownState), svc.fsmConfig, now),
      checks,
      transitions: svc.transitions.map((t) => ({ at: iso(t.wallAt), from: t.from, to: t.to, reason: t.reason })),
    });
  }
  const announced: AnnouncedJson[] = [...agent.requested].map(([prefix, e]) => {
    const conf = agent.confirmed.get(prefix);
    return {
      prefix, attributes: e.attributes, summary: describeAttributes(e.attributes), degraded: e.degraded,
      services: e.services,
      confirmed: conf !== undefined && describeAttributes(conf.attributes) === describeAttributes(e.attributes),
    };
  });
  const lr = agent.lastReload;
  return {
    agent: {
      name: agent.config.name, pid: process.pid, startedAt: iso(agent.startedWall), uptimeMs: wallNow - agent.startedWall,
      configFile: agent.loaded.file, configHash: agent.loaded.hash, backend: agent.backend.kind,
      shuttingDown: agent.shutdownStep, maintenanceFile: agent.config.maintenanceFile,
      lastReload: lr && { at: iso(lr.wallAt), ok: lr.ok, hash: lr.hash, ...(lr.error ? { error: lr.error } : {}) },
    },
    services,
    announced,
    backend: await agent.backend.status(),
  };
}
