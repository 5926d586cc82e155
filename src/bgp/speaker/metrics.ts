// Prometheus text exposition (format 0.0.4) of the speaker: session state, prefixes per neighbor and table,
// messages and UPDATEs in and out, flaps, decision runs, FIB writes. Every value is read from counters the
// speaker keeps anyway; rendering walks the neighbors, not the tables (safe to scrape on a full table).
import type { Speaker } from './speaker.js';

const STATES = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function renderMetrics(s: Speaker): string {
  const lines: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const put = (name: string, labels: Record<string, string>, v: number) => {
    const l = Object.entries(labels).map(([k, x]) => `${k}="${esc(x)}"`).join(',');
    lines.push(`${name}${l === '' ? '' : `{${l}}`} ${Number.isFinite(v) ? v : 0}`);
  };
  const ns = [...s.neighbors.values()];
  const st = ns.map((n) => ({ n, st: n.peer.status() }));

  family('anycast_bgp_neighbor_state', 'gauge', 'Session state: 1 for the current state of each neighbor.');
  for (const { n, st: x } of st) {
    for (const state of STATES) put('anycast_bgp_neighbor_state', { neighbor: n.name, address: x.remote.address, state }, x.state === state ? 1 : 0);
  }
  family('anycast_bgp_neighbor_up', 'gauge', '1 when the session is Established.');
  for (const { n, st: x } of st) put('anycast_bgp_neighbor_up', { neighbor: n.name }, x.state === 'Established' ? 1 : 0);
  family('anycast_bgp_neighbor_uptime_seconds', 'gauge', 'Seconds since the session was established (0 when down).');
  for (const { n, st: x } of st) put('anycast_bgp_neighbor_uptime_seconds', { neighbor: n.name }, x.uptime ?? 0);
  family('anycast_bgp_neighbor_prefixes', 'gauge', 'Routes per neighbor: accepted into the Adj-RIB-In, and advertised (Adj-RIB-Out).');
  for (const { n } of st) {
    const held = n.info === null ? { ipv4: 0, ipv6: 0 } : s.rib.heldFrom(n.info);
    put('anycast_bgp_neighbor_prefixes', { neighbor: n.name, table: 'accepted', afi: 'ipv4' }, held.ipv4);
    put('anycast_bgp_neighbor_prefixes', { neighbor: n.name, table: 'accepted', afi: 'ipv6' }, held.ipv6);
    put('anycast_bgp_neighbor_prefixes', { neighbor: n.name, table: 'advertised', afi: 'all' }, n.info?.stats.advertised ?? 0);
  }
  family('anycast_bgp_neighbor_messages_total', 'counter', 'BGP messages per neighbor, direction and type.');
  for (const { n, st: x } of st) {
    for (const [dir, m] of [['in', x.counters.messagesIn], ['out', x.counters.messagesOut]] as const) {
      for (const [type, v] of Object.entries(m)) put('anycast_bgp_neighbor_messages_total', { neighbor: n.name, direction: dir, type }, v);
    }
  }
  family('anycast_bgp_neighbor_updates_total', 'counter', 'UPDATE messages per neighbor and direction.');
  for (const { n, st: x } of st) {
    put('anycast_bgp_neighbor_updates_total', { neighbor: n.name, direction: 'in' }, x.counters.messagesIn.update ?? 0);
    put('anycast_bgp_neighbor_updates_total', { neighbor: n.name, direction: 'out' }, x.counters.messagesOut.update ?? 0);
  }
  family('anycast_bgp_neighbor_prefix_updates_total', 'counter', 'Prefixes announced and withdrawn per neighbor and direction.');
  for (const { n, st: x } of st) {
    put('anycast_bgp_neighbor_prefix_updates_total', { neighbor: n.name, direction: 'in', kind: 'announce' }, x.counters.prefixesAnnounced);
    put('anycast_bgp_neighbor_prefix_updates_total', { neighbor: n.name, direction: 'in', kind: 'withdraw' }, x.counters.prefixesWithdrawn);
    put('anycast_bgp_neighbor_prefix_updates_total', { neighbor: n.name, direction: 'out', kind: 'announce' }, n.counters.prefixesOut);
    put('anycast_bgp_neighbor_prefix_updates_total', { neighbor: n.name, direction: 'out', kind: 'withdraw' }, n.counters.withdrawalsOut);
  }
  family('anycast_bgp_neighbor_flaps_total', 'counter', 'Established sessions lost.');
  for (const { n, st: x } of st) put('anycast_bgp_neighbor_flaps_total', { neighbor: n.name }, x.counters.flaps);
  family('anycast_bgp_neighbor_established_total', 'counter', 'Sessions established.');
  for (const { n, st: x } of st) put('anycast_bgp_neighbor_established_total', { neighbor: n.name }, x.counters.established);

  family('anycast_bgp_rib_prefixes', 'gauge', 'Prefixes in the Loc-RIB tables (with at least one candidate).');
  put('anycast_bgp_rib_prefixes', { afi: 'ipv4' }, s.rib.ipv4.dests.size);
  put('anycast_bgp_rib_prefixes', { afi: 'ipv6' }, s.rib.ipv6.dests.size);
  family('anycast_bgp_rib_paths', 'gauge', 'Candidate paths held (all neighbors plus originated routes).');
  const paths = { ipv4: 0, ipv6: 0 };
  for (const n of ns) if (n.info !== null) { const h = s.rib.heldFrom(n.info); paths.ipv4 += h.ipv4; paths.ipv6 += h.ipv6; }
  for (const r of s.originated.list()) paths[r.spec.prefix.includes(':') ? 'ipv6' : 'ipv4']++;
  put('anycast_bgp_rib_paths', { afi: 'ipv4' }, paths.ipv4);
  put('anycast_bgp_rib_paths', { afi: 'ipv6' }, paths.ipv6);
  family('anycast_bgp_attribute_sets', 'gauge', 'Interned attribute sets.');
  put('anycast_bgp_attribute_sets', {}, s.rib.store.stats().attrs);
  family('anycast_bgp_decision_runs_total', 'counter', 'RIB flushes (decision runs over the changed prefixes).');
  put('anycast_bgp_decision_runs_total', {}, s.stats.flushes);
  family('anycast_bgp_best_path_decisions_total', 'counter', 'Best-path decisions per prefix change: a full run over every candidate, or settled incrementally from the one changed candidate.');
  put('anycast_bgp_best_path_decisions_total', { how: 'full' }, s.rib.fullDecisions);
  put('anycast_bgp_best_path_decisions_total', { how: 'incremental' }, s.rib.ipv4.settled + s.rib.ipv6.settled);
  family('anycast_bgp_decision_pending', 'gauge', 'Prefixes received and not yet decided (0 once the Loc-RIB is up to date).');
  put('anycast_bgp_decision_pending', {}, s.pending);
  family('anycast_bgp_loc_rib_changes_total', 'counter', 'Best path changes (Loc-RIB deltas).');
  put('anycast_bgp_loc_rib_changes_total', {}, s.stats.locChanges);
  family('anycast_bgp_originated_routes', 'gauge', 'Routes originated (network statements and API).');
  put('anycast_bgp_originated_routes', {}, s.originated.list().length);
  family('anycast_fib_writes_total', 'counter', 'Kernel FIB changes by result.');
  const f = s.fibSync.counters;
  put('anycast_fib_writes_total', { result: 'replaced' }, f.replaced);
  put('anycast_fib_writes_total', { result: 'deleted' }, f.deleted);
  put('anycast_fib_writes_total', { result: 'failed' }, f.failures);
  family('anycast_fib_queued', 'gauge', 'FIB changes waiting to be applied.');
  put('anycast_fib_queued', {}, s.fibSync.queued);
  family('process_resident_memory_bytes', 'gauge', 'Resident set size.');
  const mem = process.memoryUsage();
  put('process_resident_memory_bytes', {}, mem.rss);
  family('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap reserved.');
  put('nodejs_heap_size_total_bytes', {}, mem.heapTotal);
  family('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use (live and not yet collected).');
  put('nodejs_heap_size_used_bytes', {}, mem.heapUsed);
  family('nodejs_external_memory_bytes', 'gauge', 'Memory outside the V8 heap held by JavaScript objects (buffers).');
  put('nodejs_external_memory_bytes', {}, mem.external);
  return lines.join('\n') + '\n';
}
