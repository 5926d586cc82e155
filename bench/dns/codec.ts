// In-process cost per query of the codec choices, without sockets: dns-packet (decode the query, build and
// encode the reply) against our responder (hand-written query parser + cached wire replies; and with the cache
// off, the full parse → lookup → compressing encode path; and the native UDP listener's in-place path, which
// reads the query from a shared receive buffer and writes the cached reply into a shared send buffer).
import dnsPacket from 'dns-packet';
import { createResponder } from '../../src/dns/answer/responder.js';
import type { Zone } from '../../src/dns/zone/zone.js';

export interface CodecResult {
  name: string;
  nsPerQuery: number;
}

function time(n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 20000); i++) fn(i); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

export function codecBench(zone: Zone, names: string[], n = 300_000): CodecResult[] {
  const queries = names.map((name, i) => dnsPacket.encode({ type: 'query', id: i & 0xffff,
    questions: [{ name, type: 'A' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as dnsPacket.Answer] }));
  const client = { address: '192.0.2.1', transport: 'udp' as const };
  const cached = createResponder({ zones: [zone], identity: { hostname: 'bench' } });
  const uncached = createResponder({ zones: [zone], identity: { hostname: 'bench' }, cacheEntries: 0 });
  const dp = time(n, (i) => {
    const q = dnsPacket.decode(queries[i % queries.length]!);
    dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions,
      answers: [{ name: q.questions![0]!.name, type: 'A', ttl: 300, data: '192.0.2.1' }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as dnsPacket.Answer] });
  });
  const hit = time(n, (i) => { cached.handle(queries[i % queries.length]!, client); });
  const miss = time(n, (i) => { uncached.handle(queries[i % queries.length]!, client); });
  // As the batch listener lays them out: one query per 512-octet slot of one buffer, replies into another.
  const rx = Buffer.alloc(queries.length * 512);
  queries.forEach((q, i) => q.copy(rx, i * 512));
  const tx = Buffer.alloc(70000);
  const inPlace = time(n, (i) => {
    const k = i % queries.length;
    cached.respondInto(rx, k * 512, queries[k]!.length, client, tx, 0);
  });
  return [
    { name: 'dns-packet decode + encode (no lookup)', nsPerQuery: dp },
    { name: 'responder, cached wire reply (handle(): the dgram path)', nsPerQuery: hit },
    { name: 'responder, cached reply in place (respondInto(): the native batch path)', nsPerQuery: inPlace },
    { name: 'responder, cache off (parse + lookup + encode)', nsPerQuery: miss },
  ];
}
