// Routes the speaker originates: `network` statements of the configuration and routes added at run time
// through the control API (`anycast route add`). Both go into the RIB's local pseudo-neighbor (the decision
// prefers them, as a router prefers its own routes); a prefix has one originated route, the last one set.
// A reload replaces the configuration's routes and leaves the API's alone.
import type { NetworkConfig } from '../config/types.js';
import type { AttrsInput } from '../rib/attrs.js';
import { parsePrefix } from '../rib/prefix.js';
import type { Rib } from '../rib/rib.js';

export type RouteSource = 'config' | 'api';

export interface OriginatedRoute {
  readonly spec: NetworkConfig;
  readonly source: RouteSource;
}

export function originAttrs(spec: NetworkConfig, localAs: number): AttrsInput {
  const asns = [...new Array<number>(spec.prepend).fill(localAs), ...spec.asPath];
  return {
    origin: spec.origin,
    ...(asns.length > 0 ? { asPath: [{ type: 2, asns }] } : {}),
    ...(spec.nextHop !== undefined ? { nextHop: spec.nextHop } : {}),
    ...(spec.med !== undefined ? { med: spec.med } : {}),
    ...(spec.localPref !== undefined ? { localPref: spec.localPref } : {}),
    communities: spec.communities, largeCommunities: spec.largeCommunities, extCommunities: spec.extCommunities,
  };
}

export class Originated {
  private readonly routes = new Map<string, OriginatedRoute>();

  constructor(private readonly rib: Rib, private readonly changed: () => void) {}

  /** Originate (or replace) a route; throws RangeError on attribute values the RIB refuses. */
  set(spec: NetworkConfig, source: RouteSource): void {
    const p = parsePrefix(spec.prefix);
    if (p === null) throw new RangeError(`not a prefix: ${spec.prefix}`);
    this.rib.originate(p.afi, p.key, this.rib.store.intern(originAttrs(spec, this.rib.local.localAs)));
    this.routes.set(spec.prefix, { spec, source });
    this.changed();
  }

  /** Stop originating `prefix` (only if it came from `source`, when given). False if there was no such route. */
  delete(prefix: string, source?: RouteSource): boolean {
    const r = this.routes.get(prefix);
    if (r === undefined || (source !== undefined && r.source !== source)) return false;
    const p = parsePrefix(prefix)!;
    this.rib.unoriginate(p.afi, p.key);
    this.routes.delete(prefix);
    this.changed();
    return true;
  }

  get(prefix: string): OriginatedRoute | undefined {
    return this.routes.get(prefix);
  }

  list(): OriginatedRoute[] {
    return [...this.routes.values()];
  }
}
