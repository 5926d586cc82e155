// The implementations behind `anycast speaker | show | neighbor | route`: each sends one request to the speaker's
// control API and prints the answer as a table (format.ts) or, with --json, as the API's JSON document.
import { AnycastError, UsageError } from '../../util/errors.js';
import { loadSpeakerConfig } from '../config/load.js';
import { callSpeaker, type SpeakerTarget } from './client.js';
import { formatAdjRib, formatNeighbor, formatNeighbors, formatRib, formatRoute, table } from './format.js';

export type Out = (text: string) => void;

const json = (out: Out, v: unknown) => out(JSON.stringify(v, null, 2));
const enc = encodeURIComponent;

export function checkCommand(file: string, asJson: boolean, out: Out): number {
  const c = loadSpeakerConfig(file);
  const summary = {
    ok: true, file, routerId: c.routerId, localAs: c.localAs, neighbors: c.neighbors.length, dynamicRanges: c.dynamic.length,
    networks: c.networks.length, policies: c.policy.policies.size, prefixLists: c.policy.prefixLists.size,
  };
  if (asJson) json(out, summary);
  else out(`${file}: OK (router-id ${c.routerId}, AS ${c.localAs}, ${c.neighbors.length} neighbors, ${c.dynamic.length} dynamic ranges, ` +
    `${c.networks.length} networks, ${summary.policies} policies, ${summary.prefixLists} prefix lists)`);
  return 0;
}

export async function runCommand(file: string): Promise<number> {
  const { startDaemon } = await import('../speaker/daemon.js');
  const { tuneDaemonHeap } = await import('../../util/heap-tuning.js');
  tuneDaemonHeap();
  const d = await startDaemon(file, { warmUp: true });
  return d.done;
}

export async function statusCommand(t: SpeakerTarget, asJson: boolean, out: Out): Promise<number> {
  const s = await callSpeaker(t, 'GET', '/v1/status') as Record<string, unknown> & {
    rib: { prefixes: Record<string, number>; paths: Record<string, number>; attributeSets: number };
    neighbors: { total: number; byState: Record<string, number> }; fib: { kind: string; replaced: number; failures: number; queued: number };
    uptimeSeconds: number; listen: { address: string; port: number }[];
  };
  if (asJson) { json(out, s); return 0; }
  const { duration } = await import('./format.js');
  out([
    `BGP speaker ${s.routerId as string}, AS ${s.localAs as number}, up ${duration(s.uptimeSeconds)}${s.restarting ? ' (restarted gracefully)' : ''}${s.deferring ? ', deferring the decision (graceful restart)' : ''}`,
    `  config:     ${s.file as string}`,
    `  listening:  ${s.listen.map((e) => `${e.address}:${e.port}`).join(', ') || '(not listening)'}`,
    `  neighbors:  ${s.neighbors.total} (${Object.entries(s.neighbors.byState).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'})`,
    `  Loc-RIB:    ${s.rib.prefixes.ipv4} IPv4 + ${s.rib.prefixes.ipv6} IPv6 prefixes, ${s.rib.paths.ipv4 + s.rib.paths.ipv6} paths, ${s.rib.attributeSets} attribute sets`,
    `  FIB:        ${s.fib.kind}, ${s.fib.replaced} written, ${s.fib.failures} refused, ${s.fib.queued} queued`,
  ].join('\n'));
  return 0;
}

export async function reloadCommand(t: SpeakerTarget, asJson: boolean, out: Out): Promise<number> {
  try {
    const r = await callSpeaker(t, 'POST', '/v1/reload') as { changes: string[] };
    if (asJson) json(out, r);
    else out(r.changes.length === 0 ? 'reloaded: no changes' : `reloaded:\n${r.changes.map((c) => `  ${c}`).join('\n')}`);
    return 0;
  } catch (e) {
    if (e instanceof AnycastError && e.code === 'ERR_RELOAD') throw new AnycastError('ERR_RELOAD', `reload refused (the running configuration stays): ${e.message}`);
    throw e;
  }
}

export async function stopCommand(t: SpeakerTarget, graceful: boolean, message: string | undefined, asJson: boolean, out: Out): Promise<number> {
  const r = await callSpeaker(t, 'POST', '/v1/shutdown', { graceful, ...(message !== undefined ? { message } : {}) });
  if (asJson) json(out, r);
  else out(graceful ? 'stopping for a graceful restart (kernel routes kept, sessions dropped without NOTIFICATION)' : 'stopping');
  return 0;
}

export async function dumpCommand(t: SpeakerTarget, file: string | undefined, asJson: boolean, out: Out): Promise<number> {
  const r = await callSpeaker(t, 'POST', '/v1/mrt/dump', file !== undefined ? { file } : {}) as { file: string; prefixes: number; octets: number };
  if (asJson) json(out, r);
  else out(`${r.file}: ${r.prefixes} prefixes, ${r.octets} octets (TABLE_DUMP_V2)`);
  return 0;
}

export async function showNeighbors(t: SpeakerTarget, asJson: boolean, out: Out): Promise<number> {
  const r = await callSpeaker(t, 'GET', '/v1/neighbors') as { neighbors: Parameters<typeof formatNeighbors>[0] };
  if (asJson) json(out, r); else out(formatNeighbors(r.neighbors));
  return 0;
}

export async function showNeighbor(t: SpeakerTarget, name: string, asJson: boolean, out: Out): Promise<number> {
  const r = await callSpeaker(t, 'GET', `/v1/neighbors/${enc(name)}`);
  if (asJson) json(out, r); else out(formatNeighbor(r as Parameters<typeof formatNeighbor>[0]));
  return 0;
}

export async function showRib(t: SpeakerTarget, o: { prefix?: string; in?: string; out?: string; prePolicy?: boolean; limit?: number; best?: boolean },
  asJson: boolean, out: Out): Promise<number> {
  if (o.in !== undefined && o.out !== undefined) throw new UsageError('give --in or --out, not both');
  if (o.prePolicy && o.in === undefined) throw new UsageError('--pre-policy goes with --in NEIGHBOR');
  const q = new URLSearchParams();
  if (o.prefix !== undefined) q.set('prefix', o.prefix);
  if (o.limit !== undefined) q.set('limit', String(o.limit));
  if (o.prePolicy) q.set('pre-policy', '1');
  if (o.best) q.set('best', '1');
  const qs = q.toString() === '' ? '' : `?${q}`;
  if (o.in !== undefined || o.out !== undefined) {
    const dir = o.in !== undefined ? 'in' : 'out';
    const r = await callSpeaker(t, 'GET', `/v1/rib/${dir}/${enc((o.in ?? o.out)!)}${qs}`);
    if (asJson) json(out, r); else out(formatAdjRib(r as Parameters<typeof formatAdjRib>[0]));
    return 0;
  }
  const r = await callSpeaker(t, 'GET', `/v1/rib${qs}`) as { routes: Parameters<typeof formatRib>[0]; total: number; truncated: boolean };
  if (asJson) json(out, r); else out(formatRib(r.routes, r.total, r.truncated));
  return o.prefix !== undefined && r.routes.length === 0 ? 1 : 0;
}

export async function showRoute(t: SpeakerTarget, prefix: string, explain: boolean, asJson: boolean, out: Out): Promise<number> {
  if (!explain) return showRib(t, { prefix }, asJson, out);
  const r = await callSpeaker(t, 'GET', `/v1/route?prefix=${enc(prefix)}`);
  if (asJson) json(out, r); else out(formatRoute(r as Parameters<typeof formatRoute>[0]));
  return 0;
}

export async function showRoutes(t: SpeakerTarget, asJson: boolean, out: Out): Promise<number> {
  const r = await callSpeaker(t, 'GET', '/v1/routes') as { routes: { prefix: string; source: string; nextHop?: string; origin: string;
    med?: number; localPref?: number; communities: string[]; largeCommunities: string[]; prepend: number; asPath: number[] }[] };
  if (asJson) { json(out, r); return 0; }
  if (r.routes.length === 0) { out('no originated routes'); return 0; }
  out(table(['Prefix', 'Source', 'Next Hop', 'AS Path', 'MED', 'LocPrf', 'Communities'], r.routes.map((x) => [
    x.prefix, x.source, x.nextHop ?? 'self', [...new Array<string>(x.prepend).fill('(own)'), ...x.asPath.map(String)].join(' ') || '-',
    x.med === undefined ? '-' : String(x.med), x.localPref === undefined ? '-' : String(x.localPref),
    [...x.communities, ...x.largeCommunities].join(' ')])));
  return 0;
}

export async function neighborCommand(t: SpeakerTarget, name: string, action: string, o: { message?: string; direction?: 'in' | 'out' | 'both' },
  asJson: boolean, out: Out): Promise<number> {
  if (!['reset', 'refresh', 'shutdown', 'enable'].includes(action)) throw new UsageError(`unknown neighbor action '${action}' (reset, refresh, shutdown, enable)`);
  if (o.message !== undefined && action !== 'reset' && action !== 'shutdown') throw new UsageError('--message goes with reset or shutdown');
  const body = { ...(o.message !== undefined ? { message: o.message } : {}), ...(o.direction !== undefined ? { direction: o.direction } : {}) };
  const r = await callSpeaker(t, 'POST', `/v1/neighbors/${enc(name)}/${action}`, body) as { neighbor: string; in?: string; out?: string };
  if (asJson) { json(out, r); return 0; }
  const detail = [r.in !== undefined ? `in: ${r.in}` : '', r.out !== undefined ? `out: ${r.out}` : ''].filter((x) => x !== '').join('; ');
  out(`${r.neighbor}: ${action}${detail ? ` (${detail})` : ''}`);
  return 0;
}

export async function routeCommand(t: SpeakerTarget, action: 'add' | 'del', prefix: string, attrs: Record<string, unknown>,
  asJson: boolean, out: Out): Promise<number> {
  if (action === 'del') {
    const r = await callSpeaker(t, 'DELETE', `/v1/routes?prefix=${enc(prefix)}`) as { prefix: string; source: string };
    if (asJson) json(out, r); else out(`${r.prefix}: withdrawn${r.source === 'config' ? ' (a network statement: it returns at the next reload)' : ''}`);
    return 0;
  }
  const r = await callSpeaker(t, 'POST', '/v1/routes', { prefix, ...attrs }) as { prefix: string; replaced: boolean };
  if (asJson) json(out, r); else out(`${r.prefix}: ${r.replaced ? 'replaced' : 'announced'}`);
  return 0;
}
