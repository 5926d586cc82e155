// The check catalogue: one discriminated union of every check type's settings, and the factory that turns a spec
// into its probe. The agent injects this factory (tests inject scripted probes instead).
import { addressProbe, type AddressCheckSpec, type AddressSources } from './address-check.js';
import { dnsProbe, type DnsCheckSpec } from './dns-check.js';
import { execProbe, type ExecCheckSpec } from './exec-check.js';
import { httpProbe, type HttpCheckSpec } from './http-check.js';
import { tcpProbe, type TcpCheckSpec } from './tcp-check.js';
import type { CheckTiming, Probe } from './types.js';

export type CheckSpec =
  | ({ type: 'exec' } & ExecCheckSpec)
  | ({ type: 'tcp' } & TcpCheckSpec)
  | ({ type: 'http' } & HttpCheckSpec)
  | ({ type: 'dns' } & DnsCheckSpec)
  | ({ type: 'address' } & AddressCheckSpec);

export type CheckType = CheckSpec['type'];
export const CHECK_TYPES: readonly CheckType[] = ['exec', 'tcp', 'http', 'dns', 'address'];

/** A named check with its timing, as the agent configures it. */
export interface CheckDefinition {
  name: string;
  spec: CheckSpec;
  timing: CheckTiming;
}

export type ProbeFactory = (check: CheckDefinition, service: string) => Probe;

export function createProbe(spec: CheckSpec, addressSources?: AddressSources): Probe {
  switch (spec.type) {
    case 'exec': return execProbe(spec);
    case 'tcp': return tcpProbe(spec);
    case 'http': return httpProbe(spec);
    case 'dns': return dnsProbe(spec);
    case 'address': return addressProbe(spec, addressSources);
  }
}

export const systemProbeFactory: ProbeFactory = (check) => createProbe(check.spec);

/** One line describing what a check probes, for status output. */
export function describeCheck(spec: CheckSpec): string {
  switch (spec.type) {
    case 'exec': return typeof spec.command === 'string' ? spec.command : spec.command.join(' ');
    case 'tcp': return `${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`;
    case 'http': return `${spec.method} ${spec.url}`;
    case 'dns': return `${spec.query.name} ${spec.query.class} ${spec.query.type} @${spec.server}:${spec.port}/${spec.transport}`;
    case 'address': return `${spec.address}${spec.prefixLength !== undefined ? `/${spec.prefixLength}` : ''}` +
      `${spec.interface ? ` on ${spec.interface}` : ''}`;
  }
}
