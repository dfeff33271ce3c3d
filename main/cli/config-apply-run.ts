/**
 * What `gatehouse import`, `apply` and `diff` share: read FILE, open the data dir, fill the
 * file's `${VARIABLE}`s (this instance's port and data dir, the stored values an export
 * references, the process environment, then --env NAME or --env-file FILE), plan the apply in
 * one transaction and print the changes resource by resource. A dry run (diff) or any error
 * rolls the transaction back: nothing changes. Bindings may name the data dir's custom policies
 * (the policies library), as in the app's import; an Extension in the file stands for one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ContractError } from '../../shared/contract/errors';
import type { ConfigImportMode } from '../../shared/contract/config-models';
import { readConfigFile } from '../config/yaml-source';
import type { Store } from '../store/store';
import { parseCommandArgs } from './args';
import { UsageError } from './command';
import { resolveDataDir } from './data-dir';

export interface ApplyRun {
  /** The command's name, in messages. */
  command: 'import' | 'apply' | 'diff';
  /** Fixed mode (import: sync) or taken from --mode. */
  mode?: ConfigImportMode;
  dryRun: boolean;
}

export const applyOptionsUsage = `  --env NAME        fill \${VARIABLE}s from the environment NAME stored in the app (Settings)
  --env-file FILE   fill \${VARIABLE}s from FILE (NAME=value lines, # comments)
  --data-dir DIR    the instance to change (default: $GATEHOUSE_DATA_DIR, else the app-data folder);
                    bindings may name its custom policies (an Extension in FILE stands for the
                    one of the same name; custom policies themselves are never imported)`;

export async function runApply(argv: string[], run: ApplyRun, usage: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      'data-dir': { type: 'string', short: 'd' },
      env: { type: 'string' },
      'env-file': { type: 'string' },
      ...(run.mode === undefined ? { mode: { type: 'string' as const } } : {}),
    },
    true,
  );
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give exactly one FILE' : 'FILE is required');
  const mode = run.mode ?? modeOption(values.mode as string | undefined);
  if (values.env !== undefined && values['env-file'] !== undefined) throw new UsageError('give --env or --env-file, not both');
  const file = positionals[0]!;
  // Refuses a file over the YAML size limit before reading it.
  const read = readConfigFile(file);
  if ('error' in read) {
    process.stderr.write(`${file}: ${read.error}\n`);
    return 2;
  }
  const fileEnv = values['env-file'] !== undefined ? readEnvFile(values['env-file'] as string) : undefined;
  if (typeof fileEnv === 'string') {
    process.stderr.write(`${fileEnv}\n`);
    return 2;
  }

  // Loaded here, not at startup: SQLite is only needed by the commands that open the database.
  const [{ keptCustomPolicies, parseImportWithCustomPolicies }, { applyImport, formatChanges, summarizeChanges }, { exportedSecretEnv }, { importEnv }, { environmentVariables }, { databasePath }, { Store }] = await Promise.all([
    import('../control/config-import-custom'),
    import('../control/config-apply'),
    import('../control/config-export'),
    import('../control/config-portable'),
    import('../control/environments'),
    import('../store/database'),
    import('../store/store'),
  ]);
  const dataDir = resolveDataDir(values['data-dir'] as string | undefined);
  if (run.dryRun && !existsSync(databasePath(dataDir))) {
    process.stderr.write(`gatehouse ${run.command}: no Gatehouse data in ${dataDir} (start \`gatehouse serve\` there first, or pass --data-dir)\n`);
    return 1;
  }
  let store: Store;
  try {
    store = Store.open(dataDir);
    store.ensureEmbeddedGateway();
  } catch (error) {
    process.stderr.write(`gatehouse ${run.command}: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const variables = values.env !== undefined ? environmentVariables(store, values.env as string, process.env, '--env') : (fileEnv ?? {});
    // Bindings may name the data dir's custom policies (as the app's import allows), checked against their kept schema.
    const custom = keptCustomPolicies(store);
    for (const problem of custom.problems) process.stderr.write(`warning: ${problem}\n`);
    const parsed = await parseImportWithCustomPolicies(read.text, file, importEnv(store, dataDir, exportedSecretEnv(store), variables), custom.library);
    const outcome = store.transaction(() => applyImport(store, parsed, file, { mode, dryRun: run.dryRun, customPolicies: custom.catalogue }));
    for (const warning of outcome.warnings) process.stderr.write(`warning: ${warning}\n`);
    const lines = formatChanges(outcome.changes);
    const summary = summarizeChanges(outcome.changes);
    if (run.command === 'import') {
      // The counts line first, as before apply existed: scripts read it.
      const counts = Object.entries(outcome.imported).map(([kind, n]) => `${n} ${kind}`);
      process.stdout.write(`imported ${file} into ${dataDir}${counts.length ? `: ${counts.join(', ')}` : ' (empty)'}\n`);
      for (const line of lines) process.stdout.write(`${line}\n`);
      return 0;
    }
    for (const line of lines) process.stdout.write(`${line}\n`);
    if (run.dryRun) process.stdout.write(`${file} (${mode}): ${summary}; nothing was changed (dry run)\n`);
    else if (!outcome.applied) process.stdout.write(`${file} (${mode}): no changes; ${dataDir} already matches\n`);
    else process.stdout.write(`applied ${file} to ${dataDir} (${mode}): ${summary.replace(/ to (add|change|remove)/g, (_m, verb: string) => ` ${verb === 'add' ? 'added' : verb === 'change' ? 'changed' : 'removed'}`)}\n`);
    return 0;
  } catch (error) {
    return reportInvalid(error, file, run.command);
  } finally {
    store.close();
  }
}

function modeOption(value: string | undefined): ConfigImportMode {
  if (value === undefined) return 'merge';
  if (value === 'merge' || value === 'sync') return value;
  throw new UsageError(`--mode must be merge (add and update only) or sync (also remove what the file lacks), got "${value}"`);
}

/** `NAME=value` lines; `#` comments and blank lines skipped; quotes around a value removed. A string is an error. */
export function readEnvFile(file: string): Record<string, string> | string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`;
  }
  const env: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) return `${file}:${index + 1}: expected NAME=value`;
    const raw = match[2]!;
    env[match[1]!] = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
  }
  return env;
}

function reportInvalid(error: unknown, file: string, command: string): number {
  if (!(error instanceof ContractError)) {
    process.stderr.write(`gatehouse ${command}: ${(error as Error).message}\n`);
    return 1;
  }
  for (const detail of error.details ?? []) {
    const where = detail.line ? `${detail.file ?? file}:${detail.line}` : (detail.file ?? file);
    process.stdout.write(`${where}: ${detail.path ? `${detail.path}: ` : ''}${detail.message}\n`);
  }
  const count = error.details?.length ?? 1;
  if (!error.details?.length) process.stdout.write(`${file}: ${error.message}\n`);
  process.stdout.write(`${file}: ${count} error${count === 1 ? '' : 's'}, nothing was ${command === 'import' ? 'imported' : 'changed'}\n`);
  return 2;
}
