/** `gatehouse apply FILE [--mode merge|sync]`: changes the setup to match the file, all or nothing, and prints what changed. */
import type { CliCommand } from './command';
import { applyOptionsUsage, runApply } from './config-apply-run';

const usage = `Usage: gatehouse apply FILE [--mode merge|sync] [--env NAME | --env-file FILE] [--data-dir DIR]

Changes the setup to match FILE (YAML as written by \`gatehouse export\`, or Flex local-mode
files), in one transaction: with any error nothing changes. Prints each change:
  + Kind name            added
  ~ Kind name (fields)   changed
  - Kind name            removed

  --mode merge      add and update what FILE describes; keep everything else (default)
  --mode sync       also remove what FILE lacks (FILE is the whole setup)
${applyOptionsUsage}

Resources are matched by their gatehouse.dev/id annotation, else by name.
\`gatehouse diff\` prints the same list without changing anything.
Exit codes: 0 applied (or nothing to change), 2 invalid file or conflict, 1 other failure.`;

export const applyCommand: CliCommand = {
  name: 'apply',
  summary: 'change the setup to match a YAML file (merge or sync), all or nothing',
  usage,
  run: (argv) => runApply(argv, { command: 'apply', dryRun: false }, usage),
};
