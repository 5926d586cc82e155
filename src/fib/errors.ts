// Errors of the FIB at its public API, one class per condition with a stable code. Per-route failures are not
// exceptions: they come back as RouteFailure data in ApplyResult (types.ts).

import { AnycastError } from '../util/errors.js';

/** The `ip` child could not be started or kept running (restarted too often, missing binary). */
export class FibProcessError extends AnycastError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_FIB_PROCESS', message, options);
  }
}

/** Reading the kernel's routes (`ip -j route`) failed or printed something that is not a route list. */
export class FibReadError extends AnycastError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_FIB_READ', message, options);
  }
}

/** The FIB was used after close(). */
export class FibClosedError extends AnycastError {
  constructor() {
    super('ERR_FIB_CLOSED', 'the FIB is closed');
  }
}

/** A FIB option is out of range (protocol id, metric, table). */
export class FibOptionError extends AnycastError {
  constructor(key: string, reason: string) {
    super('ERR_FIB_OPTION', `fib.${key}: ${reason}`);
  }
}
