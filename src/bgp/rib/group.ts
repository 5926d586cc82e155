// Grouping of Adj-RIB-Out changes into UPDATE-sized units (RFC 4271 §4.3: one UPDATE carries one attribute set
// for all its NLRI): per neighbor and family, the withdrawn (prefix, path id) pairs and, per interned attribute
// set, the announced ones. The speaker splits each group to fit the message size it negotiated.

import type { Attrs } from './attrs.js';
import type { PeerInfo } from './peer.js';
import type { Afi, PrefixKey } from './prefix.js';
import type { OutChange } from './rib.js';

export interface UpdateGroup {
  readonly peer: PeerInfo;
  readonly afi: Afi;
  /** Prefixes (and path ids, 0 without add-path) to withdraw. */
  readonly withdraw: { prefix: PrefixKey; pathId: number }[];
  /** Attribute set → prefixes announced with it, in first-seen order. */
  readonly announce: Map<Attrs, { prefix: PrefixKey; pathId: number }[]>;
}

export function groupOutChanges(changes: Iterable<OutChange>): UpdateGroup[] {
  const groups = new Map<PeerInfo, Map<Afi, UpdateGroup>>();
  for (const c of changes) {
    let byAfi = groups.get(c.peer);
    if (byAfi === undefined) { byAfi = new Map(); groups.set(c.peer, byAfi); }
    let g = byAfi.get(c.afi);
    if (g === undefined) { g = { peer: c.peer, afi: c.afi, withdraw: [], announce: new Map() }; byAfi.set(c.afi, g); }
    const item = { prefix: c.prefix, pathId: c.pathId };
    if (c.attrs === null) g.withdraw.push(item);
    else {
      const list = g.announce.get(c.attrs);
      if (list === undefined) g.announce.set(c.attrs, [item]);
      else list.push(item);
    }
  }
  const out: UpdateGroup[] = [];
  for (const byAfi of groups.values()) out.push(...byAfi.values());
  return out;
}
