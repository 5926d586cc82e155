// Unique names for namespaces and interfaces: several test runs and labs share this machine, so every name
// carries a prefix and the creating PID (e.g. `acp-1234-a`); interface names must fit in 15 characters.

import { MAX_IFNAME } from './plan.js';
import { TopologyError } from './errors.js';

/** `${prefix}-${pid}-${tag}`: unique on this machine while this process lives. */
export function uniqueNsName(prefix: string, tag: string, pid = process.pid): string {
  return `${prefix}-${pid}-${tag}`;
}

/** A veth name of at most 15 characters; throws if `name` is longer (so two links never truncate alike). */
export function ifName(name: string): string {
  if (name.length > MAX_IFNAME) throw new TopologyError('ifname', `"${name}" is longer than ${MAX_IFNAME} characters`);
  return name;
}
