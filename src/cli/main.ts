#!/usr/bin/env node
// The one entry point: `anycast <command> [args]`. Each command is a module in ./commands/ exporting `summary`
// (one line for the help) and `run(argv)` (resolving to the exit code); a command loads its implementation
// lazily, so that `anycast decode` does not pay for the simulator.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AnycastError, UsageError, errorMessage } from '../util/errors.js';

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const here = dirname(fileURLToPath(import.meta.url));
const commandDir = join(here, 'commands');

function commandNames(): string[] {
  let files: string[];
  try {
    files = readdirSync(commandDir);
  } catch {
    return [];
  }
  return files
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Command | undefined> {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !commandNames().includes(name)) return undefined;
  return (await import(pathToFileURL(join(commandDir, `${name}.js`)).href)) as Command;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(here, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

async function help(): Promise<string> {
  const lines = ['usage: anycast <command> [options]   (anycast <command> --help for its options)', '', 'commands:'];
  for (const name of commandNames()) {
    const cmd = await load(name);
    lines.push(`  ${name.padEnd(10)} ${cmd?.summary ?? ''}`);
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write((await help()) + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`anycast ${version()}\n`);
    return 0;
  }
  const cmd = await load(name);
  if (cmd === undefined) throw new UsageError(`unknown command '${name}' (anycast help lists them)`);
  return cmd.run(rest);
}

const isEntry = process.argv[1] !== undefined &&
  fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1]);
if (isEntry) {
  // `anycast … | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const json = process.argv.includes('--json');
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
      const code = e instanceof AnycastError ? e.code : 'ERR_INTERNAL';
      if (json) process.stdout.write(JSON.stringify({ error: { code, message: errorMessage(e) } }) + '\n');
      else process.stderr.write(`anycast: ${errorMessage(e)}\n`);
      if (!(e instanceof AnycastError)) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
    },
  );
}
