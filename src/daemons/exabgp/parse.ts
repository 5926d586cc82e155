// Replays ExaBGP's JSON API events (pure): session state changes ("connected", "up", "down") and received
// UPDATEs (announce per family and next hop, withdraw per family) into neighbor states and the routes each
// neighbor currently announces. A session going down drops that neighbor's routes, as a RIB would. ExaBGP has
// no decision process: received paths are reported with best = false. Tested against events captured from
// ExaBGP 4.2.21.

import type { NeighborStatus, Origin, RouteEntry, SessionState } from '../types.js';
import { familyOf } from '../types.js';

interface ExaEvent {
  type?: string;
  neighbor?: {
    address?: { local?: string; peer?: string };
    asn?: { peer?: number };
    state?: string;
    message?: {
      update?: {
        attribute?: Record<string, unknown>;
        announce?: Record<string, Record<string, { nlri: string }[]>>;
        withdraw?: Record<string, { nlri: string }[]>;
      };
    };
  };
}

export interface ExabgpView {
  neighbors: Map<string, NeighborStatus>;
  routes: Map<string, RouteEntry>; // key: peer + ' ' + prefix
}

const STATE: Record<string, SessionState> = { connected: 'opensent', up: 'established', down: 'idle' };

export function replayExabgpEvents(text: string, view: ExabgpView = { neighbors: new Map(), routes: new Map() }): ExabgpView {
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue; // "done" acks and partial lines
    let ev: ExaEvent;
    try {
      ev = JSON.parse(line) as ExaEvent;
    } catch {
      continue;
    }
    const peer = ev.neighbor?.address?.peer;
    if (!peer) continue;
    if (ev.type === 'state') {
      const state = STATE[ev.neighbor!.state ?? ''] ?? 'unknown';
      const prev = view.neighbors.get(peer);
      view.neighbors.set(peer, { address: peer, remoteAs: ev.neighbor!.asn?.peer ?? prev?.remoteAs ?? null, state, received: prev?.received ?? 0 });
      if (state !== 'established') for (const k of [...view.routes.keys()]) if (k.startsWith(`${peer} `)) view.routes.delete(k);
    } else if (ev.type === 'update') {
      const u = ev.neighbor!.message?.update;
      if (!u) continue;
      for (const fam of Object.values(u.withdraw ?? {})) for (const w of fam) view.routes.delete(`${peer} ${w.nlri}`);
      const at = u.attribute ?? {};
      for (const byNh of Object.values(u.announce ?? {})) {
        for (const [nh, list] of Object.entries(byNh)) {
          for (const a of list) {
            view.routes.set(`${peer} ${a.nlri}`, {
              prefix: a.nlri,
              family: familyOf(a.nlri),
              best: false,
              nextHop: nh,
              asPath: ((at['as-path'] ?? []) as (number | number[])[]).flat(),
              origin: (at['origin'] as Origin | undefined) ?? null,
              med: (at['med'] as number | undefined) ?? null,
              localPref: (at['local-preference'] as number | undefined) ?? null,
              communities: ((at['community'] ?? []) as number[][]).map((c) => c.join(':')),
              largeCommunities: ((at['large-community'] ?? []) as number[][]).map((c) => c.join(':')),
              from: peer,
            });
          }
        }
      }
    }
  }
  for (const n of view.neighbors.values()) {
    n.received = [...view.routes.keys()].filter((k) => k.startsWith(`${n.address} `)).length;
  }
  return view;
}
