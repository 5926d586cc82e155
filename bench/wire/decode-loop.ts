// The timed loop of the decode benchmark (decode.ts): a byte stream in chunks → FrameReader.read() (no object per
// frame) → decodeUpdateInto() with an AttrCache (one reused UpdateParts, no result objects per UPDATE) → every
// prefix decoded into PrefixLists → the lists grouped in a Map keyed by the interned AttrSet.
import { AttrCache } from '../../src/bgp/wire/attr-decode.js';
import type { CodecContext } from '../../src/bgp/wire/context.js';
import { FrameReader } from '../../src/bgp/wire/framing.js';
import { HEADER_LENGTH, MSG_UPDATE, type AttrSet } from '../../src/bgp/wire/messages.js';
import { PrefixList } from '../../src/bgp/wire/prefix.js';
import { decodeUpdateInto, UpdateParts } from '../../src/bgp/wire/update.js';

export interface Outcome { prefixes: number; groups: number; messages: number; cache: AttrCache }

export function decodeAll(chunks: readonly Uint8Array[], ctx: CodecContext): Outcome {
  const cache = new AttrCache();
  const fr = new FrameReader(ctx);
  const parts = new UpdateParts();
  const groups = new Map<AttrSet, PrefixList[]>();
  let prefixes = 0, messages = 0;
  for (const c of chunks) {
    fr.push(c);
    for (let type = fr.read(); type > 0; type = fr.read()) {
      const error = type !== MSG_UPDATE ? null
        : decodeUpdateInto(fr.frameBuf, fr.frameStart + HEADER_LENGTH, fr.frameEnd, ctx, cache, parts);
      if (type !== MSG_UPDATE || error !== null) throw new Error('benchmark stream must decode cleanly');
      messages++;
      let g = groups.get(parts.attrs);
      if (g === undefined) { g = []; groups.set(parts.attrs, g); }
      const nlri = parts.nlri, mp = parts.mpReach;
      if (nlri.length > 0) { g.push(nlri); prefixes += nlri.length; }
      if (mp instanceof PrefixList) { g.push(mp); prefixes += mp.length; }
    }
  }
  return { prefixes, groups: groups.size, messages, cache };
}
