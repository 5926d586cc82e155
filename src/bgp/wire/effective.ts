// What an attribute set means once the 2-/4-octet AS interworking of RFC 6793 §4.2.3 is applied:
//  - on a 4-octet session the AS_PATH and AGGREGATOR are already 4-octet; AS4_PATH/AS4_AGGREGATOR are ignored
//    (a NEW speaker must not send them to a NEW speaker, §4.1);
//  - from an OLD speaker: if AGGREGATOR is present and its AS is not AS_TRANS, AS4_AGGREGATOR and AS4_PATH are
//    ignored; if it is AS_TRANS, AS4_AGGREGATOR replaces it; AS4_PATH is merged into AS_PATH (mergeAs4Path()).
import { AS_TRANS, type AsSegment, mergeAs4Path } from './as-path.js';
import { findAttr, type PathAttribute } from './attributes.js';
import type { CodecContext } from './context.js';

/** The route's AS path as a 4-octet path. */
export function effectiveAsPath(list: readonly PathAttribute[], ctx: CodecContext): readonly AsSegment[] {
  const asPath = findAttr(list, 'AS_PATH')?.segments ?? [];
  if (ctx.as4) return asPath;
  const as4 = findAttr(list, 'AS4_PATH');
  if (as4 === undefined) return asPath;
  const agg = findAttr(list, 'AGGREGATOR');
  if (agg !== undefined && agg.asn !== AS_TRANS) return asPath;
  return mergeAs4Path(asPath, as4.segments);
}

/** The route's aggregator with a 4-octet AS, or undefined. */
export function effectiveAggregator(list: readonly PathAttribute[], ctx: CodecContext):
  { asn: number; address: string } | undefined {
  const agg = findAttr(list, 'AGGREGATOR');
  if (agg === undefined) return undefined;
  if (ctx.as4 || agg.asn !== AS_TRANS) return { asn: agg.asn, address: agg.address };
  const as4 = findAttr(list, 'AS4_AGGREGATOR');
  return as4 === undefined ? { asn: agg.asn, address: agg.address } : { asn: as4.asn, address: as4.address };
}
