// What an anycast site serves in the lab: the project's DNS responder (src/dns) answering on the site's anycast
// addresses — CHAOS hostname.bind / id.server and NSID say which site answered — plus an HTTP "which site am I"
// responder. UDP goes through a thin loop around the responder engine so the site can count queries per
// source address (the lab tells attack from legitimate traffic by source) and enforce a modeled capacity (a
// token bucket: queries beyond it are dropped, as an overloaded server would); TCP (RFC 7766, long-lived
// connections for the `tcp` experiment) is the project's DNS server as it is. Counters go to a stats file
// every 250 ms, which the lab reads from outside the namespace.

import dgram from 'node:dgram';
import { writeFileSync, renameSync } from 'node:fs';
import http from 'node:http';
import { createDnsServer, createResponder, zoneFromText, type DnsServer, type Responder } from '../../dns/index.js';
import { SiteCounters, type SourceCounters } from './counters.js';

export type { SourceCounters };

export interface ServiceOptions {
  site: string;
  city?: string;
  lab: string;
  addresses: string[];
  dnsPort: number;
  /** 0: no HTTP responder. */
  httpPort: number;
  capacityQps?: number;
  statsFile?: string;
}

export interface ServiceStats {
  site: string;
  pid: number;
  startedAt: number;
  at: number;
  udp: SourceCounters;
  tcpQueries: number;
  http: number;
  bySource: Record<string, SourceCounters>;
}

/** The site's zone: who it is, as data too (TXT whoami.<lab>.). */
export function siteZone(lab: string, site: string): string {
  const o = `${lab}.anycast.lab.`;
  return [
    `$ORIGIN ${o}`, '$TTL 60',
    `@ IN SOA ns.${o} hostmaster.${o} 1 3600 600 86400 60`,
    `@ IN NS ns.${o}`,
    'ns IN A 192.0.2.53',
    'ns IN AAAA 2001:db8:53::53',
    `whoami IN TXT "${site}"`,
  ].join('\n') + '\n';
}

export interface RunningService {
  stats(): ServiceStats;
  stop(): Promise<void>;
}

export async function startService(o: ServiceOptions): Promise<RunningService> {
  const zone = zoneFromText(siteZone(o.lab, o.site), `${o.site}.zone`).zone;
  const identity = { hostname: o.site, id: o.site, version: 'anycast lab', nsid: Buffer.from(o.site) };
  const responder: Responder = createResponder({ zones: [zone], identity });
  const tcp: DnsServer = createDnsServer({
    zones: [zone], identity,
    listen: o.addresses.map((address) => ({ address, port: o.dnsPort, udp: false, tcp: true })),
    tcp: { idleTimeoutMs: 120_000, maxConnections: 1024 },
  });
  await tcp.start();

  const counters = new SiteCounters(o.capacityQps);
  const st: ServiceStats = { site: o.site, pid: process.pid, startedAt: Date.now(), at: Date.now(), udp: counters.udp, tcpQueries: 0, http: 0, bySource: counters.bySource };
  const sockets: dgram.Socket[] = [];
  for (const address of o.addresses) {
    const s = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', ipv6Only: address.includes(':') });
    s.on('message', (msg, rinfo) => {
      if (!counters.admit(rinfo.address)) return;
      const reply = responder.handle(msg, { address: rinfo.address, transport: 'udp' });
      if (!reply) return;
      counters.answered(rinfo.address);
      s.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      s.bind(o.dnsPort, address, () => {
        s.off('error', rej);
        try {
          s.setRecvBufferSize(4 << 20);
        } catch {
          /* capped by rmem_max: fine */
        }
        res();
      });
    });
    sockets.push(s);
  }

  const servers: http.Server[] = [];
  if (o.httpPort > 0) {
    for (const address of o.addresses) {
      const srv = http.createServer((req, res) => {
        st.http++;
        const body = JSON.stringify({ site: o.site, city: o.city ?? null, lab: o.lab, client: req.socket.remoteAddress, served: address });
        res.writeHead(200, { 'content-type': 'application/json', 'x-anycast-site': o.site, connection: 'close' });
        res.end(body + '\n');
      });
      await new Promise<void>((res, rej) => {
        srv.once('error', rej);
        srv.listen(o.httpPort, address, () => res());
      });
      servers.push(srv);
    }
  }

  let timer: NodeJS.Timeout | undefined;
  const snapshot = (): ServiceStats => {
    st.at = Date.now();
    st.tcpQueries = tcp.stats().queries.tcp;
    return st;
  };
  if (o.statsFile) {
    const f = o.statsFile;
    const write = () => {
      const tmp = `${f}.tmp`;
      writeFileSync(tmp, JSON.stringify(snapshot()));
      renameSync(tmp, f);
    };
    write();
    timer = setInterval(write, 250);
  }
  return {
    stats: snapshot,
    async stop() {
      if (timer) clearInterval(timer);
      for (const s of sockets) s.close();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
      await tcp.stop();
    },
  };
}
