// Stats as Prometheus text exposition (format 0.0.4) and a tiny HTTP endpoint serving /metrics and /stats (JSON).
import http from 'node:http';
import type { DnsServerStats } from './server.js';

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function prometheusText(s: DnsServerStats, identity: { hostname?: string }): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, rows: Array<[Record<string, string>, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of rows) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${esc(x)}"`).join(',');
      lines.push(`${name}${l ? `{${l}}` : ''} ${v}`);
    }
  };
  metric('anycast_dns_info', 'gauge', 'Instance identity (hostname.bind).', [[{ hostname: identity.hostname ?? '' }, 1]]);
  metric('anycast_dns_queries_total', 'counter', 'Queries received.',
    [[{ transport: 'udp' }, s.queries.udp], [{ transport: 'tcp' }, s.queries.tcp]]);
  metric('anycast_dns_responses_total', 'counter', 'Replies sent, by rcode.',
    Object.entries(s.rcodes).map(([rcode, n]) => [{ rcode }, n]));
  metric('anycast_dns_dropped_total', 'counter', 'Packets not answered, by reason.', [
    [{ reason: 'short' }, s.dropped.short], [{ reason: 'response' }, s.dropped.response],
    [{ reason: 'rrl' }, s.dropped.rrl], [{ reason: 'oversize' }, s.udp.oversize]]);
  metric('anycast_dns_udp_backend', 'gauge', 'UDP transport in use: native (recvmmsg/sendmmsg batches) or dgram.',
    [[{ backend: s.udp.backend }, 1]]);
  metric('anycast_dns_udp_datagrams_total', 'counter', 'UDP datagrams received.', [[{}, s.udp.datagrams]]);
  metric('anycast_dns_udp_batches_total', 'counter', 'Wake-ups that received UDP datagrams (one per datagram on dgram).',
    [[{}, s.udp.batches]]);
  metric('anycast_dns_udp_send_errors_total', 'counter', 'UDP replies the kernel refused.', [[{}, s.udp.sendErrors]]);
  metric('anycast_dns_rrl_slipped_total', 'counter', 'Rate-limited replies sent truncated (slip).', [[{}, s.rrlSlipped]]);
  metric('anycast_dns_truncated_total', 'counter', 'Replies sent with TC set because they did not fit.', [[{}, s.truncated]]);
  metric('anycast_dns_nsid_requests_total', 'counter', 'Queries asking for NSID.', [[{}, s.nsid]]);
  metric('anycast_dns_chaos_queries_total', 'counter', 'CHAOS-class queries.', [[{}, s.chaos]]);
  metric('anycast_dns_cache_hits_total', 'counter', 'Replies served from the encoded-reply cache.', [[{}, s.cache.hits]]);
  metric('anycast_dns_cache_misses_total', 'counter', 'Replies computed.', [[{}, s.cache.misses]]);
  metric('anycast_dns_tcp_connections_total', 'counter', 'TCP connections, by outcome.', [
    [{ outcome: 'accepted' }, s.tcp.accepted], [{ outcome: 'rejected' }, s.tcp.rejected],
    [{ outcome: 'idle_closed' }, s.tcp.idleClosed]]);
  metric('anycast_dns_tcp_connections_active', 'gauge', 'Open TCP connections.', [[{}, s.tcp.active]]);
  metric('anycast_dns_internal_errors_total', 'counter', 'Queries that failed inside the responder.', [[{}, s.internalErrors]]);
  metric('anycast_dns_zone_serial', 'gauge', 'SOA serial of each zone served.', s.zones.map((z) => [{ zone: z.zone }, z.serial]));
  metric('anycast_dns_zone_records', 'gauge', 'Records in each zone served.', s.zones.map((z) => [{ zone: z.zone }, z.records]));
  return lines.join('\n') + '\n';
}

export function startMetricsServer(address: string, port: number, get: () => { stats: DnsServerStats; hostname?: string }):
  Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const { stats, hostname } = get();
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(prometheusText(stats, { hostname }));
    } else if (req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(stats) + '\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /metrics or /stats\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as { port: number }).port });
    });
  });
}
