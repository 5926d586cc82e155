// `anycast agent status` as text: a summary table in the manner of `birdc show protocols`, then one block per
// service (checks, damping, transitions), then what is announced and to which peers.
import { formatDuration } from './config/units.js';
import type { AgentStatusJson } from './status.js';

export function table(rows: string[][], indent = ''): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

const time = (isoText: string) => isoText.slice(11, 23);
const ms = (n: number | null) => (n === null ? '-' : formatDuration(Math.round(n)));

export function formatStatus(s: AgentStatusJson): string {
  const a = s.agent;
  const out: string[] = [];
  out.push(`anycast agent ${a.name} (pid ${a.pid}), up ${ms(a.uptimeMs)}, backend ${s.backend.target}`);
  out.push(`Config ${a.configFile}, hash ${a.configHash}` + (a.lastReload
    ? `; last reload ${time(a.lastReload.at)} ${a.lastReload.ok ? 'ok' : `FAILED: ${a.lastReload.error}`}` : ''));
  if (a.shuttingDown) out.push(`Shutting down: ${a.shuttingDown}`);
  out.push('');
  out.push(...table([
    ['Service', 'State', 'Since', 'Health', 'Penalty', 'Info'],
    ...s.services.map((v) => [v.name, v.state, time(v.since), v.health, String(v.damping.penalty),
      v.blockers.join('; ') || v.reason]),
  ]));
  for (const v of s.services) {
    out.push('');
    out.push(`Service ${v.name}: ${v.state} since ${time(v.since)} (${v.reason})`);
    out.push(`  Health:      ${v.health} — ${v.healthDetail}`);
    out.push(`  Require:     ${v.require}; on failure: ${v.mode}`);
    out.push(`  Prefixes:    ${v.prefixes.map((p) => `${p.prefix} ${p.announced ? `announced${p.attributes !== '-' ? ` (${p.attributes})` : ''}` : 'withdrawn'}`).join(', ')}`);
    if (v.addresses.length) out.push(`  Addresses:   ${v.addresses.join(', ')}`);
    if (v.responder) {
      out.push(`  Responder:   dns ${v.responder.config}, ${v.responder.listening.length ? `listening on ${v.responder.listening.join(', ')}` : 'not running'}, ${v.responder.queries} queries`);
    }
    if (v.adminDrain || v.maintenanceFile) out.push(`  Maintenance: ${[v.adminDrain ? 'operator drain' : '', v.maintenanceFile ? `file ${v.maintenanceFile}` : ''].filter(Boolean).join(', ')}`);
    if (v.drainEndsInMs !== null) out.push(`  Drain:       withdrawal in ${ms(v.drainEndsInMs)}`);
    if (v.holdDownRemainingMs !== null) out.push(`  Hold-down:   ${ms(v.holdDownRemainingMs)} left`);
    const d = v.damping;
    out.push(`  Damping:     ${d.enabled ? `penalty ${d.penalty} (suppress ${d.suppress}, reuse ${d.reuse}, half-life ${ms(d.halfLifeMs)})` : 'off'}, ` +
      `${d.suppressed ? `SUPPRESSED, reuse in ${ms(d.reuseInMs)}` : 'not suppressed'}, ${d.flaps} flap${d.flaps === 1 ? '' : 's'}`);
    out.push('  Checks:');
    // Rise/Fall show the progress of a pending change (successes towards rise while not up, failures towards fall
    // while not down); "*" marks a check probing at its fast interval.
    out.push(...table([
      ['Name', 'Type', 'State', 'Rise', 'Fall', 'Last', 'Latency', 'Result'],
      ...v.checks.map((c) => [c.name, c.type, c.state + (c.pending ? '*' : ''),
        c.state === 'up' ? '-' : `${c.okStreak}/${c.rise}`, c.state === 'down' ? '-' : `${c.failStreak}/${c.fall}`,
        c.last ? time(c.last.at) : '-', c.last ? `${c.last.latencyMs.toFixed(1)} ms` : '-',
        c.last ? `${c.last.ok ? 'ok' : 'FAIL'}: ${c.last.detail}` : 'not run yet']),
    ], '    '));
    if (v.transitions.length) {
      out.push('  Transitions:');
      for (const t of v.transitions.slice(-10)) out.push(`    ${time(t.at)}  ${t.from.padEnd(8)} → ${t.to.padEnd(8)}  ${t.reason}`);
    }
  }
  out.push('');
  out.push(`Announced (${s.announced.length} prefix${s.announced.length === 1 ? '' : 'es'}):`);
  if (s.announced.length) {
    out.push(...table([
      ['Prefix', 'Attributes', 'Services', 'Backend'],
      ...s.announced.map((x) => [x.prefix, x.summary, x.services.join(','), x.confirmed ? 'applied' : 'pending']),
    ], '  '));
  }
  const b = s.backend;
  out.push('');
  out.push(`Backend ${b.kind}: ${b.healthy ? 'ok' : 'NOT OK'} (${b.detail}), ${b.applies} change${b.applies === 1 ? '' : 's'} applied, ` +
    `${b.failures} failed${b.lastApply ? `, last ${time(new Date(b.lastApply.wallAt).toISOString())} ${b.lastApply.ok ? `ok in ${b.lastApply.durationMs.toFixed(1)} ms` : `FAILED: ${b.lastApply.error}`}` : ''}` +
    `${b.pending ? ', change pending' : ''}`);
  if (b.peers.length) {
    // The session's own details (address, uptime, last error) when the backend has more to say than the state.
    const info = b.peers.some((p) => p.info !== '' && p.info !== p.state);
    out.push(...table([
      ['Peer', 'State', 'Exported', ...(info ? ['Info'] : [])],
      ...b.peers.map((p) => [p.name, p.state, p.exported === null ? '?' : p.exported.join(' ') || '-', ...(info ? [p.info] : [])]),
    ], '  '));
  }
  return out.join('\n');
}
