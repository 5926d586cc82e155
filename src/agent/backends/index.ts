// Builds the configured announcement backend: the embedded BGP speaker (./speaker.js, the recommended one), a
// BIRD 2 driven through its control socket, or dry-run. The speaker module is loaded on demand (it pulls in the
// whole BGP stack); a build without it says so clearly ("not available in this build").
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { BackendUnavailableError, type AnnouncementBackend } from '../backend.js';
import type { AgentConfig, SpeakerBackendConfig } from '../config/types.js';
import { BirdBackend } from './bird.js';
import { spawnGuard, type GuardHandle } from './bird-guard.js';
import { DryRunBackend } from './dry-run.js';

export interface BackendDeps {
  clock: Clock;
  logger: Logger;
  wall: () => number;
  agentName: string;
}

export interface BuiltBackend {
  backend: AnnouncementBackend;
  guard: GuardHandle | null;
}

type SpeakerModule = { createSpeakerBackend(c: SpeakerBackendConfig, d: BackendDeps): AnnouncementBackend };

async function loadSpeaker(): Promise<SpeakerModule | null> {
  const specifier = './speaker.js'; // not a literal import: the module is optional in this build
  try {
    return (await import(specifier)) as SpeakerModule;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw e;
  }
}

/** Fails early (for `--check` too) when the configuration selects something this build does not have. */
export async function assertAvailable(cfg: AgentConfig): Promise<void> {
  if (cfg.backend.type === 'speaker' && (await loadSpeaker()) === null) {
    throw new BackendUnavailableError('the embedded BGP speaker backend (backend.type: speaker)',
      'use backend.type: bird to drive a BIRD 2, or dry-run');
  }
}

export async function createBackend(cfg: AgentConfig, deps: BackendDeps): Promise<BuiltBackend> {
  await assertAvailable(cfg);
  switch (cfg.backend.type) {
    case 'bird': {
      const bird = cfg.backend.bird!;
      const guard = bird.guard ? spawnGuard(bird, deps.agentName, deps.logger) : null;
      const backend = new BirdBackend(bird, {
        clock: deps.clock, logger: deps.logger.child({ backend: 'bird' }), agentName: deps.agentName, wall: deps.wall,
        onApplied: (text) => guard?.report(text),
        onWriting: (text) => guard?.writing(text),
      });
      return { backend, guard };
    }
    case 'dry-run':
      return { backend: new DryRunBackend(deps.logger.child({ backend: 'dry-run' }), deps.wall), guard: null };
    case 'speaker': {
      const mod = (await loadSpeaker())!;
      return { backend: mod.createSpeakerBackend(cfg.backend.speaker!, deps), guard: null };
    }
  }
}
