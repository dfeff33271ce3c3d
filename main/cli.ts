/**
 * The single entry point: `gatehouse <command> [options]`. Commands live in main/cli/ and are
 * listed in main/cli/commands.ts; this file only dispatches and prints usage.
 */
import { version } from '../package.json';
import { UsageError, type CliCommand } from './cli/command';
import { commands } from './cli/commands';

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: gatehouse <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `gatehouse <command> --help` for its options.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((command) => command.name === rest[0]) : undefined;
    process.stdout.write(`${topic ? topic.usage : usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`gatehouse ${version}\n`);
    return 0;
  }
  const command: CliCommand | undefined = commands.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`gatehouse: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`gatehouse ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`gatehouse ${command.name}: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Exit even if a stray handle (an idle keep-alive socket) would keep the process alive.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`gatehouse: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
