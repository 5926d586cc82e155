// Text rendering of the control API's JSON for the CLI, in the manner of `birdc show protocols` and `gobgp
// neighbor` / `gobgp global rib`: aligned columns, session states by their RFC names, uptimes as hh:mm:ss (or
// NdHHh past a day), `-` for a value that is not known or not present.
import { formatExplanation } from '../rib/decision/explain.js';
import type { Explanation } from '../rib/decision/explain.js';
import type { AttrsJSON } from '../rib/attrs.js';
import type { NeighborSummary, RibEntryView } from '../speaker/views.js';

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '-';
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return d > 0 ? `${d}d${two(h)}h${two(m)}m` : `${two(h)}:${two(m)}:${two(sec)}`;
}

const num = (n: number | null | undefined) => (n === null || n === undefined ? '-' : String(n));

export function formatNeighbors(list: NeighborSummary[]): string {
  if (list.length === 0) return 'no neighbors configured\n';
  return table(['Neighbor', 'Address', 'AS', 'State', 'Since', 'Rcvd', 'Accepted', 'Adv', 'Info'],
    list.map((n) => [n.name, n.address, num(n.remoteAs), n.adminUp ? n.state : `${n.state} (admin down)`,
      duration(n.stateSeconds), num(n.prefixes.received), String(n.prefixes.accepted), String(n.prefixes.advertised),
      n.state === 'Established' ? (n.description ?? '') : (n.lastError ?? n.description ?? '')]));
}

type Detail = NeighborSummary & Record<string, unknown> & {
  local: { address: string | null; port: number | null }; remote: { address: string; port: number };
  policies: { import: string | null; export: string | null };
  session: null | { holdTime: number; keepaliveTime: number; families: string[]; as4: boolean; extendedMessages: boolean;
    routeRefresh: boolean; enhancedRouteRefresh: boolean; addPathReceive: string[]; addPathSend: string[]; initiator: string;
    gracefulRestart: null | { restartTime: number; restarting: boolean; notification: boolean; families: { family: string; forwarding: boolean }[] };
    peerRole: string | null; hostname: string | null };
  configured: { holdTime: number; families: string[]; gracefulRestart: boolean; restartTime: number; maxPrefix: Record<string, { limit: number; action: string }> };
  prefixesByFamily: { ipv4: number; ipv6: number };
  messages: { in: Record<string, number>; out: Record<string, number>; bytesIn: number; bytesOut: number };
  routes: { announcedIn: number; withdrawnIn: number; out: Record<string, number> };
  gracefulRestartHelper: { stale: string[]; timer: { kind: string; remaining: number } | null };
  timers: Record<string, number>;
  kind: string | null; mrai: number; range: string | null; passive: boolean;
  lastNotification: null | { direction: string; text: string };
};

export function formatNeighbor(d: Detail): string {
  const out: string[] = [];
  const kv = (k: string, v: string) => out.push(`  ${(k + ':').padEnd(18)}${v}`);
  out.push(`BGP neighbor ${d.name} (${d.address}), remote AS ${num(d.remoteAs)}, local AS ${d.localAs}${d.kind ? `, ${d.kind}` : ''}${d.dynamic ? `, dynamic (${d.range})` : ''}`);
  if (d.description) kv('Description', d.description);
  kv('State', `${d.state}${d.adminUp ? '' : ' (administratively down)'} for ${duration(d.stateSeconds)}`);
  if (d.routerId) kv('Neighbor ID', d.routerId);
  const s = d.session;
  if (s !== null) {
    kv('Connection', `${d.local.address}:${d.local.port} - ${d.remote.address}:${d.remote.port} (opened by ${s.initiator === 'local' ? 'us' : 'the neighbor'})`);
    kv('Hold time', `${s.holdTime} s, keepalive ${s.keepaliveTime} s`);
    kv('Families', s.families.join(', ') || '(none in common)');
    const caps = [s.as4 ? '4-octet AS' : '2-octet AS'];
    if (s.routeRefresh) caps.push('route refresh');
    if (s.enhancedRouteRefresh) caps.push('enhanced route refresh');
    if (s.extendedMessages) caps.push('extended messages');
    if (s.addPathReceive.length > 0) caps.push(`add-path receive ${s.addPathReceive.join(' ')}`);
    if (s.addPathSend.length > 0) caps.push(`add-path send ${s.addPathSend.join(' ')}`);
    if (s.peerRole) caps.push(`role ${s.peerRole}`);
    kv('Capabilities', caps.join(', '));
    const gr = s.gracefulRestart;
    kv('Graceful restart', gr === null ? 'not advertised by the neighbor'
      : `restart time ${gr.restartTime} s${gr.restarting ? ', restarting' : ''}${gr.notification ? ', N bit' : ''}; forwarding kept for ${gr.families.filter((f) => f.forwarding).map((f) => f.family).join(' ') || 'none'}`);
  } else {
    kv('Configured', `hold time ${d.configured.holdTime} s, families ${d.configured.families.join(', ')}${d.passive ? ', passive' : ''}`);
  }
  kv('Policies', `import ${d.policies.import ?? '(none)'}, export ${d.policies.export ?? '(none)'}${d.mrai > 0 ? `, MRAI ${d.mrai} s` : ''}`);
  kv('Routes', `${d.prefixes.accepted} accepted (ipv4 ${d.prefixesByFamily.ipv4}, ipv6 ${d.prefixesByFamily.ipv6}), ${d.prefixes.advertised} advertised` +
    (d.prefixes.received === null ? '' : `, ${d.prefixes.received} received before policy`));
  const mp = Object.entries(d.configured.maxPrefix);
  if (mp.length > 0) kv('Max prefix', mp.map(([f, m]) => `${f} ${m.limit} (${m.action})`).join(', '));
  if (d.gracefulRestartHelper.stale.length > 0) {
    const t = d.gracefulRestartHelper.timer;
    kv('Stale routes', `${d.gracefulRestartHelper.stale.join(' ')}${t ? ` (${t.kind} timer ${Math.round(t.remaining)} s)` : ''}`);
  }
  const msg = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ');
  kv('Messages in', `${msg(d.messages.in)} (${d.messages.bytesIn} octets)`);
  kv('Messages out', `${msg(d.messages.out)} (${d.messages.bytesOut} octets)`);
  kv('Prefix updates', `in: ${d.routes.announcedIn} announced, ${d.routes.withdrawnIn} withdrawn; out: ${d.routes.out.prefixesOut} announced, ${d.routes.out.withdrawalsOut} withdrawn`);
  const timers = Object.entries(d.timers).map(([k, v]) => `${k.replace(/Timer$/, '')} ${Math.round(v)} s`).join(', ');
  if (timers) kv('Timers', timers);
  kv('Flaps', String(d.flaps));
  if (d.lastError) kv('Last error', d.lastError);
  if (d.lastNotification) kv('Last NOTIFICATION', `${d.lastNotification.direction}: ${d.lastNotification.text}`);
  return out.join('\n') + '\n';
}

function originCode(o: string): string {
  return o === 'igp' ? 'i' : o === 'egp' ? 'e' : '?';
}

function communities(a: AttrsJSON): string {
  return [...(a.communities ?? []), ...(a.largeCommunities ?? []), ...(a.extCommunities ?? [])].join(' ');
}

function pathText(a: AttrsJSON): string {
  return `${a.asPath === '' ? '' : `${a.asPath} `}${originCode(a.origin)}`;
}

export function formatRib(routes: RibEntryView[], total: number, truncated: boolean): string {
  if (routes.length === 0) return 'no routes\n';
  const rows: string[][] = [];
  for (const r of routes) {
    for (const p of r.paths) {
      const flag = `${p.eligible ? '*' : 'x'}${p.best ? '>' : p.multipath ? '=' : ' '}${p.stale ? 'S' : ''}`;
      rows.push([flag, r.prefix, p.attrs.nextHop ?? '-', pathText(p.attrs), num(p.attrs.med), num(p.attrs.localPref),
        communities(p.attrs), p.from === 'local' ? 'local' : p.from]);
    }
  }
  let text = table(['', 'Network', 'Next Hop', 'AS Path', 'MED', 'LocPrf', 'Communities', 'From'], rows);
  text += `\nflags: * valid, > best, = multipath, S stale, x ineligible${truncated ? `; showing ${routes.length} of ${total} prefixes` : ''}\n`;
  return text;
}

export function formatAdjRib(v: { neighbor: string; direction: string; prePolicy: boolean; total: number; truncated: boolean;
  routes: { prefix: string; pathId: number; eligible?: boolean; attrs: AttrsJSON }[] }): string {
  const title = v.direction === 'in' ? `Adj-RIB-In of ${v.neighbor} (${v.prePolicy ? 'before' : 'after'} import policy)` : `Adj-RIB-Out of ${v.neighbor}`;
  if (v.routes.length === 0) return `${title}: no routes\n`;
  const withIds = v.routes.some((r) => r.pathId !== 0);
  const rows = v.routes.map((r) => [...(withIds ? [String(r.pathId)] : []), r.prefix, r.attrs.nextHop ?? '-', pathText(r.attrs),
    num(r.attrs.med), num(r.attrs.localPref), communities(r.attrs)]);
  return `${title}\n` + table([...(withIds ? ['Path ID'] : []), 'Network', 'Next Hop', 'AS Path', 'MED', 'LocPrf', 'Communities'], rows) +
    (v.truncated ? `showing ${v.routes.length} of ${v.total}\n` : '');
}

export function formatRoute(v: { explanation: Explanation; export: { neighbor: string; sent: boolean; why: string }[] }): string {
  let text = formatExplanation(v.explanation);
  if (!text.endsWith('\n')) text += '\n';
  if (v.export.length > 0) {
    text += '\nexport\n' + table(['Neighbor', 'Sent', 'Why'], v.export.map((e) => [e.neighbor, e.sent ? 'yes' : 'no', e.why]));
  }
  return text;
}
