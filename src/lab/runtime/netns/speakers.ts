// The BGP speaker of a lab node, by implementation. The Debian daemons come from src/daemons (one neutral
// RouterSpec, five config generators); `anycast` — this project's speaker, the default — is src/lab/speaker
// (the same RouterSpec as speaker.yaml, the same Daemon interface over the speaker's control API).

import { createDaemon, type Daemon, type DaemonContext, type RouterSpec } from '../../../daemons/index.js';
import { requireDaemon } from '../../../netns/capabilities.js';
import { existsSync } from 'node:fs';
import { MissingCapabilityError } from '../../../util/errors.js';
import { AnycastSpeakerDaemon, SPEAKER_COMMAND } from '../../speaker/runner.js';
import { HostedSpeakerDaemon } from '../../host/daemon.js';
import type { RouterHostLink } from '../../host/link.js';
import type { RouterImpl } from '../../topology/types.js';

/**
 * Throws MissingCapabilityError unless `kind` can run on this machine: the Debian package to install for the
 * daemons, and for ours the built command module (a checkout that was never built, or a broken build).
 */
export function requireSpeaker(kind: RouterImpl): void {
  if (kind === 'anycast') {
    if (!existsSync(SPEAKER_COMMAND)) throw new MissingCapabilityError('the anycast speaker', `${SPEAKER_COMMAND} is missing; build the project (npx tsc -p tsconfig.json, or node scripts/setup.mjs)`);
    return;
  }
  requireDaemon(kind);
}

/** `host`: the lab's router host process runs our speaker (src/lab/host); without it, a process per router. */
export function createSpeaker(kind: RouterImpl, spec: RouterSpec, ctx: DaemonContext, host?: RouterHostLink): Daemon {
  requireSpeaker(kind);
  if (kind !== 'anycast') return createDaemon(kind, spec, ctx);
  return host ? new HostedSpeakerDaemon(spec, ctx, host) : new AnycastSpeakerDaemon(spec, ctx);
}
