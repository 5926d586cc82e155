// The CLI's side of the control API: one HTTP request over the agent's unix socket (or TCP), JSON back.
import { answerError, controlRequest, targetName, type ControlAnswer, type ControlTarget } from '../util/control-http.js';
import { AnycastError } from '../util/errors.js';

export class ControlUnreachableError extends AnycastError {
  constructor(where: string, why: string) {
    super('ERR_AGENT_UNREACHABLE', `cannot reach the agent at ${where}: ${why} (is \`anycast agent\` running? ` +
      'give --socket or --config)');
  }
}

export type { ControlTarget };

export async function callAgent(target: ControlTarget, method: 'GET' | 'POST', path: string, timeoutMs = 10_000):
  Promise<ControlAnswer> {
  try {
    return await controlRequest(target, method, path, { timeoutMs });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ControlUnreachableError(targetName(target), err.code ?? err.message);
  }
}

/** Throw the agent's own error (code and message) for a non-2xx answer. */
export function expectOk(r: ControlAnswer): unknown {
  if (r.status >= 200 && r.status < 300) return r.body;
  const err = answerError(r);
  if (err?.code) throw new AnycastError(err.code, err.message ?? `HTTP ${r.status}`);
  throw new AnycastError('ERR_AGENT', `the agent answered HTTP ${r.status}: ${r.text.trim()}`);
}
