// Instance identity over class CHAOS: TXT hostname.bind and id.server (RFC 4892 §2.2) name the instance,
// version.bind and version.server the software. This is how a client sees which anycast site answered, next to
// NSID (RFC 5001). Names not listed, and identity fields left unset, are REFUSED.
import { CLASS, RCODE, TYPE } from '../wire/constants.js';
import { type Name, nameKey, name as mkName } from '../wire/name.js';
import type { OutRRset } from '../wire/writer.js';
import type { Resolution } from './lookup.js';

export interface Identity {
  /** hostname.bind */
  hostname?: string;
  /** id.server (defaults to the hostname) */
  id?: string;
  /** version.bind / version.server; unset: REFUSED (hides the version) */
  version?: string;
  /** NSID payload (RFC 5001): returned when a query carries an empty NSID option. Unset: no NSID. */
  nsid?: Buffer;
}

const KEYS = {
  hostname: [nameKey(mkName('hostname.bind.'))],
  id: [nameKey(mkName('id.server.'))],
  version: [nameKey(mkName('version.bind.')), nameKey(mkName('version.server.'))],
};

function txt(owner: Name, value: string): OutRRset {
  // One or more character-strings of at most 255 octets each (RFC 1035 §3.3.14).
  const bytes = Buffer.from(value, 'utf8');
  const parts = [];
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push({ bytes: Buffer.concat([Buffer.from([chunk.length]), chunk]) });
  }
  return { owner, type: TYPE.TXT, class: CLASS.CH, ttl: 0, rdatas: [{ parts }] };
}

export function chaosLookup(identity: Identity, qname: Name, qtype: number): Resolution {
  const key = nameKey(qname);
  let value: string | undefined;
  let known = false;
  if (KEYS.hostname.includes(key)) [known, value] = [true, identity.hostname];
  else if (KEYS.id.includes(key)) [known, value] = [true, identity.id ?? identity.hostname];
  else if (KEYS.version.includes(key)) [known, value] = [true, identity.version];
  if (!known || value === undefined) {
    return { kind: 'refused', rcode: RCODE.REFUSED, aa: false, answer: [], authority: [], additional: [], rrlName: '' };
  }
  if (qtype !== TYPE.TXT && qtype !== TYPE.ANY) {
    return { kind: 'nodata', rcode: RCODE.NOERROR, aa: true, answer: [], authority: [], additional: [], rrlName: key };
  }
  return { kind: 'answer', rcode: RCODE.NOERROR, aa: true, answer: [txt(qname, value)], authority: [], additional: [],
    rrlName: key };
}
