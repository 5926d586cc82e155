// The timed loop of the decode benchmark (decode.ts): a byte stream in chunks → FrameReader.read() (no object per
// frame) → decodeUpdateInto() with an AttrCache (one reused UpdateParts, no result objects per UPDATE) → every
// prefix decoded into PrefixLists → the lists grouped by attribute set (by the cache's dense set index).
import { AttrCache } from '../../src/bgp/wire/attr-decode.js';
import type { CodecContext } from '../../src/bgp/wire/context.js';
import { FrameReader } from '../../src/bgp/wire/framing.js';
import { HEADER_LENGTH, MSG_UPDATE, type AttrSet } from '../../src/bgp/wire/messages.js';
import { PrefixList } from '../../src/bgp/wire/prefix.js';
import { decodeUpdateInto, UpdateParts } from '../../src/bgp/wire/update.js';

export interface Outcome { prefixes: number; groups: number; messages: number }

/**
 * The lists of each attribute set: the list itself while the set has one (most sets of a full table come in one
 * UPDATE), an array from the second on. Sets the cache holds are found by their dense index (an array, no
 * hashing); a set outside the cache (none in this stream) by identity in a Map.
 */
class Groups {
  readonly byIndex: (PrefixList | PrefixList[] | undefined)[] = [];
  readonly other = new Map<AttrSet, PrefixList | PrefixList[]>();
  count = 0;

  add(set: AttrSet, index: number, list: PrefixList): void {
    const g = index >= 0 ? this.byIndex[index] : this.other.get(set);
    const next = g === undefined ? list : g instanceof PrefixList ? [g, list] : (g.push(list), g);
    if (g === undefined) this.count++;
    if (index >= 0) this.byIndex[index] = next;
    else this.other.set(set, next);
  }
}

export function decodeAll(chunks: readonly Uint8Array[], ctx: CodecContext): Outcome {
  const cache = new AttrCache();
  const fr = new FrameReader(ctx);
  const parts = new UpdateParts();
  const groups = new Groups();
  let prefixes = 0, messages = 0;
  for (const c of chunks) {
    fr.push(c);
    for (let type = fr.read(); type > 0; type = fr.read()) {
      const error = type !== MSG_UPDATE ? null
        : decodeUpdateInto(fr.frameBuf, fr.frameStart + HEADER_LENGTH, fr.frameEnd, ctx, cache, parts);
      if (type !== MSG_UPDATE || error !== null) throw new Error('benchmark stream must decode cleanly');
      messages++;
      const nlri = parts.nlri, mp = parts.mpReach;
      if (nlri.length > 0) { groups.add(parts.attrs, parts.setIndex, nlri); prefixes += nlri.length; }
      if (mp instanceof PrefixList) { groups.add(parts.attrs, parts.setIndex, mp); prefixes += mp.length; }
    }
  }
  // The indices are valid for one generation of the cache; this stream stays far below its bound.
  if (cache.generation !== 0) throw new Error('attribute cache emptied itself during the benchmark');
  return { prefixes, groups: groups.count, messages };
}
