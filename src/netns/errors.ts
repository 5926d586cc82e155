// Typed errors of the namespace harness: one class per condition, each with a stable `code`, so that the lab,
// the interop tests and the CLI can branch on what went wrong (a name already taken, a command that failed or
// hung, a recorded process that is no longer ours) rather than on message text.

import { AnycastError } from '../util/errors.js';

/** An external command (ip, tc, a daemon's CLI) exited non-zero. Carries argv, exit code and stderr. */
export class CommandFailedError extends AnycastError {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(argv: readonly string[], exitCode: number | null, stderr: string, signal?: string | null) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    const detail = stderr.trim().split('\n').slice(-5).join(' | ');
    super('ERR_COMMAND_FAILED', `${argv.join(' ')} ${how}${detail ? `: ${detail}` : ''}`);
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** An external command did not finish within its time limit (it has been killed). */
export class CommandTimeoutError extends AnycastError {
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  constructor(argv: readonly string[], timeoutMs: number) {
    super('ERR_COMMAND_TIMEOUT', `${argv.join(' ')} did not finish within ${timeoutMs} ms (killed)`);
    this.argv = argv;
    this.timeoutMs = timeoutMs;
  }
}

/** A namespace, interface or other resource we were about to create already exists. */
export class ResourceExistsError extends AnycastError {
  readonly resource: string;
  constructor(kind: 'namespace' | 'interface' | 'state file', name: string, hint: string) {
    super('ERR_RESOURCE_EXISTS', `${kind} ${name} already exists: ${hint}`);
    this.resource = name;
  }
}

/** A topology given to the harness is inconsistent (unknown namespace, name too long, duplicate). */
export class TopologyError extends AnycastError {
  readonly key: string;
  constructor(key: string, reason: string) {
    super('ERR_NETNS_TOPOLOGY', `${key}: ${reason}`);
    this.key = key;
  }
}

/** A state file could not be read or is not one of ours. */
export class StateFileError extends AnycastError {
  readonly file: string;
  constructor(file: string, reason: string) {
    super('ERR_STATE_FILE', `${file}: ${reason}`);
    this.file = file;
  }
}

/** A process we started is gone (or exited before it became ready). */
export class ProcessExitedError extends AnycastError {
  readonly pid: number;
  constructor(what: string, pid: number, detail: string) {
    super('ERR_PROCESS_EXITED', `${what} (pid ${pid}) exited: ${detail}`);
    this.pid = pid;
  }
}

/** Waiting for a condition (a session up, a route seen) ran out of time; says what was last observed. */
export class WaitTimeoutError extends AnycastError {
  constructor(what: string, timeoutMs: number, lastSeen: string) {
    super('ERR_WAIT_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${lastSeen}`);
  }
}
