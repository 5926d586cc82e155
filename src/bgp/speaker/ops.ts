// Operator actions on a running speaker (the control API's POSTs): neighbor reset, soft reset in/out (RFC 2918
// route refresh, or the kept pre-policy Adj-RIB-In), administrative shutdown with an RFC 8203 communication,
// enable, and originating / withdrawing routes at run time. Errors are AnycastErrors with stable codes.
import { AnycastError } from '../../util/errors.js';
import { parseNetwork } from '../config/load.js';
import type { NetworkConfig } from '../config/types.js';
import type { Speaker } from './speaker.js';

export class NotEstablishedError extends AnycastError {
  constructor(name: string, state: string) {
    super('ERR_NOT_ESTABLISHED', `neighbor ${name} is ${state}, not Established`);
  }
}
export class RefreshUnsupportedError extends AnycastError {
  constructor(name: string) {
    super('ERR_REFRESH_UNSUPPORTED', `neighbor ${name} did not advertise route refresh and keep-pre-policy is off: ` +
      'its routes cannot be re-evaluated without a reset (anycast neighbor ' + name + ' reset)');
  }
}
export class UnknownRouteError extends AnycastError {
  constructor(prefix: string) {
    super('ERR_UNKNOWN_ROUTE', `no originated route for ${prefix}`);
  }
}

/** RFC 8203/9003: a shutdown communication is at most 255 octets of UTF-8. */
function checkMessage(m: string | undefined): string | undefined {
  if (m === undefined) return undefined;
  if (new TextEncoder().encode(m).length > 255) throw new AnycastError('ERR_USAGE', 'the shutdown message is longer than 255 octets (RFC 9003)');
  return m;
}

export function neighborReset(s: Speaker, name: string, message?: string): { neighbor: string; action: string } {
  const n = s.neighbor(name);
  n.peer.reset(checkMessage(message));
  s.log.info('neighbor reset by the operator', { peer: n.name, message });
  return { neighbor: n.name, action: 'reset' };
}

export function neighborShutdown(s: Speaker, name: string, message?: string): { neighbor: string; action: string } {
  const n = s.neighbor(name);
  n.peer.stop(checkMessage(message));
  s.log.info('neighbor shut down by the operator', { peer: n.name, message });
  return { neighbor: n.name, action: 'shutdown' };
}

export function neighborEnable(s: Speaker, name: string): { neighbor: string; action: string } {
  const n = s.neighbor(name);
  if (!n.peer.status().adminUp) n.peer.start();
  return { neighbor: n.name, action: 'enable' };
}

/** Soft reset: 'in' asks the neighbor to resend (or re-applies import policy to the kept copy); 'out' resends. */
export function neighborRefresh(s: Speaker, name: string, direction: 'in' | 'out' | 'both' = 'both'):
  { neighbor: string; action: string; in?: string; out?: string } {
  const n = s.neighbor(name);
  if (!n.peer.established || n.info === null) throw new NotEstablishedError(n.name, n.peer.state);
  const r: { neighbor: string; action: string; in?: string; out?: string } = { neighbor: n.name, action: 'refresh' };
  if (direction !== 'out') {
    if (n.peer.softResetIn() === 'route-refresh') { r.in = 'ROUTE-REFRESH sent'; n.counters.refreshOut++; }
    else if (n.settings.keepPrePolicy) {
      const x = s.rib.setImportPolicy(n.info, s.policy(n.settings.importPolicy));
      r.in = `${x.reevaluated} routes re-evaluated from the pre-policy Adj-RIB-In`;
      s.input(0);
    } else throw new RefreshUnsupportedError(n.name);
  }
  if (direction !== 'in') { n.softResetOut(); r.out = 'Adj-RIB-Out sent again'; }
  s.log.info('neighbor refresh by the operator', { peer: n.name, direction });
  return r;
}

/** Originate a route given as API data ({ prefix, next-hop, communities, ... }, the `networks:` entry format). */
export function routeAdd(s: Speaker, data: unknown): { prefix: string; replaced: boolean; route: NetworkConfig } {
  const spec = parseNetwork(data);
  const replaced = s.originated.get(spec.prefix) !== undefined;
  try {
    s.originated.set(spec, 'api');
  } catch (e) {
    throw new AnycastError('ERR_BAD_ROUTE', `${spec.prefix}: ${(e as Error).message}`);
  }
  s.log.info('route added through the API', { prefix: spec.prefix, replaced });
  return { prefix: spec.prefix, replaced, route: spec };
}

export function routeDel(s: Speaker, prefixText: string): { prefix: string; source: string } {
  const spec = parseNetwork({ prefix: prefixText });
  const r = s.originated.get(spec.prefix);
  if (r === undefined) throw new UnknownRouteError(spec.prefix);
  s.originated.delete(spec.prefix);
  s.log.info('route withdrawn through the API', { prefix: spec.prefix, source: r.source });
  return { prefix: spec.prefix, source: r.source };
}
