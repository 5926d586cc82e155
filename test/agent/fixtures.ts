// Shared builders for agent tests: services and configs in normalized form, without YAML.
import type { ServiceConfig, AgentConfig, LoadedConfig } from '../../src/agent/config/types.js';
import { DEFAULT_DAMPING, DEFAULT_DEGRADE } from '../../src/agent/config/defaults.js';
import { configHash } from '../../src/agent/config/hash.js';
import type { CheckTiming } from '../../src/health/types.js';

export const fastTiming: CheckTiming = { intervalMs: 1000, timeoutMs: 500, rise: 2, fall: 2, fastIntervalMs: 250, jitterMs: 0 };

export function service(name: string, more: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name,
    prefixes: ['192.0.2.0/24'],
    addresses: [],
    checks: [{ name: 'probe', spec: { type: 'tcp', host: '127.0.0.1', port: 1 }, timing: fastTiming }],
    require: { kind: 'all', of: [{ kind: 'check', name: 'probe' }] },
    med: null,
    communities: [],
    largeCommunities: [],
    degrade: { ...DEFAULT_DEGRADE, drainTimeMs: 5000, prepend: 2, med: 500 },
    holdDownMs: 3000,
    damping: { ...DEFAULT_DAMPING },
    maintenanceFile: null,
    responder: null,
    ...more,
  };
}

export function agentConfig(services: ServiceConfig[], more: Partial<AgentConfig> = {}): AgentConfig {
  return {
    name: 'test-site',
    control: { socket: '/nonexistent/agent.sock', listen: null },
    metrics: null,
    log: { level: 'info', format: 'json' },
    backend: { type: 'dry-run', bird: null, speaker: null },
    loopback: { manage: false, interface: 'lo' },
    maintenanceFile: null,
    maintenancePollMs: 1000,
    shutdown: { drain: true, drainTimeMs: null, lingerMs: 500, timeoutMs: 30_000 },
    prefixes: {},
    services,
    ...more,
  };
}

export function loaded(config: AgentConfig, file = 'agent.yaml'): LoadedConfig {
  return { file, config, hash: configHash(config) };
}
