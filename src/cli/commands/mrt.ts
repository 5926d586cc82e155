// `anycast mrt dump FILE`: read an MRT file (RFC 6396 / RFC 8050; plain, .gz or .bz2) and print its entries in the
// one-line format of `bgpdump -m`, as JSON lines (--json), or a summary (--summary). The work is in src/mrt.
import { UsageError } from '../../util/errors.js';
import { parseCommandArgs } from '../args.js';

export const summary = 'read MRT dumps: bgpdump -m lines, JSON lines or a summary (mrt dump FILE)';

const HELP = `usage: anycast mrt dump FILE [options]
  FILE                  an MRT file: TABLE_DUMP_V2, BGP4MP(_ET), TABLE_DUMP; plain, gzip or bzip2 ('-' reads stdin)
  --json                one JSON object per record (errors as {"error":…} lines, in order)
  --summary             record counts by type, time span, peers, prefixes (with --json: one JSON object)
  -l, --large-communities   add the large community field after the communities (as bgpdump -l)
  -t, --time dump|change    RIB timestamps: dump time (default) or the route's originated time (bgpdump -t)
  --stop-on-error       stop at the first malformed record (default: report it on stderr and go on)
  --max-record-length N largest record body accepted, in octets (default 16777216)
exit status: 0 clean, 1 when any record was malformed or the input failed, 2 usage`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) throw new UsageError('anycast mrt needs a subcommand: dump (anycast mrt --help)');
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (sub !== 'dump') throw new UsageError(`unknown mrt subcommand '${sub}' (anycast mrt --help)`);
  const { values, positionals } = parseCommandArgs({
    args: rest, allowPositionals: true, strict: true,
    options: {
      'json': { type: 'boolean' }, 'summary': { type: 'boolean' }, 'large-communities': { type: 'boolean', short: 'l' },
      'time': { type: 'string', short: 't' }, 'stop-on-error': { type: 'boolean' },
      'max-record-length': { type: 'string' }, 'help': { type: 'boolean', short: 'h' },
    },
  }, 'mrt dump');
  if (values.help === true) { process.stdout.write(HELP + '\n'); return 0; }
  if (positionals.length !== 1) throw new UsageError('mrt dump needs exactly one FILE (anycast mrt --help)');
  const time = values.time ?? 'dump';
  if (time !== 'dump' && time !== 'change') throw new UsageError(`--time must be dump or change, got '${time}'`);
  let maxRecordLength: number | undefined;
  if (values['max-record-length'] !== undefined) {
    const v = values['max-record-length'];
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--max-record-length must be a positive number of octets, got '${v}'`);
    maxRecordLength = Number(v);
  }
  const { dumpCommand } = await import('../../mrt/dump-command.js');
  return dumpCommand({ file: positionals[0]!, json: values.json === true, summary: values.summary === true,
    largeCommunities: values['large-communities'] === true, time, stopOnError: values['stop-on-error'] === true,
    ...(maxRecordLength !== undefined ? { maxRecordLength } : {}) });
}
