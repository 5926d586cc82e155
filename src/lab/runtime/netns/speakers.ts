// The BGP speaker of a lab node, by implementation. The Debian daemons come from src/daemons (one neutral
// RouterSpec, five config generators); `anycast` — this project's speaker — plugs in here as one more case once
// its daemon (`anycast speaker`) exists: it must implement the same Daemon interface (start/stop/kill/freeze,
// neighbors, routes, bestRoutes, announce/withdraw) from the same RouterSpec.

import { createDaemon, type Daemon, type DaemonContext, type RouterSpec } from '../../../daemons/index.js';
import { requireDaemon } from '../../../netns/capabilities.js';
import { MissingCapabilityError } from '../../../util/errors.js';
import type { RouterImpl } from '../../topology/types.js';

export const SPEAKER_UNAVAILABLE = 'this build has no `anycast speaker` daemon yet; use bird, frr, gobgp or openbgpd for this node';

/** Throws MissingCapabilityError (naming the Debian package) unless `kind` can run on this machine. */
export function requireSpeaker(kind: RouterImpl): void {
  if (kind === 'anycast') throw new MissingCapabilityError('the anycast speaker', SPEAKER_UNAVAILABLE);
  requireDaemon(kind);
}

export function createSpeaker(kind: RouterImpl, spec: RouterSpec, ctx: DaemonContext): Daemon {
  if (kind === 'anycast') throw new MissingCapabilityError('the anycast speaker', SPEAKER_UNAVAILABLE);
  return createDaemon(kind, spec, ctx);
}
