/**
 * `gatehouse policy new NAME`: a custom policy folder that runs and tests as written. The
 * policy imports only `gatehouse/policy-sdk`; the test uses `gatehouse/policy-testing` and
 * node:test (what `gatehouse policy test` runs, nothing to install). tsconfig.json maps both
 * modules to this installation's type files, so an editor resolves them without a package.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findPolicy } from '../../shared/policies/catalogue';

/** Same rule as the loader's (main/policies/custom/definition-check.ts). */
const POLICY_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export function checkPolicyName(name: string): string | undefined {
  if (!POLICY_NAME.test(name)) return `NAME must be lower-case letters, digits and dashes, starting with a letter (such as add-debug-header), got "${name}"`;
  if (name.length > 64) return `NAME must be at most 64 characters`;
  if (findPolicy(name) || name === 'route' || name === 'route-weighted') return `"${name}" is a built-in policy's name; choose another`;
  return undefined;
}

export interface ScaffoldResult {
  dir: string;
  files: string[];
}

/** Writes NAME/{policy.ts, policy.test.ts, tsconfig.json, package.json} under `parent`; refuses a non-empty folder. */
export function scaffoldPolicy(name: string, parent: string, dist: string): ScaffoldResult {
  const dir = path.resolve(parent, name);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} already exists and is not empty; choose another NAME or --dir`);
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    'policy.ts': policyTemplate(name),
    'policy.test.ts': testTemplate(name),
    'tsconfig.json': `${JSON.stringify(tsconfig(dist), null, 2)}\n`,
    'package.json': `${JSON.stringify({ name, version: '0.1.0', private: true, description: `Gatehouse custom policy ${name}`, scripts: { test: 'gatehouse policy test .' } }, null, 2)}\n`,
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return { dir, files: Object.keys(files).map((file) => path.join(dir, file)) };
}

function tsconfig(dist: string) {
  const types = dist.split(path.sep).join('/');
  // node:test and node:assert types, when this installation has them (a development checkout does).
  const nodeTypes = path.join(dist, '..', 'node_modules', '@types');
  const node = existsSync(path.join(nodeTypes, 'node')) ? { typeRoots: [nodeTypes.split(path.sep).join('/')], types: ['node'] } : {};
  return {
    compilerOptions: {
      ...node,
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      // This gatehouse's own types: nothing to install for the editor to know the SDK.
      paths: {
        'gatehouse/policy-sdk': [`${types}/policy-sdk.d.ts`],
        'gatehouse/policy-testing': [`${types}/policy-testing.d.ts`],
      },
    },
    include: ['*.ts'],
  };
}

function policyTemplate(name: string): string {
  return `import { definePolicy } from 'gatehouse/policy-sdk';

interface Config {
  /** The header added to the request the upstream receives. */
  header: string;
  value: string;
}

export default definePolicy<Config>({
  name: '${name}',
  version: '0.1.0',
  title: '${name}',
  description: 'Adds a header to the request sent upstream.',
  // JSON Schema of the config: bindings are checked against it, and the app draws its form from it.
  schema: {
    type: 'object',
    properties: {
      header: { type: 'string', minLength: 1 },
      value: { type: 'string' },
    },
    required: ['header', 'value'],
    additionalProperties: false,
  },
  create(config, context) {
    // Runs once per binding, when the config is applied; the hooks run per request.
    return {
      onRequest(request) {
        request.headers.set(config.header, config.value);
        context.log.info(\`\${request.method} \${request.path}: set \${config.header}\`);
        // Return nothing to continue; or decide.reject(403, 'why') / decide.respond(200, 'body').
      },
    };
  },
});
`;
}

function testTemplate(name: string): string {
  return `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPolicyGateway } from 'gatehouse/policy-testing';

// A real gateway running ./policy.ts in front of an echo upstream (it answers with what it received).
test('${name} adds the header to the request the upstream receives', async () => {
  const gateway = await startPolicyGateway({ policy: './policy.ts', config: { header: 'x-hello', value: 'world' } });
  try {
    const response = await gateway.request('/orders/1');
    assert.equal(response.status, 200);
    assert.equal(response.json().headers['x-hello'], 'world');
  } finally {
    await gateway.close();
  }
});
`;
}
