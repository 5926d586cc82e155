// `anycast decode HEX [--json]`: decode one BGP message given as hex (spaces, colons and 0x allowed; '-' reads
// stdin) with both stages of the wire codec, and print it readably or as JSON. A malformed message prints the typed
// error with its NOTIFICATION code/subcode and RFC 7606 action, and exits 1.
import { UsageError } from '../../util/errors.js';
import { parseCommandArgs } from '../args.js';

export const summary = 'decode one BGP message from hex (--json, --as4, --addpath, --extended)';

const HELP = `usage: anycast decode HEX... [options]
  HEX                 the message, header included; spaces, colons and 0x are ignored; '-' reads stdin
  --as4               4-octet AS numbers were negotiated (RFC 6793)
  --addpath           add-path path identifiers on ipv4-unicast and ipv6-unicast (RFC 7911)
  --addpath-families  comma-separated families with path identifiers, e.g. ipv4-unicast,ipv6-unicast
  --extended          extended messages were negotiated (RFC 8654): up to 65535 octets
  --local-as N        our AS, for the session checks (with --peer-as: eBGP rules, first AS)
  --peer-as N         the peer's AS
  --json              print JSON
exit status: 0 clean, 1 malformed (the error and its RFC 7606 action are printed), 2 usage`;

function familyOf(name: string, family: (a: number, s: number) => number): number {
  const m = /^(ipv4|ipv6)-(unicast|multicast)$/.exec(name.trim());
  if (m === null) throw new UsageError(`unknown family '${name}' (ipv4-unicast, ipv6-unicast, ipv4-multicast, ipv6-multicast)`);
  return family(m[1] === 'ipv4' ? 1 : 2, m[2] === 'unicast' ? 1 : 2);
}

function asNumber(s: string | undefined, what: string): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) > 0xffffffff) throw new UsageError(`${what} must be an AS number, got '${s}'`);
  return Number(s);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      'json': { type: 'boolean' }, 'as4': { type: 'boolean' }, 'addpath': { type: 'boolean' },
      'addpath-families': { type: 'string' }, 'extended': { type: 'boolean' }, 'local-as': { type: 'string' },
      'peer-as': { type: 'string' }, 'help': { type: 'boolean', short: 'h' },
    },
  }, 'decode');
  if (values.help === true) { process.stdout.write(HELP + '\n'); return 0; }
  const w = await import('../../bgp/wire/index.js');
  let hex = positionals.join(' ');
  if (hex.trim() === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    hex = Buffer.concat(chunks).toString('utf8');
  }
  if (hex.trim() === '') throw new UsageError('decode needs a message in hex (anycast decode --help)');
  const bytes = w.fromHex(hex);
  if (bytes === null) throw new UsageError('the message is not valid hex (an odd number of digits or a non-hex character)');
  const families = new Set<number>();
  if (values.addpath === true) { families.add(w.IPV4_UNICAST); families.add(w.IPV6_UNICAST); }
  for (const f of (values['addpath-families'] ?? '').split(',').filter((x) => x.trim() !== '')) {
    families.add(familyOf(f, w.family));
  }
  const ctx = w.symmetricContext({ as4: values.as4 === true, extendedMessages: values.extended === true, addPath: families });
  const localAs = asNumber(values['local-as'], '--local-as');
  const peerAs = asNumber(values['peer-as'], '--peer-as');
  const r = w.decode(bytes, ctx, { ...(localAs !== undefined ? { localAs } : {}), ...(peerAs !== undefined ? { peerAs } : {}) });
  const trailing = r.ok ? bytes.length - ((bytes[16]! << 8) | bytes[17]!) : 0;
  if (values.json === true) {
    const out = r.ok
      ? { ok: r.errors.length === 0, message: w.messageJson(r.msg), errors: r.errors.map(w.errorJson), action: r.action,
        ...(trailing > 0 ? { trailingOctets: trailing } : {}) }
      : { ok: false, error: w.errorJson(r.error), action: r.action };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    const lines: string[] = [];
    if (r.ok) lines.push(w.messageText(r.msg));
    const errs = r.ok ? r.errors : [r.error];
    for (const e of errs) {
      const n = w.toNotification(e);
      lines.push(`error ${e.kind}: ${e.reason}`,
        `  RFC 7606 action: ${e.action}; NOTIFICATION ${n.code}/${n.subcode} (${w.codeName(n.code)} / ` +
        `${w.subcodeName(n.code, n.subcode)})${n.data.length > 0 ? ` data ${w.toHex(n.data)}` : ''}`);
    }
    if (r.ok && r.action !== null) lines.push(`action: ${r.action}`);
    if (trailing > 0) lines.push(`note: ${trailing} octet(s) after the message were not decoded`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  return r.ok && r.errors.length === 0 ? 0 : 1;
}
