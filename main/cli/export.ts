/** `gatehouse export [--data-dir DIR]`: the whole setup as YAML on stdout, with no secret in clear. */
import { existsSync } from 'node:fs';
import type { Store } from '../store/store';
import { parseCommandArgs } from './args';
import { UsageError, type CliCommand } from './command';
import { resolveDataDir } from './data-dir';

const usage = `Usage: gatehouse export [--data-dir DIR] > gatehouse.yaml

Prints every gateway, API (with its policies), SLA tier, application, contract and alert rule
as YAML: Flex Gateway's local-mode resources plus gatehouse.dev/v1 kinds. Application secrets
and basic-auth passwords appear only as salted hashes; webhook URLs and PEM private keys as
\${VARIABLE} references, listed at the top, to set in the environment. \`gatehouse import\` reads
it back; \`gatehouse gateway --config\` runs it.`;

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'print the whole setup as declarative YAML',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { 'data-dir': { type: 'string', short: 'd' } }, true);
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; export writes to stdout (redirect it to a file)`);
    const dataDir = resolveDataDir(values['data-dir'] as string | undefined);
    // Loaded here, not at startup: SQLite is only needed by the commands that open the database.
    const [{ exportConfig }, { databasePath }, { Store }] = await Promise.all([import('../control/config-export'), import('../store/database'), import('../store/store')]);
    if (!existsSync(databasePath(dataDir))) {
      process.stderr.write(`gatehouse export: no Gatehouse data in ${dataDir} (start \`gatehouse serve\` there first, or pass --data-dir)\n`);
      return 1;
    }
    let store: Store;
    try {
      store = Store.open(dataDir);
    } catch (error) {
      process.stderr.write(`gatehouse export: ${(error as Error).message}\n`);
      return 1;
    }
    try {
      process.stdout.write(exportConfig(store, { dataDir }));
      return 0;
    } finally {
      store.close();
    }
  },
};
