// Response rate limiting, after BIND's RRL design (Vixie & Schryver, "DNS Response Rate Limiting"): replies are
// accounted per (client prefix, kind of reply, name), each account a token bucket refilled at the configured
// rate. An account may go into debt down to `window` seconds of its rate, so a flood stays limited until it has
// stopped for a while. A limited reply is dropped, except every `slip`-th one, which is sent as an empty truncated
// reply (TC=1): a real client behind a spoofed flood then retries over TCP, which is never limited.
//   prefix: /24 for IPv4, /56 for IPv6 (defaults, as BIND)
//   kinds:  answers (per qname+qtype), NODATA and referrals (as answers), NXDOMAIN (per zone), errors (per client)
// Time is injected (Clock), so the limiter is exact under a fake clock in tests.
import type { Clock } from '../util/clock.js';
import { formatIp, maskOctets, parseIp, samePrefixBits } from '../util/ip.js';

export interface RrlOptions {
  /** Answers (and NODATA, referrals) per second per account; 0 = unlimited. */
  responsesPerSecond: number;
  /** NXDOMAIN replies per second per (prefix, zone); default: responsesPerSecond. */
  nxdomainsPerSecond?: number;
  /** Error replies (REFUSED, FORMERR, NOTIMP, SERVFAIL) per second per prefix; default: responsesPerSecond. */
  errorsPerSecond?: number;
  /** Every slip-th limited reply is sent truncated instead of dropped; 0 = drop all, 1 = truncate all. Default 2. */
  slip?: number;
  /** Seconds of debt an account can build up (BIND's window). Default 15. */
  window?: number;
  ipv4PrefixLength?: number;
  ipv6PrefixLength?: number;
  /** Accounts kept at most (oldest evicted first). Default 100000. */
  maxEntries?: number;
  /** Clients never limited, as CIDR prefixes. */
  exempt?: string[];
}

export type RrlCategory = 'answer' | 'nodata' | 'referral' | 'nxdomain' | 'error';
export type RrlVerdict = 'send' | 'drop' | 'slip';

interface Account {
  tokens: number;
  last: number;
  limited: number;
}

export interface RrlStats {
  accounts: number;
  dropped: number;
  slipped: number;
}

/** A prefix as text ("192.0.2.0/24", "2001:db8:1:2200::/56"), or undefined for an unparseable address. */
export function clientPrefix(address: string, v4len: number, v6len: number): string | undefined {
  const bytes = addressBytes(address);
  if (!bytes) return undefined;
  const len = bytes.length === 4 ? v4len : v6len;
  return `${formatIp(maskOctets(bytes, len))}/${len}`;
}

/** Address octets; IPv4-mapped IPv6 (::ffff:a.b.c.d, as dual-stack sockets report IPv4 clients) counts as IPv4,
 *  and a zone index (fe80::1%eth0, as sockets report link-local peers) is dropped. */
export function addressBytes(address: string): Buffer | undefined {
  const a = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  const pct = a.indexOf('%');
  const ip = parseIp(pct >= 0 ? a.slice(0, pct) : a);
  return ip === null ? undefined : Buffer.from(ip.bytes.buffer, ip.bytes.byteOffset, ip.bytes.length);
}

export function parseCidr(cidr: string): { bytes: Buffer; len: number } | undefined {
  const [addr, lenText] = cidr.split('/');
  const bytes = addressBytes(addr ?? '');
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  const len = lenText === undefined ? max : /^\d+$/.test(lenText) ? Number(lenText) : NaN;
  if (!(len >= 0 && len <= max)) return undefined;
  return { bytes, len };
}

export class ResponseRateLimiter {
  private readonly accounts = new Map<string, Account>();
  private readonly prefixes = new Map<string, string | null>();
  private readonly exempt: Array<{ bytes: Buffer; len: number }>;
  private readonly opts: Required<Omit<RrlOptions, 'exempt'>>;
  private dropped = 0;
  private slipped = 0;

  constructor(opts: RrlOptions, private readonly clock: Clock,
    private readonly onLimit?: (prefix: string, category: RrlCategory) => void) {
    this.opts = {
      responsesPerSecond: opts.responsesPerSecond,
      nxdomainsPerSecond: opts.nxdomainsPerSecond ?? opts.responsesPerSecond,
      errorsPerSecond: opts.errorsPerSecond ?? opts.responsesPerSecond,
      slip: opts.slip ?? 2,
      window: opts.window ?? 15,
      ipv4PrefixLength: opts.ipv4PrefixLength ?? 24,
      ipv6PrefixLength: opts.ipv6PrefixLength ?? 56,
      maxEntries: opts.maxEntries ?? 100_000,
    };
    this.exempt = (opts.exempt ?? []).map((c) => {
      const p = parseCidr(c);
      if (!p) throw new RangeError(`rrl exempt: '${c}' is not an address prefix`);
      return p;
    });
  }

  private rate(category: RrlCategory): number {
    if (category === 'nxdomain') return this.opts.nxdomainsPerSecond;
    if (category === 'error') return this.opts.errorsPerSecond;
    return this.opts.responsesPerSecond;
  }

  private prefixOf(address: string): string | null {
    let p = this.prefixes.get(address);
    if (p !== undefined) return p;
    const bytes = addressBytes(address);
    p = bytes === undefined || this.exempt.some((c) => samePrefixBits(bytes, c.bytes, c.len)) ? null :
      clientPrefix(address, this.opts.ipv4PrefixLength, this.opts.ipv6PrefixLength) ?? null;
    if (this.prefixes.size >= 65536) this.prefixes.clear();
    this.prefixes.set(address, p);
    return p;
  }

  /** Accounts one reply to `address` and says whether to send it, drop it, or send it truncated. */
  check(address: string, category: RrlCategory, name: string): RrlVerdict {
    const rate = this.rate(category);
    if (rate <= 0) return 'send';
    const prefix = this.prefixOf(address);
    if (prefix === null) return 'send';
    const key = `${prefix}|${category === 'nodata' || category === 'referral' ? 'answer' : category}|` +
      (category === 'error' ? '' : name);
    const now = this.clock.now();
    let a = this.accounts.get(key);
    if (!a) {
      if (this.accounts.size >= this.opts.maxEntries) {
        const oldest = this.accounts.keys().next().value;
        if (oldest !== undefined) this.accounts.delete(oldest);
      }
      a = { tokens: rate, last: now, limited: 0 };
      this.accounts.set(key, a);
    } else {
      a.tokens = Math.min(rate, a.tokens + ((now - a.last) / 1000) * rate);
      a.last = now;
    }
    a.tokens = Math.max(a.tokens - 1, -this.opts.window * rate);
    if (a.tokens >= 0) {
      a.limited = 0;
      return 'send';
    }
    if (a.limited === 0) this.onLimit?.(prefix, category);
    a.limited++;
    if (this.opts.slip > 0 && a.limited % this.opts.slip === 0) {
      this.slipped++;
      return 'slip';
    }
    this.dropped++;
    return 'drop';
  }

  stats(): RrlStats {
    return { accounts: this.accounts.size, dropped: this.dropped, slipped: this.slipped };
  }
}
