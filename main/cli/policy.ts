/**
 * `gatehouse policy new NAME [--dir DIR]` and `gatehouse policy test PATH`: the developer loop
 * of a custom TypeScript policy (scaffold in policy-scaffold.ts, test runner in policy-test-run.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseCommandArgs } from './args';
import { UsageError, type CliCommand } from './command';
import { checkPolicyName, scaffoldPolicy } from './policy-scaffold';
import { findTestFiles, gatehouseDist, runPolicyTests } from './policy-test-run';

const usage = `Usage: gatehouse policy new NAME [--dir DIR]
       gatehouse policy test PATH

Custom policies in TypeScript (or JavaScript), for \`gatehouse gateway --config\` through an
Extension with spec.source (see the README's tutorial).

  new NAME     writes DIR/NAME/ (DIR: the current folder): policy.ts (imports only
               gatehouse/policy-sdk), policy.test.ts, tsconfig.json (editor types), package.json
  test PATH    runs the *.test.ts / *.test.js files in PATH (a folder or one file) with node:test,
               each against a real gateway and an echo upstream (gatehouse/policy-testing);
               exit 0 when all pass, 1 when any fails`;

export const policyCommand: CliCommand = {
  name: 'policy',
  summary: 'scaffold a custom TypeScript policy (new) and run its tests against a real gateway (test)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { dir: { type: 'string', short: 'd' } }, true);
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const [action, ...rest] = positionals;
    if (action === 'new') {
      if (rest.length !== 1) throw new UsageError(rest.length ? 'give exactly one NAME' : 'NAME is required');
      const name = rest[0]!;
      const problem = checkPolicyName(name);
      if (problem) throw new UsageError(problem);
      const parent = (values.dir as string | undefined) ?? process.cwd();
      let created;
      try {
        created = scaffoldPolicy(name, parent, gatehouseDist());
      } catch (error) {
        process.stderr.write(`gatehouse policy new: ${(error as Error).message}\n`);
        return 2;
      }
      const shown = path.relative(process.cwd(), created.dir) || '.';
      process.stdout.write(`created ${shown}/\n${created.files.map((file) => `  ${path.basename(file)}\n`).join('')}next: gatehouse policy test ${shown}\n`);
      return 0;
    }
    if (action === 'test') {
      if (values.dir !== undefined) throw new UsageError('--dir is for `policy new`');
      if (rest.length !== 1) throw new UsageError(rest.length ? 'give exactly one PATH' : 'PATH is required');
      const target = path.resolve(rest[0]!);
      if (!existsSync(target)) {
        process.stderr.write(`gatehouse policy test: ${rest[0]}: no such file or folder\n`);
        return 2;
      }
      const files = findTestFiles(target);
      if (files.length === 0) {
        process.stderr.write(`gatehouse policy test: no *.test.ts or *.test.js files in ${rest[0]}\n`);
        return 2;
      }
      return runPolicyTests(files, gatehouseDist());
    }
    throw new UsageError(action === undefined ? 'give an action: new or test' : `unknown action "${action}"; use new or test`);
  },
};
