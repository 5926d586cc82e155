// The agent's /metrics page: counters and histograms from AgentMetrics, gauges from the status snapshot.
import type { Agent } from './agent.js';
import { gauge } from './metrics.js';
import type { AgentStatusJson } from './status.js';

const PHASES = ['up', 'draining', 'down'] as const;

export function renderMetrics(agent: Agent, s: AgentStatusJson): string {
  const m = agent.metrics;
  const lines: string[] = [
    ...gauge('anycast_agent_info', 'Agent identity; config_hash identifies the effective configuration.',
      [[{ name: s.agent.name, config_hash: s.agent.configHash, backend: s.agent.backend }, 1]]),
    ...gauge('anycast_agent_service_state', 'Current service state (1 for the state it is in).',
      s.services.flatMap((v) => PHASES.map((p) => [{ service: v.name, state: p }, v.state === p ? 1 : 0] as [Record<string, string>, number]))),
    ...gauge('anycast_agent_service_healthy', 'Combined check verdict: 1 up, 0 down, -1 unknown.',
      s.services.map((v) => [{ service: v.name }, v.health === 'up' ? 1 : v.health === 'down' ? 0 : -1])),
    ...gauge('anycast_agent_service_damping_penalty', 'Flap-damping penalty (decayed to now).',
      s.services.map((v) => [{ service: v.name }, v.damping.penalty])),
    ...gauge('anycast_agent_service_suppressed', '1 while flap damping keeps the service withdrawn.',
      s.services.map((v) => [{ service: v.name }, v.damping.suppressed ? 1 : 0])),
    ...gauge('anycast_agent_service_hold_down_seconds', 'Hold-down time left before the service may be announced again.',
      s.services.map((v) => [{ service: v.name }, (v.holdDownRemainingMs ?? 0) / 1000])),
    ...gauge('anycast_agent_service_drained', '1 while an operator drain or maintenance file applies.',
      s.services.map((v) => [{ service: v.name }, v.adminDrain || v.maintenanceFile ? 1 : 0])),
    ...gauge('anycast_agent_service_flaps', 'Failures counted by flap damping since start.',
      s.services.map((v) => [{ service: v.name }, v.damping.flaps])),
    ...gauge('anycast_agent_check_up', 'Check state: 1 up, 0 down, -1 unknown.',
      s.services.flatMap((v) => v.checks.map((c) => [{ service: v.name, check: c.name, type: c.type },
        c.state === 'up' ? 1 : c.state === 'down' ? 0 : -1] as [Record<string, string>, number]))),
    ...gauge('anycast_agent_check_last_duration_seconds', 'Latency of the last probe.',
      s.services.flatMap((v) => v.checks.filter((c) => c.last).map((c) =>
        [{ service: v.name, check: c.name }, c.last!.latencyMs / 1000] as [Record<string, string>, number]))),
    ...gauge('anycast_agent_announced_prefixes', 'Prefixes the agent asks the backend to announce.',
      [[{ backend: s.backend.kind }, s.announced.length]]),
    ...gauge('anycast_agent_prefix_announced', 'Announced prefixes (degraded=1 while announced with a worse path).',
      s.announced.map((a) => [{ prefix: a.prefix, degraded: a.degraded ? '1' : '0' }, 1])),
    ...gauge('anycast_agent_backend_healthy', '1 when the backend answers and its last change succeeded.',
      [[{ backend: s.backend.kind }, s.backend.healthy ? 1 : 0]]),
    ...gauge('anycast_agent_backend_peer_exported_prefixes', 'Our prefixes exported to each peer, as the backend reports.',
      s.backend.peers.map((p) => [{ peer: p.name, state: p.state }, p.exported?.length ?? -1])),
    ...gauge('anycast_agent_config_last_reload_success', '1 if the last reload succeeded (or none was tried).',
      [[{}, s.agent.lastReload === null || s.agent.lastReload.ok ? 1 : 0]]),
    ...m.transitions.render(),
    ...m.checkResults.render(),
    ...m.checkDuration.render(),
    ...m.applies.render(),
    ...m.reloads.render(),
  ];
  return lines.join('\n') + '\n';
}
