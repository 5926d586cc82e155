// "Address present on interface" check: healthy when the address (optionally with its prefix length) is configured
// on the interface (or on any interface when none is named) and usable — an IPv6 address still in duplicate
// address detection (tentative) or that failed it (dadfailed) does not count (RFC 4862 §5.4).
//
// Sources, all read in the agent's own network namespace:
//   auto  IPv4 from the process's interface list (os.networkInterfaces, no subprocess), IPv6 from
//         /proc/net/if_inet6, which also carries the DAD flags;
//   proc  /proc/net/if_inet6 for IPv6, /proc/net/fib_trie's local table for IPv4 (this one cannot tell which
//         interface holds the address: an interface name is then only checked to exist);
//   ip    `ip -j addr show` (iproute2, over rtnetlink) for both.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { canonicalIp, parseIp } from '../util/ip.js';
import type { Probe } from './types.js';

export interface AddressCheckSpec {
  address: string;
  /** Required prefix length, when the configured value was "addr/len". */
  prefixLength?: number;
  interface?: string;
  source: 'auto' | 'proc' | 'ip';
}

export interface AddressEntry {
  ifname: string;
  address: string;
  prefixLength: number;
  usable: boolean;
  note?: string;
}

export interface AddressSources {
  readFile(path: string): Promise<string>;
  networkInterfaces(): ReturnType<typeof networkInterfaces>;
  ipAddrJson(): Promise<string>;
}

export const systemAddressSources: AddressSources = {
  readFile: (p) => readFile(p, 'utf8'),
  networkInterfaces: () => networkInterfaces(),
  ipAddrJson: () => new Promise((resolve, reject) => {
    execFile('ip', ['-j', 'addr', 'show'], { timeout: 5000 }, (err, out) => (err ? reject(err) : resolve(out)));
  }),
};

const IFA_F_DADFAILED = 0x08;
const IFA_F_TENTATIVE = 0x40;

/** Parse /proc/net/if_inet6: "<32 hex addr> <ifindex> <plen> <scope> <flags> <name>" per line. */
export function parseIfInet6(text: string): AddressEntry[] {
  const out: AddressEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || !/^[0-9a-f]{32}$/i.test(f[0]!)) continue;
    const hex = f[0]!;
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(hex.slice(i, i + 4));
    const flags = parseInt(f[4]!, 16);
    const bad = flags & IFA_F_DADFAILED ? 'dadfailed' : flags & IFA_F_TENTATIVE ? 'tentative' : undefined;
    out.push({
      ifname: f[5]!, address: canonicalIp(groups.join(':'))!, prefixLength: parseInt(f[2]!, 16),
      usable: bad === undefined, ...(bad ? { note: bad } : {}),
    });
  }
  return out;
}

/** Local IPv4 addresses from /proc/net/fib_trie: leaves marked "/32 host LOCAL" in the Local table. */
export function parseFibTrieLocal(text: string): string[] {
  const out = new Set<string>();
  let inLocal = false;
  let last = '';
  for (const line of text.split('\n')) {
    if (/^Local:/.test(line)) { inLocal = true; continue; }
    if (/^Main:/.test(line)) { inLocal = false; continue; }
    if (!inLocal) continue;
    const leaf = line.match(/\|--\s+(\d+\.\d+\.\d+\.\d+)/);
    if (leaf) { last = leaf[1]!; continue; }
    if (/\/32 host LOCAL/.test(line) && last !== '') out.add(last);
  }
  return [...out];
}

/** Parse `ip -j addr show`. */
export function parseIpAddrJson(text: string): AddressEntry[] {
  const links = JSON.parse(text) as Array<{ ifname: string; addr_info?: Array<Record<string, unknown>> }>;
  const out: AddressEntry[] = [];
  for (const l of links) {
    for (const a of l.addr_info ?? []) {
      const bad = a.dadfailed ? 'dadfailed' : a.tentative ? 'tentative' : undefined;
      out.push({
        ifname: l.ifname, address: canonicalIp(String(a.local)) ?? String(a.local),
        prefixLength: Number(a.prefixlen), usable: bad === undefined, ...(bad ? { note: bad } : {}),
      });
    }
  }
  return out;
}

function fromNetworkInterfaces(ifs: ReturnType<typeof networkInterfaces>, family: 4 | 6): AddressEntry[] {
  const out: AddressEntry[] = [];
  for (const [ifname, list] of Object.entries(ifs)) {
    for (const a of list ?? []) {
      if ((family === 4) !== (a.family === 'IPv4')) continue;
      const plen = a.cidr ? Number(a.cidr.split('/')[1]) : NaN;
      out.push({ ifname, address: canonicalIp(a.address) ?? a.address, prefixLength: plen, usable: true });
    }
  }
  return out;
}

export async function listAddresses(family: 4 | 6, source: AddressCheckSpec['source'], src: AddressSources):
  Promise<{ entries: AddressEntry[]; interfaceKnown: boolean; ifnames: string[] }> {
  if (source === 'ip') {
    const entries = parseIpAddrJson(await src.ipAddrJson());
    return { entries, interfaceKnown: true, ifnames: [...new Set(entries.map((e) => e.ifname))] };
  }
  if (family === 6) {
    const entries = parseIfInet6(await src.readFile('/proc/net/if_inet6'));
    return { entries, interfaceKnown: true, ifnames: Object.keys(src.networkInterfaces()) };
  }
  if (source === 'auto') {
    return { entries: fromNetworkInterfaces(src.networkInterfaces(), 4), interfaceKnown: true,
      ifnames: Object.keys(src.networkInterfaces()) };
  }
  const local = parseFibTrieLocal(await src.readFile('/proc/net/fib_trie'));
  const dev = await src.readFile('/proc/net/dev');
  const ifnames = dev.split('\n').slice(2).map((l) => l.split(':')[0]!.trim()).filter((n) => n !== '');
  return { entries: local.map((a) => ({ ifname: '', address: a, prefixLength: NaN, usable: true })),
    interfaceKnown: false, ifnames };
}

export function addressProbe(spec: AddressCheckSpec, src: AddressSources = systemAddressSources): Probe {
  const ip = parseIp(spec.address);
  if (ip === null) throw new Error(`not an IP address: ${spec.address}`);
  const want = canonicalIp(spec.address)!;
  const where = spec.interface ? ` on ${spec.interface}` : '';
  return async () => {
    const { entries, interfaceKnown, ifnames } = await listAddresses(ip.family, spec.source, src);
    if (spec.interface !== undefined && !ifnames.includes(spec.interface)) {
      return { ok: false, detail: `interface ${spec.interface} not found (or down)` };
    }
    const match = entries.filter((e) => e.address === want &&
      (spec.interface === undefined || !interfaceKnown || e.ifname === spec.interface));
    if (match.length === 0) return { ok: false, detail: `${want} not present${where}` };
    const lenOk = spec.prefixLength === undefined || !interfaceKnown ||
      match.some((e) => e.prefixLength === spec.prefixLength);
    if (!lenOk) {
      return { ok: false, detail: `${want}${where} has length /${match[0]!.prefixLength}, expected /${spec.prefixLength}` };
    }
    const usable = match.find((e) => e.usable);
    if (!usable) return { ok: false, detail: `${want}${where} is ${match[0]!.note}` };
    return { ok: true, detail: `${want}${interfaceKnown ? ` on ${usable.ifname}` : ' is local'}` };
  };
}
