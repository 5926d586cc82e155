// `anycast lab check|up|down|list|status`: validate a topology, bring a lab up (and leave it running), tear it
// down from its recorded state, list recorded labs, and show what runs and how the sessions are.

import { table } from '../format.js';
import { buildModel } from '../model.js';
import { NetnsLab, labDown, type UpReport } from '../runtime/netns/lab.js';
import { sessionsOf } from '../runtime/netns/converge.js';
import { listLabs, ownerAlive, readLab, recordedProcesses, resolveLabName } from '../state.js';
import { loadTopology } from '../topology/parse.js';
import { UsageError } from '../../util/errors.js';
import { durationArg, json, parse, progress, write } from './common.js';

export async function check(argv: string[]): Promise<number> {
  const a = parse(argv, { plan: { type: 'boolean' } }, `usage: anycast lab check FILE [--plan] [--json]
  Validates a topology (nothing is created) and prints what it describes; --plan adds every address and session.`);
  if (!a) return 0;
  const file = a.positionals[0];
  if (!file) throw new UsageError('give the topology file: anycast lab check FILE');
  const t = loadTopology(file);
  const m = buildModel(t);
  const impls = new Map<string, number>();
  for (const r of t.routers) impls.set(r.implementation, (impls.get(r.implementation) ?? 0) + 1);
  const sessions = Object.values(m.speakers).reduce((n, s) => n + s.neighbors.length, 0) / 2;
  const summary = {
    file, name: t.name, prefix: m.prefix, ases: t.ases.length, routers: t.routers.length, implementations: Object.fromEntries(impls),
    links: t.links.filter((l) => l.kind === 'core').length, relationships: t.relationships.length,
    sites: t.sites.map((s) => ({ name: s.name, as: s.asn, upstreams: s.upstreams, announce: s.announce, prefixes: [s.prefixes.ipv4, s.prefixes.ipv6] })),
    clients: t.clients.length, namespaces: m.nodes.length, sessions,
  };
  if (a.values.json) {
    write(json(a.values.plan ? { ...summary, model: m } : summary));
    return 0;
  }
  write(`${file}: OK — ${t.ases.length} ASes, ${t.routers.length} routers (${[...impls].map(([k, v]) => `${v} ${k}`).join(', ')}), ` +
    `${summary.links} links, ${t.relationships.length} relationships, ${t.sites.length} sites, ${t.clients.length} clients; ` +
    `${m.nodes.length} namespaces, ${sessions} BGP sessions (one per family per link)`);
  write(`anycast: ${t.anycast.ipv4} (${t.anycast.service4}) and ${t.anycast.ipv6} (${t.anycast.service6})`);
  write(table(['site', 'AS', 'upstreams', 'announces', 'city'], t.sites.map((s) => [s.name, s.asn, s.upstreams.join(' '), s.announce ? `${s.prefixes.ipv4} ${s.prefixes.ipv6}` : 'no (standby)', s.city])));
  if (a.values.plan) {
    write('');
    write(table(['node', 'kind', 'AS', 'namespace', 'interface', 'address', 'peer address'],
      m.nodes.flatMap((n) => n.interfaces.map((i) => [n.name, n.kind, n.asn, n.ns, i.name, `${i.addr4} ${i.addr6}`, `${i.peer4} ${i.peer6}`]))));
    write('');
    write(table(['speaker', 'AS', 'neighbor', 'remote AS', 'role', 'policy'],
      Object.entries(m.speakers).flatMap(([node, s]) => s.neighbors.map((n) => [node, s.localAs, n.address, n.remoteAs, n.role ?? 'iBGP', `${n.import}/${n.export}`]))));
  }
  return 0;
}

export function formatUp(r: UpReport): string {
  const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
  const t = r.timings;
  return [
    `lab ${r.name} up in ${s(t.totalMs)}: ${r.namespaces} namespaces (prefix ${r.prefix}-), ${r.links} links, ${r.speakers} BGP speakers, ${r.sessions} sessions established`,
    `  namespaces + links  ${s(t.namespacesMs)} (one global batch ${s(t.globalBatchMs)}, per-namespace batches ${s(t.perNamespaceMs)})`,
    `  BGP speakers        ${s(t.speakersMs)}`,
    `  site services       ${s(t.servicesMs)} (started beside the speakers)`,
    `  convergence         ${s(t.convergeMs)} (${r.convergence.prefixes} prefixes at ${r.convergence.speakers} speakers as predicted, stable for 0.25 s)`,
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

export async function up(argv: string[]): Promise<number> {
  const a = parse(argv, { name: { type: 'string' }, prefix: { type: 'string' }, timeout: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
    `usage: anycast lab up FILE [--name NAME] [--prefix P] [--timeout 120s] [--json] [-q]
  Creates the lab (namespaces, veths, addresses, routers, site services), waits until BGP has converged to what
  the topology predicts, and leaves it running; \`anycast lab down NAME\` removes it.`);
  if (!a) return 0;
  const file = a.positionals[0];
  if (!file) throw new UsageError('give the topology file: anycast lab up FILE');
  const t = loadTopology(file);
  const { report } = await NetnsLab.up(t, {
    keep: true, ...(a.values.name ? { name: a.values.name } : {}), ...(a.values.prefix ? { prefix: a.values.prefix } : {}),
    timeoutMs: durationArg(a.values.timeout, 'timeout', 120_000), progress: progress(!!a.values.quiet || !!a.values.json),
  });
  if (a.values.json) write(json(report));
  else {
    write(formatUp(report));
    write(`next: anycast lab run catchment · anycast lab status · anycast lab down ${report.name}`);
  }
  return 0;
}

export async function down(argv: string[]): Promise<number> {
  const a = parse(argv, { all: { type: 'boolean' } }, `usage: anycast lab down [NAME] [--all] [--json]
  Kills every process of the lab (by recorded PID) and deletes its namespaces; works after a crash and without
  the topology file. --all takes down every recorded lab.`);
  if (!a) return 0;
  const names = a.values.all ? listLabs() : [resolveLabName(a.positionals[0])];
  const reports = names.map((n) => labDown(n));
  if (a.values.json) write(json(reports.length === 1 ? reports[0] : reports));
  else for (const r of reports) {
    write(`lab ${r.name} down in ${(r.ms / 1000).toFixed(2)} s: ${r.killed} processes ended, ${r.namespacesDeleted} namespaces deleted${r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''}`);
  }
  return reports.some((r) => r.errors.length) ? 1 : 0;
}

export async function list(argv: string[]): Promise<number> {
  const a = parse(argv, {}, 'usage: anycast lab list [--json]');
  if (!a) return 0;
  const labs = listLabs().map((n) => {
    try {
      const st = readLab(n);
      return { name: n, status: st.status, runtime: st.runtime, created: st.created, topology: st.topologyFile, namespaces: st.model.nodes.length,
        ownerAlive: ownerAlive(st) };
    } catch (e) {
      return { name: n, status: 'unreadable', error: (e as Error).message };
    }
  });
  if (a.values.json) write(json(labs));
  else if (labs.length === 0) write('no lab is recorded');
  else write(table(['lab', 'status', 'runtime', 'created', 'namespaces', 'topology'], labs.map((l) => [l.name, l.status, 'runtime' in l ? l.runtime : '-', 'created' in l ? l.created : '-', 'namespaces' in l ? l.namespaces : '-', 'topology' in l ? l.topology : '-'])));
  return 0;
}

export async function status(argv: string[]): Promise<number> {
  const a = parse(argv, {}, `usage: anycast lab status [NAME] [--json]
  The lab's state: processes, BGP sessions per speaker, sites, links and nodes taken down.`);
  if (!a) return 0;
  const lab = NetnsLab.attach(a.positionals[0]);
  const st = lab.state;
  const procs = recordedProcesses(st.name);
  const handles = lab.speakerHandles();
  const sessions = await Promise.all(handles.map(async (h) => {
    try {
      const ns = await sessionsOf(h);
      return { node: h.node, up: ns.filter((n) => n.state === 'established').length, total: ns.length, down: ns.filter((n) => n.state !== 'established').map((n) => n.name ?? n.address) };
    } catch (e) {
      return { node: h.node, up: 0, total: 0, down: [], error: (e as Error).message };
    }
  }));
  const stats = await lab.siteStats(Object.keys(st.sites));
  const m = st.model;
  const out = {
    name: st.name, status: st.status, runtime: st.runtime, created: st.created, topology: st.topologyFile, prefix: st.prefix,
    processes: { recorded: procs.length, alive: procs.filter((p) => p.alive).length },
    speakers: sessions.map((s) => ({ ...s, implementation: m.nodes.find((n) => n.name === s.node)!.implementation, asn: m.nodes.find((n) => n.name === s.node)!.asn })),
    sites: Object.entries(st.sites).map(([n, s]) => ({ name: n, announced: s.announced, service: stats.get(n) ? 'up' : 'down', queries: stats.get(n)?.udp.received ?? null })),
    linksDown: st.linksDown.map((i) => `${m.links[i]!.a}~${m.links[i]!.b}`), nodesStopped: st.nodesStopped, notes: st.notes, timings: st.timings ?? null,
  };
  if (a.values.json) {
    write(json(out));
    return 0;
  }
  const up = sessions.reduce((n, s) => n + s.up, 0);
  const total = sessions.reduce((n, s) => n + s.total, 0);
  write(`lab ${st.name} (${st.runtime}, ${st.status}) from ${st.topologyFile}, created ${st.created}; namespaces ${st.prefix}-*`);
  write(`processes: ${out.processes.alive} running of ${out.processes.recorded} recorded; BGP sessions: ${up}/${total} established`);
  write('');
  write(table(['site', 'announced', 'service', 'UDP queries'], out.sites.map((s) => [s.name, s.announced ? 'yes' : 'no', s.service, s.queries])));
  const troubled = out.speakers.filter((s) => s.up !== s.total || 'error' in s);
  write('');
  write(troubled.length === 0 ? `all ${out.speakers.length} speakers have every session established`
    : table(['speaker', 'AS', 'implementation', 'sessions', 'not established'], troubled.map((s) => [s.node, s.asn, s.implementation, `${s.up}/${s.total}`, 'error' in s ? s.error : s.down.join(' ')])));
  if (out.linksDown.length) write(`links down: ${out.linksDown.join(', ')}`);
  if (out.nodesStopped.length) write(`speakers stopped: ${out.nodesStopped.join(', ')}`);
  for (const n of st.notes) write(`note: ${n}`);
  return 0;
}
