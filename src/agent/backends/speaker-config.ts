// From the agent's `backend.speaker` section to the embedded speaker's configuration (src/bgp/config), checked
// by the speaker's own loader so that its defaults and checks apply unchanged. The agent's speaker is an
// originate-only edge speaker:
//   - import `reject` on every peer: nothing learned enters the Loc-RIB, so nothing learned can be re-exported
//     and the decision only ever sees the agent's own routes; export `accept` (our originated routes only);
//   - no kernel FIB (the agent does not route), no control socket, no metrics endpoint of its own (the agent has
//     them), no `network` statements (the backend originates at run time);
//   - graceful restart off unless configured (RFC 4724): a dead agent must be a dead announcement;
//   - a listener only when a peer is passive, on its local address (or every address) and its `port`.
// Next hops (RFC 4271 §5.1.3, RFC 4760 §3 for IPv6): the peer's `next-hop` when configured; else the session's
// local address for the session's family, and for the other family an address of this host chosen by
// pickNextHop (IPv6: a global address, a link-local one only if there is nothing else).
import type { NetworkInterfaceInfo } from 'node:os';
import { parseSpeakerConfig, type SpeakerConfig } from '../../bgp/config/index.js';
import type { SpeakerBackendConfig, SpeakerPeerConfig } from '../config/types.js';

/** Seconds between connection attempts to an unreachable peer: an anycast site should come back quickly. */
export const CONNECT_RETRY_S = 5;

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

const isLinkLocal6 = (a: string) => /^fe[89ab]/i.test(a);

/**
 * An address of this host to use as next hop for `family` on a session whose own address is of the other
 * family: on the interface holding `near` (the session's local address) when known, else on any interface but
 * loopback; IPv6 prefers global scope. Null when the host has none.
 */
export function pickNextHop(family: 4 | 6, interfaces: Interfaces, near: string | null): string | null {
  const all: Array<{ name: string; info: NetworkInterfaceInfo }> = [];
  for (const [name, list] of Object.entries(interfaces)) for (const info of list ?? []) all.push({ name, info });
  const home = near === null ? undefined : all.find((x) => x.info.address === near)?.name;
  const fam = all.filter((x) => (family === 4 ? x.info.family === 'IPv4' : x.info.family === 'IPv6'));
  const rank = (x: { name: string; info: NetworkInterfaceInfo }) =>
    (x.name === home ? 0 : 4) + (x.info.internal ? 2 : 0) + (family === 6 && isLinkLocal6(x.info.address) ? 8 : 0);
  const usable = fam.filter((x) => !(x.info.internal && (x.info.address === '127.0.0.1' || x.info.address === '::1')));
  usable.sort((a, b) => rank(a) - rank(b));
  return usable[0]?.info.address ?? null;
}

/** The next hops a peer's routes carry: { ipv4?, ipv6? } beside the session's own address. */
export function peerNextHops(p: SpeakerPeerConfig, interfaces: Interfaces): { ipv4?: string; ipv6?: string } {
  const sessionV6 = p.address.includes(':');
  const out: { ipv4?: string; ipv6?: string } = {};
  if (p.nextHop !== null) out[p.nextHop.includes(':') ? 'ipv6' : 'ipv4'] = p.nextHop;
  // The family carried over a session of the other family has no session address to fall back on.
  const other = sessionV6 ? 'ipv4' : 'ipv6';
  if (out[other] === undefined && p.families.includes(`${other}-unicast`)) {
    const nh = pickNextHop(sessionV6 ? 4 : 6, interfaces, p.localAddress);
    if (nh !== null) out[other] = nh;
  }
  // An IPv6 session from a link-local address: a global address of the same interface is the better next hop.
  if (sessionV6 && out.ipv6 === undefined && p.localAddress !== null && isLinkLocal6(p.localAddress)) {
    const nh = pickNextHop(6, interfaces, p.localAddress);
    if (nh !== null && !isLinkLocal6(nh)) out.ipv6 = nh;
  }
  return out;
}

/** The speaker's configuration for the agent's section (throws the speaker loader's ConfigError if it refuses). */
export function speakerConfigFor(c: SpeakerBackendConfig, interfaces: Interfaces, file = 'backend.speaker'): SpeakerConfig {
  const passive = c.peers.filter((p) => p.passive);
  const listen = [...new Set(passive.map((p) => {
    const host = p.localAddress ?? '::';
    return `${host.includes(':') ? `[${host}]` : host}:${p.port}`;
  }))];
  const gr = c.gracefulRestart ? { enabled: true, 'restart-time': c.restartTimeS, restarting: false } : false;
  const doc = {
    'router-id': c.routerId, 'local-as': c.localAs,
    listen: listen.length > 0 ? listen : false,
    fib: 'noop', 'graceful-restart': gr, control: { socket: false }, log: { level: 'info' },
    neighbors: c.peers.map((p) => {
      const nh = peerNextHops(p, interfaces);
      return {
        name: p.name, address: p.address, 'remote-as': p.as, families: p.families,
        ...(p.passive ? { passive: true } : { port: p.port }),
        ...(p.localAddress !== null ? { 'local-address': p.localAddress } : {}),
        'hold-time': p.holdTimeS, 'connect-retry-time': CONNECT_RETRY_S,
        'graceful-restart': c.gracefulRestart,
        import: 'reject', export: 'accept',
        ...(Object.keys(nh).length > 0 ? { 'next-hop': nh } : {}),
      };
    }),
  };
  return parseSpeakerConfig(doc, file);
}
