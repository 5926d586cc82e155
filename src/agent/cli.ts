// The implementation behind `anycast agent …` (src/cli/commands/agent.ts stays light and loads this lazily).
import { AnycastError, UsageError } from '../util/errors.js';
import { SystemClock } from '../util/clock.js';
import { describeCheck } from '../health/checks.js';
import { describeTree } from '../health/combine.js';
import { assertAvailable } from './backends/index.js';
import { BIRD_RECONFIGURED, birdCommand, replyText } from './backends/bird-control.js';
import { renderInclude } from './backends/bird-render.js';
import { writeFileAtomic } from './backends/bird.js';
import { runGuard } from './backends/bird-guard.js';
import { loadConfigFile } from './config/parse.js';
import { DEFAULTS } from './config/defaults.js';
import { formatDuration } from './config/units.js';
import { callAgent, expectOk, type ControlTarget } from './control-client.js';
import { formatStatus, table } from './status-format.js';
import type { AgentStatusJson } from './status.js';
import { runAgent } from './run.js';

type Out = (text: string) => void;

export function target(v: { socket?: string; config?: string }): ControlTarget {
  if (v.socket) return { socket: v.socket };
  if (v.config) return { socket: loadConfigFile(v.config).config.control.socket };
  return { socket: DEFAULTS.controlSocket };
}

export async function runCommand(config: string): Promise<number> {
  const code = await runAgent(config);
  // Leave a moment for the last log lines, then exit even if a stray handle is still open.
  setTimeout(() => process.exit(code), 100);
  return code;
}

/** Where a peer's next hops come from when none is configured (see backends/speaker-config.ts). */
function nextHopText(p: { address: string; families: string[] }): string {
  const v6 = p.address.includes(':');
  const other = v6 ? 'ipv4-unicast' : 'ipv6-unicast';
  return p.families.includes(other) ? `session address; ${v6 ? 'IPv4' : 'IPv6'}: host address` : 'session address';
}

export async function checkCommand(file: string, json: boolean, out: Out): Promise<number> {
  const { config, hash } = loadConfigFile(file);
  await assertAvailable(config);
  if (json) {
    out(JSON.stringify({ ok: true, file, hash, name: config.name, backend: config.backend.type,
      ...(config.backend.type === 'speaker' ? { speaker: config.backend.speaker } : {}),
      services: config.services.map((s) => ({ name: s.name, prefixes: s.prefixes, checks: s.checks.map((c) => c.name),
        require: describeTree(s.require), mode: s.degrade.mode })) }, null, 2));
    return 0;
  }
  const prefixes = new Set(config.services.flatMap((s) => s.prefixes));
  out(`${file}: OK — ${config.services.length} service${config.services.length === 1 ? '' : 's'}, ${prefixes.size} ` +
    `prefix${prefixes.size === 1 ? '' : 'es'}, backend ${config.backend.type}, config hash ${hash}`);
  const rows = [['Service', 'Prefixes', 'Require', 'On failure', 'Hold-down']];
  for (const s of config.services) {
    rows.push([s.name, s.prefixes.join(' '), describeTree(s.require),
      `${s.degrade.mode}${s.degrade.mode === 'drain' ? ` ${formatDuration(s.degrade.drainTimeMs)}` : ''}`,
      formatDuration(s.holdDownMs)]);
  }
  out(table(rows).join('\n'));
  const checks = [['Check', 'Type', 'Target', 'Interval', 'Fast', 'Timeout', 'Rise', 'Fall']];
  for (const s of config.services) {
    for (const c of s.checks) {
      checks.push([`${s.name}/${c.name}`, c.spec.type, describeCheck(c.spec), formatDuration(c.timing.intervalMs),
        formatDuration(c.timing.fastIntervalMs), formatDuration(c.timing.timeoutMs), String(c.timing.rise),
        String(c.timing.fall)]);
    }
  }
  out(table(checks).join('\n'));
  const sp = config.backend.type === 'speaker' ? config.backend.speaker : null;
  if (sp !== null) {
    out(`Speaker AS${sp.localAs}, router id ${sp.routerId}, graceful restart ${sp.gracefulRestart ? `on (restart time ${sp.restartTimeS}s)` : 'off'}`);
    out(table([['Peer', 'Address', 'AS', 'Families', 'Mode', 'Hold', 'Local address', 'Next hop'],
      ...sp.peers.map((p) => [p.name, `${p.address.includes(':') ? `[${p.address}]` : p.address}:${p.port}`, String(p.as),
        p.families.join(','), p.passive ? 'passive' : 'active', `${p.holdTimeS}s`, p.localAddress ?? 'auto',
        p.nextHop ?? nextHopText(p)]),
    ]).join('\n'));
  }
  return 0;
}

export async function statusCommand(t: ControlTarget, json: boolean, out: Out): Promise<number> {
  const body = expectOk(await callAgent(t, 'GET', '/v1/status')) as AgentStatusJson;
  out(json ? JSON.stringify(body, null, 2) : formatStatus(body));
  return 0;
}

export async function drainCommand(t: ControlTarget, op: 'drain' | 'undrain', service: string, json: boolean,
  out: Out): Promise<number> {
  const body = expectOk(await callAgent(t, 'POST', `/v1/services/${encodeURIComponent(service)}/${op}`)) as
    { service: string; adminDrain: boolean; state: string; reason: string };
  out(json ? JSON.stringify(body, null, 2)
    : `${body.service}: ${op === 'drain' ? 'drained' : 'undrained'}; now ${body.state} (${body.reason})`);
  return 0;
}

export async function reloadCommand(t: ControlTarget, json: boolean, out: Out): Promise<number> {
  const r = await callAgent(t, 'POST', '/v1/reload');
  const body = r.body as { ok: boolean; hash: string; error?: string; changes?: string[] } | null;
  if (body === null || typeof body.ok !== 'boolean') expectOk(r);
  if (json) out(JSON.stringify(body, null, 2));
  else if (body!.ok) out(`reloaded: config hash ${body!.hash}${body!.changes?.length ? `; ${body!.changes.join('; ')}` : '; no changes'}`);
  if (!body!.ok) {
    throw new AnycastError('ERR_RELOAD', `reload rejected, still running config ${body!.hash}: ${body!.error}`);
  }
  return 0;
}

/** Withdraw everything: write the empty include file and reconfigure BIRD (for ExecStopPost= and the like). */
export async function cleanupCommand(file: string, json: boolean, out: Out): Promise<number> {
  const { config } = loadConfigFile(file);
  const bird = config.backend.bird;
  if (config.backend.type !== 'bird' || !bird) {
    throw new UsageError(`${file}: cleanup applies to backend type bird (this one is ${config.backend.type})`);
  }
  await writeFileAtomic(bird.includeFile, renderInclude(new Map(), bird, config.name));
  const r = await birdCommand(bird.socket, 'configure', bird.timeoutMs, new SystemClock(false));
  if (r.code !== BIRD_RECONFIGURED) throw new AnycastError('ERR_BACKEND', `BIRD refused the configuration: ${replyText(r)}`);
  out(json ? JSON.stringify({ ok: true, include: bird.includeFile, socket: bird.socket })
    : `withdrawn: ${bird.includeFile} emptied and BIRD (${bird.socket}) reconfigured`);
  return 0;
}

export async function guardCommand(v: Record<string, string | boolean | undefined>): Promise<number> {
  const need = (k: string) => {
    const x = v[k];
    if (typeof x !== 'string' || x === '') throw new UsageError(`agent guard needs --${k}`);
    return x;
  };
  const route = need('route');
  if (route !== 'blackhole' && route !== 'unreachable' && route !== 'prohibit') throw new UsageError('bad --route');
  const code = await runGuard({
    socket: need('socket'), include: need('include'), ipv4Protocol: need('ipv4-protocol'),
    ipv6Protocol: need('ipv6-protocol'), exportFilter: need('export-filter'), route, name: need('name'), timeoutMs: Number(need('timeout')),
  });
  process.exit(code);
}

