/**
 * `gatehouse import FILE [--data-dir DIR]`: replaces the whole setup with the file's, all or
 * nothing. Any error: every one printed as `file:line: field: message`, exit 2, nothing changed.
 * A `gatehouse serve` running on the same data dir applies the import within a second.
 */
import { existsSync } from 'node:fs';
import { ContractError } from '../../shared/contract/errors';
import { readConfigFile } from '../config/yaml-source';
import type { Store } from '../store/store';
import { parseCommandArgs } from './args';
import { UsageError, type CliCommand } from './command';
import { resolveDataDir } from './data-dir';

const usage = `Usage: gatehouse import FILE [--data-dir DIR]

Replaces every gateway, API, policy, SLA tier, application, contract and alert rule with the
ones in FILE (YAML as written by \`gatehouse export\`, or a Flex Gateway local-mode file).
All or nothing: with any error, every error is printed and nothing changes.
Exit codes: 0 imported, 2 invalid file, 1 other failure.`;

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'replace the setup with a YAML file, all or nothing',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { 'data-dir': { type: 'string', short: 'd' } }, true);
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give exactly one FILE' : 'FILE is required');
    const file = positionals[0]!;
    // Refuses a file over the YAML size limit before reading it.
    const read = readConfigFile(file);
    if ('error' in read) {
      process.stderr.write(`${file}: ${read.error}\n`);
      return 2;
    }
    const text = read.text;

    // Loaded here, not at startup: SQLite is only needed by the commands that open the database.
    const [{ parseImport, replaceWithImport }, { exportedSecretEnv }, { databasePath }, { Store }] = await Promise.all([
      import('../control/config-import'),
      import('../control/config-export'),
      import('../store/database'),
      import('../store/store'),
    ]);
    const dataDir = resolveDataDir(values['data-dir'] as string | undefined);
    let store: Store | undefined;
    const open = (): Store => (store ??= Store.open(dataDir));
    let parsed;
    try {
      // An export's ${VARIABLE}s (webhook URLs, keys) come from the environment, else from the data dir's own values.
      const stored = existsSync(databasePath(dataDir)) ? exportedSecretEnv(open()) : {};
      parsed = parseImport(text, file, { ...stored, ...process.env });
    } catch (error) {
      store?.close();
      if (error instanceof ContractError) return reportInvalid(error, file);
      process.stderr.write(`gatehouse import: ${(error as Error).message}\n`);
      return 1;
    }

    try {
      open().ensureEmbeddedGateway();
    } catch (error) {
      store?.close();
      process.stderr.write(`gatehouse import: ${(error as Error).message}\n`);
      return 1;
    }
    const target = store!;
    try {
      const outcome = target.transaction(() => replaceWithImport(target, parsed, file));
      for (const warning of outcome.warnings) process.stderr.write(`warning: ${warning}\n`);
      const counts = Object.entries(outcome.imported).map(([kind, n]) => `${n} ${kind}`);
      process.stdout.write(`imported ${file} into ${dataDir}${counts.length ? `: ${counts.join(', ')}` : ' (empty)'}\n`);
      return 0;
    } catch (error) {
      return reportInvalid(error, file);
    } finally {
      target.close();
    }
  },
};

function reportInvalid(error: unknown, file: string): number {
  if (!(error instanceof ContractError)) throw error;
  for (const detail of error.details ?? []) {
    const where = detail.line ? `${detail.file ?? file}:${detail.line}` : (detail.file ?? file);
    process.stdout.write(`${where}: ${detail.path ? `${detail.path}: ` : ''}${detail.message}\n`);
  }
  const count = error.details?.length ?? 1;
  if (!error.details?.length) process.stdout.write(`${file}: ${error.message}\n`);
  process.stdout.write(`${file}: ${count} error${count === 1 ? '' : 's'}, nothing was imported\n`);
  return 2;
}
