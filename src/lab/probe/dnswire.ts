// The prober's DNS on the wire: a `hostname.bind CH TXT` query (RFC 4892 §2: how a client asks an anycast
// instance which one it is) with a given ID, and the answer's text from a reply — decoded with dns-packet, the
// client-side codec of the project.

import dnsPacket from 'dns-packet';
import { buildQuery } from '../../dns/client.js';

export function identityQuery(id: number): Buffer {
  return buildQuery({ server: '', name: 'hostname.bind', type: 'TXT', class: 'CH', edns: false }, id);
}

/** { id, site } of a reply, or null if it is not a usable answer. */
export function identityOf(reply: Buffer): { id: number; site: string | null } | null {
  let p: dnsPacket.DecodedPacket;
  try {
    p = dnsPacket.decode(reply);
  } catch {
    return null;
  }
  const txt = (p.answers ?? []).find((a) => a.type === 'TXT') as { data?: Buffer[] | Buffer | string } | undefined;
  let site: string | null = null;
  if (txt?.data !== undefined) {
    const d = txt.data;
    site = Array.isArray(d) ? d.map((b) => b.toString()).join('') : d.toString();
  }
  return { id: p.id ?? -1, site };
}
