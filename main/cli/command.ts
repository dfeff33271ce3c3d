/**
 * One CLI command: `gatehouse <name> …`. Each lives in its own module under main/cli/ and is
 * listed in commands.ts; cli.ts only dispatches.
 */
export interface CliCommand {
  name: string;
  /** One line for `gatehouse --help`. */
  summary: string;
  /** Full usage text for `gatehouse <name> --help`. */
  usage: string;
  /** Resolves with the process exit code (0 ok, 1 runtime failure, 2 bad input or config). */
  run(argv: string[]): Promise<number>;
}

/** Thrown for bad arguments: cli.ts prints the message and the command's usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
