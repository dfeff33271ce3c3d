/**
 * `gatehouse import FILE [--data-dir DIR] [--env NAME | --env-file FILE]`: replaces the whole
 * setup with the file's (apply --mode sync), all or nothing. Any error: every one printed as
 * `file:line: field: message`, exit 2, nothing changed. A `gatehouse serve` running on the same
 * data dir applies the import within a second.
 */
import type { CliCommand } from './command';
import { applyOptionsUsage, runApply } from './config-apply-run';

const usage = `Usage: gatehouse import FILE [--data-dir DIR] [--env NAME | --env-file FILE]

Replaces every gateway, API, policy, SLA tier, application, contract and alert rule with the
ones in FILE (YAML as written by \`gatehouse export\`, or a Flex Gateway local-mode file); the
same as \`gatehouse apply FILE --mode sync\`. All or nothing: with any error, every error is
printed and nothing changes. \`gatehouse diff FILE --mode sync\` shows what it would change.

${applyOptionsUsage}

Exit codes: 0 imported, 2 invalid file, 1 other failure.`;

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'replace the setup with a YAML file, all or nothing',
  usage,
  run: (argv) => runApply(argv, { command: 'import', mode: 'sync', dryRun: false }, usage),
};
