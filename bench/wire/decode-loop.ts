// The timed loop of the decode benchmark (decode.ts): a byte stream in chunks → FrameReader.read() (no object per
// frame) → decodeUpdateInto() with an AttrCache (one reused UpdateParts, no result objects per UPDATE) → every
// prefix decoded into PrefixLists → the lists grouped in a Map keyed by the interned AttrSet.
import { AttrCache } from '../../src/bgp/wire/attr-decode.js';
import type { CodecContext } from '../../src/bgp/wire/context.js';
import { FrameReader } from '../../src/bgp/wire/framing.js';
import { HEADER_LENGTH, MSG_UPDATE, type AttrSet } from '../../src/bgp/wire/messages.js';
import { PrefixList } from '../../src/bgp/wire/prefix.js';
import { decodeUpdateInto, UpdateParts } from '../../src/bgp/wire/update.js';

export interface Outcome { prefixes: number; groups: number; messages: number }

function add(groups: Map<AttrSet, PrefixList | PrefixList[]>, set: AttrSet, newSet: boolean, list: PrefixList): void {
  // A set the decoder has just made has no group yet: no lookup needed.
  const g = newSet ? undefined : groups.get(set);
  if (g === undefined) groups.set(set, list);
  else if (g instanceof PrefixList) groups.set(set, [g, list]);
  else g.push(list);
}

export function decodeAll(chunks: readonly Uint8Array[], ctx: CodecContext): Outcome {
  const cache = new AttrCache();
  const fr = new FrameReader(ctx);
  const parts = new UpdateParts();
  // A set's lists: the list itself while it has one (most sets of a full table come in one UPDATE), an array
  // from the second on.
  const groups = new Map<AttrSet, PrefixList | PrefixList[]>();
  let prefixes = 0, messages = 0;
  for (const c of chunks) {
    fr.push(c);
    for (let type = fr.read(); type > 0; type = fr.read()) {
      const error = type !== MSG_UPDATE ? null
        : decodeUpdateInto(fr.frameBuf, fr.frameStart + HEADER_LENGTH, fr.frameEnd, ctx, cache, parts);
      if (type !== MSG_UPDATE || error !== null) throw new Error('benchmark stream must decode cleanly');
      messages++;
      const nlri = parts.nlri, mp = parts.mpReach;
      const set = parts.attrs;
      if (nlri.length > 0) { add(groups, set, parts.newSet, nlri); prefixes += nlri.length; }
      // (A second list of the same UPDATE goes to the group the first one made.)
      if (mp instanceof PrefixList) { add(groups, set, parts.newSet && nlri.length === 0, mp); prefixes += mp.length; }
    }
  }
  return { prefixes, groups: groups.size, messages };
}
