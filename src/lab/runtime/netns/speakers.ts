// The BGP speaker of a lab node, by implementation. The Debian daemons come from src/daemons (one neutral
// RouterSpec, five config generators); `anycast` — this project's speaker — is src/lab/speaker (the same
// RouterSpec as speaker.yaml, the same Daemon interface over the speaker's control API), available when the
// build includes the `anycast speaker` daemon.

import { createDaemon, type Daemon, type DaemonContext, type RouterSpec } from '../../../daemons/index.js';
import { requireDaemon } from '../../../netns/capabilities.js';
import { existsSync } from 'node:fs';
import { MissingCapabilityError } from '../../../util/errors.js';
import { AnycastSpeakerDaemon, SPEAKER_COMMAND } from '../../speaker/runner.js';
import type { RouterImpl } from '../../topology/types.js';

export const SPEAKER_UNAVAILABLE = 'this build has no `anycast speaker` daemon yet; use bird, frr, gobgp or openbgpd for this node';

/** Throws MissingCapabilityError (naming the Debian package) unless `kind` can run on this machine. */
/** Whether this build includes the `anycast speaker` daemon. */
export function speakerAvailable(): boolean {
  return existsSync(SPEAKER_COMMAND);
}

export function requireSpeaker(kind: RouterImpl): void {
  if (kind === 'anycast') {
    if (!speakerAvailable()) throw new MissingCapabilityError('the anycast speaker', SPEAKER_UNAVAILABLE);
    return;
  }
  requireDaemon(kind);
}

export function createSpeaker(kind: RouterImpl, spec: RouterSpec, ctx: DaemonContext): Daemon {
  if (kind === 'anycast') {
    requireSpeaker(kind);
    return new AnycastSpeakerDaemon(spec, ctx);
  }
  return createDaemon(kind, spec, ctx);
}
