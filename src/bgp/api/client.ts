// The CLI's side of the speaker's control API: one HTTP request over the unix socket (or localhost TCP), JSON
// back; a non-2xx answer becomes the speaker's own error (same code and message).
import { answerError, controlRequest, targetName, type ControlAnswer, type ControlTarget } from '../../util/control-http.js';
import { AnycastError } from '../../util/errors.js';
import { defaultSocketPath } from '../config/defaults.js';

export class SpeakerUnreachableError extends AnycastError {
  constructor(where: string, why: string) {
    super('ERR_SPEAKER_UNREACHABLE', `cannot reach the speaker at ${where}: ${why} (is \`anycast speaker\` running? ` +
      'give --socket PATH)');
  }
}

export type SpeakerTarget = ControlTarget;

/** --socket PATH, or "HOST:PORT" for the TCP listener, or the default socket. */
export function targetOf(socket: string | undefined): SpeakerTarget {
  if (socket === undefined) return { socket: defaultSocketPath() };
  const m = /^(\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:]+\]|localhost):(\d+)$/.exec(socket);
  if (m) return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  return { socket };
}

export async function callSpeaker(target: SpeakerTarget, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown,
  timeoutMs = 120_000): Promise<unknown> {
  let a: ControlAnswer;
  try {
    a = await controlRequest(target, method, path, { body, timeoutMs });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SpeakerUnreachableError(targetName(target), err.code ?? err.message);
  }
  if (a.status >= 200 && a.status < 300) return a.body ?? a.text;
  const err = answerError(a);
  throw err?.code ? new AnycastError(err.code, err.message ?? `HTTP ${a.status}`)
    : new AnycastError('ERR_SPEAKER', `the speaker answered HTTP ${a.status}: ${a.text.trim()}`);
}
