// The in-process data plane: every node has a FIB (longest-prefix match over the routes its speaker installs,
// plus connected subnets and local addresses), and a packet is forwarded by looking the destination up at each
// hop until it is local somewhere — the same walk the kernel does in the netns runtime, in memory. A site's
// local service answers through the project's DNS responder engine (createResponder, no sockets); the reply is
// forwarded back the same way. Latency is the sum of the link delays both ways (nothing else takes time here).

import { addrToBig, canonical, hostOf, parseCidr } from '../../ip.js';
import type { LabModel } from '../../model.js';

export interface FibEntry {
  prefix: string;
  /** Next hop address (on a connected subnet), or null for a connected or local route. */
  nextHop: string | null;
  /** Outgoing interface (the peer node's name), or 'lo' for local addresses. */
  dev: string;
}

interface Compiled { family: 4 | 6; net: bigint; len: number; entry: FibEntry }

/** A FIB: routes installed and removed by the node's speaker (the FIB interface the speaker is given). */
export class Fib {
  private routes = new Map<string, FibEntry>();
  private compiled: Compiled[] | null = null;

  install(e: FibEntry): void {
    this.routes.set(e.prefix, e);
    this.compiled = null;
  }

  remove(prefix: string): void {
    this.routes.delete(prefix);
    this.compiled = null;
  }

  entries(): FibEntry[] {
    return [...this.routes.values()];
  }

  lookup(addr: string): FibEntry | undefined {
    this.compiled ??= [...this.routes.values()].map((entry) => {
      const c = parseCidr(entry.prefix)!;
      return { family: c.family, net: addrToBig(c.network), len: c.length, entry };
    }).sort((a, b) => b.len - a.len);
    const fam = addr.includes(':') ? 6 : 4;
    const bits = fam === 4 ? 32 : 128;
    const a = addrToBig(addr);
    for (const c of this.compiled) {
      if (c.family !== fam) continue;
      const shift = BigInt(bits - c.len);
      if ((a >> shift) === (c.net >> shift)) return c.entry;
    }
    return undefined;
  }
}

export interface Delivery {
  hops: string[];
  /** Node where the destination was local, or null. */
  reached: string | null;
  delayMs: number;
  error?: string;
}

/** The lab's nodes with their FIBs and link states; forwards by FIB lookups hop by hop. */
export class DataPlane {
  readonly fibs = new Map<string, Fib>();
  private readonly down = new Set<number>();
  private readonly owner = new Map<string, string>();

  constructor(readonly model: LabModel) {
    for (const n of model.nodes) {
      const fib = new Fib();
      for (const i of n.interfaces) {
        for (const a of [i.addr4, i.addr6]) {
          const c = parseCidr(a)!;
          fib.install({ prefix: `${c.network}/${c.length}`, nextHop: null, dev: i.name });
          fib.install({ prefix: `${hostOf(a)}/${c.family === 4 ? 32 : 128}`, nextHop: null, dev: 'lo' });
          this.owner.set(canonical(hostOf(a)), n.name);
        }
      }
      for (const a of [n.kind === 'router' ? n.loopback4 : undefined, n.kind === 'router' ? n.loopback6 : undefined]) {
        if (a) fib.install({ prefix: `${a}/${a.includes(':') ? 128 : 32}`, nextHop: null, dev: 'lo' });
      }
      if (n.kind === 'site') {
        const s = model.topology.sites.find((x) => x.name === n.name)!;
        fib.install({ prefix: `${s.service.ipv4}/32`, nextHop: null, dev: 'lo' });
        fib.install({ prefix: `${s.service.ipv6}/128`, nextHop: null, dev: 'lo' });
      }
      for (const r of n.routes) {
        const dst = r.dst === 'default' ? (r.via?.includes(':') ? '::/0' : '0.0.0.0/0') : r.dst;
        fib.install({ prefix: dst, nextHop: r.via ?? null, dev: r.dev ?? '' });
      }
      this.fibs.set(n.name, fib);
    }
  }

  setLink(index: number, up: boolean): void {
    if (up) this.down.delete(index);
    else this.down.add(index);
  }

  linkUp(a: string, b: string): boolean {
    const l = this.model.links.find((x) => (x.a === a && x.b === b) || (x.a === b && x.b === a));
    return !!l && !this.down.has(l.index);
  }

  /** Forwards a packet from `from` towards `dst`, hop by hop. */
  forward(from: string, dst: string): Delivery {
    const hops = [from];
    let delay = 0;
    let node = from;
    for (let i = 0; i < 64; i++) {
      const e = this.fibs.get(node)?.lookup(dst);
      if (!e) return { hops, reached: null, delayMs: delay, error: `no route at ${node}` };
      if (e.dev === 'lo') return { hops, reached: node, delayMs: delay };
      // Interfaces are named after the node at their other end; a speaker may give only the next-hop address.
      const next = this.fibs.has(e.dev) ? e.dev : e.nextHop ? this.owner.get(canonical(e.nextHop)) : undefined;
      if (!next) return { hops, reached: null, delayMs: delay, error: `${node} forwards to ${e.nextHop ?? e.dev}, which is not in the lab` };
      if (!this.linkUp(node, next)) return { hops, reached: null, delayMs: delay, error: `link ${node}~${next} is down` };
      delay += this.model.links.find((l) => (l.a === node && l.b === next) || (l.a === next && l.b === node))!.delayMs;
      node = next;
      if (hops.includes(node)) return { hops: [...hops, node], reached: null, delayMs: delay, error: `forwarding loop at ${node}` };
      hops.push(node);
    }
    return { hops, reached: null, delayMs: delay, error: 'more than 64 hops' };
  }
}
