// The DNS responder's public API, for the agent (which hosts it as a service), the lab and the CLI.
//   createDnsServer({ zones, identity, listen, rrl, udpPayload, tcp, logger }) → { start, stop, reload, stats }
//   loadZones([{ file, origin? }]) → { zones, warnings }     zoneFromText(text, file, origin?) for in-memory zones
//   queryDns({ server, port, name, type, class, nsid, tcp, timeoutMs }) → DnsReply (incl. NSID)
//   createDnsService(validateDnsConfig(raw, file, version), logger) → { server, warnings, reload(nextConfig) }
//   createResponder(...) → handle(bytes, client) → bytes | null  (no sockets: for tests and embedding)
export { createDnsServer, DnsListenError } from './server.js';
export type { DnsServer, DnsServerOptions, DnsServerStats, ListenSpec, TcpOptions, BoundAddress } from './server.js';
export { createResponder } from './answer/responder.js';
export type { Responder, ResponderOptions, ResponderStats, ClientInfo } from './answer/responder.js';
export type { Identity } from './answer/chaos.js';
export type { RrlOptions } from './rrl.js';
export { loadZone, loadZones, zoneFromText, ZoneLoadError, formatZoneError } from './zone/load.js';
export type { ZoneSpec, LoadedZone } from './zone/load.js';
export type { Zone } from './zone/zone.js';
export { queryDns, DnsTimeoutError, DnsQueryError } from './client.js';
export type { DnsQueryOptions, DnsReply, DnsRecord } from './client.js';
export { parseDnsConfig, validateDnsConfig } from './config.js';
export { createDnsService } from './service.js';
export type { DnsService } from './service.js';
export type { DnsConfig } from './config.js';
