/**
 * `gatehouse validate PATH [--data-dir DIR]`: every error as `file:line: field: message`, exit 2;
 * else a summary, exit 0. Warnings (accepted, not acted on) are printed as
 * `warning: file:line: field: message` and never change the exit code. With a data dir, bindings
 * are also checked as `gatehouse import` into it would: against its custom policies' schemas.
 */
import { existsSync } from 'node:fs';
import { formatConfigError, sortConfigErrors, type ConfigError } from '../config/errors';
import { loadConfigWithPolicies, type LoadResult } from '../config/load';
import { PolicySources } from '../config/policy-sources';
import type { KeptCustomPolicies } from '../control/config-import-custom';
import { CustomPolicyLibrary } from '../policies/custom/library';
import { parseCommandArgs } from './args';
import { UsageError, type CliCommand } from './command';
import { resolveDataDir } from './data-dir';

const usage = `Usage: gatehouse validate PATH [--data-dir DIR]

Checks a config file or conf.d directory (Flex Gateway local-mode YAML and gatehouse.dev
resources, and the custom policies an Extension's spec.source names) without starting anything,
with the same checks as \`gatehouse import\`. Prints every error as file:line: field: message,
every field accepted but not acted on as warning: file:line: field: message, and what only local
mode runs (the app's import refuses it, or takes it only with the policy in its library) as
note: file:line: field: message.

  --data-dir DIR    also check as an import into DIR would (default: $GATEHOUSE_DATA_DIR when
                    set): bindings may name DIR's custom policies (its policies library) and
                    their config is checked against those policies' schemas

Exit codes: 0 valid (warnings or not), 2 invalid (1: the data dir cannot be read).`;

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check a config file or conf.d directory; exit 2 with every error',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { 'data-dir': { type: 'string', short: 'd' } }, true);
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give exactly one PATH' : 'PATH is required');
    const target = positionals[0]!;
    const kept = await keptPolicies(values['data-dir'] as string | undefined);
    if (typeof kept === 'string') {
      process.stderr.write(`gatehouse validate: ${kept}\n`);
      return 1;
    }
    // Custom policies are compiled and loaded as the gateway would (their errors at their file and line).
    const library = new CustomPolicyLibrary();
    const compiled = new PolicySources(library);
    let result: LoadResult;
    let importOnly: ConfigError[] = [];
    if (kept) {
      const { loadWithLibrary } = await import('../control/config-import-custom');
      ({ result, importOnly } = await loadWithLibrary(target, kept.library, compiled));
    } else result = await loadConfigWithPolicies(target, { policies: compiled });
    // The import's own checks too (ids, names, ports): validate and import agree on what is valid.
    const { checkImport } = await import('../control/config-apply');
    const imported = result.errors.length === 0 ? checkImport(result.resources, kept?.catalogue) : { errors: [], localModeOnly: [] };
    // A custom policy the import does not know (no data dir, or not in its library): local mode only, not an error here.
    const custom = new Set([...library.policies().map((policy) => policy.name), ...result.resources.filter((r) => r.kind === 'Extension').map((r) => r.metadata.name)]);
    const customUse = (error: ConfigError) => /policyRef(\.name)?$/.test(error.field) && [...custom].some((name) => error.message.startsWith(`unknown policy "${name}"`));
    const customNotes = imported.errors.filter(customUse);
    if (kept) imported.localModeOnly.push(...customNotes.map((error) => ({ ...error, message: "a custom policy (Extension) that the data dir's policies library does not have" })));
    imported.errors = imported.errors.filter((error) => !customUse(error));
    const errors = sortConfigErrors([...result.errors, ...imported.errors]);
    for (const warning of result.warnings) process.stdout.write(`warning: ${formatConfigError(warning)}\n`);
    for (const problem of kept?.problems ?? []) process.stdout.write(`warning: ${problem}\n`);
    for (const note of imported.localModeOnly) process.stdout.write(`note: ${formatConfigError(note)} (\`gatehouse gateway --config\` runs this; \`gatehouse import\` refuses it)\n`);
    // Without a data dir, whether an import takes it depends on the data dir's library.
    if (!kept)
      for (const note of customNotes)
        process.stdout.write(`note: ${formatConfigError({ ...note, message: 'a custom policy (Extension)' })} (\`gatehouse gateway --config\` runs this; \`gatehouse import\` takes it into a data dir whose policies library has this policy: check with --data-dir)\n`);
    for (const note of importOnly) process.stdout.write(`note: ${formatConfigError(note)} (\`gatehouse import\` takes this; \`gatehouse gateway --config\` needs an Extension declaring it)\n`);
    if (errors.length > 0 || !result.snapshot) {
      for (const error of errors) process.stdout.write(`${formatConfigError(error)}\n`);
      const count = errors.length;
      process.stdout.write(`${target}: invalid, ${count} error${count === 1 ? '' : 's'}\n`);
      return 2;
    }
    const { listeners, identity } = result.snapshot;
    const apis = listeners.reduce((n, listener) => n + listener.apis.length, 0);
    const policies = listeners.reduce((n, l) => n + l.apis.reduce((m, api) => m + api.policies.length, 0), 0);
    const parts = [
      `${plural(apis, 'API')} on ${plural(listeners.length, 'listener')}`,
      plural(policies, 'policy', 'policies'),
      identity.applications.length ? plural(identity.applications.length, 'application') : '',
      plural(result.files.length, 'file'),
    ].filter(Boolean);
    const warned = result.warnings.length ? `, ${plural(result.warnings.length, 'warning')}` : '';
    process.stdout.write(`${target}: valid (${parts.join(', ')}; version ${result.snapshot.version})${warned}\n`);
    return 0;
  },
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The data dir's custom policies (--data-dir, else $GATEHOUSE_DATA_DIR; never the app-data
 * folder: validate needs no app; a $GATEHOUSE_DATA_DIR without data is ignored). A string is
 * why the given data dir cannot be used.
 */
async function keptPolicies(flag: string | undefined): Promise<KeptCustomPolicies | undefined | string> {
  if (flag === undefined && !process.env.GATEHOUSE_DATA_DIR) return undefined;
  const dataDir = resolveDataDir(flag);
  // Loaded here, not at startup: SQLite is only needed with a data dir.
  const [{ keptCustomPolicies }, { databasePath }, { Store }] = await Promise.all([import('../control/config-import-custom'), import('../store/database'), import('../store/store')]);
  if (!existsSync(databasePath(dataDir))) return flag === undefined ? undefined : `no Gatehouse data in ${dataDir} (start \`gatehouse serve\` there first, or pass another --data-dir)`;
  try {
    const store = Store.open(dataDir);
    try {
      return keptCustomPolicies(store);
    } finally {
      store.close();
    }
  } catch (error) {
    return `${dataDir}: ${(error as Error).message}`;
  }
}
