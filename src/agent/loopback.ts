// Puts the service addresses on the loopback (or another local interface) and takes them off again. The agent adds
// them before anything is announced and removes them only after the withdrawal has been handed to BGP and the
// linger time has passed, so that packets still in flight towards this site during convergence find the address
// (removing first would turn the last seconds of traffic into ICMP unreachables).
import { execFile } from 'node:child_process';
import { AnycastError } from '../util/errors.js';

export interface AddressManager {
  /** Add addr/len to dev; resolves false if it was already there. */
  add(cidr: string, dev: string): Promise<boolean>;
  /** Remove addr/len from dev; resolves false if it was not there. */
  remove(cidr: string, dev: string): Promise<boolean>;
}

function ip(args: string[]): Promise<{ ok: boolean; stderr: string }> {
  return new Promise((resolve) => {
    execFile('ip', args, { timeout: 5000 }, (err, _out, stderr) => resolve({ ok: !err, stderr: String(stderr).trim() }));
  });
}

/** iproute2: `ip addr add|del ADDR dev DEV` in the agent's own network namespace. */
export class IpAddressManager implements AddressManager {
  async add(cidr: string, dev: string): Promise<boolean> {
    const r = await ip(['addr', 'add', cidr, 'dev', dev, ...(cidr.includes(':') ? ['nodad'] : [])]);
    if (r.ok) return true;
    if (/File exists/i.test(r.stderr)) return false;
    throw new AnycastError('ERR_ADDRESS', `cannot add ${cidr} to ${dev}: ${r.stderr}`);
  }

  async remove(cidr: string, dev: string): Promise<boolean> {
    const r = await ip(['addr', 'del', cidr, 'dev', dev]);
    if (r.ok) return true;
    if (/Cannot assign requested address|not found/i.test(r.stderr)) return false;
    throw new AnycastError('ERR_ADDRESS', `cannot remove ${cidr} from ${dev}: ${r.stderr}`);
  }
}

/** Records adds and removes (tests). */
export class RecordingAddressManager implements AddressManager {
  readonly present = new Set<string>();
  readonly log: Array<{ op: 'add' | 'remove'; cidr: string; dev: string }> = [];
  constructor(private readonly onCall?: (op: 'add' | 'remove', cidr: string) => void) {}
  async add(cidr: string, dev: string): Promise<boolean> {
    this.log.push({ op: 'add', cidr, dev });
    this.onCall?.('add', cidr);
    const had = this.present.has(cidr);
    this.present.add(cidr);
    return !had;
  }
  async remove(cidr: string, dev: string): Promise<boolean> {
    this.log.push({ op: 'remove', cidr, dev });
    this.onCall?.('remove', cidr);
    return this.present.delete(cidr);
  }
}
