/** `gatehouse diff FILE [--mode merge|sync]`: what `gatehouse apply` would change, resource by resource; changes nothing. */
import type { CliCommand } from './command';
import { applyOptionsUsage, runApply } from './config-apply-run';

const usage = `Usage: gatehouse diff FILE [--mode merge|sync] [--env NAME | --env-file FILE] [--data-dir DIR]

Prints what \`gatehouse apply FILE\` with the same options would change, without changing
anything:
  + Kind name            would be added
  ~ Kind name (fields)   would change (field names only: values may be secrets;
                         "policy order": the same policies would run in another sequence)
  - Kind name            would be removed (sync only)

  --mode merge      the file adds and updates only (default)
  --mode sync       the file is the whole setup: what it lacks is removed
${applyOptionsUsage}

Exit codes: 0 compared, 2 invalid file or conflict, 1 other failure.`;

export const diffCommand: CliCommand = {
  name: 'diff',
  summary: 'show what apply would add, change and remove; changes nothing',
  usage,
  run: (argv) => runApply(argv, { command: 'diff', dryRun: true }, usage),
};
