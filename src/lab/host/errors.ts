// Errors of the router host (src/lab/host): one class per condition, each with a stable code.
import { AnycastError } from '../../util/errors.js';

export class RouterNotFoundError extends AnycastError {
  constructor(name: string, known: string[]) {
    super('ERR_HOST_NO_ROUTER', `no router "${name}" in this host (hosted: ${known.length ? known.join(', ') : 'none'})`);
  }
}

export class RouterExistsError extends AnycastError {
  constructor(name: string, state: string) {
    super('ERR_HOST_ROUTER_EXISTS', `router "${name}" is already ${state} in this host; stop it first`);
  }
}

export class RouterStateError extends AnycastError {
  constructor(name: string, state: string, action: string) {
    super('ERR_HOST_ROUTER_STATE', `cannot ${action} router "${name}": it is ${state}`);
  }
}

export class HostUnreachableError extends AnycastError {
  constructor(socket: string, why: string) {
    super('ERR_HOST_UNREACHABLE', `the router host at ${socket} does not answer: ${why}`);
  }
}
