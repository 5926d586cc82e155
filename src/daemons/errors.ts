// Errors of the daemon runners, one class per condition with a stable code.

import { AnycastError } from '../util/errors.js';

/** The daemon itself rejected the configuration we generated (its check mode or a reconfigure failed). */
export class DaemonConfigRejectedError extends AnycastError {
  readonly daemon: string;
  constructor(daemon: string, file: string, output: string) {
    super('ERR_DAEMON_CONFIG_REJECTED', `${daemon} rejected ${file}: ${output.trim().split('\n').slice(-6).join(' | ')}`);
    this.daemon = daemon;
  }
}

/** A neutral feature this daemon cannot provide in this harness (e.g. kernel routes from GoBGP without zebra). */
export class UnsupportedFeatureError extends AnycastError {
  constructor(daemon: string, feature: string, hint: string) {
    super('ERR_UNSUPPORTED_FEATURE', `${daemon} does not support ${feature} here: ${hint}`);
  }
}

/** An operation named a neighbor that the router does not have. */
export class UnknownNeighborError extends AnycastError {
  constructor(router: string, address: string) {
    super('ERR_UNKNOWN_NEIGHBOR', `router ${router} has no neighbor ${address}`);
  }
}
