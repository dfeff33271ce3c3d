/**
 * `gatehouse validate PATH`: every error as `file:line: field: message`, exit 2; else a summary,
 * exit 0. Warnings (accepted, not acted on) are printed as `warning: file:line: field: message`
 * and never change the exit code.
 */
import { formatConfigError, sortConfigErrors, type ConfigError } from '../config/errors';
import { loadConfigWithPolicies } from '../config/load';
import { PolicySources } from '../config/policy-sources';
import { CustomPolicyLibrary } from '../policies/custom/library';
import { parseCommandArgs } from './args';
import { UsageError, type CliCommand } from './command';

const usage = `Usage: gatehouse validate PATH

Checks a config file or conf.d directory (Flex Gateway local-mode YAML and gatehouse.dev
resources, and the custom policies an Extension's spec.source names) without starting anything,
with the same checks as \`gatehouse import\`. Prints every error as file:line: field: message,
every field accepted but not acted on as warning: file:line: field: message, and what only local
mode runs (the app's import refuses it) as note: file:line: field: message.
Exit codes: 0 valid (warnings or not), 2 invalid.`;

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check a config file or conf.d directory; exit 2 with every error',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {}, true);
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give exactly one PATH' : 'PATH is required');
    const target = positionals[0]!;
    // Custom policies are compiled and loaded as the gateway would (their errors at their file and line).
    const library = new CustomPolicyLibrary();
    const result = await loadConfigWithPolicies(target, { policies: new PolicySources(library) });
    // The import's own checks too (ids, names, ports): validate and import agree on what is valid.
    const { checkImport } = await import('../control/config-apply');
    const imported = result.errors.length === 0 ? checkImport(result.resources) : { errors: [], localModeOnly: [] };
    // The app's import does not take custom policies (yet): local mode only, not an error here.
    const custom = new Set([...library.policies().map((policy) => policy.name), ...result.resources.filter((r) => r.kind === 'Extension').map((r) => r.metadata.name)]);
    const customUse = (error: ConfigError) => /policyRef(\.name)?$/.test(error.field) && [...custom].some((name) => error.message.startsWith(`unknown policy "${name}"`));
    imported.localModeOnly.push(...imported.errors.filter(customUse).map((error) => ({ ...error, message: 'a custom policy (Extension)' })));
    imported.errors = imported.errors.filter((error) => !customUse(error));
    const errors = sortConfigErrors([...result.errors, ...imported.errors]);
    for (const warning of result.warnings) process.stdout.write(`warning: ${formatConfigError(warning)}\n`);
    for (const note of imported.localModeOnly) process.stdout.write(`note: ${formatConfigError(note)} (\`gatehouse gateway --config\` runs this; \`gatehouse import\` refuses it)\n`);
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
